/**
 * FlowAnalysis (src/core/network) → EditorAnalysis: the per-group, per-rule and over-time
 * figures the editor shows (lens, hover, costly-outbound diagnostics, report). Pure.
 */
import type { PeerClass } from '../model/flows';
import type { Inventory } from '../model/inventory';
import type { FlowAnalysis, LabelledFlow, RuleUsage as CoreRuleUsage, SgRuleRef } from '../network';
import type { EditorAnalysis, GroupSummary, RuleUsage, SavingsItem } from './editor-model';

const PROTO: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

/** Does a flow's service port/protocol fall in the rule's range? */
export function ruleCovers(rule: Pick<SgRuleRef, 'protocol' | 'fromPort' | 'toPort'>, protocol: number, port: number): boolean {
  const p = rule.protocol === '-1' || rule.protocol === 'all' ? -1 : (PROTO[rule.protocol.toLowerCase()] ?? Number(rule.protocol));
  if (p !== -1 && p !== protocol) return false;
  if (rule.fromPort === -1 || p === -1 || (protocol !== 6 && protocol !== 17)) return true;
  return port >= rule.fromPort && port <= rule.toPort;
}

/**
 * Bytes that left: sent from the interface to a peer outside the private network. A NAT gateway's
 * copy of traffic already counted on the inside host (`countedElsewhere`) adds nothing, as in the
 * core's grouped totals (so these sums equal the CLI's byDirection / bySecurityGroup bytes).
 */
function sentOut(f: LabelledFlow): number {
  return f.direction === 'internal' || f.countedElsewhere ? 0 : f.bytesOut;
}

/** Bytes that came in from a peer outside the private network (copies counted elsewhere left out). */
function receivedIn(f: LabelledFlow): number {
  return f.direction === 'internal' || f.countedElsewhere ? 0 : f.bytesIn;
}

function natTo(f: LabelledFlow, service: 'S3' | 'DYNAMODB'): boolean {
  return f.path === 'nat-gateway' && (f.awsService ?? '').toUpperCase() === service;
}

function bucketSize(seconds: number): number {
  const steps = [300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400];
  return steps.find((s) => seconds / s <= 48) ?? 7 * 86400;
}

const SAVINGS_TITLE: Record<string, string> = {
  'gateway-endpoint': 'Add a gateway endpoint',
  'interface-endpoint': 'Add an interface endpoint',
  'cross-az': 'Reduce cross-AZ traffic',
  'nat-gateway': 'NAT gateway',
};

/** Flows indexed once, so per-rule figures do not rescan every flow (rules × flows). */
interface FlowIndex {
  byRule: Map<string, LabelledFlow[]>;
  rejectedByGroup: Map<string, LabelledFlow[]>;
}

function indexFlows(flows: LabelledFlow[]): FlowIndex {
  const byRule = new Map<string, LabelledFlow[]>();
  const rejectedByGroup = new Map<string, LabelledFlow[]>();
  for (const f of flows) {
    for (const r of f.matchedRules) {
      const list = byRule.get(r.id);
      if (list) list.push(f);
      else byRule.set(r.id, [f]);
    }
    if (f.action === 'REJECT') {
      for (const g of f.securityGroupIds) {
        const list = rejectedByGroup.get(g);
        if (list) list.push(f);
        else rejectedByGroup.set(g, [f]);
      }
    }
  }
  return { byRule, rejectedByGroup };
}

function toUsage(rule: SgRuleRef, base: Pick<CoreRuleUsage, 'flows' | 'bytes' | 'distinctPeers' | 'lastSeen' | 'status' | 'unevaluatedFlows'>, index: FlowIndex): RuleUsage {
  const matched = index.byRule.get(rule.id) ?? [];
  const peers = new Map<string, { addr: string; bytes: number; flows: number }>();
  for (const f of matched) {
    if (f.countedElsewhere) continue;
    const p = peers.get(f.peerAddr) ?? { addr: f.peerAddr, bytes: 0, flows: 0 };
    p.bytes += f.bytesOut + f.bytesIn;
    p.flows += 1;
    peers.set(f.peerAddr, p);
  }
  const inbound = rule.direction === 'ingress';
  const rejected = (index.rejectedByGroup.get(rule.groupId) ?? []).filter(
    (f) => (inbound ? f.direction !== 'egress' : f.direction === 'egress') && ruleCovers(rule, f.protocol, inbound ? f.localPort : f.peerPort),
  ).length;
  return {
    key: rule.id,
    groupId: rule.groupId,
    direction: rule.direction,
    protocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    source: rule.source,
    description: rule.description ?? undefined,
    flows: base.flows,
    bytes: base.bytes,
    distinctSources: base.distinctPeers,
    topPeers: [...peers.values()].sort((a, b) => b.bytes - a.bytes || b.flows - a.flows).slice(0, 5),
    rejected,
    lastSeen: base.lastSeen,
    status: base.status,
    unevaluatedFlows: base.unevaluatedFlows,
  };
}

