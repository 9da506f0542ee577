import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDescription, addGatewayEndpoints, removeRule, restrictToObserved, suppressFinding, type FixSpec } from '../../../src/core/analysis/editor-fixes';
import { initIac, analyzeText, analyzeTerraformModule } from '../../../src/core/iac';

function apply(text: string, fix: FixSpec | null): string {
  assert.ok(fix, 'a fix');
  const lines = text.split('\n');
  const offset = (p: { line: number; column: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.column;
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  }
  return out;
}

const TF = `resource "aws_security_group" "cache" {
  name   = "cache"
  vpc_id = "vpc-1"

  ingress {
    from_port   = 6379
    to_port     = 6379
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;

test('terraform: restrict an open CIDR to observed sources, add a description, suppress, remove', async () => {
  await initIac();
  const r = analyzeText('/w/main.tf', TF);
  const rule = r.model.rules[0];
  const src = rule.sources[0];
  const restricted = apply(TF, restrictToObserved(TF, 'terraform', src, ['10.1.2.3', '192.0.2.7', '10.1.2.3']));
  assert.match(restricted, /cidr_blocks = \["10\.1\.2\.3\/32", "192\.0\.2\.7\/32"\]/);
  assert.equal(restrictToObserved(TF, 'terraform', src, []), null, 'nothing observed: no fix');
  assert.equal(restrictToObserved(TF, 'terraform', src, ['2001:db8::1']), null, 'IPv6 peers do not replace an IPv4 CIDR');

  const described = apply(TF, addDescription(TF, 'terraform', rule));
  assert.equal(described.split('\n')[5], '    description = "TODO: who needs this access and why"');
  const groupDesc = apply(TF, addDescription(TF, 'terraform', r.model.groups[0]));
  assert.equal(groupDesc.split('\n')[1], '  description = "TODO: what this group is for"');

  const finding = r.findings.find((f) => f.ruleId === 'EL003')!;
  const suppressed = apply(TF, suppressFinding(TF, 'terraform', finding, r.model));
  assert.equal(suppressed.split('\n')[4], '  # egress-lens:ignore EL003 TODO: why this is accepted');
  const again = analyzeText('/w/main.tf', suppressed);
  assert.ok(again.findings.find((f) => f.ruleId === 'EL003')?.suppressed, 'the core honours the inserted comment');

  const removed = apply(TF, removeRule(TF, 'terraform', rule));
  assert.doesNotMatch(removed, /ingress/);
  assert.match(removed, /vpc_id = "vpc-1"\n\n\}/);
});

const NET = `resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_nat_gateway" "nat" {
  subnet_id = "subnet-1"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }
}
`;

test('terraform: the S3 gateway endpoint fix makes EL009 go away', async () => {
  await initIac();
  const r = analyzeTerraformModule([{ path: '/w/net.tf', text: NET }]);
  assert.ok(r.findings.some((f) => f.ruleId === 'EL009'));
  const fixed = apply(NET, addGatewayEndpoints(NET, 'terraform', r.model, '/w/net.tf', ['s3'], 'us-east-1'));
  assert.match(fixed, /resource "aws_vpc_endpoint" "s3" \{\n  vpc_id            = aws_vpc\.main\.id\n  service_name      = "com\.amazonaws\.us-east-1\.s3"/);
  const after = analyzeTerraformModule([{ path: '/w/net.tf', text: fixed }]);
  assert.ok(!after.findings.some((f) => f.ruleId === 'EL009'), after.findings.map((f) => f.ruleId).join(','));
});

const YAML = `Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: cache
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 6379
          ToPort: 6379
          CidrIp: 0.0.0.0/0
`;

test('cloudformation yaml: restrict to one observed source, add a rule description; JSON gets no line edits', async () => {
  const r = analyzeText('/w/t.yaml', YAML);
  const rule = r.model.rules.find((x) => x.direction === 'ingress')!;
  const one = apply(YAML, restrictToObserved(YAML, 'yaml', rule.sources[0], ['203.0.113.9']));
  assert.match(one, /CidrIp: 203\.0\.113\.9\/32\n/);
  assert.equal(restrictToObserved(YAML, 'yaml', rule.sources[0], ['203.0.113.9', '203.0.113.10']), null, 'CidrIp holds one CIDR');
  const described = apply(YAML, addDescription(YAML, 'yaml', rule));
  assert.equal(described.split('\n')[7], '          Description: "TODO: who needs this access and why"');
  const again = analyzeText('/w/t.yaml', described);
  assert.equal(again.model.rules.find((x) => x.direction === 'ingress')!.descriptionState, 'present');
  assert.equal(removeRule('{}', 'json', rule), null);
  const finding = r.findings.find((f) => f.ruleId === 'EL003')!;
  const suppressed = apply(YAML, suppressFinding(YAML, 'yaml', finding, r.model));
  assert.equal(suppressed.split('\n')[6], '        # egress-lens:ignore EL003 TODO: why this is accepted');
  assert.ok(analyzeText('/w/t.yaml', suppressed).findings.find((f) => f.ruleId === 'EL003')?.suppressed, 'the core honours it');
});
