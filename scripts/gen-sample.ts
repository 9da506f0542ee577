/**
 * Generates the bundled sample workspace `samples/demo/` (or `--out DIR`): Terraform,
 * CloudFormation, `aws ec2 describe-*` inventory, a terraform.tfstate, and VPC flow logs as
 * delivered to S3 (gzip, header line, custom v5 format) that tell one story — see the README it
 * writes. Deterministic: the same seed and record count give byte-identical files (own PRNG,
 * gzip header with mtime 0 and OS byte fixed).
 *
 *   npm run sample                         regenerate samples/demo with the defaults
 *   npm run sample -- --records 100000     scale the number of flow records
 *   npm run sample -- --seed 7 --out /tmp/demo
 *
 * Everything the tests and other helpers may want to assert on is exported: IDS, the story
 * ledger (also written as samples/demo/story.json), and generateSample().
 */
import { mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync, constants as zconst } from 'node:zlib';
import { parseArgs } from 'node:util';

// ---------------------------------------------------------------------------------------------
// Constants and ids (consistent across inventory, tfstate, flow logs)
// ---------------------------------------------------------------------------------------------

export const DEFAULT_SEED = 20261120;
export const DEFAULT_RECORDS = 3000;
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const FLOW_LOG_ID = 'fl-0abc1234def567890';
/** 2026-11-20T10:00:00Z, the start of the one-hour window. */
export const WINDOW_START = Date.UTC(2026, 10, 20, 10, 0, 0) / 1000;
export const WINDOW_SECONDS = 3600;
export const FILE_SECONDS = 300;

export const FLOW_FIELDS = [
  'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol',
  'packets', 'bytes', 'start', 'end', 'action', 'log-status', 'vpc-id', 'subnet-id', 'instance-id',
  'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr', 'region', 'az-id', 'flow-direction',
  'traffic-path', 'pkt-src-aws-service', 'pkt-dst-aws-service',
] as const;

type SubnetKey = 'public_a' | 'public_b' | 'private_a' | 'private_b' | 'db_a' | 'db_b';
type SgKey = 'default' | 'web' | 'bastion' | 'app' | 'worker' | 'db' | 'cache' | 'monitoring';
type EniKey = 'web_a' | 'web_b' | 'bastion' | 'app_a' | 'app_b' | 'worker' | 'db' | 'cache' | 'nat';

export const IDS = {
  vpc: 'vpc-0c4f1e2d3b5a69788',
  vpcCidr: '10.0.0.0/16',
  /** Amazon-provided IPv6 block; only the public subnets get IPv6 (/64 each). */
  vpcIpv6Cidr: '2600:1f18:4a3:6e00::/56',
  igw: 'igw-0b7d2e4f6a8c13579',
  nat: 'nat-0e5a7c9b1d3f24680',
  natEip: { allocationId: 'eipalloc-0a2b4c6d8e0f13579', associationId: 'eipassoc-0b3c5d7e9f1a24680', publicIp: '44.195.10.77' },
  dhcpOptions: 'dopt-0f1e2d3c4b5a69780',
  subnets: {
    public_a: { id: 'subnet-0a1c3e5f7b9d20401', cidr: '10.0.0.0/24', ipv6: '2600:1f18:4a3:6e00::/64', az: 'us-east-1a', azId: 'use1-az1', tier: 'public' },
    public_b: { id: 'subnet-0b2d4f6a8c0e31502', cidr: '10.0.1.0/24', ipv6: '2600:1f18:4a3:6e01::/64', az: 'us-east-1b', azId: 'use1-az2', tier: 'public' },
    private_a: { id: 'subnet-0c3e5a7b9d1f42603', cidr: '10.0.10.0/24', az: 'us-east-1a', azId: 'use1-az1', tier: 'private' },
    private_b: { id: 'subnet-0d4f6b8c0e2a53704', cidr: '10.0.11.0/24', az: 'us-east-1b', azId: 'use1-az2', tier: 'private' },
    db_a: { id: 'subnet-0e5a7c9d1f3b64805', cidr: '10.0.20.0/24', az: 'us-east-1a', azId: 'use1-az1', tier: 'db' },
    db_b: { id: 'subnet-0f6b8d0e2a4c75906', cidr: '10.0.21.0/24', az: 'us-east-1b', azId: 'use1-az2', tier: 'db' },
  } as Record<SubnetKey, { id: string; cidr: string; ipv6?: string; az: string; azId: string; tier: 'public' | 'private' | 'db' }>,
  routeTables: {
    public: 'rtb-0a9b8c7d6e5f40312',
    private: 'rtb-0b8c7d6e5f4a30213',
    main: 'rtb-0c7d6e5f4a3b20114',
  },
  securityGroups: {
    default: { id: 'sg-0a3f5c7e9b1d20001', name: 'default' },
    web: { id: 'sg-0b4a6d8f0c2e30002', name: 'demo-web' },
    bastion: { id: 'sg-0c5b7e9a1d3f40003', name: 'demo-bastion' },
    app: { id: 'sg-0d6c8f0b2e4a50004', name: 'demo-app' },
    worker: { id: 'sg-0e7d9a1c3f5b60005', name: 'demo-worker' },
    db: { id: 'sg-0f8e0b2d4a6c70006', name: 'demo-db' },
    cache: { id: 'sg-0a9f1c3e5b7d80007', name: 'demo-cache' },
    monitoring: { id: 'sg-0b0a2d4f6c8e90008', name: 'demo-monitoring' },
  } as Record<SgKey, { id: string; name: string }>,
  enis: {
    web_a: { id: 'eni-0a1b2c3d4e5f60101', ip: '10.0.0.10', ipv6: '2600:1f18:4a3:6e00:5c2e:81f4:9a07:d10', publicIp: '54.210.12.34', subnet: 'public_a', sgs: ['web'], instance: 'i-0a1b2c3d4e5f60101', role: 'web server (us-east-1a)' },
    web_b: { id: 'eni-0b2c3d4e5f6a70202', ip: '10.0.1.10', ipv6: '2600:1f18:4a3:6e01:3b9d:e2a6:4f18:c10', publicIp: '3.91.45.67', subnet: 'public_b', sgs: ['web'], instance: 'i-0b2c3d4e5f6a70202', role: 'web server (us-east-1b)' },
    bastion: { id: 'eni-0c3d4e5f6a7b80303', ip: '10.0.0.20', ipv6: '2600:1f18:4a3:6e00:a41c:7d3e:22b5:f20', publicIp: '52.4.88.19', subnet: 'public_a', sgs: ['bastion'], instance: 'i-0c3d4e5f6a7b80303', role: 'SSH bastion' },
    app_a: { id: 'eni-0d4e5f6a7b8c90404', ip: '10.0.10.15', publicIp: null, subnet: 'private_a', sgs: ['app', 'monitoring'], instance: 'i-0d4e5f6a7b8c90404', role: 'app server (us-east-1a)' },
    app_b: { id: 'eni-0e5f6a7b8c9d00505', ip: '10.0.11.15', publicIp: null, subnet: 'private_b', sgs: ['app', 'monitoring'], instance: 'i-0e5f6a7b8c9d00505', role: 'app server (us-east-1b)' },
    worker: { id: 'eni-0f6a7b8c9d0e10606', ip: '10.0.10.40', publicIp: null, subnet: 'private_a', sgs: ['worker'], instance: 'i-0f6a7b8c9d0e10606', role: 'S3-heavy worker' },
    db: { id: 'eni-0a7b8c9d0e1f20707', ip: '10.0.21.25', publicIp: null, subnet: 'db_b', sgs: ['db'], instance: null, role: 'RDS PostgreSQL primary (us-east-1b)' },
    cache: { id: 'eni-0b8c9d0e1f2a30808', ip: '10.0.11.50', publicIp: null, subnet: 'private_b', sgs: ['cache'], instance: null, role: 'ElastiCache Redis node (idle)' },
    nat: { id: 'eni-0c9d0e1f2a3b40909', ip: '10.0.0.150', publicIp: '44.195.10.77', subnet: 'public_a', sgs: [], instance: null, role: 'NAT gateway' },
  } as Record<EniKey, { id: string; ip: string; ipv6?: string; publicIp: string | null; subnet: SubnetKey; sgs: SgKey[]; instance: string | null; role: string }>,
  adminIp: '86.12.140.25',
  partnerCidr: '198.51.100.0/24',
  legacyVpnCidr: '10.0.0.0/8',
};

// ---------------------------------------------------------------------------------------------
// Seeded PRNG
// ---------------------------------------------------------------------------------------------

/** mulberry32: small, fast, good enough for sample data; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Log-uniform integer in [lo, hi]. */
  logInt(lo: number, hi: number): number {
    return Math.round(Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo))));
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(this.next() * 16)];
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Security groups: the single source of truth for inventory, tfstate (and what TF/CFN declare)
// ---------------------------------------------------------------------------------------------

interface RuleDef {
  dir: 'in' | 'out';
  proto: 'tcp' | 'udp' | '-1';
  from: number;
  to: number;
  cidrs?: string[];
  cidrs6?: string[];
  groups?: SgKey[];
  self?: boolean;
  description?: string;
  /** Terraform address that declares the rule, and its deployed rule id (sgr-…). */
  tf: string;
  ruleId: string;
}

interface SgDef {
  key: SgKey;
  description: string;
  tf: string;
  rules: RuleDef[];
}

