// Every peer class and every path, each from a hand-built conversation on the demo inventory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFlows, type AnalyzeOptions } from '../../../src/core/network/analyze';
import { parseAwsIpRanges } from '../../../src/core/network/aws-ip-ranges';
import type { FlowAggregate } from '../../../src/core/model/flows';
import type { Inventory } from '../../../src/core/model/inventory';
import { SQS_EP, WEB, WORKER, agg, demoInventory, pair } from './fixtures';

function one(aggs: FlowAggregate[], opts: AnalyzeOptions = {}, inv: Inventory = demoInventory()) {
  const flows = analyzeFlows(aggs, inv, opts).flows;
  assert.equal(flows.length, 1);
  return flows[0];
}

function check(aggs: FlowAggregate[], peerClass: string, path: string, opts: AnalyzeOptions = {}, inv?: Inventory) {
  const f = one(aggs, opts, inv);
  assert.equal(f.peerClass, f.peerClass === peerClass ? peerClass : `${peerClass} (got ${f.peerClass}: ${f.peerClassEvidence})`);
  assert.equal(f.path, f.path === path ? path : `${path} (got ${f.path}: ${f.pathEvidence})`);
  return f;
}

const RANGES = parseAwsIpRanges(
  JSON.stringify({
    syncToken: '1',
    prefixes: [
      { ip_prefix: '52.216.0.0/15', region: 'us-east-1', service: 'AMAZON' },
      { ip_prefix: '52.216.0.0/15', region: 'us-east-1', service: 'S3' },
      { ip_prefix: '3.5.0.0/16', region: 'eu-west-1', service: 'AMAZON' },
      { ip_prefix: '3.5.0.0/16', region: 'eu-west-1', service: 'S3' },
      { ip_prefix: '18.200.0.0/16', region: 'eu-west-1', service: 'EC2' },
      { ip_prefix: '54.240.0.0/16', region: 'us-east-1', service: 'AMAZON' },
    ],
    ipv6_prefixes: [{ ipv6_prefix: '2600:1f18::/33', region: 'us-east-1', service: 'EC2' }],
  }),
).ranges!;

test('same-az / local: web and db in use1-az1', () => {
  const f = check(pair(WEB, ['10.0.1.10', 40000], ['10.0.1.30', 5432]), 'same-az', 'local');
  assert.equal(f.localAz, 'use1-az1');
  assert.equal(f.peerAz, 'use1-az1');
});

test('cross-az / local: web (use1-az1) and worker (use1-az2); an address with no ENI placed by subnet CIDR', () => {
  const f = check(pair(WEB, ['10.0.1.10', 40000], ['10.0.2.20', 8080]), 'cross-az', 'local');
  assert.match(f.peerClassEvidence, /use1-az2 ≠ local use1-az1/);
  const g = check(pair(WEB, ['10.0.1.10', 40000], ['10.0.2.77', 8080]), 'cross-az', 'local');
  assert.equal(g.peerInterfaceId, null);
});

test('internet / igw: the web interface has a public IP', () => {
  const f = check(pair(WEB, ['203.0.113.7', 51000], ['10.0.1.10', 443]), 'internet', 'igw');
  assert.match(f.pathEvidence, /public IP 54\.10\.20\.30/);
});

test('internet / nat-gateway: the worker has no public IP and the VPC has a NAT gateway', () => {
  check(pair(WORKER, ['10.0.2.20', 50000], ['203.0.113.8', 443]), 'internet', 'nat-gateway');
});

test('aws-service from pkt-dst-aws-service; gateway-endpoint when the VPC has one for S3', () => {
  const aggs = pair(WORKER, ['10.0.2.20', 50000], ['52.217.1.1', 443], { extra: { pktDstAwsService: 'S3' }, extraBA: { pktSrcAwsService: 'S3' } });
  const viaNat = check(aggs, 'aws-service', 'nat-gateway');
  assert.equal(viaNat.awsService, 'S3');
  const inv = demoInventory();
  inv.vpcEndpoints.push({ VpcEndpointId: 'vpce-s3', VpcEndpointType: 'Gateway', ServiceName: 'com.amazonaws.us-east-1.s3', VpcId: 'vpc-main' });
  const f = check(aggs, 'aws-service', 'gateway-endpoint', {}, inv);
  assert.match(f.pathEvidence, /vpce-s3/);
});

test('aws-service from the ip-ranges file; other-region for S3 in eu-west-1; AMAZON/EC2 ranges count as internet', () => {
  const s3 = check(pair(WORKER, ['10.0.2.20', 50000], ['52.216.4.4', 443]), 'aws-service', 'nat-gateway', { awsIpRanges: RANGES });
  assert.equal(s3.awsService, 'S3');
  const far = check(pair(WORKER, ['10.0.2.20', 50000], ['3.5.1.1', 443]), 'other-region', 'nat-gateway', { awsIpRanges: RANGES });
  assert.equal(far.peerRegion, 'eu-west-1');
  check(pair(WORKER, ['10.0.2.20', 50000], ['54.240.3.3', 443]), 'internet', 'nat-gateway', { awsIpRanges: RANGES });
  check(pair(WORKER, ['10.0.2.20', 50000], ['18.200.3.3', 443]), 'other-region', 'nat-gateway', { awsIpRanges: RANGES });
});

