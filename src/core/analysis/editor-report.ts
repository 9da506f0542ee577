/**
 * Report models for the webviews and for "Export report": one generic shape (cards, bar charts, a
 * timeline, tables) so the webview script and the Markdown/CSV/JSON writers stay small. Every
 * number that comes from flows carries a `link` back to them (a flow filter).
 */
import type { PeerClass, Severity } from '../model/flows';
import { SEVERITIES } from '../model/flows';
import type { EditorAnalysis, EditorFinding, FindingRuleTraffic } from './editor-model';
import type { EditorFlow } from './editor-flowTree';
import { ruleCovers } from './editor-analysis';
import { formatBytes, formatCount, formatDuration, formatUsd, isoSeconds } from './editor-format';

export type ReportKind = 'cost' | 'exposure' | 'unused';

export interface ReportLink {
  /** Flows: reveal the flows tree with this filter. Finding: open the file at a range. */
  type: 'flows' | 'finding';
  securityGroupId?: string;
  /** Only REJECTed (or ACCEPTed) flows. */
  action?: 'ACCEPT' | 'REJECT';
  classes?: PeerClass[];
  peerAddr?: string;
  start?: number;
  end?: number;
  uri?: string;
  line?: number;
  column?: number;
}

export interface ReportBar {
  label: string;
  value: number;
  display: string;
  link?: ReportLink;
}

export interface ReportChart {
  id: string;
  title: string;
  kind: 'bars' | 'timeline';
  bars: ReportBar[];
}

export interface ReportColumn {
  key: string;
  label: string;
  numeric?: boolean;
}

export interface ReportCell {
  /** Sort value (numbers for numeric columns). */
  value: string | number;
  display: string;
  link?: ReportLink;
}

export interface ReportTable {
  id: string;
  title: string;
  columns: ReportColumn[];
  rows: Record<string, ReportCell>[];
  empty: string;
}

export interface ReportModel {
  kind: ReportKind;
  title: string;
  subtitle: string;
  cards: { label: string; value: string; link?: ReportLink }[];
  charts: ReportChart[];
  tables: ReportTable[];
  notes: string[];
}

const CLASS_LABEL: Record<PeerClass, string> = {
  internet: 'Internet',
  'same-az': 'Same AZ',
  'cross-az': 'Cross-AZ',
  'other-region': 'Other region',
  'peered-vpc': 'Peered VPC',
  'on-prem': 'On-premises',
  'aws-service': 'AWS service',
  unknown: 'Unknown',
};

export function peerClassLabel(c: PeerClass): string {
  return CLASS_LABEL[c] ?? c;
}

const usdCell = (v: number, link?: ReportLink): ReportCell => ({ value: v, display: formatUsd(v), link });
const bytesCell = (v: number, link?: ReportLink): ReportCell => ({ value: v, display: formatBytes(v), link });
const textCell = (v: string, link?: ReportLink): ReportCell => ({ value: v, display: v, link });
const numCell = (v: number, link?: ReportLink): ReportCell => ({ value: v, display: formatCount(v), link });

