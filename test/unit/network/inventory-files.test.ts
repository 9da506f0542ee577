// Loading `aws ec2 describe-…` JSON from a directory into the Inventory type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventoryFiles, inventoryFromDocuments } from '../../../src/core/sources/inventory-files';
import { NetworkIndex } from '../../../src/core/network/inventory-index';

function dir(files: Record<string, unknown>): string {
  const d = mkdtempSync(join(tmpdir(), 'el-inv-'));
  for (const [name, content] of Object.entries(files)) {
    const p = join(d, name);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return d;
}

test('describe-* files are recognised by their keys and merged; region and account derived', async () => {
  const d = dir({
    'security-groups.json': { SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'web', OwnerId: '111122223333', IpPermissions: [] }] },
    'enis.json': { NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', PrivateIpAddress: '10.0.1.5', SubnetId: 'subnet-1', InterfaceType: 'nat_gateway' }] },
    'subnets.json': { Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24', AvailabilityZone: 'eu-west-1b', AvailabilityZoneId: 'euw1-az2' }] },
    'vpcs.json': { Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', OwnerId: '111122223333' }] },
    'nat.json': { NatGateways: [{ NatGatewayId: 'nat-1', VpcId: 'vpc-1' }] },
    'more/endpoints.json': { VpcEndpoints: [{ VpcEndpointId: 'vpce-1', VpcEndpointType: 'Gateway', ServiceName: 'com.amazonaws.eu-west-1.s3', VpcId: 'vpc-1' }] },
    'peering.json': { VpcPeeringConnections: [] },
    'igw.json': { InternetGateways: [{ InternetGatewayId: 'igw-1' }] },
    'tgw.json': { TransitGatewayVpcAttachments: [{ TransitGatewayAttachmentId: 'tgw-attach-1', VpcId: 'vpc-1', State: 'available' }] },
    'prefix-lists.json': { ManagedPrefixLists: [{ PrefixListId: 'pl-0abc', PrefixListName: 'offices' }] },
    'entries-pl-0abc.json': { Entries: [{ Cidr: '198.51.100.0/24' }, { Cidr: '203.0.113.0/24' }] },
    'instances.json': { Reservations: [{ Instances: [{ InstanceId: 'i-1' }, { InstanceId: 'i-2' }] }] },
    'routes.json': { RouteTables: [{ RouteTableId: 'rtb-1', Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1' }] }] },
    'flow-logs.json': { FlowLogs: [{ FlowLogId: 'fl-1' }] },
    'notes.txt': 'not json, not read',
  });
  const r = await loadInventoryFiles(d);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.files.length, 13); // flow-logs.json is accepted quietly but unused
  assert.equal(r.inventory.routeTables?.length, 1);
  const inv = r.inventory;
  assert.equal(inv.securityGroups[0].GroupId, 'sg-1');
  assert.equal(inv.networkInterfaces.length, 1);
  assert.equal(inv.vpcEndpoints.length, 1);
  assert.equal(inv.transitGatewayAttachments[0].ResourceId, 'vpc-1');
  assert.deepEqual(inv.prefixListEntries['pl-0abc'], ['198.51.100.0/24', '203.0.113.0/24']);
  assert.equal(inv.instances.length, 2);
  assert.equal(inv.region, 'eu-west-1');
  assert.equal(inv.accountId, '111122223333');
  assert.equal(inv.source, `files:${d}`);
  // The index understands the CLI's spelling of the interface type.
  const idx = new NetworkIndex(inv);
  assert.equal(idx.interfaces.get('eni-1')?.kind, 'nat-gateway');
  assert.equal(idx.interfaces.get('eni-1')?.azId, 'euw1-az2');
  assert.equal(idx.gatewayEndpointFor('vpc-1', 's3')?.id, 'vpce-1');
});

test('a bad JSON file is an error naming the file, line and column; the rest still loads', async () => {
  const d = dir({
    'vpcs.json': { Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }] },
    'broken.json': '{\n  "Subnets": [\n    {"SubnetId": "subnet-1",}\n  ]\n}\n',
  });
  const r = await loadInventoryFiles(d);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0].file, join(d, 'broken.json'));
  assert.match(r.errors[0].message, /not valid JSON at line 3, column \d+/);
  assert.equal(r.inventory.vpcs.length, 1);
});

test('unknown shapes are warnings; a missing directory is an error; duplicates are merged once', async () => {
  const r = inventoryFromDocuments(
    [
      { file: 'a.json', text: '{"Foo": []}' },
      { file: 'b.json', text: '[1,2]' },
      { file: 'c.json', text: '{"Vpcs": [{"VpcId": "vpc-1"}]}' },
      { file: 'd.json', text: '{"Vpcs": [{"VpcId": "vpc-1"}, {"VpcId": "vpc-2"}]}' },
      { file: 'e.json', text: '{"Entries": [{"Cidr": "1.2.3.0/24"}]}' },
    ],
    'test',
  );
  assert.equal(r.warnings.length, 3);
  assert.match(r.warnings[0], /a\.json: no known 'aws ec2 describe-…' key \(Foo\)/);
  assert.match(r.warnings[2], /e\.json: prefix-list entries but no pl-… id/);
  assert.deepEqual(r.inventory.vpcs.map((v) => v.VpcId), ['vpc-1', 'vpc-2']);
  const missing = await loadInventoryFiles('/nonexistent/inventory-dir');
  assert.match(missing.errors[0].message, /no such file or directory/);
});
