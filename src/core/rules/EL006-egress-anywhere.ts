import { isAllTraffic, onSource, sourceText, worldSources } from './common';
import type { RawFinding, RuleDefinition } from './types';

export const EL006: RuleDefinition = {
  id: 'EL006',
  title: 'Egress to anywhere on all ports',
  severity: 'info',
  rationale:
    'Allowing all outbound traffic to 0.0.0.0/0 is the AWS default and often fine, but it is also what lets malware call home and data leave (exfiltration), and it hides the traffic that makes the NAT and data-transfer bill. CloudFormation groups without SecurityGroupEgress keep this default.',
  remediation:
    'Where the workload is known, allow only what it needs (e.g. 443 to the internet, the database port to the DB group) and use VPC endpoints for AWS services.',
  references: ['CKV_AWS_382', 'W5', 'W40', 'F1000'],
  examples: {
    terraform: {
      bad: `resource "aws_security_group" "app" {
  description = "App"
  egress {
    description = "everything"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}`,
      good: `resource "aws_security_group" "app" {
  description = "App"
  egress {
    description = "HTTPS out"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}`,
    },
    cloudformation: {
      bad: `Resources:
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: App (no egress rules, so AWS keeps allow-all)
`,
      good: `Resources:
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: App
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
          Description: HTTPS out
`,
    },
  },
  check(model) {
    const out: RawFinding[] = [];
    for (const rule of model.rules) {
      if (rule.direction !== 'egress' || !isAllTraffic(rule)) continue;
      for (const s of worldSources(rule)) {
        const implicit = rule.origin === 'implicit-default';
        out.push(
          onSource(
            rule,
            s,
            implicit
              ? `${rule.resource} has no egress rules, so AWS keeps its default: all traffic out to ${s.value}. Add SecurityGroupEgress entries for what the workload needs.`
              : `All outbound traffic to ${sourceText(s)} is allowed on ${rule.resource} (the AWS default). Fine for many workloads; narrow it if data exfiltration or NAT cost matters.`,
          ),
        );
      }
    }
    return out;
  },
};
