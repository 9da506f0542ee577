output "vpc_id" {
  value = aws_vpc.main.id
}

output "nat_gateway_id" {
  value = aws_nat_gateway.main.id
}

output "security_group_ids" {
  value = {
    web        = aws_security_group.web.id
    bastion    = aws_security_group.bastion.id
    app        = aws_security_group.app.id
    worker     = aws_security_group.worker.id
    db         = aws_security_group.db.id
    cache      = aws_security_group.cache.id
    monitoring = module.monitoring_sg.security_group_id
  }
}
