// Security-group attribution: which rule of which group allowed each accepted flow (CIDR, IPv6,
// prefix list, referenced group), rejected flows that no rule allows, per-rule usage, unused rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFlows } from '../../../src/core/network/analyze';
import { CidrTable, parseCidr, parseIp, normalizeIp } from '../../../src/core/network/ip';
import { DB, T0, WEB, WORKER, agg, demoInventory, pair } from './fixtures';

const data = [
  // 1-2. HTTPS from two internet clients (SYN flags): sg-web 443 from 0.0.0.0/0.
  ...pair(WEB, ['203.0.113.7', 51000], ['10.0.1.10', 443], { flagsAB: 2, flagsBA: 18, bytesAB: 100, bytesBA: 5000 }),
  ...pair(WEB, ['203.0.113.8', 51001], ['10.0.1.10', 443], { flagsAB: 2, flagsBA: 18, bytesAB: 200, bytesBA: 6000, extra: { end: T0 + 600 }, extraBA: { end: T0 + 600 } }),
  // 3. SSH from an office address in the prefix list pl-admin.
  ...pair(WEB, ['198.51.100.7', 52000], ['10.0.1.10', 22], { flagsAB: 2, flagsBA: 18, bytesAB: 300, bytesBA: 400 }),
  // 4. SSH scan from elsewhere, rejected: no rule allows it.
  agg({ interfaceId: WEB, srcaddr: '45.33.1.2', srcport: 40404, dstaddr: '10.0.1.10', dstport: 22, action: 'REJECT', tcpFlags: 2, bytes: 60 }),
  // 5. Worker → db:5432, seen on the db's interface: sg-db allows it from members of sg-worker.
  ...pair(DB, ['10.0.2.20', 45000], ['10.0.1.30', 5432], { flagsAB: 2, flagsBA: 18 }),
  // 6. Worker → internet (egress rule all traffic to 0.0.0.0/0).
  ...pair(WORKER, ['10.0.2.20', 50000], ['93.184.216.34', 443], { flagsAB: 2, flagsBA: 18 }),
  // 7. Rejected although a rule allows it (a network ACL did): HTTPS from 192.0.2.1.
  agg({ interfaceId: WEB, srcaddr: '192.0.2.1', srcport: 40000, dstaddr: '10.0.1.10', dstport: 443, action: 'REJECT', tcpFlags: 2 }),
];

test('accepted ingress: the rule that allowed it, by CIDR, prefix list and referenced group', () => {
  const a = analyzeFlows(data, demoInventory());
  const https = a.flows.find((f) => f.peerAddr === '203.0.113.7')!;
  assert.equal(https.sgVerdict, 'allowed');
  assert.deepEqual(
    { groupId: https.matchedRule?.groupId, protocol: https.matchedRule?.protocol, fromPort: https.matchedRule?.fromPort, toPort: https.matchedRule?.toPort, source: https.matchedRule?.source, description: https.matchedRule?.description },
    { groupId: 'sg-web', protocol: 'tcp', fromPort: 443, toPort: 443, source: '0.0.0.0/0', description: 'https' },
  );
  assert.deepEqual(https.securityGroupIds, ['sg-web']);

  const ssh = a.flows.find((f) => f.peerAddr === '198.51.100.7')!;
  assert.equal(ssh.sgVerdict, 'allowed');
  assert.equal(ssh.matchedRule?.source, 'pl-admin');
  assert.equal(ssh.matchedRule?.sourceKind, 'prefix-list');

  const db = a.flows.find((f) => f.interfaceId === DB)!;
  assert.equal(db.sgVerdict, 'allowed');
  assert.equal(db.matchedRule?.source, 'sg-worker');
  assert.equal(db.matchedRule?.sourceKind, 'security-group');
});

test('egress flows are attributed to outbound rules', () => {
  const a = analyzeFlows(data, demoInventory());
  const out = a.flows.find((f) => f.interfaceId === WORKER)!;
  assert.equal(out.direction, 'egress');
  assert.equal(out.matchedRule?.direction, 'egress');
  assert.equal(out.matchedRule?.protocol, '-1');
});

test('rejected flows: no rule allowed them, or a rule did and something else rejected', () => {
  const a = analyzeFlows(data, demoInventory());
  const scan = a.flows.find((f) => f.peerAddr === '45.33.1.2')!;
  assert.equal(scan.direction, 'ingress');
  assert.equal(scan.sgVerdict, 'rejected-no-rule');
  assert.equal(scan.matchedRule, null);
  const nacl = a.flows.find((f) => f.peerAddr === '192.0.2.1')!;
  assert.equal(nacl.sgVerdict, 'rejected-despite-rule');
});

test('per-rule usage: flows, bytes, distinct peers, last seen; unused rules listed', () => {
  const a = analyzeFlows(data, demoInventory());
  const https = a.ruleUsage.find((u) => u.rule.id === 'sg-web/ingress/tcp/443-443/0.0.0.0/0')!;
  assert.equal(https.flows, 2);
  assert.equal(https.bytes, 100 + 5000 + 200 + 6000);
  assert.equal(https.distinctPeers, 2);
  assert.equal(https.lastSeen, T0 + 600);
  const ids = a.unusedRules.map((u) => u.rule.id).sort();
  // Used: web 443 v4, web 22 pl-admin, web egress? (web started nothing), db 5432, worker egress.
  assert.deepEqual(ids, [
    'sg-web/egress/-1/-1--1/0.0.0.0/0',
    'sg-web/ingress/tcp/443-443/::/0',
    'sg-web/ingress/tcp/8080-8080/sg-lb',
    'sg-web/ingress/tcp/8443-8443/0.0.0.0/0',
  ]);
  // Groups of interfaces not in the data (sg-endpoint) are not judged.
  assert.ok(!a.ruleUsage.some((u) => u.rule.groupId === 'sg-endpoint'));
});

test('flows on interfaces missing from the inventory are marked, not guessed', () => {
  const a = analyzeFlows(pair('eni-gone', ['203.0.113.7', 51000], ['10.0.1.99', 443], { flagsAB: 2, flagsBA: 18 }), demoInventory());
  assert.equal(a.flows[0].sgVerdict, 'no-inventory');
});

test('CIDR table: longest prefix wins, IPv4 and IPv6, canonical text', () => {
  const t = new CidrTable<string>();
  t.add('10.0.0.0/8', 'big');
  t.add('10.1.0.0/16', 'small');
  t.add('2600:1f18::/32', 'v6');
  t.add('0.0.0.0/0', 'any');
  assert.equal(t.lookup('10.1.2.3'), 'small');
  assert.equal(t.lookup('10.2.2.3'), 'big');
  assert.equal(t.lookup('8.8.8.8'), 'any');
  assert.equal(t.lookup('2600:1f18:ab::1'), 'v6');
  assert.equal(t.lookup('2600:1f19::1'), undefined);
  assert.equal(t.lookup('not-an-ip'), undefined);
  assert.equal(parseCidr('10.1.2.3/16')?.text, '10.1.0.0/16');
  assert.equal(parseCidr('2600:1F18:0:0::1/56')?.text, '2600:1f18::/56');
  assert.equal(parseCidr('10.0.0.0/33'), null);
  assert.equal(normalizeIp('::ffff:10.0.0.1'), '::ffff:a00:1');
  assert.equal(parseIp('1.2.3'), null);
  assert.equal(parseIp('1::2::3'), null);
  assert.equal(normalizeIp('2001:DB8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
});