export const SECURITY_GROUPS: SgDef[] = [
  {
    key: 'default', description: 'default VPC security group', tf: 'aws_default_security_group.default',
    rules: [
      { dir: 'in', proto: '-1', from: -1, to: -1, self: true, tf: 'aws_default_security_group.default', ruleId: 'sgr-0a1a2b3c4d5e60001' },
      { dir: 'out', proto: '-1', from: -1, to: -1, cidrs: ['0.0.0.0/0'], tf: 'aws_default_security_group.default', ruleId: 'sgr-0a1a2b3c4d5e60002' },
    ],
  },
  {
    key: 'web', description: 'Public web servers', tf: 'aws_security_group.web',
    rules: [
      { dir: 'in', proto: 'tcp', from: 80, to: 80, cidrs: ['0.0.0.0/0'], cidrs6: ['::/0'], description: 'HTTP from anywhere', tf: 'aws_security_group.web', ruleId: 'sgr-0b1a2b3c4d5e60011' },
      { dir: 'in', proto: 'tcp', from: 443, to: 443, cidrs: ['0.0.0.0/0'], cidrs6: ['::/0'], description: 'HTTPS from anywhere', tf: 'aws_security_group.web', ruleId: 'sgr-0b1a2b3c4d5e60012' },
      { dir: 'in', proto: 'tcp', from: 8443, to: 8443, cidrs: [IDS.partnerCidr], description: 'Partner webhook callbacks', tf: 'aws_security_group.web', ruleId: 'sgr-0b1a2b3c4d5e60013' },
      { dir: 'out', proto: '-1', from: -1, to: -1, cidrs: ['0.0.0.0/0'], cidrs6: ['::/0'], description: 'All outbound', tf: 'aws_security_group.web', ruleId: 'sgr-0b1a2b3c4d5e60014' },
    ],
  },
  {
    key: 'bastion', description: 'SSH bastion host', tf: 'aws_security_group.bastion',
    rules: [
      { dir: 'in', proto: 'tcp', from: 22, to: 22, cidrs: ['0.0.0.0/0'], description: 'SSH for administrators', tf: 'aws_security_group_rule.bastion_ssh', ruleId: 'sgr-0c1a2b3c4d5e60021' },
      { dir: 'out', proto: '-1', from: -1, to: -1, cidrs: ['0.0.0.0/0'], description: 'All outbound', tf: 'aws_security_group_rule.bastion_egress', ruleId: 'sgr-0c1a2b3c4d5e60022' },
    ],
  },
  {
    key: 'app', description: 'Application servers behind the web tier', tf: 'aws_security_group.app',
    rules: [
      { dir: 'in', proto: 'tcp', from: 8080, to: 8080, groups: ['web'], description: 'HTTP from the web tier', tf: 'aws_vpc_security_group_ingress_rule.app_from_web', ruleId: 'sgr-0d1a2b3c4d5e60031' },
      { dir: 'out', proto: '-1', from: -1, to: -1, cidrs: ['0.0.0.0/0'], description: 'All outbound', tf: 'aws_vpc_security_group_egress_rule.app_all', ruleId: 'sgr-0d1a2b3c4d5e60032' },
    ],
  },
  {
    key: 'worker', description: 'Batch worker uploading exports to S3', tf: 'aws_security_group.worker',
    rules: [
      { dir: 'in', proto: 'tcp', from: 22, to: 22, groups: ['bastion'], description: 'SSH from the bastion', tf: 'aws_security_group.worker', ruleId: 'sgr-0e1a2b3c4d5e60041' },
      // Deliberately without a description.
      { dir: 'out', proto: '-1', from: -1, to: -1, cidrs: ['0.0.0.0/0'], tf: 'aws_security_group.worker', ruleId: 'sgr-0e1a2b3c4d5e60042' },
    ],
  },
  {
    key: 'db', description: 'PostgreSQL database', tf: 'aws_security_group.db',
    rules: [
      { dir: 'in', proto: 'tcp', from: 5432, to: 5432, groups: ['app'], description: 'PostgreSQL from app servers', tf: 'aws_vpc_security_group_ingress_rule.db_from_app', ruleId: 'sgr-0f1a2b3c4d5e60051' },
      // The deliberately bad one: a whole /8 of private space to the database, no description.
      { dir: 'in', proto: 'tcp', from: 5432, to: 5432, cidrs: [IDS.legacyVpnCidr], tf: 'aws_vpc_security_group_ingress_rule.db_legacy_vpn', ruleId: 'sgr-0f1a2b3c4d5e60052' },
    ],
  },
  {
    // No group description in the code: AWS shows Terraform's default.
    key: 'cache', description: 'Managed by Terraform', tf: 'aws_security_group.cache',
    rules: [
      { dir: 'in', proto: 'tcp', from: 6379, to: 6379, cidrs: ['0.0.0.0/0'], description: 'Redis', tf: 'aws_security_group.cache', ruleId: 'sgr-0a2a2b3c4d5e60061' },
    ],
  },
  {
    key: 'monitoring', description: 'Prometheus scraping of app servers', tf: 'module.monitoring_sg.aws_security_group.this[0]',
    rules: [
      { dir: 'in', proto: 'tcp', from: 9090, to: 9090, cidrs: ['10.0.0.0/16'], description: 'Prometheus', tf: 'module.monitoring_sg.aws_security_group_rule.ingress_rules[0]', ruleId: 'sgr-0b2a2b3c4d5e60071' },
      { dir: 'in', proto: 'tcp', from: 9100, to: 9100, cidrs: ['10.0.0.0/16'], description: 'Node exporter', tf: 'module.monitoring_sg.aws_security_group_rule.ingress_with_cidr_blocks[0]', ruleId: 'sgr-0b2a2b3c4d5e60072' },
      { dir: 'out', proto: '-1', from: -1, to: -1, cidrs: ['0.0.0.0/0'], cidrs6: ['::/0'], description: 'All protocols', tf: 'module.monitoring_sg.aws_security_group_rule.egress_rules[0]', ruleId: 'sgr-0b2a2b3c4d5e60073' },
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Inventory (aws ec2 describe-* --output json shapes)
// ---------------------------------------------------------------------------------------------

const tags = (name: string, extra: Record<string, string> = {}) =>
  [{ Key: 'Name', Value: name }, { Key: 'Project', Value: 'egress-lens-demo' }, ...Object.entries(extra).map(([Key, Value]) => ({ Key, Value }))];

function ipPermissions(rules: RuleDef[]): unknown[] {
  const groups = new Map<string, RuleDef[]>();
  for (const r of rules) {
    const k = `${r.proto}|${r.from}|${r.to}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const out: unknown[] = [];
  for (const rs of groups.values()) {
    const r0 = rs[0];
    const perm: Record<string, unknown> = { IpProtocol: r0.proto };
    if (r0.proto !== '-1') {
      perm.FromPort = r0.from;
      perm.ToPort = r0.to;
    }
    const withDesc = <T extends Record<string, unknown>>(o: T, d?: string) => (d === undefined ? o : { ...o, Description: d });
    perm.UserIdGroupPairs = rs.flatMap((r) => [
      ...(r.groups ?? []).map((g) => withDesc({ UserId: ACCOUNT, GroupId: IDS.securityGroups[g].id }, r.description)),
      ...(r.self ? [withDesc({ UserId: ACCOUNT, GroupId: '' as string }, r.description)] : []),
    ]);
    perm.IpRanges = rs.flatMap((r) => (r.cidrs ?? []).map((c) => withDesc({ CidrIp: c }, r.description)));
    perm.Ipv6Ranges = rs.flatMap((r) => (r.cidrs6 ?? []).map((c) => withDesc({ CidrIpv6: c }, r.description)));
    perm.PrefixListIds = [];
    out.push(perm);
  }
  return out;
}

function buildInventory(): Record<string, unknown> {
  const sgs = SECURITY_GROUPS.map((g) => {
    const id = IDS.securityGroups[g.key].id;
    const fixSelf = (perms: unknown[]) =>
      perms.map((p) => {
        const q = p as { UserIdGroupPairs: { GroupId: string }[] };
        for (const pair of q.UserIdGroupPairs) if (pair.GroupId === '') pair.GroupId = id;
        return p;
      });
    return {
      GroupId: id,
      IpPermissionsEgress: fixSelf(ipPermissions(g.rules.filter((r) => r.dir === 'out'))),
      ...(g.key === 'default' ? {} : { Tags: tags(IDS.securityGroups[g.key].name) }),
      VpcId: IDS.vpc,
      SecurityGroupArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${id}`,
      OwnerId: ACCOUNT,
      GroupName: IDS.securityGroups[g.key].name,
      Description: g.description,
      IpPermissions: fixSelf(ipPermissions(g.rules.filter((r) => r.dir === 'in'))),
    };
  });

  const subnetCount = (cidr: string) => 251 - (cidr === IDS.subnets.public_a.cidr ? 3 : 1);
  const subnets = (Object.keys(IDS.subnets) as SubnetKey[]).map((k) => {
    const s = IDS.subnets[k];
    return {
      AvailabilityZone: s.az,
      AvailabilityZoneId: s.azId,
      AvailableIpAddressCount: subnetCount(s.cidr),
      CidrBlock: s.cidr,
      DefaultForAz: false,
      MapPublicIpOnLaunch: s.tier === 'public',
      MapCustomerOwnedIpOnLaunch: false,
      State: 'available',
      SubnetId: s.id,
      VpcId: IDS.vpc,
      OwnerId: ACCOUNT,
      AssignIpv6AddressOnCreation: s.ipv6 !== undefined,
      Ipv6CidrBlockAssociationSet: s.ipv6
        ? [{ AssociationId: `subnet-cidr-assoc-0${s.id.slice(8, 24)}`, Ipv6CidrBlock: s.ipv6, Ipv6CidrBlockState: { State: 'associated' } }]
        : [],
      Tags: tags(`demo-${k.replace('_', '-')}`, { Tier: s.tier }),
      SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${s.id}`,
      EnableDns64: false,
      Ipv6Native: false,
      PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    };
  });

  const vpcs = [{
    CidrBlock: IDS.vpcCidr,
    DhcpOptionsId: IDS.dhcpOptions,
    State: 'available',
    VpcId: IDS.vpc,
    OwnerId: ACCOUNT,
    InstanceTenancy: 'default',
    CidrBlockAssociationSet: [{ AssociationId: 'vpc-cidr-assoc-0d1c2b3a4f5e69788', CidrBlock: IDS.vpcCidr, CidrBlockState: { State: 'associated' } }],
    Ipv6CidrBlockAssociationSet: [{
      AssociationId: 'vpc-cidr-assoc-0e2d3c4b5a6f70899',
      Ipv6CidrBlock: IDS.vpcIpv6Cidr,
      Ipv6CidrBlockState: { State: 'associated' },
      NetworkBorderGroup: REGION,
      Ipv6Pool: 'Amazon',
    }],
    IsDefault: false,
    Tags: tags('demo-vpc'),
  }];

  const dns = (ip: string) => `ip-${ip.replace(/\./g, '-')}.ec2.internal`;
  const pubDns = (ip: string) => `ec2-${ip.replace(/\./g, '-')}.compute-1.amazonaws.com`;
  const mac = (i: number) => `0e:5a:${(0x10 + i).toString(16)}:3c:${(0x20 + i * 7).toString(16)}:9f`;
  const enis = (Object.keys(IDS.enis) as EniKey[]).map((k, i) => {
    const e = IDS.enis[k];
    const s = IDS.subnets[e.subnet];
    const isNat = k === 'nat';
    const requester = k === 'db' ? 'amazon-rds' : k === 'cache' ? 'amazon-elasticache' : isNat ? 'amazon-aws' : null;
    const association = e.publicIp
      ? isNat
        ? { AllocationId: IDS.natEip.allocationId, AssociationId: IDS.natEip.associationId, IpOwnerId: ACCOUNT, PublicDnsName: pubDns(e.publicIp), PublicIp: e.publicIp }
        : { IpOwnerId: 'amazon', PublicDnsName: pubDns(e.publicIp), PublicIp: e.publicIp }
      : undefined;
    const attachment = e.instance
      ? { AttachTime: '2026-10-02T08:14:31+00:00', AttachmentId: `eni-attach-0${e.id.slice(5, 21)}`, DeleteOnTermination: true, DeviceIndex: 0, NetworkCardIndex: 0, InstanceId: e.instance, InstanceOwnerId: ACCOUNT, Status: 'attached' }
      : isNat
        ? { AttachTime: '2026-10-02T08:09:12+00:00', AttachmentId: `ela-attach-0${e.id.slice(5, 21)}`, DeleteOnTermination: false, DeviceIndex: 1, InstanceOwnerId: 'amazon-aws', Status: 'attached' }
        : { AttachTime: '2026-10-02T08:22:47+00:00', AttachmentId: `eni-attach-0${e.id.slice(5, 21)}`, DeleteOnTermination: false, DeviceIndex: 1, InstanceOwnerId: requester, Status: 'attached' };
    const description = isNat ? `Interface for NAT Gateway ${IDS.nat}` : k === 'db' ? 'RDS Network Interface' : k === 'cache' ? 'ElastiCache demo-cache-001' : '';
    return {
      ...(association ? { Association: association } : {}),
      Attachment: attachment,
      AvailabilityZone: s.az,
      AvailabilityZoneId: s.azId,
      Description: description,
      Groups: e.sgs.map((g) => ({ GroupName: IDS.securityGroups[g].name, GroupId: IDS.securityGroups[g].id })),
      InterfaceType: isNat ? 'nat_gateway' : 'interface',
      Ipv6Addresses: e.ipv6 ? [{ Ipv6Address: e.ipv6, IsPrimaryIpv6: false }] : [],
      MacAddress: mac(i),
      NetworkInterfaceId: e.id,
      OwnerId: ACCOUNT,
      PrivateDnsName: dns(e.ip),
      PrivateIpAddress: e.ip,
      PrivateIpAddresses: [{ ...(association ? { Association: association } : {}), Primary: true, PrivateDnsName: dns(e.ip), PrivateIpAddress: e.ip }],
      ...(requester ? { RequesterId: requester } : {}),
      RequesterManaged: requester !== null,
      SourceDestCheck: !isNat,
      Status: 'in-use',
      SubnetId: s.id,
      TagSet: [],
      VpcId: IDS.vpc,
    };
  });

  const natGateways = [{
    CreateTime: '2026-10-02T08:09:12+00:00',
    NatGatewayAddresses: [{
      AllocationId: IDS.natEip.allocationId,
      NetworkInterfaceId: IDS.enis.nat.id,
      PrivateIp: IDS.enis.nat.ip,
      PublicIp: IDS.natEip.publicIp,
      AssociationId: IDS.natEip.associationId,
      IsPrimary: true,
      Status: 'succeeded',
    }],
    NatGatewayId: IDS.nat,
    State: 'available',
    SubnetId: IDS.subnets.public_a.id,
    VpcId: IDS.vpc,
    Tags: tags('demo-nat'),
    ConnectivityType: 'public',
  }];

  const internetGateways = [{
    Attachments: [{ State: 'available', VpcId: IDS.vpc }],
    InternetGatewayId: IDS.igw,
    OwnerId: ACCOUNT,
    Tags: tags('demo-igw'),
  }];

  const local = { DestinationCidrBlock: IDS.vpcCidr, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' };
  const local6 = { DestinationIpv6CidrBlock: IDS.vpcIpv6Cidr, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' };
  const assoc = (rtb: string, sub: SubnetKey, n: number) => ({
    Main: false,
    RouteTableAssociationId: `rtbassoc-0${rtb.slice(5, 18)}${n.toString().padStart(3, '0')}`,
    RouteTableId: rtb,
    SubnetId: IDS.subnets[sub].id,
    AssociationState: { State: 'associated' },
  });
  const routeTables = [
    {
      Associations: [assoc(IDS.routeTables.public, 'public_a', 1), assoc(IDS.routeTables.public, 'public_b', 2)],
      PropagatingVgws: [],
      RouteTableId: IDS.routeTables.public,
      Routes: [
        local,
        local6,
        { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IDS.igw, Origin: 'CreateRoute', State: 'active' },
        { DestinationIpv6CidrBlock: '::/0', GatewayId: IDS.igw, Origin: 'CreateRoute', State: 'active' },
      ],
      Tags: tags('demo-public'),
      VpcId: IDS.vpc,
      OwnerId: ACCOUNT,
    },
    {
      Associations: [assoc(IDS.routeTables.private, 'private_a', 1), assoc(IDS.routeTables.private, 'private_b', 2), assoc(IDS.routeTables.private, 'db_a', 3), assoc(IDS.routeTables.private, 'db_b', 4)],
      PropagatingVgws: [],
      RouteTableId: IDS.routeTables.private,
      Routes: [local, local6, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: IDS.nat, Origin: 'CreateRoute', State: 'active' }],
      Tags: tags('demo-private'),
      VpcId: IDS.vpc,
      OwnerId: ACCOUNT,
    },
    {
      Associations: [{ Main: true, RouteTableAssociationId: 'rtbassoc-0c7d6e5f4a3b20000', RouteTableId: IDS.routeTables.main, AssociationState: { State: 'associated' } }],
      PropagatingVgws: [],
      RouteTableId: IDS.routeTables.main,
      Routes: [local, local6],
      Tags: [],
      VpcId: IDS.vpc,
      OwnerId: ACCOUNT,
    },
  ];

  const flowLogs = [{
    CreationTime: '2026-10-02T08:30:00.000000+00:00',
    DeliverLogsStatus: 'SUCCESS',
    FlowLogId: FLOW_LOG_ID,
    FlowLogStatus: 'ACTIVE',
    ResourceId: IDS.vpc,
    TrafficType: 'ALL',
    LogDestinationType: 's3',
    LogDestination: 'arn:aws:s3:::demo-vpc-flow-logs-123456789012',
    LogFormat: FLOW_FIELDS.map((f) => '${' + f + '}').join(' '),
    Tags: tags('demo-vpc-flow-log'),
    MaxAggregationInterval: 60,
    DestinationOptions: { FileFormat: 'plain-text', HiveCompatiblePartitions: false, PerHourPartition: false },
  }];

  const instances = (Object.keys(IDS.enis) as EniKey[]).filter((k) => IDS.enis[k].instance).map((k, i) => {
    const e = IDS.enis[k];
    const s = IDS.subnets[e.subnet];
    const eni = enis.find((x) => x.NetworkInterfaceId === e.id)!;
    const { AvailabilityZone: _az, AvailabilityZoneId: _azId, TagSet: _t, RequesterManaged: _r, ...nic } = eni;
    return {
      Groups: [],
      Instances: [{
        AmiLaunchIndex: 0,
        ImageId: 'ami-0e2c8caa4b6378d8c',
        InstanceId: e.instance,
        InstanceType: k === 'worker' ? 'c6i.xlarge' : 't3.medium',
        LaunchTime: '2026-10-02T08:14:05+00:00',
        Monitoring: { State: 'disabled' },
        Placement: { AvailabilityZone: s.az, GroupName: '', Tenancy: 'default' },
        PrivateDnsName: dns(e.ip),
        PrivateIpAddress: e.ip,
        PublicDnsName: e.publicIp ? pubDns(e.publicIp) : '',
        ...(e.publicIp ? { PublicIpAddress: e.publicIp } : {}),
        State: { Code: 16, Name: 'running' },
        SubnetId: s.id,
        VpcId: IDS.vpc,
        Architecture: 'x86_64',
        NetworkInterfaces: [nic],
        SecurityGroups: e.sgs.map((g) => ({ GroupName: IDS.securityGroups[g].name, GroupId: IDS.securityGroups[g].id })),
        SourceDestCheck: true,
        Tags: tags(`demo-${k.replace('_', '-')}`, { Role: e.role }),
        ...(e.ipv6 ? { Ipv6Address: e.ipv6 } : {}),
      }],
      OwnerId: ACCOUNT,
      ReservationId: `r-0${(0x1a2b3c4d5e6f7 + i * 0x1111).toString(16).padStart(16, '0')}`,
    };
  });

  return {
    'describe-vpcs.json': { Vpcs: vpcs },
    'describe-instances.json': { Reservations: instances },
    'describe-subnets.json': { Subnets: subnets },
    'describe-security-groups.json': { SecurityGroups: sgs },
    'describe-network-interfaces.json': { NetworkInterfaces: enis },
    'describe-nat-gateways.json': { NatGateways: natGateways },
    'describe-internet-gateways.json': { InternetGateways: internetGateways },
    'describe-route-tables.json': { RouteTables: routeTables },
    'describe-vpc-endpoints.json': { VpcEndpoints: [] },
    'describe-flow-logs.json': { FlowLogs: flowLogs },
  };
}

// ---------------------------------------------------------------------------------------------
// terraform.tfstate (format version 4)
// ---------------------------------------------------------------------------------------------

const PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]';

function tfRuleBlock(r: RuleDef, selfId: string) {
  return {
    cidr_blocks: r.cidrs ?? [],
    description: r.description ?? '',
    from_port: r.proto === '-1' ? 0 : r.from,
    ipv6_cidr_blocks: r.cidrs6 ?? [],
    prefix_list_ids: [],
    protocol: r.proto,
    security_groups: (r.groups ?? []).map((g) => IDS.securityGroups[g].id).filter((id) => id !== selfId),
    self: r.self ?? false,
    to_port: r.proto === '-1' ? 0 : r.to,
  };
}

function buildTfState(): Record<string, unknown> {
  type Res = { module?: string; mode: 'managed'; type: string; name: string; provider: string; instances: unknown[] };
  const resources: Res[] = [];
  const add = (address: string, attributes: Record<string, unknown>, schemaVersion = 0, dependencies: string[] = []) => {
    let module: string | undefined;
    let rest = address;
    const m = /^(module\.[^.]+)\.(.*)$/.exec(address);
    if (m) {
      module = m[1];
      rest = m[2];
    }
    const [, type, name, index] = /^([^.]+)\.([^[]+)(?:\[(\d+)\])?$/.exec(rest)!;
    const instance = {
      ...(index !== undefined ? { index_key: Number(index) } : {}),
      schema_version: schemaVersion,
      attributes,
      sensitive_attributes: [],
      ...(dependencies.length ? { dependencies } : {}),
    };
    const existing = resources.find((r) => r.module === module && r.type === type && r.name === name);
    if (existing) existing.instances.push(instance);
    else resources.push({ ...(module ? { module } : {}), mode: 'managed', type, name, provider: PROVIDER, instances: [instance] });
  };
  const tagsObj = (name: string, extra: Record<string, string> = {}) => ({ Name: name, ...extra });
  const tagsAll = (name: string, extra: Record<string, string> = {}) => ({ Environment: 'demo', Name: name, Project: 'egress-lens-demo', ...extra });

  add('aws_vpc.main', {
    arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/${IDS.vpc}`, assign_generated_ipv6_cidr_block: true, cidr_block: IDS.vpcCidr,
    enable_dns_hostnames: true, enable_dns_support: true, ipv6_cidr_block: IDS.vpcIpv6Cidr,
    id: IDS.vpc, instance_tenancy: 'default', owner_id: ACCOUNT, tags: tagsObj('demo-vpc'), tags_all: tagsAll('demo-vpc'),
  }, 1);
  for (const k of Object.keys(IDS.subnets) as SubnetKey[]) {
    const s = IDS.subnets[k];
    add(`aws_subnet.${k}`, {
      arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${s.id}`, availability_zone: s.az, availability_zone_id: s.azId, cidr_block: s.cidr,
      assign_ipv6_address_on_creation: s.ipv6 !== undefined, id: s.id, ipv6_cidr_block: s.ipv6 ?? '',
      map_public_ip_on_launch: s.tier === 'public', owner_id: ACCOUNT, vpc_id: IDS.vpc,
      tags: tagsObj(`demo-${k.replace('_', '-')}`, { Tier: s.tier }), tags_all: tagsAll(`demo-${k.replace('_', '-')}`, { Tier: s.tier }),
    }, 1, ['aws_vpc.main']);
  }
  add('aws_internet_gateway.main', {
    arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:internet-gateway/${IDS.igw}`, id: IDS.igw, owner_id: ACCOUNT, vpc_id: IDS.vpc,
    tags: tagsObj('demo-igw'), tags_all: tagsAll('demo-igw'),
  }, 0, ['aws_vpc.main']);
  add('aws_eip.nat', {
    allocation_id: IDS.natEip.allocationId, association_id: IDS.natEip.associationId, domain: 'vpc', id: IDS.natEip.allocationId,
    network_interface: IDS.enis.nat.id, private_ip: IDS.enis.nat.ip, public_ip: IDS.natEip.publicIp, tags: tagsObj('demo-nat'), tags_all: tagsAll('demo-nat'),
  });
  add('aws_nat_gateway.main', {
    allocation_id: IDS.natEip.allocationId, connectivity_type: 'public', id: IDS.nat, network_interface_id: IDS.enis.nat.id,
    private_ip: IDS.enis.nat.ip, public_ip: IDS.natEip.publicIp, subnet_id: IDS.subnets.public_a.id, tags: tagsObj('demo-nat'), tags_all: tagsAll('demo-nat'),
  }, 0, ['aws_eip.nat', 'aws_internet_gateway.main', 'aws_subnet.public_a']);
  add('aws_route_table.public', {
    arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:route-table/${IDS.routeTables.public}`, id: IDS.routeTables.public, owner_id: ACCOUNT, vpc_id: IDS.vpc,
    route: [
      { cidr_block: '0.0.0.0/0', gateway_id: IDS.igw, ipv6_cidr_block: '', nat_gateway_id: '' },
      { cidr_block: '', gateway_id: IDS.igw, ipv6_cidr_block: '::/0', nat_gateway_id: '' },
    ], tags: tagsObj('demo-public'), tags_all: tagsAll('demo-public'),
  }, 0, ['aws_internet_gateway.main', 'aws_vpc.main']);
  add('aws_route_table.private', {
    arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:route-table/${IDS.routeTables.private}`, id: IDS.routeTables.private, owner_id: ACCOUNT, vpc_id: IDS.vpc,
    route: [{ cidr_block: '0.0.0.0/0', gateway_id: '', ipv6_cidr_block: '', nat_gateway_id: IDS.nat }], tags: tagsObj('demo-private'), tags_all: tagsAll('demo-private'),
  }, 0, ['aws_nat_gateway.main', 'aws_vpc.main']);

  for (const g of SECURITY_GROUPS) {
    const sg = IDS.securityGroups[g.key];
    const inline = g.rules.filter((r) => r.tf === g.tf);
    const sgAttrs = {
      arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${sg.id}`,
      description: g.description,
      egress: g.rules.filter((r) => r.dir === 'out').map((r) => tfRuleBlock(r, sg.id)),
      id: sg.id,
      ingress: g.rules.filter((r) => r.dir === 'in').map((r) => tfRuleBlock(r, sg.id)),
      name: sg.name,
      name_prefix: '',
      owner_id: ACCOUNT,
      revoke_rules_on_delete: false,
      tags: g.key === 'default' ? {} : tagsObj(sg.name),
      tags_all: g.key === 'default' ? { Environment: 'demo', Project: 'egress-lens-demo' } : tagsAll(sg.name),
      timeouts: null,
      vpc_id: IDS.vpc,
    };
    add(g.tf, sgAttrs, 1, ['aws_vpc.main']);
    for (const r of g.rules.filter((x) => !inline.includes(x))) {
      const [type] = r.tf.replace(/^module\.[^.]+\./, '').split('.');
      const ref = r.groups?.[0] ? IDS.securityGroups[r.groups[0]].id : null;
      if (type === 'aws_security_group_rule') {
        add(r.tf, {
          cidr_blocks: r.cidrs ?? null, description: r.description ?? null, from_port: r.proto === '-1' ? 0 : r.from,
          id: `sgrule-${(parseInt(r.ruleId.slice(-8), 16) * 7919 % 4294967291).toString()}`, ipv6_cidr_blocks: r.cidrs6 ?? null, prefix_list_ids: null,
          protocol: r.proto, security_group_id: sg.id, security_group_rule_id: r.ruleId, self: false, source_security_group_id: ref,
          timeouts: null, to_port: r.proto === '-1' ? 0 : r.to, type: r.dir === 'in' ? 'ingress' : 'egress',
        }, 2, [g.tf]);
      } else {
        add(r.tf, {
          arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group-rule/${r.ruleId}`, cidr_ipv4: r.cidrs?.[0] ?? null, cidr_ipv6: null,
          description: r.description ?? null, from_port: r.proto === '-1' ? null : r.from, id: r.ruleId, ip_protocol: r.proto,
          prefix_list_id: null, referenced_security_group_id: ref, security_group_id: sg.id, security_group_rule_id: r.ruleId,
          tags: null, tags_all: {}, to_port: r.proto === '-1' ? null : r.to,
        }, 0, [g.tf, ...(r.groups ?? []).map((x) => SECURITY_GROUPS.find((y) => y.key === x)!.tf)]);
      }
    }
  }
  return {
    version: 4,
    terraform_version: '1.9.8',
    serial: 27,
    lineage: '5f0c9a7e-3b1d-4c2e-9a8f-6d7e1b2c3a4f',
    outputs: {
      vpc_id: { value: IDS.vpc, type: 'string' },
      nat_gateway_id: { value: IDS.nat, type: 'string' },
    },
    resources,
    check_results: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Terraform (what the editor decorates). Declares exactly the groups and rules of SECURITY_GROUPS.
// ---------------------------------------------------------------------------------------------

function terraformFiles(): Record<string, string> {
  const main = `terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "egress-lens-demo"
      Environment = var.environment
    }
  }
}

locals {
  name = "demo"

  # The old office VPN range. Far wider than anything that should reach the database.
  legacy_vpn_cidr = "10.0.0.0/8"

  all_ipv4 = "0.0.0.0/0"
}
`;

  const variables = `variable "region" {
  description = "AWS region to deploy into"
  type        = string
  default     = "us-east-1"
}

variable "environment" {
  description = "Environment name used in tags"
  type        = string
  default     = "dev"
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC"
  type        = string
  default     = "10.0.0.0/16"
}

variable "admin_cidrs" {
  description = "Networks allowed to SSH to the bastion"
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "partner_cidrs" {
  description = "Partner networks that deliver webhooks on 8443"
  type        = list(string)
  default     = []
}

variable "instance_type" {
  description = "Instance type for all hosts"
  type        = string
  default     = "t3.medium"
}
`;

  const tfvars = `environment   = "demo"
partner_cidrs = ["${IDS.partnerCidr}"]
`;

  const network = `resource "aws_vpc" "main" {
  cidr_block                       = var.vpc_cidr
  assign_generated_ipv6_cidr_block = true
  enable_dns_support               = true
  enable_dns_hostnames             = true

  tags = {
    Name = "\${local.name}-vpc"
  }
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id

  tags = {
    Name = "\${local.name}-igw"
  }
}

resource "aws_subnet" "public_a" {
  vpc_id                          = aws_vpc.main.id
  cidr_block                      = "${IDS.subnets.public_a.cidr}"
  ipv6_cidr_block                 = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 0)
  availability_zone               = "us-east-1a"
  map_public_ip_on_launch         = true
  assign_ipv6_address_on_creation = true

  tags = {
    Name = "\${local.name}-public-a"
    Tier = "public"
  }
}

resource "aws_subnet" "public_b" {
  vpc_id                          = aws_vpc.main.id
  cidr_block                      = "${IDS.subnets.public_b.cidr}"
  ipv6_cidr_block                 = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 1)
  availability_zone               = "us-east-1b"
  map_public_ip_on_launch         = true
  assign_ipv6_address_on_creation = true

  tags = {
    Name = "\${local.name}-public-b"
    Tier = "public"
  }
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "${IDS.subnets.private_a.cidr}"
  availability_zone = "us-east-1a"

  tags = {
    Name = "\${local.name}-private-a"
    Tier = "private"
  }
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "${IDS.subnets.private_b.cidr}"
  availability_zone = "us-east-1b"

  tags = {
    Name = "\${local.name}-private-b"
    Tier = "private"
  }
}

resource "aws_subnet" "db_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "${IDS.subnets.db_a.cidr}"
  availability_zone = "us-east-1a"

  tags = {
    Name = "\${local.name}-db-a"
    Tier = "db"
  }
}

resource "aws_subnet" "db_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "${IDS.subnets.db_b.cidr}"
  availability_zone = "us-east-1b"

  tags = {
    Name = "\${local.name}-db-b"
    Tier = "db"
  }
}

resource "aws_eip" "nat" {
  domain = "vpc"

  tags = {
    Name = "\${local.name}-nat"
  }
}

# One NAT gateway for both AZs. Every private subnet sends its internet-bound traffic here --
# including S3 traffic, because the VPC has no S3 gateway endpoint.
resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public_a.id

  tags = {
    Name = "\${local.name}-nat"
  }

  depends_on = [aws_internet_gateway.main]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = local.all_ipv4
    gateway_id = aws_internet_gateway.main.id
  }

  route {
    ipv6_cidr_block = "::/0"
    gateway_id      = aws_internet_gateway.main.id
  }

  tags = {
    Name = "\${local.name}-public"
  }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block     = local.all_ipv4
    nat_gateway_id = aws_nat_gateway.main.id
  }

  tags = {
    Name = "\${local.name}-private"
  }
}

resource "aws_route_table_association" "public_a" {
  subnet_id      = aws_subnet.public_a.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "public_b" {
  subnet_id      = aws_subnet.public_b.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private_a" {
  subnet_id      = aws_subnet.private_a.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route_table_association" "private_b" {
  subnet_id      = aws_subnet.private_b.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route_table_association" "db_a" {
  subnet_id      = aws_subnet.db_a.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route_table_association" "db_b" {
  subnet_id      = aws_subnet.db_b.id
  route_table_id = aws_route_table.private.id
}

# Note: no aws_vpc_endpoint for S3 or DynamoDB.

resource "aws_flow_log" "vpc" {
  vpc_id                   = aws_vpc.main.id
  traffic_type             = "ALL"
  log_destination_type     = "s3"
  log_destination          = "arn:aws:s3:::demo-vpc-flow-logs-${ACCOUNT}"
  max_aggregation_interval = 60
  log_format               = "${FLOW_FIELDS.map((f) => '$${' + f + '}').join(' ')}"
}
`;

  const security = `# --- The VPC's default group: AWS gives it these rules; nothing should use it. -----------------

resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id

  ingress {
    protocol  = "-1"
    self      = true
    from_port = 0
    to_port   = 0
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- Web tier: public on 80/443, meant to be open. ---------------------------------------------

resource "aws_security_group" "web" {
  name        = "\${local.name}-web"
  description = "Public web servers"
  vpc_id      = aws_vpc.main.id

  ingress {
    description      = "HTTP from anywhere"
    from_port        = 80
    to_port          = 80
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    description      = "HTTPS from anywhere"
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    description = "Partner webhook callbacks"
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = var.partner_cidrs
  }

  egress {
    description      = "All outbound"
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  tags = {
    Name = "\${local.name}-web"
  }
}

# --- Bastion: SSH from var.admin_cidrs, whose default is the whole internet. -------------------

resource "aws_security_group" "bastion" {
  name        = "\${local.name}-bastion"
  description = "SSH bastion host"
  vpc_id      = aws_vpc.main.id

  tags = {
    Name = "\${local.name}-bastion"
  }
}

resource "aws_security_group_rule" "bastion_ssh" {
  type              = "ingress"
  description       = "SSH for administrators"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = var.admin_cidrs
  security_group_id = aws_security_group.bastion.id
}

resource "aws_security_group_rule" "bastion_egress" {
  type              = "egress"
  description       = "All outbound"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = [local.all_ipv4]
  security_group_id = aws_security_group.bastion.id
}

# --- App tier: reachable only from the web tier's group (not open to the world). ---------------

resource "aws_security_group" "app" {
  name        = "\${local.name}-app"
  description = "Application servers behind the web tier"
  vpc_id      = aws_vpc.main.id

  tags = {
    Name = "\${local.name}-app"
  }
}

resource "aws_vpc_security_group_ingress_rule" "app_from_web" {
  security_group_id            = aws_security_group.app.id
  description                  = "HTTP from the web tier"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.web.id
}

resource "aws_vpc_security_group_egress_rule" "app_all" {
  security_group_id = aws_security_group.app.id
  description       = "All outbound"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# --- Worker: uploads exports to S3 through the NAT gateway. ------------------------------------

resource "aws_security_group" "worker" {
  name        = "\${local.name}-worker"
  description = "Batch worker uploading exports to S3"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "SSH from the bastion"
    from_port       = 22
    to_port         = 22
    protocol        = "tcp"
    security_groups = [aws_security_group.bastion.id]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name = "\${local.name}-worker"
  }
}

# --- Database: PostgreSQL from the app group, plus one rule that should not exist. -------------

resource "aws_security_group" "db" {
  name        = "\${local.name}-db"
  description = "PostgreSQL database"
  vpc_id      = aws_vpc.main.id

  tags = {
    Name = "\${local.name}-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "db_from_app" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from app servers"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_vpc_security_group_ingress_rule" "db_legacy_vpn" {
  security_group_id = aws_security_group.db.id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = local.legacy_vpn_cidr
}

# --- Cache: Redis open to the world (and no group description). --------------------------------

resource "aws_security_group" "cache" {
  name   = "\${local.name}-cache"
  vpc_id = aws_vpc.main.id

  ingress {
    description = "Redis"
    from_port   = 6379
    to_port     = 6379
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name = "\${local.name}-cache"
  }
}

# --- Monitoring: the community module (inputs only; it need not be installed to scan). ---------

module "monitoring_sg" {
  source  = "terraform-aws-modules/security-group/aws"
  version = "5.2.0"

  name            = "\${local.name}-monitoring"
  use_name_prefix = false
  description     = "Prometheus scraping of app servers"
  vpc_id          = aws_vpc.main.id

  ingress_cidr_blocks = [var.vpc_cidr]
  ingress_rules       = ["prometheus-http-tcp"]

  ingress_with_cidr_blocks = [
    {
      from_port   = 9100
      to_port     = 9100
      protocol    = "tcp"
      description = "Node exporter"
      cidr_blocks = var.vpc_cidr
    },
  ]

  egress_rules = ["all-all"]
}
`;

  const outputs = `output "vpc_id" {
  value = aws_vpc.main.id
}

output "nat_gateway_id" {
  value = aws_nat_gateway.main.id
}

output "security_group_ids" {
  value = {
    web        = aws_security_group.web.id
    bastion    = aws_security_group.bastion.id
    app        = aws_security_group.app.id
    worker     = aws_security_group.worker.id
    db         = aws_security_group.db.id
    cache      = aws_security_group.cache.id
    monitoring = module.monitoring_sg.security_group_id
  }
}
`;
  return {
    'terraform/main.tf': main,
    'terraform/variables.tf': variables,
    'terraform/terraform.tfvars': tfvars,
    'terraform/network.tf': network,
    'terraform/security.tf': security,
    'terraform/outputs.tf': outputs,
  };
}

// ---------------------------------------------------------------------------------------------
// CloudFormation: an equivalent stack in YAML (short tags) and a small JSON template.
// ---------------------------------------------------------------------------------------------

function cloudFormationFiles(): Record<string, string> {
  const yaml = `AWSTemplateFormatVersion: "2010-09-09"
Description: >-
  Egress Lens demo: the same network as ../terraform -- a VPC in two AZs, a web tier, an SSH
  bastion open to the world, app servers, an S3-heavy worker behind one NAT gateway (no S3
  gateway endpoint), a PostgreSQL group and a Redis group.

Parameters:
  EnvironmentName:
    Type: String
    Default: demo
  VpcCidr:
    Type: String
    Default: ${IDS.vpcCidr}
  AdminCidr:
    Description: Network allowed to SSH to the bastion
    Type: String
    Default: 0.0.0.0/0
  PartnerCidr:
    Description: Partner network that delivers webhooks on 8443 (empty for none)
    Type: String
    Default: ${IDS.partnerCidr}
  LegacyVpnCidr:
    Type: String
    Default: ${IDS.legacyVpnCidr}

Conditions:
  HasPartner: !Not [!Equals [!Ref PartnerCidr, ""]]

Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref VpcCidr
      EnableDnsSupport: true
      EnableDnsHostnames: true
      Tags:
        - Key: Name
          Value: !Sub "\${EnvironmentName}-vpc"

  VpcIpv6Block:
    Type: AWS::EC2::VPCCidrBlock
    Properties:
      VpcId: !Ref Vpc
      AmazonProvidedIpv6CidrBlock: true

  InternetGateway:
    Type: AWS::EC2::InternetGateway
  GatewayAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref InternetGateway

  PublicSubnetA:
    Type: AWS::EC2::Subnet
    DependsOn: VpcIpv6Block
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: ${IDS.subnets.public_a.cidr}
      Ipv6CidrBlock: !Select [0, !Cidr [!Select [0, !GetAtt Vpc.Ipv6CidrBlocks], 2, 64]]
      AvailabilityZone: !Select [0, !GetAZs ""]
      MapPublicIpOnLaunch: true
      AssignIpv6AddressOnCreation: true
  PublicSubnetB:
    Type: AWS::EC2::Subnet
    DependsOn: VpcIpv6Block
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: ${IDS.subnets.public_b.cidr}
      Ipv6CidrBlock: !Select [1, !Cidr [!Select [0, !GetAtt Vpc.Ipv6CidrBlocks], 2, 64]]
      AvailabilityZone: !Select [1, !GetAZs ""]
      MapPublicIpOnLaunch: true
      AssignIpv6AddressOnCreation: true
  PrivateSubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: ${IDS.subnets.private_a.cidr}
      AvailabilityZone: !Select [0, !GetAZs ""]
  PrivateSubnetB:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: ${IDS.subnets.private_b.cidr}
      AvailabilityZone: !Select [1, !GetAZs ""]
  DbSubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: ${IDS.subnets.db_a.cidr}
      AvailabilityZone: !Select [0, !GetAZs ""]
  DbSubnetB:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: ${IDS.subnets.db_b.cidr}
      AvailabilityZone: !Select [1, !GetAZs ""]

  NatEip:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEip.AllocationId
      SubnetId: !Ref PublicSubnetA

  PublicRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PublicDefaultRoute:
    Type: AWS::EC2::Route
    DependsOn: GatewayAttachment
    Properties:
      RouteTableId: !Ref PublicRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref InternetGateway
  PublicDefaultRouteIpv6:
    Type: AWS::EC2::Route
    DependsOn: GatewayAttachment
    Properties:
      RouteTableId: !Ref PublicRouteTable
      DestinationIpv6CidrBlock: ::/0
      GatewayId: !Ref InternetGateway
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PrivateDefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
  PublicSubnetARoutes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PublicSubnetA
      RouteTableId: !Ref PublicRouteTable
  PublicSubnetBRoutes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PublicSubnetB
      RouteTableId: !Ref PublicRouteTable
  PrivateSubnetARoutes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PrivateSubnetA
      RouteTableId: !Ref PrivateRouteTable
  PrivateSubnetBRoutes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PrivateSubnetB
      RouteTableId: !Ref PrivateRouteTable
  DbSubnetARoutes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref DbSubnetA
      RouteTableId: !Ref PrivateRouteTable
  DbSubnetBRoutes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref DbSubnetB
      RouteTableId: !Ref PrivateRouteTable

  WebSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: !Sub "\${EnvironmentName}-web"
      GroupDescription: Public web servers
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - Description: HTTP from anywhere
          IpProtocol: tcp
          FromPort: 80
          ToPort: 80
          CidrIp: 0.0.0.0/0
        - Description: HTTP from anywhere
          IpProtocol: tcp
          FromPort: 80
          ToPort: 80
          CidrIpv6: ::/0
        - Description: HTTPS from anywhere
          IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
        - Description: HTTPS from anywhere
          IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIpv6: ::/0
        - !If
          - HasPartner
          - Description: Partner webhook callbacks
            IpProtocol: tcp
            FromPort: 8443
            ToPort: 8443
            CidrIp: !Ref PartnerCidr
          - !Ref AWS::NoValue
      SecurityGroupEgress:
        - Description: All outbound
          IpProtocol: "-1"
          CidrIp: 0.0.0.0/0
        - Description: All outbound
          IpProtocol: "-1"
          CidrIpv6: ::/0

  BastionSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: !Sub "\${EnvironmentName}-bastion"
      GroupDescription: SSH bastion host
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - Description: SSH for administrators
          IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: !Ref AdminCidr
      SecurityGroupEgress:
        - Description: All outbound
          IpProtocol: "-1"
          CidrIp: 0.0.0.0/0

  AppSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: !Sub "\${EnvironmentName}-app"
      GroupDescription: Application servers behind the web tier
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - Description: HTTP from the web tier
          IpProtocol: tcp
          FromPort: 8080
          ToPort: 8080
          SourceSecurityGroupId: !GetAtt WebSecurityGroup.GroupId
      SecurityGroupEgress:
        - Description: All outbound
          IpProtocol: "-1"
          CidrIp: 0.0.0.0/0

  WorkerSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: !Sub "\${EnvironmentName}-worker"
      GroupDescription: Batch worker uploading exports to S3
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - Description: SSH from the bastion
          IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          SourceSecurityGroupId: !Ref BastionSecurityGroup
      SecurityGroupEgress:
        - IpProtocol: "-1"
          CidrIp: 0.0.0.0/0

  DbSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: !Sub "\${EnvironmentName}-db"
      GroupDescription: PostgreSQL database
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - Description: PostgreSQL from app servers
          IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          SourceSecurityGroupId: !GetAtt AppSecurityGroup.GroupId

  # A separate ingress resource: the legacy VPN range, a whole /8, to the database.
  DbLegacyVpnIngress:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt DbSecurityGroup.GroupId
      IpProtocol: tcp
      FromPort: 5432
      ToPort: 5432
      CidrIp: !Ref LegacyVpnCidr

  CacheSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: !Sub "\${EnvironmentName}-cache"
      GroupDescription: Redis cache
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - Description: Redis
          IpProtocol: tcp
          FromPort: 6379
          ToPort: 6379
          CidrIp: 0.0.0.0/0

Outputs:
  VpcId:
    Value: !Ref Vpc
  BastionSecurityGroupId:
    Value: !GetAtt BastionSecurityGroup.GroupId
`;

  const json = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Egress Lens demo (JSON): the bastion and web groups of stack.yaml, plus a Windows jump host.',
    Parameters: {
      VpcId: { Type: 'AWS::EC2::VPC::Id' },
      AdminCidr: { Type: 'String', Default: '0.0.0.0/0', Description: 'Network allowed to reach the jump hosts' },
    },
    Resources: {
      BastionSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'SSH bastion host',
          VpcId: { Ref: 'VpcId' },
          SecurityGroupIngress: [
            { Description: 'SSH for administrators', IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { Ref: 'AdminCidr' } },
          ],
        },
      },
      WindowsJumpSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupName: { 'Fn::Sub': '${AWS::StackName}-rdp' },
          GroupDescription: 'Windows jump host',
          VpcId: { Ref: 'VpcId' },
          SecurityGroupIngress: [
            { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, CidrIp: '0.0.0.0/0' },
          ],
        },
      },
      WebSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'Public web servers',
          VpcId: { Ref: 'VpcId' },
          SecurityGroupIngress: [
            { Description: 'HTTPS from anywhere', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
          ],
        },
      },
      WebFromBastionIngress: {
        Type: 'AWS::EC2::SecurityGroupIngress',
        Properties: {
          Description: 'SSH from the bastion',
          GroupId: { 'Fn::GetAtt': ['WebSecurityGroup', 'GroupId'] },
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          SourceSecurityGroupId: { 'Fn::GetAtt': ['BastionSecurityGroup', 'GroupId'] },
        },
      },
    },
  };
  return {
    'cloudformation/stack.yaml': yaml,
    'cloudformation/stack.json': JSON.stringify(json, null, 2) + '\n',
  };
}

