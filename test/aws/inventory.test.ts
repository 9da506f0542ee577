// Inventory fetch against moto server: every part of the inventory, paging, cache, endpoint override.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto, TEST_CREDENTIALS, TEST_REGION, type MotoServer } from './moto';
import { seedNetwork } from './seed';
import { createEc2Client } from '../../src/core/sources/aws/clients';
import { fetchInventory, fetchInventoryCached, fetchInventoryForRegions, fetchInventoryFromAws, type InventoryProgress } from '../../src/core/sources/aws/ec2-inventory';
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';

let moto: MotoServer;
let seeded: Awaited<ReturnType<typeof seedNetwork>>;
const tmp = mkdtempSync(join(tmpdir(), 'egress-lens-inv-'));

before(async () => {
  moto = await startMoto();
  await moto.reset();
  seeded = await seedNetwork(moto.endpoint);
});
after(async () => {
  await moto?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const conn = () => ({ region: TEST_REGION, endpointUrl: moto.endpoint, credentials: TEST_CREDENTIALS });

describe('inventory fetch (moto)', () => {
  it('returns every part of the seeded network in EC2 API shapes', async () => {
    const h = createEc2Client(conn());
    const inv = await fetchInventory(h);
    h.client.destroy();
    assert.equal(inv.region, TEST_REGION);
    assert.equal(inv.accountId, seeded.accountId);
    assert.match(inv.source, /^aws:default\/us-east-1$/);

    const vpcIds = inv.vpcs.map((v) => v.VpcId);
    assert.ok(vpcIds.includes(seeded.vpcA) && vpcIds.includes(seeded.vpcB));
    const vpcA = inv.vpcs.find((v) => v.VpcId === seeded.vpcA)!;
    assert.equal(vpcA.CidrBlock, '10.0.0.0/16');
    assert.ok((vpcA.Ipv6CidrBlockAssociationSet ?? []).length > 0, 'IPv6 CIDR of the VPC');

    for (const s of seeded.subnets) assert.ok(inv.subnets.some((x) => x.SubnetId === s), s);
    const azs = new Set(inv.subnets.filter((s) => s.VpcId === seeded.vpcA).map((s) => s.AvailabilityZone));
    assert.deepEqual([...azs].sort(), ['us-east-1a', 'us-east-1b']);
    assert.ok(inv.subnets.every((s) => s.AvailabilityZoneId), 'AZ ids present');

    const web = inv.securityGroups.find((g) => g.GroupId === seeded.securityGroups.web)!;
    const https = web.IpPermissions!.find((p) => p.FromPort === 443)!;
    assert.deepEqual(https.IpRanges!.map((r) => r.CidrIp), ['0.0.0.0/0']);
    assert.deepEqual(https.Ipv6Ranges!.map((r) => r.CidrIpv6), ['::/0']);
    const ssh = web.IpPermissions!.find((p) => p.FromPort === 22)!;
    assert.deepEqual(ssh.PrefixListIds!.map((p) => p.PrefixListId), [seeded.prefixListId]);
    const self = web.IpPermissions!.find((p) => p.IpProtocol === '-1')!;
    assert.equal(self.UserIdGroupPairs![0].GroupId, seeded.securityGroups.web);
    const db = inv.securityGroups.find((g) => g.GroupId === seeded.securityGroups.db)!;
    assert.equal(db.IpPermissions![0].UserIdGroupPairs![0].GroupId, seeded.securityGroups.client, 'referenced group');
    assert.ok(db.IpPermissionsEgress!.some((p) => p.FromPort === 53 && p.IpProtocol === 'udp'));

    for (const e of seeded.enis) {
      const ni = inv.networkInterfaces.find((n) => n.NetworkInterfaceId === e);
      assert.ok(ni, e);
      assert.ok(ni!.PrivateIpAddress && ni!.Groups!.length === 1);
    }
    assert.ok(inv.natGateways.some((n) => n.NatGatewayId === seeded.natGatewayId && n.SubnetId === seeded.subnets[0]));
    assert.ok(inv.internetGateways.some((g) => g.Attachments?.some((a) => a.VpcId === seeded.vpcA)));
    assert.deepEqual(
      inv.vpcEndpoints.map((e) => e.VpcEndpointId).filter((id) => seeded.vpcEndpointIds.includes(id!)).sort(),
      [...seeded.vpcEndpointIds].sort(),
    );
    assert.ok(inv.vpcEndpoints.some((e) => e.VpcEndpointType === 'Gateway' && e.ServiceName === 'com.amazonaws.us-east-1.s3'));
    assert.ok(inv.vpcPeeringConnections.some((p) => p.VpcPeeringConnectionId === seeded.peeringId));
    assert.ok(inv.transitGatewayAttachments.some((a) => a.TransitGatewayAttachmentId === seeded.tgwAttachmentId));
    assert.ok(inv.managedPrefixLists.some((p) => p.PrefixListId === seeded.prefixListId));
    assert.deepEqual([...inv.prefixListEntries[seeded.prefixListId]].sort(), ['192.0.2.0/25', '198.51.100.0/24', '203.0.113.0/24']);
    assert.deepEqual(inv.instances.map((i) => i.InstanceId).sort(), [...seeded.instanceIds].sort());
    assert.ok(inv.routeTables!.some((rt) => rt.VpcId === seeded.vpcA && rt.Routes?.some((r) => r.NatGatewayId === seeded.natGatewayId)), 'route to the NAT gateway');
    assert.ok(!Number.isNaN(Date.parse(inv.fetchedAt)));
  });

  it('pages with a small page size and gets the same inventory', async () => {
    const h = createEc2Client(conn());
    const progress: InventoryProgress[] = [];
    const small = await fetchInventory(h, { pageSize: 5, onProgress: (p) => progress.push({ ...p }) });
    const whole = await fetchInventory(h);
    h.client.destroy();
    // moto pages DescribeInstances (7 reservations → 5 + 2) — the only Describe it pages.
    const instancePages = progress.filter((p) => p.part === 'instances').length;
    assert.equal(instancePages, 2);
    assert.equal(small.instances.length, 7);
    const strip = (i: typeof small) => ({ ...i, fetchedAt: '' });
    assert.deepEqual(strip(small), strip(whole));
    // progress is cumulative and ends at the item total
    const last = progress[progress.length - 1];
    assert.equal(last.pages, progress.length);
  });

  it('takes the endpoint from AWS_ENDPOINT_URL when no option is given', async () => {
    const h = createEc2Client({ region: TEST_REGION, credentials: TEST_CREDENTIALS, env: { AWS_ENDPOINT_URL: moto.endpoint } });
    assert.equal(h.endpoint, moto.endpoint);
    const inv = await fetchInventory(h, { skip: ['instances'] });
    h.client.destroy();
    assert.ok(inv.vpcs.some((v) => v.VpcId === seeded.vpcA));
    assert.equal(inv.instances.length, 0, 'skipped part stays empty');
  });

  it('caches per profile/region/endpoint with the fetch time, and refetches when stale', async () => {
    const dir = join(tmp, 'cache');
    const first = await fetchInventoryFromAws(conn(), { cacheDir: dir });
    let now = Date.now();
    assert.equal(first.fromCache, false);
    assert.ok(existsSync(first.cachePath));
    const onDisk = JSON.parse(readFileSync(first.cachePath, 'utf8'));
    assert.equal(onDisk.fetchedAt, first.fetchedAt);
    assert.equal(onDisk.endpoint, moto.endpoint);

    // Fresh cache: served without calling AWS (a dead endpoint with the same cache key proves it).
    const h = createEc2Client(conn());
    const second = await fetchInventoryCached(h, { cacheDir: dir, now: () => now });
    assert.equal(second.fromCache, true);
    assert.equal(second.fetchedAt, first.fetchedAt);
    assert.deepEqual(second.inventory.vpcs, first.inventory.vpcs);

    // Stale: fetched again.
    now += 16 * 60_000;
    const third = await fetchInventoryCached(h, { cacheDir: dir, now: () => now });
    assert.equal(third.fromCache, false);
    assert.notEqual(third.fetchedAt, first.fetchedAt);
    const refreshed = await fetchInventoryCached(h, { cacheDir: dir, refresh: true });
    assert.equal(refreshed.fromCache, false);
    h.client.destroy();

    // Another endpoint → another cache file.
    const other = createEc2Client({ ...conn(), endpointUrl: 'http://127.0.0.1:9' });
    assert.notEqual(
      (await import('../../src/core/sources/aws/ec2-inventory')).inventoryCachePath(dir, undefined, TEST_REGION, other.endpoint),
      first.cachePath,
    );
    other.client.destroy();
  });
});

describe('inventory per region', () => {
  it('fetches and caches each region on its own', async () => {
    const west = new EC2Client({ region: 'us-west-2', endpoint: moto.endpoint, credentials: TEST_CREDENTIALS });
    const vpc = (await west.send(new CreateVpcCommand({ CidrBlock: '172.16.0.0/16' }))).Vpc!.VpcId!;
    west.destroy();
    const dir = join(tmp, 'regions');
    const [east, w] = await fetchInventoryForRegions(conn(), ['us-east-1', 'us-west-2'], { cacheDir: dir, skip: ['instances'] });
    assert.equal(east.inventory.region, 'us-east-1');
    assert.equal(w.inventory.region, 'us-west-2');
    assert.ok(w.inventory.vpcs.some((v) => v.VpcId === vpc));
    assert.ok(!east.inventory.vpcs.some((v) => v.VpcId === vpc));
    assert.ok(east.inventory.vpcs.some((v) => v.VpcId === seeded.vpcA));
    assert.notEqual(east.cachePath, w.cachePath);
    assert.match(w.inventory.source, /us-west-2$/);
  });
});
