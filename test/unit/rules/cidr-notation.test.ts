// EL010: CIDRs with host bits set, without a prefix, with leading zeros, or malformed — in every
// place a CIDR is written, Terraform and CloudFormation, with the literal's exact range.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFiles, analyzeText, type Finding } from '../../../src/core/iac';
import { findingsOf, ready } from './check';

before(async () => {
  await ready;
});

/** The EL010 findings as "text under the range | message" (ranges are single-line here). */
function el010(path: string, text: string): { at: string; line: number; f: Finding }[] {
  const lines = text.split('\n');
  return findingsOf(path, text, 'EL010').map((f) => {
    assert.equal(f.range.start.line, f.range.end.line, 'a CIDR literal is on one line');
    return { at: lines[f.range.start.line].slice(f.range.start.column, f.range.end.column), line: f.range.start.line + 1, f };
  });
}

const sg = (body: string): string => `resource "aws_security_group" "a" {
  description = "a"
${body}}
`;
const ingress = (cidrs: string, key = 'cidr_blocks'): string => `  ingress {
    description = "x"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    ${key} = ${cidrs}
  }
`;

/** An aws_vpc_security_group_{ingress,egress}_rule on HTTPS with one CIDR attribute. */
const vpcRule = (dir: 'ingress' | 'egress', name: string, attr: 'cidr_ipv4' | 'cidr_ipv6', value: string): string => `resource "aws_vpc_security_group_${dir}_rule" "${name}" {
  security_group_id = aws_security_group.a.id
  description       = "${name}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  ${attr}         = "${value}"
}
`;