// ---------------------------------------------------------------------------------------------
// Flow logs
// ---------------------------------------------------------------------------------------------

export type StoryId =
  | 'web-downloads'
  | 's3-via-nat'
  | 'cross-az-db'
  | 'same-az-db'
  | 'web-to-app'
  | 'ssh-scan-rejected'
  | 'bastion-ssh-ipv6-rejected'
  | 'port-scan-rejected'
  | 'ssh-bruteforce-accepted'
  | 'admin-ssh'
  | 'bastion-to-worker'
  | 'api-egress-via-nat';

type Observer = { eni: EniKey; side: 'client' | 'server' } | { eni: 'nat'; side: 'nat'; natPort: number };

interface Seg {
  start: number;
  end: number;
  reqPkts: number;
  reqBytes: number;
  respPkts: number;
  respBytes: number;
  cFlags: number;
  sFlags: number;
}

interface Conv {
  story: StoryId;
  client: string;
  cport: number;
  server: string;
  sport: number;
  action: 'ACCEPT' | 'REJECT';
  segs: Seg[];
  observers: Observer[];
  /** AWS service name of the server address (pkt-*-aws-service), if any. */
  serverService?: string;
}

interface Rec {
  start: number;
  fields: string[];
}

const WINDOW_END = WINDOW_START + WINDOW_SECONDS;
const SYN = 2;
const FIN = 1;
const SYN_ACK = 18;

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = Number(bits);
  const size = 2 ** (32 - n);
  return Math.floor(ipToInt(ip) / size) === Math.floor(ipToInt(base) / size);
}
const inVpc = (ip: string) => (ip.includes(':') ? ip.startsWith(IDS.vpcIpv6Cidr.slice(0, 16)) : inCidr(ip, IDS.vpcCidr));

