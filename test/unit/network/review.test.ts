// Regression tests for review findings (orientation, initiator order, IPv6 paths, rule usage …).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFlows } from '../../../src/core/network/analyze';
import { WORKER, demoInventory, pair } from './fixtures';

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