export function buildCostReport(a: EditorAnalysis | undefined): ReportModel {
  if (!a) {
    return { kind: 'cost', title: 'Egress cost', subtitle: 'No flow data loaded.', cards: [], charts: [], tables: [], notes: ['Load flow logs (files or CloudWatch) to see where data-transfer money goes.'] };
  }
  const span = a.window.end - a.window.start;
  const w = { start: a.window.start, end: a.window.end };
  const byClass = Object.entries(a.totals.byClass)
    .map(([c, v]) => ({ c: c as PeerClass, ...v! }))
    .sort((x, y) => y.costUsd - x.costUsd || y.bytes - x.bytes);
  const groups = Object.values(a.groups).sort((x, y) => y.costUsd - x.costUsd || y.egressBytes - x.egressBytes);
  const peers = [...a.peers].sort((x, y) => y.costUsd - x.costUsd || y.bytes - x.bytes).slice(0, 25);
  return {
    kind: 'cost',
    title: 'Egress cost',
    subtitle: `${isoSeconds(a.window.start)} → ${isoSeconds(a.window.end)} (${formatDuration(span)}) · ${formatCount(a.totals.flows)} flows`,
    cards: [
      { label: 'Cost in window', value: formatUsd(a.totals.costUsd), link: { type: 'flows', ...w } },
      { label: 'Projected per month', value: formatUsd(a.totals.monthlyUsd) },
      { label: 'Egress', value: formatBytes(a.totals.egressBytes), link: { type: 'flows', ...w } },
      { label: 'Ingress', value: formatBytes(a.totals.ingressBytes) },
    ],
    charts: [
      { id: 'byClass', title: 'Cost by peer class', kind: 'bars', bars: byClass.map((x) => ({ label: peerClassLabel(x.c), value: x.costUsd, display: formatUsd(x.costUsd), link: { type: 'flows', classes: [x.c] } })) },
      { id: 'bySg', title: 'Cost by security group', kind: 'bars', bars: groups.slice(0, 15).map((g) => ({ label: g.name ? `${g.name} (${g.groupId})` : g.groupId, value: g.costUsd, display: formatUsd(g.costUsd), link: { type: 'flows', securityGroupId: g.groupId } })) },
      { id: 'byPeer', title: 'Cost by peer', kind: 'bars', bars: peers.slice(0, 15).map((p) => ({ label: p.addr, value: p.costUsd, display: formatUsd(p.costUsd), link: { type: 'flows', peerAddr: p.addr } })) },
      { id: 'overTime', title: `Cost over time (per ${formatDuration(a.bucketSeconds)})`, kind: 'timeline', bars: a.timeline.map((t) => ({ label: isoSeconds(t.start), value: t.costUsd, display: `${formatUsd(t.costUsd)} · ${formatBytes(t.bytes)}`, link: { type: 'flows', start: t.start, end: t.start + a.bucketSeconds } })) },
    ],
    tables: [
      {
        id: 'groups',
        title: 'Security groups',
        columns: [
          { key: 'group', label: 'Security group' },
          { key: 'interfaces', label: 'Interfaces', numeric: true },
          { key: 'egress', label: 'Egress', numeric: true },
          { key: 'ingress', label: 'Ingress', numeric: true },
          { key: 'cost', label: 'Cost (window)', numeric: true },
          { key: 'monthly', label: 'Per month', numeric: true },
        ],
        rows: groups.map((g) => {
          const link: ReportLink = { type: 'flows', securityGroupId: g.groupId };
          return {
            group: textCell(g.name ? `${g.name} (${g.groupId})` : g.groupId, link),
            interfaces: numCell(g.interfaces),
            egress: bytesCell(g.egressBytes, link),
            ingress: bytesCell(g.ingressBytes, link),
            cost: usdCell(g.costUsd, link),
            monthly: usdCell(g.monthlyUsd),
          };
        }),
        empty: 'No security groups matched the flows (load the inventory to link interfaces to groups).',
      },
      {
        id: 'classes',
        title: 'By peer class',
        columns: [
          { key: 'class', label: 'Class' },
          { key: 'bytes', label: 'Bytes', numeric: true },
          { key: 'cost', label: 'Cost (window)', numeric: true },
          { key: 'monthly', label: 'Per month', numeric: true },
        ],
        rows: byClass.map((x) => {
          const link: ReportLink = { type: 'flows', classes: [x.c] };
          return { class: textCell(peerClassLabel(x.c), link), bytes: bytesCell(x.bytes, link), cost: usdCell(x.costUsd, link), monthly: usdCell(x.monthlyUsd) };
        }),
        empty: 'No flows.',
      },
      {
        id: 'peers',
        title: 'Top peers',
        columns: [
          { key: 'peer', label: 'Peer' },
          { key: 'class', label: 'Class' },
          { key: 'bytes', label: 'Bytes', numeric: true },
          { key: 'cost', label: 'Cost (window)', numeric: true },
        ],
        rows: peers.map((p) => {
          const link: ReportLink = { type: 'flows', peerAddr: p.addr };
          return { peer: textCell(p.addr, link), class: textCell(peerClassLabel(p.peerClass)), bytes: bytesCell(p.bytes, link), cost: usdCell(p.costUsd, link) };
        }),
        empty: 'No peers.',
      },
      {
        id: 'savings',
        title: 'Savings',
        columns: [
          { key: 'title', label: 'What' },
          { key: 'detail', label: 'Detail' },
          { key: 'monthly', label: 'Saves per month', numeric: true },
        ],
        rows: a.savings.map((s) => ({
          title: textCell(s.title, s.groupId ? { type: 'flows', securityGroupId: s.groupId } : undefined),
          detail: textCell(s.detail),
          monthly: usdCell(s.monthlyUsd),
        })),
        empty: 'No savings found.',
      },
    ],
    notes: a.notes,
  };
}

export interface FindingsByFile {
  uri: string;
  /** Path shown to the user (workspace-relative). */
  file: string;
  findings: EditorFinding[];
}

