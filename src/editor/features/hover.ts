/**
 * Hover on a security group, a rule block, an attribute or a CIDR: what it allows in plain words,
 * the exposure verdict with peer check ids and — with flow data — what was observed through it
 * and what the group's traffic costs, with a link to the group's flows.
 */
import * as vscode from 'vscode';
import type { EditorServices } from '../services';
import type { DocAnalysis, IacDocuments } from './documents';
import { CommandId } from '../commands/ids';
import type { DeployLink, Finding, RuleSource, SecurityGroupModel, SgRule } from '../../core/iac';
import { explainRule, groupLabel, openInboundRules, ruleUsageVerdict, sourceText, usageForRule } from '../../core/analysis/editor-explain';
import { formatBytes, formatDuration, formatUsd, isoSeconds } from '../../core/analysis/editor-format';
import { peerClassLabel } from '../../core/analysis/editor-report';
import type { EditorAnalysis } from '../../core/analysis/editor-model';
import { SEVERITIES } from '../../core/model/flows';
import type { PeerClass } from '../../core/model/flows';

type Range0 = { start: { line: number; column: number }; end: { line: number; column: number } };

export function contains(r: Range0, p: vscode.Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.column);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.column);
  return afterStart && beforeEnd;
}

export interface ElementAt {
  group?: SecurityGroupModel;
  rule?: SgRule;
  source?: RuleSource;
}

/** The most specific model element under the cursor (source ⊂ rule ⊂ group). */
export function elementAt(a: DocAnalysis, p: vscode.Position): ElementAt {
  const m = a.result.model;
  const rules = m.rules.filter((r) => r.file === a.path && r.origin !== 'implicit-default' && contains(r.range, p));
  const rule = rules.sort((x, y) => x.range.end.line - x.range.start.line - (y.range.end.line - y.range.start.line))[0];
  const source = rule?.sources.find((s) => s.file === a.path && contains(s.range, p));
  const group = (rule?.groupId ? m.groups.find((g) => g.id === rule.groupId) : undefined) ?? m.groups.find((g) => g.file === a.path && contains(g.range, p));
  return { group, rule, source };
}

const SEV_ICON: Record<string, string> = { critical: '$(error)', high: '$(error)', medium: '$(warning)', low: '$(info)', info: '$(lightbulb)' };

function verdict(findings: Finding[]): string {
  const active = findings.filter((f) => !f.suppressed).sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  const suppressed = findings.filter((f) => f.suppressed);
  const lines: string[] = [];
  if (!active.length) lines.push('$(pass) **Verdict:** no exposure found by the Egress Lens rules.');
  for (const f of active) {
    const refs = f.references.filter((r) => !r.startsWith('prowler:'));
    lines.push(`${SEV_ICON[f.severity]} **${f.ruleId}** (${f.severity}) — ${f.title}${refs.length ? ` · also ${refs.join(', ')}` : ''}`);
  }
  for (const f of suppressed) lines.push(`$(circle-slash) ${f.ruleId} suppressed: ${f.suppressionReason ?? ''}`);
  return lines.join('  \n');
}

/** How a group was linked, e.g. "cloudformation-stack, stack app-prod" or "terraform-state". */
function linkText(l: DeployLink): string {
  return `${l.method}${l.detail ? `, ${l.detail}` : ''}`;
}

