// Runs with workspace trust enabled and the folder untrusted (restricted mode): the extension
// still activates (capabilities.untrustedWorkspaces = limited) and makes no AWS call.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { awsRequests, getExtension, waitFor } from '../suite/helpers';

describe('restricted mode (untrusted workspace)', () => {
  it('the workspace is not trusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('the extension activates in restricted mode', async () => {
    const ext = getExtension();
    await waitFor(() => ext.isActive, (a) => a, { timeoutMs: 15_000, message: 'activation in restricted mode' });
  });

  it('makes no AWS call', async () => {
    // Give activation-time work a moment to (wrongly) reach out.
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await awsRequests(), []);
  });
});
