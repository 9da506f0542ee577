/** Status bar item: profile/region, data window and total egress cost; click = refresh. */
import * as vscode from 'vscode';
import type { EditorState } from './state';
import { CommandId } from './commands/ids';
import { formatBytes, formatDuration, formatUsd, isoSeconds } from '../core/analysis/editor-format';

export class StatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly sub: vscode.Disposable;

  constructor(private readonly state: EditorState) {
    this.item = vscode.window.createStatusBarItem('egressLens.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Egress Lens';
    this.item.command = CommandId.Refresh;
    this.sub = state.onDidChange(() => this.render());
    this.render();
    this.item.show();
  }

  render(): void {
    const s = this.state;
    const who = `${s.aws.profile || 'default'}/${s.aws.region || s.inventory?.region || 'no region'}`;
    const a = s.analysis;
    if (s.busy) {
      this.item.text = `$(sync~spin) Egress Lens`;
    } else if (a) {
      const span = formatDuration(a.window.end - a.window.start);
      this.item.text = `$(cloud) ${who} · ${span} · ${formatUsd(a.totals.costUsd)} (${formatUsd(a.totals.monthlyUsd)}/mo)`;
    } else {
      this.item.text = `$(cloud) ${who} · no flow data`;
    }
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Egress Lens** — ${who}\n\n`);
    if (a) {
      md.appendMarkdown(
        `Window ${isoSeconds(a.window.start)} → ${isoSeconds(a.window.end)} (${formatDuration(a.window.end - a.window.start)})\n\n` +
          `Egress ${formatBytes(a.totals.egressBytes)} · cost ${formatUsd(a.totals.costUsd)} · projected ${formatUsd(a.totals.monthlyUsd)}/month\n\n`,
      );
    } else {
      md.appendMarkdown('No flow data loaded.\n\n');
    }
    md.appendMarkdown('Click to refresh.');
    this.item.tooltip = md;
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
