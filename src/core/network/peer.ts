/**
 * Peer class (where the other end is) and path (how the packets got there).
 *
 * Peer class, first match wins:
 *  - an address in one of the inventory's VPCs → same-az / cross-az by the AZ ids of both ends
 *    (unknown when either AZ is unknown);
 *  - an address in a peered VPC's CIDRs → peered-vpc;
 *  - an address in a CIDR the user declared private → on-prem;
 *  - an AWS service (pkt-*-aws-service, else the ip-ranges file) → aws-service, or other-region
 *    when the range belongs to another region; the umbrella AMAZON / EC2 ranges are other
 *    customers' hosts and count as internet (or other-region);
 *  - other private, link-local or unparseable addresses → unknown (load the inventory for the VPCs,
 *    --private-cidr for on-prem networks);
 *  - anything else → internet.
 *
 * Path: the v5 traffic-path code when logged (1 same VPC — through a NAT gateway when the peer is
 * public, 2/8 internet gateway or gateway endpoint, 3 VPN, 4/5 peering, 7 gateway endpoint),
 * else the interface's kind (NAT gateway ENI → nat-gateway), the peer's interface kind
 * (vpc-endpoint → interface-endpoint), the peer class, and what the VPC has (gateway endpoint for
 * the service, a public IP on the interface, a NAT gateway, transit-gateway attachments).
 */
import type { PeerClass, TrafficPathKind } from '../model/flows';
import type { AwsIpRanges } from './aws-ip-ranges';
import type { Conversation } from './conversations';
import type { InterfaceInfo, NetworkIndex } from './inventory-index';
import { isLinkLocalOrLoopback, isRfcPrivate } from './ip';

export interface PeerInfo {
  peerClass: PeerClass;
  peerClassEvidence: string;
  path: TrafficPathKind;
  pathEvidence: string;
  awsService: string | null;
  peerRegion: string | null;
  peerInterface: InterfaceInfo | null;
  /** The peer address is this inventory interface's public IP (instance to instance, in-region). */
  peerPublicIpOf: InterfaceInfo | null;
  localAz: string | null;
  peerAz: string | null;
  vpcId: string | null;
  /** The NAT gateway (nat-…) the flow goes through, when known. */
  viaId: string | null;
  /** Its AZ (id when known, else name). */
  viaAz: string | null;
  /** The local side and the NAT gateway are in different AZs (cross-AZ charges apply). */
  viaCrossAz: boolean;
}

export interface PeerContext {
  index: NetworkIndex;
  awsRanges: AwsIpRanges | null;
  /** Region of the flows (record field, inventory, or option). */
  region: string | null;
}

/** Services whose ranges are AWS's own endpoints (not other customers' instances). */
const CUSTOMER_RANGES = new Set(['AMAZON', 'EC2']);
const GATEWAY_ENDPOINT_SERVICES = new Set(['S3', 'DYNAMODB']);
/** 64:ff9b::/96, the NAT64 well-known prefix, as the top 96 bits of an address. */
const NAT64_PREFIX = 0x0064ff9b_00000000_00000000n;

const TRAFFIC_PATH_NAMES: Record<number, string> = {
  1: 'same VPC',
  2: 'internet gateway or gateway endpoint',
  3: 'virtual private gateway',
  4: 'intra-region peering',
  5: 'inter-region peering',
  6: 'local gateway',
  7: 'gateway endpoint (Nitro)',
  8: 'internet gateway (Nitro)',
};