test('peered-vpc / peering, also across regions', () => {
  const f = check(pair(WORKER, ['10.0.2.20', 50000], ['172.31.9.9', 443]), 'peered-vpc', 'peering');
  assert.match(f.peerClassEvidence, /pcx-same/);
  const g = check(pair(WORKER, ['10.0.2.20', 50000], ['192.168.4.4', 443]), 'peered-vpc', 'peering');
  assert.equal(g.peerRegion, 'eu-west-1');
});

test('on-prem: declared private CIDR; tgw path when the VPC is attached to a transit gateway', () => {
  const opts = { privateCidrs: ['10.200.0.0/16'] };
  check(pair(WORKER, ['10.0.2.20', 50000], ['10.200.1.1', 443]), 'on-prem', 'unknown', opts);
  const inv = demoInventory();
  inv.transitGatewayAttachments.push({ TransitGatewayAttachmentId: 'tgw-attach-1', ResourceType: 'vpc', ResourceId: 'vpc-main', State: 'available' });
  check(pair(WORKER, ['10.0.2.20', 50000], ['10.200.1.1', 443]), 'on-prem', 'tgw', opts, inv);
});

test('vpn / peering / gateway-endpoint / igw / local from traffic-path codes', () => {
  const tp = (code: number) => ({ extra: { trafficPath: code, flowDirection: 'egress' as const } });
  check(pair(WORKER, ['10.0.2.20', 50000], ['10.200.1.1', 443], tp(3)), 'on-prem', 'vpn', { privateCidrs: ['10.200.0.0/16'] });
  check(pair(WORKER, ['10.0.2.20', 50000], ['172.31.1.1', 443], tp(4)), 'peered-vpc', 'peering');
  check(pair(WORKER, ['10.0.2.20', 50000], ['52.217.1.1', 443], { extra: { trafficPath: 7, pktDstAwsService: 'S3' } }), 'aws-service', 'gateway-endpoint');
  // The worker has no public IP, but traffic-path 8 says internet gateway (e.g. it just got one).
  check(pair(WORKER, ['10.0.2.20', 50000], ['203.0.113.9', 443], tp(8)), 'internet', 'igw');
  // traffic-path 1 to a public address: through a NAT gateway in the VPC.
  const f = check(pair(WEB, ['10.0.1.10', 50000], ['203.0.113.9', 443], tp(1)), 'internet', 'nat-gateway');
  assert.match(f.pathEvidence, /traffic-path 1/);
  check(pair(WEB, ['10.0.1.10', 50000], ['10.0.1.30', 5432], tp(1)), 'same-az', 'local');
});

test('interface-endpoint: the peer is a VPC endpoint interface', () => {
  const f = check(pair(WORKER, ['10.0.2.20', 50000], ['10.0.2.50', 443]), 'same-az', 'interface-endpoint');
  assert.equal(f.peerInterfaceId, SQS_EP);
});

test('unknown peer class: a private address outside every known network; link-local', () => {
  const f = check(pair(WORKER, ['10.0.2.20', 50000], ['10.99.0.1', 443]), 'unknown', 'unknown');
  assert.match(f.peerClassEvidence, /--private-cidr/);
  check([agg({ interfaceId: WORKER, srcaddr: '10.0.2.20', srcport: 50000, dstaddr: '169.254.10.1', dstport: 80 })], 'unknown', 'unknown');
});

test('unknown path: a public peer with no traffic-path, no public IP and no NAT gateway', () => {
  const inv = demoInventory();
  inv.natGateways = [];
  inv.networkInterfaces = inv.networkInterfaces.filter((n) => n.NetworkInterfaceId !== 'eni-nat');
  check(pair(WORKER, ['10.0.2.20', 50000], ['203.0.113.8', 443]), 'internet', 'unknown', {}, inv);
});

test('without any inventory RFC 1918 peers are private (internal) and AZs unknown', () => {
  const f = analyzeFlows(pair('eni-q', ['10.1.0.5', 50000], ['10.1.9.9', 5432]), null).flows[0];
  assert.equal(f.direction, 'internal');
  assert.equal(f.peerClass, 'unknown');
});

