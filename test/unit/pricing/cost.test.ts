// Cost scenarios computed by hand (us-east-1 prices, GB = 2^30 bytes) and matched to the cent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFlows } from '../../../src/core/network/analyze';
import { MONTH_HOURS } from '../../../src/core/pricing/cost';
import { NAT, T0, WEB, WORKER, agg, demoInventory, pair } from '../network/fixtures';

const GiB = 2 ** 30;
const MONTH = { start: T0, end: T0 + MONTH_HOURS * 3600 }; // exactly one billing month: factor 1
const cents = (v: number) => Math.round(v * 100) / 100;

// A. 12 TB (12,288 GB) served to an internet client from web (public IP → igw); 10 GB in (free).
const A = pair(WEB, ['203.0.113.7', 51000], ['10.0.1.10', 443], { flagsAB: 2, flagsBA: 18, bytesAB: 10 * GiB, bytesBA: 12288 * GiB });
// B. web (use1-az1) ↔ worker (use1-az2): web sends 300 GB, worker sends 200 GB, logged on both ENIs.
const B = [
  ...pair(WEB, ['10.0.1.10', 40000], ['10.0.2.20', 8080], { bytesAB: 300 * GiB, bytesBA: 200 * GiB }),
  ...pair(WORKER, ['10.0.1.10', 40000], ['10.0.2.20', 8080], { bytesAB: 300 * GiB, bytesBA: 200 * GiB }),
];
// C. worker → S3 through the NAT gateway: 100 GB up, 900 GB down.
const C = pair(WORKER, ['10.0.2.20', 50000], ['52.217.1.1', 443], {
  flagsAB: 2, flagsBA: 18, bytesAB: 100 * GiB, bytesBA: 900 * GiB, extra: { pktDstAwsService: 'S3' }, extraBA: { pktSrcAwsService: 'S3' },
});
// D. worker → internet through the NAT gateway: 50 GB up, 150 GB down; also logged on the NAT's ENI
//    (inside legs with pkt-*addr, and the gateway's own legs to the internet).
const D = [
  ...pair(WORKER, ['10.0.2.20', 50001], ['203.0.113.99', 443], { flagsAB: 2, flagsBA: 18, bytesAB: 50 * GiB, bytesBA: 150 * GiB }),
  agg({ interfaceId: NAT, srcaddr: '10.0.2.20', srcport: 50001, dstaddr: '10.0.0.5', dstport: 443, pktSrcaddr: '10.0.2.20', pktDstaddr: '203.0.113.99', bytes: 50 * GiB }),
  agg({ interfaceId: NAT, srcaddr: '10.0.0.5', srcport: 443, dstaddr: '10.0.2.20', dstport: 50001, pktSrcaddr: '203.0.113.99', pktDstaddr: '10.0.2.20', bytes: 150 * GiB }),
  ...pair(NAT, ['10.0.0.5', 61001], ['203.0.113.99', 443], { flagsAB: 2, flagsBA: 18, bytesAB: 50 * GiB, bytesBA: 150 * GiB }),
];
// E. a rejected SSH scan.
const E = [agg({ interfaceId: WEB, srcaddr: '45.33.1.2', srcport: 40404, dstaddr: '10.0.1.10', dstport: 22, action: 'REJECT', bytes: 60 })];

