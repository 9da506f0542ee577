// Hand-labelled conversations for every initiator rule of DOMAIN.md §1: TCP flags, listening port
// (security-group rule / learned from flags), well-known vs ephemeral ports, one-sided, unknown,
// and internal. Also pairing, per-direction bytes, and packet addresses through a NAT gateway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFlows } from '../../../src/core/network/analyze';
import type { LabelledFlow } from '../../../src/core/network/types';
import type { FlowAggregate } from '../../../src/core/model/flows';
import { DB, NAT, T0, WEB, WORKER, agg, demoInventory, pair } from './fixtures';

function flowsOf(aggs: FlowAggregate[], opts: Parameters<typeof analyzeFlows>[2] = {}, inventory = demoInventory()) {
  return analyzeFlows(aggs, inventory, opts).flows;
}

function only(aggs: FlowAggregate[], opts: Parameters<typeof analyzeFlows>[2] = {}, inventory = demoInventory()): LabelledFlow {
  const flows = flowsOf(aggs, opts, inventory);
  assert.equal(flows.length, 1, `expected one conversation, got ${flows.map((f) => f.id).join(', ')}`);
  return flows[0];
}

/** check(): the label, initiator rule and evidence of one conversation. */
function check(aggs: FlowAggregate[], want: { direction: string; rule: string; evidence: RegExp; initiator?: string | null }, inventory = demoInventory()) {
  const f = only(aggs, {}, inventory);
  assert.equal(f.direction, want.direction, f.directionEvidence);
  assert.equal(f.initiatorRule, want.rule, f.directionEvidence);
  assert.match(f.directionEvidence, want.evidence);
  if (want.initiator !== undefined) assert.equal(f.initiator, want.initiator);
  return f;
}

test('tcp-flags: SYN from the internet peer → ingress, both directions paired, bytes per direction', () => {
  // 203.0.113.7:51000 → web:443 with SYN (2); web answers with SYN-ACK (18).
  const f = check(pair(WEB, ['203.0.113.7', 51000], ['10.0.1.10', 443], { flagsAB: 2 | 1, flagsBA: 18 | 1, bytesAB: 700, bytesBA: 90000 }), {
    direction: 'ingress',
    rule: 'tcp-flags',
    evidence: /^tcp-flags: SYN from 203\.0\.113\.7$/,
    initiator: 'peer',
  });
  assert.equal(f.paired, true);
  assert.equal(f.localAddr, '10.0.1.10');
  assert.equal(f.localPort, 443);
  assert.equal(f.peerAddr, '203.0.113.7');
  assert.equal(f.bytesIn, 700);
  assert.equal(f.bytesOut, 90000);
  assert.equal(f.packetsIn, 10);
  assert.equal(f.records, 2);
});

test('tcp-flags: SYN from the local side → egress even when the local port is low', () => {
  // Worker connects from port 1000 (≤1023, would mislead the port rule) to 93.184.216.34:8443.
  check(pair(WORKER, ['10.0.2.20', 1000], ['93.184.216.34', 8443], { flagsAB: 2, flagsBA: 18 }), {
    direction: 'egress',
    rule: 'tcp-flags',
    evidence: /SYN from 10\.0\.2\.20/,
    initiator: 'local',
  });
});

test('tcp-flags: only the SYN-ACK direction flagged still marks the responder', () => {
  const f = check(pair(WEB, ['198.18.0.9', 40000], ['10.0.1.10', 443], { flagsAB: 0, flagsBA: 18 }), {
    direction: 'ingress',
    rule: 'tcp-flags',
    evidence: /SYN-ACK from 10\.0\.1\.10 \(responder\)/,
  });
  assert.equal(f.initiator, 'peer');
});

test('listening port from an inbound security-group rule: local 8443 opened by sg-web → ingress', () => {
  check(pair(WEB, ['203.0.113.9', 40000], ['10.0.1.10', 8443]), {
    direction: 'ingress',
    rule: 'listening-port',
    evidence: /^port: local 8443 is listening \(inbound rule sg-web allows tcp\/8443\)$/,
  });
});

test('listening port on the peer (its group opens 5432) → worker started it; internal because both are private', () => {
  const f = check(pair(WORKER, ['10.0.2.20', 45000], ['10.0.1.30', 5432]), {
    direction: 'internal',
    rule: 'listening-port',
    evidence: /port: peer 5432 is listening \(inbound rule sg-db allows tcp\/5432\); internal: 10\.0\.1\.30 is private/,
    initiator: 'local',
  });
  assert.equal(f.peerInterfaceId, DB);
});

test('listening port learned from SYNs in another conversation', () => {
  // The interface is not in the inventory; port 9000 is proven a server port by flags once.
  const aggs = [
    ...pair('eni-x', ['203.0.113.50', 50001], ['10.0.1.99', 9000], { flagsAB: 2, flagsBA: 18 }),
    ...pair('eni-x', ['203.0.113.51', 50002], ['10.0.1.99', 9000]),
  ];
  const flows = flowsOf(aggs);
  const second = flows.find((f) => f.peerAddr === '203.0.113.51')!;
  assert.equal(second.initiatorRule, 'listening-port');
  assert.match(second.directionEvidence, /local 9000 is listening \(SYN seen arriving in another conversation\)/);
  assert.equal(second.direction, 'ingress');
});

