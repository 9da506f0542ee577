// The sidebar (flows, sources trees), status bar data, reports and export, through the real
// extension host. The demo workspace has inventory/ and flowlogs/ folders, which the extension
// loads on activation.
import * as assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as vscode from 'vscode';
import { loadedApi } from './editor-api';
import { hasCommand, waitFor } from './helpers';

describe('editor: sidebar, reports, commands', () => {
  it('registers every contributed command', async () => {
    await loadedApi();
    const ext = vscode.extensions.getExtension('egress-lens.egress-lens')!;
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length >= 15);
    for (const id of contributed) assert.ok(await hasCommand(id), `${id} is contributed but not registered`);
  });

  it('auto-loads the workspace flow logs and inventory into the sources tree', async () => {
    const api = await loadedApi();
    const roots = api.sourcesTree.getChildren();
    const flowlogs = roots.find((r) => r.id === 'flowlogs');
    assert.ok(flowlogs?.children?.length, 'a flow-log source');
    const src = flowlogs!.children![0];
    assert.match(src.label, /flowlogs/);
    const records = src.children!.find((c) => c.label === 'Records');
    assert.match(records!.description!, /parsed of/);
    const skipped = src.children!.find((c) => c.label === 'Skipped lines');
    assert.ok(skipped, 'the demo has malformed lines, shown with a way to see them');
    assert.equal(skipped!.command?.command, 'egressLens.sources.showSkipped');
    const inv = roots.find((r) => r.id === 'inventory');
    assert.ok(Number(inv!.children!.find((c) => c.label === 'Security groups')!.description) > 0);
    const counts = api.state.sources[0].counts;
    assert.equal(counts.parsed + counts.skipped + counts.nodata + counts.skipdata, counts.lines);
  });

  it('flows tree: direction roots, then group → peer → port, totals consistent', async () => {
    const api = await loadedApi();
    const roots = api.flowsTree.getChildren();
    const labels = roots.map((r) => r.label);
    assert.ok(labels.includes('Egress') && labels.includes('Ingress'), labels.join(','));
    assert.deepEqual(labels, ['Egress', 'Ingress', 'Internal', 'Unknown'].filter((l) => labels.includes(l)), 'fixed order');
    const egress = roots.find((r) => r.label === 'Egress')!;
    const owners = api.flowsTree.getChildren(egress);
    assert.ok(owners.length > 0);
    assert.equal(owners.reduce((n, o) => n + o.bytes, 0), egress.bytes, 'owner bytes add up to the direction');
    const peers = api.flowsTree.getChildren(owners[0]);
    assert.ok(peers.length > 0 && peers[0].kind === 'peer');
    const ports = api.flowsTree.getChildren(peers[0]);
    assert.ok(ports.length > 0 && /^(TCP|UDP|ICMP|proto|all)/.test(ports[0].label), ports[0]?.label);
    const item = api.flowsTree.getTreeItem(peers[0]);
    assert.match(String(item.description), /B · .* pkts · \$/);
    assert.equal(item.contextValue, peers[0].securityGroupIds.length ? 'flow.peer.sg' : 'flow.peer.eni');
    assert.equal(api.flowsTree.getParent(peers[0])?.id, owners[0].id);
  });

  it('flows tree filters (action, group) and sorting go through the store', async () => {
    const api = await loadedApi();
    await vscode.commands.executeCommand('egressLens.flows.filter', { action: 'REJECT' });
    const rejected = api.flowsTree.getChildren();
    assert.ok(rejected.length > 0);
    for (const r of rejected) assert.equal(r.rejected, r.flows, `${r.label}: only rejected flows`);
    const sg = Object.values(api.state.analysis!.groups).find((g) => g.name === 'demo-bastion') ?? Object.values(api.state.analysis!.groups)[0];
    await vscode.commands.executeCommand('egressLens.flows.showGroup', sg.groupId);
    assert.deepEqual(api.state.filter, { securityGroupId: sg.groupId });
    for (const r of api.flowsTree.getChildren()) for (const o of api.flowsTree.getChildren(r)) assert.ok(o.securityGroupIds.includes(sg.groupId));
    await vscode.commands.executeCommand('egressLens.flows.sort', 'name');
    assert.equal(api.state.sort, 'name');
    await vscode.commands.executeCommand('egressLens.flows.clearFilter');
    await vscode.commands.executeCommand('egressLens.flows.sort', 'bytes');
    assert.deepEqual(api.state.filter, {});
  });

  it('opens the egress cost report webview with charts and linked numbers', async () => {
    const api = await loadedApi();
    await vscode.commands.executeCommand('egressLens.showCostReport');
    await waitFor(() => api.reports.isOpen('cost'), (x) => x, { message: 'cost report panel' });
    const model = api.reports.lastPosted.get('cost')!;
    assert.equal(model.kind, 'cost');
    assert.deepEqual(model.charts.map((c) => c.id), ['byClass', 'bySg', 'byPeer', 'overTime']);
    assert.ok(model.charts[0].bars.length > 0 && model.charts[0].bars.every((b) => b.link?.type === 'flows'));
    const groups = model.tables.find((t) => t.id === 'groups')!;
    assert.ok(groups.rows.length > 0 && groups.rows.every((r) => r.cost.link?.securityGroupId));
    const tabLabels = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    await waitFor(tabLabels, (tabs) => tabs.some((l) => /Egress Cost/.test(l)), { message: 'a tab titled Egress Cost' });
  });

  it('opens the exposure and unused-rules reports', async () => {
    const api = await loadedApi();
    await vscode.commands.executeCommand('egressLens.showExposureReport');
    await vscode.commands.executeCommand('egressLens.showUnusedRulesReport');
    assert.ok(api.reports.isOpen('exposure') && api.reports.isOpen('unused'));
    const unused = api.reports.lastPosted.get('unused')!;
    assert.ok(unused.tables[0].rows.length > 0, 'the demo has rules no flow matched');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('exports a report as Markdown, CSV and JSON', async () => {
    const dir = mkdtempSync(join(process.env.EGRESS_LENS_TEST_SCRATCH ?? tmpdir(), 'export-'));
    for (const format of ['md', 'csv', 'json'] as const) {
      const path = join(dir, `cost.${format}`);
      const written = await vscode.commands.executeCommand<string>('egressLens.exportReport', { kind: 'cost', format, uri: path });
      assert.equal(written, path);
      const text = readFileSync(path, 'utf8');
      if (format === 'md') assert.match(text, /^# Egress cost/);
      if (format === 'csv') assert.match(text, /^# Security groups\nSecurity group,Interfaces,Egress/m);
      if (format === 'json') assert.equal(JSON.parse(text).kind, 'cost');
    }
  });

  it('status bar data: window and cost come from the analysis', async () => {
    const api = await loadedApi();
    const a = api.state.analysis!;
    assert.ok(a.totals.costUsd > 0 && a.totals.monthlyUsd > a.totals.costUsd);
    assert.ok(a.window.end > a.window.start);
  });
});