describe('EL010 in Terraform: every place a CIDR is written', () => {
  it('inline ingress: host bits set → the network and the single host are suggested; range = the literal', () => {
    const [x, ...rest] = el010('main.tf', sg(ingress('["10.0.0.5/8"]')));
    assert.equal(rest.length, 0);
    assert.equal(x.at, '"10.0.0.5/8"');
    assert.equal(x.line, 8);
    assert.equal(x.f.severity, 'medium');
    assert.equal(x.f.resource, 'aws_security_group.a');
    assert.match(x.f.message, /'10\.0\.0\.5\/8' on aws_security_group\.a has host bits set/);
    assert.match(x.f.message, /did you mean the network 10\.0\.0\.0\/8 \(16,777,216 addresses\), or the single host 10\.0\.0\.5\/32\?/i);
    assert.match(x.f.message, /Terraform AWS provider rejects it/);
    assert.ok(x.f.sourceId && x.f.sgRuleId && x.f.elementIds.includes(x.f.sourceId));
    assert.deepEqual(x.f.references, ['cfn-lint:E1103']);
  });

  it('inline egress and IPv6 (ipv6_cidr_blocks): 2001:db8::1/32 → 2001:db8::/32 or 2001:db8::1/128', () => {
    const text = sg(ingress('["2001:db8::1/32"]', 'ipv6_cidr_blocks').replace('ingress {', 'egress {'));
    const [x] = el010('main.tf', text);
    assert.equal(x.at, '"2001:db8::1/32"');
    assert.match(x.f.message, /network 2001:db8::\/32 \(2\^96 addresses\), or the single host 2001:db8::1\/128\?/);
  });

  it('a block of the other family: IPv6 in cidr_blocks / cidr_ipv4, IPv4 in ipv6_cidr_blocks / cidr_ipv6', () => {
    const text =
      sg(ingress('["10.0.0.0/8", "::/0"]') + ingress('["0.0.0.0/0"]', 'ipv6_cidr_blocks')) +
      vpcRule('ingress', 'i', 'cidr_ipv4', '2001:db8::1/32') +
      vpcRule('egress', 'e', 'cidr_ipv6', '10.0.0.0/16');
    const got = el010('main.tf', text);
    assert.deepEqual(
      got.map((g) => `${g.f.resource} ${g.at}`),
      ['aws_security_group.a "::/0"', 'aws_security_group.a "0.0.0.0/0"', 'aws_vpc_security_group_ingress_rule.i "2001:db8::1/32"', 'aws_vpc_security_group_egress_rule.e "10.0.0.0/16"'],
    );
    assert.equal(got[0].f.message, "'::/0' on aws_security_group.a is an IPv6 block in an IPv4 field (cidr_blocks or cidr_ipv4). The Terraform AWS provider rejects it at plan time; move it to ipv6_cidr_blocks or cidr_ipv6.");
    assert.match(got[1].f.message, /'0\.0\.0\.0\/0' on aws_security_group\.a is an IPv4 block in an IPv6 field \(ipv6_cidr_blocks or cidr_ipv6\).*move it to cidr_blocks or cidr_ipv4\./);
    // Host bits too: one finding, about the family (the value belongs in the other field first).
    assert.match(got[2].f.message, /is an IPv6 block in an IPv4 field/);
    assert.equal(got.length, 4);
  });

  it('192.168.1.10/24 in several literals of one list: one finding each, at its own literal', () => {
    const got = el010('main.tf', sg(ingress('["10.1.0.0/16", "192.168.1.10/24", "172.16.5.0/12"]')));
    assert.deepEqual(got.map((g) => g.at), ['"192.168.1.10/24"', '"172.16.5.0/12"']);
    assert.match(got[0].f.message, /192\.168\.1\.0\/24 \(256 addresses\), or the single host 192\.168\.1\.10\/32/);
    assert.match(got[1].f.message, /172\.16\.0\.0\/12/);
  });

  it('aws_security_group_rule and aws_vpc_security_group_{ingress,egress}_rule (cidr_ipv4, cidr_ipv6)', () => {
    const text = `resource "aws_security_group" "a" {
  description = "a"
}
resource "aws_security_group_rule" "r" {
  type              = "ingress"
  security_group_id = aws_security_group.a.id
  description       = "r"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["10.1.2.3/16"]
}
${vpcRule('ingress', 'i', 'cidr_ipv4', '10.2.3.4/16')}${vpcRule('egress', 'e', 'cidr_ipv6', '2001:db8:1::5/48')}`;
    const got = el010('main.tf', text);
    assert.deepEqual(
      got.map((g) => `${g.f.resource} ${g.at}`),
      ['aws_security_group_rule.r "10.1.2.3/16"', 'aws_vpc_security_group_ingress_rule.i "10.2.3.4/16"', 'aws_vpc_security_group_egress_rule.e "2001:db8:1::5/48"'],
    );
    assert.match(got[1].f.message, /10\.2\.0\.0\/16/);
    assert.match(got[2].f.message, /2001:db8:1::\/48/);
  });

  it('module inputs: a shared ingress_cidr_blocks literal is one finding; a comma-separated piece is ranged exactly', () => {
    const text = `module "sg" {
  source              = "terraform-aws-modules/security-group/aws"
  name                = "m"
  description         = "m"
  ingress_cidr_blocks = ["10.9.9.9/16"]
  ingress_rules       = ["ssh-tcp", "https-443-tcp"]
  ingress_with_cidr_blocks = [
    { rule = "postgresql-tcp", cidr_blocks = "10.0.0.0/16,10.1.0.1/16" },
  ]
}
`;
    const got = el010('main.tf', text);
    assert.deepEqual(got.map((g) => `${g.line} ${g.at}`), ['5 "10.9.9.9/16"', '8 10.1.0.1/16']);
    // the shared literal belongs to both named rules
    assert.equal(got[0].f.elementIds.filter((id) => /\/ingress\[\d+\]$/.test(id)).length, 2);
    assert.match(got[1].f.message, /10\.1\.0\.0\/16/);
    // The other family in a comma-separated module string is found too.
    const v6 = el010('main.tf', text.replace('10.0.0.0/16,10.1.0.1/16', '10.0.0.0/16,::/0'));
    assert.deepEqual(v6.map((g) => `${g.line} ${g.at}`), ['5 "10.9.9.9/16"', '8 ::/0']);
    assert.match(v6[1].f.message, /is an IPv6 block in an IPv4 field/);
  });

  it('values through locals, variables and tfvars: flagged where used, saying where from', () => {
    const r = analyzeFiles([
      { path: 'm/main.tf', text: `locals {\n  office = "203.0.113.9/24"\n}\n${sg(ingress('[local.office, var.admin]'))}variable "admin" {\n  type = string\n}\n` },
      { path: 'm/terraform.tfvars', text: 'admin = "10.0.0.1/8"\n' },
    ]);
    const got = r.findings.filter((f) => f.ruleId === 'EL010');
    assert.equal(got.length, 2);
    assert.match(got[0].message, /'203\.0\.113\.9\/24' \(from local\.office[^)]*\)/);
    assert.match(got[0].message, /203\.0\.113\.0\/24/);
    assert.match(got[1].message, /'10\.0\.0\.1\/8' \(from var\.admin[^)]*\)/);
    assert.ok(got.every((f) => f.file === 'm/main.tf' && f.range.start.line === 10));
  });

  it('malformed: prefix over /32, three octets, a bare address, 0.0.0.0, a zone, leading zeros, blanks, empty', () => {
    const got = el010('main.tf', sg(ingress('["10.0.0.0/33", "10.0.0/24", "10.0.0.5", "0.0.0.0", "010.0.0.0/8", "10.0.0.0 /8", "", "10.0.0.0/"]')));
    const by = new Map(got.map((g) => [g.at, g.f.message]));
    assert.equal(got.length, 8);
    assert.match(by.get('"10.0.0.0/33"')!, /is not a valid CIDR: prefix \/33 is not between \/0 and \/32\./);
    assert.match(by.get('"10.0.0.0/33"')!, /cannot check this source/);
    assert.match(by.get('"10.0.0/24"')!, /'10\.0\.0' does not have four octets/);
    assert.match(by.get('"10.0.0.5"')!, /has no prefix length.*Did you mean the single host 10\.0\.0\.5\/32\?/);
    assert.match(by.get('"0.0.0.0"')!, /no prefix length.*0\.0\.0\.0\/32 matches nothing; every IPv4 address would be 0\.0\.0\.0\/0 \(the whole internet\)/);
    assert.match(by.get('"010.0.0.0/8"')!, /'010' with a leading zero.*Write it as 10\.0\.0\.0\/8\./);
    assert.match(by.get('"10.0.0.0 /8"')!, /contains a blank/);
    assert.match(by.get('""')!, /is empty/);
    assert.match(by.get('"10.0.0.0/"')!, /nothing follows the '\/'/);
    const v6 = el010('main.tf', sg(ingress('["fe80::1%eth0/64", "2001:db8::/129", "2001:db8::1"]', 'ipv6_cidr_blocks')));
    assert.match(v6[0].f.message, /zone index/);
    assert.match(v6[1].f.message, /prefix \/129 is not between \/0 and \/128/);
    assert.match(v6[2].f.message, /single host 2001:db8::1\/128\?/);
  });

  it('valid blocks, any IPv6 spelling, and the AWS default egress give nothing', () => {
    assert.deepEqual(el010('main.tf', sg(ingress('["10.0.0.0/8", "10.20.30.40/32", "0.0.0.0/0"]'))), []);
    assert.deepEqual(el010('main.tf', sg(ingress('["2001:DB8::/32", "2001:0db8:0000::/48", "::/0", "fd00::/8"]', 'ipv6_cidr_blocks'))), []);
    assert.deepEqual(el010('main.tf', 'resource "aws_security_group" "a" {\n  description = "a"\n}\n'), []);
  });

  it('unresolved values are not flagged: a variable without a value, a data source, a resource attribute', () => {
    const text = `${sg(ingress('[var.nodefault, data.aws_vpc.x.cidr_block, aws_subnet.s.cidr_block]'))}variable "nodefault" {\n  type = string\n}\n`;
    assert.deepEqual(el010('main.tf', text), []);
    // the exposure rules still say these could not be resolved (info)
    assert.ok(findingsOf('main.tf', text, 'EL001').every((f) => f.severity === 'info' && /could not be resolved/.test(f.message)));
  });

  it('a suppression comment above the block suppresses EL010 there, with its reason; --disable turns it off', () => {
    const text = `# egress-lens:ignore EL010 fixed in the next release\n${sg(ingress('["10.0.0.5/8"]'))}`;
    const [f] = findingsOf('main.tf', text, 'EL010');
    assert.equal(f.suppressed, true);
    assert.equal(f.suppressionReason, 'fixed in the next release');
    assert.deepEqual(findingsOf('main.tf', sg(ingress('["10.0.0.5/8"]')), 'EL010', { disabled: ['EL010'] }), []);
    const trailing = sg(ingress('["10.0.0.5/8"] # egress-lens:ignore EL010 known'));
    assert.equal(findingsOf('main.tf', trailing, 'EL010')[0].suppressed, true);
  });
});

