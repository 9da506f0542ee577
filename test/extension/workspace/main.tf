# Minimal fixture for the extension-host suites (used when samples/demo is absent).
resource "aws_security_group" "web" {
  name        = "web"
  description = "Web servers"
  vpc_id      = "vpc-0123456789abcdef0"

  ingress {
    description = "SSH from anywhere"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
