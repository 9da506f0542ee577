// Diagnostics, hovers, code lenses and quick fixes on the demo's Terraform and CloudFormation,
// through VS Code's own provider commands. Positions are found by text, not hard-coded lines.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, loadedApi } from './editor-api';
import {
  applyCodeAction,
  closeAllEditors,
  diagnosticCode,
  getCodeActions,
  getCodeLenses,
  open,
  positionOf,
  testHover,
  waitFor,
  waitForDiagnostics,
  workspaceUri,
} from './helpers';

const SOURCE = 'Egress Lens';
const security = () => workspaceUri('terraform', 'security.tf');
const network = () => workspaceUri('terraform', 'network.tf');
const stack = () => workspaceUri('cloudformation', 'stack.yaml');

/** Position just after `anchor` (the n-th match), pointing at `target` within the next lines. */
async function after(uri: vscode.Uri, anchor: string, target: string): Promise<vscode.Position> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const text = doc.getText();
  const a = text.indexOf(anchor);
  assert.notEqual(a, -1, `${anchor} not in ${uri.fsPath}`);
  const t = text.indexOf(target, a);
  assert.notEqual(t, -1, `${target} after ${anchor} not in ${uri.fsPath}`);
  return doc.positionAt(t);
}

function findAt(ds: vscode.Diagnostic[], code: string, p: vscode.Position): vscode.Diagnostic | undefined {
  return ds.find((d) => diagnosticCode(d) === code && d.range.start.isEqual(p));
}

