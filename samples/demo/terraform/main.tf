terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "egress-lens-demo"
      Environment = var.environment
    }
  }
}

locals {
  name = "demo"

  # The old office VPN range. Far wider than anything that should reach the database.
  legacy_vpn_cidr = "10.0.0.0/8"

  all_ipv4 = "0.0.0.0/0"
}
