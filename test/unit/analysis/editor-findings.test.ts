import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsByFile, rulesById, toEditorFinding } from '../../../src/core/analysis/editor-findings';
import { join } from 'node:path';
import type { DeployLink, Finding, SgRule } from '../../../src/core/iac';

const range = (line: number) => ({ start: { line, column: 2 }, end: { line, column: 20 } });
const finding = (file: string, line: number, groupId?: string): Finding => ({
  ruleId: 'EL001', severity: 'critical', title: 'Admin port open', message: 'SSH open to the internet', file, range: range(line),
  resource: 'aws_security_group.web', references: ['CKV_AWS_24'], suppressed: false, elementIds: [], groupId, sgRuleId: `${file}#web/ingress[0]`, sourceId: `${file}#web/ingress[0]/0`, docs: 'docs/rules/EL001.md',
});
const links = [{ groupId: 'main.tf#aws_security_group.web', deployedId: 'sg-0abc', address: 'aws_security_group.web', method: 'terraform-state' }] as unknown as DeployLink[];

test('finding → editor finding: deployed group id from the links, model ids kept, 0-based range', () => {
  const e = toEditorFinding(finding('main.tf', 4, 'main.tf#aws_security_group.web'), links);
  assert.equal(e.groupId, 'sg-0abc');
  assert.equal(e.sgRuleId, 'main.tf#web/ingress[0]');
  assert.equal(e.sourceId, 'main.tf#web/ingress[0]/0');
  assert.deepEqual(e.range, range(4));
  assert.deepEqual([e.related, e.tags, e.suppressed], [[], [], false]);
  assert.equal(toEditorFinding(finding('main.tf', 4, 'main.tf#aws_security_group.db'), links).groupId, undefined, 'unlinked group: no deployed id');
  assert.equal(toEditorFinding(finding('main.tf', 4), links).groupId, undefined);
});

test('findings by file, in order, with the uri the caller gives', () => {
  const byFile = findingsByFile([finding('a.tf', 1), finding('b.yaml', 2), finding('a.tf', 3)], links, (f) => `/ws/${f}`);
  assert.deepEqual(byFile.map((x) => [x.file, x.uri, x.findings.map((f) => f.range.start.line)]), [['a.tf', '/ws/a.tf', [1, 3]], ['b.yaml', '/ws/b.yaml', [2]]]);
});

test('the finding carries its rule\'s traffic from the model; the demo report counts SSH rejects only on SSH findings', async () => {
  const rule = { id: 'main.tf#web/ingress[0]', direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22 } as unknown as SgRule;
  const e = toEditorFinding(finding('main.tf', 4, 'main.tf#aws_security_group.web'), links, rulesById({ rules: [rule] }));
  assert.deepEqual(e.rule, { direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22 });
  assert.equal(toEditorFinding(finding('main.tf', 4), links).rule, undefined, 'no model: no rule traffic');

  const { reportCommand } = await import('../../../src/cli/commands/report');
  let out = '';
  await reportCommand.run([join(__dirname, '..', '..', '..', 'samples', 'demo')], { cwd: process.cwd(), stdout: (s: string) => (out += s), stderr: () => {}, env: {} } as never);
  const rows = out.split('\n').filter((l) => /^\| (critical|high|medium|low|info) \|/.test(l)).map((l) => l.split(' | '));
  const rejected = (pred: (r: string[]) => boolean) => rows.filter(pred).map((r) => r[6].replace(/ \|$/, ''));
  assert.ok(rejected((r) => r[1] === 'EL006').length > 0);
  assert.deepEqual([...new Set(rejected((r) => r[1] === 'EL006'))], ['—'], 'egress findings: no rejected inbound attempts');
  const ssh = rejected((r) => r[1] === 'EL001' && /SSH/.test(r[3]) && r[4].includes('terraform/security.tf'));
  const web80 = rejected((r) => r[2] === 'aws_security_group.web' && /^tcp\/80 /.test(r[3]));
  assert.equal(web80.length, 2);
  assert.equal(ssh.length, 1);
  assert.ok(Number(ssh[0]) > 0);
  assert.ok(web80.every((v) => v !== ssh[0] && v !== '65'), `tcp/80 findings do not show the SSH scans: ${web80}`);
});
