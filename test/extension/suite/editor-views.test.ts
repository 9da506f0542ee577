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
    // NAT gateway copies are listed under the gateway's interface but left out of the direction's totals.
    assert.equal(owners.reduce((n, o) => n + o.bytes, 0), egress.bytes + (egress.copiesBytes ?? 0), 'owner bytes add up to the direction and its NAT copies');
    assert.ok((egress.copies ?? 0) > 0, 'the demo has NAT gateway copies');
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

  it('a number clicked in the report reveals the flows behind it', async () => {
    const api = await loadedApi();
    const model = api.reports.lastPosted.get('cost')!;
    const internet = model.charts.find((c) => c.id === 'byClass')!.bars.find((b) => b.label === 'Internet')!;
    await api.reports.handleLink(internet.link!);
    assert.deepEqual(api.state.filter.classes, ['internet']);
    const roots = api.flowsTree.getChildren();
    const peers = roots.flatMap((r) => api.flowsTree.getChildren(r).flatMap((o) => api.flowsTree.getChildren(o)));
    assert.ok(peers.length > 0 && peers.every((p) => p.peerClass === 'internet'));
    const cost = roots.reduce((n, r) => n + r.costUsd, 0);
    assert.ok(Math.abs(cost - internet.value) < 1e-6, `tree cost ${cost} = report figure ${internet.value}`);
    await vscode.commands.executeCommand('egressLens.flows.clearFilter');
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

  it('findings tree covers the whole workspace (background scan), by file then severity', async () => {
    const api = await loadedApi();
    await api.iac.scan.scan();
    const files = api.findingsTree.getChildren();
    const names = files.map((f) => (f.kind === 'file' ? f.uri.split('/').pop() : ''));
    for (const n of ['security.tf', 'network.tf', 'stack.yaml']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
    const sec = files.find((f) => f.kind === 'file' && f.uri.endsWith('/security.tf'))!;
    const levels = api.findingsTree.getChildren(sec);
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    const ranks = levels.map((i) => (i.kind === 'severity' ? order.indexOf(i.severity) : -1));
    assert.ok(ranks.every((r) => r >= 0), 'second level: severities');
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), 'ordered from critical to info');
    const high = levels.find((l) => l.kind === 'severity' && l.severity === 'high')!;
    const items = api.findingsTree.getChildren(high);
    assert.ok(items.length > 0 && items.every((i) => i.kind === 'finding' && i.finding.severity === 'high'));
    const item = api.findingsTree.getTreeItem(items[0]);
    assert.equal(item.command?.command, 'egressLens.findings.open');
    assert.match(String(item.label), /^EL00\d /);
  });

  it('reveal in code: a flows-tree group opens its Terraform resource', async () => {
    const api = await loadedApi();
    await api.iac.scan.scan();
    const owner = api.flowsTree.ownersOf('sg-0b4a6d8f0c2e30002')[0];
    assert.ok(owner, 'the web group has flows');
    assert.ok(api.links.locate('sg-0b4a6d8f0c2e30002').length > 0, 'linked through terraform.tfstate');
    await vscode.commands.executeCommand('egressLens.flows.revealInCode', owner);
    const ed = await waitFor(() => vscode.window.activeTextEditor, (e) => !!e && /\.(tf|ya?ml|json)$/.test(e.document.uri.path), { message: 'an editor on the group' });
    const line = ed!.document.lineAt(ed!.selection.start.line).text;
    assert.match(line, /resource "aws_security_group" "web"|WebSecurityGroup:/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('exports findings as SARIF 2.1.0', async () => {
    const dir = mkdtempSync(join(process.env.EGRESS_LENS_TEST_SCRATCH ?? tmpdir(), 'sarif-'));
    const path = join(dir, 'findings.sarif');
    await vscode.commands.executeCommand('egressLens.exportReport', { format: 'sarif', uri: path });
    const sarif = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(sarif.version, '2.1.0');
    const results = sarif.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    assert.ok(results.some((r) => r.ruleId === 'EL001'));
    assert.ok(results.every((r) => !r.locations[0].physicalLocation.artifactLocation.uri.startsWith('/')), 'workspace-relative paths');
  });

  it('CloudWatch failures are shown as clear errors, and the AWS path is entered when trusted', async function () {
    this.timeout(60_000); // the AWS sources retry a failing endpoint with backoff before giving up
    const api = await loadedApi();
    const before = api.testHooks.counters.awsCalls;
    const ok = await vscode.commands.executeCommand('egressLens.loadFromCloudWatch', '/aws/vpc/flow-logs');
    assert.equal(ok, false);
    assert.ok(api.testHooks.counters.awsCalls > before, 'went through the guarded AWS path');
    const err = api.state.errors.find((e) => e.source === 'aws');
    assert.ok(err, 'the error is kept for the Sources view');
    assert.match(err!.message, /logs:FilterLogEvents|CloudWatch|unavailable|endpoint|500/i);
    const errorsNode = api.sourcesTree.getChildren().find((n) => n.id === 'errors');
    assert.ok(errorsNode?.children?.length);
  });

  it('cancelling a load stops the engine and keeps the data as it was', async () => {
    const api = await loadedApi();
    const before = api.state.analysis;
    const ac = new AbortController();
    ac.abort();
    assert.equal(await api.data.loadFiles([api.state.sources[0].detail!], 'cancelled load', { signal: ac.signal }), false);
    assert.ok(!api.state.sources.some((x) => x.label === 'cancelled load'));
    assert.equal(api.state.analysis, before);
    assert.equal(api.state.busy, false);
  });

  it('load flow logs via the command: the same source is replaced, not duplicated', async () => {
    const api = await loadedApi();
    const before = api.state.sources.length;
    const flows = api.state.analysis!.flows.length;
    assert.equal(await vscode.commands.executeCommand('egressLens.loadFromFiles', api.state.sources[0].detail), true);
    assert.equal(api.state.sources.length, before);
    assert.equal(api.state.analysis!.flows.length, flows);
  });

  it('report webview: strict CSP with a nonce, scripts and styles only from media/', async () => {
    const api = await loadedApi();
    await vscode.commands.executeCommand('egressLens.showCostReport');
    const html = api.reports.htmlOf('cost')!;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1];
    assert.match(csp, /default-src 'none'/);
    const nonce = /script-src 'nonce-([A-Za-z0-9]+)'/.exec(csp)![1];
    assert.ok(nonce.length >= 32);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.ok(scripts.length > 0 && scripts.every((a) => a.includes(`nonce="${nonce}"`) && /src="[^"]*\/media\/report\.js"/.test(a)));
    const local = html.replace(/https:\/\/[^"\s]*vscode-cdn\.net[^"\s]*/g, '').replace(new RegExp(csp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'), '');
    assert.doesNotMatch(local, /https?:\/\//, 'no remote content');
    assert.deepEqual(api.reports.localRoots().map((u) => u.path.split('/').pop()), ['media']);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('open sample workspace resolves the bundled samples/demo (dry run: no window reload)', async () => {
    const target = await vscode.commands.executeCommand<string>('egressLens.openSample', { dryRun: true });
    assert.match(target, /samples\/demo$/);
  });

  it('walkthrough steps point at media that exists', async () => {
    const ext = vscode.extensions.getExtension('egress-lens.egress-lens')!;
    const steps = (ext.packageJSON.contributes.walkthroughs[0].steps as { media: { markdown: string } }[]);
    assert.ok(steps.length >= 4);
    for (const st of steps) await vscode.workspace.fs.stat(vscode.Uri.joinPath(ext.extensionUri, st.media.markdown));
  });

  it('status bar: profile/region, data window and cost; click refreshes', async () => {
    const api = await loadedApi();
    const a = api.state.analysis!;
    assert.ok(a.totals.costUsd > 0 && a.totals.monthlyUsd > a.totals.costUsd);
    const bar = api.testHooks.statusBar();
    assert.match(bar.text, /^\$\(cloud\) default\/us-east-1 · \d+(\.\d)? (min|h|d) · \$[\d,.]+ \(\$[\d,.]+\/mo\)$/);
    assert.equal(bar.command, 'egressLens.refresh');
  });

  it('skipped lines open as a read-only list naming file, line and reason', async () => {
    const api = await loadedApi();
    const src = api.state.sources.find((x) => x.counts.skipped > 0)!;
    await vscode.commands.executeCommand('egressLens.sources.showSkipped', src.id);
    const ed = await waitFor(() => vscode.window.activeTextEditor, (e) => !!e && e.document.isUntitled, { message: 'the skipped-lines document' });
    const text = ed!.document.getText();
    assert.match(text, new RegExp(`${src.counts.skipped} skipped of ${src.counts.lines} lines`));
    assert.match(text, /\.log(\.gz)?:\d+: /, 'file:line: reason');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
