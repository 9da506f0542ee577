// Items of the editor issue not covered by the other suites, through the real extension host:
// the "restrict to observed sources" quick fix, Copy from the flows tree, the AWS profile/region
// pickers, the report serializer, exports of every report kind, and the output channel.
// Edits to the demo's files stay in unsaved buffers (reverted by closeAllEditors); settings the
// pickers write to the workspace are removed afterwards, with the .vscode folder they create.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import * as vscode from 'vscode';
import type { EditorFlow } from '../../../src/core/analysis/editor-flowTree';
import { loadedApi, type EgressLensApi } from './editor-api';
import { applyCodeAction, closeAllEditors, diagnosticCode, getCodeActions, open, sleep, waitFor, waitForDiagnostics, workspaceFolder, workspaceUri } from './helpers';

const SOURCE = 'Egress Lens';
const WEB = 'sg-0b4a6d8f0c2e30002';
const DB = 'sg-0f8e0b2d4a6c70006';
const BASTION_NAME = 'demo-bastion';
const security = () => workspaceUri('terraform', 'security.tf');
const scratch = () => process.env.EGRESS_LENS_TEST_SCRATCH ?? tmpdir();

type Flow = EditorFlow;

/** Replaces the first `find` after `anchor` in the open editor's buffer (not saved). */
async function replaceInBuffer(editor: vscode.TextEditor, anchor: string, find: string, replacement: string): Promise<vscode.Position> {
  const text = editor.document.getText();
  const a = text.indexOf(anchor);
  assert.notEqual(a, -1, `${anchor} not found`);
  const at = text.indexOf(find, a);
  assert.notEqual(at, -1, `${find} after ${anchor} not found in:\n${text.slice(a, a + 400)}`);
  const start = editor.document.positionAt(at);
  assert.ok(await editor.edit((e) => e.replace(new vscode.Range(start, editor.document.positionAt(at + find.length)), replacement)));
  return start;
}

/** Distinct peer addresses of a group's accepted flows matching `pick`, sorted. */
function peersOf(api: EgressLensApi, groupId: string, pick: (f: Flow) => boolean): string[] {
  const flows = api.state.analysis!.flows as Flow[];
  return [...new Set(flows.filter((f) => f.securityGroupIds.includes(groupId) && f.action === 'ACCEPT' && !f.countedElsewhere && pick(f)).map((f) => f.peerAddr))].sort();
}

/** Secret keys in the test credentials file (40 characters, like real ones). */
const PROFILE_SECRETS = ['Pr0fileSecretValueThatMustNotBeLogged+42', 'Ci0nlySecretValueThatMustNotBeLogged+420'];

const quotedHosts = (addrs: string[]) => addrs.map((a) => `"${a}/32"`).join(', ');

/** Reverts every dirty file buffer (closing a dirty editor could save it into samples/demo), then closes all. */
async function revertAll(): Promise<void> {
  // Only the workspace's files matter (and only they can reach samples/demo); VS Code's own
  // user settings.json may be dirty too, and opening it can race with the workbench.
  const inWorkspace = (d: vscode.TextDocument) => d.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(d.uri) !== undefined;
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && inWorkspace(d))) {
    for (let attempt = 0; attempt < 3 && doc.isDirty; attempt++) {
      try {
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      } catch {
        await sleep(200); // "another editor opened in the meantime": try again
      }
    }
    assert.ok(!doc.isDirty, `could not revert ${doc.uri.fsPath}`);
  }
  await closeAllEditors();
}

