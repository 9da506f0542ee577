// Hand-built inventory and aggregate builders for the network tests. Not a test file itself.
import { flowAggregate, type FlowAggregate } from '../../../src/core/model/flows';
import { type Inventory, emptyInventory } from '../../../src/core/model/inventory';

export const T0 = 1_790_000_000; // a fixed Unix time (2026-09-21)

/** One aggregate with sensible defaults; override what the case is about. */
export function agg(p: Partial<FlowAggregate> & Pick<FlowAggregate, 'interfaceId' | 'srcaddr' | 'dstaddr' | 'srcport' | 'dstport'>): FlowAggregate {
  return flowAggregate({ protocol: 6, action: 'ACCEPT', packets: 10, bytes: 1000, records: 1, start: T0, end: T0 + 60, accountId: '123456789012', ...p });
}

/** Both directions of one TCP conversation on one interface: a → b request, b → a response. */
export function pair(
  eni: string,
  a: [string, number],
  b: [string, number],
  opts: { flagsAB?: number; flagsBA?: number; bytesAB?: number; bytesBA?: number; protocol?: number; action?: 'ACCEPT' | 'REJECT'; extra?: Partial<FlowAggregate>; extraBA?: Partial<FlowAggregate> } = {},
): FlowAggregate[] {
  return [
    agg({ interfaceId: eni, srcaddr: a[0], srcport: a[1], dstaddr: b[0], dstport: b[1], tcpFlags: opts.flagsAB ?? 0, bytes: opts.bytesAB ?? 1000, protocol: opts.protocol ?? 6, action: opts.action ?? 'ACCEPT', ...opts.extra }),
    agg({ interfaceId: eni, srcaddr: b[0], srcport: b[1], dstaddr: a[0], dstport: a[1], tcpFlags: opts.flagsBA ?? 0, bytes: opts.bytesBA ?? 2000, protocol: opts.protocol ?? 6, action: opts.action ?? 'ACCEPT', ...opts.extraBA }),
  ];
}

export const WEB = 'eni-web';
export const WORKER = 'eni-worker';
export const DB = 'eni-db';
export const NAT = 'eni-nat';
export const SQS_EP = 'eni-sqs-endpoint';
export const LB = 'eni-lb';

/**
 * vpc-main 10.0.0.0/16 (+ 100.64.0.0/16, 2600:1f18:1234:5600::/56) in us-east-1:
 *   subnet-public 10.0.0.0/24 use1-az1 — NAT gateway eni-nat 10.0.0.5
 *   subnet-a      10.0.1.0/24 use1-az1 — web 10.0.1.10 (public 54.10.20.30, sg-web), db 10.0.1.30 (sg-db)
 *   subnet-b      10.0.2.0/24 use1-az2 — worker 10.0.2.20 (sg-worker), SQS endpoint 10.0.2.50
 * pcx-same → vpc-peer 172.31.0.0/16 (us-east-1); pcx-far → vpc-far 192.168.0.0/16 (eu-west-1).
 */
