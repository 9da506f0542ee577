/**
 * Data-transfer cost of labelled flows.
 *
 * Components per flow (GB = bytes / prices.gbBytes; rejected flows cost nothing):
 *  - internetEgress: bytesOut to an internet peer (path igw, nat-gateway, vpn or unknown — the last
 *    charged conservatively and said so in costNote). Tiers
 *    apply to the month, so they are applied to the PROJECTED monthly volume of all flows together:
 *    rate = tieredCost(monthlyGb) / monthlyGb, and every flow pays GB × rate. Per-flow costs then
 *    sum exactly to the total, and the monthly projection is the observed cost × factor.
 *  - crossAz: (bytesOut + bytesIn) × rate each direction. The other side pays too; when the peer
 *    interface is itself in the data its flow carries its half, otherwise this flow carries both.
 *  - interRegion: bytesOut to another region (sender pays) — also for inter-region peering.
 *  - natProcessing: (bytesOut + bytesIn) through a NAT gateway; when the client is in another AZ
 *    than the gateway, crossAz adds (bytesOut + bytesIn) × rate × 2 (both sides of that hop).
 *  - peering: cross-AZ peering like crossAz (same-AZ peering is free; an unknown peer AZ is
 *    charged as cross-AZ and said so in costNote).
 *  - tgw: bytesOut processed by the sending attachment, plus bytesIn when the peer is not logged.
 *  - interfaceEndpoint: (bytesOut + bytesIn) through a PrivateLink endpoint.
 *  - awsService: same-region AWS service transfer (0 by default).
 *  - publicIpInRegion: (bytesOut + bytesIn) to another interface of the inventory by its public IP,
 *    at the in-region public-IP rate each direction (halved when the peer logs its own side).
 * Double counting: a NAT gateway / endpoint interface forwards traffic also logged on the inside
 * host's interface. Forwarded (transit) flows cost 0 when the inside host's interface is in the
 * data ("counted on eni-…", learned from the records when there is no inventory); a NAT gateway's
 * own internet leg costs 0 when flows through THAT gateway are priced elsewhere (its transit
 * flows, or host flows routed to it).
 */
import type { LabelledFlow, Projection, AnalysisWindow } from '../network/types';
import { type RegionPrices, interRegionRate, tieredCost } from './prices';

export interface CostBreakdown {
  internetEgress: number;
  crossAz: number;
  interRegion: number;
  natProcessing: number;
  peering: number;
  tgw: number;
  interfaceEndpoint: number;
  awsService: number;
  /** Instance to instance in the region over a public IP (each direction, like cross-AZ). */
  publicIpInRegion: number;
  total: number;
}

export const COST_COMPONENTS = ['internetEgress', 'crossAz', 'interRegion', 'natProcessing', 'peering', 'tgw', 'interfaceEndpoint', 'awsService', 'publicIpInRegion'] as const;
export type CostComponent = (typeof COST_COMPONENTS)[number];

export function zeroCost(): CostBreakdown {
  return { internetEgress: 0, crossAz: 0, interRegion: 0, natProcessing: 0, peering: 0, tgw: 0, interfaceEndpoint: 0, awsService: 0, publicIpInRegion: 0, total: 0 };
}

export function addCost(into: CostBreakdown, c: CostBreakdown, scale = 1): void {
  for (const k of COST_COMPONENTS) into[k] += c[k] * scale;
  into.total += c.total * scale;
}

/** Billing month used for projections: AWS prices hourly resources at 730 hours a month. */
export const MONTH_HOURS = 730;

export interface PricingContext {
  prices: RegionPrices;
  window: AnalysisWindow;
  /** Interfaces present in the data (to know whether a peer logs its own side). */
  loggedInterfaces: Set<string>;
  /** Region of the flows, for inter-region rates. */
  region: string | null;
  /** Interface id of an address (for "counted on eni-…"); the records teach the rest. */
  interfaceOfIp: (addr: string) => string | null;
  /** Network interfaces of a NAT gateway (nat-…), to know whose internet leg a host flow covers. */
  natInterfaces?: (natId: string) => string[];
}

export interface PricingResult {
  projection: Projection;
  total: CostBreakdown;
}