test('well-known vs ephemeral ports: UDP to peer 123 → egress', () => {
  check(pair(WORKER, ['10.0.2.20', 51000], ['198.51.100.20', 123], { protocol: 17 }), {
    direction: 'egress',
    rule: 'port',
    evidence: /^port: peer 123 well-known, local 51000 ephemeral$/,
  });
});

test('well-known vs ephemeral ports: local 25 with no SG rule → ingress by port number', () => {
  check(pair(WORKER, ['192.0.2.44', 33000], ['10.0.2.20', 25]), {
    direction: 'ingress',
    rule: 'port',
    evidence: /port: local 25 well-known, peer 33000 ephemeral/,
  });
});

test('registered port against the ephemeral range: peer 6379 vs local 50123 → egress', () => {
  check(pair(WORKER, ['10.0.2.20', 50123], ['192.0.2.80', 6379]), {
    direction: 'egress',
    rule: 'port',
    evidence: /peer 6379 below the ephemeral range, local 50123 ephemeral/,
  });
});

test('unknown: both ports ephemeral, no flags, both directions → unknown with the reason', () => {
  const f = check(pair(WORKER, ['10.0.2.20', 40000], ['192.0.2.81', 50000], { protocol: 17 }), {
    direction: 'unknown',
    rule: 'none',
    evidence: /^unknown: .*ports 40000 and 50000 are both ephemeral/,
    initiator: null,
  });
  assert.equal(f.sgVerdict, 'not-evaluated');
});

test('unknown: ICMP both directions has no ports or flags', () => {
  check(pair(WORKER, ['10.0.2.20', 0], ['192.0.2.82', 0], { protocol: 1 }), {
    direction: 'unknown',
    rule: 'none',
    evidence: /icmp has no ports/,
  });
});

test('one-sided: only inbound packets, nothing answered → the sender started it', () => {
  const aggs = [agg({ interfaceId: WORKER, srcaddr: '192.0.2.90', srcport: 40001, dstaddr: '10.0.2.20', dstport: 40002, protocol: 17, action: 'REJECT' })];
  const f = check(aggs, { direction: 'ingress', rule: 'one-sided', evidence: /only packets from 192\.0\.2\.90 logged, no reply/ });
  assert.equal(f.paired, false);
  assert.equal(f.bytesOut, 0);
  assert.equal(f.bytesIn, 1000);
});

test('internal: web ↔ db in the same VPC, the db answered on 5432', () => {
  const f = check(pair(DB, ['10.0.1.10', 41000], ['10.0.1.30', 5432], { flagsAB: 2, flagsBA: 18 }), {
    direction: 'internal',
    rule: 'tcp-flags',
    evidence: /SYN from 10\.0\.1\.10/,
    initiator: 'peer',
  });
  assert.equal(f.localAddr, '10.0.1.30');
});

test('peers in a peered VPC and in declared networks are private → internal', () => {
  const peered = only(pair(WORKER, ['10.0.2.20', 50000], ['172.31.9.9', 443]));
  assert.equal(peered.direction, 'internal');
  const declaredOff = only(pair(WORKER, ['10.0.2.20', 50000], ['10.200.0.5', 443]));
  assert.equal(declaredOff.direction, 'egress', 'not declared: not private');
  const declared = only(pair(WORKER, ['10.0.2.20', 50000], ['10.200.0.5', 443]), { privateCidrs: ['10.200.0.0/16'] });
  assert.equal(declared.direction, 'internal');
});

test('packet direction without inventory: flow-direction orients records; else the most frequent address', () => {
  const withDir = [
    agg({ interfaceId: 'eni-y', srcaddr: '10.1.0.5', srcport: 443, dstaddr: '203.0.113.1', dstport: 50000, flowDirection: 'egress', bytes: 5000 }),
    agg({ interfaceId: 'eni-y', srcaddr: '203.0.113.1', srcport: 50000, dstaddr: '10.1.0.5', dstport: 443, flowDirection: 'ingress', bytes: 300 }),
  ];
  const f = only(withDir, {}, null as never);
  assert.equal(f.localAddr, '10.1.0.5');
  assert.equal(f.bytesOut, 5000);
  assert.equal(f.bytesIn, 300);
  assert.equal(f.direction, 'ingress');

  const noDir = [
    ...pair('eni-z', ['10.1.0.9', 50000], ['203.0.113.2', 443]),
    ...pair('eni-z', ['10.1.0.9', 50001], ['203.0.113.3', 443]),
  ];
  const flows = analyzeFlows(noDir, null).flows;
  assert.equal(flows.length, 2);
  for (const g of flows) {
    assert.equal(g.localAddr, '10.1.0.9');
    assert.equal(g.direction, 'egress');
  }
});

