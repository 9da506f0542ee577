/**
 * The one entry point for the CLI and the editor: aggregates + inventory → labelled, priced flows
 * with per-interface / security-group / peer / class totals, rule usage, unused rules, savings
 * hints, the observed window and the monthly projection. Pure: no IO.
 */
import type { Direction, FlowAggregate, PeerClass } from '../model/flows';
import type { Inventory } from '../model/inventory';
import { emptyInventory } from '../model/inventory';
import { type CostBreakdown, MONTH_HOURS, addCost, priceFlows, zeroCost } from '../pricing/cost';
import { type PriceOverrides, type RegionPrices, resolvePrices } from '../pricing/prices';
import type { AwsIpRanges } from './aws-ip-ranges';
import { type Conversation, buildConversations } from './conversations';
import { byTcpFlags, decideInitiator, endpointKey } from './initiator';
import { NetworkIndex } from './inventory-index';
import { classifyPeer } from './peer';
import { type CompiledRule, RuleBook, compileGroup } from './security-groups';
import type { AnalysisWindow, CostGroup, LabelledFlow, Projection, RuleUsage, SavingsHint, SgVerdict } from './types';

export interface AnalyzeOptions {
  /** User-declared private networks (setting / --private-cidr). */
  privateCidrs?: string[];
  /** Region for prices and inter-region decisions when neither records nor inventory say. */
  region?: string | null;
  /** Price overrides (settings / --prices file). */
  priceOverrides?: PriceOverrides;
  /** AWS ip-ranges.json, parsed (parseAwsIpRanges), when loaded. */
  awsIpRanges?: AwsIpRanges | null;
  /** Window to state and project from (Unix seconds); default: the records' first start to last end. */
  window?: { start: number; end: number };
  /** Checked between phases and every 5,000 flows; an AbortSignal, or any object with `aborted` and `reason`. */
  signal?: AbortLike;
}

export interface FlowTotals {
  flows: number;
  bytesOut: number;
  bytesIn: number;
  packetsOut: number;
  packetsIn: number;
  /** Bytes without the copies that NAT gateway interfaces log of traffic also logged elsewhere. */
  uniqueBytesOut: number;
  uniqueBytesIn: number;
  costUsd: number;
  monthlyCostUsd: number;
  cost: CostBreakdown;
  byDirection: Record<Direction, CostGroup>;
  byPeerClass: Partial<Record<PeerClass, CostGroup>>;
}

export interface FlowAnalysis {
  flows: LabelledFlow[];
  conversations: number;
  paired: number;
  totals: FlowTotals;
  byInterface: CostGroup[];
  bySecurityGroup: CostGroup[];
  byPeer: CostGroup[];
  byClass: CostGroup[];
  ruleUsage: RuleUsage[];
  unusedRules: RuleUsage[];
  savings: SavingsHint[];
  window: AnalysisWindow;
  projection: Projection;
  prices: RegionPrices;
  region: string | null;
  /** Problems with the options (bad CIDRs …) and notes on the data. */
  problems: string[];
}

function windowOf(aggs: FlowAggregate[], opt?: { start: number; end: number }): AnalysisWindow {
  if (opt) return { start: opt.start, end: opt.end, seconds: Math.max(1, opt.end - opt.start), source: 'options' };
  let start = Infinity;
  let end = -Infinity;
  for (const a of aggs) {
    if (a.start < start) start = a.start;
    if (a.end > end) end = a.end;
  }
  if (!Number.isFinite(start)) return { start: 0, end: 0, seconds: 1, source: 'records' };
  return { start, end, seconds: Math.max(1, end - start), source: 'records' };
}

/** What cancellation needs of a signal: an AbortSignal, or a flag another thread sets (analysis-worker.ts). */
export type AbortLike = Pick<AbortSignal, 'aborted' | 'reason'>;

/**
 * The same string, flat. Why: text built with + or a template is a rope (a tree of "cons"
 * strings), and one kept per flow costs ~80 bytes more than the flat text (measured on ~100-
 * character evidence strings). V8 flattens a rope in place when a character is read from it, so
 * the tree's nodes can be freed; nothing else changes.
 */
