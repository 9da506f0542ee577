// Regression tests for review findings on prices, tiers and who pays for NAT gateway traffic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePriceOverrides, tieredCost } from '../../../src/core/pricing/prices';
import { analyzeFlows } from '../../../src/core/network/analyze';
import { MONTH_HOURS } from '../../../src/core/pricing/cost';
import { NAT, T0, WORKER, agg, demoInventory, pair } from '../network/fixtures';

test('a tier override without an open-ended last tier is a problem naming the key, and is not applied', () => {
  const r = parsePriceOverrides('{"internetEgressTiers":[{"upToGb":10,"usdPerGb":0.1}]}', 'p2.json');
  assert.equal(r.problems.length, 1, r.problems.join('\n'));
  assert.match(r.problems[0], /^p2\.json\.internetEgressTiers: .*last tier must have "upToGb": null/);
  assert.equal(r.overrides.all?.internetEgressTiers, undefined);
  // Per-region overrides are checked the same way.
  const r2 = parsePriceOverrides('{"regions":{"eu-west-1":{"internetEgressTiers":[{"upToGb":10,"usdPerGb":0.1},{"upToGb":20,"usdPerGb":0.05}]}}}', 'p.json');
  assert.match(r2.problems.join('\n'), /p\.json: regions\.eu-west-1\.internetEgressTiers: .*null/);
  // A valid list still passes.
  const ok = parsePriceOverrides('{"internetEgressTiers":[{"upToGb":10,"usdPerGb":0.1},{"upToGb":null,"usdPerGb":0.05}]}', 'ok.json');
  assert.deepEqual(ok.problems, []);
});

test('tieredCost never makes traffic past a closed last tier free: the last rate continues', () => {
  assert.equal(tieredCost(30, [{ upToGb: 10, usdPerGb: 0.1 }]), 3);
  assert.equal(tieredCost(30, [{ upToGb: 10, usdPerGb: 0.1 }, { upToGb: null, usdPerGb: 0.05 }]), 1 + 1);
});


const GiB = 2 ** 30;
const MONTH = { start: T0, end: T0 + MONTH_HOURS * 3600 };
const cents = (v: number) => Math.round(v * 100) / 100;

/** Worker → internet through the NAT gateway (v5 traffic-path 1), also logged on the NAT's ENI. */
function viaNat() {
  return [
    ...pair(WORKER, ['10.0.2.20', 50001], ['203.0.113.99', 443], { flagsAB: 2, flagsBA: 18, bytesAB: 50 * GiB, bytesBA: 150 * GiB, extra: { trafficPath: 1 }, extraBA: { trafficPath: 1 } }),
    agg({ interfaceId: NAT, srcaddr: '10.0.2.20', srcport: 50001, dstaddr: '10.0.0.5', dstport: 443, pktSrcaddr: '10.0.2.20', pktDstaddr: '203.0.113.99', bytes: 50 * GiB }),
    agg({ interfaceId: NAT, srcaddr: '10.0.0.5', srcport: 443, dstaddr: '10.0.2.20', dstport: 50001, pktSrcaddr: '203.0.113.99', pktDstaddr: '10.0.2.20', bytes: 150 * GiB }),
    ...pair(NAT, ['10.0.0.5', 61001], ['203.0.113.99', 443], { flagsAB: 2, flagsBA: 18, bytesAB: 50 * GiB, bytesBA: 150 * GiB, extra: { trafficPath: 8 }, extraBA: { trafficPath: 8 } }),
  ];
}

test('without inventory the NAT gateway copies are recognised from the records: NAT processing counted once', () => {
  const withInv = analyzeFlows(viaNat(), demoInventory(), { window: MONTH });
  const noInv = analyzeFlows(viaNat(), null, { window: MONTH });
  // 200 GB through the gateway × $0.045 = $9.00, once.
  assert.equal(cents(withInv.totals.cost.natProcessing), 9.0);
  assert.equal(cents(noInv.totals.cost.natProcessing), 9.0);
  const transit = noInv.flows.filter((f) => f.transit);
  assert.equal(transit.length, 1);
  assert.equal(transit[0].countedElsewhere, true);
  assert.match(transit[0].costNote ?? '', new RegExp(`counted on ${WORKER}`));
  // The gateway's own leg to the internet is a copy too: not charged egress a second time.
  const leg = noInv.flows.find((f) => f.interfaceId === NAT && !f.transit)!;
  assert.equal(leg.countedElsewhere, true);
  assert.equal(leg.costUsd, 0);
  assert.equal(cents(noInv.projection.monthlyInternetEgressGb), 50);
});

