import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, initIac } from '../../../src/core/iac';
import { cidrKind, cidrNotationIssue, isPrivateCidr, isWorldCidr, prefixLength } from '../../../src/core/iac/common';

before(async () => {
  await initIac();
});

describe('CIDR parsing (through src/core/network/ip.ts)', () => {
  it('rejects octets over 255 and prefixes longer than the family allows', () => {
    assert.equal(cidrKind('300.1.1.1/0'), null);
    assert.equal(cidrKind('10.0.0.0/40'), null);
    assert.equal(cidrKind('2001:db8::/129'), null);
    assert.equal(cidrKind('1.2.3/8'), null);
    assert.equal(cidrKind('10.0.0.0/8'), 'cidr');
    assert.equal(cidrKind('2001:db8::/32'), 'ipv6');
    assert.equal(prefixLength('300.1.1.1/0'), null);
    assert.equal(isWorldCidr('300.1.1.1/0'), false);
    assert.equal(isWorldCidr('::/0'), true);
  });
  it('cidrNotationIssue: what AWS accepts as written (network address, a prefix, plain notation)', () => {
    for (const ok of ['10.0.0.0/8', '10.20.30.40/32', '0.0.0.0/0', '::/0', '2001:db8::/32', '2001:DB8::/32', '2001:0db8::/32', 'fd00::/8', '2001:db8::1/128']) {
      assert.equal(cidrNotationIssue(ok), null, ok);
    }
    const hb = cidrNotationIssue('10.0.0.5/8')!;
    assert.deepEqual(hb, { malformed: null, hostBits: true, noPrefix: false, leadingZeros: [], network: '10.0.0.0/8', host: '10.0.0.5/32', prefix: 8, family: 4 });
    assert.equal(cidrNotationIssue('192.168.1.10/24')!.network, '192.168.1.0/24');
    assert.equal(cidrNotationIssue('203.0.113.7/0')!.network, '0.0.0.0/0');
    const v6 = cidrNotationIssue('2001:db8::1/32')!;
    assert.deepEqual([v6.hostBits, v6.network, v6.host, v6.family], [true, '2001:db8::/32', '2001:db8::1/128', 6]);
    const bare = cidrNotationIssue('10.0.0.5')!;
    assert.deepEqual([bare.noPrefix, bare.hostBits, bare.host], [true, false, '10.0.0.5/32']);
    assert.equal(cidrNotationIssue('0.0.0.0')!.noPrefix, true);
    const lz = cidrNotationIssue('010.0.0.05/8')!;
    assert.deepEqual([lz.leadingZeros, lz.hostBits, lz.network, lz.host], [['010', '05'], true, '10.0.0.0/8', '10.0.0.5/32']);
    const bad: [string, RegExp][] = [
      ['10.0.0.0/33', /prefix \/33 is not between \/0 and \/32/],
      ['10.0.0/24', /does not have four octets/],
      ['300.1.1.1/8', /octet 300 is over 255/],
      ['10.0.0.0/', /nothing follows/],
      ['10.0.0.0/8/8', /'\/8\/8' is not a prefix length/],
      ['10.0.0.0/x', /'\/x' is not a prefix length/],
      ['10.0.0.0 / 8', /blank/],
      ['fe80::1%eth0/64', /zone index/],
      ['2001:db8::/129', /prefix \/129 is not between \/0 and \/128/],
      ['', /empty/],
      ['sg-0123', /is not an IP address/],
    ];
    for (const [text, why] of bad) {
      const i = cidrNotationIssue(text);
      assert.ok(i && i.malformed !== null, text);
      assert.match(i.malformed, why, text);
      assert.equal(i.network, null);
    }
  });
  it('private space covers IPv4 and IPv6 (ULA)', () => {
    assert.equal(isPrivateCidr('10.1.0.0/16'), true);
    assert.equal(isPrivateCidr('10.0.0.0/7'), false);
    assert.equal(isPrivateCidr('fd00::/8'), true);
    assert.equal(isPrivateCidr('2001:db8::/32'), false);
  });
  it('an invalid CIDR in Terraform is an unresolved source reported once, by EL010 (no problem, no exposure finding)', () => {
    const text = `resource "aws_security_group" "a" {
  description = "a"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["300.1.1.1/0", "10.0.0.0/40"]
  }
}
`;
    const r = analyzeText('main.tf', text);
    const rule = r.model.rules.find((x) => x.direction === 'ingress')!;
    assert.deepEqual(rule.sources.map((s) => s.kind), ['unresolved', 'unresolved']);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.findings.map((f) => f.ruleId), ['EL010', 'EL010']);
    assert.match(r.findings[0].message, /'300\.1\.1\.1\/0' .*not a valid CIDR: octet 300 is over 255/);
    assert.equal(r.findings[0].range.start.line, 7);
    assert.match(r.findings[1].message, /prefix \/40 is not between \/0 and \/32/);
  });
  it('an invalid CIDR in CloudFormation is an unresolved source reported by EL010', () => {
    const text = `Resources:
  G:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 300.1.1.1/0
          Description: ssh
`;
    const r = analyzeText('t.yaml', text);
    const rule = r.model.rules.find((x) => x.direction === 'ingress')!;
    assert.equal(rule.sources[0].kind, 'unresolved');
    assert.deepEqual(r.problems, []);
    const [f, ...rest] = r.findings.filter((x) => x.ruleId !== 'EL006'); // EL006: the default egress
    assert.equal(rest.length, 0);
    assert.equal(f.ruleId, 'EL010');
    assert.match(f.message, /'300\.1\.1\.1\/0' on G is not a valid CIDR/);
    assert.equal(f.range.start.line, 9);
  });
});
