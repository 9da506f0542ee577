// Regression tests for review findings (orientation, initiator order, IPv6 paths, rule usage …).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFlows } from '../../../src/core/network/analyze';
import { DB, WEB, WORKER, agg, demoInventory, pair } from './fixtures';

test('IPv6 peers never take the NAT gateway path (no route tables known): internet gateway / egress-only IGW', () => {
  // The worker has no public IPv4 and the VPC has a NAT gateway: IPv4 goes through it, IPv6 does not.
  const inv = demoInventory();
  const v6 = analyzeFlows(pair(WORKER, ['2600:1f18:1234:5602::20', 50000], ['2001:db8:ffff::1', 443], { flagsAB: 2, flagsBA: 18 }), inv).flows[0];
  assert.equal(v6.peerClass, 'internet');
  assert.notEqual(v6.path, 'nat-gateway', v6.pathEvidence);
  assert.equal(v6.path, 'igw', v6.pathEvidence);
  assert.match(v6.pathEvidence, /IPv6/);
  assert.equal(v6.cost.natProcessing, 0);
  // NAT64: the well-known prefix 64:ff9b::/96 is translated by the NAT gateway.
  const nat64 = analyzeFlows(pair(WORKER, ['2600:1f18:1234:5602::20', 50000], ['64:ff9b::5db8:d822', 443], { flagsAB: 2, flagsBA: 18 }), inv).flows[0];
  assert.equal(nat64.path, 'nat-gateway', nat64.pathEvidence);
  // IPv4 unchanged.
  const v4 = analyzeFlows(pair(WORKER, ['10.0.2.20', 50000], ['203.0.113.8', 443], { flagsAB: 2, flagsBA: 18 }), inv).flows[0];
  assert.equal(v4.path, 'nat-gateway');
});

test('no-inventory hint for a private peer does not tell users to declare their own VPC as on-prem', () => {
  const f = analyzeFlows(pair('eni-q', ['10.1.0.5', 50000], ['10.1.9.9', 5432]), null).flows[0];
  assert.equal(f.peerClass, 'unknown');
  assert.match(f.peerClassEvidence, /inventory/);
  assert.match(f.peerClassEvidence, /--private-cidr for on-prem/);
  assert.doesNotMatch(f.peerClassEvidence, /\(declare it with --private-cidr\)/);
});

test('internet egress charged for an unknown path is said in the cost note (conservative, not silent)', () => {
  const inv = demoInventory();
  inv.natGateways = [];
  inv.networkInterfaces = inv.networkInterfaces.filter((n) => n.NetworkInterfaceId !== 'eni-nat');
  const f = analyzeFlows(pair(WORKER, ['10.0.2.20', 50000], ['203.0.113.8', 443], { flagsAB: 2, flagsBA: 18, bytesAB: 200 * 2 ** 30 }), inv).flows[0];
  assert.equal(f.path, 'unknown');
  assert.ok(f.cost.internetEgress > 0);
  assert.match(f.costNote ?? '', /path unknown: charged as internet egress/);
});