export function demoInventory(): Inventory {
  const inv = emptyInventory('test');
  inv.region = 'us-east-1';
  inv.vpcs = [
    {
      VpcId: 'vpc-main',
      CidrBlock: '10.0.0.0/16',
      CidrBlockAssociationSet: [
        { CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } },
        { CidrBlock: '100.64.0.0/16', CidrBlockState: { State: 'associated' } },
      ],
      Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f18:1234:5600::/56' }],
      OwnerId: '123456789012',
    },
  ];
  inv.subnets = [
    { SubnetId: 'subnet-public', VpcId: 'vpc-main', CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-east-1a', AvailabilityZoneId: 'use1-az1' },
    { SubnetId: 'subnet-a', VpcId: 'vpc-main', CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a', AvailabilityZoneId: 'use1-az1', Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f18:1234:5601::/64' }] },
    { SubnetId: 'subnet-b', VpcId: 'vpc-main', CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1b', AvailabilityZoneId: 'use1-az2' },
  ];
  inv.networkInterfaces = [
    {
      NetworkInterfaceId: WEB, SubnetId: 'subnet-a', VpcId: 'vpc-main', AvailabilityZone: 'us-east-1a', InterfaceType: 'interface',
      PrivateIpAddress: '10.0.1.10', PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.10', Association: { PublicIp: '54.10.20.30' } }],
      Association: { PublicIp: '54.10.20.30' }, Ipv6Addresses: [{ Ipv6Address: '2600:1f18:1234:5601::10' }],
      Groups: [{ GroupId: 'sg-web', GroupName: 'web' }], Attachment: { InstanceId: 'i-web' },
    },
    {
      NetworkInterfaceId: DB, SubnetId: 'subnet-a', VpcId: 'vpc-main', AvailabilityZone: 'us-east-1a', InterfaceType: 'interface',
      PrivateIpAddress: '10.0.1.30', Groups: [{ GroupId: 'sg-db', GroupName: 'db' }], Attachment: { InstanceId: 'i-db' },
    },
    {
      NetworkInterfaceId: WORKER, SubnetId: 'subnet-b', VpcId: 'vpc-main', AvailabilityZone: 'us-east-1b', InterfaceType: 'interface',
      PrivateIpAddress: '10.0.2.20', Groups: [{ GroupId: 'sg-worker', GroupName: 'worker' }], Attachment: { InstanceId: 'i-worker' },
    },
    {
      NetworkInterfaceId: NAT, SubnetId: 'subnet-public', VpcId: 'vpc-main', AvailabilityZone: 'us-east-1a', InterfaceType: 'natGateway',
      Description: 'Interface for NAT Gateway nat-0abc', RequesterManaged: true, PrivateIpAddress: '10.0.0.5',
      Association: { PublicIp: '3.3.3.3' }, Groups: [],
    },
    {
      NetworkInterfaceId: SQS_EP, SubnetId: 'subnet-b', VpcId: 'vpc-main', AvailabilityZone: 'us-east-1b', InterfaceType: 'vpc_endpoint',
      Description: 'VPC Endpoint Interface vpce-sqs', RequesterManaged: true, PrivateIpAddress: '10.0.2.50', Groups: [{ GroupId: 'sg-endpoint' }],
    },
  ];
  inv.natGateways = [{ NatGatewayId: 'nat-0abc', VpcId: 'vpc-main', SubnetId: 'subnet-public', State: 'available', NatGatewayAddresses: [{ NetworkInterfaceId: NAT, PrivateIp: '10.0.0.5', PublicIp: '3.3.3.3' }] }];
  inv.vpcEndpoints = [{ VpcEndpointId: 'vpce-sqs', VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.us-east-1.sqs', VpcId: 'vpc-main', NetworkInterfaceIds: [SQS_EP] }];
  inv.vpcPeeringConnections = [
    {
      VpcPeeringConnectionId: 'pcx-same', Status: { Code: 'active' },
      RequesterVpcInfo: { VpcId: 'vpc-main', CidrBlock: '10.0.0.0/16', Region: 'us-east-1' },
      AccepterVpcInfo: { VpcId: 'vpc-peer', CidrBlock: '172.31.0.0/16', CidrBlockSet: [{ CidrBlock: '172.31.0.0/16' }], Region: 'us-east-1' },
    },
    {
      VpcPeeringConnectionId: 'pcx-far', Status: { Code: 'active' },
      RequesterVpcInfo: { VpcId: 'vpc-main', CidrBlock: '10.0.0.0/16', Region: 'us-east-1' },
      AccepterVpcInfo: { VpcId: 'vpc-far', CidrBlock: '192.168.0.0/16', Region: 'eu-west-1' },
    },
  ];
  inv.managedPrefixLists = [{ PrefixListId: 'pl-admin', PrefixListName: 'admin-offices' }];
  inv.prefixListEntries = { 'pl-admin': ['198.51.100.0/24'] };
  inv.securityGroups = [
    {
      GroupId: 'sg-web', GroupName: 'web', VpcId: 'vpc-main',
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'https' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
        { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: 'pl-admin', Description: 'ssh from offices' }] },
        { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: 'sg-lb', Description: 'from the load balancer' }] },
      ],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    },
    {
      GroupId: 'sg-db', GroupName: 'db', VpcId: 'vpc-main',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-worker' }] }],
      IpPermissionsEgress: [],
    },
    {
      GroupId: 'sg-worker', GroupName: 'worker', VpcId: 'vpc-main',
      IpPermissions: [],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    },
    { GroupId: 'sg-endpoint', GroupName: 'endpoint', VpcId: 'vpc-main', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }], IpPermissionsEgress: [] },
  ];
  return inv;
}
