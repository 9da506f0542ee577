/**
 * The `flows` JSON document (docs/cli.md): the analysis with times as ISO 8601 strings. Shared by
 * `egress-lens flows --format json` and `report --format json`. Field names are a contract:
 * add, never rename.
 */
import type { RecordCounts, SkippedLine, SourceError } from '../model/flows';
import { LazyJsonArray } from '../report/json-stream';
import type { FlowAnalysis } from './analyze';
import type { CostGroup, LabelledFlow, RuleUsage, SgRuleRef } from './types';

export const iso = (unixSeconds: number | null): string | null =>
  unixSeconds === null || !Number.isFinite(unixSeconds) ? null : new Date(unixSeconds * 1000).toISOString();

export interface FlowJson {
  interfaceId: string;
  interfaceKind: string;
  localAddr: string;
  localPort: number;
  peerAddr: string;
  peerPort: number;
  protocol: number;
  direction: string;
  directionEvidence: string;
  initiator: string | null;
  initiatorRule: string;
  action: string | null;
  bytesOut: number;
  bytesIn: number;
  packetsOut: number;
  packetsIn: number;
  records: number;
  firstSeen: string | null;
  lastSeen: string | null;
  paired: boolean;
  transit: boolean;
  peerClass: string;
  peerClassEvidence: string;
  path: string;
  pathEvidence: string;
  awsService: string | null;
  peerRegion: string | null;
  peerInterfaceId: string | null;
  /** The peer address is this interface's public IP (in-region public-IP pricing). */
  peerPublicIpInterfaceId: string | null;
  vpcId: string | null;
  localAz: string | null;
  peerAz: string | null;
  viaId: string | null;
  viaAz: string | null;
  viaCrossAz: boolean;
  tcpFlagsOut: number | null;
  tcpFlagsIn: number | null;
  flowDirectionOut: string | null;
  flowDirectionIn: string | null;
  trafficPath: number | null;
  securityGroupIds: string[];
  matchedRule: SgRuleRef | null;
  matchedRules: SgRuleRef[];
  sgVerdict: string;
  costUsd: number;
  monthlyCostUsd: number;
  cost: LabelledFlow['cost'];
  costNote: string | null;
  countedElsewhere: boolean;
}

export function flowToJson(f: LabelledFlow, factor: number): FlowJson {
  return {
    interfaceId: f.interfaceId,
    interfaceKind: f.interfaceKind,
    localAddr: f.localAddr,
    localPort: f.localPort,
    peerAddr: f.peerAddr,
    peerPort: f.peerPort,
    protocol: f.protocol,
    direction: f.direction,
    directionEvidence: f.directionEvidence,
    initiator: f.initiator,
    initiatorRule: f.initiatorRule,
    action: f.action,
    bytesOut: f.bytesOut,
    bytesIn: f.bytesIn,
    packetsOut: f.packetsOut,
    packetsIn: f.packetsIn,
    records: f.records,
    firstSeen: iso(f.firstSeen),
    lastSeen: iso(f.lastSeen),
    paired: f.paired,
    transit: f.transit,
    peerClass: f.peerClass,
    peerClassEvidence: f.peerClassEvidence,
    path: f.path,
    pathEvidence: f.pathEvidence,
    awsService: f.awsService,
    peerRegion: f.peerRegion,
    peerInterfaceId: f.peerInterfaceId,
    peerPublicIpInterfaceId: f.peerPublicIpInterfaceId,
    vpcId: f.vpcId,
    localAz: f.localAz,
    peerAz: f.peerAz,
    viaId: f.viaId,
    viaAz: f.viaAz,
    viaCrossAz: f.viaCrossAz,
    tcpFlagsOut: f.out ? f.out.tcpFlags : null,
    tcpFlagsIn: f.in ? f.in.tcpFlags : null,
    flowDirectionOut: f.out?.flowDirection ?? null,
    flowDirectionIn: f.in?.flowDirection ?? null,
    trafficPath: f.out?.trafficPath ?? f.in?.trafficPath ?? null,
    securityGroupIds: f.securityGroupIds,
    matchedRule: f.matchedRule,
    matchedRules: f.matchedRules,
    sgVerdict: f.sgVerdict,
    costUsd: f.costUsd,
    monthlyCostUsd: f.costUsd * factor,
    cost: f.cost,
    costNote: f.costNote,
    countedElsewhere: f.countedElsewhere,
  };
}

