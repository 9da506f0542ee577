/**
 * Flows tree: Egress / Ingress / Internal / Unknown → security group (or interface) → peer →
 * port/protocol. Grouping, totals, filters and sorting come from the core
 * (editor-flowTree.ts); this file only renders nodes and keeps the tree view in sync.
 */
import * as vscode from 'vscode';
import type { EditorState } from '../state';
import { buildFlowTree, capChildren, type FlowFilter, type FlowNode } from '../../core/analysis/editor-flowTree';
import { CommandId } from '../commands/ids';

/** Children shown per node; the rest are summed in one "… N more" item. */
export const MAX_CHILDREN = 300;
import { formatBytes, formatCount, formatUsd } from '../../core/analysis/editor-format';
import { peerClassLabel } from '../../core/analysis/editor-report';

const DIRECTION_ICON: Record<string, string> = { egress: 'arrow-up', ingress: 'arrow-down', internal: 'arrow-swap', unknown: 'question' };
const CLASS_ICON: Record<string, string> = { internet: 'globe', 'cross-az': 'arrow-both', 'same-az': 'circle-outline', 'aws-service': 'cloud', 'other-region': 'globe', 'peered-vpc': 'link', 'on-prem': 'home', unknown: 'question' };

export function describeFilter(f: FlowFilter): string {
  const parts: string[] = [];
  if (f.securityGroupId) parts.push(f.securityGroupId);
  if (f.peerAddr) parts.push(`peer ${f.peerAddr}`);
  if (f.action) parts.push(f.action);
  if (f.classes?.length) parts.push(f.classes.map(peerClassLabel).join(', '));
  if (f.minBytes) parts.push(`≥ ${formatBytes(f.minBytes)}`);
  if (f.start !== undefined || f.end !== undefined) {
    parts.push(`${f.start !== undefined ? new Date(f.start * 1000).toISOString().slice(0, 16) : '…'} → ${f.end !== undefined ? new Date(f.end * 1000).toISOString().slice(0, 16) : '…'}`);
  }
  return parts.join(' · ');
}

export function isFiltered(f: FlowFilter): boolean {
  return describeFilter(f) !== '';
}