/** traffic-path of an egress record leaving `eni` towards `peer`. */
function trafficPath(eni: EniKey, peer: string): number {
  if (inVpc(peer)) return 1;
  if (eni === 'nat') return 8; // NAT gateway → internet gateway (Nitro)
  const tier = IDS.subnets[IDS.enis[eni].subnet].tier;
  return tier === 'public' ? 8 : 1; // private subnets reach the internet through the NAT gateway (same VPC)
}

/**
 * The 60-second aggregation intervals of a conversation active over [t0, t1], clipped to the
 * window. Capture windows are not aligned to the wall clock: each conversation gets its own phase,
 * and a record's start/end are its first/last packet (a second or so inside the window).
 * Flags: SYN on the first interval if the conversation starts inside the window, FIN on the last
 * if it ends inside. `active(i)` may drop idle intervals (never the first or last).
 */
function intervals(rng: Rng, t0: number, t1: number, active: (i: number) => boolean = () => true): { start: number; end: number; first: boolean; last: boolean }[] {
  const out: { start: number; end: number; first: boolean; last: boolean }[] = [];
  const lo = Math.max(t0, WINDOW_START);
  const hi = Math.min(t1, WINDOW_END - 1);
  if (hi < lo) return out;
  // Conversations running across the window's edges keep the clock-aligned phase, so the hour's
  // files cover exactly 10:00:00–10:59:59 (a capture window that opened earlier belongs to the
  // previous hour's files; one still open at 11:00 is cut there).
  const phase = t0 < WINDOW_START || t1 > WINDOW_END - 1 ? 0 : rng.int(0, 59);
  const k0 = Math.floor((lo - phase) / 60);
  const k1 = Math.floor((hi - phase) / 60);
  for (let k = k0; k <= k1; k++) {
    if (t0 < WINDOW_START && k * 60 + phase < WINDOW_START) continue;
    const s = Math.max(lo, k * 60 + phase + (k === k0 ? 0 : rng.int(0, 1)));
    const e = Math.max(s, Math.min(hi, k * 60 + phase + 59 - (k === k1 ? 0 : rng.int(0, 1))));
    const first = k === k0 && t0 >= WINDOW_START;
    const last = k === k1 && t1 <= WINDOW_END - 1;
    if (!first && !last && k !== k0 && k !== k1 && !active(k - k0)) continue;
    out.push({ start: s, end: e, first, last });
  }
  return out;
}

