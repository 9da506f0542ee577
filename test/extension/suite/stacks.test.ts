// A CloudFormation template bound to its stack (egressLens.cloudFormation.stacks) in the trusted
// workspace: analysing the template reads the stack with ListStackResources through the trust
// gate, once, against the runner's AWS endpoint. That endpoint is the tripwire (every call fails
// with HTTP 500; the extension suite has no moto), so this checks the wiring and the failure path:
// the error names the setting, the stack and cloudformation:ListStackResources, and the hover says
// why the group is not linked. The successful mapping to sg- ids is covered against moto in
// test/aws/cloudformation.test.ts. Named to run after editor-trust (which checks the AWS SDK is
// not loaded before it).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api } from './editor-api';
import { awsRequests, open, positionOf, testHover, waitFor, workspaceUri } from './helpers';

describe('CloudFormation stack links (trusted, tripwire endpoint)', function () {
  this.timeout(90_000); // the read retries the failing endpoint with backoff before it gives up

  it('reads the bound stack once through the trust gate; the failure names the stack and the IAM action', async () => {
    const a = await api();
    const cfg = vscode.workspace.getConfiguration('egressLens');
    const uri = workspaceUri('cloudformation', 'stack.json');
    const requestsBefore = (await awsRequests()).length;
    const callsBefore = a.testHooks.counters.awsCalls;
    try {
      // User settings: nothing is written into the demo workspace.
      // The Terraform file's binding is a mistake the editor must not act on (no read for it).
      await cfg.update('cloudFormation.stacks', { 'cloudformation/stack.json': 'egress-lens-demo', 'terraform/security.tf': 'not-a-template' }, vscode.ConfigurationTarget.Global);
      await open(uri);
      const err = await waitFor(() => a.state.errors.find((e) => e.source === 'cloudformation'), (e) => !!e, { timeoutMs: 80_000, message: 'the stack read to fail' });
      assert.match(err!.message, /^egressLens\.cloudFormation\.stacks: stack egress-lens-demo: .*cloudformation:ListStackResources/);
      const seen = (await awsRequests()).slice(requestsBefore);
      assert.ok(seen.length > 0 && seen.every((r) => r.target === 'ListStackResources'), `tripwire saw: ${JSON.stringify(seen)}`);
      assert.equal(a.testHooks.counters.awsCalls, callsBefore + 1, 'one read, through the trust gate');

      const text = await testHover(uri, await positionOf(uri, '"BastionSecurityGroup"', 0, 2), ['Not linked to a deployed security group', 'stack egress-lens-demo', 'cloudformation:ListStackResources']);
      assert.doesNotMatch(text, /Deployed as/);
      // Linking the template again (the workspace scan, which also analyses the bound security.tf)
      // does not read the stack again in this session, and security.tf starts no read at all.
      await a.iac.scan.scan();
      assert.equal(a.testHooks.counters.awsCalls, callsBefore + 1);
      // "Egress Lens: Refresh" reads the bound stack again (a deploy may have replaced its groups).
      await vscode.commands.executeCommand('egressLens.refresh');
      await waitFor(() => a.testHooks.counters.awsCalls, (n) => n === callsBefore + 2, { timeoutMs: 20_000, message: 'Refresh to read the stack again' });
    } finally {
      await cfg.update('cloudFormation.stacks', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
    // Without the binding the error is gone (the setting change resets the reads).
    await waitFor(() => a.state.errors.some((e) => e.source === 'cloudformation'), (x) => !x, { message: 'the stack error cleared' });
  });
});