export class FlowsTree implements vscode.TreeDataProvider<FlowNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<FlowNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private roots: FlowNode[] = [];
  private readonly parents = new Map<string, FlowNode | undefined>();
  private readonly byId = new Map<string, FlowNode>();
  private view?: vscode.TreeView<FlowNode>;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly state: EditorState) {
    this.rebuild();
    this.subs.push(
      state.onDidChange((t) => {
        if (t === 'analysis' || t === 'filter' || t === 'flows') {
          this.rebuild();
          this.emitter.fire(undefined);
        }
      }),
    );
  }

  /** Registers the tree view (kept separate so tests can use the provider without a view). */
  createView(id: string): vscode.TreeView<FlowNode> {
    this.view = vscode.window.createTreeView(id, { treeDataProvider: this, showCollapseAll: true });
    this.updateMessage();
    this.subs.push(this.view);
    return this.view;
  }

  private rebuild(): void {
    const flows = this.state.analysis?.flows ?? [];
    this.roots = buildFlowTree(flows, this.state.filter, this.state.sort);
    this.parents.clear();
    this.byId.clear();
    const walk = (nodes: FlowNode[], parent: FlowNode | undefined) => {
      for (const n of nodes) {
        this.parents.set(n.id, parent);
        this.byId.set(n.id, n);
        walk(n.children, n);
      }
    };
    walk(this.roots, undefined);
    void vscode.commands.executeCommand('setContext', 'egressLens.hasFlowData', this.state.hasFlowData);
    void vscode.commands.executeCommand('setContext', 'egressLens.flowsFiltered', isFiltered(this.state.filter));
    this.updateMessage();
  }

  private updateMessage(): void {
    if (!this.view) return;
    const f = describeFilter(this.state.filter);
    const total = this.roots.reduce((n, r) => n + r.flows, 0);
    if (f) this.view.message = `Filtered: ${f} — ${formatCount(total)} flows`;
    else if (this.state.analysis && !this.state.analysis.flows.length) this.view.message = 'Flow data loaded, but no flows in the window.';
    else this.view.message = undefined;
    const cost = this.roots.reduce((n, r) => n + r.costUsd, 0);
    this.view.description = this.state.analysis ? `${formatUsd(cost)} · sorted by ${this.state.sort}` : undefined;
  }

  getTreeItem(n: FlowNode): vscode.TreeItem {
    if (n.kind === 'more') {
      const more = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.None);
      more.id = n.id;
      more.description = `${formatBytes(n.bytes)} · ${formatUsd(n.costUsd)}`;
      more.tooltip = 'Only the largest items are listed. Filter by minimum bytes, class or action to see the rest.';
      more.iconPath = new vscode.ThemeIcon('ellipsis');
      more.contextValue = 'flow.more';
      more.command = { title: 'Filter Flows', command: CommandId.FlowsFilter };
      return more;
    }
    const collapsible =
      n.kind === 'port' ? vscode.TreeItemCollapsibleState.None : n.kind === 'direction' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const groups = this.state.analysis?.groups ?? {};
    let label = n.label;
    if (n.kind === 'owner' && n.securityGroupIds.length) {
      const names = n.securityGroupIds.map((id) => groups[id]?.name ?? id);
      if (names.some((x, i) => x !== n.securityGroupIds[i])) label = names.join(' + ');
    } else if (n.kind === 'owner' && n.interfaceKind) {
      label = `${n.label} (${n.interfaceKind})`;
    }
    const item = new vscode.TreeItem(label, collapsible);
    item.id = n.id;
    item.description = `${formatBytes(n.bytes)} · ${formatCount(n.packets)} pkts · ${formatUsd(n.costUsd)}`;
    if (n.kind === 'peer') item.description = `${n.peerClass ? peerClassLabel(n.peerClass) : ''} via ${n.path ?? '?'} · ${item.description}`;
    if (n.kind === 'direction') item.description = `${formatCount(n.flows)} flows · ${item.description}`;
    if (n.kind === 'owner' && label !== n.label) item.description = `${n.securityGroupIds.length ? n.securityGroupIds.join(' + ') + ' · ' : ''}${item.description}`;
    const owner = n.securityGroupIds.length ? 'sg' : 'eni';
    item.contextValue = n.kind === 'direction' ? 'flow.direction' : `flow.${n.kind}.${owner}`;
    item.iconPath = new vscode.ThemeIcon(
      n.kind === 'direction' ? DIRECTION_ICON[n.direction] : n.kind === 'owner' ? (owner === 'sg' ? 'shield' : 'plug') : n.kind === 'peer' ? CLASS_ICON[n.peerClass ?? 'unknown'] : n.rejected === n.flows ? 'circle-slash' : 'symbol-number',
    );
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${label}** (${n.direction})\n\n`);
    md.appendMarkdown(`| | |\n|---|---:|\n| bytes | ${formatBytes(n.bytes)} |\n| packets | ${n.packets.toLocaleString('en-US')} |\n| flows | ${n.flows} |\n| rejected | ${n.rejected} |\n| cost | ${formatUsd(n.costUsd)} |\n`);
    if (n.copies) md.appendMarkdown(`\n${n.copies} NAT gateway copies (${formatBytes(n.copiesBytes ?? 0)}) of flows counted on the inside hosts are listed below, under the gateway's interface, but not in these totals.\n`);
    if (n.peerClass) md.appendMarkdown(`\nPeer class **${peerClassLabel(n.peerClass)}**, path **${n.path}**`);
    if (n.interfaceIds.length && n.kind !== 'direction') md.appendMarkdown(`\n\nInterfaces: ${n.interfaceIds.slice(0, 6).join(', ')}${n.interfaceIds.length > 6 ? ' …' : ''}`);
    item.tooltip = md;
    return item;
  }

  getChildren(n?: FlowNode): FlowNode[] {
    return n ? capChildren(n, MAX_CHILDREN) : this.roots;
  }

  getParent(n: FlowNode): FlowNode | undefined {
    if (n.kind === 'more') return this.byId.get(n.id.slice(0, -'/…more'.length));
    return this.parents.get(n.id);
  }

  /** The current roots (tests and commands). */
  get nodes(): FlowNode[] {
    return this.roots;
  }

  find(id: string): FlowNode | undefined {
    return this.byId.get(id);
  }

  /** Owner nodes of a security group, in every direction. */
  ownersOf(groupId: string): FlowNode[] {
    return this.roots.flatMap((r) => r.children.filter((c) => c.securityGroupIds.includes(groupId)));
  }

  async reveal(n: FlowNode): Promise<void> {
    if (!this.view) return;
    await this.view.reveal(n, { select: true, focus: true, expand: true });
  }

  dispose(): void {
    for (const d of this.subs) d.dispose();
    this.emitter.dispose();
  }
}
