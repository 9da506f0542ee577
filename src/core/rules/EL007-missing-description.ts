import type { RawFinding, RuleDefinition } from './types';

export const EL007: RuleDefinition = {
  id: 'EL007',
  title: 'Security group or rule without a description',
  severity: 'low',
  rationale:
    'A description is the only place that says why a rule exists. Without it nobody dares to remove a stale rule, reviews cannot tell an intended opening from a mistake, and the console shows "Managed by Terraform".',
  remediation: 'Add `description` (Terraform) or `GroupDescription` / `Description` (CloudFormation) saying who needs the access and why.',
  references: ['CKV_AWS_23', 'W36'],
  examples: {
    terraform: {
      bad: `resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}`,
      good: `resource "aws_security_group" "web" {
  name        = "web"
  description = "Web servers"
  ingress {
    description = "HTTPS from inside the VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}`,
    },
    cloudformation: {
      bad: `Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Web servers
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
`,
      good: `Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Web servers
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
          Description: HTTPS from inside the VPC
`,
    },
  },
  check(model) {
    const out: RawFinding[] = [];
    for (const g of model.groups) {
      if (g.isDefault || g.descriptionState !== 'missing') continue;
      out.push({
        message: `Security group ${g.address} has no description${g.format === 'terraform' ? ' (Terraform fills in "Managed by Terraform")' : ''}. Say what the group is for.`,
        file: g.file,
        range: g.headerRange,
        resource: g.address,
        elementIds: [g.id],
        groupId: g.id,
      });
    }
    for (const r of model.rules) {
      if (r.origin === 'implicit-default' || r.descriptionState !== 'missing') continue;
      out.push({
        message: `The ${r.direction} rule (${r.protocol === 'all' ? 'all traffic' : `${r.protocol ?? '?'} ${r.fromPort ?? '?'}-${r.toPort ?? '?'}`}) of ${r.resource} has no description. Say who needs this access and why.`,
        file: r.file,
        range: r.headerRange,
        resource: r.resource,
        elementIds: [r.groupId, r.id].filter((x): x is string => !!x),
        ...(r.groupId ? { groupId: r.groupId } : {}),
        sgRuleId: r.id,
      });
    }
    return out;
  },
};