test('one month of mixed traffic, priced by hand to the cent', () => {
  const a = analyzeFlows([...A, ...B, ...C, ...D, ...E], demoInventory(), { window: MONTH });
  // Internet egress: A 12,288 GB + D 50 GB = 12,338 GB in the month.
  //   first 100 GB free                       =    0.00
  //   next 10,140 GB (to 10,240) × $0.09      =  912.60
  //   next 2,098 GB (to 12,338) × $0.085      =  178.33
  //                                           = 1090.93
  // Cross-AZ, B: each side pays $0.01/GB on 500 GB (300 + 200): web 5.00 + worker 5.00 = 10.00
  // NAT processing: C 1,000 GB × $0.045 = 45.00; D 200 GB × $0.045 = 9.00              = 54.00
  // The worker (use1-az2) reaches the only NAT gateway in use1-az1: cross-AZ both ways,
  //   $0.01 out + $0.01 in per GB: C 1,000 GB × $0.02 = 20.00; D 200 GB × $0.02 = 4.00  = 24.00
  // S3 transfer in region: free. Rejected scan: 0. NAT ENI records: counted on the worker.
  // Total = 1090.93 + 10.00 + 24.00 + 54.00 = 1178.93
  assert.equal(cents(a.totals.cost.internetEgress), 1090.93);
  assert.equal(cents(a.totals.cost.crossAz), 34.0);
  assert.equal(cents(a.totals.cost.natProcessing), 54.0);
  assert.equal(cents(a.totals.costUsd), 1178.93);
  assert.equal(a.projection.factor, 1);
  assert.equal(cents(a.totals.monthlyCostUsd), 1178.93);
  // Per-flow costs sum to the total (average effective internet rate).
  assert.equal(cents(a.flows.reduce((s, f) => s + f.costUsd, 0)), 1178.93);
  const rate = 1090.93 / 12338;
  const aFlow = a.flows.find((f) => f.peerAddr === '203.0.113.7')!;
  assert.equal(cents(aFlow.costUsd), cents(12288 * rate));
  assert.equal(aFlow.direction, 'ingress');
  assert.equal(aFlow.bytesOut, 12288 * GiB);

  const s3 = a.flows.find((f) => f.awsService === 'S3')!;
  assert.equal(cents(s3.costUsd), 65.0);
  assert.equal(s3.viaId, 'nat-0abc');
  assert.equal(s3.viaCrossAz, true);
  assert.equal(s3.cost.internetEgress, 0);
  const dWorker = a.flows.find((f) => f.interfaceId === WORKER && f.peerAddr === '203.0.113.99')!;
  assert.equal(cents(dWorker.cost.natProcessing), 9.0);
  const natFlows = a.flows.filter((f) => f.interfaceId === NAT);
  assert.equal(natFlows.length, 2);
  for (const f of natFlows) {
    assert.equal(f.costUsd, 0);
    assert.match(f.costNote ?? '', /counted on/);
    assert.equal(f.countedElsewhere, true);
  }
  // Unique bytes leave out the NAT gateway's copies (D's 50 GB up twice: inside and outside legs).
  assert.equal(a.totals.bytesOut - a.totals.uniqueBytesOut, 2 * 50 * GiB);
  assert.equal(a.flows.find((f) => f.action === 'REJECT')!.costUsd, 0);

  // Groupings add up.
  assert.equal(cents(a.byInterface.reduce((s, g) => s + g.costUsd, 0)), 1178.93);
  assert.equal(cents(a.byClass.find((g) => g.key === 'internet')!.costUsd), cents(1090.93 + 9.0 + 4.0));
  assert.equal(cents(a.totals.byDirection.egress.costUsd), cents(50 * rate + 45 + 20 + 9 + 4));

  // Savings: S3 through the NAT gateway → a gateway endpoint saves the $45.00 of processing and
  // the $20.00 cross-AZ hop to the gateway = $65.00.
  const gw = a.savings.find((s) => s.kind === 'gateway-endpoint')!;
  assert.equal(cents(gw.monthlySavingsUsd), 65.0);
  assert.match(gw.message, /plus \$20\.00\/month cross-AZ to the gateway\. A gateway endpoint for S3 \(free\) would save \$65\.00\/month/);
  const xaz = a.savings.find((s) => s.kind === 'cross-az')!;
  assert.equal(cents(xaz.monthlySavingsUsd), 10.0);
});

test('cross-AZ with only one side logged charges both directions on the logged flow', () => {
  // web sends 300 GB to worker and gets 200 GB back; the worker's ENI is not in the logs.
  const only = pair(WEB, ['10.0.1.10', 40000], ['10.0.2.20', 8080], { bytesAB: 300 * GiB, bytesBA: 200 * GiB });
  const a = analyzeFlows(only, demoInventory(), { window: MONTH });
  // 500 GB × $0.01 × 2 sides = $10.00
  assert.equal(cents(a.totals.costUsd), 10.0);
});

test('monthly projection from a one-day window applies the tiers to the projected month', () => {
  const day = { start: T0, end: T0 + 86400 };
  const a = analyzeFlows(pair(WEB, ['203.0.113.7', 51000], ['10.0.1.10', 443], { flagsAB: 2, flagsBA: 18, bytesAB: 0, bytesBA: 10 * GiB }), demoInventory(), { window: day });
  // factor = 730 h / 24 h = 30.41667; month volume = 304.1667 GB
  // month cost = (304.1667 − 100) × $0.09 = $18.375 → $18.38 (rounded to the cent)
  // observed day = 18.375 / 30.41667 = $0.6041
  assert.equal(Math.round(a.projection.factor * 1000) / 1000, 30.417);
  assert.equal(cents(a.totals.monthlyCostUsd), 18.38);
  assert.equal(cents(a.totals.costUsd), 0.6);
  assert.match(a.projection.statement, /24\.00 h/);
  assert.equal(a.window.seconds, 86400);
});

