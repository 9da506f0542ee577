import { ADMIN_PORTS, describePorts, portExposureFindings, portReferences } from './common';
import type { RuleDefinition } from './types';

/** Trivy AWS-0107 and cfn_nag W2 cover every admin port; Checkov and Prowler have one check per port. */
const BASE = ['AWS-0107', 'W2'];

export const EL001: RuleDefinition = {
  id: 'EL001',
  title: 'Remote-admin port open to the internet',
  severity: 'high',
  rationale:
    'SSH (22) and RDP (3389) reachable from 0.0.0.0/0 or ::/0 are found by internet-wide scanners within minutes and brute-forced around the clock; one weak or leaked credential is enough.',
  remediation:
    'Allow the admin port only from known addresses (office or VPN CIDR as a /32 or small range), or remove it and use AWS Systems Manager Session Manager or EC2 Instance Connect Endpoint.',
  references: portReferences(BASE, ADMIN_PORTS),
  examples: {
    terraform: {
      bad: `resource "aws_security_group" "bastion" {
  description = "Bastion"
  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}`,
      good: `resource "aws_security_group" "bastion" {
  description = "Bastion"
  ingress {
    description = "SSH from the office"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["203.0.113.10/32"]
  }
}`,
    },
    cloudformation: {
      bad: `Resources:
  Bastion:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Bastion
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 3389
          ToPort: 3389
          CidrIpv6: ::/0
          Description: RDP
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
          Description: HTTPS inside the VPC
`,
      good: `Resources:
  Bastion:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Bastion
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 3389
          ToPort: 3389
          CidrIp: 203.0.113.10/32
          Description: RDP from the office
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
          Description: HTTPS inside the VPC
`,
    },
  },
  check(model) {
    return portExposureFindings(model.rules, ADMIN_PORTS, BASE, describePorts, 'Restrict it to known addresses or use Session Manager.');
  },
};