describe('editor gaps: restrict an open CIDR to the sources observed', () => {
  let onDisk = '';
  before(() => (onDisk = readFileSync(security().fsPath, 'utf8')));
  afterEach(revertAll);
  after(() => assert.equal(readFileSync(security().fsPath, 'utf8'), onDisk, 'the buffer edits never reach the demo on disk'));

  it('Terraform list (web egress 0.0.0.0/0): replaced by the observed peers, the finding goes away', async () => {
    const api = await loadedApi();
    const uri = security();
    const ed = await open(uri);
    const text = ed.document.getText();
    const block = text.indexOf('resource "aws_security_group" "web"');
    const at = ed.document.positionAt(text.indexOf('"0.0.0.0/0"', text.indexOf('egress {', block)));
    const ds = await waitForDiagnostics(uri, { source: SOURCE, ok: (d) => d.some((x) => diagnosticCode(x) === 'EL006' && x.range.start.isEqual(at)) });
    const d = ds.find((x) => diagnosticCode(x) === 'EL006' && x.range.start.isEqual(at))!;
    // The web servers start conversations only with the app tier (web-to-app, port 8080).
    const expected = peersOf(api, WEB, (f) => f.direction !== 'ingress' && f.peerPort === 8080);
    assert.ok(expected.length >= 1 && expected.length <= 5, `observed: ${expected.join(', ')}`);
    const actions = await getCodeActions(uri, d.range);
    const fix = actions.find((x) => x.title.startsWith('Restrict 0.0.0.0/0 to'));
    assert.ok(fix, actions.map((x) => x.title).join(', '));
    assert.equal(fix.title, `Restrict 0.0.0.0/0 to ${expected.length === 1 ? `${expected[0]}/32` : `${expected.length} observed sources`} (seen in flow logs)`);
    assert.equal(fix.isPreferred, true);
    const ipv6Line = ed.document.lineAt(at.line + 1).text;
    await applyCodeAction(fix);
    assert.equal(ed.document.lineAt(at.line).text, `    cidr_blocks      = [${quotedHosts(expected)}]`);
    assert.equal(ed.document.lineAt(at.line + 1).text, ipv6Line, 'the IPv6 list is left alone');
    await waitForDiagnostics(uri, { ok: (x) => !x.some((y) => diagnosticCode(y) === 'EL006' && y.range.start.line === at.line) && x.some((y) => diagnosticCode(y) === 'EL006' && y.range.start.line === at.line + 1) });
  });

  it('inbound rule written as a list (db legacy VPN 10.0.0.0/8): the two app servers seen on 5432', async () => {
    const api = await loadedApi();
    const uri = security();
    const ed = await open(uri);
    // The demo writes this rule with cidr_ipv4 = local.legacy_vpn_cidr; as a rule with a CIDR list it qualifies.
    const text = ed.document.getText();
    const start = text.indexOf('resource "aws_vpc_security_group_ingress_rule" "db_legacy_vpn"');
    const end = text.indexOf('}', start) + 1;
    const rule = [
      'resource "aws_security_group_rule" "db_legacy_vpn" {',
      '  type              = "ingress"',
      '  security_group_id = aws_security_group.db.id',
      '  protocol          = "tcp"',
      '  from_port         = 5432',
      '  to_port           = 5432',
      '  cidr_blocks       = ["10.0.0.0/8"]',
      '}',
    ].join('\n');
    assert.ok(await ed.edit((e) => e.replace(new vscode.Range(ed.document.positionAt(start), ed.document.positionAt(end)), rule)));
    const line = ed.document.positionAt(start).line + 6;
    const on = (x: vscode.Diagnostic) => diagnosticCode(x) === 'EL005' && x.range.start.line === line;
    const ds = await waitForDiagnostics(uri, { source: SOURCE, ok: (d) => d.some(on) });
    const expected = peersOf(api, DB, (f) => f.localPort === 5432 && f.peerAddr.startsWith('10.'));
    assert.equal(expected.length, 2, `the app servers: ${expected.join(', ')}`);
    const actions = await getCodeActions(uri, ds.find(on)!.range);
    const fix = actions.find((x) => x.title === 'Restrict 10.0.0.0/8 to 2 observed sources (seen in flow logs)');
    assert.ok(fix, actions.map((x) => x.title).join(', '));
    await applyCodeAction(fix);
    assert.equal(ed.document.lineAt(line).text, `  cidr_blocks       = [${quotedHosts(expected)}]`);
    await waitForDiagnostics(uri, { ok: (d) => !d.some(on) });
  });

  it('not offered where several CIDRs do not fit (cidr_ipv4 holds one) or too many sources were seen', async () => {
    const api = await loadedApi();
    const uri = security();
    const ed = await open(uri);
    // db legacy VPN as written (one-CIDR attribute) with the value inlined: two sources would make "a", "b".
    const vpn = await replaceInBuffer(ed, 'resource "aws_vpc_security_group_ingress_rule" "db_legacy_vpn"', 'local.legacy_vpn_cidr', '"10.0.0.0/8"');
    // Bastion SSH inlined: 0.0.0.0/0 reached by the admin and 29 scanners.
    const ssh = await replaceInBuffer(ed, 'resource "aws_security_group_rule" "bastion_ssh"', 'var.admin_cidrs', '["0.0.0.0/0"]');
    const fresh = (code: string, p: vscode.Position) => (x: vscode.Diagnostic) => diagnosticCode(x) === code && x.range.start.line === p.line && !/from (local|var)\./.test(x.message);
    const ds = await waitForDiagnostics(uri, { source: SOURCE, ok: (d) => d.some(fresh('EL005', vpn)) && d.some(fresh('EL001', ssh)) });
    const bastion = Object.values(api.state.analysis!.groups).find((g) => g.name === BASTION_NAME)!;
    assert.ok(peersOf(api, bastion.groupId, (f) => f.localPort === 22).length > 5, 'more SSH sources than the fix lists');
    for (const d of [ds.find(fresh('EL005', vpn))!, ds.find(fresh('EL001', ssh))!]) {
      const titles = (await getCodeActions(uri, d.range)).map((x) => x.title);
      assert.ok(titles.some((t) => /^Suppress /.test(t)), `${diagnosticCode(d)}: other fixes still offered (${titles.join(', ')})`);
      assert.ok(!titles.some((t) => /^Restrict /.test(t)), `${diagnosticCode(d)}: no restrict fix (${titles.join(', ')})`);
    }
  });
});