describe('editor: infrastructure files', () => {
  afterEach(closeAllEditors);

  it('Terraform: the expected rule ids at the expected ranges, severity mapped, code linked to docs', async () => {
    await api();
    const ds = await waitForDiagnostics(security(), { source: SOURCE, ok: (d) => d.some((x) => diagnosticCode(x) === 'EL001') });
    const ssh = findAt(ds, 'EL001', await after(security(), 'resource "aws_security_group_rule" "bastion_ssh"', 'var.admin_cidrs'));
    assert.ok(ssh, `EL001 on var.admin_cidrs; got ${ds.map((d) => `${diagnosticCode(d)}@${d.range.start.line}:${d.range.start.character}`).join(' ')}`);
    assert.equal(ssh.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(ssh.range.end.character - ssh.range.start.character, 'var.admin_cidrs'.length);
    const code = ssh.code as { value: string; target: vscode.Uri };
    assert.match(code.target.toString(), /docs\/rules\/EL001\.md$/);
    assert.ok(ssh.relatedInformation?.some((r) => /variables\.tf$/.test(r.location.uri.path) || /bastion/.test(r.message)), 'related: where the value or group is');
    const redis = findAt(ds, 'EL003', await after(security(), 'resource "aws_security_group" "cache"', '"0.0.0.0/0"'));
    assert.ok(redis, 'EL003 on the Redis CIDR literal');
    assert.equal(redis.range.end.character - redis.range.start.character, '"0.0.0.0/0"'.length);
    const noDesc = findAt(ds, 'EL007', await after(security(), '# --- Cache', 'resource "aws_security_group" "cache"'));
    assert.ok(noDesc, 'EL007 on the cache group header');
    assert.equal(noDesc.severity, vscode.DiagnosticSeverity.Information);
  });

  it('CloudFormation YAML: the same rules on the equivalent stack', async () => {
    const ds = await waitForDiagnostics(stack(), { source: SOURCE, ok: (d) => d.some((x) => diagnosticCode(x) === 'EL003') });
    assert.ok(findAt(ds, 'EL001', await after(stack(), 'BastionSecurityGroup:', 'AdminCidr')), 'EL001 on !Ref AdminCidr');
    assert.ok(findAt(ds, 'EL003', await after(stack(), 'CacheSecurityGroup:', '0.0.0.0/0')), 'EL003 on the Redis CidrIp');
  });

  it('diagnostics follow edits as you type and disappear when fixed', async () => {
    const uri = security();
    const at = await after(uri, 'resource "aws_security_group" "cache"', '"0.0.0.0/0"');
    await waitForDiagnostics(uri, { source: SOURCE, ok: (d) => !!findAt(d, 'EL003', at) });
    const editor = await open(uri);
    await editor.edit((e) => e.replace(new vscode.Range(at, at.translate(0, '"0.0.0.0/0"'.length)), '"10.20.0.0/16"'));
    await waitForDiagnostics(uri, { ok: (d) => !d.some((x) => diagnosticCode(x) === 'EL003') });
    await editor.edit((e) => e.replace(new vscode.Range(at, at.translate(0, '"10.20.0.0/16"'.length)), '"0.0.0.0/0"'));
    await waitForDiagnostics(uri, { ok: (d) => !!findAt(d, 'EL003', at) });
  });

  it('hover on a rule explains it in plain words with the verdict and peer ids', async () => {
    await api();
    const p = await after(security(), 'resource "aws_security_group_rule" "bastion_ssh"', 'var.admin_cidrs');
    await testHover(security(), p, ['Allows inbound TCP port 22 (SSH)', 'anywhere on the internet', 'EL001', 'CKV_AWS_24']);
  });

  it('hover on a variable default used as a rule source names the rules it opens', async () => {
    const a = await api();
    await a.iac.scan.scan();
    const vars = workspaceUri('terraform', 'variables.tf');
    const p = await after(vars, 'variable "admin_cidrs"', '"0.0.0.0/0"');
    await testHover(vars, p.translate(0, 1), ['source of', 'aws_security_group_rule.bastion_ssh', 'TCP port 22 (SSH)', 'EL001']);
  });

  it('hover on a security group with flow data: observed traffic and cost, link to the flows', async () => {
    await loadedApi();
    const p = await positionOf(security(), 'resource "aws_security_group" "web"', 0, 2);
    const text = await testHover(security(), p, ['security group', 'open to the internet', 'Group egress cost', '/month', 'sg-0b4a6d8f0c2e30002']);
    assert.match(text, /command:egressLens\.flows\.showGroup/);
    const rule = await after(security(), 'resource "aws_security_group" "web"', 'from_port        = 443');
    await testHover(security(), rule, ['Observed through this rule', 'flows', 'distinct sources', 'top peers', 'last seen']);
  });

  it('code lenses above every group: egress, monthly cost and open inbound rules', async () => {
    const a = await loadedApi();
    const lenses = await waitFor(() => getCodeLenses(security()), (l) => l.length > 0 && l.some((x) => /egress ·/.test(x.command?.title ?? '')), { message: 'lenses with flow data' });
    const doc = a.iac.documents.get(security())!;
    const groups = doc.result.model.groups.filter((g) => g.file === doc.path);
    assert.equal(lenses.length, groups.length, 'one lens per group');
    const web = lenses.find((l) => l.range.start.line === groups.find((g) => g.address === 'aws_security_group.web')!.headerRange.start.line)!;
    assert.match(web.command!.title, /^↑ \d+(\.\d)? [KMGT]?B egress · \$[\d,.]+\/mo · 2 open inbound rules$/);
    assert.equal(web.command!.command, 'egressLens.flows.showGroup');
  });

  it('costly outbound traffic is a diagnostic on the worker group, with the gateway-endpoint fix', async () => {
    await loadedApi();
    const ds = await waitForDiagnostics(security(), { source: SOURCE, ok: (d) => d.some((x) => diagnosticCode(x) === 'costly-egress') });
    const costly = ds.find((d) => diagnosticCode(d) === 'costly-egress' && /aws_security_group\.worker/.test(d.message));
    assert.ok(costly, ds.filter((d) => diagnosticCode(d) === 'costly-egress').map((d) => d.message).join('\n'));
    assert.match(costly.message, /\$[\d,.]+\/month to S3 through a NAT gateway/);
    assert.match(costly.message, /in \d/);
    const actions = await getCodeActions(security(), costly.range);
    const endpoint = actions.find((x) => /S3 gateway endpoint/.test(x.title));
    assert.ok(endpoint, actions.map((x) => x.title).join(', '));
    await applyCodeAction(endpoint);
    const text = vscode.window.activeTextEditor!.document.getText();
    assert.match(text, /resource "aws_vpc_endpoint" "s3" \{\n  vpc_id            = aws_vpc\.main\.id\n/);
    assert.match(text, /vpc_endpoint_type = "Gateway"\n  route_table_ids   = \[aws_route_table\.private\.id\]/);
  });

  it('CloudFormation: lens from the deployed group (linked by name), endpoint fix yields a valid template', async () => {
    await loadedApi();
    const lenses = await waitFor(() => getCodeLenses(stack()), (l) => l.some((x) => /egress ·/.test(x.command?.title ?? '')), { message: 'CloudFormation lenses with flow data' });
    const web = await positionOf(stack(), '  WebSecurityGroup:');
    // CloudFormation writes one rule per CIDR: 80 and 443, each for IPv4 and IPv6.
    assert.match(lenses.find((l) => l.range.start.line === web.line)!.command!.title, /^↑ .* egress · \$[\d,.]+\/mo · 4 open inbound rules$/);
    const ds = await waitForDiagnostics(stack(), { source: SOURCE, ok: (d) => d.some((x) => diagnosticCode(x) === 'costly-egress' && /WorkerSecurityGroup/.test(x.message)) });
    assert.ok(ds.some((x) => diagnosticCode(x) === 'EL009'));
    const costly = ds.find((x) => diagnosticCode(x) === 'costly-egress' && /WorkerSecurityGroup/.test(x.message))!;
    const fix = (await getCodeActions(stack(), costly.range)).find((x) => /S3 gateway endpoint/.test(x.title));
    assert.ok(fix);
    await applyCodeAction(fix);
    const text = vscode.window.activeTextEditor!.document.getText();
    assert.match(text, /\n  S3GatewayEndpoint:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      VpcId: !Ref Vpc\n/);
    await waitForDiagnostics(stack(), { ok: (d) => !d.some((x) => diagnosticCode(x) === 'EL009') && !d.some((x) => diagnosticCode(x) === 'parse') });
  });

  it('quick fix: add a description to the cache group (inserted inside the block)', async () => {
    const uri = security();
    const header = await after(uri, '# --- Cache', 'resource "aws_security_group" "cache"');
    const ds = await waitForDiagnostics(uri, { source: SOURCE, ok: (d) => !!findAt(d, 'EL007', header) });
    const actions = await getCodeActions(uri, findAt(ds, 'EL007', header)!.range);
    const add = actions.find((x) => /Add a description/.test(x.title));
    assert.ok(add, actions.map((x) => x.title).join(', '));
    await applyCodeAction(add);
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.lineAt(header.line).text, 'resource "aws_security_group" "cache" {');
    assert.equal(doc.lineAt(header.line + 1).text, '  description = "TODO: what this group is for"');
    await waitForDiagnostics(uri, { ok: (d) => !findAt(d, 'EL007', header) });
  });

  it('quick fix: suppress with a reason comment removes the diagnostic', async () => {
    const uri = security();
    const at = await after(uri, 'resource "aws_security_group" "cache"', '"0.0.0.0/0"');
    const ds = await waitForDiagnostics(uri, { source: SOURCE, ok: (d) => !!findAt(d, 'EL003', at) });
    const actions = await getCodeActions(uri, findAt(ds, 'EL003', at)!.range);
    const suppress = actions.find((x) => /Suppress EL003/.test(x.title));
    assert.ok(suppress, actions.map((x) => x.title).join(', '));
    await applyCodeAction(suppress);
    const doc = vscode.window.activeTextEditor!.document;
    const ingress = await after(uri, 'resource "aws_security_group" "cache"', 'ingress {');
    assert.equal(doc.lineAt(ingress.line - 1).text, '  # egress-lens:ignore EL003 TODO: why this is accepted');
    await waitForDiagnostics(uri, { ok: (d) => !d.some((x) => diagnosticCode(x) === 'EL003') });
  });

  it('quick fix on EL009: add the S3 gateway endpoint to the Terraform network', async () => {
    const ds = await waitForDiagnostics(network(), { source: SOURCE, ok: (d) => d.some((x) => diagnosticCode(x) === 'EL009') });
    const d = ds.find((x) => diagnosticCode(x) === 'EL009')!;
    const actions = await getCodeActions(network(), d.range);
    const fix = actions.find((x) => /gateway endpoint/.test(x.title));
    assert.ok(fix, actions.map((x) => x.title).join(', '));
    await applyCodeAction(fix);
    await waitForDiagnostics(network(), { ok: (x) => !x.some((y) => diagnosticCode(y) === 'EL009') });
  });

  it('a rule no flow matched is faded (unnecessary) and can be removed', async () => {
    await loadedApi();
    const uri = security();
    const header = await after(uri, 'description = "Partner webhook callbacks"', 'description');
    const ds = await waitForDiagnostics(uri, { source: SOURCE, ok: (d) => d.some((x) => diagnosticCode(x) === 'unused-rule' && x.range.start.line === header.line - 1) });
    const unused = ds.find((x) => diagnosticCode(x) === 'unused-rule' && x.range.start.line === header.line - 1)!;
    assert.deepEqual(unused.tags, [vscode.DiagnosticTag.Unnecessary]);
    assert.match(unused.message, /No accepted flow matched this ingress rule of sg-0b4a6d8f0c2e30002/);
    const actions = await getCodeActions(uri, unused.range);
    const remove = actions.find((x) => /Remove the unused ingress rule \(tcp 8443\)/.test(x.title));
    assert.ok(remove, actions.map((x) => x.title).join(', '));
    await applyCodeAction(remove);
    const text = vscode.window.activeTextEditor!.document.getText();
    assert.ok(!text.includes('Partner webhook callbacks'));
    assert.match(text, /ipv6_cidr_blocks = \["::\/0"\]\n  \}\n\n  egress \{/, 'the block and nothing else is gone');
  });

  it('settings: disabled rules vanish, severity overrides apply (user settings)', async () => {
    const cfg = () => vscode.workspace.getConfiguration('egressLens');
    try {
      await cfg().update('rules.disabled', ['EL003'], vscode.ConfigurationTarget.Global);
      await cfg().update('rules.severity', { EL004: 'high' }, vscode.ConfigurationTarget.Global);
      const ds = await waitForDiagnostics(security(), { source: SOURCE, ok: (d) => !d.some((x) => diagnosticCode(x) === 'EL003') && d.some((x) => diagnosticCode(x) === 'EL004' && x.severity === vscode.DiagnosticSeverity.Error) });
      assert.ok(ds.some((x) => diagnosticCode(x) === 'EL001'), 'other rules still run');
    } finally {
      await cfg().update('rules.disabled', undefined, vscode.ConfigurationTarget.Global);
      await cfg().update('rules.severity', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForDiagnostics(security(), { source: SOURCE, ok: (d) => d.some((x) => diagnosticCode(x) === 'EL003') });
  });

  it('closing a file removes its diagnostics', async () => {
    await waitForDiagnostics(stack(), { source: SOURCE });
    await closeAllEditors();
    await waitFor(() => vscode.languages.getDiagnostics(stack()).filter((d) => d.source === SOURCE).length, (n) => n === 0, { message: 'diagnostics removed on close', timeoutMs: 15_000 });
  });
});
