/**
 * Lookup structures over an `Inventory` (EC2 API shapes): ENIs by id and by address, subnets to
 * AZ / AZ id / VPC, VPC CIDRs (primary, secondary, IPv6), peered VPC CIDRs, user-declared private
 * CIDRs, NAT gateways, VPC endpoints and the kind of each interface, security groups, prefix lists.
 * Built once per analysis; every lookup after that is a Map probe or a `CidrTable` match.
 */
import type { Route } from '@aws-sdk/client-ec2';
import type { Inventory, NetworkInterface, SecurityGroup } from '../model/inventory';
import { CidrTable, type ParsedIp, isRfcPrivate, normalizeIp, parseCidr, parseIp } from './ip';

/** What an interface is, from EC2's InterfaceType, RequesterManaged and Description. */
export type InterfaceKind =
  | 'instance'
  | 'nat-gateway'
  | 'vpc-endpoint'
  | 'gateway-load-balancer-endpoint'
  | 'load-balancer'
  | 'lambda'
  | 'transit-gateway'
  | 'other'
  | 'unknown';

export interface InterfaceInfo {
  id: string;
  kind: InterfaceKind;
  vpcId: string | null;
  subnetId: string | null;
  az: string | null;
  azId: string | null;
  privateIps: string[];
  publicIps: string[];
  ipv6: string[];
  securityGroupIds: string[];
  instanceId: string | null;
  description: string | null;
  /** NAT gateway id for a NAT gateway's ENI; VPC endpoint id for an endpoint's ENI. */
  ownerResourceId: string | null;
  /** For VPC endpoint ENIs: the endpoint's service name (com.amazonaws.us-east-1.s3 …). */
  serviceName: string | null;
}

export interface SubnetInfo {
  id: string;
  vpcId: string | null;
  az: string | null;
  azId: string | null;
}

/** A network known to be private (inside), with what it is. */
export interface PrivateNet {
  kind: 'vpc' | 'peered-vpc' | 'declared';
  /** VPC id for 'vpc' and 'peered-vpc'. */
  vpcId: string | null;
  /** Peering connection id for 'peered-vpc'. */
  peeringId: string | null;
  /** Region of a peered VPC (null = same region or unknown). */
  region: string | null;
  cidr: string;
}

/** Where a route sends packets. */
export type RouteTargetKind = 'local' | 'igw' | 'nat-gateway' | 'tgw' | 'vpn' | 'peering' | 'gateway-endpoint' | 'other' | 'blackhole';

export interface RouteTarget {
  kind: RouteTargetKind;
  /** igw-…, nat-…, tgw-…, vgw-…, pcx-…, vpce-…, eni-…, 'local'. */
  id: string;
  destination: string;
}

export interface RouteTableInfo {
  id: string;
  routes: CidrTable<RouteTarget>;
  /** Routes to managed prefix lists (gateway endpoints): pl-… → target. */
  prefixListRoutes: Map<string, RouteTarget>;
}

export function routeTarget(r: Route, destination: string): RouteTarget {
  if (r.State === 'blackhole') return { kind: 'blackhole', id: r.GatewayId ?? r.NatGatewayId ?? '?', destination };
  const gw = r.GatewayId ?? '';
  if (gw === 'local') return { kind: 'local', id: 'local', destination };
  if (r.NatGatewayId) return { kind: 'nat-gateway', id: r.NatGatewayId, destination };
  if (r.TransitGatewayId) return { kind: 'tgw', id: r.TransitGatewayId, destination };
  if (r.VpcPeeringConnectionId) return { kind: 'peering', id: r.VpcPeeringConnectionId, destination };
  if (gw.startsWith('igw-') || r.EgressOnlyInternetGatewayId) return { kind: 'igw', id: gw || r.EgressOnlyInternetGatewayId!, destination };
  if (gw.startsWith('vgw-')) return { kind: 'vpn', id: gw, destination };
  if (gw.startsWith('vpce-')) return { kind: 'gateway-endpoint', id: gw, destination };
  return { kind: 'other', id: r.NetworkInterfaceId ?? r.InstanceId ?? r.LocalGatewayId ?? r.CarrierGatewayId ?? (gw || '?'), destination };
}

