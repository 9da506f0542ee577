/**
 * Seeds moto through the real SDK: a network with every kind of security-group rule, ENIs, NAT
 * gateway, endpoints, peering, TGW attachment, instances, a managed prefix list, and a flow log with
 * a custom LogFormat into a CloudWatch log group filled with synthetic, seeded flow-log lines whose
 * timestamps are relative to now.
 */
import * as ec2 from '@aws-sdk/client-ec2';
import * as logs from '@aws-sdk/client-cloudwatch-logs';
import { TEST_CREDENTIALS, TEST_REGION } from './moto';

export const FLOW_LOG_FORMAT =
  '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ' +
  '${vpc-id} ${subnet-id} ${az-id} ${tcp-flags} ${flow-direction} ${traffic-path} ${pkt-srcaddr} ${pkt-dstaddr}';

export const LOG_GROUP = '/egress-lens/test/vpc-flow-logs';

/** Small seeded PRNG (mulberry32) so every run writes the same lines. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeededEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
}

export interface Seeded {
  accountId: string;
  vpcA: string;
  vpcB: string;
  subnets: string[];
  securityGroups: { web: string; db: string; client: string };
  prefixListId: string;
  enis: string[];
  /** Primary private IP of each ENI (same order). */
  eniIps: string[];
  natGatewayId: string;
  vpcEndpointIds: string[];
  peeringId: string;
  tgwAttachmentId: string;
  instanceIds: string[];
  flowLogId: string;
  logGroupName: string;
  /** Every event written, in write order per stream. */
  events: SeededEvent[];
  /** Window (ms) that contains every event. */
  startTime: number;
  endTime: number;
}

export function ec2Client(endpoint: string): ec2.EC2Client {
  return new ec2.EC2Client({ region: TEST_REGION, endpoint, credentials: TEST_CREDENTIALS });
}
export function logsClient(endpoint: string): logs.CloudWatchLogsClient {
  return new logs.CloudWatchLogsClient({ region: TEST_REGION, endpoint, credentials: TEST_CREDENTIALS });
}

