# --- The VPC's default group: AWS gives it these rules; nothing should use it. -----------------

resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id

  ingress {
    protocol  = "-1"
    self      = true
    from_port = 0
    to_port   = 0
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- Web tier: public on 80/443, meant to be open. ---------------------------------------------

resource "aws_security_group" "web" {
  name        = "${local.name}-web"
  description = "Public web servers"
  vpc_id      = aws_vpc.main.id

  ingress {
    description      = "HTTP from anywhere"
    from_port        = 80
    to_port          = 80
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    description      = "HTTPS from anywhere"
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    description = "Partner webhook callbacks"
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = var.partner_cidrs
  }

  egress {
    description      = "All outbound"
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  tags = {
    Name = "${local.name}-web"
  }
}

# --- Bastion: SSH from var.admin_cidrs, whose default is the whole internet. -------------------

resource "aws_security_group" "bastion" {
  name        = "${local.name}-bastion"
  description = "SSH bastion host"
  vpc_id      = aws_vpc.main.id

  tags = {
    Name = "${local.name}-bastion"
  }
}

resource "aws_security_group_rule" "bastion_ssh" {
  type              = "ingress"
  description       = "SSH for administrators"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = var.admin_cidrs
  security_group_id = aws_security_group.bastion.id
}

resource "aws_security_group_rule" "bastion_egress" {
  type              = "egress"
  description       = "All outbound"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = [local.all_ipv4]
  security_group_id = aws_security_group.bastion.id
}

# --- App tier: reachable only from the web tier's group (not open to the world). ---------------

resource "aws_security_group" "app" {
  name        = "${local.name}-app"
  description = "Application servers behind the web tier"
  vpc_id      = aws_vpc.main.id

  tags = {
    Name = "${local.name}-app"
  }
}

resource "aws_vpc_security_group_ingress_rule" "app_from_web" {
  security_group_id            = aws_security_group.app.id
  description                  = "HTTP from the web tier"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.web.id
}

resource "aws_vpc_security_group_egress_rule" "app_all" {
  security_group_id = aws_security_group.app.id
  description       = "All outbound"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# --- Worker: uploads exports to S3 through the NAT gateway. ------------------------------------

resource "aws_security_group" "worker" {
  name        = "${local.name}-worker"
  description = "Batch worker uploading exports to S3"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "SSH from the bastion"
    from_port       = 22
    to_port         = 22
    protocol        = "tcp"
    security_groups = [aws_security_group.bastion.id]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name = "${local.name}-worker"
  }
}

# --- Database: PostgreSQL from the app group, plus one rule that should not exist. -------------

resource "aws_security_group" "db" {
  name        = "${local.name}-db"
  description = "PostgreSQL database"
  vpc_id      = aws_vpc.main.id

  tags = {
    Name = "${local.name}-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "db_from_app" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from app servers"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_vpc_security_group_ingress_rule" "db_legacy_vpn" {
  security_group_id = aws_security_group.db.id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = local.legacy_vpn_cidr
}

# --- Cache: Redis open to the world (and no group description). --------------------------------

resource "aws_security_group" "cache" {
  name   = "${local.name}-cache"
  vpc_id = aws_vpc.main.id

  ingress {
    description = "Redis"
    from_port   = 6379
    to_port     = 6379
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name = "${local.name}-cache"
  }
}

# --- Monitoring: the community module (inputs only; it need not be installed to scan). ---------

module "monitoring_sg" {
  source  = "terraform-aws-modules/security-group/aws"
  version = "5.2.0"

  name            = "${local.name}-monitoring"
  use_name_prefix = false
  description     = "Prometheus scraping of app servers"
  vpc_id          = aws_vpc.main.id

  ingress_cidr_blocks = [var.vpc_cidr]
  ingress_rules       = ["prometheus-http-tcp"]

  ingress_with_cidr_blocks = [
    {
      from_port   = 9100
      to_port     = 9100
      protocol    = "tcp"
      description = "Node exporter"
      cidr_blocks = var.vpc_cidr
    },
  ]

  egress_rules = ["all-all"]
}