/** A NAT gateway's own leg to an internet peer (not another instance's public IP). */
const natInternetLeg = (f: LabelledFlow) => f.interfaceKind === 'nat-gateway' && f.peerClass === 'internet' && !f.peerPublicIpInterfaceId;

const isInternetBound = (f: LabelledFlow) =>
  f.peerClass === 'internet' && !f.peerPublicIpInterfaceId && (f.path === 'igw' || f.path === 'nat-gateway' || f.path === 'vpn' || f.path === 'unknown');

/**
 * Decides for each flow whether it carries cost or is counted elsewhere. Sets costNote.
 *
 * Who is who also comes from the records themselves, so that it works without an inventory: a
 * non-transit flow's local address belongs to its interface (learned address → ENI), and an
 * interface carrying transit flows forwards for others (a NAT gateway or endpoint interface).
 */
function ownership(flows: LabelledFlow[], ctx: PricingContext): Uint8Array {
  // By flow index: 0 undecided, 1 carries its cost, 2 counted elsewhere (an array, not a Map keyed
  // by flow objects: a million Map entries cost ~1 s of lookups).
  const owns = new Uint8Array(flows.length);
  const learned = new Map<string, string>();
  const forwarders = new Set<string>();
  for (const f of flows) {
    if (f.transit) forwarders.add(f.interfaceId);
    else if (!learned.has(f.localAddr)) learned.set(f.localAddr, f.interfaceId);
  }
  const interfaceOf = (addr: string): string | null => {
    const known = ctx.interfaceOfIp(addr);
    if (known !== null) return known;
    const eni = learned.get(addr);
    return eni !== undefined && !forwarders.has(eni) ? eni : null;
  };
  // Interfaces of NAT gateways whose traffic is priced on some other flow.
  const natCovered = new Set<string>();
  for (let i = 0; i < flows.length; i++) {
    const f = flows[i];
    if (f.transit) {
      const inside = interfaceOf(f.localAddr);
      const logged = inside !== null && ctx.loggedInterfaces.has(inside);
      owns[i] = logged ? 2 : 1;
      f.countedElsewhere = logged;
      if (logged) f.costNote = `counted on ${inside} (forwarded by ${f.interfaceId})`;
      natCovered.add(f.interfaceId);
    } else if (f.path === 'nat-gateway' && f.viaId) {
      for (const eni of ctx.natInterfaces?.(f.viaId) ?? []) natCovered.add(eni);
    }
  }
  for (let i = 0; i < flows.length; i++) {
    const f = flows[i];
    if (owns[i] !== 0) continue;
    const natLeg = f.interfaceKind === 'nat-gateway' || (f.interfaceKind === 'unknown' && forwarders.has(f.interfaceId));
    if (natLeg && natCovered.has(f.interfaceId)) {
      owns[i] = 2;
      f.countedElsewhere = true;
      f.costNote = 'NAT gateway leg to the internet: counted on the flows through the gateway';
      continue;
    }
    owns[i] = 1;
  }
  return owns;
}

/**
 * Prices every flow in place (cost, costUsd, costNote) and returns the totals and projection.
 * Observed-window cost per flow; monthly = observed × projection.factor.
 */