/** Packets for `bytes` of bulk data at about `size` bytes per packet. */
function bulkPackets(rng: Rng, bytes: number, size: number): number {
  return Math.max(1, Math.round(bytes / (size * (0.93 + rng.float() * 0.06))));
}

/** The other direction of a bulk transfer: ACKs (every second segment) plus a small payload. */
function ackSide(rng: Rng, bulkPkts: number, payload: number, pktSize: number, hdr: number): { pkts: number; bytes: number } {
  const pkts = Math.max(1, Math.round(bulkPkts / 2), Math.ceil(payload / (pktSize - hdr))) + rng.int(0, 3);
  return { pkts, bytes: pkts * hdr + payload };
}

/**
 * Fills segments for a conversation whose bulk bytes flow one way. `bulkPerSecond(i)` gives the
 * rate in interval i; the other direction is ACKs plus `otherPerSecond` of payload.
 */
function fillSegs(
  rng: Rng,
  iv: ReturnType<typeof intervals>,
  bulk: 'req' | 'resp',
  bulkPerSecond: (i: number) => number,
  otherPerSecond: (i: number) => number,
  pktSize: number,
  opts: { minBulk?: number; minOther?: number; ipv6?: boolean } = {},
): Seg[] {
  return iv.map((v, i) => {
    const secs = v.end - v.start + 1;
    const b = Math.max(opts.minBulk ?? 200, Math.round(bulkPerSecond(i) * secs));
    const bp = bulkPackets(rng, b, pktSize);
    const o = ackSide(rng, bp, Math.max(opts.minOther ?? 0, Math.round(otherPerSecond(i) * secs)), pktSize, opts.ipv6 ? 72 : 52);
    const [reqBytes, reqPkts, respBytes, respPkts] = bulk === 'req' ? [b, bp, o.bytes, o.pkts] : [o.bytes, o.pkts, b, bp];
    return {
      start: v.start,
      end: v.end,
      reqBytes,
      reqPkts,
      respBytes,
      respPkts,
      cFlags: (v.first ? SYN : 0) | (v.last ? FIN : 0),
      sFlags: (v.first ? SYN_ACK : 0) | (v.last ? FIN : 0),
    };
  });
}

