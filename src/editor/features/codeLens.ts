/**
 * A lens above each security group: `↑ 3.2 TB egress · $288/mo · 2 open inbound rules`, or
 * `no flow data — load flow logs` as an action. Click opens the group's flows.
 */
import * as vscode from 'vscode';
import type { EditorServices } from '../services';
import type { IacDocuments } from './documents';
import { toRange } from './documents';
import { CommandId } from '../commands/ids';
import { openInboundRules } from '../../core/analysis/editor-explain';
import { formatBytes, formatUsd } from '../../core/analysis/editor-format';

export class CodeLensFeature implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly s: EditorServices,
    private readonly docs: IacDocuments,
  ) {
    this.subs = [docs.onDidChange(() => this.emitter.fire()), s.state.onDidChange((t) => (t === 'analysis' || t === 'busy') && this.emitter.fire())];
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const a = await this.docs.ensure(doc);
    if (!a) return [];
    const analysis = this.s.state.analysis;
    const out: vscode.CodeLens[] = [];
    for (const g of a.result.model.groups) {
      if (g.file !== a.path) continue;
      const open = openInboundRules(a.result.model.rules.filter((r) => r.groupId === g.id)).length;
      const openText = `${open} open inbound rule${open === 1 ? '' : 's'}`;
      const range = toRange(g.headerRange);
      const link = a.links.find((l) => l.groupId === g.id);
      if (!analysis) {
        const title = this.s.state.busy ? `$(sync~spin) loading flow data… · ${openText}` : `no flow data — load flow logs · ${openText}`;
        out.push(new vscode.CodeLens(range, { title, command: this.s.trust.trusted ? CommandId.LoadFromFiles : 'workbench.trust.manage', tooltip: 'Load VPC flow logs to see this group’s traffic and cost' }));
        continue;
      }
      if (!link) {
        out.push(new vscode.CodeLens(range, { title: `not linked to a deployed group · ${openText}`, command: '', tooltip: 'No terraform.tfstate entry and no unique match by name/tags in the inventory' }));
        continue;
      }
      const sum = analysis.groups[link.deployedId];
      const title = sum
        ? `↑ ${formatBytes(sum.egressBytes)} egress · ${formatUsd(sum.monthlyUsd)}/mo · ${openText}`
        : `${link.deployedId}: no flows in the window · ${openText}`;
      out.push(new vscode.CodeLens(range, { title, command: CommandId.FlowsShowGroup, arguments: [link.deployedId], tooltip: `Show the flows of ${link.deployedId} (${link.method})` }));
    }
    return out;
  }

  dispose(): void {
    for (const d of this.subs) d.dispose();
    this.emitter.dispose();
  }
}