test('an unanswered inbound packet is an ingress attempt even from a well-known port (one-sided before the port guess)', () => {
  // /tmp/rv/f2.log: eni-a logs both directions (a paired HTTPS download), then a REJECTed UDP packet
  // from 45.148.1.1:53 and an ACCEPTed one from 45.148.1.2:123, both with nothing sent back.
  const aggs = [
    ...pair('eni-a', ['10.0.0.5', 40000], ['93.184.216.34', 443], { flagsAB: 3, flagsBA: 19, bytesAB: 1000, bytesBA: 90000 }),
    agg({ interfaceId: 'eni-a', srcaddr: '45.148.1.1', srcport: 53, dstaddr: '10.0.0.5', dstport: 41000, protocol: 17, action: 'REJECT', bytes: 512, packets: 1 }),
    agg({ interfaceId: 'eni-a', srcaddr: '45.148.1.2', srcport: 123, dstaddr: '10.0.0.5', dstport: 45000, protocol: 17, bytes: 512, packets: 1 }),
  ];
  const flows = analyzeFlows(aggs, null).flows;
  const rejected = flows.find((f) => f.peerAddr === '45.148.1.1')!;
  assert.equal(rejected.localAddr, '10.0.0.5');
  assert.equal(rejected.direction, 'ingress', rejected.directionEvidence);
  assert.equal(rejected.initiatorRule, 'one-sided');
  assert.match(rejected.directionEvidence, /only packets from 45\.148\.1\.1 logged, no reply.*REJECT/);
  const accepted = flows.find((f) => f.peerAddr === '45.148.1.2')!;
  assert.equal(accepted.direction, 'ingress', accepted.directionEvidence);
  assert.equal(accepted.initiatorRule, 'one-sided');
  // A REJECTed unanswered packet is an attempt even when nothing shows the interface logs both ways.
  const alone = analyzeFlows([aggs[2]], null).flows[0];
  assert.equal(alone.direction, 'ingress', alone.directionEvidence);
});

test('listening-port evidence (security-group rule) still comes before the one-sided rule', () => {
  // Only packets from the peer's port 5432 to the worker were logged; sg-db opens 5432 on the peer.
  const aggs = [
    ...pair(WORKER, ['10.0.2.20', 50000], ['203.0.113.8', 443], { flagsAB: 2, flagsBA: 18 }),
    agg({ interfaceId: WORKER, srcaddr: '10.0.1.30', srcport: 5432, dstaddr: '10.0.2.20', dstport: 45001, bytes: 300 }),
  ];
  const f = analyzeFlows(aggs, demoInventory()).flows.find((x) => x.peerAddr === '10.0.1.30')!;
  assert.equal(f.initiatorRule, 'listening-port', f.directionEvidence);
  assert.equal(f.initiator, 'local');
});

test('no inventory, v2 records: the private address is the interface\'s own even when both appear equally often', () => {
  // /tmp/rv/v2.log: 10.0.0.5 downloads 50 kB from 1.2.3.4:443 (no tcp-flags in v2).
  const aggs = pair('eni-1', ['10.0.0.5', 40000], ['1.2.3.4', 443], { bytesAB: 1000, bytesBA: 50000 });
  const f = analyzeFlows(aggs, null).flows;
  assert.equal(f.length, 1);
  assert.equal(f[0].localAddr, '10.0.0.5');
  assert.equal(f[0].peerAddr, '1.2.3.4');
  assert.equal(f[0].direction, 'egress', f[0].directionEvidence);
  assert.equal(f[0].bytesIn, 50000);
  assert.equal(f[0].peerClass, 'internet');
});

test('no inventory, two public addresses equally seen: orientation unknown is said, both directions still paired', () => {
  const aggs = pair('eni-3', ['198.51.100.20', 40000], ['203.0.113.30', 443], { bytesAB: 100, bytesBA: 5000 });
  const flows = analyzeFlows(aggs, null).flows;
  assert.equal(flows.length, 1);
  const f = flows[0];
  assert.equal(f.paired, true);
  assert.equal(f.direction, 'unknown', f.directionEvidence);
  assert.match(f.directionEvidence, /orientation unknown/);
  // Swapping the record order gives the same orientation (no dependence on which came first).
  const g = analyzeFlows([aggs[1], aggs[0]], null).flows[0];
  assert.equal(g.localAddr, f.localAddr);
});