describe('editor gaps: flows tree Copy', () => {
  afterEach(() => vscode.commands.executeCommand('egressLens.flows.clearFilter'));

  const HEADER = 'direction\tinterfaceId\tlocalAddr\tlocalPort\tpeerAddr\tpeerPort\tprotocol\taction\tbytesOut\tbytesIn\tpacketsOut\tpacketsIn\tpeerClass\tpath\tsecurityGroupIds\tcostUsd';

  async function copied(node: unknown): Promise<string[][]> {
    await vscode.env.clipboard.writeText('before copy');
    await vscode.commands.executeCommand('egressLens.flows.copy', node);
    const text = await waitFor(async () => vscode.env.clipboard.readText(), (t) => t !== 'before copy', { message: 'the clipboard to change' });
    const [head, ...rows] = text.split('\n');
    assert.equal(head, HEADER);
    return rows.map((r) => r.split('\t'));
  }

  it('a peer and a group: one TSV row per flow shown, adding up to the item totals', async () => {
    const api = await loadedApi();
    const egress = api.flowsTree.getChildren().find((r) => r.label === 'Egress')!;
    const owner = api.flowsTree.getChildren(egress).find((o) => o.securityGroupIds.includes(WEB)) ?? api.flowsTree.getChildren(egress)[0];
    const peer = api.flowsTree.getChildren(owner)[0];
    for (const node of [peer, owner]) {
      const rows = await copied(node);
      assert.equal(rows.length, node.flows, `${node.label}: rows`);
      assert.ok(rows.every((r) => r[0] === 'egress' && r[14] === node.securityGroupIds.join(' ')));
      if (node === peer) assert.ok(rows.every((r) => r[4] === peer.peerAddr));
      assert.equal(rows.reduce((n, r) => n + Number(r[8]) + Number(r[9]), 0), node.bytes, `${node.label}: bytes`);
      assert.equal(rows.reduce((n, r) => n + Number(r[10]) + Number(r[11]), 0), node.packets, `${node.label}: packets`);
      assert.ok(Math.abs(rows.reduce((n, r) => n + Number(r[15]), 0) - node.costUsd) < 0.0001 * rows.length + 1e-9, `${node.label}: cost`);
    }
  });

  it('with a filter on, only the flows the item shows', async () => {
    const api = await loadedApi();
    await vscode.commands.executeCommand('egressLens.flows.filter', { action: 'REJECT' });
    const ingress = api.flowsTree.getChildren().find((r) => r.label === 'Ingress')!;
    const owner = api.flowsTree.getChildren(ingress)[0];
    const all = (api.state.analysis!.flows as Flow[]).filter((f) => f.direction === 'ingress' && [...f.securityGroupIds].sort().join('+') === owner.securityGroupIds.join('+'));
    assert.ok(all.some((f) => f.action === 'ACCEPT'), 'the group also has accepted flows, hidden by the filter');
    const rows = await copied(owner);
    assert.equal(rows.length, owner.flows);
    assert.ok(rows.every((r) => r[7] === 'REJECT'));
  });
});