export function classifyPeer(c: Conversation, localIf: InterfaceInfo | undefined, ctx: PeerContext): PeerInfo {
  const { index } = ctx;
  // For transit flows the local side is the inside host, which may have its own interface.
  const localHost = c.transit ? (index.interfaceOfIp(c.localAddr) ?? localIf) : localIf;
  const localSubnet = localHost?.subnetId ? index.subnets.get(localHost.subnetId) : (c.subnetId ? index.subnets.get(c.subnetId) : index.subnetOfIp(c.localAddr));
  const localAzId = localHost?.azId ?? localSubnet?.azId ?? (c.transit ? null : c.azId);
  const localAzName = localHost?.az ?? localSubnet?.az ?? null;
  const localAz = localAzId ?? localAzName;
  const vpcId = localHost?.vpcId ?? localSubnet?.vpcId ?? c.vpcId;
  const region = c.region ?? ctx.region;

  // A peer reached by one of our interfaces' public IPs went out through the internet gateway.
  const peerIfAny = index.interfaceOfIp(c.peerAddr) ?? null;
  const peerIf = peerIfAny && !peerIfAny.publicIps.includes(c.peerAddr) ? peerIfAny : null;
  const peerNet = index.privateNetOf(c.peerAddr);
  const service = (c.out?.awsService ?? c.in?.awsService)?.toUpperCase() ?? null;
  const peerPublicIpOf = peerIfAny && !peerIf ? peerIfAny : null;
  const base = { peerInterface: peerIf, peerPublicIpOf, localAz, vpcId };

  let peerClass: PeerClass;
  let peerClassEvidence: string;
  let awsService: string | null = null;
  let peerRegion: string | null = null;
  let peerAz: string | null = null;

  if (peerNet?.kind === 'vpc' || (peerIf && !peerNet)) {
    const peerSubnet = peerIf?.subnetId ? index.subnets.get(peerIf.subnetId) : index.subnetOfIp(c.peerAddr);
    const pAzId = peerIf?.azId ?? peerSubnet?.azId ?? null;
    const pAzName = peerIf?.az ?? peerSubnet?.az ?? null;
    peerAz = pAzId ?? pAzName;
    // Compare AZ ids when both have one, else names (consistent within one account).
    const same = localAzId && pAzId ? localAzId === pAzId : localAzName && pAzName ? localAzName === pAzName : null;
    if (same === null) {
      peerClass = 'unknown';
      peerClassEvidence = `peer ${c.peerAddr} is in ${peerNet?.vpcId ?? peerIf?.vpcId ?? 'a known VPC'} but the AZ of ${localAz ? 'the peer' : 'the local side'} is unknown`;
    } else {
      peerClass = same ? 'same-az' : 'cross-az';
      peerClassEvidence = `peer ${peerIf ? peerIf.id : c.peerAddr} in ${peerAz} ${same ? '=' : '≠'} local ${localAz}`;
    }
  } else if (peerNet?.kind === 'peered-vpc') {
    peerClass = 'peered-vpc';
    peerRegion = peerNet.region;
    peerClassEvidence = `peer in ${peerNet.vpcId ?? peerNet.cidr} via ${peerNet.peeringId ?? 'peering'}${peerNet.region && region && peerNet.region !== region ? ` (${peerNet.region})` : ''}`;
  } else if (peerNet?.kind === 'declared') {
    peerClass = 'on-prem';
    peerClassEvidence = `peer in declared private network ${peerNet.cidr}`;
  } else {
    const range = ctx.awsRanges?.lookup(c.peerAddr);
    const svc = service ?? range?.service ?? null;
    const rRegion = range && range.region !== 'GLOBAL' ? range.region : null;
    if (svc) awsService = svc;
    peerRegion = rRegion;
    const ip = index.facts(c.peerAddr).ip;
    if (svc && !CUSTOMER_RANGES.has(svc)) {
      if (rRegion && region && rRegion !== region) {
        peerClass = 'other-region';
        peerClassEvidence = `AWS ${svc} in ${rRegion} (${range!.cidr})`;
      } else {
        peerClass = 'aws-service';
        peerClassEvidence = service ? `pkt-${c.out?.awsService ? 'dst' : 'src'}-aws-service ${service}` : `AWS ${svc} range ${range!.cidr}`;
      }
    } else if (!ip || isLinkLocalOrLoopback(ip) || isRfcPrivate(ip)) {
      peerClass = 'unknown';
      peerClassEvidence = !ip
        ? `peer address '${c.peerAddr}' does not parse`
        : isRfcPrivate(ip)
          ? `private address outside the known VPCs (load the inventory to place your own VPCs; use --private-cidr for on-prem networks)`
          : 'link-local or loopback address';
    } else if (rRegion && region && rRegion !== region) {
      peerClass = 'other-region';
      peerClassEvidence = `AWS ${svc ?? 'AMAZON'} range ${range!.cidr} in ${rRegion}`;
    } else if (peerPublicIpOf) {
      peerClass = 'internet';
      peerClassEvidence = `public IP of ${peerPublicIpOf.id}${peerPublicIpOf.az ? ` (${peerPublicIpOf.az})` : ''}: instance to instance over public IPs, in-region rate`;
    } else {
      peerClass = 'internet';
      peerClassEvidence = range ? `public address in AWS ${svc ?? 'AMAZON'} range ${range.cidr}` : 'public address';
    }
  }

  const { path, pathEvidence } = choosePath(c, localIf, localHost, peerIf, peerClass, awsService, vpcId, ctx);
  // Which NAT gateway, and whether reaching it crosses AZs.
  let viaId: string | null = null;
  let viaAz: string | null = null;
  let viaCrossAz = false;
  if (path === 'nat-gateway') {
    let nat: { id: string; az: string | null; azId: string | null } | undefined;
    if (c.transit && localIf?.kind === 'nat-gateway') {
      nat = localIf.ownerResourceId ? index.natGatewaysById.get(localIf.ownerResourceId) : undefined;
      nat ??= { id: localIf.ownerResourceId ?? localIf.id, az: localIf.az, azId: localIf.azId };
    } else {
      nat = index.natGatewayFor(localHost?.subnetId ?? c.subnetId, vpcId, c.peerAddr);
    }
    if (nat) {
      viaId = nat.id;
      viaAz = nat.azId ?? nat.az;
      const same = localAzId && nat.azId ? localAzId === nat.azId : localAzName && nat.az ? localAzName === nat.az : null;
      viaCrossAz = same === false;
    }
  }
  // One literal in PeerInfo's order (a spread of `base` here cost ~3 s and much GC per million flows).
  return {
    peerClass,
    peerClassEvidence,
    path,
    pathEvidence,
    awsService,
    peerRegion,
    peerInterface: base.peerInterface,
    peerPublicIpOf: base.peerPublicIpOf,
    localAz: base.localAz,
    peerAz,
    vpcId: base.vpcId,
    viaId,
    viaAz,
    viaCrossAz,
  };
}

