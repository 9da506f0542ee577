// Real restricted mode (untrusted folder): the extension's trust guard says so, nothing was
// auto-loaded, load commands refuse without reaching AWS, and static checks still run.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EgressLensApi } from '../../../src/extension';
import { activate, awsRequests, diagnosticCode, waitForDiagnostics, workspaceUri } from '../suite/helpers';

describe('editor in restricted mode', () => {
  it('the guard reports untrusted, nothing was loaded, loaders refuse, no AWS request', async () => {
    const api = await activate<EgressLensApi>();
    assert.equal(api.trust.trusted, false);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(api.state.sources.length, 0, 'no flow logs auto-loaded');
    assert.equal(api.state.inventory, undefined, 'no inventory auto-loaded');
    assert.equal(await vscode.commands.executeCommand('egressLens.loadFromCloudWatch', '/aws/vpc/flow-logs'), false);
    assert.equal(api.testHooks.counters.awsCalls, 0);
    assert.ok(api.testHooks.counters.refused >= 1);
    assert.deepEqual(await awsRequests(), []);
    assert.deepEqual(api.testHooks.modulesLoaded(), { flows: false, aws: false }, 'neither the flow engine nor the AWS SDK was even loaded');
  });

  it('static checks still run on Terraform files', async () => {
    const ds = await waitForDiagnostics(workspaceUri('terraform', 'security.tf'), { source: 'Egress Lens', ok: (d) => d.some((x) => diagnosticCode(x) === 'EL001'), timeoutMs: 15_000 });
    assert.ok(ds.length > 0);
  });
});
