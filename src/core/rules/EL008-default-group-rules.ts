import type { RawFinding, RuleDefinition } from './types';

export const EL008: RuleDefinition = {
  id: 'EL008',
  title: 'Default security group has rules',
  severity: 'medium',
  rationale:
    'Every VPC has a default security group, and anything launched without an explicit group lands in it. If it allows traffic, forgotten resources get that access silently; CIS AWS 5.4 asks for it to allow nothing.',
  remediation: 'Manage it with aws_default_security_group and no ingress/egress blocks (which removes all rules), and give workloads their own groups.',
  references: ['CKV2_AWS_12', 'AWS-0173', 'CIS-AWS-5.4'],
  examples: {
    terraform: {
      bad: `resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
  ingress {
    description = "self"
    protocol    = "-1"
    self        = true
    from_port   = 0
    to_port     = 0
  }
}`,
      good: `resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
}`,
    },
    cloudformation: null,
    note: 'CloudFormation cannot manage the default security group (there is no resource type for it), so the rule has no CloudFormation examples.',
  },
  check(model) {
    const out: RawFinding[] = [];
    for (const g of model.groups) {
      if (!g.isDefault || g.ruleIds.length === 0) continue;
      out.push({
        message: `The default security group of ${g.vpc ?? 'this VPC'} (${g.address}) has ${g.ruleIds.length} rule${g.ruleIds.length === 1 ? '' : 's'}; anything launched without a group gets this access. Remove them.`,
        file: g.file,
        range: g.headerRange,
        resource: g.address,
        elementIds: [g.id, ...g.ruleIds],
        groupId: g.id,
      });
    }
    return out;
  },
};