describe('editor gaps: AWS profile and region', () => {
  const settingsDir = () => join(workspaceFolder().uri.fsPath, '.vscode');
  let hadSettingsDir = true;

  before(() => {
    hadSettingsDir = existsSync(settingsDir());
    // The harness points AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at (missing) files in the scratch dir.
    writeFileSync(process.env.AWS_CONFIG_FILE!, [
      '[default]', 'region = us-east-1', '',
      '[profile dev]', 'region = eu-west-1', 'output = json', '',
      '[profile sso-admin]', 'sso_session = corp', 'sso_account_id = 123456789012', 'region = ap-southeast-2', '',
      '[sso-session corp]', 'sso_start_url = https://example.awsapps.com/start', 'sso_region = us-east-1', '',
      '[services local]', 'ec2 =', '  endpoint_url = http://127.0.0.1:1', '',
    ].join('\n'));
    writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE!, [
      '[dev]', 'aws_access_key_id = AKIAEGRESSLENSPROF01', `aws_secret_access_key = ${PROFILE_SECRETS[0]}`, '',
      '[ci-only]', 'aws_access_key_id = AKIAEGRESSLENSPROF02', `aws_secret_access_key = ${PROFILE_SECRETS[1]}`, '',
    ].join('\n'));
  });

  after(async () => {
    const cfg = vscode.workspace.getConfiguration('egressLens');
    await cfg.update('aws.profile', undefined, vscode.ConfigurationTarget.Workspace);
    await cfg.update('aws.region', undefined, vscode.ConfigurationTarget.Workspace);
    if (!hadSettingsDir) rmSync(settingsDir(), { recursive: true, force: true });
  });

  /** Runs a picker command, moves down `steps` items and accepts, like a user with the keyboard. */
  async function pick(command: string, steps: number): Promise<void> {
    const done = vscode.commands.executeCommand(command);
    await sleep(1000); // the picker reads the AWS files, then opens (no API tells when a quick pick is up)
    for (let i = 0; i < steps; i++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await done;
  }

  const setting = (key: string) => vscode.workspace.getConfiguration('egressLens').get<string>(key);

  it('lists the profiles of both files (default first, then by name), not sso-session or services sections', async () => {
    const api = await loadedApi();
    assert.equal(setting('aws.profile'), '');
    assert.equal(setting('aws.region'), '');
    // Items: default chain, default, ci-only (credentials only), dev, sso-admin.
    await pick('egressLens.selectProfile', 3);
    assert.equal(setting('aws.profile'), 'dev');
    assert.equal(setting('aws.region'), 'eu-west-1', "the profile's region fills an empty region setting");
    await waitFor(() => api.testHooks.statusBar().text, (t) => t.startsWith('$(cloud) dev/eu-west-1 · '), { message: 'status bar with dev/eu-west-1' });
    const aws = api.sourcesTree.getChildren().find((n) => n.id === 'aws')!;
    assert.deepEqual(aws.children!.map((c) => [c.label, c.description]), [['Profile', 'dev'], ['Region', 'eu-west-1']]);
    await pick('egressLens.selectProfile', 4);
    assert.equal(setting('aws.profile'), 'sso-admin');
    assert.equal(setting('aws.region'), 'eu-west-1', 'a chosen region is kept');
    await pick('egressLens.selectProfile', 2);
    assert.equal(setting('aws.profile'), 'ci-only');
    await pick('egressLens.selectProfile', 5); // wraps around: exactly four profiles
    assert.equal(setting('aws.profile'), '');
    await waitFor(() => api.sourcesTree.getChildren().find((n) => n.id === 'aws')!.children![0].description, (d) => d === 'default chain', { message: 'Sources: default chain' });
  });

  it('region picker: the chosen region reaches the status bar and the Sources tree', async () => {
    const api = await loadedApi();
    await vscode.commands.executeCommand('egressLens.selectProfile', 'dev');
    await pick('egressLens.selectRegion', 0);
    const region = setting('aws.region')!;
    assert.match(region, /^[a-z]{2}-[a-z]+-\d$/);
    await vscode.commands.executeCommand('egressLens.selectRegion', 'ap-northeast-3');
    assert.equal(setting('aws.region'), 'ap-northeast-3');
    await waitFor(() => api.testHooks.statusBar().text, (t) => t.startsWith('$(cloud) dev/ap-northeast-3 · '), { message: 'status bar with dev/ap-northeast-3' });
    const aws = api.sourcesTree.getChildren().find((n) => n.id === 'aws')!;
    assert.equal(aws.children!.find((c) => c.label === 'Region')!.description, 'ap-northeast-3');
  });
});

