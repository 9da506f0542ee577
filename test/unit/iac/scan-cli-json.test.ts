import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initIac } from '../../../src/core/iac';
import { type JsonFinding, type ScanJson, runScan as run } from './scan-helpers';

const WS = 'test/unit/iac/fixtures/tfjson';

before(async () => {
  await initIac();
});

describe('egress-lens scan over Terraform JSON', () => {
  it('lists the findings of .tf.json files with 1-based ranges, tfvars.json resolution, "//" suppression and tfstate links', async () => {
    const { code, out } = await run([WS, '--format', 'json']);
    assert.equal(code, 0);
    const j = JSON.parse(out) as ScanJson;
    assert.equal(j.files, 3); // main.tf.json, variables.tf.json, terraform.tfvars.json
    assert.equal(j.resources, 4);
    assert.deepEqual(j.errors, []);
    const at = (f: JsonFinding) => `${f.ruleId} ${f.severity} ${f.resource} ${f.file.split('/').pop()}:${f.range.start.line}:${f.range.start.column}-${f.range.end.line}:${f.range.end.column}${f.suppressed ? ` suppressed(${f.suppressionReason})` : ''}`;
    assert.deepEqual(j.findings.map(at), [
      // "${var.admin_cidrs}" on line 18, resolved through terraform.tfvars.json
      'EL001 high aws_security_group.bastion main.tf.json:18:28-18:48',
      'EL004 info aws_security_group.web main.tf.json:32:27-32:38 suppressed(public web site)',
      'EL007 low aws_security_group_rule.db_from_anywhere main.tf.json:37:7-37:28',
      'EL003 high aws_security_group_rule.db_from_anywhere main.tf.json:43:44-43:55',
    ]);
    assert.match(j.findings[0].message, /var\.admin_cidrs in terraform\.tfvars\.json/);
    assert.deepEqual(j.links.map((l) => `${l.resource}=${l.deployedId}:${l.method}`), ['aws_security_group.bastion=sg-0json:terraform-state']);
    const table = await run([WS]);
    assert.match(table.out, /main\.tf\.json:18:28 +aws_security_group\.bastion/);
  });

  it('a malformed .tf.json is an error naming the file and line; the scan goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'el-tfjson-'));
    try {
      writeFileSync(join(dir, 'ok.tf.json'), JSON.stringify({ resource: { aws_security_group: { a: { description: 'a', ingress: { description: 'ssh', from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] } } } } }, null, 2));
      writeFileSync(join(dir, 'broken.tf.json'), '{\n  "resource": {\n    "aws_security_group": { "b": { "description": "b" }\n  \n');
      const { code, out } = await run([dir, '--format', 'json']);
      assert.equal(code, 0);
      const j = JSON.parse(out) as { findings: JsonFinding[]; errors: { file: string; message: string }[] };
      assert.ok(j.findings.some((f) => f.ruleId === 'EL001' && f.file.endsWith('ok.tf.json')));
      assert.ok(j.errors.length > 0);
      assert.ok(j.errors.every((e) => e.file.endsWith('broken.tf.json') && /^line \d+: JSON syntax error/.test(e.message)), JSON.stringify(j.errors));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