describe('EL010 in CloudFormation', () => {
  const tpl = (resources: string, params = ''): string => `AWSTemplateFormatVersion: "2010-09-09"
${params}Resources:
  G:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
${resources}`;

  it('CidrIp and CidrIpv6 of inline rules (plain and quoted scalars), range = the scalar', () => {
    const text = tpl(`      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 192.168.1.10/24
          Description: ssh
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIpv6: "2001:db8::1/32"
          Description: v6
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: '10.0.0.0/33'
          Description: out
`);
    const got = el010('t.yaml', text);
    assert.deepEqual(got.map((g) => `${g.line} ${g.at}`), ['11 192.168.1.10/24', '16 "2001:db8::1/32"', '22 \'10.0.0.0/33\'']);
    assert.match(got[0].f.message, /'192\.168\.1\.10\/24' on G has host bits set.*clear host bits silently, which would open the rule to all of 192\.168\.1\.0\/24\. Did you mean the network 192\.168\.1\.0\/24 \(256 addresses\), or the single host 192\.168\.1\.10\/32\?/);
    assert.match(got[1].f.message, /2001:db8::\/32/);
    assert.match(got[2].f.message, /EC2 rejects it, so the stack deploy stops and rolls back/);
  });

  it('standalone AWS::EC2::SecurityGroupIngress/Egress, a parameter default, and JSON templates', () => {
    const text = tpl(
      `  In:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref G
      IpProtocol: tcp
      FromPort: 80
      ToPort: 80
      CidrIp: 10.0.0/24
      Description: web
  Out:
    Type: AWS::EC2::SecurityGroupEgress
    Properties:
      GroupId: !GetAtt G.GroupId
      IpProtocol: tcp
      FromPort: 443
      ToPort: 443
      CidrIp: !Ref Office
      Description: office
`,
      'Parameters:\n  Office:\n    Type: String\n    Default: 203.0.113.7/24\n  Free:\n    Type: String\n',
    );
    const got = el010('t.yaml', text);
    assert.deepEqual(got.map((g) => `${g.f.resource} ${g.at}`), ['In 10.0.0/24', 'Out Office']);
    assert.match(got[1].f.message, /'203\.0\.113\.7\/24' \(from Parameter Office\)/);
    const json = JSON.stringify({ Resources: { G: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'g', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '10.0.0.5/8', Description: 'x' }] } } } }, null, 2);
    const [j] = el010('t.json', json);
    assert.equal(j.at, '"10.0.0.5/8"');
  });

  it('a block of the other family: IPv6 in CidrIp, IPv4 in CidrIpv6', () => {
    const text = tpl(`      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: "::/0"
          Description: v6 in v4
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIpv6: 0.0.0.0/0
          Description: v4 in v6
`);
    const got = el010('t.yaml', text);
    assert.deepEqual(got.map((g) => `${g.line} ${g.at}`), ['11 "::/0"', '16 0.0.0.0/0']);
    assert.equal(got[0].f.message, "'::/0' on G is an IPv6 block in an IPv4 field (CidrIp). EC2 rejects it, so the stack deploy stops and rolls back; move it to CidrIpv6.");
    assert.match(got[1].f.message, /is an IPv4 block in an IPv6 field \(CidrIpv6\).*move it to CidrIp\./);
  });

  it('a parameter without a default is not flagged', () => {
    const text = tpl(`      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: !Ref Free
          Description: ssh
`, 'Parameters:\n  Free:\n    Type: String\n');
    assert.deepEqual(el010('t.yaml', text), []);
  });

  it('Metadata egress-lens ignore suppresses EL010 on the resource', () => {
    const text = `Resources:
  G:
    Type: AWS::EC2::SecurityGroup
    Metadata:
      egress-lens:
        ignore:
          - id: EL010
            reason: replaced next sprint
    Properties:
      GroupDescription: g
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 10.0.0.5/8
          Description: ssh
`;
    const [f] = findingsOf('t.yaml', text, 'EL010');
    assert.equal(f.suppressed, true);
    assert.equal(f.suppressionReason, 'replaced next sprint');
  });
});

