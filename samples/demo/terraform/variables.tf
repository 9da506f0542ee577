variable "region" {
  description = "AWS region to deploy into"
  type        = string
  default     = "us-east-1"
}

variable "environment" {
  description = "Environment name used in tags"
  type        = string
  default     = "dev"
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC"
  type        = string
  default     = "10.0.0.0/16"
}

variable "admin_cidrs" {
  description = "Networks allowed to SSH to the bastion"
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "partner_cidrs" {
  description = "Partner networks that deliver webhooks on 8443"
  type        = list(string)
  default     = []
}

variable "instance_type" {
  description = "Instance type for all hosts"
  type        = string
  default     = "t3.medium"
}