function recordsOf(c: Conv, rng: Rng): Rec[] {
  const out: Rec[] = [];
  const svc = (addr: string) => (addr === c.server && c.serverService ? c.serverService : '-');
  const rec = (
    eni: EniKey, start: number, end: number, src: string, dst: string, sp: number, dp: number, pkts: number, bytes: number,
    flags: number, dir: 'ingress' | 'egress', pktSrc: string, pktDst: string,
  ) => {
    const e = IDS.enis[eni];
    const s = IDS.subnets[e.subnet];
    const peer = dir === 'egress' ? pktDst : pktSrc;
    out.push({
      start,
      fields: [
        '5', ACCOUNT, e.id, src, dst, String(sp), String(dp), '6', String(pkts), String(bytes), String(start), String(end),
        c.action, 'OK', IDS.vpc, s.id, e.instance ?? '-', String(flags), src.includes(':') ? 'IPv6' : 'IPv4', pktSrc, pktDst, REGION, s.azId, dir,
        dir === 'egress' ? String(trafficPath(eni, peer)) : '-', svc(pktSrc), svc(pktDst),
      ],
    });
  };
  for (const seg of c.segs) {
    // The response record of an interval starts when the first response packet arrives.
    const rs = Math.min(seg.end, seg.start + (seg.end > seg.start && rng.chance(0.3) ? 1 : 0));
    for (const o of c.observers) {
      if (o.side === 'client') {
        rec(o.eni, seg.start, seg.end, c.client, c.server, c.cport, c.sport, seg.reqPkts, seg.reqBytes, seg.cFlags, 'egress', c.client, c.server);
        if (c.action === 'ACCEPT') rec(o.eni, rs, seg.end, c.server, c.client, c.sport, c.cport, seg.respPkts, seg.respBytes, seg.sFlags, 'ingress', c.server, c.client);
      } else if (o.side === 'server') {
        rec(o.eni, seg.start, seg.end, c.client, c.server, c.cport, c.sport, seg.reqPkts, seg.reqBytes, seg.cFlags, 'ingress', c.client, c.server);
        if (c.action === 'ACCEPT') rec(o.eni, rs, seg.end, c.server, c.client, c.sport, c.cport, seg.respPkts, seg.respBytes, seg.sFlags, 'egress', c.server, c.client);
      } else if (o.side === 'nat') {
        // NAT gateway ENI: four records per interval. srcaddr/dstaddr show the NAT's own private
        // address on the translated legs; pkt-srcaddr/pkt-dstaddr keep the real endpoints.
        const nat = IDS.enis.nat.ip;
        rec('nat', seg.start, seg.end, c.client, nat, c.cport, c.sport, seg.reqPkts, seg.reqBytes, seg.cFlags, 'ingress', c.client, c.server);
        rec('nat', seg.start, seg.end, nat, c.server, o.natPort, c.sport, seg.reqPkts, seg.reqBytes, seg.cFlags, 'egress', nat, c.server);
        rec('nat', rs, seg.end, c.server, nat, c.sport, o.natPort, seg.respPkts, seg.respBytes, seg.sFlags, 'ingress', c.server, nat);
        rec('nat', rs, seg.end, nat, c.client, c.sport, c.cport, seg.respPkts, seg.respBytes, seg.sFlags, 'egress', c.server, c.client);
      }
    }
  }
  return out;
}

function noDataRecord(eni: EniKey, start: number, status: 'NODATA' | 'SKIPDATA'): Rec {
  const e = IDS.enis[eni];
  const s = IDS.subnets[e.subnet];
  return {
    start,
    fields: [
      '5', ACCOUNT, e.id, '-', '-', '-', '-', '-', '-', '-', String(start), String(start + 59), '-', status, IDS.vpc, s.id,
      e.instance ?? '-', '-', '-', '-', '-', REGION, s.azId, '-', '-', '-', '-',
    ],
  };
}

// Address pools (IPv4 only). Internet clients look like residential ISPs; S3 addresses are in
// AWS's published S3 ranges for us-east-1; API endpoints are well-known SaaS front doors.
const S3_PREFIXES = ['52.216', '52.217', '54.231', '16.182', '3.5'];
const API_ENDPOINTS = ['140.82.112.3', '104.18.12.33', '151.101.1.69', '35.190.247.13', '13.107.42.14', '199.232.68.133', '34.117.59.81', '185.199.108.133'];
const CLIENT_PREFIXES = ['73', '24', '81', '86', '90', '2', '101', '187', '49', '177', '92', '109', '68', '71', '98', '174'];
const SCANNER_PREFIXES = ['45.148', '185.224', '193.32', '141.98', '92.118', '218.92', '61.177', '179.43', '80.94', '194.26'];
// IPv6: residential ISPs (Comcast, Deutsche Telekom, BT, Jio) and hosting ranges scanners rent.
const CLIENT6_PREFIXES = ['2601:18c', '2003:e2', '2a00:23c7', '2409:40e3'];
const SCANNER6_PREFIXES = ['2a01:4f8:c17', '2604:a880:400', '2a03:b0c0:3', '2001:470:1f07'];

function publicIp6(rng: Rng, prefix: string): string {
  const groups = prefix.split(':');
  while (groups.length < 8) groups.push(rng.int(0, 0xffff).toString(16));
  return groups.join(':');
}

function publicIp(rng: Rng, prefix: string): string {
  const parts = prefix.split('.');
  while (parts.length < 4) parts.push(String(rng.int(parts.length === 3 ? 1 : 0, parts.length === 3 ? 254 : 255)));
  return parts.join('.');
}
function pool(rng: Rng, n: number, prefixes: string[]): string[] {
  const set = new Set<string>();
  while (set.size < n) {
    const p = rng.pick(prefixes);
    set.add(p.includes(':') ? publicIp6(rng, p) : publicIp(rng, p));
  }
  return [...set];
}
const linuxPort = (rng: Rng) => rng.int(32768, 60999);
const clientPort = (rng: Rng) => (rng.chance(0.6) ? rng.int(49152, 65535) : rng.int(32768, 60999));

/** How many records a set of conversations produces (before NODATA/SKIPDATA). */
function countRecords(convs: Conv[]): number {
  let n = 0;
  for (const c of convs) for (const o of c.observers) n += c.segs.length * (o.side === 'nat' ? 4 : c.action === 'ACCEPT' ? 2 : 1);
  return n;
}

/**
 * The conversations for about `records` records: a first pass at the nominal scale, then one
 * correction so the count lands near the request (fixed minimums dominate below ~1,000).
 */
function planConversations(seed: number, records: number, fixed: number): Conv[] {
  const want = Math.max(1, records - fixed);
  const s0 = records / DEFAULT_RECORDS;
  const first = countRecords(buildConversations(new Rng(seed), s0));
  return buildConversations(new Rng(seed), s0 * (want / Math.max(1, first)));
}

function buildConversations(rng: Rng, s: number): Conv[] {
  const n = (base: number, min = 1) => Math.max(min, Math.round(base * s));
  const convs: Conv[] = [];
  const tIn = (pad = 0) => WINDOW_START + rng.int(0, WINDOW_SECONDS - 1 - pad);
  const MB = 1_000_000;

  // (a) Internet clients downloading from the web servers (ingress conversations, egress bytes).
  const clients = pool(rng, n(240, 3), CLIENT_PREFIXES);
  const clients6 = pool(rng, n(40, 2), CLIENT6_PREFIXES);
  for (let i = n(400); i > 0; i--) {
    const v6 = rng.chance(0.15);
    const big = rng.chance(0.4);
    const size = big ? rng.logInt(25 * MB, 180 * MB) : rng.logInt(20_000, 1_500_000);
    const rate = rng.logInt(1_500_000, 12_000_000);
    const t0 = tIn(5);
    const t1 = t0 + Math.max(0, Math.ceil(size / rate) - 1);
    const iv = intervals(rng, t0, t1);
    const secs = iv.reduce((a, v) => a + v.end - v.start + 1, 0);
    const web: EniKey = rng.chance(0.55) ? 'web_a' : 'web_b';
    convs.push({
      story: 'web-downloads', client: rng.pick(v6 ? clients6 : clients), cport: clientPort(rng),
      server: v6 ? IDS.enis[web].ipv6! : IDS.enis[web].ip, sport: rng.chance(0.85) ? 443 : 80, action: 'ACCEPT',
      segs: fillSegs(rng, iv, 'resp', () => size / secs, (i) => (i === 0 ? 2400 / Math.max(1, iv[0].end - iv[0].start + 1) : 0), v6 ? 1428 : 1448, { ipv6: v6 }),
      observers: [{ eni: web, side: 'server' }],
    });
  }

  // (b) The worker uploads exports to S3 through the NAT gateway, in four batches.
  const batches = [120, 1020, 1920, 2820];
  const nUploads = n(26);
  for (let i = 0; i < nUploads; i++) {
    const t0 = WINDOW_START + batches[i % 4] + rng.int(0, 40);
    const t1 = t0 + rng.int(150, 420);
    const rate = rng.logInt(3 * MB, 6 * MB);
    const iv = intervals(rng, t0, t1);
    convs.push({
      story: 's3-via-nat', client: IDS.enis.worker.ip, cport: linuxPort(rng), server: publicIp(rng, rng.pick(S3_PREFIXES)), sport: 443,
      action: 'ACCEPT', serverService: 'S3',
      segs: fillSegs(rng, iv, 'req', () => rate * (0.85 + rng.float() * 0.3), () => 40, 1448),
      observers: [{ eni: 'worker', side: 'client' }, { eni: 'nat', side: 'nat', natPort: rng.int(1024, 65535) }],
    });
  }
  // ... and fetches job manifests from S3 (small downloads).
  for (let i = n(6); i > 0; i--) {
    const t0 = tIn(30);
    const size = rng.logInt(50_000, 5 * MB);
    const iv = intervals(rng, t0, t0 + rng.int(0, 3));
    const secs = iv.reduce((a, v) => a + v.end - v.start + 1, 0);
    convs.push({
      story: 's3-via-nat', client: IDS.enis.worker.ip, cport: linuxPort(rng), server: publicIp(rng, rng.pick(S3_PREFIXES)), sport: 443,
      action: 'ACCEPT', serverService: 'S3',
      segs: fillSegs(rng, iv, 'resp', () => size / secs, () => 600 / secs, 1448),
      observers: [{ eni: 'worker', side: 'client' }, { eni: 'nat', side: 'nat', natPort: rng.int(1024, 65535) }],
    });
  }

  // (c) Connection pools app → PostgreSQL. app_a is in us-east-1a, the database in us-east-1b.
  // `lanes` concurrent pooled connections, each renewed when its lifetime ends. Below one lane
  // (small --records) the single lane covers only that fraction of the hour.
  const pooled = (story: StoryId, from: EniKey, to: EniKey, port: number, laneWeight: number, respPerMin: [number, number], reqPerMin: [number, number], pActive: number, lifetime: [number, number]) => {
    const lanes = Math.max(1, Math.round(laneWeight * s));
    const span = Math.round(WINDOW_SECONDS * Math.min(1, (laneWeight * s) / lanes));
    for (let l = 0; l < lanes; l++) {
      let t0 = WINDOW_START - rng.int(60, 900); // the first connection predates the window: no SYN seen
      while (t0 < WINDOW_START + span) {
        const t1 = t0 + rng.int(lifetime[0], lifetime[1]);
        const iv = intervals(rng, t0, t1, () => rng.chance(pActive));
        const resp = iv.map(() => rng.logInt(respPerMin[0], respPerMin[1]) / 60);
        const req = iv.map(() => rng.logInt(reqPerMin[0], reqPerMin[1]) / 60);
        if (iv.length) {
          convs.push({
            story, client: IDS.enis[from].ip, cport: linuxPort(rng), server: IDS.enis[to].ip, sport: port, action: 'ACCEPT',
            segs: fillSegs(rng, iv, 'resp', (i) => resp[i], (i) => req[i], 8949),
            observers: [{ eni: from, side: 'client' }, { eni: to, side: 'server' }],
          });
        }
        t0 = t1 + rng.int(1, 5);
      }
    }
  };
  pooled('cross-az-db', 'app_a', 'db', 5432, 1, [60 * MB, 160 * MB], [8 * MB, 25 * MB], 1, [600, 1500]);
  pooled('same-az-db', 'app_b', 'db', 5432, 1, [20 * MB, 60 * MB], [3 * MB, 8 * MB], 0.6, [600, 1500]);
  // Web tier → app tier on 8080 (allowed by the referenced-group rule), same AZ each.
  pooled('web-to-app', 'web_a', 'app_a', 8080, 1, [2 * MB, 10 * MB], [300_000, 1_500_000], 0.5, [300, 900]);
  pooled('web-to-app', 'web_b', 'app_b', 8080, 1, [2 * MB, 10 * MB], [300_000, 1_500_000], 0.5, [300, 900]);

  // (d) Scanners. SSH to the web servers is not allowed: REJECT. The bastion's other ports: REJECT.
  const scanners = pool(rng, n(50, 3), SCANNER_PREFIXES);
  const scanners6 = pool(rng, n(12, 2), SCANNER6_PREFIXES);
  const syn = (story: StoryId, eni: EniKey, dport: number, v6 = false) => {
    const t0 = tIn(2);
    const pkts = rng.chance(0.7) ? 1 : 2;
    const size = v6 ? rng.pick([60, 80]) : rng.pick([40, 44, 60]);
    convs.push({
      story, client: rng.pick(v6 ? scanners6 : scanners), cport: rng.int(1024, 65535), server: v6 ? IDS.enis[eni].ipv6! : IDS.enis[eni].ip,
      sport: dport, action: 'REJECT',
      segs: [{ start: t0, end: t0 + (pkts - 1) * rng.int(1, 2), reqPkts: pkts, reqBytes: pkts * size, respPkts: 0, respBytes: 0, cFlags: SYN, sFlags: 0 }],
      observers: [{ eni, side: 'server' }],
    });
  };
  for (let i = n(70); i > 0; i--) syn('ssh-scan-rejected', rng.chance(0.5) ? 'web_a' : 'web_b', 22);
  for (let i = n(50); i > 0; i--) syn('port-scan-rejected', 'bastion', rng.pick([23, 2222, 3389, 5900, 445, 1433, 3306, 6379, 8080]));
  // The bastion's SSH rule opens 22 to 0.0.0.0/0 only, so SSH scans over IPv6 are rejected.
  for (let i = n(30); i > 0; i--) syn('bastion-ssh-ipv6-rejected', 'bastion', 22, true);
  // SSH to the bastion is open to 0.0.0.0/0, so the same scanners get in to try passwords: ACCEPT.
  for (let i = n(45); i > 0; i--) {
    const t0 = tIn(15);
    const iv = intervals(rng, t0, t0 + rng.int(2, 12));
    convs.push({
      story: 'ssh-bruteforce-accepted', client: rng.pick(scanners), cport: rng.int(1024, 65535), server: IDS.enis.bastion.ip, sport: 22,
      action: 'ACCEPT',
      segs: iv.map((v) => {
        const reqPkts = rng.int(10, 24);
        const respPkts = rng.int(9, 20);
        return {
          start: v.start, end: v.end, reqPkts, reqBytes: reqPkts * 52 + rng.int(1400, 3200), respPkts, respBytes: respPkts * 52 + rng.int(1800, 3400),
          cFlags: (v.first ? SYN : 0) | (v.last ? FIN : 0), sFlags: (v.first ? SYN_ACK : 0) | (v.last ? FIN : 0),
        };
      }),
      observers: [{ eni: 'bastion', side: 'server' }],
    });
  }
  // The one administrator, from the office IP, and on to the worker.
  for (let i = n(3); i > 0; i--) {
    const t0 = tIn(600);
    const iv = intervals(rng, t0, t0 + rng.int(300, 900), () => rng.chance(0.8));
    convs.push({
      story: 'admin-ssh', client: IDS.adminIp, cport: rng.int(49152, 65535), server: IDS.enis.bastion.ip, sport: 22, action: 'ACCEPT',
      segs: fillSegs(rng, iv, 'resp', () => rng.logInt(10_000, 300_000) / 60, () => rng.logInt(5_000, 40_000) / 60, 600),
      observers: [{ eni: 'bastion', side: 'server' }],
    });
  }
  for (let i = n(2); i > 0; i--) {
    const t0 = tIn(500);
    const iv = intervals(rng, t0, t0 + rng.int(180, 480), () => rng.chance(0.8));
    convs.push({
      story: 'bastion-to-worker', client: IDS.enis.bastion.ip, cport: linuxPort(rng), server: IDS.enis.worker.ip, sport: 22, action: 'ACCEPT',
      segs: fillSegs(rng, iv, 'resp', () => rng.logInt(10_000, 300_000) / 60, () => rng.logInt(5_000, 40_000) / 60, 600),
      observers: [{ eni: 'bastion', side: 'client' }, { eni: 'worker', side: 'server' }],
    });
  }

  // (e) App servers calling internet APIs through the NAT gateway (egress conversations).
  for (let i = n(40); i > 0; i--) {
    const from: EniKey = rng.chance(0.5) ? 'app_a' : 'app_b';
    const feed = rng.chance(0.3);
    const size = feed ? rng.logInt(20 * MB, 200 * MB) : rng.logInt(5_000, 400_000);
    const t0 = tIn(30);
    const t1 = t0 + Math.max(0, Math.ceil(size / rng.logInt(2 * MB, 10 * MB)) - 1);
    const iv = intervals(rng, t0, t1);
    const secs = iv.reduce((a, v) => a + v.end - v.start + 1, 0);
    const payload = rng.logInt(2_000, 80_000);
    convs.push({
      story: 'api-egress-via-nat', client: IDS.enis[from].ip, cport: linuxPort(rng), server: rng.pick(API_ENDPOINTS), sport: 443, action: 'ACCEPT',
      segs: fillSegs(rng, iv, 'resp', () => size / secs, (j) => (j === 0 ? payload / (iv[0].end - iv[0].start + 1) : 0), 1448),
      observers: [{ eni: from, side: 'client' }, { eni: 'nat', side: 'nat', natPort: rng.int(1024, 65535) }],
    });
  }
  return convs;
}