test('one NAT-routed host flow does not zero another NAT gateway\'s internet leg', () => {
  const inv = demoInventory();
  inv.subnets.push({ SubnetId: 'subnet-public-b', VpcId: 'vpc-main', CidrBlock: '10.0.3.0/24', AvailabilityZone: 'us-east-1b', AvailabilityZoneId: 'use1-az2' });
  inv.networkInterfaces.push({
    NetworkInterfaceId: 'eni-nat2', SubnetId: 'subnet-public-b', VpcId: 'vpc-main', AvailabilityZone: 'us-east-1b', InterfaceType: 'natGateway',
    Description: 'Interface for NAT Gateway nat-0def', RequesterManaged: true, PrivateIpAddress: '10.0.3.5', Association: { PublicIp: '4.4.4.4' }, Groups: [],
  });
  inv.natGateways.push({ NatGatewayId: 'nat-0def', VpcId: 'vpc-main', SubnetId: 'subnet-public-b', State: 'available', NatGatewayAddresses: [{ NetworkInterfaceId: 'eni-nat2', PrivateIp: '10.0.3.5', PublicIp: '4.4.4.4' }] });
  inv.routeTables = [
    { RouteTableId: 'rtb-main', VpcId: 'vpc-main', Associations: [{ Main: true, RouteTableId: 'rtb-main' }], Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' }] },
    {
      RouteTableId: 'rtb-b', VpcId: 'vpc-main',
      Associations: [{ Main: false, SubnetId: 'subnet-b', RouteTableId: 'rtb-b', AssociationState: { State: 'associated' } }],
      Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0abc' }],
    },
  ];
  // The worker goes out through nat-0abc (its ENI not logged); nat-0def's legs carry 100 GB out for hosts not logged.
  const aggs = [
    ...pair(WORKER, ['10.0.2.20', 50001], ['203.0.113.99', 443], { flagsAB: 2, flagsBA: 18, bytesAB: 50 * GiB, bytesBA: 150 * GiB }),
    ...pair('eni-nat2', ['10.0.3.5', 61002], ['203.0.113.50', 443], { flagsAB: 2, flagsBA: 18, bytesAB: 100 * GiB, bytesBA: 10 * GiB }),
  ];
  const a = analyzeFlows(aggs, inv, { window: MONTH });
  const host = a.flows.find((f) => f.interfaceId === WORKER)!;
  assert.equal(host.viaId, 'nat-0abc');
  const leg = a.flows.find((f) => f.interfaceId === 'eni-nat2')!;
  assert.equal(leg.countedElsewhere, false, leg.costNote ?? '');
  assert.ok(leg.cost.internetEgress > 0);
  assert.equal(cents(leg.cost.natProcessing), cents(110 * 0.045));
});

test('grouped totals leave out the NAT gateway copies: by peer, class, direction count the bytes once', () => {
  const a = analyzeFlows(viaNat(), demoInventory(), { window: MONTH });
  assert.equal(a.flows.length, 3, 'the copies stay listed');
  const peer = a.byPeer.find((g) => g.key === '203.0.113.99')!;
  assert.equal(peer.bytesOut, 50 * GiB);
  assert.equal(peer.bytesIn, 150 * GiB);
  assert.equal(peer.flows, 1);
  assert.equal(peer.copies, 2);
  const egress = a.totals.byDirection.egress;
  assert.equal(egress.flows, 1);
  assert.equal(egress.copies, 2);
  assert.equal(a.byClass.find((g) => g.key === 'internet')!.bytesOut, 50 * GiB);
  // The direction groups add up to the unique totals.
  const dirs = Object.values(a.totals.byDirection);
  assert.equal(dirs.reduce((s, g) => s + g.bytesOut, 0), a.totals.uniqueBytesOut);
  assert.equal(dirs.reduce((s, g) => s + g.bytesIn, 0), a.totals.uniqueBytesIn);
  assert.equal(a.totals.uniqueBytesOut, 50 * GiB);
  // Per interface, what each interface logged (the NAT ENI did carry its copies).
  const nat = a.byInterface.find((g) => g.key === NAT)!;
  assert.equal(nat.bytesOut, 100 * GiB);
  assert.equal(nat.copies, 2);
});
