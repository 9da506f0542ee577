import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, getRule, initIac } from '../../../src/core/iac';
import { parseIgnoreComment } from '../../../src/core/iac/common';

before(async () => {
  await initIac();
});

const open = (name: string, port: number, cidr = '0.0.0.0/0') => `resource "aws_security_group" "${name}" {
  description = "${name}"
  ingress {
    description = "x"
    from_port   = ${port}
    to_port     = ${port}
    protocol    = "tcp"
    cidr_blocks = ["${cidr}"]
  }
}
`;

/** "ruleId resource suppressed(reason)" for the world-open rules. */
function summary(path: string, text: string): string[] {
  return analyzeText(path, text)
    .findings.filter((f) => ['EL001', 'EL003', 'EL004'].includes(f.ruleId))
    .map((f) => `${f.ruleId} ${f.resource}${f.suppressed ? ` suppressed(${f.suppressionReason})` : ''}`);
}

describe('suppression comments in Terraform', () => {
  it('# on the line above a resource suppresses that rule there, with its reason', () => {
    const text = `# egress-lens:ignore EL001 bastion only reachable through the VPN\n${open('a', 22)}${open('b', 22)}`;
    assert.deepEqual(summary('main.tf', text), ['EL001 aws_security_group.a suppressed(bastion only reachable through the VPN)', 'EL001 aws_security_group.b']);
  });

  it('// works too, and only the named rule is suppressed', () => {
    const text = `// egress-lens:ignore EL003 -- wrong rule\n${open('a', 22)}`;
    assert.deepEqual(summary('main.tf', text), ['EL001 aws_security_group.a']);
  });

  it('inside the ingress block, or trailing a CIDR, it covers that block only', () => {
    const inside = open('a', 22).replace('  ingress {\n', '  ingress {\n    # egress-lens:ignore EL001 break-glass access\n');
    assert.deepEqual(summary('main.tf', inside), ['EL001 aws_security_group.a suppressed(break-glass access)']);
    const trailing = open('a', 22).replace('cidr_blocks = ["0.0.0.0/0"]', 'cidr_blocks = ["0.0.0.0/0"] # egress-lens:ignore EL001 temporary');
    assert.deepEqual(summary('main.tf', trailing), ['EL001 aws_security_group.a suppressed(temporary)']);
  });

  it('several ids and * are accepted; a missing reason is shown as such', () => {
    assert.deepEqual(parseIgnoreComment('# egress-lens:ignore EL001,EL003 public on purpose'), { ruleIds: ['EL001', 'EL003'], reason: 'public on purpose' });
    assert.deepEqual(parseIgnoreComment('// egress-lens:ignore EL001 EL004: demo'), { ruleIds: ['EL001', 'EL004'], reason: 'demo' });
    assert.deepEqual(parseIgnoreComment('# egress-lens:ignore * lab account'), { ruleIds: ['*'], reason: 'lab account' });
    assert.equal(parseIgnoreComment('# an ordinary comment'), null);
    const text = `# egress-lens:ignore *\n${open('a', 21)}`;
    assert.deepEqual(summary('main.tf', text), ['EL004 aws_security_group.a suppressed((no reason given))']);
  });
});

describe('suppression in CloudFormation', () => {
  const cfn = (meta: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bastion:
    Type: AWS::EC2::SecurityGroup
${meta}    Properties:
      GroupDescription: Bastion
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
          Description: SSH
  Other:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Other
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
          Description: SSH
`;
  it('Metadata egress-lens ignore [{id, reason}] suppresses that resource only', () => {
    const text = cfn('    Metadata:\n      egress-lens:\n        ignore:\n          - id: EL001\n            reason: VPN only\n');
    assert.deepEqual(summary('t.yaml', text), ['EL001 Bastion suppressed(VPN only)', 'EL001 Other']);
  });
  it('a # egress-lens:ignore comment inside the resource works in YAML', () => {
    const text = cfn('    # egress-lens:ignore EL001 lab\n');
    assert.deepEqual(summary('t.yaml', text), ['EL001 Bastion suppressed(lab)', 'EL001 Other']);
  });
  it('Metadata works in JSON templates', () => {
    const json = JSON.stringify({
      Resources: {
        Bastion: {
          Type: 'AWS::EC2::SecurityGroup',
          Metadata: { 'egress-lens': { ignore: [{ id: 'EL001', reason: 'json reason' }] } },
          Properties: { GroupDescription: 'b', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0', Description: 'SSH' }] },
        },
      },
    }, null, 2);
    assert.deepEqual(summary('t.json', json), ['EL001 Bastion suppressed(json reason)']);
  });
});

describe('rule options', () => {
  it('disabled rules do not run; severity overrides apply', () => {
    const text = open('a', 22);
    const none = analyzeText('main.tf', text, { rules: { disabled: ['EL001'] } });
    assert.ok(!none.findings.some((f) => f.ruleId === 'EL001'));
    const low = analyzeText('main.tf', text, { rules: { severity: { EL001: 'low' } } });
    assert.equal(low.findings.find((f) => f.ruleId === 'EL001')?.severity, 'low');
    const only = analyzeText('main.tf', text, { rules: { enabled: ['EL007'] } });
    assert.ok(only.findings.every((f) => f.ruleId === 'EL007'));
  });

  it('the cost rule quotes the NAT price of the chosen region from the pricing data', () => {
    const nat = getRule('EL009')!.examples.terraform.bad;
    const us = analyzeText('n.tf', nat).findings.find((f) => f.ruleId === 'EL009')!;
    assert.match(us.message, /\$0\.045\/GB/);
    const syd = analyzeText('n.tf', nat, { rules: { region: 'ap-southeast-2' } }).findings.find((f) => f.ruleId === 'EL009')!;
    assert.match(syd.message, /\$0\.059\/GB/);
  });
});
