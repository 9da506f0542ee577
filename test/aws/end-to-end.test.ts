// End to end over moto: inventory fetched from EC2 + flow logs read from CloudWatch → labels and
// costs, compared with the same inventory (as `aws ec2 describe-…` JSON files) and the same lines
// (as flow-log files) read offline.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto, TEST_CREDENTIALS, TEST_REGION, type MotoServer } from './moto';
import { seedAll, type Seeded } from './seed';
import { aggregateFromCloudWatch, createEc2Client, fetchInventory } from '../../src/core/sources/aws';
import { aggregateFiles } from '../../src/core/flowlogs';
import { loadInventoryFiles } from '../../src/core/sources/inventory-files';
import { analyzeFlows } from '../../src/core/network';
import type { Inventory } from '../../src/core/model/inventory';

let moto: MotoServer;
let seeded: Seeded;
const tmp = mkdtempSync(join(tmpdir(), 'egress-lens-e2e-'));

before(async () => {
  moto = await startMoto();
  await moto.reset();
  seeded = await seedAll(moto.endpoint, { eventsPerStream: 300 });
});
after(async () => {
  await moto?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** The inventory as the files `aws ec2 describe-… --output json` would print. */
function writeInventoryFiles(inv: Inventory, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const w = (name: string, doc: unknown) => writeFileSync(join(dir, name), JSON.stringify(doc, null, 1));
  w('describe-security-groups.json', { SecurityGroups: inv.securityGroups });
  w('describe-network-interfaces.json', { NetworkInterfaces: inv.networkInterfaces });
  w('describe-vpcs.json', { Vpcs: inv.vpcs });
  w('describe-subnets.json', { Subnets: inv.subnets });
  w('describe-nat-gateways.json', { NatGateways: inv.natGateways });
  w('describe-internet-gateways.json', { InternetGateways: inv.internetGateways });
  w('describe-vpc-endpoints.json', { VpcEndpoints: inv.vpcEndpoints });
  w('describe-vpc-peering-connections.json', { VpcPeeringConnections: inv.vpcPeeringConnections });
  w('describe-transit-gateway-attachments.json', { TransitGatewayAttachments: inv.transitGatewayAttachments });
  w('describe-managed-prefix-lists.json', { PrefixLists: inv.managedPrefixLists });
  w('describe-route-tables.json', { RouteTables: inv.routeTables ?? [] });
  w('describe-instances.json', { Reservations: [{ Instances: inv.instances }] });
  for (const [id, cidrs] of Object.entries(inv.prefixListEntries)) w(`get-managed-prefix-list-entries-${id}.json`, { Entries: cidrs.map((Cidr) => ({ Cidr })) });
}

interface Run {
  inv: Inventory;
  cw: Awaited<ReturnType<typeof aggregateFromCloudWatch>>;
  files: Awaited<ReturnType<typeof aggregateFiles>>;
}
let run: Run | undefined;

/** Fetches once: inventory from EC2, flows from CloudWatch, and the same lines as files. */
async function getRun(): Promise<Run> {
  if (run) return run;
  const conn = { region: TEST_REGION, endpointUrl: moto.endpoint, credentials: TEST_CREDENTIALS };
  const ec2 = createEc2Client(conn);
  const inv = await fetchInventory(ec2);
  ec2.client.destroy();
  const cw = await aggregateFromCloudWatch(conn, { startTime: seeded.startTime, endTime: seeded.endTime });
  const flowDir = join(tmp, 'flowlogs');
  mkdirSync(flowDir);
  const streams = new Map<string, string[]>();
  for (const e of seeded.events) streams.set(e.logStreamName, [...(streams.get(e.logStreamName) ?? []), e.message]);
  for (const [s, lines] of streams) writeFileSync(join(flowDir, `${s}.log`), lines.join('\n') + '\n');
  const files = await aggregateFiles([flowDir], { fields: cw.flowLogs[0].fields, workers: 1 });
  run = { inv, cw, files };
  return run;
}

/**
 * Deep equality where numbers may differ in the last bits: totals are float sums whose order
 * follows the flow order, which differs between the two sources (see byId).
 */
function assertClose(actual: unknown, expected: unknown, path = 'totals'): void {
  if (typeof actual === 'number' && typeof expected === 'number') {
    assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${path}: ${actual} vs ${expected}`);
    return;
  }
  if (actual && expected && typeof actual === 'object' && typeof expected === 'object') {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), path);
    for (const k of Object.keys(expected)) assertClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  assert.deepEqual(actual, expected, path);
}

const byId = <T extends { id: string }>(fs: T[]) => [...fs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

describe('end to end (moto): labels and costs', () => {
  it('CloudWatch flows + fetched inventory give the labels and costs of file flows + the same inventory as JSON', async (t) => {
    const { inv, cw, files } = await getRun();
    const fromAws = analyzeFlows(cw.result.aggregates, inv, { region: TEST_REGION });
    // The inventory as it would come back from a JSON file (dates as strings): same analysis.
    const asJson = JSON.parse(JSON.stringify(inv)) as Inventory;
    const fromFiles = analyzeFlows(files.aggregates, asJson, { region: TEST_REGION });

    assert.deepEqual(cw.result.counts, files.counts);
    assert.equal(fromAws.flows.length, fromFiles.flows.length);
    // Same flows (the order of equal-cost flows follows input order, which differs: interleaved
    // events vs file by file).
    assert.deepEqual(byId(fromAws.flows), byId(fromFiles.flows));
    assertClose(fromAws.totals, fromFiles.totals);

    // The analysis used the inventory: the seeded interfaces are known, and the lines give a mix.
    const ours = new Set(seeded.enis);
    assert.ok(fromAws.flows.length > 20);
    assert.ok(fromAws.flows.every((f) => ours.has(f.interfaceId)));
    assert.ok(fromAws.flows.some((f) => f.localAddr === seeded.eniIps[0]));
    assert.ok(fromAws.flows.some((f) => f.path === 'nat-gateway'), 'the NAT route of subnet 2 was used');
    const directions = new Set(fromAws.flows.map((f) => f.direction));
    const peers = new Set(fromAws.flows.map((f) => f.peerClass));
    assert.ok(directions.has('egress') && directions.has('ingress'), [...directions].join());
    assert.ok(peers.has('internet'), [...peers].join());
    assert.ok(fromAws.totals.costUsd > 0);
    t.diagnostic(`${fromAws.flows.length} flows; directions ${[...directions].join('/')}; peers ${[...peers].join('/')}; cost $${fromAws.totals.costUsd.toFixed(6)}`);
  });

  // Guards a fixed bug: loadInventoryFiles once de-duplicated by the first id-like key of an item,
  // so instances and NAT gateways of one subnet (SubnetId) collapsed into one.
  it('… and the same through `aws ec2 describe-…` files read with loadInventoryFiles', async () => {
    const { inv, cw, files } = await getRun();
    const invDir = join(tmp, 'inventory');
    writeInventoryFiles(inv, invDir);
    const loaded = await loadInventoryFiles(invDir);
    assert.deepEqual(loaded.errors, []);
    assert.equal(loaded.inventory.instances.length, inv.instances.length, 'instances');
    assert.equal(loaded.inventory.routeTables?.length, inv.routeTables?.length, 'route tables');
    assert.equal(loaded.inventory.vpcEndpoints.length, inv.vpcEndpoints.length, 'VPC endpoints');
    const fromAws = analyzeFlows(cw.result.aggregates, inv, { region: TEST_REGION });
    const fromFiles = analyzeFlows(files.aggregates, loaded.inventory, { region: TEST_REGION });
    assert.deepEqual(byId(fromAws.flows), byId(fromFiles.flows));
    assertClose(fromAws.totals, fromFiles.totals);
  });
});