/** What the index knows about one address, computed once per distinct address. */
export interface AddrFacts {
  text: string;
  ip: ParsedIp | null;
  iface: InterfaceInfo | undefined;
  net: PrivateNet | undefined;
  private: boolean;
}

export interface IndexOptions {
  /** User-declared private networks (on-prem, VPN, Direct Connect, other accounts). */
  privateCidrs?: string[];
}

export interface GatewayEndpointInfo {
  id: string;
  vpcId: string | null;
  serviceName: string;
  /** Short service: 's3', 'dynamodb'. */
  service: string;
}

/** Short service name from a VPC endpoint / prefix-list service name: com.amazonaws.us-east-1.s3 → s3. */
export function shortServiceName(serviceName: string): string {
  const parts = serviceName.split('.');
  return (parts[parts.length - 1] ?? serviceName).toLowerCase();
}

export function interfaceKind(eni: NetworkInterface): InterfaceKind {
  // The API and the CLI spell some types differently (natGateway / nat_gateway): compare loosely.
  const type = String(eni.InterfaceType ?? '').toLowerCase().replace(/[_-]/g, '');
  const desc = (eni.Description ?? '').toLowerCase();
  if (type === 'natgateway' || desc.startsWith('interface for nat gateway')) return 'nat-gateway';
  if (type === 'gatewayloadbalancerendpoint') return 'gateway-load-balancer-endpoint';
  if (type === 'vpcendpoint' || desc.startsWith('vpc endpoint interface')) return 'vpc-endpoint';
  if (type === 'networkloadbalancer' || type === 'gatewayloadbalancer' || type === 'loadbalancer' || desc.startsWith('elb ')) return 'load-balancer';
  if (type === 'lambda' || desc.startsWith('aws lambda vpc eni')) return 'lambda';
  if (type === 'transitgateway' || desc.startsWith('network interface for transit gateway attachment')) return 'transit-gateway';
  if (eni.Attachment?.InstanceId && !eni.RequesterManaged) return 'instance';
  if (type === 'interface' || type === '') return eni.RequesterManaged ? 'other' : 'instance';
  return 'other';
}

function uniq(values: Iterable<string | undefined | null>): string[] {
  const out = new Set<string>();
  for (const v of values) if (v) out.add(v);
  return [...out];
}

/** `us-east-1a` → `us-east-1`; local zones (`us-east-1-bos-1a`) → `us-east-1`. */
export function regionOfAz(az: string): string | null {
  const m = /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)/.exec(az);
  return m ? m[1] : null;
}

export class NetworkIndex {
  readonly inventory: Inventory;
  readonly region: string | null;
  readonly interfaces = new Map<string, InterfaceInfo>();
  readonly interfaceByIp = new Map<string, InterfaceInfo>();
  readonly subnets = new Map<string, SubnetInfo>();
  readonly securityGroups = new Map<string, SecurityGroup>();
  /** Every private network: VPC CIDRs, peered VPC CIDRs, user-declared CIDRs. */
  readonly privateNets = new CidrTable<PrivateNet>();
  /** Subnet CIDRs → subnet, to place addresses that belong to no known ENI. */
  readonly subnetCidrs = new CidrTable<SubnetInfo>();
  readonly declaredCidrs = new CidrTable<string>();
  readonly prefixLists = new Map<string, { name: string | null; cidrs: string[] }>();
  readonly gatewayEndpoints: GatewayEndpointInfo[] = [];
  readonly natGatewayVpcs = new Set<string>();
  /** NAT gateways by id with the AZ of their subnet (to see clients in another AZ). */
  readonly natGatewaysById = new Map<string, { id: string; vpcId: string | null; subnetId: string | null; az: string | null; azId: string | null }>();
  readonly tgwVpcs = new Set<string>();
  readonly vpcIds = new Set<string>();
  /** Groups by id → ENI ids carrying them (for rules that reference a group). */
  readonly interfacesByGroup = new Map<string, string[]>();
  /** Route tables by explicit subnet association, and each VPC's main table. */
  readonly routeTableBySubnet = new Map<string, RouteTableInfo>();
  readonly mainRouteTableByVpc = new Map<string, RouteTableInfo>();
  /** Compiled prefix lists (pl-… → table), for rules and routes. */
  readonly prefixListTables = new Map<string, CidrTable<true>>();
  private readonly factsCache = new Map<string, AddrFacts>();
  private readonly natsByVpc = new Map<string, Array<{ id: string; vpcId: string | null; subnetId: string | null; az: string | null; azId: string | null }>>();
  /** Problems noticed while indexing (bad CIDRs in options). */
  readonly problems: string[] = [];

