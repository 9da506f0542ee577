/**
 * Quick fixes for Egress Lens diagnostics. The edits come from the core (editor-fixes.ts); this
 * file only picks which apply to the diagnostics in context and wraps them as CodeActions.
 */
import * as vscode from 'vscode';
import type { EditorServices } from '../services';
import type { DocAnalysis, IacDocuments } from './documents';
import { toRange } from './documents';
import type { Diagnostics } from './diagnostics';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { addDescription, addGatewayEndpoints, removeRule, restrictToObserved, suppressFinding, type FixSpec } from '../../core/analysis/editor-fixes';
import { ruleUsageVerdict, usageForRule } from '../../core/analysis/editor-explain';

export class CodeActionsFeature implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(
    private readonly s: EditorServices,
    private readonly docs: IacDocuments,
    private readonly diagnostics: Diagnostics,
  ) {}

  private action(doc: vscode.TextDocument, fix: FixSpec | null, diagnostic: vscode.Diagnostic): vscode.CodeAction | undefined {
    if (!fix) return undefined;
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    const edit = new vscode.WorkspaceEdit();
    for (const e of fix.edits) edit.replace(doc.uri, toRange(e.range), e.newText);
    action.edit = edit;
    action.diagnostics = [diagnostic];
    action.isPreferred = fix.isPreferred;
    return action;
  }

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (!ours.length) return [];
    const a = await this.docs.ensure(doc);
    if (!a) return [];
    const out: vscode.CodeAction[] = [];
    const push = (x: vscode.CodeAction | undefined) => x && !out.some((o) => o.title === x.title) && out.push(x);
    for (const d of ours) {
      const origin = this.diagnostics.originOf(doc.uri, d) ?? this.recover(a, d);
      if (!origin) continue;
      if (origin.kind === 'unused') {
        // Offer removal only while the loaded flow data still calls the rule 'unused' (never 'unknown').
        const link = a.links.find((l) => l.groupId === origin.rule.groupId);
        const group = link ? this.s.state.analysis?.groups[link.deployedId] : undefined;
        if (ruleUsageVerdict(usageForRule(origin.rule, group)) === 'unused') push(this.action(doc, removeRule(a.text, a.syntax, origin.rule), d));
        continue;
      }
      if (origin.kind === 'costly') {
        const services: ('s3' | 'dynamodb')[] = [];
        if (origin.group.natToS3Bytes > 0) services.push('s3');
        if (origin.group.natToDynamoBytes > 0) services.push('dynamodb');
        push(this.action(doc, addGatewayEndpoints(a.text, a.syntax, a.result.model, a.path, services, this.s.state.inventory?.region ?? undefined), d));
        continue;
      }
      const f = origin.finding;
      const model = a.result.model;
      const rule = f.sgRuleId ? model.rules.find((r) => r.id === f.sgRuleId) : undefined;
      const source = f.sourceId ? rule?.sources.find((x) => x.id === f.sourceId) : undefined;
      // Restrict an open CIDR to what the flow logs saw.
      if (rule && source && this.s.state.analysis) {
        const link = a.links.find((l) => l.groupId === f.groupId);
        const usage = link ? usageForRule(rule, this.s.state.analysis.groups[link.deployedId]) : [];
        const observed = usage.flatMap((u) => u.topPeers.map((p) => p.addr));
        const distinct = usage.reduce((n, u) => n + u.distinctSources, 0);
        if (observed.length && distinct <= observed.length) push(this.action(doc, restrictToObserved(a.text, a.syntax, source, observed), d));
      }
      if (f.ruleId === 'EL007') {
        const target = rule ?? model.groups.find((g) => g.id === f.groupId);
        if (target) push(this.action(doc, addDescription(a.text, a.syntax, target), d));
      }
      if (f.ruleId === 'EL009') push(this.action(doc, addGatewayEndpoints(a.text, a.syntax, model, a.path, ['s3'], this.s.state.inventory?.region ?? undefined), d));
      push(this.action(doc, suppressFinding(a.text, a.syntax, f, model), d));
    }
    return out;
  }

  /** Diagnostics handed back by VS Code may be copies: match them to findings by code and range. */
  private recover(a: DocAnalysis, d: vscode.Diagnostic): { kind: 'finding'; finding: import('../../core/iac').Finding } | undefined {
    const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
    const f = a.result.findings.find((x) => x.ruleId === code && toRange(x.range).isEqual(d.range));
    return f ? { kind: 'finding', finding: f } : undefined;
  }
}