export async function seedNetwork(endpoint: string): Promise<Omit<Seeded, 'flowLogId' | 'logGroupName' | 'events' | 'startTime' | 'endTime'>> {
  const c = ec2Client(endpoint);
  try {
    const vpcA = (await c.send(new ec2.CreateVpcCommand({ CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: true }))).Vpc!;
    const vpcB = (await c.send(new ec2.CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!;
    const subnets: string[] = [];
    for (const [i, az] of ['us-east-1a', 'us-east-1b'].entries()) {
      const s = await c.send(new ec2.CreateSubnetCommand({ VpcId: vpcA.VpcId, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: az }));
      subnets.push(s.Subnet!.SubnetId!);
    }
    const sb = await c.send(new ec2.CreateSubnetCommand({ VpcId: vpcB.VpcId, CidrBlock: '10.1.0.0/24', AvailabilityZone: 'us-east-1b' }));
    subnets.push(sb.Subnet!.SubnetId!);

    const igw = (await c.send(new ec2.CreateInternetGatewayCommand({}))).InternetGateway!;
    await c.send(new ec2.AttachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: vpcA.VpcId }));

    const pl = await c.send(
      new ec2.CreateManagedPrefixListCommand({
        PrefixListName: 'office',
        AddressFamily: 'IPv4',
        MaxEntries: 10,
        Entries: [{ Cidr: '203.0.113.0/24', Description: 'office' }, { Cidr: '198.51.100.0/24' }, { Cidr: '192.0.2.0/25' }],
      }),
    );
    const prefixListId = pl.PrefixList!.PrefixListId!;

    const mk = async (name: string) =>
      (await c.send(new ec2.CreateSecurityGroupCommand({ GroupName: name, Description: `${name} group`, VpcId: vpcA.VpcId }))).GroupId!;
    const web = await mk('web');
    const db = await mk('db');
    const client = await mk('app-client');
    await c.send(
      new ec2.AuthorizeSecurityGroupIngressCommand({
        GroupId: web,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'https' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: prefixListId, Description: 'ssh from office' }] },
          { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: web, Description: 'self' }] },
        ],
      }),
    );
    await c.send(
      new ec2.AuthorizeSecurityGroupIngressCommand({
        GroupId: db,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: client }] }],
      }),
    );
    await c.send(
      new ec2.AuthorizeSecurityGroupEgressCommand({
        GroupId: db,
        IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }],
      }),
    );

    const enis: string[] = [];
    const eniIps: string[] = [];
    for (const [i, sub] of [subnets[0], subnets[1], subnets[0]].entries()) {
      const e = await c.send(new ec2.CreateNetworkInterfaceCommand({ SubnetId: sub, Groups: [i === 1 ? db : web], Description: `eni ${i}` }));
      enis.push(e.NetworkInterface!.NetworkInterfaceId!);
      eniIps.push(e.NetworkInterface!.PrivateIpAddress!);
    }

    const eip = await c.send(new ec2.AllocateAddressCommand({ Domain: 'vpc' }));
    const nat = await c.send(new ec2.CreateNatGatewayCommand({ SubnetId: subnets[0], AllocationId: eip.AllocationId }));

    const rt = await c.send(new ec2.CreateRouteTableCommand({ VpcId: vpcA.VpcId }));
    await c.send(new ec2.CreateRouteCommand({ RouteTableId: rt.RouteTable!.RouteTableId!, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat.NatGateway!.NatGatewayId }));
    await c.send(new ec2.AssociateRouteTableCommand({ RouteTableId: rt.RouteTable!.RouteTableId!, SubnetId: subnets[1] }));
    const gw = await c.send(
      new ec2.CreateVpcEndpointCommand({ VpcId: vpcA.VpcId, ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Gateway', RouteTableIds: [rt.RouteTable!.RouteTableId!] }),
    );
    const itf = await c.send(
      new ec2.CreateVpcEndpointCommand({ VpcId: vpcA.VpcId, ServiceName: 'com.amazonaws.us-east-1.logs', VpcEndpointType: 'Interface', SubnetIds: [subnets[1]], SecurityGroupIds: [web] }),
    );

    const peer = await c.send(new ec2.CreateVpcPeeringConnectionCommand({ VpcId: vpcA.VpcId, PeerVpcId: vpcB.VpcId }));
    const tgw = await c.send(new ec2.CreateTransitGatewayCommand({ Description: 'test tgw' }));
    const att = await c.send(
      new ec2.CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw.TransitGateway!.TransitGatewayId, VpcId: vpcB.VpcId, SubnetIds: [subnets[2]] }),
    );

    // Instances in separate reservations: DescribeInstances is the one call moto pages.
    const images = await c.send(new ec2.DescribeImagesCommand({}));
    const ami = images.Images![0].ImageId!;
    const instanceIds: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await c.send(new ec2.RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, SubnetId: subnets[i % 2], InstanceType: 't3.micro' }));
      instanceIds.push(r.Instances![0].InstanceId!);
    }
    return {
      accountId: vpcA.OwnerId!,
      vpcA: vpcA.VpcId!,
      vpcB: vpcB.VpcId!,
      subnets,
      securityGroups: { web, db, client },
      prefixListId,
      enis,
      eniIps,
      natGatewayId: nat.NatGateway!.NatGatewayId!,
      vpcEndpointIds: [gw.VpcEndpoint!.VpcEndpointId!, itf.VpcEndpoint!.VpcEndpointId!],
      peeringId: peer.VpcPeeringConnection!.VpcPeeringConnectionId!,
      tgwAttachmentId: att.TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!,
      instanceIds,
    };
  } finally {
    c.destroy();
  }
}