  constructor(inventory: Inventory, opts: IndexOptions = {}) {
    this.inventory = inventory;
    for (const s of inventory.subnets) {
      if (!s.SubnetId) continue;
      const info: SubnetInfo = {
        id: s.SubnetId,
        vpcId: s.VpcId ?? null,
        az: s.AvailabilityZone ?? null,
        azId: s.AvailabilityZoneId ?? null,
      };
      this.subnets.set(s.SubnetId, info);
      if (s.CidrBlock) this.subnetCidrs.add(s.CidrBlock, info);
      for (const a of s.Ipv6CidrBlockAssociationSet ?? []) if (a.Ipv6CidrBlock) this.subnetCidrs.add(a.Ipv6CidrBlock, info);
    }

    let region = inventory.region;
    if (!region) {
      for (const s of this.subnets.values()) {
        const r = s.az ? regionOfAz(s.az) : null;
        if (r) {
          region = r;
          break;
        }
      }
    }
    this.region = region ?? null;

    for (const v of inventory.vpcs) {
      if (!v.VpcId) continue;
      this.vpcIds.add(v.VpcId);
      const cidrs = uniq([
        v.CidrBlock,
        ...(v.CidrBlockAssociationSet ?? [])
          .filter((a) => !a.CidrBlockState?.State || a.CidrBlockState.State === 'associated')
          .map((a) => a.CidrBlock),
        ...(v.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlock),
      ]);
      for (const c of cidrs) this.privateNets.add(c, { kind: 'vpc', vpcId: v.VpcId, peeringId: null, region: this.region, cidr: c });
    }
    // Subnets of VPCs that were not listed still tell us the VPC's address space.
    for (const s of inventory.subnets) {
      if (!s.VpcId) continue;
      this.vpcIds.add(s.VpcId);
      if (s.CidrBlock && !this.privateNets.has(s.CidrBlock.split('/')[0])) {
        this.privateNets.add(s.CidrBlock, { kind: 'vpc', vpcId: s.VpcId, peeringId: null, region: this.region, cidr: s.CidrBlock });
      }
    }

    for (const p of inventory.vpcPeeringConnections) {
      const code = p.Status?.Code;
      if (code && code !== 'active') continue;
      for (const side of [p.AccepterVpcInfo, p.RequesterVpcInfo]) {
        if (!side || (side.VpcId && this.vpcIds.has(side.VpcId))) continue;
        const cidrs = uniq([
          side.CidrBlock,
          ...(side.CidrBlockSet ?? []).map((c) => c.CidrBlock),
          ...(side.Ipv6CidrBlockSet ?? []).map((c) => c.Ipv6CidrBlock),
        ]);
        for (const c of cidrs) {
          this.privateNets.add(c, {
            kind: 'peered-vpc',
            vpcId: side.VpcId ?? null,
            peeringId: p.VpcPeeringConnectionId ?? null,
            region: side.Region ?? null,
            cidr: c,
          });
        }
      }
    }

    for (const c of opts.privateCidrs ?? []) {
      const parsed = parseCidr(c);
      if (!parsed) {
        this.problems.push(`not a CIDR block: '${c}'`);
        continue;
      }
      this.declaredCidrs.add(parsed, parsed.text);
      this.privateNets.add(parsed, { kind: 'declared', vpcId: null, peeringId: null, region: null, cidr: parsed.text });
    }

    for (const sg of inventory.securityGroups) if (sg.GroupId) this.securityGroups.set(sg.GroupId, sg);

    const natByEni = new Map<string, string>();
    for (const n of inventory.natGateways) {
      if (n.VpcId && (!n.State || n.State === 'available')) this.natGatewayVpcs.add(n.VpcId);
      if (n.NatGatewayId) {
        const sub = n.SubnetId ? this.subnets.get(n.SubnetId) : undefined;
        this.natGatewaysById.set(n.NatGatewayId, { id: n.NatGatewayId, vpcId: n.VpcId ?? null, subnetId: n.SubnetId ?? null, az: sub?.az ?? null, azId: sub?.azId ?? null });
      }
      for (const a of n.NatGatewayAddresses ?? []) if (a.NetworkInterfaceId && n.NatGatewayId) natByEni.set(a.NetworkInterfaceId, n.NatGatewayId);
    }
    const endpointByEni = new Map<string, { id: string; serviceName: string | null }>();
    for (const e of inventory.vpcEndpoints) {
      for (const eni of e.NetworkInterfaceIds ?? []) endpointByEni.set(eni, { id: e.VpcEndpointId ?? '', serviceName: e.ServiceName ?? null });
      if (String(e.VpcEndpointType ?? '').toLowerCase() === 'gateway' && e.ServiceName) {
        this.gatewayEndpoints.push({
          id: e.VpcEndpointId ?? '',
          vpcId: e.VpcId ?? null,
          serviceName: e.ServiceName,
          service: shortServiceName(e.ServiceName),
        });
      }
    }
    for (const t of inventory.transitGatewayAttachments) {
      if (String(t.ResourceType ?? '') === 'vpc' && t.ResourceId && (!t.State || t.State === 'available')) this.tgwVpcs.add(t.ResourceId);
    }

    for (const eni of inventory.networkInterfaces) {
      if (!eni.NetworkInterfaceId) continue;
      const subnet = eni.SubnetId ? this.subnets.get(eni.SubnetId) : undefined;
      let kind = interfaceKind(eni);
      if (natByEni.has(eni.NetworkInterfaceId)) kind = 'nat-gateway';
      const endpoint = endpointByEni.get(eni.NetworkInterfaceId);
      if (endpoint && kind !== 'gateway-load-balancer-endpoint') kind = 'vpc-endpoint';
      const info: InterfaceInfo = {
        id: eni.NetworkInterfaceId,
        kind,
        vpcId: eni.VpcId ?? subnet?.vpcId ?? null,
        subnetId: eni.SubnetId ?? null,
        az: eni.AvailabilityZone ?? subnet?.az ?? null,
        azId: subnet?.azId ?? (eni as { AvailabilityZoneId?: string }).AvailabilityZoneId ?? null,
        privateIps: uniq([eni.PrivateIpAddress, ...(eni.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress)]).map(normalizeIp),
        publicIps: uniq([
          eni.Association?.PublicIp,
          ...(eni.PrivateIpAddresses ?? []).map((p) => p.Association?.PublicIp),
        ]).map(normalizeIp),
        ipv6: uniq((eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address)).map(normalizeIp),
        securityGroupIds: uniq((eni.Groups ?? []).map((g) => g.GroupId)),
        instanceId: eni.Attachment?.InstanceId ?? null,
        description: eni.Description ?? null,
        ownerResourceId: natByEni.get(eni.NetworkInterfaceId) ?? endpoint?.id ?? null,
        serviceName: endpoint?.serviceName ?? null,
      };
      if (info.vpcId) this.vpcIds.add(info.vpcId);
      this.interfaces.set(info.id, info);
      for (const ip of [...info.privateIps, ...info.publicIps, ...info.ipv6]) {
        if (!this.interfaceByIp.has(ip)) this.interfaceByIp.set(ip, info);
      }
      for (const g of info.securityGroupIds) {
        const list = this.interfacesByGroup.get(g) ?? [];
        list.push(info.id);
        this.interfacesByGroup.set(g, list);
      }
    }

    for (const rt of inventory.routeTables ?? []) {
      if (!rt.RouteTableId) continue;
      const info: RouteTableInfo = { id: rt.RouteTableId, routes: new CidrTable(), prefixListRoutes: new Map() };
      for (const r of rt.Routes ?? []) {
        const dest = r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock;
        if (dest) info.routes.add(dest, routeTarget(r, dest));
        else if (r.DestinationPrefixListId) info.prefixListRoutes.set(r.DestinationPrefixListId, routeTarget(r, r.DestinationPrefixListId));
      }
      // Gateway endpoints list their route tables too (the route itself may be missing from an export).
      for (const e of inventory.vpcEndpoints) {
        if (String(e.VpcEndpointType ?? '').toLowerCase() !== 'gateway' || !e.VpcEndpointId || !(e.RouteTableIds ?? []).includes(rt.RouteTableId)) continue;
        const key = `service:${shortServiceName(e.ServiceName ?? '')}`;
        if (!info.prefixListRoutes.has(key)) info.prefixListRoutes.set(key, { kind: 'gateway-endpoint', id: e.VpcEndpointId, destination: e.ServiceName ?? '' });
      }
      for (const a of rt.Associations ?? []) {
        if (a.AssociationState?.State && a.AssociationState.State !== 'associated') continue;
        if (a.SubnetId) this.routeTableBySubnet.set(a.SubnetId, info);
        if (a.Main && rt.VpcId) this.mainRouteTableByVpc.set(rt.VpcId, info);
      }
    }

    for (const pl of inventory.managedPrefixLists) {
      if (!pl.PrefixListId) continue;
      this.prefixLists.set(pl.PrefixListId, { name: pl.PrefixListName ?? null, cidrs: inventory.prefixListEntries[pl.PrefixListId] ?? [] });
    }
    for (const [id, cidrs] of Object.entries(inventory.prefixListEntries)) {
      if (!this.prefixLists.has(id)) this.prefixLists.set(id, { name: null, cidrs });
    }
    for (const [id, pl] of this.prefixLists) {
      const t = new CidrTable<true>();
      for (const c of pl.cidrs) t.add(c, true);
      this.prefixListTables.set(id, t);
    }
  }