// Restore after a reload cannot run here: reloading the window restarts this extension host and
// ends the run, and 'Reopen Closed Editor' does not bring back a closed webview in VS Code 1.139
// (tried: the serializer is never called). So the serializer is called the way VS Code calls it.
describe('editor gaps: report serializer, called directly', () => {
  it('a panel of the report view type handed to the serializer becomes that report, fed and wired', async () => {
    const api = await loadedApi();
    await closeAllEditors();
    assert.ok(!api.reports.isOpen('exposure'));
    // What VS Code does on restore: a panel of the registered view type plus the state the page saved.
    const panel = vscode.window.createWebviewPanel('egressLens.report', 'Egress Lens: Inbound Exposure', vscode.ViewColumn.Active, {});
    try {
      await api.reports.deserializeWebviewPanel(panel, { kind: 'exposure' });
      assert.ok(api.reports.isOpen('exposure'));
      assert.equal(api.reports.lastPosted.get('exposure')?.kind, 'exposure');
      assert.match(panel.webview.html, /<body data-kind="exposure">/);
      assert.equal(panel.webview.options.enableScripts, true);
      assert.deepEqual(panel.webview.options.localResourceRoots?.map((u) => u.path.split('/').pop()), ['media'], 'options restored, not the empty ones it came with');
      // show() now reveals the revived panel instead of opening a second one.
      assert.equal(api.reports.show('exposure'), panel);
      // No saved state (an old session): the cost report.
      const bare = vscode.window.createWebviewPanel('egressLens.report', 'Egress Lens', vscode.ViewColumn.Active, {});
      await api.reports.deserializeWebviewPanel(bare, undefined);
      assert.match(bare.webview.html, /<body data-kind="cost">/);
      assert.equal(api.reports.show('cost'), bare);
    } finally {
      await closeAllEditors();
    }
    await waitFor(() => api.reports.isOpen('exposure') || api.reports.isOpen('cost'), (x) => !x, { message: 'panels forgotten once closed' });
  });
});

describe('editor gaps: exports of the exposure and unused-rules reports', () => {
  for (const kind of ['exposure', 'unused'] as const) {
    it(`${kind}: Markdown, CSV and JSON hold the same rows as the flow data / findings`, async () => {
      const api = await loadedApi();
      await api.iac.scan.scan();
      const dir = mkdtempSync(join(scratch(), `export-${kind}-`));
      const read = async (format: 'md' | 'csv' | 'json') => {
        const path = join(dir, `${kind}.${format}`);
        assert.equal(await vscode.commands.executeCommand<string>('egressLens.exportReport', { kind, format, uri: vscode.Uri.file(path) }), path);
        return readFileSync(path, 'utf8');
      };
      const json = JSON.parse(await read('json'));
      const csv = (await read('csv')).split('\n');
      const md = (await read('md')).split('\n');
      assert.equal(json.kind, kind);
      if (kind === 'unused') {
        const unused = api.state.analysis!.unusedRules;
        assert.ok(unused.length > 0);
        const rows = json.tables.unused as { group: string; direction: string; rule: string }[];
        assert.deepEqual(rows.map((r) => r.direction).sort(), unused.map((u) => u.direction).sort());
        assert.ok(rows.some((r) => r.group.includes(WEB) && r.rule === 'tcp 8443 from 198.51.100.0/24'), 'the partner rule no flow matched');
        assert.equal(csv[0], '# Rules with no matching traffic');
        assert.equal(csv[1], 'Security group,Direction,Rule,Description,Rejected attempts');
        assert.equal(csv.slice(2, csv.indexOf('', 2)).length, unused.length);
        assert.equal(md[0], '# Unused rules');
        assert.equal(md.filter((l) => l.startsWith('| ') && l.includes('198.51.100.0/24')).length, 1);
      } else {
        const findings = [...api.state.findings.values()].flat().filter((f) => !f.suppressed);
        const rows = json.tables.findings as { rule: string; location: string }[];
        assert.equal(rows.length, findings.length, 'one row per unsuppressed finding');
        const ssh = await waitForDiagnostics(security(), { source: SOURCE, ok: (d) => d.some((x) => diagnosticCode(x) === 'EL001') });
        const line = ssh.find((x) => diagnosticCode(x) === 'EL001')!.range.start.line + 1;
        assert.ok(rows.some((r) => r.rule === 'EL001' && r.location === `terraform/security.tf:${line}`), 'the SSH finding at its line');
        assert.equal(csv[1], 'Severity,Rule,Resource,Message,Location,Also known as,Rejected attempts');
        assert.equal(csv.slice(2, csv.indexOf('', 2)).length, findings.length);
        assert.equal(md[0], '# Inbound exposure');
        assert.ok(md.some((l) => l.startsWith('| ') && l.includes(` | terraform/security.tf:${line} |`)));
        await revertAll();
      }
    });
  }
});