function escapeMd(t: string): string {
  return t.replace(/[\\`*_{}[\]<>#|]/g, (c) => `\\${c}`);
}

function windowText(a: EditorAnalysis): string {
  return `${formatDuration(a.window.end - a.window.start)} of flow data, ${isoSeconds(a.window.start)} → ${isoSeconds(a.window.end)}`;
}

function commandLink(title: string, command: string, args: unknown[] = []): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

export class HoverFeature implements vscode.HoverProvider {
  constructor(
    private readonly s: EditorServices,
    private readonly docs: IacDocuments,
  ) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const a = await this.docs.ensure(doc);
    if (!a) return undefined;
    const el = elementAt(a, pos);
    if (!el.group && !el.rule) return this.valueHover(a, pos);
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [CommandId.FlowsShowGroup, CommandId.LoadFromFiles, CommandId.ShowCostReport, CommandId.ShowExposureReport] };
    md.supportHtml = false;
    const m = a.result.model;
    const nameOf = (ref: string) => m.groups.find((g) => g.address === ref || g.id === ref)?.address;
    const link = el.group ? a.links.find((l) => l.groupId === el.group!.id) : undefined;
    const analysis = this.s.state.analysis;
    const summary = link && analysis ? analysis.groups[link.deployedId] : undefined;

    if (el.rule) {
      const r = el.rule;
      md.appendMarkdown(`**Egress Lens** · ${r.direction} rule of \`${r.resource}\`\n\n`);
      md.appendMarkdown(`${explainRule(r, nameOf)}\n\n`);
      if (el.source) md.appendMarkdown(`This address: ${sourceText(el.source, nameOf)}\n\n`);
      const findings = a.result.findings.filter((f) => f.sgRuleId === r.id || (el.source && f.sourceId === el.source.id));
      md.appendMarkdown(`${verdict(findings)}\n\n`);
      if (summary && analysis) {
        const usage = usageForRule(r, summary);
        md.appendMarkdown(`---\n\n**Observed through this rule** (${link!.deployedId}, ${windowText(analysis)}):\n\n`);
        if (!usage.length) md.appendMarkdown('_No deployed rule matches it: the code may not be applied yet._\n\n');
        else if (ruleUsageVerdict(usage) === 'unknown') md.appendMarkdown(`_Use unknown: no flow was attributed to this rule, but ${Math.max(...usage.map((u) => u.unevaluatedFlows))} accepted flows of the group could not be attributed (initiator or inventory unknown), so it is not reported unused._\n\n`);
        for (const u of usage) {
          const last = u.lastSeen ? isoSeconds(u.lastSeen) : 'never';
          md.appendMarkdown(`- ${u.flows} flows · ${formatBytes(u.bytes)} · ${u.distinctSources} distinct ${r.direction === 'ingress' ? 'sources' : 'destinations'} · last seen ${last}${u.source !== r.sources[0]?.value ? ` (${u.source})` : ''}\n`);
          if (u.topPeers.length) md.appendMarkdown(`- top peers: ${u.topPeers.map((p) => `\`${p.addr}\` ${formatBytes(p.bytes)}`).join(', ')}\n`);
          md.appendMarkdown(`- rejected attempts on its ports: ${u.rejected}\n`);
        }
        if (summary.rejectedInbound) md.appendMarkdown(`- rejected inbound attempts on the group: ${summary.rejectedInbound}\n`);
        md.appendMarkdown('\n');
      }
    } else if (el.group) {
      const g = el.group;
      const rules = m.rules.filter((r) => r.groupId === g.id);
      const open = openInboundRules(rules);
      md.appendMarkdown(`**Egress Lens** · security group \`${groupLabel(g)}\`\n\n`);
      if (g.description) md.appendMarkdown(`“${g.description}”\n\n`);
      md.appendMarkdown(`${rules.filter((r) => r.direction === 'ingress').length} inbound and ${rules.filter((r) => r.direction === 'egress').length} outbound rules; **${open.length} open to the internet**${open.length ? `: ${open.map((r) => explainRule(r, nameOf).replace(/^Allows inbound /, '').replace(/\. .*$/, '').replace(/\.$/, '')).join('; ')}` : ''}.\n\n`);
      const findings = a.result.findings.filter((f) => f.groupId === g.id);
      md.appendMarkdown(`${verdict(findings)}\n\n`);
    }

    const group = el.group;
    if (group) {
      md.appendMarkdown('---\n\n');
      // Why a group of a template bound to a stack is not linked (or why the stack was not read).
      const notes = link ? [] : a.linkNotes.filter((n) => n.startsWith(`${group.address}: `) || !/^\S+: not linked to stack /.test(n));
      const notLinked = `_Not linked to a deployed security group (no terraform.tfstate entry, no stack resource and no unique match by name/tags in the inventory)._${notes.map((n) => `  \n${escapeMd(n)}`).join('')}\n`;
      if (!analysis) {
        if (link) md.appendMarkdown(`Deployed as \`${link.deployedId}\` (${linkText(link)}).\n\n`);
        else if (notes.length) md.appendMarkdown(`${notLinked}\n`);
        md.appendMarkdown(`_No flow data loaded — ${commandLink('load flow logs', CommandId.LoadFromFiles)} to see the traffic and cost of this group._\n`);
      } else if (!link) {
        md.appendMarkdown(notLinked);
      } else if (!summary) {
        md.appendMarkdown(`Deployed as \`${link.deployedId}\` (${linkText(link)}); no flows of its interfaces in the ${formatDuration(analysis.window.end - analysis.window.start)} of flow data.\n`);
      } else {
        const classes = Object.entries(summary.monthlyByClass)
          .filter(([, v]) => (v ?? 0) > 0)
          .sort((x, y) => (y[1] ?? 0) - (x[1] ?? 0))
          .map(([c, v]) => `${peerClassLabel(c as PeerClass)} ${formatUsd(v ?? 0)}/mo`);
        md.appendMarkdown(
          `**Group egress cost** (\`${link.deployedId}\` by ${linkText(link)}, ${summary.interfaces} interfaces): ${formatUsd(summary.costUsd)} in ${formatDuration(analysis.window.end - analysis.window.start)} → **${formatUsd(summary.monthlyUsd)}/month** projected · ↑ ${formatBytes(summary.egressBytes)} sent out${classes.length ? `  \n${classes.join(' · ')}` : ''}\n\n`,
        );
        md.appendMarkdown(`${commandLink(`$(list-tree) Show flows of ${link.deployedId}`, CommandId.FlowsShowGroup, [link.deployedId])} · ${commandLink('$(graph) Cost report', CommandId.ShowCostReport)}\n`);
      }
    }
    const header = el.rule ? el.rule.headerRange : el.group!.headerRange;
    const range = el.source ? el.source.range : contains(header, pos) ? header : el.rule ? el.rule.range : el.group!.range;
    return new vscode.Hover(md, new vscode.Range(range.start.line, range.start.column, range.end.line, range.end.column));
  }

  /**
   * A value defined here (a variable default, a tfvars entry, a CloudFormation parameter) that a
   * rule somewhere uses as its source: say which rules it opens, and what the rules say about it.
   */
  private valueHover(a: DocAnalysis, pos: vscode.Position): vscode.Hover | undefined {
    const m = a.result.model;
    const uses = m.rules.flatMap((r) => r.sources.filter((src) => src.definedAt?.file === a.path && contains(src.definedAt.range, pos)).map((src) => ({ r, src })));
    if (!uses.length) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Egress Lens** · this value is the source of ${uses.length} security-group rule${uses.length > 1 ? 's' : ''}:\n\n`);
    for (const { r, src } of uses) {
      // The rule's findings live with the file that declares the rule (open or scanned).
      const findings = (this.s.state.findings.get(vscode.Uri.file(r.file).toString()) ?? []).filter((f) => f.sourceId === src.id && !f.suppressed);
      md.appendMarkdown(`- \`${r.resource}\` (${src.via ?? 'direct'}): ${explainRule(r)}\n`);
      for (const f of findings) md.appendMarkdown(`  - ${SEV_ICON[f.severity]} **${f.ruleId}** (${f.severity}) — ${f.title}${f.references.length ? ` · also ${f.references.filter((x) => !x.startsWith('prowler:')).join(', ')}` : ''}\n`);
    }
    const range = uses[0].src.definedAt!.range;
    return new vscode.Hover(md, new vscode.Range(range.start.line, range.start.column, range.end.line, range.end.column));
  }

}