/**
 * The empty list most flows carry (no matched rule, no inventory): one shared frozen array instead
 * of two new ones a flow (64 bytes). Frozen, so code that would add to it fails loudly.
 */
const NONE = Object.freeze([]) as unknown as never[];

function flat(s: string): string {
  if (s.length > 12) s.charCodeAt(0);
  return s;
}

function checkAbort(signal?: AbortLike): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

function group(key: string): CostGroup {
  return { key, flows: 0, copies: 0, bytesOut: 0, bytesIn: 0, costUsd: 0, monthlyCostUsd: 0 };
}

function addTo(map: Map<string, CostGroup>, key: string, f: LabelledFlow, factor: number, withCopies = false): void {
  let g = map.get(key);
  if (!g) map.set(key, (g = group(key)));
  accumulate(g, f, factor, withCopies);
}

/** Adds a flow to a group; a copy counted elsewhere adds only to `copies` (and its cost, 0). */
function accumulate(g: CostGroup, f: LabelledFlow, factor: number, withCopies = false): void {
  if (f.countedElsewhere) g.copies++;
  if (!f.countedElsewhere || withCopies) {
    g.flows++;
    g.bytesOut += f.bytesOut;
    g.bytesIn += f.bytesIn;
  }
  g.costUsd += f.costUsd;
  g.monthlyCostUsd += f.costUsd * factor;
}

const byCostDesc = (a: CostGroup, b: CostGroup) => b.costUsd - a.costUsd || b.bytesOut + b.bytesIn - (a.bytesOut + a.bytesIn) || a.key.localeCompare(b.key);