/** Does a REJECTed inbound flow fall under the finding's rule (protocol and port range)? */
function rejectedOnRule(rule: FindingRuleTraffic, f: EditorFlow): boolean {
  const all = rule.protocol === 'all' || rule.protocol === '-1';
  return ruleCovers({ protocol: rule.protocol!, fromPort: all ? -1 : (rule.fromPort ?? -1), toPort: all ? -1 : (rule.toPort ?? -1) }, f.protocol, f.localPort);
}

/**
 * Rejected attempts on the ports of the rule a finding is about: the REJECTed inbound flows of its
 * deployed group that match the rule's protocol and port range. Undefined (shown "—") when the
 * finding names no inbound rule with known protocol/ports (group-level findings, egress rules,
 * unresolved ports) or is not linked to a deployed group.
 */
export function rejectedAttemptsFor(x: EditorFinding, rejectedInboundOfGroup: ReadonlyMap<string, EditorFlow[]>): number | undefined {
  const r = x.rule;
  if (!x.groupId || !r || r.direction !== 'ingress' || r.protocol === null) return undefined;
  const all = r.protocol === 'all' || r.protocol === '-1';
  const portless = !/^(tcp|udp|6|17)$/i.test(r.protocol);
  if (!all && !portless && (r.fromPort === null || r.toPort === null)) return undefined;
  return (rejectedInboundOfGroup.get(x.groupId) ?? []).filter((f) => rejectedOnRule(r, f)).length;
}

/** REJECTed flows that came in (initiated by the peer, or of unknown direction), by security group. */
function rejectedInboundByGroup(a: EditorAnalysis | undefined): Map<string, EditorFlow[]> {
  const m = new Map<string, EditorFlow[]>();
  for (const f of a?.flows ?? []) {
    if (f.action !== 'REJECT' || f.direction === 'egress') continue;
    for (const g of f.securityGroupIds) m.set(g, [...(m.get(g) ?? []), f]);
  }
  return m;
}

export function buildExposureReport(files: FindingsByFile[], a?: EditorAnalysis): ReportModel {
  const rows: Record<string, ReportCell>[] = [];
  const counts = new Map<Severity, number>();
  const rejectedByGroup = rejectedInboundByGroup(a);
  for (const f of files) {
    for (const x of f.findings) {
      if (x.suppressed) continue;
      counts.set(x.severity, (counts.get(x.severity) ?? 0) + 1);
      const link: ReportLink = { type: 'finding', uri: f.uri, line: x.range.start.line, column: x.range.start.column };
      const usage = x.groupId && a ? a.groups[x.groupId] : undefined;
      const rejected = usage ? rejectedAttemptsFor(x, rejectedByGroup) : undefined;
      rows.push({
        severity: { value: SEVERITIES.length - SEVERITIES.indexOf(x.severity), display: x.severity },
        rule: textCell(x.ruleId),
        resource: textCell(x.resource, link),
        message: textCell(x.message, link),
        location: textCell(`${f.file}:${x.range.start.line + 1}`, link),
        references: textCell(x.references.join(', ')),
        rejected: usage && rejected !== undefined ? numCell(rejected, { type: 'flows', securityGroupId: usage.groupId, action: 'REJECT' }) : { value: -1, display: '—' },
      });
    }
  }
  rows.sort((x, y) => (y.severity.value as number) - (x.severity.value as number));
  const suppressed = files.reduce((n, f) => n + f.findings.filter((x) => x.suppressed).length, 0);
  return {
    kind: 'exposure',
    title: 'Inbound exposure',
    subtitle: `${rows.length} findings in ${files.length} files${suppressed ? ` · ${suppressed} suppressed` : ''}`,
    cards: SEVERITIES.filter((s) => counts.get(s)).map((s) => ({ label: s, value: String(counts.get(s)) })),
    charts: [{ id: 'bySeverity', title: 'Findings by severity', kind: 'bars', bars: SEVERITIES.map((s) => ({ label: s, value: counts.get(s) ?? 0, display: String(counts.get(s) ?? 0) })) }],
    tables: [
      {
        id: 'findings',
        title: 'Findings',
        columns: [
          { key: 'severity', label: 'Severity', numeric: true },
          { key: 'rule', label: 'Rule' },
          { key: 'resource', label: 'Resource' },
          { key: 'message', label: 'Message' },
          { key: 'location', label: 'Location' },
          { key: 'references', label: 'Also known as' },
          { key: 'rejected', label: 'Rejected attempts', numeric: true },
        ],
        rows,
        empty: 'No findings in the analysed files (open Terraform or CloudFormation files to analyse them).',
      },
    ],
    notes: [],
  };
}