  /** True when the inventory describes at least one VPC's address space. */
  get knowsVpcs(): boolean {
    return this.privateNets.size > this.declaredCidrs.size;
  }

  /** Facts about an address, cached: canonical text, parsed value, interface, private network. */
  facts(addr: string): AddrFacts {
    let f = this.factsCache.get(addr);
    if (f) return f;
    const text = normalizeIp(addr);
    const ip = parseIp(text);
    const net = ip ? this.privateNets.lookup(ip) : undefined;
    f = { text, ip, iface: this.interfaceByIp.get(text), net, private: net !== undefined || (!!ip && !this.knowsVpcs && isRfcPrivate(ip)) };
    if (this.factsCache.size < 1_000_000) this.factsCache.set(addr, f);
    return f;
  }

  interfaceOfIp(addr: string): InterfaceInfo | undefined {
    return this.facts(addr).iface;
  }

  /** Which private network an address is in (VPC, peered VPC, declared), if any. */
  privateNetOf(addr: string): PrivateNet | undefined {
    return this.facts(addr).net;
  }

  /**
   * Whether an address is inside the private network: a known VPC, a peered VPC or a declared
   * CIDR. When the inventory knows no VPC at all, RFC 1918 / RFC 6598 / ULA addresses count as
   * private too (otherwise every flow without an inventory would look like internet traffic).
   */
  isPrivate(addr: string): boolean {
    return this.facts(addr).private;
  }

