/**
 * Sources tree: AWS profile/region, flow-log sources with record counts and skipped lines,
 * inventory, last refresh and errors. Read-only view over the state store.
 */
import * as vscode from 'vscode';
import type { EditorState } from '../state';
import type { TrustGuard } from '../trust';
import { CommandId } from '../commands/ids';
import { formatCount } from '../../core/analysis/editor-format';

export interface SourceNode {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: string;
  contextValue?: string;
  command?: vscode.Command;
  children?: SourceNode[];
}

export class SourcesTree implements vscode.TreeDataProvider<SourceNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SourceNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly state: EditorState,
    private readonly trust: TrustGuard,
  ) {
    this.subs = [
      state.onDidChange((t) => t !== 'filter' && t !== 'findings' && this.emitter.fire(undefined)),
      trust.onDidChange(() => this.emitter.fire(undefined)),
    ];
  }

  getTreeItem(n: SourceNode): vscode.TreeItem {
    const item = new vscode.TreeItem(n.label, n.children?.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = n.id;
    item.description = n.description;
    item.tooltip = n.tooltip;
    item.contextValue = n.contextValue;
    item.command = n.command;
    if (n.icon) item.iconPath = new vscode.ThemeIcon(n.icon);
    return item;
  }

  getChildren(n?: SourceNode): SourceNode[] {
    return n ? (n.children ?? []) : this.roots();
  }

  roots(): SourceNode[] {
    const s = this.state;
    const out: SourceNode[] = [];
    if (!this.trust.trusted) {
      out.push({
        id: 'restricted',
        label: 'Restricted Mode',
        description: 'static checks only',
        tooltip: 'No AWS calls and no flow-log loading until this workspace is trusted.',
        icon: 'shield',
        contextValue: 'source.restricted',
        command: { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' },
      });
    }
    out.push({
      id: 'aws',
      label: 'AWS',
      icon: 'cloud',
      contextValue: 'source.aws',
      children: [
        { id: 'aws/profile', label: 'Profile', description: s.aws.profile || 'default chain', icon: 'account', contextValue: 'source.aws.profile', command: { title: 'Select AWS Profile', command: CommandId.SelectProfile } },
        { id: 'aws/region', label: 'Region', description: s.aws.region || 'not set', icon: 'globe', contextValue: 'source.aws.region', command: { title: 'Select AWS Region', command: CommandId.SelectRegion } },
        ...(s.aws.endpointUrl ? [{ id: 'aws/endpoint', label: 'Endpoint', description: s.aws.endpointUrl, icon: 'plug' }] : []),
      ],
    });
    const flowChildren: SourceNode[] = s.sources.map((src) => {
      const c = src.counts;
      const children: SourceNode[] = [
        { id: `${src.id}/records`, label: 'Records', description: `${formatCount(c.parsed)} parsed of ${formatCount(c.lines)} lines`, icon: 'list-flat', tooltip: `lines ${c.lines} · parsed ${c.parsed} · skipped ${c.skipped} · NODATA ${c.nodata} · SKIPDATA ${c.skipdata}` },
      ];
      if (src.kind === 'files') children.push({ id: `${src.id}/files`, label: 'Files', description: String(src.files), icon: 'files' });
      if (c.skipped > 0) {
        children.push({
          id: `${src.id}/skipped`,
          label: 'Skipped lines',
          description: `${c.skipped} — click to see them`,
          icon: 'warning',
          contextValue: 'source.skipped',
          command: { title: 'Show Skipped Lines', command: CommandId.ShowSkippedLines, arguments: [src.id] },
        });
      }
      for (const [i, e] of src.errors.entries()) {
        children.push({ id: `${src.id}/error/${i}`, label: e.message, description: e.file, icon: 'error', tooltip: `${e.file}: ${e.message}` });
      }
      return {
        id: src.id,
        label: src.label,
        description: `${formatCount(c.parsed)} records`,
        tooltip: src.detail ?? src.label,
        icon: src.kind === 'cloudwatch' ? 'cloud-download' : 'folder',
        contextValue: `source.flowlogs.${src.kind}`,
        children,
      };
    });
    out.push({
      id: 'flowlogs',
      label: 'Flow logs',
      icon: 'pulse',
      description: s.sources.length ? undefined : 'none loaded',
      contextValue: 'source.flowlogs',
      children: flowChildren.length
        ? flowChildren
        : [{ id: 'flowlogs/load', label: 'Load flow logs…', icon: 'add', command: { title: 'Load Flow Logs', command: CommandId.LoadFromFiles } }],
    });
    const inv = s.inventory;
    out.push({
      id: 'inventory',
      label: 'Inventory',
      icon: 'server',
      description: inv ? (s.inventorySource ?? inv.source) : 'none loaded',
      contextValue: 'source.inventory',
      children: inv
        ? [
            { id: 'inventory/sg', label: 'Security groups', description: String(inv.securityGroups.length), icon: 'shield' },
            { id: 'inventory/eni', label: 'Network interfaces', description: String(inv.networkInterfaces.length), icon: 'plug' },
            { id: 'inventory/subnets', label: 'Subnets', description: String(inv.subnets.length), icon: 'type-hierarchy' },
          ]
        : [{ id: 'inventory/load', label: 'Load inventory…', icon: 'add', command: { title: 'Load Inventory', command: CommandId.LoadInventory } }],
    });
    out.push({
      id: 'refresh',
      label: 'Last refresh',
      description: s.lastRefresh ? new Date(s.lastRefresh).toLocaleString() : 'never',
      icon: 'history',
      command: { title: 'Refresh', command: CommandId.Refresh },
    });
    if (s.errors.length) {
      out.push({
        id: 'errors',
        label: 'Errors',
        description: String(s.errors.length),
        icon: 'error',
        children: s.errors.map((e, i) => ({ id: `errors/${i}`, label: e.message, description: e.source, tooltip: `${e.at} ${e.source}: ${e.message}`, icon: 'circle-filled', command: { title: 'Show Output', command: CommandId.ShowOutput } })),
      });
    }
    return out;
  }

  dispose(): void {
    for (const d of this.subs) d.dispose();
    this.emitter.dispose();
  }
}