export function priceFlows(flows: LabelledFlow[], ctx: PricingContext): PricingResult {
  const p = ctx.prices;
  const gb = (bytes: number) => bytes / p.gbBytes;
  const factor = (MONTH_HOURS * 3600) / Math.max(1, ctx.window.seconds);
  const owns = ownership(flows, ctx);

  // Pass 1: internet egress volume, to find the tier rate for the projected month.
  let internetGb = 0;
  for (let i = 0; i < flows.length; i++) {
    const f = flows[i];
    if (f.action === 'REJECT' || owns[i] !== 1) continue;
    if (isInternetBound(f) || natInternetLeg(f)) internetGb += gb(f.bytesOut);
  }
  const monthlyGb = internetGb * factor;
  const rate = monthlyGb > 0 ? tieredCost(monthlyGb, p.internetEgressTiers) / monthlyGb : (p.internetEgressTiers[0]?.usdPerGb ?? 0);

  const total = zeroCost();
  for (let i = 0; i < flows.length; i++) {
    const f = flows[i];
    const c = zeroCost();
    if (f.action !== 'REJECT' && owns[i] === 1) {
      const out = gb(f.bytesOut);
      const both = gb(f.bytesOut + f.bytesIn);
      const peerLogged = f.peerInterfaceId !== null && ctx.loggedInterfaces.has(f.peerInterfaceId);
      const notes: string[] = [];

      if (isInternetBound(f) || natInternetLeg(f)) {
        c.internetEgress = out * rate;
        // Conservative, and said: the path may be a free one (gateway endpoint …) that is not known.
        if (f.path === 'unknown' && out > 0) notes.push(`path unknown: charged as internet egress (${f.pathEvidence})`);
      }
      if (f.peerClass === 'cross-az') c.crossAz = both * p.crossAzPerGbEachDirection * (peerLogged ? 1 : 2);
      if (f.peerPublicIpInterfaceId && f.peerClass === 'internet') {
        const logged = ctx.loggedInterfaces.has(f.peerPublicIpInterfaceId);
        c.publicIpInRegion = both * p.publicIpInRegionPerGbEachDirection * (logged ? 1 : 2);
        notes.push(`peer is the public IP of ${f.peerPublicIpInterfaceId} in the region: in-region public-IP rate each direction, not internet egress`);
      }
      if (f.peerClass === 'other-region') c.interRegion = out * interRegionRate(p, f.peerRegion);
      if (f.peerClass === 'aws-service') c.awsService = both * p.awsServiceSameRegionPerGb;
      if (f.peerClass === 'peered-vpc') {
        if (f.peerRegion && ctx.region && f.peerRegion !== ctx.region) c.interRegion = out * interRegionRate(p, f.peerRegion);
        else if (f.peerAz && f.localAz && f.peerAz === f.localAz) c.peering = both * p.peeringSameAzPerGb;
        else {
          c.peering = both * p.peeringCrossAzPerGbEachDirection * (peerLogged ? 1 : 2);
          if (!f.peerAz) notes.push('peer AZ unknown: charged as cross-AZ peering');
        }
      }
      if (f.path === 'nat-gateway') {
        c.natProcessing = both * p.natGatewayPerGb;
        if (f.viaCrossAz) {
          // To a NAT gateway in another AZ: out of one AZ and into the other, both directions.
          c.crossAz += both * p.crossAzPerGbEachDirection * 2;
          notes.push(`${f.viaId} is in ${f.viaAz}, the client in ${f.localAz}: cross-AZ charged both ways`);
        }
      }
      if (f.interfaceKind === 'nat-gateway' && !f.transit && f.path === 'igw') c.natProcessing = both * p.natGatewayPerGb;
      if (f.path === 'tgw') c.tgw = (out + (peerLogged ? 0 : gb(f.bytesIn))) * p.tgwPerGb;
      if (f.path === 'interface-endpoint') c.interfaceEndpoint = both * p.interfaceEndpointPerGb;
      if (f.peerClass === 'unknown' && f.path === 'unknown' && both > 0) notes.push('peer location and path unknown: not priced');
      if (notes.length) f.costNote = notes.join('; ');
    }
    c.total = COST_COMPONENTS.reduce((s, k) => s + c[k], 0);
    f.cost = c;
    f.costUsd = c.total;
    addCost(total, c);
  }

  const hours = ctx.window.seconds / 3600;
  return {
    total,
    projection: {
      monthHours: MONTH_HOURS,
      factor,
      monthlyCostUsd: total.total * factor,
      monthlyInternetEgressGb: monthlyGb,
      internetEffectiveRateUsdPerGb: rate,
      statement:
        `Observed ${hours < 48 ? `${hours.toFixed(2)} h` : `${(hours / 24).toFixed(1)} days`} ` +
        `(${new Date(ctx.window.start * 1000).toISOString()} – ${new Date(ctx.window.end * 1000).toISOString()}); ` +
        `monthly = observed × ${factor.toFixed(2)} (${MONTH_HOURS} h month). Internet egress tiers applied to the projected ` +
        `${monthlyGb.toFixed(1)} GB/month: average $${rate.toFixed(5)}/GB charged to every flow. Prices: ${p.region}, ${p.date}.`,
    },
  };
}