  /** The subnet an address falls in (its ENI's subnet, else by subnet CIDR). */
  subnetOfIp(addr: string): SubnetInfo | undefined {
    const eni = this.interfaceOfIp(addr);
    if (eni?.subnetId) {
      const s = this.subnets.get(eni.subnetId);
      if (s) return s;
      return { id: eni.subnetId, vpcId: eni.vpcId, az: eni.az, azId: eni.azId };
    }
    return this.subnetCidrs.lookup(addr);
  }

  /** True when the inventory has route tables at all (routes are then authoritative). */
  get knowsRoutes(): boolean {
    return (this.inventory.routeTables?.length ?? 0) > 0;
  }

  routeTableOf(subnetId: string | null, vpcId: string | null): RouteTableInfo | undefined {
    return (subnetId ? this.routeTableBySubnet.get(subnetId) : undefined) ?? (vpcId ? this.mainRouteTableByVpc.get(vpcId) : undefined);
  }

  /**
   * The route a packet from a subnet to an address takes: a gateway-endpoint route for the AWS
   * service when one applies (prefix-list routes win over CIDR routes, as in VPC routing), else
   * the longest matching CIDR route.
   */
  routeFor(subnetId: string | null, vpcId: string | null, addr: string, awsService: string | null): { table: string; target: RouteTarget } | undefined {
    const rt = this.routeTableOf(subnetId, vpcId);
    if (!rt) return undefined;
    for (const [pl, target] of rt.prefixListRoutes) {
      if (pl.startsWith('service:')) {
        if (awsService && pl === `service:${awsService.toLowerCase()}`) return { table: rt.id, target };
        continue;
      }
      const list = this.prefixLists.get(pl);
      if (!list) continue;
      if (list.cidrs.length > 0) {
        const ip = this.facts(addr).ip;
        if (ip && this.prefixListTables.get(pl)?.has(ip)) return { table: rt.id, target };
      } else if (awsService && list.name && list.name.toLowerCase().endsWith(`.${awsService.toLowerCase()}`)) {
        return { table: rt.id, target };
      }
    }
    const ip = this.facts(addr).ip;
    const target = ip ? rt.routes.lookup(ip) : undefined;
    return target ? { table: rt.id, target } : undefined;
  }

