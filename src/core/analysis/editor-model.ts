/**
 * What the editor layer holds after loading data: plain types the views render. Built from the
 * core's own results by the editor-* adapters (no vscode here).
 */
import type { PeerClass, RecordCounts, SkippedLine, SourceError } from '../model/flows';
import type { EditorFlow } from './editor-flowTree';
import type { TimeWindow } from './editor-window';

export interface FlowSourceSummary {
  /** Stable id ("files:/abs/dir", "cloudwatch:/aws/vpc/flow"). */
  id: string;
  kind: 'files' | 'cloudwatch';
  label: string;
  detail?: string;
  files: number;
  counts: RecordCounts;
  /** The first skipped lines (all are counted in `counts.skipped`). */
  skipped: SkippedLine[];
  errors: SourceError[];
  loadedAt: string;
}

export interface RuleUsage {
  /** Security-group rule id (sgr-…) or a synthetic key `sg-…:ingress:tcp:22-22:0.0.0.0/0`. */
  key: string;
  groupId: string;
  direction: 'ingress' | 'egress';
  protocol: string;
  fromPort: number;
  toPort: number;
  source: string;
  description?: string;
  flows: number;
  bytes: number;
  distinctSources: number;
  topPeers: { addr: string; bytes: number; flows: number }[];
  rejected: number;
  /** Unix seconds, null when nothing matched in the window. */
  lastSeen: number | null;
  /**
   * From the core's rule usage: 'used' (accepted flows matched it), 'unused' (every accepted flow
   * of the group was attributed and none matched), 'unknown' (nothing matched, but some accepted
   * flows of the group could not be attributed — never offer to remove such a rule).
   */
  status: 'used' | 'unused' | 'unknown';
  /** Accepted flows of the group whose rule could not be evaluated (initiator or inventory unknown). */
  unevaluatedFlows: number;
}

export interface GroupSummary {
  groupId: string;
  name?: string;
  vpcId?: string;
  interfaces: number;
  egressBytes: number;
  ingressBytes: number;
  costUsd: number;
  monthlyUsd: number;
  /** Cost split by peer class (window), for the "costly outbound" diagnostics and the report. */
  costByClass: Partial<Record<PeerClass, number>>;
  monthlyByClass: Partial<Record<PeerClass, number>>;
  /** Bytes sent to S3 / DynamoDB through a NAT gateway (fixable with a gateway endpoint). */
  natToS3Bytes: number;
  natToS3Usd: number;
  natToDynamoBytes: number;
  natToDynamoUsd: number;
  rejectedInbound: number;
  /** Rules with what matched them (ingress rules matched by accepted ingress flows, etc.). */
  rules: RuleUsage[];
}

export interface SavingsItem {
  title: string;
  detail: string;
  monthlyUsd: number;
  groupId?: string;
}

export interface EditorAnalysis {
  flows: EditorFlow[];
  window: TimeWindow;
  totals: {
    flows: number;
    egressBytes: number;
    ingressBytes: number;
    costUsd: number;
    monthlyUsd: number;
    byClass: Partial<Record<PeerClass, { bytes: number; costUsd: number; monthlyUsd: number }>>;
  };
  groups: Record<string, GroupSummary>;
  /** Cost per peer address (top first). */
  peers: { addr: string; peerClass: PeerClass; bytes: number; costUsd: number }[];
  /** Cost over time, in buckets of `bucketSeconds`. */
  timeline: { start: number; bytes: number; costUsd: number }[];
  bucketSeconds: number;
  unusedRules: RuleUsage[];
  savings: SavingsItem[];
  /** Problems met while labelling (unknown interfaces, missing inventory...). */
  notes: string[];
}

/** One finding in one open document, as the editor shows it (0-based ranges). */
export interface EditorFinding {
  ruleId: string;
  severity: import('../model/flows').Severity;
  title: string;
  message: string;
  range: import('../model/flows').SourceRange;
  /** Terraform address or CloudFormation logical id. */
  resource: string;
  references: string[];
  suppressed: boolean;
  /** Extra locations (the group a rule belongs to, observed sources...). */
  related: { message: string; range?: import('../model/flows').SourceRange; file?: string }[];
  tags: ('unnecessary' | 'deprecated')[];
  /** Deployed security-group id this resource is linked to (tfstate / inventory), if known. */
  groupId?: string;
  /** From flow data rather than static analysis (costly egress, unused rule). */
  fromFlows?: boolean;
  /** IaC model element ids (rule, source) the finding is about. */
  sgRuleId?: string;
  sourceId?: string;
  /**
   * The traffic of the IaC rule the finding is about (from the model, when the finding names a
   * rule): for counting the rejected attempts on its ports. Ports null when unresolved.
   */
  rule?: FindingRuleTraffic;
}

export interface FindingRuleTraffic {
  direction: 'ingress' | 'egress';
  /** As the model writes it: 'tcp', 'udp', 'icmp', 'all', '-1', a number…; null when unresolved. */
  protocol: string | null;
  fromPort: number | null;
  toPort: number | null;
}
