/**
 * Problems-panel diagnostics for infrastructure files: the rule findings (rule id as code linking
 * to its doc page, severity mapped, related locations, tags), parse problems, and — once flow
 * data is loaded — costly outbound traffic per linked security group and rules that matched
 * nothing in the window. Removed when a document closes, is deleted, or the finding is fixed.
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import type { EditorServices } from '../services';
import type { DocAnalysis, IacDocuments } from './documents';
import { toRange } from './documents';
import { readSettings } from '../settings';
import type { Severity } from '../../core/model/flows';
import type { Finding, SgRule } from '../../core/iac';
import type { GroupSummary, RuleUsage } from '../../core/analysis/editor-model';
import { formatBytes, formatDuration, formatUsd } from '../../core/analysis/editor-format';
import { ruleUsageVerdict, usageForRule } from '../../core/analysis/editor-explain';
import { peerClassLabel } from '../../core/analysis/editor-report';

export const DIAGNOSTIC_SOURCE = 'Egress Lens';
export const COSTLY_EGRESS_CODE = 'costly-egress';
export const UNUSED_RULE_CODE = 'unused-rule';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  critical: vscode.DiagnosticSeverity.Error,
  high: vscode.DiagnosticSeverity.Error,
  medium: vscode.DiagnosticSeverity.Warning,
  low: vscode.DiagnosticSeverity.Information,
  info: vscode.DiagnosticSeverity.Hint,
};

/** What a diagnostic stands for, so code actions can find the finding or the flow fact behind it. */
export type DiagnosticOrigin =
  | { kind: 'finding'; finding: Finding }
  | { kind: 'costly'; group: GroupSummary; address: string }
  | { kind: 'unused'; rule: SgRule; usage: RuleUsage };