test('price overrides change the result; inter-region, peering and TGW are priced', () => {
  const inter = analyzeFlows(pair(WORKER, ['10.0.2.20', 50000], ['192.168.4.4', 443], { bytesAB: 100 * GiB, bytesBA: 0 }), demoInventory(), { window: MONTH });
  // Peered VPC in eu-west-1: inter-region $0.02 × 100 GB = $2.00 (sender pays)
  assert.equal(cents(inter.totals.cost.interRegion), 2.0);
  const cheap = analyzeFlows(pair(WORKER, ['10.0.2.20', 50000], ['192.168.4.4', 443], { bytesAB: 100 * GiB, bytesBA: 0 }), demoInventory(), {
    window: MONTH,
    priceOverrides: { all: { interRegionPerGb: { 'eu-west-1': 0.015 } } },
  });
  assert.equal(cents(cheap.totals.costUsd), 1.5);
  assert.deepEqual(cheap.prices.overridden, ['interRegionPerGb']);

  // Same-region peering, peer AZ unknown: charged as cross-AZ peering, $0.01 × 2 × 50 GB = $1.00
  const peer = analyzeFlows(pair(WORKER, ['10.0.2.20', 50000], ['172.31.1.1', 443], { bytesAB: 30 * GiB, bytesBA: 20 * GiB }), demoInventory(), { window: MONTH });
  assert.equal(cents(peer.totals.cost.peering), 1.0);
  assert.match(peer.flows[0].costNote ?? '', /peer AZ unknown/);

  // TGW to on-prem: $0.02/GB on 40 GB out + 10 GB in (the on-prem side logs nothing) = $1.00
  const inv = demoInventory();
  inv.transitGatewayAttachments.push({ TransitGatewayAttachmentId: 'tgw-attach-1', ResourceType: 'vpc', ResourceId: 'vpc-main', State: 'available' });
  const tgw = analyzeFlows(pair(WORKER, ['10.0.2.20', 50000], ['10.200.1.1', 443], { bytesAB: 40 * GiB, bytesBA: 10 * GiB }), inv, { window: MONTH, privateCidrs: ['10.200.0.0/16'] });
  assert.equal(cents(tgw.totals.cost.tgw), 1.0);

  // Interface endpoint: $0.01/GB both ways on 70 GB = $0.70; same AZ, no cross-AZ.
  const ep = analyzeFlows(pair(WORKER, ['10.0.2.20', 50000], ['10.0.2.50', 443], { bytesAB: 20 * GiB, bytesBA: 50 * GiB }), demoInventory(), { window: MONTH });
  assert.equal(cents(ep.totals.costUsd), 0.7);
});

test('clients reaching a NAT gateway in another AZ: cross-AZ charged and a per-AZ NAT gateway suggested', () => {
  // Worker (use1-az2) pulls 2,000 GB from the internet through nat-0abc (use1-az1) in one month.
  const a = analyzeFlows(pair(WORKER, ['10.0.2.20', 50000], ['203.0.113.99', 443], { flagsAB: 2, flagsBA: 18, bytesAB: 0, bytesBA: 2000 * GiB }), demoInventory(), { window: MONTH });
  const f = a.flows[0];
  // 2,000 GB × $0.045 NAT = 90.00; cross-AZ 2,000 GB × $0.02 = 40.00; internet egress 0 (nothing sent)
  assert.equal(cents(f.cost.natProcessing), 90.0);
  assert.equal(cents(f.cost.crossAz), 40.0);
  assert.equal(cents(f.costUsd), 130.0);
  assert.match(f.costNote ?? '', /nat-0abc is in use1-az1, the client in use1-az2/);
  // A NAT gateway in use1-az2 costs 730 h × $0.045 = $32.85: saves 40.00 − 32.85 = $7.15/month.
  const h = a.savings.find((s) => s.kind === 'nat-gateway')!;
  assert.equal(cents(h.monthlySavingsUsd), 7.15);
});