export interface StoryTotals {
  conversations: number;
  records: number;
  /** Client → server bytes and packets within the window (each conversation counted once). */
  requestBytes: number;
  requestPackets: number;
  /** Server → client bytes and packets within the window. */
  responseBytes: number;
  responsePackets: number;
  /** Distinct client addresses. */
  clients: number;
  action: 'ACCEPT' | 'REJECT';
}

export interface StoryLedger {
  seed: number;
  recordsRequested: number;
  window: { start: string; end: string };
  files: { path: string; lines: number; records: number; nodata: number; skipdata: number; malformed: number }[];
  totals: { lines: number; records: number; nodata: number; skipdata: number; malformed: number };
  stories: Record<StoryId, StoryTotals>;
  /** Bytes per interface from the records' own flow-direction (what each ENI saw). */
  interfaces: Record<string, { role: string; ingressBytes: number; egressBytes: number; records: number }>;
}

interface FlowOutput {
  files: { path: string; data: Buffer }[];
  ledger: StoryLedger;
}

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

function buildFlowLogs(seed: number, records: number): FlowOutput {
  const nFilesFixed = WINDOW_SECONDS / FILE_SECONDS;
  const convs = planConversations(seed, records, nFilesFixed + 1);
  const rng = new Rng(seed ^ 0x0f1e2d3c);
  const nameRng = new Rng(seed ^ 0x5eed5eed);
  const nFiles = WINDOW_SECONDS / FILE_SECONDS;
  // Records are kept as finished lines only (memory: --records in the millions).
  const buckets: { start: number; line: string }[][] = Array.from({ length: nFiles }, () => []);
  const stories = {} as Record<StoryId, StoryTotals>;
  const clientsByStory = new Map<StoryId, Set<string>>();
  const interfaces: StoryLedger['interfaces'] = {};
  for (const k of Object.keys(IDS.enis) as EniKey[]) interfaces[IDS.enis[k].id] = { role: IDS.enis[k].role, ingressBytes: 0, egressBytes: 0, records: 0 };
  const eniIndex = FLOW_FIELDS.indexOf('interface-id');
  const bytesIndex = FLOW_FIELDS.indexOf('bytes');
  const dirIndex = FLOW_FIELDS.indexOf('flow-direction');

  const place = (r: Rec) => {
    const i = Math.floor((r.start - WINDOW_START) / FILE_SECONDS);
    if (i < 0 || i >= nFiles) throw new Error(`record outside the window: ${r.fields.join(' ')}`);
    buckets[i].push({ start: r.start, line: r.fields.join(' ') });
    const itf = interfaces[r.fields[eniIndex]];
    itf.records++;
    if (r.fields[dirIndex] === 'ingress') itf.ingressBytes += Number(r.fields[bytesIndex]);
    if (r.fields[dirIndex] === 'egress') itf.egressBytes += Number(r.fields[bytesIndex]);
  };

  for (const c of convs) {
    const recs = recordsOf(c, rng);
    const st = (stories[c.story] ??= { conversations: 0, records: 0, requestBytes: 0, requestPackets: 0, responseBytes: 0, responsePackets: 0, clients: 0, action: c.action });
    st.conversations++;
    st.records += recs.length;
    for (const seg of c.segs) {
      st.requestBytes += seg.reqBytes;
      st.requestPackets += seg.reqPkts;
      st.responseBytes += seg.respBytes;
      st.responsePackets += seg.respPkts;
    }
    if (!clientsByStory.has(c.story)) clientsByStory.set(c.story, new Set());
    clientsByStory.get(c.story)!.add(c.client);
    for (const r of recs) place(r);
  }
  for (const [k, set] of clientsByStory) stories[k].clients = set.size;

  // (f) The idle Redis node reports NODATA; the NAT gateway skipped a few records once.
  const nodata = new Array<number>(nFiles).fill(0);
  const skipdata = new Array<number>(nFiles).fill(0);
  for (let i = 0; i < nFiles; i++) {
    const r = noDataRecord('cache', WINDOW_START + i * FILE_SECONDS + rng.int(0, 200), 'NODATA');
    buckets[i].push({ start: r.start, line: r.fields.join(' ') });
    interfaces[IDS.enis.cache.id].records++;
    nodata[i]++;
  }
  const skipFile = 8;
  const skip = noDataRecord('nat', WINDOW_START + skipFile * FILE_SECONDS + rng.int(0, 200), 'SKIPDATA');
  buckets[skipFile].push({ start: skip.start, line: skip.fields.join(' ') });
  interfaces[IDS.enis.nat.id].records++;
  skipdata[skipFile]++;

  const header = FLOW_FIELDS.join(' ');
  const files: FlowOutput['files'] = [];
  const fileStats: StoryLedger['files'] = [];
  const malformedFile = 6;
  for (let i = 0; i < nFiles; i++) {
    const recs = buckets[i].map((r, j) => ({ r, j })).sort((a, b) => a.r.start - b.r.start || a.j - b.j).map((x) => x.r);
    const lines = recs.map((r) => r.line);
    buckets[i] = [];
    let malformed = 0;
    if (i === malformedFile && lines.length > 0) {
      // A record cut short mid-line (as a truncated upload looks) and one with a corrupt port.
      const a = Math.min(lines.length, 11);
      const truncated = lines[a - 1].split(' ').slice(0, 9).join(' ');
      lines.splice(a, 0, truncated);
      const b = Math.min(lines.length, 41);
      const bad = lines[b - 1].split(' ');
      bad[FLOW_FIELDS.indexOf('dstport')] = 'https';
      lines.splice(b, 0, bad.join(' '));
      malformed = 2;
    }
    const t = WINDOW_START + (i + 1) * FILE_SECONDS;
    const d = new Date(t * 1000);
    const stamp = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}T${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}Z`;
    const dir = `flowlogs/AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/2026/11/20`;
    const path = `${dir}/${ACCOUNT}_vpcflowlogs_${REGION}_${FLOW_LOG_ID}_${stamp}_${nameRng.hex(8)}.log.gz`;
    files.push({ path, data: gzipDeterministic(header + '\n' + lines.join('\n') + '\n') });
    fileStats.push({ path, lines: lines.length, records: lines.length - malformed - nodata[i] - skipdata[i], nodata: nodata[i], skipdata: skipdata[i], malformed });
  }
  const sum = (k: 'lines' | 'records' | 'nodata' | 'skipdata' | 'malformed') => fileStats.reduce((a, f) => a + f[k], 0);
  return {
    files,
    ledger: {
      seed,
      recordsRequested: records,
      window: { start: iso(WINDOW_START), end: iso(WINDOW_END) },
      files: fileStats,
      totals: { lines: sum('lines'), records: sum('records'), nodata: sum('nodata'), skipdata: sum('skipdata'), malformed: sum('malformed') },
      stories,
      interfaces,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// README (numbers filled in from the ledger so they never drift)
// ---------------------------------------------------------------------------------------------

/** GiB (2^30 bytes), the unit AWS bills data transfer in. */
const gb = (b: number) => (b / 2 ** 30).toFixed(2);
const STORY_TEXT: Record<StoryId, string> = {
  'web-downloads': 'Internet clients download files over HTTPS/HTTP from the two web servers (public subnets, direct via the internet gateway). Started outside: **ingress** conversations, yet the response bytes are internet **egress** and are billed.',
  's3-via-nat': 'The worker (private subnet, us-east-1a) uploads exports to S3 and fetches manifests. With no S3 gateway endpoint the traffic goes through the NAT gateway and pays NAT processing per GB. Seen on the worker ENI and on the NAT gateway ENI (`pkt-dst-aws-service`/`pkt-src-aws-service` = `S3`).',
  'cross-az-db': 'Connection pool app server us-east-1a → PostgreSQL in us-east-1b on 5432: **internal**, **cross-AZ** (charged in both directions). The first connection predates the window (no SYN seen: direction from the listening port).',
  'same-az-db': 'app server us-east-1b → PostgreSQL us-east-1b: internal, same AZ, free.',
  'web-to-app': 'Web tier → app tier on 8080, same AZ, allowed by the app group\'s rule that references the web group (not open to the world).',
  'ssh-scan-rejected': 'Internet scanners probe port 22 on the web servers; the web group has no SSH rule: **REJECT**, no response records.',
  'bastion-ssh-ipv6-rejected': 'SSH scans of the bastion over **IPv6** are **REJECT**ed: its SSH rule opens 22 to `0.0.0.0/0` only (no `::/0`).',
  'port-scan-rejected': 'Scanners probe the bastion on other ports (23, 2222, 3389, 5900, 445, 1433, 3306, 6379, 8080): **REJECT**.',
  'ssh-bruteforce-accepted': 'The same scanners reach the bastion on 22 and are **ACCEPTED** — the bastion\'s SSH rule is open to 0.0.0.0/0 (via `var.admin_cidrs`). Short password-guessing sessions.',
  'admin-ssh': `The administrator's SSH sessions from the office address ${IDS.adminIp} to the bastion.`,
  'bastion-to-worker': 'The administrator hops from the bastion to the worker (allowed by the worker rule that references the bastion group).',
  'api-egress-via-nat': 'App servers call internet APIs and pull data feeds over HTTPS through the NAT gateway: **egress** conversations; most bytes are the responses coming back (NAT processing applies both ways).',
};