/** The channel's log file: <user-data>/logs/<session>/exthost*\/egress-lens.egress-lens/Egress Lens.log (newest). */
function logFile(): string | undefined {
  const roots = [process.env.CODE_SERVER_SESSION_SOCKET && dirname(process.env.CODE_SERVER_SESSION_SOCKET), join(scratch(), 'user-data')].filter((x): x is string => !!x);
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 4 || !existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (name === 'Egress Lens.log' && dirname(p).endsWith('egress-lens.egress-lens')) found.push(p);
      else if (statSync(p).isDirectory()) walk(p, depth + 1);
    }
  };
  for (const r of roots) walk(join(r, 'logs'), 0);
  return found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}


describe('editor gaps: output channel', () => {
  it('after loading flow logs: structured entries, and no credential from the environment', async () => {
    const api = await loadedApi();
    assert.equal(await vscode.commands.executeCommand('egressLens.loadFromFiles', api.state.sources[0].detail!), true);
    const path = logFile();
    assert.ok(path, 'the Egress Lens log file');
    const c = api.state.sources[0].counts;
    const text = await waitFor(() => readFileSync(path, 'utf8'), (t) => t.includes(` flowlogs.loaded source=flowlogs files=`), { message: 'flowlogs.loaded in the log' });
    const loaded = text.split('\n').filter((l) => / \[info\] flowlogs\.loaded /.test(l)).pop()!;
    for (const [k, v] of Object.entries({ lines: c.lines, parsed: c.parsed, skipped: c.skipped, nodata: c.nodata, skipdata: c.skipdata })) assert.ok(loaded.includes(` ${k}=${v} `), `${k}=${v} in: ${loaded}`);
    assert.match(loaded, / files=\d+ .* ms=\d+$/);
    assert.match(text, / \[info\] analysis\.done flows=\d+ groups=\d+ costUsd=[\d.]+ ms=\d+/);
    assertStructuredAndClean(text);
  });
});

/** Every entry `<date> <time> [level] event key=value …`; no secret or key id of the test credentials. */
function assertStructuredAndClean(text: string): void {
  for (const l of text.split('\n').filter(Boolean)) assert.match(l, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[(trace|debug|info|warning|error)\] [a-z][\w.]*( [A-Za-z]\w*=|$)/, l);
  for (const secret of [process.env.AWS_SECRET_ACCESS_KEY!, PROFILE_SECRETS[0], PROFILE_SECRETS[1], process.env.AWS_ACCESS_KEY_ID!, 'AKIAEGRESSLENSPROF01']) {
    assert.ok(secret && !text.includes(secret), `the log must not contain ${secret.slice(0, 4)}…`);
  }
  assert.doesNotMatch(text, /X-Amz-(Signature|Credential|Security-Token)=(?!\[redacted\])/i);
  assert.doesNotMatch(text, /\b(AKIA|ASIA)[A-Z0-9]{16}\b/);
}

// The AWS path (credentials read from the profile's file, requests signed, the failure logged) runs
// after every suite file: editor-trust checks that nothing before it loaded the AWS SDK.
after(async function () {
  if (process.env.EGRESS_LENS_TEST_GREP && !/output channel/.test(process.env.EGRESS_LENS_TEST_GREP)) return;
  this.timeout(60_000); // the CloudWatch attempt retries the failing endpoint with backoff
  const cfg = vscode.workspace.getConfiguration('egressLens');
  try {
    await cfg.update('aws.profile', 'dev', vscode.ConfigurationTarget.Global); // user settings: nothing lands in the demo
    assert.equal(await vscode.commands.executeCommand('egressLens.loadFromCloudWatch', '/aws/vpc/flow-logs'), false);
  } finally {
    await cfg.update('aws.profile', undefined, vscode.ConfigurationTarget.Global);
  }
  const path = logFile()!;
  const text = await waitFor(() => readFileSync(path, 'utf8'), (t) => / \[error\] aws\.failed error=/.test(t), { message: 'the CloudWatch failure in the log' });
  assertStructuredAndClean(text);
});
