/** Flows-tree commands: filter, sort, show a group's flows, reveal in code, copy, show in report. */
import * as vscode from 'vscode';
import { CommandId } from './ids';
import type { EditorServices } from '../services';
import type { FlowFilter, FlowNode, FlowSort } from '../../core/analysis/editor-flowTree';
import { flowsOfNode, flowsToTsv, matchesFilter } from '../../core/analysis/editor-flowTree';
import type { PeerClass } from '../../core/model/flows';
import { peerClassLabel, type ReportLink } from '../../core/analysis/editor-report';
import { parseWindow } from '../../core/analysis/editor-window';
import { parseBytes } from '../../core/analysis/editor-format';

const CLASSES: PeerClass[] = ['internet', 'cross-az', 'same-az', 'aws-service', 'other-region', 'peered-vpc', 'on-prem', 'unknown'];


/** Opens the flows view filtered to a report link (or a group) and reveals the first match. */
export async function revealFlows(s: EditorServices, link: ReportLink): Promise<void> {
  if (link.type === 'finding') {
    if (link.uri) await vscode.commands.executeCommand(CommandId.OpenFinding, link.uri, link.line ?? 0, link.column ?? 0);
    return;
  }
  const filter: FlowFilter = {};
  if (link.securityGroupId) filter.securityGroupId = link.securityGroupId;
  if (link.action) filter.action = link.action;
  if (link.classes) filter.classes = link.classes;
  if (link.peerAddr) filter.peerAddr = link.peerAddr;
  if (link.start !== undefined) filter.start = link.start;
  if (link.end !== undefined) filter.end = link.end;
  s.state.setFilter(filter);
  await vscode.commands.executeCommand('egressLens.flows.focus');
  const roots = s.flowsTree.nodes;
  let target: FlowNode | undefined = roots[0];
  if (link.securityGroupId) target = s.flowsTree.ownersOf(link.securityGroupId)[0] ?? target;
  if (link.peerAddr) {
    target = roots.flatMap((r) => r.children.flatMap((o) => o.children)).find((p) => p.peerAddr === link.peerAddr) ?? target;
  }
  if (target) await s.flowsTree.reveal(target);
}

export function registerFlowCommands(s: EditorServices): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.FlowsFilter, async (preset?: FlowFilter) => {
      if (preset) {
        s.state.setFilter(preset);
        return;
      }
      const f: FlowFilter = { ...s.state.filter };
      type Item = vscode.QuickPickItem & { key: string };
      const what = await vscode.window.showQuickPick<Item>(
        [
          { key: 'action', label: 'Action', description: f.action ?? 'any' },
          { key: 'class', label: 'Peer class', description: f.classes?.map(peerClassLabel).join(', ') ?? 'any' },
          { key: 'minBytes', label: 'Minimum bytes', description: f.minBytes ? String(f.minBytes) : 'none' },
          { key: 'window', label: 'Time window', description: f.start !== undefined ? 'set' : 'whole data' },
          { key: 'group', label: 'Security group', description: f.securityGroupId ?? 'any' },
        ],
        { title: 'Filter flows by…' },
      );
      if (!what) return;
      if (what.key === 'action') {
        const a = await vscode.window.showQuickPick(['any', 'ACCEPT', 'REJECT'], { title: 'Action' });
        if (!a) return;
        f.action = a === 'any' ? undefined : (a as FlowFilter['action']);
      } else if (what.key === 'class') {
        const picks = await vscode.window.showQuickPick(
          CLASSES.map((c) => ({ label: peerClassLabel(c), c, picked: f.classes?.includes(c) })),
          { title: 'Peer classes (none = any)', canPickMany: true },
        );
        if (!picks) return;
        f.classes = picks.length ? picks.map((p) => p.c) : undefined;
      } else if (what.key === 'minBytes') {
        const v = await vscode.window.showInputBox({ title: 'Minimum bytes per item', prompt: 'e.g. 10 MB, 1.5 GB, 0 for none', validateInput: (t) => (parseBytes(t) === undefined ? 'a number with an optional unit B/KB/MB/GB/TB (1 GB = 1024 MB)' : undefined) });
        if (v === undefined) return;
        f.minBytes = parseBytes(v) || undefined;
      } else if (what.key === 'window') {
        const v = await vscode.window.showInputBox({ title: 'Time window', prompt: 'ISO interval 2026-11-20T10:00Z/2026-11-20T12:00Z, or empty for all' });
        if (v === undefined) return;
        const w = parseWindow(v);
        if (w.problem) {
          void vscode.window.showErrorMessage(w.problem);
          return;
        }
        if (w.spec.kind === 'absolute') {
          f.start = w.spec.start;
          f.end = w.spec.end;
        } else if (w.spec.kind === 'relative' && s.state.analysis) {
          f.end = s.state.analysis.window.end;
          f.start = f.end - w.spec.seconds;
        } else {
          f.start = f.end = undefined;
        }
      } else if (what.key === 'group') {
        const groups = Object.values(s.state.analysis?.groups ?? {});
        const pick = await vscode.window.showQuickPick([{ label: 'any', id: undefined as string | undefined }, ...groups.map((g) => ({ label: g.groupId, description: g.name, id: g.groupId as string | undefined }))], { title: 'Security group' });
        if (!pick) return;
        f.securityGroupId = pick.id;
      }
      s.state.setFilter(f);
    }),
    vscode.commands.registerCommand(CommandId.FlowsClearFilter, () => s.state.setFilter({})),
    vscode.commands.registerCommand(CommandId.FlowsSort, async (preset?: FlowSort) => {
      const sort =
        preset ??
        (await vscode.window.showQuickPick(
          (['bytes', 'cost', 'packets', 'name'] as FlowSort[]).map((k) => ({ label: k, description: k === s.state.sort ? 'current' : undefined })),
          { title: 'Sort flows by' },
        ))?.label;
      if (sort) s.state.setSort(sort as FlowSort);
    }),
    vscode.commands.registerCommand(CommandId.FlowsShowGroup, (groupId: string) => revealFlows(s, { type: 'flows', securityGroupId: groupId })),
    vscode.commands.registerCommand(CommandId.FlowsRevealInCode, async (node?: FlowNode) => {
      const ids = node?.securityGroupIds ?? [];
      const links = ids.flatMap((id) => s.links.locate(id));
      if (!links.length) {
        void vscode.window.showInformationMessage(
          ids.length
            ? `Egress Lens: ${ids.join(', ')} is not linked to a resource in the open Terraform/CloudFormation files (links come from terraform.tfstate, or the group's name and tags).`
            : 'Egress Lens: this interface has no security group to reveal.',
        );
        return;
      }
      const l = links[0];
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(l.uri));
      await vscode.window.showTextDocument(doc, { selection: l.range });
    }),
    vscode.commands.registerCommand(CommandId.FlowsCopy, async (node?: FlowNode) => {
      if (!node || !s.state.analysis) return;
      // The flows the item shows: its own, within the tree's current filter.
      const shown = flowsOfNode(s.state.analysis.flows, node).filter((f) => matchesFilter(f, s.state.filter));
      await vscode.env.clipboard.writeText(flowsToTsv(shown));
      vscode.window.setStatusBarMessage('Egress Lens: flows copied as TSV', 3000);
    }),
    vscode.commands.registerCommand(CommandId.FlowsShowInReport, async (node?: FlowNode) => {
      s.reports.show('cost');
      const focus = node?.kind === 'peer' || node?.kind === 'port' ? node.peerAddr : node?.securityGroupIds[0];
      if (focus) s.reports.focus('cost', focus);
    }),
  ];
}
