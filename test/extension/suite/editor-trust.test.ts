// The workspace-trust guard, through the test hook that makes the (trusted) test workspace look
// restricted: loaders refuse, the AWS code path is never entered, static checks still run.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api } from './editor-api';
import { awsRequests, closeAllEditors, diagnosticCode, waitForDiagnostics, workspaceUri } from './helpers';

describe('editor: workspace trust guard', () => {
  afterEach(async () => {
    (await api()).testHooks.setTrusted(undefined);
    await closeAllEditors();
  });

  it('restricted: no AWS call, no flow-log or inventory loading, through every entry point', async () => {
    const a = await api();
    a.testHooks.setTrusted(false);
    assert.equal(a.trust.trusted, false);
    assert.equal(a.trust.allow('probe'), false, 'the guard refuses');
    const before = { ...a.testHooks.counters };
    const awsBefore = (await awsRequests()).length;
    assert.equal(await vscode.commands.executeCommand('egressLens.loadFromCloudWatch', '/aws/vpc/flow-logs'), false);
    assert.equal(await vscode.commands.executeCommand('egressLens.loadFromFiles', workspaceUri('flowlogs').fsPath), false);
    assert.equal(await vscode.commands.executeCommand('egressLens.loadInventory', workspaceUri('inventory').fsPath), false);
    assert.equal(await a.data.loadCloudWatch({ logGroup: 'x' }), false, 'the data service refuses too');
    await vscode.commands.executeCommand('egressLens.refresh');
    assert.equal(a.testHooks.counters.awsCalls, before.awsCalls, 'the AWS code path was never entered');
    assert.ok(a.testHooks.counters.refused >= before.refused + 5, 'each attempt was refused by the guard');
    assert.equal((await awsRequests()).length, awsBefore, 'no request reached the AWS endpoint');
    // Nothing before this suite file uses AWS (files run in name order; editor-views reads CloudWatch later).
    assert.equal(a.testHooks.modulesLoaded().aws, false, 'the AWS SDK was not even loaded');
    const restricted = a.sourcesTree.getChildren().find((n) => n.id === 'restricted');
    assert.ok(restricted, 'the sources view says Restricted Mode');
  });

  it('restricted: static checks of infrastructure files still run', async () => {
    const a = await api();
    a.testHooks.setTrusted(false);
    const ds = await waitForDiagnostics(workspaceUri('terraform', 'security.tf'), { source: 'Egress Lens', ok: (d) => d.some((x) => diagnosticCode(x) === 'EL001') });
    assert.ok(ds.length > 0);
  });

  it('trusted again: the same entry points reach the loaders', async () => {
    const a = await api();
    a.testHooks.setTrusted(undefined);
    assert.equal(a.trust.trusted, true);
    assert.equal(await vscode.commands.executeCommand('egressLens.loadInventory', workspaceUri('inventory').fsPath), true);
  });
});