test('IPv6 addresses are matched to the interface and to ::/0 rules', () => {
  const f = only(pair(WEB, ['2001:db8::7', 51000], ['2600:1f18:1234:5601:0:0:0:10', 443], { flagsAB: 2, flagsBA: 18 }));
  assert.equal(f.localAddr, '2600:1f18:1234:5601::10');
  assert.equal(f.direction, 'ingress');
  assert.equal(f.matchedRule?.source, '::/0');
});

test('directions whose times do not overlap are kept as two one-sided flows', () => {
  const aggs = [
    agg({ interfaceId: WORKER, srcaddr: '10.0.2.20', srcport: 40000, dstaddr: '192.0.2.7', dstport: 41000, protocol: 17, start: T0, end: T0 + 60 }),
    agg({ interfaceId: WORKER, srcaddr: '192.0.2.7', srcport: 41000, dstaddr: '10.0.2.20', dstport: 40000, protocol: 17, start: T0 + 7200, end: T0 + 7260 }),
  ];
  const flows = flowsOf(aggs);
  assert.equal(flows.length, 2);
  assert.ok(flows.every((f) => !f.paired && f.initiatorRule === 'one-sided'));
});

test('NAT gateway interface: pkt-*addr give the inside host and the real peer (transit), own legs separate', () => {
  // AWS's documented example: worker 10.0.2.20 → 203.0.113.5:443 through NAT 10.0.0.5 (port 61000 after translation).
  const aggs = [
    agg({ interfaceId: NAT, srcaddr: '10.0.2.20', srcport: 50000, dstaddr: '10.0.0.5', dstport: 443, pktSrcaddr: '10.0.2.20', pktDstaddr: '203.0.113.5', tcpFlags: 2, bytes: 400 }),
    agg({ interfaceId: NAT, srcaddr: '10.0.0.5', srcport: 443, dstaddr: '10.0.2.20', dstport: 50000, pktSrcaddr: '203.0.113.5', pktDstaddr: '10.0.2.20', tcpFlags: 18, bytes: 9000 }),
    agg({ interfaceId: NAT, srcaddr: '10.0.0.5', srcport: 61000, dstaddr: '203.0.113.5', dstport: 443, pktSrcaddr: '10.0.0.5', pktDstaddr: '203.0.113.5', tcpFlags: 2, bytes: 400 }),
    agg({ interfaceId: NAT, srcaddr: '203.0.113.5', srcport: 443, dstaddr: '10.0.0.5', dstport: 61000, pktSrcaddr: '203.0.113.5', pktDstaddr: '10.0.0.5', tcpFlags: 18, bytes: 9000 }),
  ];
  const flows = flowsOf(aggs);
  assert.equal(flows.length, 2);
  const inside = flows.find((f) => f.transit)!;
  assert.equal(inside.localAddr, '10.0.2.20');
  assert.equal(inside.peerAddr, '203.0.113.5');
  assert.equal(inside.bytesOut, 400);
  assert.equal(inside.bytesIn, 9000);
  assert.equal(inside.direction, 'egress');
  assert.equal(inside.path, 'nat-gateway');
  assert.equal(inside.sgVerdict, 'not-applicable');
  const outside = flows.find((f) => !f.transit)!;
  assert.equal(outside.localAddr, '10.0.0.5');
  assert.equal(outside.localPort, 61000);
  assert.equal(outside.path, 'igw');
  assert.equal(outside.direction, 'egress');
});

test('unknown: conflicting TCP flags (SYN from both sides, e.g. a reused port pair) fall through and say so', () => {
  const f = only(pair(WORKER, ['10.0.2.20', 40000], ['192.0.2.83', 50000], { flagsAB: 2, flagsBA: 2 }));
  assert.equal(f.direction, 'unknown');
  assert.match(f.directionEvidence, /tcp-flags inconclusive/);
});

test('well-known ports on both sides (e.g. NTP 123 ↔ 123) → unknown with the reason', () => {
  const f = only(pair(WORKER, ['10.0.2.20', 123], ['192.0.2.84', 123], { protocol: 17 }));
  assert.equal(f.direction, 'unknown');
  assert.match(f.directionEvidence, /both ports well-known \(123, 123\), no tcp-flags/);
});

test('analysis is cancellable: an aborted signal stops it with the signal reason', () => {
  const ac = new AbortController();
  ac.abort(new Error('user cancelled'));
  assert.throws(() => analyzeFlows(pair(WEB, ['203.0.113.7', 51000], ['10.0.1.10', 443]), demoInventory(), { signal: ac.signal }), /user cancelled/);
});

test('a lone record on an unknown interface: the private address is the local side', () => {
  const f = only([agg({ interfaceId: 'eni-lone', srcaddr: '198.51.100.77', srcport: 443, dstaddr: '10.0.9.9', dstport: 50000, tcpFlags: 18 })], {}, null as never);
  assert.equal(f.localAddr, '10.0.9.9');
  assert.equal(f.direction, 'egress');
  assert.match(f.directionEvidence, /SYN-ACK from 198\.51\.100\.77 \(responder\)/);
});
