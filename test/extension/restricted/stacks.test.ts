// Restricted Mode with a template bound to its stack (egressLens.cloudFormation.stacks, set in the
// user settings so it applies even here): the stack is not read — no AWS request, the AWS SDK not
// even loaded — and the hover says why the group is not linked.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EgressLensApi } from '../../../src/extension';
import { activate, awsRequests, positionOf, testHover, waitFor, workspaceUri } from '../suite/helpers';

describe('CloudFormation stack links in restricted mode', () => {
  it('a bound stack is not read; the hover says so', async () => {
    const api = await activate<EgressLensApi>();
    const cfg = vscode.workspace.getConfiguration('egressLens');
    const uri = workspaceUri('cloudformation', 'stack.json');
    try {
      await cfg.update('cloudFormation.stacks', { 'cloudformation/stack.json': 'egress-lens-demo' }, vscode.ConfigurationTarget.Global);
      const pos = await positionOf(uri, '"BastionSecurityGroup"', 0, 2);
      await waitFor(() => testHover(uri, pos, ['Not linked']).then(() => true, () => false), (ok) => ok, { timeoutMs: 15_000, message: 'the template analysed' });
      await testHover(uri, pos, ['stack egress-lens-demo is not read in Restricted Mode']);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(await awsRequests(), []);
      assert.equal(api.testHooks.counters.awsCalls, 0);
      assert.equal(api.testHooks.modulesLoaded().aws, false, 'the AWS SDK was not loaded');
    } finally {
      await cfg.update('cloudFormation.stacks', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
