import { ingressRules, internetSources, isAllTraffic, isUnknownSource, onSource, portsText, unresolvedTail } from './common';
import type { RawFinding, RuleDefinition } from './types';

export const EL002: RuleDefinition = {
  id: 'EL002',
  title: 'All ports or all protocols open to the internet',
  severity: 'critical',
  rationale:
    'An ingress rule for every port (or protocol -1) from 0.0.0.0/0 or ::/0 exposes every service the instance runs, including ones nobody meant to publish (databases, admin consoles, debug ports).',
  remediation: 'Replace it with rules for the specific ports the service needs, from the narrowest sources that work.',
  references: ['CKV_AWS_277', 'AWS-0107', 'W2', 'W42', 'prowler:ec2_securitygroup_allow_ingress_from_internet_to_all_ports'],
  examples: {
    terraform: {
      bad: `resource "aws_security_group" "open" {
  description = "Everything"
}

resource "aws_security_group_rule" "all" {
  type              = "ingress"
  description       = "all"
  security_group_id = aws_security_group.open.id
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
}`,
      good: `resource "aws_security_group" "open" {
  description = "Everything from the load balancer"
}

resource "aws_security_group_rule" "all" {
  type                     = "ingress"
  description              = "all from the load balancer"
  security_group_id        = aws_security_group.open.id
  from_port                = 0
  to_port                  = 0
  protocol                 = "-1"
  source_security_group_id = aws_security_group.lb.id
}`,
    },
    cloudformation: {
      bad: `Resources:
  Open:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Everything
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
          Description: HTTPS inside the VPC
  AllIn:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Open.GroupId
      IpProtocol: "-1"
      CidrIp: 0.0.0.0/0
      Description: all
`,
      good: `Resources:
  Open:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Everything from the load balancer
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
          Description: HTTPS inside the VPC
  AllIn:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Open.GroupId
      IpProtocol: "-1"
      SourceSecurityGroupId: !Ref LoadBalancerGroup
      Description: all from the load balancer
`,
    },
  },
  check(model) {
    const out: RawFinding[] = [];
    for (const rule of ingressRules(model.rules)) {
      if (!isAllTraffic(rule)) continue;
      const subject = portsText(rule) === 'all traffic' ? 'All traffic' : `Every port (${portsText(rule)})`;
      for (const { source: s, text } of internetSources(rule)) {
        out.push(onSource(rule, s, `${subject} is open to ${text} on ${rule.resource}. Open only the ports the service needs.`));
      }
      for (const s of rule.sources) if (isUnknownSource(s)) out.push(onSource(rule, s, `${subject} is open to ${unresolvedTail(s, rule.resource)}`, undefined, 'info'));
    }
    return out;
  },
};
