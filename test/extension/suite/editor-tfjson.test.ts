// Terraform's JSON syntax in the editor: a .tf.json (as CDK for Terraform writes it) beside a
// terraform.tfvars.json is analysed as Terraform — not as CloudFormation JSON, even when its text
// names CloudFormation keys — with exact ranges, and the suppress quick fix writes a "//" property.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { api } from './editor-api';
import { applyCodeAction, closeAllEditors, diagnosticCode, getCodeActions, positionOf, summarize, testHover, waitForDiagnostics } from './helpers';

const SOURCE = 'Egress Lens';

const MAIN = `{
  "//": "Not CloudFormation, although this text says AWSTemplateFormatVersion: and Type: AWS::EC2::SecurityGroup",
  "variable": {
    "admin_cidrs": { "type": "list(string)", "default": ["203.0.113.7/32"] }
  },
  "resource": {
    "aws_security_group": {
      "bastion": {
        "description": "SSH bastion",
        "ingress": [
          {
            "description": "SSH for admins",
            "from_port": 22,
            "to_port": 22,
            "protocol": "tcp",
            "cidr_blocks": "\${var.admin_cidrs}"
          }
        ]
      }
    }
  }
}
`;

describe('editor: Terraform JSON (.tf.json)', () => {
  afterEach(closeAllEditors);

  it('is analysed as Terraform with its tfvars.json: EL001 on the "${var…}" string, hover, "//" suppress fix', async () => {
    await api();
    const dir = mkdtempSync(join(process.env.EGRESS_LENS_TEST_SCRATCH ?? tmpdir(), 'tfjson-'));
    writeFileSync(join(dir, 'cdk.tf.json'), MAIN);
    writeFileSync(join(dir, 'terraform.tfvars.json'), '{ "admin_cidrs": ["0.0.0.0/0"] }\n');
    const uri = vscode.Uri.file(join(dir, 'cdk.tf.json'));
    const at = await positionOf(uri, '"${var.admin_cidrs}"');
    const ds = await waitForDiagnostics(uri, { source: SOURCE, ok: (d) => d.some((x) => diagnosticCode(x) === 'EL001') });
    const ssh = ds.find((d) => diagnosticCode(d) === 'EL001' && d.range.start.isEqual(at));
    assert.ok(ssh, `EL001 on "\${var.admin_cidrs}"; got ${summarize(ds).join(' ')}`);
    assert.equal(ssh.range.end.character - ssh.range.start.character, '"${var.admin_cidrs}"'.length);
    assert.match(ssh.message, /terraform\.tfvars\.json/);
    // Terraform, not CloudFormation: the Terraform address, and no template problems
    assert.match(ssh.message, /aws_security_group\.bastion/);
    assert.ok(!ds.some((d) => /CloudFormation|Resources/.test(d.message)), summarize(ds).join(' '));
    await testHover(uri, at, [/SSH|22/]);
    const actions = await getCodeActions(uri, ssh.range);
    const suppress = actions.find((x) => /Suppress EL001/.test(x.title));
    assert.ok(suppress, actions.map((x) => x.title).join(', '));
    await applyCodeAction(suppress);
    const doc = vscode.window.activeTextEditor!.document;
    const header = await positionOf(uri, '"bastion": {');
    assert.equal(doc.lineAt(header.line + 1).text, '        "//": "egress-lens:ignore EL001 TODO: why this is accepted",');
    assert.doesNotThrow(() => JSON.parse(doc.getText()));
    await waitForDiagnostics(uri, { ok: (d) => !d.some((x) => diagnosticCode(x) === 'EL001') });
  });
});