describe('how the other rules read such CIDRs', () => {
  it('a malformed literal is reported once, by EL010 (no "invalid source" info from EL001/EL002, no problem)', () => {
    const ssh = sg(ingress('["10.0.0.0/33"]'));
    const all = sg(ingress('["300.1.1.1/0"]').replace('"tcp"', '"-1"').replace(/= 22/g, '= 0')).replace('"a" {', '"b" {');
    const r = analyzeText('main.tf', ssh + all);
    assert.deepEqual(r.findings.map((x) => `${x.ruleId} ${x.resource}`), ['EL010 aws_security_group.a', 'EL010 aws_security_group.b']);
    assert.deepEqual(r.problems, []); // not a second diagnostic at the same place
  });

  it('host bits are read as EC2 clears them: 203.0.113.7/0 is the whole internet (EL001), 10.0.0.5/8 a /8 (EL005)', () => {
    const world = findingsOf('main.tf', sg(ingress('["203.0.113.7/0"]')));
    assert.deepEqual(world.map((x) => `${x.ruleId} ${x.severity}`).sort(), ['EL001 high', 'EL010 medium']);
    const wide = findingsOf('main.tf', sg(ingress('["10.0.0.5/8"]')));
    assert.deepEqual(wide.map((x) => x.ruleId).sort(), ['EL005', 'EL010']);
  });
});