function routedInventory(): Inventory {
  const inv = demoInventory();
  inv.managedPrefixLists.push({ PrefixListId: 'pl-63a5400a', PrefixListName: 'com.amazonaws.us-east-1.s3' });
  inv.vpcEndpoints.push({ VpcEndpointId: 'vpce-s3', VpcEndpointType: 'Gateway', ServiceName: 'com.amazonaws.us-east-1.s3', VpcId: 'vpc-main', RouteTableIds: ['rtb-private'] });
  inv.routeTables = [
    {
      RouteTableId: 'rtb-public', VpcId: 'vpc-main',
      Associations: [{ Main: true, RouteTableId: 'rtb-public' }],
      Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' }],
    },
    {
      RouteTableId: 'rtb-private', VpcId: 'vpc-main',
      Associations: [{ Main: false, SubnetId: 'subnet-b', RouteTableId: 'rtb-private', AssociationState: { State: 'associated' } }],
      Routes: [
        { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' },
        { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0abc' },
        { DestinationCidrBlock: '10.200.0.0/16', TransitGatewayId: 'tgw-1' },
        { DestinationCidrBlock: '172.31.0.0/16', VpcPeeringConnectionId: 'pcx-same' },
        { DestinationPrefixListId: 'pl-63a5400a', GatewayId: 'vpce-s3' },
      ],
    },
  ];
  return inv;
}

test('routes decide the path when route tables are known', () => {
  const inv = routedInventory();
  const nat = check(pair(WORKER, ['10.0.2.20', 50000], ['203.0.113.8', 443]), 'internet', 'nat-gateway', {}, inv);
  assert.equal(nat.pathEvidence, 'route 0.0.0.0/0 → nat-0abc in rtb-private');
  const s3 = check(pair(WORKER, ['10.0.2.20', 50000], ['52.217.1.1', 443], { extra: { pktDstAwsService: 'S3' } }), 'aws-service', 'gateway-endpoint', {}, inv);
  assert.match(s3.pathEvidence, /pl-63a5400a → vpce-s3/);
  check(pair(WORKER, ['10.0.2.20', 50000], ['10.200.1.1', 443]), 'on-prem', 'tgw', { privateCidrs: ['10.200.0.0/16'] }, inv);
  check(pair(WORKER, ['10.0.2.20', 50000], ['172.31.1.1', 443]), 'peered-vpc', 'peering', {}, inv);
  // subnet-a has no explicit association: the VPC's main table (igw).
  const web = check(pair(WEB, ['10.0.1.10', 50000], ['203.0.113.8', 443]), 'internet', 'igw', {}, inv);
  assert.match(web.pathEvidence, /igw-1 in rtb-public/);
  // No route for an address at all: path unknown, said so.
  const noRoute = check(pair(WORKER, ['10.0.2.20', 50000], ['192.168.4.4', 443]), 'peered-vpc', 'nat-gateway', {}, inv);
  assert.match(noRoute.pathEvidence, /0\.0\.0\.0\/0 → nat-0abc/);
});

test('a gateway endpoint not on the subnet route table is not used: S3 goes through the NAT gateway', () => {
  const inv = routedInventory();
  inv.routeTables![1].Routes = inv.routeTables![1].Routes!.filter((r) => !r.DestinationPrefixListId);
  inv.vpcEndpoints = inv.vpcEndpoints.map((e) => (e.VpcEndpointId === 'vpce-s3' ? { ...e, RouteTableIds: ['rtb-other'] } : e));
  const a = analyzeFlows(pair(WORKER, ['10.0.2.20', 50000], ['52.217.1.1', 443], { bytesAB: 2 ** 30, extra: { pktDstAwsService: 'S3' } }), inv);
  assert.equal(a.flows[0].path, 'nat-gateway');
  assert.match(a.savings[0].message, /Gateway endpoint vpce-s3 exists but is not used/);
});

test('IPv6 ranges from ip-ranges.json: an EC2 address (another customer) counts as internet', () => {
  const f = check(pair(WORKER, ['10.0.2.20', 50000], ['2600:1f18:4000::5', 443]), 'internet', 'igw', { awsIpRanges: RANGES });
  assert.equal(f.awsService, 'EC2');
  assert.match(f.peerClassEvidence, /AWS EC2 range 2600:1f18::\/33/);
});

test('interface kinds from InterfaceType (API or CLI spelling) and Description', async () => {
  const { interfaceKind } = await import('../../../src/core/network/inventory-index');
  const k = (o: Record<string, unknown>) => interfaceKind(o as never);
  assert.equal(k({ InterfaceType: 'nat_gateway' }), 'nat-gateway');
  assert.equal(k({ InterfaceType: 'natGateway' }), 'nat-gateway');
  assert.equal(k({ InterfaceType: 'interface', RequesterManaged: true, Description: 'VPC Endpoint Interface vpce-0abc' }), 'vpc-endpoint');
  assert.equal(k({ InterfaceType: 'interface', RequesterManaged: true, Description: 'ELB app/web/50dc6c495c0c9188' }), 'load-balancer');
  assert.equal(k({ InterfaceType: 'lambda' }), 'lambda');
  assert.equal(k({ InterfaceType: 'interface', Description: 'AWS Lambda VPC ENI-worker-1234' }), 'lambda');
  assert.equal(k({ InterfaceType: 'interface', Attachment: { InstanceId: 'i-1' } }), 'instance');
  assert.equal(k({ InterfaceType: 'interface', RequesterManaged: true, Description: 'RDSNetworkInterface' }), 'other');
});