export function analyzeFlows(aggregates: FlowAggregate[], inventory: Inventory | null, opts: AnalyzeOptions = {}): FlowAnalysis {
  const inv = inventory ?? emptyInventory('none');
  const index = new NetworkIndex(inv, { privateCidrs: opts.privateCidrs });
  const problems = [...index.problems];
  const rules = new RuleBook(index);
  checkAbort(opts.signal);

  const recordRegion = aggregates.find((a) => a.region)?.region ?? null;
  const region = opts.region ?? recordRegion ?? index.region ?? null;
  const conversations = buildConversations(aggregates, index);
  checkAbort(opts.signal);

  // Server endpoints proven by TCP flags, used as listening-port evidence elsewhere.
  const learned = new Set<string>();
  for (const c of conversations) {
    const d = byTcpFlags(c);
    if (!d) continue;
    if (d.initiator === 'peer') learned.add(endpointKey(c.localAddr, c.localPort, c.protocol));
    else learned.add(endpointKey(c.peerAddr, c.peerPort, c.protocol));
  }

  const loggedInterfaces = new Set(aggregates.map((a) => a.interfaceId));
  const sent = new Set<string>();
  const received = new Set<string>();
  for (const c of conversations) {
    if (c.out) sent.add(c.interfaceId);
    if (c.in) received.add(c.interfaceId);
  }
  const bothDirectionsLogged = new Set([...sent].filter((e) => received.has(e)));
  const flows: LabelledFlow[] = [];
  const usage = new Map<string, { rule: CompiledRule; flows: number; bytes: number; peers: Set<string>; lastSeen: number | null }>();
  const use = (r: CompiledRule, f: LabelledFlow) => {
    let u = usage.get(r.id);
    if (!u) usage.set(r.id, (u = { rule: r, flows: 0, bytes: 0, peers: new Set(), lastSeen: null }));
    u.flows++;
    u.bytes += f.bytesOut + f.bytesIn;
    u.peers.add(f.peerAddr);
    u.lastSeen = u.lastSeen === null ? f.lastSeen : Math.max(u.lastSeen, f.lastSeen);
  };

  let n = 0;
  for (const c of conversations) {
    if (++n % 5000 === 0) checkAbort(opts.signal);
    const localIf = index.interfaces.get(c.interfaceId);
    const hostIf = c.transit ? index.interfaceOfIp(c.localAddr) : localIf;
    const localGroups = hostIf?.securityGroupIds ?? [];
    const peerIfAny = index.interfaceOfIp(c.peerAddr);
    const decision = decideInitiator(c, { index, rules, learnedListening: learned, localGroups, peerGroups: peerIfAny?.securityGroupIds ?? [], bothDirectionsLogged });
    const peer = classifyPeer(c, localIf, { index, awsRanges: opts.awsIpRanges ?? null, region });
    const peerPrivate = index.isPrivate(c.peerAddr);
    // With the orientation unknown, "local started it" says nothing about inside or outside.
    const direction: Direction = peerPrivate
      ? 'internal'
      : c.orientationUnknown
        ? 'unknown'
        : decision.initiator === 'local'
          ? 'egress'
          : decision.initiator === 'peer'
            ? 'ingress'
            : 'unknown';
    const orientationNote = c.orientationUnknown ? `; orientation unknown: ${c.orientationUnknown} (local/peer shown in address order)` : '';

    const flow: LabelledFlow = {
      id: c.key,
      interfaceId: c.interfaceId,
      interfaceKind: localIf?.kind ?? 'unknown',
      localAddr: c.localAddr,
      localPort: c.localPort,
      peerAddr: c.peerAddr,
      peerPort: c.peerPort,
      protocol: c.protocol,
      direction,
      initiator: decision.initiator,
      initiatorRule: decision.rule,
      directionEvidence: flat(decision.evidence + (peerPrivate && decision.initiator ? `; internal: ${c.peerAddr} is private` : '') + orientationNote),
      action: c.action,
      bytesOut: c.out?.bytes ?? 0,
      bytesIn: c.in?.bytes ?? 0,
      packetsOut: c.out?.packets ?? 0,
      packetsIn: c.in?.packets ?? 0,
      records: (c.out?.records ?? 0) + (c.in?.records ?? 0),
      firstSeen: Math.min(c.out?.start ?? Infinity, c.in?.start ?? Infinity),
      lastSeen: Math.max(c.out?.end ?? -Infinity, c.in?.end ?? -Infinity),
      paired: !!(c.out && c.in),
      transit: c.transit,
      out: c.out,
      in: c.in,
      peerClass: peer.peerClass,
      peerClassEvidence: flat(peer.peerClassEvidence),
      path: peer.path,
      pathEvidence: flat(peer.pathEvidence),
      awsService: peer.awsService,
      peerRegion: peer.peerRegion,
      peerInterfaceId: peer.peerInterface?.id ?? null,
      peerPublicIpInterfaceId: peer.peerPublicIpOf?.id ?? null,
      vpcId: peer.vpcId,
      localAz: peer.localAz,
      peerAz: peer.peerAz,
      viaId: peer.viaId,
      viaAz: peer.viaAz,
      viaCrossAz: peer.viaCrossAz,
      securityGroupIds: localIf?.securityGroupIds ?? NONE,
      matchedRule: null,
      matchedRules: NONE,
      sgVerdict: 'not-evaluated',
      cost: zeroCost(),
      costUsd: 0,
      costNote: null,
      countedElsewhere: false,
    };

    // Security-group attribution, by who started the conversation.
    let verdict: SgVerdict;
    if (c.transit || localIf?.kind === 'nat-gateway') verdict = 'not-applicable';
    else if (!localIf || localGroups.length === 0 || localGroups.some((g) => !index.securityGroups.has(g))) verdict = 'no-inventory';
    else if (!decision.initiator) {
      // Who started it is unknown: a rule of either direction may be the one that allowed it, so
      // credit both (a used rule must never look unused and be offered for deletion).
      verdict = 'not-evaluated';
      const matched = [
        ...rules.matching(localGroups, 'ingress', c.protocol, c.localPort, c.peerAddr, peer.awsService),
        ...rules.matching(localGroups, 'egress', c.protocol, c.peerPort, c.peerAddr, peer.awsService),
      ];
      flow.matchedRules = matched.map((r) => rules.refOf(r));
      if (c.action !== 'REJECT') for (const r of matched) use(r, flow);
    } else {
      const inbound = decision.initiator === 'peer';
      const matched = rules.matching(localGroups, inbound ? 'ingress' : 'egress', c.protocol, inbound ? c.localPort : c.peerPort, c.peerAddr, peer.awsService);
      flow.matchedRules = matched.map((r) => rules.refOf(r));
      flow.matchedRule = flow.matchedRules[0] ?? null;
      if (c.action === 'REJECT') verdict = matched.length ? 'rejected-despite-rule' : 'rejected-no-rule';
      else verdict = matched.length ? 'allowed' : 'no-matching-rule';
      if (c.action !== 'REJECT') for (const r of matched) use(r, flow);
    }
    flow.sgVerdict = verdict;
    flows.push(flow);
  }
  checkAbort(opts.signal);

  // Cost.
  const { prices, fallbackFrom } = resolvePrices(region, opts.priceOverrides);
  if (fallbackFrom) problems.push(`no price file for ${fallbackFrom}; using us-east-1 prices`);
  const window = windowOf(aggregates, opts.window);
  const natEnis = new Map<string, string[]>();
  for (const i of index.interfaces.values()) {
    if (i.kind !== 'nat-gateway' || !i.ownerResourceId) continue;
    const l = natEnis.get(i.ownerResourceId);
    if (l) l.push(i.id);
    else natEnis.set(i.ownerResourceId, [i.id]);
  }
  const priced = priceFlows(flows, {
    prices,
    window,
    loggedInterfaces,
    region,
    interfaceOfIp: (addr) => index.interfaceOfIp(addr)?.id ?? null,
    natInterfaces: (natId) => natEnis.get(natId) ?? [],
  });
  const factor = priced.projection.factor;

  // Totals and groupings.
  const dirs: Direction[] = ['ingress', 'egress', 'internal', 'unknown'];
  const byDirection = Object.fromEntries(dirs.map((d) => [d, group(d)])) as Record<Direction, CostGroup>;
  const byIf = new Map<string, CostGroup>();
  const bySg = new Map<string, CostGroup>();
  const byPeer = new Map<string, CostGroup>();
  const byClass = new Map<string, CostGroup>();
  const totalCost = zeroCost();
  let bytesOut = 0;
  let bytesIn = 0;
  let packetsOut = 0;
  let packetsIn = 0;
  let uniqueBytesOut = 0;
  let uniqueBytesIn = 0;
  for (const f of flows) {
    if (!f.countedElsewhere) {
      uniqueBytesOut += f.bytesOut;
      uniqueBytesIn += f.bytesIn;
    }
    accumulate(byDirection[f.direction], f, factor);
    addTo(byIf, f.interfaceId, f, factor, true);
    for (const g of f.securityGroupIds) addTo(bySg, g, f, factor);
    addTo(byPeer, f.peerAddr, f, factor);
    addTo(byClass, f.peerClass, f, factor);
    addCost(totalCost, f.cost);
    bytesOut += f.bytesOut;
    bytesIn += f.bytesIn;
    packetsOut += f.packetsOut;
    packetsIn += f.packetsIn;
  }
  const totals: FlowTotals = {
    flows: flows.length,
    bytesOut,
    bytesIn,
    packetsOut,
    packetsIn,
    uniqueBytesOut,
    uniqueBytesIn,
    costUsd: totalCost.total,
    monthlyCostUsd: totalCost.total * factor,
    cost: totalCost,
    byDirection,
    byPeerClass: Object.fromEntries([...byClass.values()].map((g) => [g.key, g])) as Partial<Record<PeerClass, CostGroup>>,
  };

  // Groups with accepted flows whose rule attribution could not be evaluated (initiator unknown,
  // or some of the interface's groups missing from the inventory): their rules with no credited
  // flow are 'unknown', not 'unused'.
  const unevaluated = new Map<string, number>();
  for (const f of flows) {
    if (f.action === 'REJECT' || (f.sgVerdict !== 'not-evaluated' && f.sgVerdict !== 'no-inventory')) continue;
    for (const g of f.securityGroupIds) unevaluated.set(g, (unevaluated.get(g) ?? 0) + 1);
  }
  // Rule usage over the groups of every interface in the data.
  const groupsInScope = new Set<string>();
  for (const eni of loggedInterfaces) for (const g of index.interfaces.get(eni)?.securityGroupIds ?? []) groupsInScope.add(g);
  const ruleUsage: RuleUsage[] = [];
  for (const g of [...groupsInScope].sort()) {
    const sg = index.securityGroups.get(g);
    if (!sg) continue;
    for (const r of compileGroup(sg)) {
      const u = usage.get(r.id);
      const flowsOf = u?.flows ?? 0;
      const unevaluatedFlows = unevaluated.get(g) ?? 0;
      ruleUsage.push({
        rule: rules.refOf(r),
        flows: flowsOf,
        bytes: u?.bytes ?? 0,
        distinctPeers: u?.peers.size ?? 0,
        lastSeen: u?.lastSeen ?? null,
        status: flowsOf > 0 ? 'used' : unevaluatedFlows > 0 ? 'unknown' : 'unused',
        unevaluatedFlows,
      });
    }
  }
  const unusedRules = ruleUsage.filter((u) => u.status === 'unused');

  return {
    flows,
    conversations: conversations.length,
    paired: flows.filter((f) => f.paired).length,
    totals,
    byInterface: [...byIf.values()].sort(byCostDesc),
    bySecurityGroup: [...bySg.values()].sort(byCostDesc),
    byPeer: [...byPeer.values()].sort(byCostDesc),
    byClass: [...byClass.values()].sort(byCostDesc),
    ruleUsage,
    unusedRules,
    savings: savingsHints(flows, prices, factor, index),
    window,
    projection: priced.projection,
    prices,
    region,
    problems,
  };
}