/** "tcp 22", "udp 1000-2000", "all traffic" (EC2 writes all protocols / all ports as -1). */
export function ruleTraffic(r: { protocol: string; fromPort: number; toPort: number }): string {
  if (r.protocol === '-1' || r.protocol === 'all') return 'all traffic';
  if (r.fromPort === -1) return `${r.protocol} all ports`;
  return `${r.protocol} ${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`}`;
}

export function buildUnusedRulesReport(a: EditorAnalysis | undefined): ReportModel {
  if (!a) {
    return { kind: 'unused', title: 'Unused rules', subtitle: 'No flow data loaded.', cards: [], charts: [], tables: [], notes: ['Load flow logs and the inventory: a rule is unused when no accepted flow in the window matched it.'] };
  }
  const span = a.window.end - a.window.start;
  const unknown = Object.values(a.groups).reduce((n, g) => n + g.rules.filter((r) => r.status === 'unknown').length, 0);
  return {
    kind: 'unused',
    title: 'Unused rules',
    subtitle: `Rules that matched no accepted flow between ${isoSeconds(a.window.start)} and ${isoSeconds(a.window.end)} (${formatDuration(span)})`,
    cards: [{ label: 'Unused rules', value: String(a.unusedRules.length) }],
    charts: [],
    tables: [
      {
        id: 'unused',
        title: 'Rules with no matching traffic',
        columns: [
          { key: 'group', label: 'Security group' },
          { key: 'direction', label: 'Direction' },
          { key: 'rule', label: 'Rule' },
          { key: 'description', label: 'Description' },
          { key: 'rejected', label: 'Rejected attempts', numeric: true },
        ],
        rows: a.unusedRules.map((r) => {
          const g = a.groups[r.groupId];
          const link: ReportLink = { type: 'flows', securityGroupId: r.groupId };
          return {
            group: textCell(g?.name ? `${g.name} (${r.groupId})` : r.groupId, link),
            direction: textCell(r.direction),
            rule: textCell(`${ruleTraffic(r)} ${r.direction === 'ingress' ? 'from' : 'to'} ${r.source}`),
            description: textCell(r.description ?? ''),
            rejected: numCell(r.rejected, link),
          };
        }),
        empty: 'Every rule matched traffic in the window.',
      },
    ],
    notes: [
      'A rule unused in this window may still be needed (rare jobs, failover). Check a longer window before removing it.',
      ...(unknown ? [`${unknown} more ${unknown === 1 ? 'rule is' : 'rules are'} not listed: no flow was attributed to ${unknown === 1 ? 'it' : 'them'}, but some accepted flows of ${unknown === 1 ? 'its group' : 'their groups'} could not be attributed (initiator or inventory unknown), so ${unknown === 1 ? 'its' : 'their'} use is unknown.`] : []),
    ],
  };
}

// ---- export -------------------------------------------------------------------------------

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function reportToMarkdown(r: ReportModel): string {
  const out = [`# ${r.title}`, '', r.subtitle, ''];
  if (r.cards.length) {
    out.push(r.cards.map((c) => `**${c.label}:** ${c.value}`).join(' · '), '');
  }
  for (const t of r.tables) {
    out.push(`## ${t.title}`, '');
    if (!t.rows.length) {
      out.push(`_${t.empty}_`, '');
      continue;
    }
    out.push(`| ${t.columns.map((c) => mdEscape(c.label)).join(' | ')} |`);
    out.push(`|${t.columns.map((c) => (c.numeric ? '---:' : '---')).join('|')}|`);
    for (const row of t.rows) out.push(`| ${t.columns.map((c) => mdEscape(row[c.key]?.display ?? '')).join(' | ')} |`);
    out.push('');
  }
  for (const n of r.notes) out.push(`> ${n}`, '');
  return out.join('\n');
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV of every table, one after another, each headed by a `# title` line; raw values (not rounded). */
export function reportToCsv(r: ReportModel): string {
  const out: string[] = [];
  for (const t of r.tables) {
    out.push(`# ${t.title}`);
    out.push(t.columns.map((c) => csvField(c.label)).join(','));
    for (const row of t.rows) out.push(t.columns.map((c) => csvField(row[c.key]?.value ?? '')).join(','));
    out.push('');
  }
  return out.join('\n');
}

export function reportToJson(r: ReportModel): string {
  const tables = Object.fromEntries(
    r.tables.map((t) => [t.id, t.rows.map((row) => Object.fromEntries(t.columns.map((c) => [c.key, row[c.key]?.value ?? null])))]),
  );
  return JSON.stringify({ kind: r.kind, title: r.title, subtitle: r.subtitle, cards: r.cards.map(({ label, value }) => ({ label, value })), tables, notes: r.notes }, null, 2) + '\n';
}