  /** The NAT gateway a subnet's traffic to an address uses: by route, else the VPC's only NAT gateway. */
  natGatewayFor(subnetId: string | null, vpcId: string | null, addr: string): { id: string; az: string | null; azId: string | null; how: string } | undefined {
    if (this.knowsRoutes) {
      const r = this.routeFor(subnetId, vpcId, addr, null);
      const n = r?.target.kind === 'nat-gateway' ? this.natGatewaysById.get(r.target.id) : undefined;
      if (n) return { ...n, how: `route in ${r!.table}` };
    }
    let inVpc = this.natsByVpc.get(vpcId ?? '');
    if (!inVpc) this.natsByVpc.set(vpcId ?? '', (inVpc = [...this.natGatewaysById.values()].filter((n) => vpcId !== null && n.vpcId === vpcId)));
    if (inVpc.length === 1) return { ...inVpc[0], how: `the only NAT gateway in ${vpcId}` };
    return undefined;
  }

  /** Gateway endpoint for a short service name ('s3', 'dynamodb') in a VPC. */
  gatewayEndpointFor(vpcId: string | null, service: string): GatewayEndpointInfo | undefined {
    const s = service.toLowerCase();
    return this.gatewayEndpoints.find((g) => g.service === s && (vpcId === null || g.vpcId === vpcId));
  }
}