const fmtUsd = (v: number) => `$${v.toFixed(2)}`;
const GB = (bytes: number, p: RegionPrices) => bytes / p.gbBytes;

/** Hints where the data shows money to save. Amounts are per month (projected). */
export function savingsHints(flows: LabelledFlow[], prices: RegionPrices, factor: number, index: NetworkIndex): SavingsHint[] {
  const hints: SavingsHint[] = [];

  // 1. S3 / DynamoDB through a NAT gateway → gateway endpoint (free).
  const viaNat = new Map<string, { vpc: string | null; service: string; nat: number; crossAz: number; bytes: number; interfaces: Set<string> }>();
  // 2. Other AWS services through a NAT gateway → interface endpoint.
  const otherViaNat = new Map<string, { vpc: string | null; service: string; nat: number; bytes: number; azs: Set<string>; interfaces: Set<string> }>();
  for (const f of flows) {
    if (f.cost.natProcessing <= 0 || !f.awsService || f.peerClass !== 'aws-service') continue;
    const svc = f.awsService.toUpperCase();
    const key = `${f.vpcId ?? '?'}|${svc}`;
    if (svc === 'S3' || svc === 'DYNAMODB') {
      let h = viaNat.get(key);
      if (!h) viaNat.set(key, (h = { vpc: f.vpcId, service: svc, nat: 0, crossAz: 0, bytes: 0, interfaces: new Set() }));
      // A gateway endpoint removes the NAT processing and the cross-AZ hop to the gateway.
      h.nat += f.cost.natProcessing + f.cost.crossAz;
      h.crossAz += f.cost.crossAz;
      h.bytes += f.bytesOut + f.bytesIn;
      h.interfaces.add(f.interfaceId);
    } else {
      let h = otherViaNat.get(key);
      if (!h) otherViaNat.set(key, (h = { vpc: f.vpcId, service: svc, nat: 0, bytes: 0, azs: new Set(), interfaces: new Set() }));
      h.nat += f.cost.natProcessing + f.cost.crossAz;
      h.bytes += f.bytesOut + f.bytesIn;
      if (f.localAz) h.azs.add(f.localAz);
      h.interfaces.add(f.interfaceId);
    }
  }
  for (const h of viaNat.values()) {
    const monthly = h.nat * factor;
    const monthlyGb = GB(h.bytes, prices) * factor;
    const existing = h.vpc ? index.gatewayEndpointFor(h.vpc, h.service.toLowerCase()) : undefined;
    hints.push({
      kind: 'gateway-endpoint',
      message:
        `${h.service} traffic from ${h.vpc ?? 'the VPC'} goes through a NAT gateway: ${monthlyGb.toFixed(1)} GB/month processed at ` +
        `$${prices.natGatewayPerGb}/GB${h.crossAz > 0 ? ` plus ${fmtUsd(h.crossAz * factor)}/month cross-AZ to the gateway` : ''}. ${existing ? `Gateway endpoint ${existing.id} exists but is not used by these subnets' route tables — associate it` : `A gateway endpoint for ${h.service} (free)`} ` +
        `would save ${fmtUsd(monthly)}/month.`,
      monthlySavingsUsd: monthly,
      subjects: [h.vpc ?? '?', h.service, ...h.interfaces],
    });
  }
  for (const h of otherViaNat.values()) {
    const azs = Math.max(1, h.azs.size);
    const gbMonth = GB(h.bytes, prices) * factor;
    const endpointMonthly = gbMonth * prices.interfaceEndpointPerGb + azs * MONTH_HOURS * prices.interfaceEndpointPerAzHour;
    const saving = h.nat * factor - endpointMonthly;
    if (saving <= 0.5) continue;
    hints.push({
      kind: 'interface-endpoint',
      message:
        `${h.service} traffic from ${h.vpc ?? 'the VPC'} goes through a NAT gateway (${gbMonth.toFixed(1)} GB/month, ${fmtUsd(h.nat * factor)}/month processing). ` +
        `An interface endpoint in ${azs} AZ${azs > 1 ? 's' : ''} would cost about ${fmtUsd(endpointMonthly)}/month: saves ${fmtUsd(saving)}/month.`,
      monthlySavingsUsd: saving,
      subjects: [h.vpc ?? '?', h.service, ...h.interfaces],
    });
  }

  // 3. Cross-AZ chatter: the most expensive interface ↔ peer pairs.
  const pairs = new Map<string, { a: string; b: string; azA: string | null; azB: string | null; cost: number }>();
  for (const f of flows) {
    if (f.cost.crossAz <= 0 || f.peerClass !== 'cross-az') continue;
    const peerKey = f.peerInterfaceId ?? f.peerAddr;
    const [a, b] = [f.interfaceId, peerKey].sort();
    const key = `${a}|${b}`;
    let p = pairs.get(key);
    if (!p) pairs.set(key, (p = { a: f.interfaceId, b: peerKey, azA: f.localAz, azB: f.peerAz, cost: 0 }));
    p.cost += f.cost.crossAz;
  }
  const top = [...pairs.values()].sort((x, y) => y.cost - x.cost).filter((p) => p.cost * factor >= 1).slice(0, 5);
  for (const p of top) {
    const monthly = p.cost * factor;
    hints.push({
      kind: 'cross-az',
      message: `Cross-AZ traffic between ${p.a} (${p.azA ?? '?'}) and ${p.b} (${p.azB ?? '?'}) costs ${fmtUsd(monthly)}/month; keeping them in one AZ (or AZ-aware routing) would save it.`,
      monthlySavingsUsd: monthly,
      subjects: [p.a, p.b],
    });
  }
  // 4. Clients reaching a NAT gateway in another AZ: a NAT gateway in their AZ.
  const natHop = new Map<string, { nat: string; natAz: string | null; az: string | null; cost: number; interfaces: Set<string> }>();
  for (const f of flows) {
    if (!f.viaCrossAz || f.cost.crossAz <= 0 || f.path !== 'nat-gateway') continue;
    const key = `${f.viaId}|${f.localAz}`;
    let h = natHop.get(key);
    if (!h) natHop.set(key, (h = { nat: f.viaId ?? '?', natAz: f.viaAz, az: f.localAz, cost: 0, interfaces: new Set() }));
    h.cost += f.cost.crossAz;
    h.interfaces.add(f.interfaceId);
  }
  for (const h of natHop.values()) {
    const monthly = h.cost * factor;
    const natMonthly = prices.natGatewayPerHour * MONTH_HOURS;
    const saving = monthly - natMonthly;
    if (saving <= 0.5) continue;
    hints.push({
      kind: 'nat-gateway',
      message:
        `Clients in ${h.az ?? '?'} reach ${h.nat} in ${h.natAz ?? '?'}: ${fmtUsd(monthly)}/month cross-AZ. A NAT gateway in ${h.az ?? 'their AZ'} ` +
        `(${fmtUsd(natMonthly)}/month) would save ${fmtUsd(saving)}/month.`,
      monthlySavingsUsd: saving,
      subjects: [h.nat, ...h.interfaces],
    });
  }
  return hints.sort((x, y) => y.monthlySavingsUsd - x.monthlySavingsUsd);
}

export type { Conversation };