test('an ICMP rule with echo traffic both ways (initiator unknown) is credited, not listed unused', () => {
  const inv = demoInventory();
  inv.securityGroups.find((g) => g.GroupId === 'sg-web')!.IpPermissions!.push({ IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ping' }] });
  const echo = pair(WEB, ['203.0.113.7', 0], ['10.0.1.10', 0], { protocol: 1, bytesAB: 84, bytesBA: 84 });
  const a = analyzeFlows(echo, inv);
  assert.equal(a.flows[0].initiator, null);
  const icmp = a.ruleUsage.find((u) => u.rule.protocol === 'icmp')!;
  assert.equal(icmp.flows, 1);
  assert.equal(icmp.status, 'used');
  assert.ok(!a.unusedRules.some((u) => u.rule.id === icmp.rule.id));
  assert.deepEqual(a.flows[0].matchedRules.map((r) => r.id), [icmp.rule.id, 'sg-web/egress/-1/-1--1/0.0.0.0/0']);
  assert.equal(a.flows[0].sgVerdict, 'not-evaluated');
  // While sg-web has such a flow, its other rules with no flow are 'unknown', never 'unused'.
  const https = a.ruleUsage.find((u) => u.rule.groupId === 'sg-web' && u.rule.fromPort === 8443)!;
  assert.equal(https.status, 'unknown');
  assert.equal(https.unevaluatedFlows, 1);
  assert.ok(!a.unusedRules.some((u) => u.rule.groupId === 'sg-web'));
  // A group whose flows were all attributed still reports its unused rules.
  const b = analyzeFlows(pair(WEB, ['203.0.113.7', 51000], ['10.0.1.10', 443], { flagsAB: 2, flagsBA: 18 }), inv);
  assert.ok(b.unusedRules.some((u) => u.rule.protocol === 'icmp' && u.status === 'unused'));
});

test('a security-group reference matches the referenced interfaces\' private IPs only, not their public IPs', () => {
  // sg-db allows 5432 from sg-worker; the worker given a public IP reaches the db by it.
  const inv = demoInventory();
  const worker = inv.networkInterfaces.find((n) => n.NetworkInterfaceId === WORKER)!;
  worker.Association = { PublicIp: '54.10.20.40' };
  worker.PrivateIpAddresses = [{ PrivateIpAddress: '10.0.2.20', Association: { PublicIp: '54.10.20.40' } }];
  const viaPrivate = analyzeFlows(pair(DB, ['10.0.2.20', 45000], ['10.0.1.30', 5432], { flagsAB: 2, flagsBA: 18 }), inv).flows[0];
  assert.equal(viaPrivate.sgVerdict, 'allowed');
  const viaPublic = analyzeFlows(pair(DB, ['54.10.20.40', 45000], ['10.0.1.30', 5432], { flagsAB: 2, flagsBA: 18 }), inv).flows[0];
  assert.equal(viaPublic.initiator, 'peer');
  assert.equal(viaPublic.sgVerdict, 'no-matching-rule', viaPublic.matchedRules.map((r) => r.id).join());
});

test('instance to instance over public IPs in the region: priced at the in-region rate, not internet egress, and said so', () => {
  const inv = demoInventory();
  inv.networkInterfaces.push({
    NetworkInterfaceId: 'eni-pub2', SubnetId: 'subnet-b', VpcId: 'vpc-main', AvailabilityZone: 'us-east-1b', InterfaceType: 'interface',
    PrivateIpAddress: '10.0.2.99', PrivateIpAddresses: [{ PrivateIpAddress: '10.0.2.99', Association: { PublicIp: '54.10.20.99' } }],
    Association: { PublicIp: '54.10.20.99' }, Groups: [{ GroupId: 'sg-worker' }],
  });
  const GiB = 2 ** 30;
  const f = analyzeFlows(pair(WEB, ['10.0.1.10', 40000], ['54.10.20.99', 443], { flagsAB: 2, flagsBA: 18, bytesAB: 100 * GiB, bytesBA: 10 * GiB }), inv, {
    window: { start: 0, end: 730 * 3600 },
  }).flows[0];
  assert.equal(f.path, 'igw');
  assert.equal(f.cost.internetEgress, 0);
  // $0.01/GB out of the sender and $0.01/GB into the receiver; the peer's ENI is not logged: both here.
  assert.equal(Math.round(f.cost.publicIpInRegion * 100) / 100, 2.2);
  assert.match(f.peerClassEvidence, /public IP of eni-pub2.*in-region/);
  assert.match(f.costNote ?? '', /in-region/);
});