function publicPeer(cls: PeerClass): boolean {
  return cls === 'internet' || cls === 'aws-service' || cls === 'other-region';
}

function choosePath(
  c: Conversation,
  localIf: InterfaceInfo | undefined,
  localHost: InterfaceInfo | undefined,
  peerIf: InterfaceInfo | null,
  cls: PeerClass,
  service: string | null,
  vpcId: string | null,
  ctx: PeerContext,
): { path: TrafficPathKind; pathEvidence: string } {
  const { index } = ctx;
  const gwService = service && GATEWAY_ENDPOINT_SERVICES.has(service) ? service : null;
  const gwEndpoint = gwService ? index.gatewayEndpointFor(vpcId, gwService) : undefined;

  if (c.transit) {
    if (localIf?.kind === 'vpc-endpoint') return { path: 'interface-endpoint', pathEvidence: `forwarded by ${localIf.ownerResourceId ?? 'an interface endpoint'} (${c.interfaceId})` };
    return { path: 'nat-gateway', pathEvidence: `forwarded by ${localIf?.ownerResourceId ?? 'a NAT gateway'} (${c.interfaceId}): packet address differs from record address` };
  }
  if (localIf?.kind === 'nat-gateway' && publicPeer(cls)) {
    return { path: 'igw', pathEvidence: `NAT gateway ${localIf.ownerResourceId ?? c.interfaceId} to the internet gateway` };
  }

  const code = c.out?.trafficPath ?? c.in?.trafficPath ?? null;
  if (code !== null) {
    const why = `traffic-path ${code} (${TRAFFIC_PATH_NAMES[code] ?? 'unknown code'})`;
    switch (code) {
      case 1:
        if (peerIf?.kind === 'vpc-endpoint') return { path: 'interface-endpoint', pathEvidence: `${why}; peer is endpoint ${peerIf.ownerResourceId ?? peerIf.id}` };
        if (publicPeer(cls)) return { path: 'nat-gateway', pathEvidence: `${why} to a public address: through a NAT gateway` };
        if (peerIf?.kind === 'transit-gateway') return { path: 'tgw', pathEvidence: `${why}; peer is a transit-gateway interface` };
        return { path: 'local', pathEvidence: why };
      case 2: {
        if (gwService && index.knowsRoutes) {
          const r = index.routeFor(localHost?.subnetId ?? localIf?.subnetId ?? c.subnetId, vpcId, c.peerAddr, gwService);
          if (r?.target.kind === 'gateway-endpoint') return { path: 'gateway-endpoint', pathEvidence: `${why}; route to ${r.target.id} in ${r.table}` };
        } else if (gwEndpoint) return { path: 'gateway-endpoint', pathEvidence: `${why}; ${gwEndpoint.id} serves ${gwService}` };
        return { path: 'igw', pathEvidence: why };
      }
      case 3:
        return { path: 'vpn', pathEvidence: why };
      case 4:
      case 5:
        return { path: 'peering', pathEvidence: why };
      case 7:
        return { path: 'gateway-endpoint', pathEvidence: why };
      case 8:
        return { path: 'igw', pathEvidence: why };
      default:
        return { path: 'unknown', pathEvidence: why };
    }
  }

  if (peerIf?.kind === 'vpc-endpoint') return { path: 'interface-endpoint', pathEvidence: `peer is endpoint ${peerIf.ownerResourceId ?? peerIf.id}` };
  if (peerIf?.kind === 'nat-gateway') return { path: 'nat-gateway', pathEvidence: `peer is NAT gateway ${peerIf.ownerResourceId ?? peerIf.id}` };

  // Routes, when the inventory has route tables: the subnet's table decides.
  const host = localHost ?? localIf;
  const subnetId = host?.subnetId ?? c.subnetId;
  if (index.knowsRoutes && index.routeTableOf(subnetId, vpcId)) {
    const r = index.routeFor(subnetId, vpcId, c.peerAddr, service);
    if (!r) return { path: 'unknown', pathEvidence: `no route to ${c.peerAddr} in ${index.routeTableOf(subnetId, vpcId)!.id}` };
    const why = `route ${r.target.destination} → ${r.target.id} in ${r.table}`;
    const kind = r.target.kind;
    if (kind === 'other' || kind === 'blackhole') return { path: 'unknown', pathEvidence: `${why}${kind === 'blackhole' ? ' (blackhole)' : ''}` };
    return { path: kind, pathEvidence: why };
  }

  switch (cls) {
    case 'same-az':
    case 'cross-az':
    case 'unknown': {
      const peerVpc = peerIf?.vpcId ?? index.privateNetOf(c.peerAddr)?.vpcId ?? null;
      if (cls !== 'unknown' || peerVpc) {
        if (peerVpc && vpcId && peerVpc !== vpcId) {
          if (index.tgwVpcs.has(peerVpc) && index.tgwVpcs.has(vpcId)) return { path: 'tgw', pathEvidence: `${vpcId} → ${peerVpc}, both attached to a transit gateway` };
          return { path: 'unknown', pathEvidence: `${vpcId} → ${peerVpc}: no peering or transit gateway known` };
        }
        return { path: 'local', pathEvidence: 'both ends in the same VPC' };
      }
      return { path: 'unknown', pathEvidence: 'peer location unknown' };
    }
    case 'peered-vpc':
      return { path: 'peering', pathEvidence: 'peer is in a peered VPC' };
    case 'on-prem':
      if (vpcId && index.tgwVpcs.has(vpcId)) return { path: 'tgw', pathEvidence: `${vpcId} is attached to a transit gateway` };
      return { path: 'unknown', pathEvidence: 'declared private network; VPN, Direct Connect or transit gateway not known' };
    default: {
      if (gwEndpoint) return { path: 'gateway-endpoint', pathEvidence: `${gwEndpoint.id} in ${gwEndpoint.vpcId ?? 'the VPC'} serves ${gwService}` };
      if (host && host.publicIps.length > 0) return { path: 'igw', pathEvidence: `interface has public IP ${host.publicIps[0]}` };
      if (host?.kind === 'load-balancer') return { path: 'igw', pathEvidence: 'load balancer interface' };
      const peerIp = index.facts(c.peerAddr).ip;
      if (peerIp?.family === 6 && !(((peerIp.value as bigint) >> 32n) === NAT64_PREFIX)) {
        // NAT gateways translate IPv4 (and NAT64's 64:ff9b::/96); IPv6 leaves directly.
        return { path: 'igw', pathEvidence: 'IPv6 peer: through the internet gateway or an egress-only internet gateway (NAT gateways carry IPv4 and NAT64 only)' };
      }
      if (vpcId && index.natGatewayVpcs.has(vpcId)) {
        return { path: 'nat-gateway', pathEvidence: `no public IP on the interface; ${vpcId} has a NAT gateway` };
      }
      return { path: 'unknown', pathEvidence: 'public peer; no traffic-path, public IP or NAT gateway known' };
    }
  }
}
