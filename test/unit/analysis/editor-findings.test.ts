import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsByFile, toEditorFinding } from '../../../src/core/analysis/editor-findings';
import type { DeployLink, Finding } from '../../../src/core/iac';

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
