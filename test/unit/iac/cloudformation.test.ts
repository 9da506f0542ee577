import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCloudFormation, analyzeText, detectIacKind, isCloudFormationText, type SgRule } from '../../../src/core/iac';

const YAML = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AdminCidr:
    Type: String
    Default: 0.0.0.0/0
  Env:
    Type: String
    Default: prod
Mappings:
  Cidrs:
    prod:
      Office: 203.0.113.0/24
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.20.0.0/16
  Bastion:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "bastion-\${Env}"
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: !Ref AdminCidr
          Description: SSH
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: !FindInMap [Cidrs, !Ref Env, Office]
          Description: SSH office
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: !GetAtt Vpc.CidrBlock
          Description: HTTPS from the VPC
        - IpProtocol: tcp
          FromPort: 3389
          ToPort: 3389
          CidrIp: !If [IsProd, 10.0.0.0/8, 0.0.0.0/0]
          Description: RDP
        - IpProtocol: "-1"
          SourceSecurityGroupId: !GetAtt App.GroupId
          Description: all from app
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
          Description: HTTPS out
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: App
  AppFromBastion:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref App
      IpProtocol: tcp
      FromPort: 8080
      ToPort: 8080
      SourceSecurityGroupId: !Ref Bastion
      Description: app port
`;

const line = (r: SgRule) => `${r.resource} ${r.direction} ${r.protocol} ${r.fromPort}-${r.toPort} ${r.sources.map((s) => `${s.kind}:${s.value}`).join(',')}`;

describe('CloudFormation YAML', () => {
  it('resolves Ref to parameter defaults, FindInMap, GetAtt VPC.CidrBlock, Sub; !If gives both branches', () => {
    const { model } = analyzeCloudFormation('stack.yaml', YAML);
    assert.deepEqual(model.rules.map(line), [
      'Bastion ingress tcp 22-22 cidr:0.0.0.0/0',
      'Bastion ingress tcp 22-22 cidr:203.0.113.0/24',
      'Bastion ingress tcp 443-443 cidr:10.20.0.0/16',
      'Bastion ingress tcp 3389-3389 cidr:10.0.0.0/8,cidr:0.0.0.0/0',
      'Bastion ingress all 0-65535 group:App',
      'Bastion egress tcp 443-443 cidr:0.0.0.0/0',
      'AppFromBastion ingress tcp 8080-8080 group:Bastion',
      'App egress all 0-65535 cidr:0.0.0.0/0',
    ]);
    const bastion = model.groups.find((g) => g.address === 'Bastion')!;
    assert.equal(bastion.description, 'bastion-prod');
    assert.equal(bastion.vpc, 'Vpc');
    assert.match(model.rules[0].sources[0].via ?? '', /Parameter AdminCidr/);
    assert.deepEqual(model.rules[3].sources.map((x) => x.via), ['Fn::If IsProd=true', 'Fn::If IsProd=false']);
  });

  it('attaches standalone rules to their group and models the implicit default egress', () => {
    const { model } = analyzeCloudFormation('stack.yaml', YAML);
    const app = model.groups.find((g) => g.address === 'App')!;
    const rules = app.ruleIds.map((id) => model.rules.find((r) => r.id === id)!);
    assert.deepEqual(rules.map((r) => r.origin), ['standalone', 'implicit-default']);
  });

  it('ranges point at the values in the template', () => {
    const { findings } = analyzeCloudFormation('stack.yaml', YAML);
    const lines = YAML.split('\n');
    const el001 = findings.filter((f) => f.ruleId === 'EL001');
    assert.equal(el001.length, 2);
    const f = el001[0];
    const rdp = el001[1];
    assert.equal(lines[rdp.range.start.line].slice(rdp.range.start.column, rdp.range.end.column), '0.0.0.0/0');
    assert.match(rdp.message, /RDP \(3389\) is open to the whole internet \(0\.0\.0\.0\/0, from Fn::If IsProd=false\)/);
    assert.equal(lines[f.range.start.line].slice(f.range.start.column, f.range.end.column), 'AdminCidr');
    assert.equal(f.resource, 'Bastion');
    const el006 = findings.filter((x) => x.ruleId === 'EL006');
    assert.deepEqual(el006.map((x) => [x.resource, lines[x.range.start.line].trim()]), [['App', 'App:']]);
  });
});

describe('CloudFormation JSON and detection', () => {
  const json = JSON.stringify(
    {
      AWSTemplateFormatVersion: '2010-09-09',
      Parameters: { AdminCidr: { Type: 'String', Default: '0.0.0.0/0' } },
      Resources: {
        Bastion: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: {
            GroupDescription: 'b',
            SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { Ref: 'AdminCidr' }, Description: 'SSH' }],
            SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8', Description: 'x' }],
          },
        },
        Extra: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['Bastion', 'GroupId'] }, IpProtocol: -1, CidrIpv6: '::/0' } },
      },
    },
    null,
    2,
  );
  it('gives the same model from JSON, intrinsics as objects', () => {
    const { model, findings } = analyzeText('stack.json', json);
    assert.deepEqual(model.rules.map(line), ['Bastion ingress tcp 22-22 cidr:0.0.0.0/0', 'Bastion egress tcp 443-443 cidr:10.0.0.0/8', 'Extra ingress all 0-65535 ipv6:::/0']);
    assert.deepEqual([...new Set(findings.map((f) => f.ruleId))].sort(), ['EL001', 'EL002', 'EL007']);
    const f = findings.find((x) => x.ruleId === 'EL002')!;
    assert.equal(json.split('\n')[f.range.start.line].slice(f.range.start.column, f.range.end.column), '"::/0"');
  });

  it('detects templates by content, not by name', () => {
    assert.equal(detectIacKind('infra/anything.yml', YAML), 'cloudformation');
    assert.equal(detectIacKind('notes.txt', 'Resources:\n  X:\n    Type: AWS::S3::Bucket\n'), 'cloudformation');
    assert.equal(detectIacKind('docker-compose.yml', 'services:\n  web:\n    image: nginx\n'), null);
    assert.equal(detectIacKind('package.json', '{"name": "x", "dependencies": {}}'), null);
    assert.ok(isCloudFormationText('{"Resources": {"A": {"Type": "AWS::EC2::SecurityGroup"}}}'));
  });

  it('reports syntax errors as problems and never throws', () => {
    const bad = analyzeText('t.json', '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {');
    assert.ok(bad.problems.some((p) => /JSON syntax error/.test(p.message)));
    const badYaml = analyzeText('t.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  A: [\n');
    assert.ok(badYaml.problems.some((p) => /YAML syntax error/.test(p.message)));
    const notMap = analyzeCloudFormation('t.yaml', '- AWSTemplateFormatVersion\n');
    assert.ok(notMap.problems.length > 0);
  });
});
