/** Findings tree: file → findings ordered by severity; click opens the range. */
import * as vscode from 'vscode';
import type { EditorState } from '../state';
import type { EditorFinding } from '../../core/analysis/editor-model';
import { SEVERITIES, type Severity } from '../../core/model/flows';
import { CommandId } from '../commands/ids';

export type FindingNode =
  | { kind: 'file'; uri: string; findings: EditorFinding[] }
  | { kind: 'severity'; uri: string; severity: Severity; findings: EditorFinding[] }
  | { kind: 'finding'; uri: string; finding: EditorFinding };

const SEVERITY_ICON: Record<Severity, vscode.ThemeIcon> = {
  critical: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  high: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
  medium: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  low: new vscode.ThemeIcon('info'),
  info: new vscode.ThemeIcon('lightbulb'),
};

const rank = (s: Severity) => SEVERITIES.indexOf(s);

export class FindingsTree implements vscode.TreeDataProvider<FindingNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<FindingNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly state: EditorState) {
    this.sub = state.onDidChange((t) => t === 'findings' && this.emitter.fire(undefined));
  }

  getChildren(n?: FindingNode): FindingNode[] {
    if (!n) {
      return [...this.state.findings.entries()]
        .map(([uri, findings]) => ({ kind: 'file' as const, uri, findings: findings.filter((f) => !f.suppressed) }))
        .filter((f) => f.findings.length)
        .sort((a, b) => Math.min(...a.findings.map((f) => rank(f.severity))) - Math.min(...b.findings.map((f) => rank(f.severity))) || a.uri.localeCompare(b.uri));
    }
    if (n.kind === 'file') {
      return SEVERITIES.map((severity) => ({ kind: 'severity' as const, uri: n.uri, severity, findings: n.findings.filter((f) => f.severity === severity) })).filter((g) => g.findings.length);
    }
    if (n.kind === 'severity') {
      return [...n.findings].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column).map((finding) => ({ kind: 'finding' as const, uri: n.uri, finding }));
    }
    return [];
  }

  getTreeItem(n: FindingNode): vscode.TreeItem {
    if (n.kind === 'file') {
      const uri = vscode.Uri.parse(n.uri);
      const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `file:${n.uri}`;
      const counts = SEVERITIES.map((s) => [s, n.findings.filter((f) => f.severity === s).length] as const).filter(([, c]) => c);
      item.description = `${vscode.workspace.asRelativePath(uri)} · ${counts.map(([s, c]) => `${c} ${s}`).join(', ')}`;
      item.contextValue = 'finding.file';
      item.iconPath = vscode.ThemeIcon.File;
      return item;
    }
    if (n.kind === 'severity') {
      const item = new vscode.TreeItem(n.severity, rank(n.severity) <= 1 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `severity:${n.uri}:${n.severity}`;
      item.description = String(n.findings.length);
      item.iconPath = SEVERITY_ICON[n.severity];
      item.contextValue = `finding.severity.${n.severity}`;
      return item;
    }
    const f = n.finding;
    const item = new vscode.TreeItem(`${f.ruleId} ${f.title}`, vscode.TreeItemCollapsibleState.None);
    item.id = `finding:${n.uri}:${f.ruleId}:${f.range.start.line}:${f.range.start.column}`;
    item.description = `${f.resource} · line ${f.range.start.line + 1}`;
    item.tooltip = new vscode.MarkdownString(`**${f.ruleId}** (${f.severity}) — ${f.title}\n\n${f.message}${f.references.length ? `\n\nAlso: ${f.references.join(', ')}` : ''}`);
    item.iconPath = SEVERITY_ICON[f.severity];
    item.contextValue = `finding.${f.severity}${f.fromFlows ? '.flows' : ''}`;
    item.command = { title: 'Open Finding', command: CommandId.OpenFinding, arguments: [n.uri, f.range.start.line, f.range.start.column, f.range.end.line, f.range.end.column] };
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