/** Synthetic flow-log lines in FLOW_LOG_FORMAT: varied peers, NODATA, and a malformed line. */
export function flowLogLines(opts: { accountId: string; eni: string; vpc: string; subnet: string; count: number; seed: number; t0: number; spanMs: number; local?: string }): SeededEvent[] {
  const r = rng(opts.seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const peers = ['203.0.113.7', '198.51.100.23', '52.94.1.10', '10.0.1.15', '10.1.0.9', '2001:db8::5'];
  const out: SeededEvent[] = [];
  for (let i = 0; i < opts.count; i++) {
    const ts = Math.floor(opts.t0 + (i * opts.spanMs) / opts.count);
    const start = Math.floor(ts / 1000) - 60;
    const end = Math.floor(ts / 1000);
    let message: string;
    if (i % 97 === 13) {
      message = `5 ${opts.accountId} ${opts.eni} - - - - - - - ${start} ${end} - NODATA ${opts.vpc} ${opts.subnet} use1-az1 - - - - -`;
    } else if (i === 50) {
      message = `5 ${opts.accountId} ${opts.eni} this line is not a flow record`;
    } else {
      const peer = pick(peers);
      const local = opts.local ?? '10.0.0.' + (10 + (opts.seed % 50));
      const out_ = r() < 0.5;
      const proto = pick([6, 6, 6, 17, 1]);
      const sport = out_ ? 32768 + Math.floor(r() * 20000) : pick([443, 22, 5432]);
      const dport = out_ ? pick([443, 80, 53]) : 32768 + Math.floor(r() * 20000);
      const packets = 1 + Math.floor(r() * 50);
      const bytes = packets * (40 + Math.floor(r() * 1400));
      const action = r() < 0.9 ? 'ACCEPT' : 'REJECT';
      const flags = proto === 6 ? pick([2, 18, 19, 3, 16]) : 0;
      const [src, dst] = out_ ? [local, peer] : [peer, local];
      message = [
        5, opts.accountId, opts.eni, src, dst, proto === 1 ? 0 : sport, proto === 1 ? 0 : dport, proto, packets, bytes, start, end, action, 'OK',
        opts.vpc, opts.subnet, 'use1-az1', proto === 6 ? flags : '-', out_ ? 'egress' : 'ingress', out_ ? pick(['1', '8']) : '-', src, dst,
      ].join(' ');
    }
    out.push({ logStreamName: `${opts.eni}-all`, timestamp: ts, message });
  }
  return out;
}

/** Network + flow log into a log group + synthetic events (PutLogEvents). */
export async function seedAll(endpoint: string, opts: { eventsPerStream?: number } = {}): Promise<Seeded> {
  const net = await seedNetwork(endpoint);
  const c = ec2Client(endpoint);
  const l = logsClient(endpoint);
  try {
    await l.send(new logs.CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
    const fl = await c.send(
      new ec2.CreateFlowLogsCommand({
        ResourceIds: [net.vpcA],
        ResourceType: 'VPC',
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
        LogGroupName: LOG_GROUP,
        DeliverLogsPermissionArn: `arn:aws:iam::${net.accountId}:role/flow-logs`,
        LogFormat: FLOW_LOG_FORMAT,
        MaxAggregationInterval: 60,
      }),
    );
    const now = Date.now();
    const startTime = now - 50 * 60_000;
    const spanMs = 45 * 60_000;
    const events: SeededEvent[] = [];
    for (const [i, eni] of net.enis.entries()) {
      const evs = flowLogLines({ accountId: net.accountId, eni, vpc: net.vpcA, subnet: net.subnets[i % 2], count: opts.eventsPerStream ?? 400, seed: 1000 + i, t0: startTime + i * 7, spanMs, local: net.eniIps[i] });
      const stream = evs[0].logStreamName;
      await l.send(new logs.CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: stream }));
      for (let k = 0; k < evs.length; k += 500) {
        await l.send(
          new logs.PutLogEventsCommand({
            logGroupName: LOG_GROUP,
            logStreamName: stream,
            logEvents: evs.slice(k, k + 500).map((e) => ({ timestamp: e.timestamp, message: e.message })),
          }),
        );
      }
      events.push(...evs);
    }
    return { ...net, flowLogId: fl.FlowLogIds![0], logGroupName: LOG_GROUP, events, startTime, endTime: startTime + spanMs + 60_000 };
  } finally {
    c.destroy();
    l.destroy();
  }
}