export class Diagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('egress-lens');
  private readonly origins = new WeakMap<vscode.Diagnostic, DiagnosticOrigin>();
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly s: EditorServices,
    private readonly docs: IacDocuments,
  ) {
    this.subs = [
      docs.onDidChange((a) => ('removed' in a ? this.collection.delete(vscode.Uri.parse(a.uri)) : this.publish(a))),
      s.state.onDidChange((t) => t === 'analysis' && this.publishAll()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('egressLens.thresholds') && this.publishAll()),
    ];
  }

  /**
   * The finding or flow fact behind a diagnostic. Diagnostics handed to code-action providers are
   * copies, so fall back to matching code, range and message among the ones published for `uri`.
   */
  originOf(uri: vscode.Uri, d: vscode.Diagnostic): DiagnosticOrigin | undefined {
    const direct = this.origins.get(d);
    if (direct) return direct;
    const code = (x: vscode.Diagnostic) => (typeof x.code === 'object' ? String(x.code.value) : String(x.code ?? ''));
    const match = (this.collection.get(uri) ?? []).find((x) => code(x) === code(d) && x.range.isEqual(d.range) && x.message === d.message);
    return match ? this.origins.get(match) : undefined;
  }

  /** Where a rule's documentation lives: the repo's docs/rules page (a file in a checkout, else the web). */
  docTarget(ruleId: string): vscode.Uri {
    return this.repoDoc(`docs/rules/${ruleId}.md`);
  }

  /** A documentation file of the repository: local in a checkout, else on the repository's site. */
  repoDoc(relative: string, fragment?: string): vscode.Uri {
    const local = vscode.Uri.joinPath(this.s.context.extensionUri, ...relative.split('/'));
    if (existsSync(local.fsPath)) return fragment ? local.with({ fragment }) : local;
    const repository = this.s.context.extension.packageJSON.repository as { url?: string } | string | undefined;
    const url = (typeof repository === 'string' ? repository : repository?.url) ?? 'https://github.com/egress-lens/egress-lens';
    const repo = url.replace(/^git\+/, '').replace(/\.git$/, '');
    return vscode.Uri.parse(`${repo}/blob/main/${relative}${fragment ? `#${fragment}` : ''}`);
  }

  private publishAll(): void {
    for (const a of this.docs.all()) this.publish(a);
  }

  publish(a: DocAnalysis): void {
    const uri = vscode.Uri.parse(a.uri);
    const out: vscode.Diagnostic[] = [];
    const model = a.result.model;
    const analysis = this.s.state.analysis;
    for (const f of a.result.findings) {
      if (f.suppressed) continue;
      const d = new vscode.Diagnostic(toRange(f.range), f.message, SEVERITY[f.severity]);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = { value: f.ruleId, target: this.docTarget(f.ruleId) };
      const related: vscode.DiagnosticRelatedInformation[] = [];
      const group = f.groupId ? model.groups.find((g) => g.id === f.groupId) : undefined;
      if (group && group.file === a.path && !rangesEqual(group.headerRange, f.range)) {
        related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, toRange(group.headerRange)), `in security group ${group.address}`));
      }
      const src = f.sourceId ? model.rules.flatMap((r) => r.sources).find((x) => x.id === f.sourceId) : undefined;
      if (src?.definedAt) {
        related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(src.definedAt.file), toRange(src.definedAt.range)), `value defined here${src.via ? ` (${src.via})` : ''}`));
      }
      // With flow data: who was actually seen using this rule.
      const rule = f.sgRuleId ? model.rules.find((r) => r.id === f.sgRuleId) : undefined;
      const deployed = f.groupId ? a.links.find((l) => l.groupId === f.groupId)?.deployedId : undefined;
      if (rule && deployed && analysis) {
        const usage = usageForRule(rule, analysis.groups[deployed]);
        const peers = usage.flatMap((u) => u.topPeers);
        const where = new vscode.Location(uri, toRange(rule.range));
        if (peers.length) {
          const distinct = usage.reduce((n, u) => n + u.distinctSources, 0);
          related.push(new vscode.DiagnosticRelatedInformation(where, `observed sources (${distinct} distinct in ${formatDuration(analysis.window.end - analysis.window.start)}): ${peers.slice(0, 5).map((p) => p.addr).join(', ')}${distinct > 5 ? ', …' : ''}`));
        } else if (ruleUsageVerdict(usage) === 'unused') {
          related.push(new vscode.DiagnosticRelatedInformation(where, `no accepted flow matched this rule in ${formatDuration(analysis.window.end - analysis.window.start)}`));
        } else if (ruleUsageVerdict(usage) === 'unknown') {
          related.push(new vscode.DiagnosticRelatedInformation(where, `use unknown: no flow was attributed to this rule, but ${Math.max(...usage.map((u) => u.unevaluatedFlows))} accepted flows of the group could not be attributed (initiator or inventory unknown)`));
        }
      }
      if (related.length) d.relatedInformation = related;
      this.origins.set(d, { kind: 'finding', finding: f });
      out.push(d);
    }
    for (const p of a.result.problems) {
      if (p.file !== a.path || !p.range) continue;
      const d = new vscode.Diagnostic(toRange(p.range), p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = 'parse';
      out.push(d);
    }
    if (analysis) out.push(...this.flowDiagnostics(a));
    this.collection.set(uri, out);
  }

  /** Costly outbound traffic per linked group, and unused rules, from the loaded flow data. */
  private flowDiagnostics(a: DocAnalysis): vscode.Diagnostic[] {
    const analysis = this.s.state.analysis!;
    const threshold = readSettings().thresholds.costlyEgressUsdPerMonth;
    const span = formatDuration(analysis.window.end - analysis.window.start);
    const out: vscode.Diagnostic[] = [];
    for (const link of a.links) {
      const g = analysis.groups[link.deployedId];
      const model = a.result.model.groups.find((x) => x.id === link.groupId);
      if (!g || !model) continue;
      const parts: { what: string; monthly: number; window: number }[] = [];
      const internet = g.monthlyByClass.internet ?? 0;
      const crossAz = g.monthlyByClass['cross-az'] ?? 0;
      const factor = g.costUsd > 0 ? g.monthlyUsd / g.costUsd : 0;
      if (internet > threshold) parts.push({ what: `to the ${peerClassLabel('internet').toLowerCase()}`, monthly: internet, window: g.costByClass.internet ?? 0 });
      if (crossAz > threshold) parts.push({ what: 'across availability zones', monthly: crossAz, window: g.costByClass['cross-az'] ?? 0 });
      const natS3 = g.natToS3Usd * factor;
      if (natS3 > threshold) parts.push({ what: `to S3 through a NAT gateway (${formatBytes(g.natToS3Bytes)})`, monthly: natS3, window: g.natToS3Usd });
      const natDdb = g.natToDynamoUsd * factor;
      if (natDdb > threshold) parts.push({ what: `to DynamoDB through a NAT gateway (${formatBytes(g.natToDynamoBytes)})`, monthly: natDdb, window: g.natToDynamoUsd });
      if (!parts.length) continue;
      const msg =
        `Costly outbound traffic from ${model.address} (${link.deployedId}): ` +
        parts.map((p) => `${formatUsd(p.monthly)}/month ${p.what} (${formatUsd(p.window)} in ${span})`).join('; ') +
        `. ${formatBytes(g.egressBytes)} sent out in the window; threshold ${formatUsd(threshold)}/month (egressLens.thresholds.costlyEgressUsdPerMonth).`;
      const d = new vscode.Diagnostic(toRange(model.headerRange), msg, vscode.DiagnosticSeverity.Warning);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = { value: COSTLY_EGRESS_CODE, target: this.repoDoc('README.md', 'settings') };
      this.origins.set(d, { kind: 'costly', group: g, address: model.address });
      out.push(d);
    }
    for (const rule of a.result.model.rules) {
      if (rule.file !== a.path || rule.origin === 'implicit-default' || !rule.groupId) continue;
      const link = a.links.find((l) => l.groupId === rule.groupId);
      if (!link) continue;
      const usage = usageForRule(rule, analysis.groups[link.deployedId]);
      // Only rules the core calls 'unused': an 'unknown' rule (flows of the group not attributed) is never flagged.
      if (ruleUsageVerdict(usage) !== 'unused') continue;
      const d = new vscode.Diagnostic(toRange(rule.headerRange.start.line === rule.range.start.line ? rule.headerRange : rule.range), `No accepted flow matched this ${rule.direction} rule of ${link.deployedId} in the ${span} of flow data${usage[0].rejected ? ` (${usage[0].rejected} rejected attempts on its ports)` : ''}.`, vscode.DiagnosticSeverity.Hint);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = UNUSED_RULE_CODE;
      d.tags = [vscode.DiagnosticTag.Unnecessary];
      this.origins.set(d, { kind: 'unused', rule, usage: usage[0] });
      out.push(d);
    }
    return out;
  }

  dispose(): void {
    for (const d of this.subs) d.dispose();
    this.collection.dispose();
  }
}

function rangesEqual(a: { start: { line: number; column: number } }, b: { start: { line: number; column: number } }): boolean {
  return a.start.line === b.start.line && a.start.column === b.start.column;
}