function readme(ledger: StoryLedger): string {
  const sgRows = SECURITY_GROUPS.map((g) => {
    const id = IDS.securityGroups[g.key];
    const enis = (Object.keys(IDS.enis) as EniKey[]).filter((k) => IDS.enis[k].sgs.includes(g.key)).map((k) => k).join(', ') || '—';
    return `| \`${id.id}\` | ${id.name} | \`${g.tf}\` | ${enis} |`;
  });
  const eniRows = (Object.keys(IDS.enis) as EniKey[]).map((k) => {
    const e = IDS.enis[k];
    const s = IDS.subnets[e.subnet];
    return `| \`${e.id}\` | ${k} | ${e.role} | ${e.ip}${e.publicIp ? ` (${e.publicIp})` : ''} | ${e.subnet} ${s.az}/${s.azId} | ${e.sgs.map((g) => IDS.securityGroups[g].name).join(', ') || '—'} |`;
  });
  const storyRows = (Object.keys(STORY_TEXT) as StoryId[]).filter((k) => ledger.stories[k]).map((k) => {
    const t = ledger.stories[k];
    return `| ${k} | ${t.conversations} | ${t.records} | ${t.action} | ${gb(t.requestBytes)} | ${gb(t.responseBytes)} | ${t.clients} |`;
  });
  const st = ledger.stories;
  const both = (k: StoryId) => (st[k] ? st[k].requestBytes + st[k].responseBytes : 0);
  const internetOut = st['web-downloads'].responseBytes + st['ssh-bruteforce-accepted'].responseBytes + st['admin-ssh'].responseBytes + st['api-egress-via-nat'].requestBytes;
  const money = (b: number, perGb: number) => `$${((b / 2 ** 30) * perGb).toFixed(2)}`;
  const monthly = (b: number, perGb: number) => `$${Math.round((b / 2 ** 30) * perGb * 730).toLocaleString('en-US')}`;
  const costRows = [
    ['internet egress (web responses, API requests, SSH replies)', internetOut, 0.09],
    ['NAT gateway processing, S3 (both directions)', both('s3-via-nat'), 0.045],
    ['NAT gateway processing, internet APIs (both directions)', both('api-egress-via-nat'), 0.045],
    ['cross-AZ, app us-east-1a ↔ db us-east-1b ($0.01/GB each side)', both('cross-az-db'), 0.02],
  ] as const;
  return `# Egress Lens demo workspace

A small but realistic AWS setup, generated by \`scripts/gen-sample.ts\` (\`npm run sample\`; seed
${ledger.seed}, ${ledger.recordsRequested} records requested). Do not edit by hand: change the generator and
re-run it — a unit test checks that this directory equals the generator's output.

Account \`${ACCOUNT}\`, region \`${REGION}\`, VPC \`${IDS.vpc}\` (${IDS.vpcCidr}) in two AZs
(us-east-1a = use1-az1, us-east-1b = use1-az2). One NAT gateway \`${IDS.nat}\` in public-a serves
every private subnet, and the VPC has **no S3 gateway endpoint**. The VPC also has an Amazon IPv6 block
(${IDS.vpcIpv6Cidr}); only the public subnets use it.

| path | what |
|---|---|
| \`terraform/\` | the infrastructure as Terraform (variables with defaults, a tfvars file, locals, inline and separate rules, the security-group module) |
| \`terraform/terraform.tfstate\` | state (format 4) mapping each resource address to its deployed id |
| \`cloudformation/stack.yaml\` | an equivalent stack in YAML with short tags; \`stack.json\` a small JSON template |
| \`inventory/\` | \`aws ec2 describe-… --output json\`, one file per call: VPCs, subnets, security groups, network interfaces, instances, NAT and internet gateways, route tables, VPC endpoints (none) and the flow log (its \`LogFormat\`) |
| \`flowlogs/\` | VPC flow logs as delivered to S3: ${ledger.files.length} gzip files of 5 minutes each, a header line, custom v5 format |
| \`story.json\` | the generator's ledger: per-story and per-interface byte counts, per-file line counts |

## The story (${ledger.window.start} – ${ledger.window.end})

| story | conversations | records | action | request GiB | response GiB | clients |
|---|---:|---:|---|---:|---:|---:|
${storyRows.join('\n')}

${(Object.keys(STORY_TEXT) as StoryId[]).map((k) => `- **${k}** — ${STORY_TEXT[k]}`).join('\n')}
- **NODATA / SKIPDATA / malformed** — the idle Redis node reports NODATA once per file
  (${ledger.totals.nodata} records); the NAT gateway reports one SKIPDATA record; file ${ledger.files.findIndex((f) => f.malformed > 0) + 1}
  holds ${ledger.totals.malformed} malformed lines (a truncated record and a non-numeric port) that readers must count as skipped.

Totals: ${ledger.totals.lines} data lines (+1 header per file) = ${ledger.totals.records} OK records + ${ledger.totals.nodata} NODATA + ${ledger.totals.skipdata} SKIPDATA + ${ledger.totals.malformed} malformed.

## What Egress Lens should show

- **Open inbound rules** (scan): SSH open to the world on \`aws_security_group_rule.bastion_ssh\`
  (\`var.admin_cidrs\` defaults to \`0.0.0.0/0\`; the tfvars file does not override it); Redis 6379 open
  to the world on \`aws_security_group.cache\`; PostgreSQL from a whole /8 (\`local.legacy_vpn_cidr\`) on
  \`aws_vpc_security_group_ingress_rule.db_legacy_vpn\`; 80/443 open on the web group (intended: low/info);
  rules and groups without descriptions (worker egress, db_legacy_vpn, the cache group); the default
  group with rules; the worker's and app's egress to anywhere. **Not** flagged as open: rules whose
  source is a security group (app ← web, db ← app, worker ← bastion).
- **Costly by design**: private subnets route 0.0.0.0/0 to the NAT gateway and there is no S3
  gateway endpoint — and the flows confirm it: ${gb(st['s3-via-nat'].requestBytes + st['s3-via-nat'].responseBytes)} GiB of S3 traffic
  through the NAT gateway in one hour.
- **Flows**: web downloads are ingress conversations whose ${gb(st['web-downloads'].responseBytes)} GiB of responses are internet
  egress; the API calls are egress conversations through the NAT gateway; app ↔ db is internal and
  cross-AZ for the us-east-1a app server (${gb(st['cross-az-db'].requestBytes + st['cross-az-db'].responseBytes)} GiB moved); SSH probes of the web
  servers, and of the bastion over IPv6 (its rule opens \`0.0.0.0/0\` only), are rejected while ${st['ssh-bruteforce-accepted'].conversations} password-guessing sessions from ${st['ssh-bruteforce-accepted'].clients} internet addresses were accepted
  by the bastion's open SSH rule; the web group's partner rule (8443 from ${IDS.partnerCidr}) matched nothing.
- **Savings hint**: an S3 gateway endpoint would remove the NAT processing charge on the S3 bytes.

Rough money, as a sanity check only (flat us-east-1 list prices from DOMAIN.md §4 per GiB = 2^30 bytes,
no free tier, no tiers, monthly = this hour × 730; Egress Lens's own cost model is the reference):

| charge | GiB in the hour | $/GiB | $ in the hour | ≈ $/month |
|---|---:|---:|---:|---:|
${costRows.map(([what, b, p]) => `| ${what} | ${gb(b)} | ${p} | ${money(b, p)} | ${monthly(b, p)} |`).join('\n')}

## Ids

| security group | name | Terraform address | interfaces |
|---|---|---|---|
${sgRows.join('\n')}

| interface | key | role | private IP (public) | subnet | groups |
|---|---|---|---|---|---|
${eniRows.join('\n')}

Subnets: ${(Object.keys(IDS.subnets) as SubnetKey[]).map((k) => `${k} \`${IDS.subnets[k].id}\` ${IDS.subnets[k].cidr}`).join('; ')}.
IPv6: web_a \`${IDS.enis.web_a.ipv6}\`, web_b \`${IDS.enis.web_b.ipv6}\`, bastion \`${IDS.enis.bastion.ipv6}\`.
Flow log \`${FLOW_LOG_ID}\`; internet gateway \`${IDS.igw}\`; NAT gateway public IP ${IDS.natEip.publicIp}.
`;
}

// ---------------------------------------------------------------------------------------------
// Assembly, writing, CLI
// ---------------------------------------------------------------------------------------------

export interface SampleFile {
  /** Relative to the sample root, with forward slashes. */
  path: string;
  data: Buffer;
}

export interface Sample {
  files: SampleFile[];
  ledger: StoryLedger;
}

/** gzip with a fixed header (mtime 0, OS = 3 unix) so the bytes depend only on the content. */
export function gzipDeterministic(text: string): Buffer {
  const buf = gzipSync(Buffer.from(text, 'utf8'), { level: zconst.Z_BEST_COMPRESSION });
  buf.writeUInt32LE(0, 4);
  buf[9] = 3;
  return buf;
}

export function generateSample(opts: { seed?: number; records?: number } = {}): Sample {
  const seed = opts.seed ?? DEFAULT_SEED;
  const records = opts.records ?? DEFAULT_RECORDS;
  if (!Number.isInteger(records) || records < 1) throw new Error(`--records must be a positive integer, got ${records}`);
  const files: SampleFile[] = [];
  const text = (path: string, s: string) => files.push({ path, data: Buffer.from(s, 'utf8') });
  const json = (path: string, v: unknown, indent = 4) => text(path, JSON.stringify(v, null, indent) + '\n');

  const flows = buildFlowLogs(seed, records);
  text('README.md', readme(flows.ledger));
  json('story.json', { ids: IDS, ...flows.ledger }, 2);
  for (const [p, s] of Object.entries(terraformFiles())) text(p, s);
  json('terraform/terraform.tfstate', buildTfState(), 2);
  for (const [p, s] of Object.entries(cloudFormationFiles())) text(p, s);
  for (const [p, v] of Object.entries(buildInventory())) json(`inventory/${p}`, v);
  files.push(...flows.files);
  return { files, ledger: flows.ledger };
}

/** Writes the sample under `out`, replacing any previous flowlogs/ tree there. */
export function writeSample(sample: Sample, out: string): void {
  const flowDir = join(out, 'flowlogs');
  if (existsSync(flowDir)) rmSync(flowDir, { recursive: true, force: true });
  for (const f of sample.files) {
    const p = join(out, ...f.path.split('/'));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.data);
  }
}

export function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('usage: npm run sample -- [--records N] [--seed S] [--out DIR]\n' +
      `  --records N  flow records to generate, approximately (default ${DEFAULT_RECORDS})\n` +
      `  --seed S     PRNG seed (default ${DEFAULT_SEED})\n` +
      '  --out DIR    output directory (default samples/demo)\n');
    return 0;
  }
  const num = (v: string | undefined, name: string, dflt: number) => {
    if (v === undefined) return dflt;
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1) throw new Error(`--${name} must be a positive integer, got "${v}"`);
    return x;
  };
  const records = num(values.records, 'records', DEFAULT_RECORDS);
  const seed = num(values.seed, 'seed', DEFAULT_SEED);
  const out = resolve(values.out ?? join(process.cwd(), 'samples', 'demo'));
  const sample = generateSample({ seed, records });
  writeSample(sample, out);
  const t = sample.ledger.totals;
  process.stdout.write(`wrote ${sample.files.length} files to ${out}: ${sample.ledger.files.length} flow-log files, ` +
    `${t.lines} lines (${t.records} records, ${t.nodata} NODATA, ${t.skipdata} SKIPDATA, ${t.malformed} malformed)\n`);
  return 0;
}

if (process.argv[1] && /gen-sample\.ts$/.test(process.argv[1])) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`gen-sample: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