const ruleUsageJson = (u: RuleUsage) => ({ ...u.rule, flows: u.flows, bytes: u.bytes, distinctPeers: u.distinctPeers, lastSeen: iso(u.lastSeen), status: u.status, unevaluatedFlows: u.unevaluatedFlows });
const groupJson = (g: CostGroup) => g;

export interface FlowsDocumentInput {
  counts: RecordCounts;
  skipped: SkippedLine[];
  errors: SourceError[];
  analysis: FlowAnalysis;
  /** The flows to list (already sorted / limited); default: all of the analysis, by cost. */
  flows?: LabelledFlow[];
  inventory?: { source: string; files: number; warnings: string[] } | null;
  extra?: Record<string, unknown>;
}

/** Sorts by cost, then bytes, then first seen: the order the CLI lists flows in. */
export function byCostThenBytes(a: LabelledFlow, b: LabelledFlow): number {
  return b.costUsd - a.costUsd || b.bytesOut + b.bytesIn - (a.bytesOut + a.bytesIn) || a.firstSeen - b.firstSeen || a.id.localeCompare(b.id);
}

export function flowsDocument(input: FlowsDocumentInput): Record<string, unknown> {
  const a = input.analysis;
  const factor = a.projection.factor;
  const flows = input.flows ?? [...a.flows].sort(byCostThenBytes);
  return {
    counts: input.counts,
    skipped: input.skipped,
    errors: input.errors,
    window:
      a.window.source === 'records' && a.totals.flows === 0
        ? { start: null, end: null, seconds: 0, source: a.window.source }
        : { start: iso(a.window.start), end: iso(a.window.end), seconds: a.window.seconds, source: a.window.source },
    region: a.region,
    // Made one at a time when written (writeJson): a large run lists millions of flows.
    flows: new LazyJsonArray(function* () {
      for (const f of flows) yield flowToJson(f, factor);
    }),
    totals: {
      flows: a.totals.flows,
      conversations: a.conversations,
      paired: a.paired,
      listed: flows.length,
      bytesOut: a.totals.bytesOut,
      bytesIn: a.totals.bytesIn,
      packetsOut: a.totals.packetsOut,
      packetsIn: a.totals.packetsIn,
      uniqueBytesOut: a.totals.uniqueBytesOut,
      uniqueBytesIn: a.totals.uniqueBytesIn,
      costUsd: a.totals.costUsd,
      monthlyCostUsd: a.totals.monthlyCostUsd,
      cost: a.totals.cost,
      byDirection: a.totals.byDirection,
      byPeerClass: a.totals.byPeerClass,
    },
    projection: a.projection,
    byInterface: a.byInterface.map(groupJson),
    bySecurityGroup: a.bySecurityGroup.map(groupJson),
    byPeer: a.byPeer.slice(0, 100).map(groupJson),
    byClass: a.byClass.map(groupJson),
    ruleUsage: a.ruleUsage.map(ruleUsageJson),
    unusedRules: a.unusedRules.map(ruleUsageJson),
    savings: a.savings,
    prices: {
      region: a.prices.region,
      currency: a.prices.currency,
      date: a.prices.date,
      source: a.prices.source,
      unconfirmed: Object.keys(a.prices.unconfirmed),
      overridden: a.prices.overridden ?? [],
    },
    inventory: input.inventory ?? null,
    problems: a.problems,
    ...input.extra,
  };
}
