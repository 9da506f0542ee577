import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCloudFormation, analyzeText, initIac } from '../../../src/core/iac';

before(async () => {
  await initIac();
});

const tpl = (cidr: string, port = 22, extraParams = ''): string => `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Cidr:
    Type: String${extraParams}
Conditions:
  IsProd: !Equals [a, b]
Resources:
  G:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: ${port}
          ToPort: ${port}
          CidrIp: ${cidr}
          Description: x
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
          Description: out
`;

describe('CloudFormation Fn::If: both branches are alternative sources', () => {
  it('SSH open to the world on one branch is EL001; the other branch is EL005', () => {
    const text = tpl('!If [IsProd, 10.0.0.0/8, 0.0.0.0/0]');
    const { findings } = analyzeCloudFormation('t.yaml', text);
    const el001 = findings.filter((f) => f.ruleId === 'EL001');
    assert.equal(el001.length, 1);
    assert.equal(el001[0].severity, 'high');
    assert.match(el001[0].message, /via Fn::If IsProd=false|from Fn::If IsProd=false/);
    const line = text.split('\n')[el001[0].range.start.line];
    assert.equal(line.slice(el001[0].range.start.column, el001[0].range.end.column), '0.0.0.0/0');
    const el005 = findings.filter((f) => f.ruleId === 'EL005');
    assert.equal(el005.length, 1);
    assert.match(el005[0].message, /Fn::If IsProd=true/);
  });
  it('JSON Fn::If and AWS::NoValue branches', () => {
    const json = JSON.stringify({
      Conditions: { Open: { 'Fn::Equals': ['a', 'b'] } },
      Resources: {
        G: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: {
            GroupDescription: 'g',
            SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, CidrIp: { 'Fn::If': ['Open', '0.0.0.0/0', { Ref: 'AWS::NoValue' }] }, Description: 'db' }],
          },
        },
      },
    }, null, 2);
    const { model, findings } = analyzeCloudFormation('t.json', json);
    const rule = model.rules.find((r) => r.direction === 'ingress')!;
    assert.deepEqual(rule.sources.map((s) => `${s.kind}:${s.value}:${s.via}`), ['cidr:0.0.0.0/0:Fn::If Open=true']);
    assert.equal(findings.filter((f) => f.ruleId === 'EL003').length, 1);
  });
  it('a whole rule under Fn::If is checked on each branch', () => {
    const text = `Resources:
  G:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
      SecurityGroupIngress:
        - !If
          - Open
          - IpProtocol: tcp
            FromPort: 22
            ToPort: 22
            CidrIp: 0.0.0.0/0
            Description: ssh
          - !Ref AWS::NoValue
`;
    const { findings } = analyzeCloudFormation('t.yaml', text);
    const el001 = findings.filter((f) => f.ruleId === 'EL001');
    assert.equal(el001.length, 1);
    assert.match(el001[0].message, /Fn::If Open=true/);
  });
});

describe('sources that cannot be resolved statically', () => {
  it('on an admin or database port they are reported as info, naming why', () => {
    const { findings } = analyzeCloudFormation('t.yaml', tpl('!Ref Cidr', 5432));
    const f = findings.filter((x) => x.ruleId === 'EL003');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'info');
    assert.match(f[0].message, /could not be resolved statically/);
    assert.match(f[0].message, /Parameter Cidr has no Default/);
  });
  it('on an all-traffic rule they are EL002 info', () => {
    const text = tpl('!Ref Cidr').replace('IpProtocol: tcp', 'IpProtocol: "-1"');
    const f = analyzeCloudFormation('t.yaml', text).findings.filter((x) => x.ruleId === 'EL002');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'info');
    assert.match(f[0].message, /^All traffic is open to a source that could not be resolved statically/);
  });
  it('on other ports they stay quiet', () => {
    const { findings } = analyzeCloudFormation('t.yaml', tpl('!Ref Cidr', 8443));
    assert.deepEqual(findings.filter((x) => /^EL00[1-5]$/.test(x.ruleId)), []);
  });
});

describe('Terraform conditionals', () => {
  const tfText = (expr: string, prodDefault = 'null'): string => `variable "prod" {
  default = ${prodDefault}
}
resource "aws_security_group" "g" {
  description = "g"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ${expr}
  }
}
`;
  it('a condition known only at plan time gives both branches as sources', () => {
    const text = tfText('[var.prod ? "10.0.0.0/8" : "0.0.0.0/0"]');
    const r = analyzeText('main.tf', text);
    const rule = r.model.rules.find((x) => x.direction === 'ingress')!;
    assert.deepEqual(rule.sources.map((s) => `${s.kind}:${s.value}`), ['cidr:10.0.0.0/8', 'cidr:0.0.0.0/0']);
    const el001 = r.findings.filter((f) => f.ruleId === 'EL001');
    assert.equal(el001.length, 1);
    assert.equal(el001[0].severity, 'high');
    assert.match(el001[0].message, /var\.prod is false/);
    const line = text.split('\n')[el001[0].range.start.line];
    assert.equal(line.slice(el001[0].range.start.column, el001[0].range.end.column), '"0.0.0.0/0"');
  });
  it('a whole-list conditional, and a static condition picks its branch', () => {
    const both = analyzeText('main.tf', tfText('var.prod ? ["10.0.0.0/8"] : ["0.0.0.0/0"]'));
    assert.deepEqual(both.model.rules.find((x) => x.direction === 'ingress')!.sources.map((s) => s.value), ['10.0.0.0/8', '0.0.0.0/0']);
    const picked = analyzeText('main.tf', tfText('[var.prod ? "10.0.0.0/8" : "0.0.0.0/0"]', 'true'));
    assert.deepEqual(picked.model.rules.find((x) => x.direction === 'ingress')!.sources.map((s) => s.value), ['10.0.0.0/8']);
  });
  it('cidr_ipv4 of a standalone rule', () => {
    const text = `variable "open" {}
resource "aws_vpc_security_group_ingress_rule" "r" {
  security_group_id = "sg-1"
  description       = "pg"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = var.open ? "0.0.0.0/0" : "10.1.0.0/16"
}
`;
    const r = analyzeText('main.tf', text);
    assert.deepEqual(r.model.rules[0].sources.map((s) => `${s.value}|${s.via}`), ['0.0.0.0/0|var.open is true', '10.1.0.0/16|var.open is false']);
    assert.equal(r.findings.filter((f) => f.ruleId === 'EL003' && f.severity === 'high').length, 1);
  });
});