export function toEditorAnalysis(a: FlowAnalysis, inventory: Inventory | undefined): EditorAnalysis {
  const factor = a.projection.factor;
  const flows = a.flows;
  const sgInfo = new Map((inventory?.securityGroups ?? []).map((g) => [g.GroupId ?? '', g]));
  const groups: Record<string, GroupSummary> = {};
  const group = (id: string): GroupSummary => {
    let g = groups[id];
    if (!g) {
      const info = sgInfo.get(id);
      g = groups[id] = {
        groupId: id,
        name: info?.GroupName,
        vpcId: info?.VpcId,
        interfaces: 0,
        egressBytes: 0,
        ingressBytes: 0,
        costUsd: 0,
        monthlyUsd: 0,
        costByClass: {},
        monthlyByClass: {},
        natToS3Bytes: 0,
        natToS3Usd: 0,
        natToDynamoBytes: 0,
        natToDynamoUsd: 0,
        rejectedInbound: 0,
        rules: [],
      };
    }
    return g;
  };
  const ifaces = new Map<string, Set<string>>();
  for (const f of flows) {
    for (const id of f.securityGroupIds) {
      const g = group(id);
      let s = ifaces.get(id);
      if (!s) ifaces.set(id, (s = new Set()));
      s.add(f.interfaceId);
      g.egressBytes += sentOut(f);
      g.ingressBytes += receivedIn(f);
      g.costUsd += f.costUsd;
      g.monthlyUsd += f.costUsd * factor;
      g.costByClass[f.peerClass] = (g.costByClass[f.peerClass] ?? 0) + f.costUsd;
      g.monthlyByClass[f.peerClass] = (g.monthlyByClass[f.peerClass] ?? 0) + f.costUsd * factor;
      if (f.countedElsewhere) continue;
      if (natTo(f, 'S3')) {
        g.natToS3Bytes += f.bytesOut + f.bytesIn;
        g.natToS3Usd += f.cost.natProcessing;
      }
      if (natTo(f, 'DYNAMODB')) {
        g.natToDynamoBytes += f.bytesOut + f.bytesIn;
        g.natToDynamoUsd += f.cost.natProcessing;
      }
      if (f.action === 'REJECT' && f.direction !== 'egress') g.rejectedInbound += 1;
    }
  }
  for (const [id, s] of ifaces) groups[id].interfaces = s.size;
  const index = indexFlows(flows);
  for (const u of a.ruleUsage) group(u.rule.groupId).rules.push(toUsage(u.rule, u, index));

  // Over time: each flow's bytes and cost spread evenly over its first..last seen.
  const start = a.window.start;
  const end = Math.max(a.window.end, start + 1);
  const bucket = bucketSize(end - start);
  const n = Math.max(1, Math.ceil((end - start) / bucket));
  const timeline = Array.from({ length: n }, (_, i) => ({ start: start + i * bucket, bytes: 0, costUsd: 0 }));
  for (const f of flows) {
    const s = Math.max(start, f.firstSeen);
    const e = Math.max(s + 1, Math.min(end, f.lastSeen));
    const span = e - s;
    for (let i = Math.floor((s - start) / bucket); i < n && start + i * bucket < e; i++) {
      const bs = start + i * bucket;
      const overlap = Math.min(e, bs + bucket) - Math.max(s, bs);
      if (overlap <= 0) continue;
      const share = overlap / span;
      if (!f.countedElsewhere) timeline[i].bytes += (f.bytesOut + f.bytesIn) * share;
      timeline[i].costUsd += f.costUsd * share;
    }
  }

  const peerClassOf = new Map<string, PeerClass>();
  for (const f of flows) if (!peerClassOf.has(f.peerAddr)) peerClassOf.set(f.peerAddr, f.peerClass);
  const byClass: EditorAnalysis['totals']['byClass'] = {};
  for (const c of a.byClass) byClass[c.key as PeerClass] = { bytes: c.bytesOut + c.bytesIn, costUsd: c.costUsd, monthlyUsd: c.monthlyCostUsd };

  const savings: SavingsItem[] = a.savings.map((h) => ({ title: SAVINGS_TITLE[h.kind] ?? h.kind, detail: h.message, monthlyUsd: h.monthlySavingsUsd }));
  const unusedRules = a.unusedRules.map((u) => groups[u.rule.groupId]?.rules.find((r) => r.key === u.rule.id) ?? toUsage(u.rule, u, index));
  const notes = [...a.problems];
  if (a.projection.statement) notes.push(a.projection.statement);

  return {
    flows,
    window: { start: a.window.start, end: a.window.end },
    totals: {
      flows: a.totals.flows,
      egressBytes: flows.reduce((s, f) => s + sentOut(f), 0),
      ingressBytes: flows.reduce((s, f) => s + receivedIn(f), 0),
      costUsd: a.totals.costUsd,
      monthlyUsd: a.totals.monthlyCostUsd,
      byClass,
    },
    groups,
    peers: a.byPeer.map((p) => ({ addr: p.key, peerClass: peerClassOf.get(p.key) ?? 'unknown', bytes: p.bytesOut + p.bytesIn, costUsd: p.costUsd })),
    timeline,
    bucketSeconds: bucket,
    unusedRules,
    savings,
    notes,
  };
}
