// The analysis worker crashing (out of memory, a bug) must not leave the views showing data the
// worker no longer holds, nor hang: the editor drops the flow data, says so with a way back
// (Refresh), and Refresh loads everything again into a new worker.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { loadedApi } from './editor-api';
import { waitFor } from './helpers';

describe('editor: analysis worker crash', () => {
  it('drops the flow data, reports it with Refresh as the way back, and Refresh restores it', async function () {
    this.timeout(120_000);
    const a = await loadedApi();
    const before = a.state.analysis!;
    assert.ok(await a.testHooks.crashAnalysisWorker(), 'an analysis worker was running');
    await waitFor(() => a.state.analysis, (x) => x === undefined, { message: 'the flow data to be dropped' });
    assert.equal(a.state.sources.length, 0, 'no source claims data the worker lost');
    const err = a.state.errors.find((e) => e.source === 'analysis');
    assert.ok(err, 'an analysis error is shown');
    assert.match(err.message, /analysis worker stopped.*Refresh/);
    await vscode.commands.executeCommand('egressLens.refresh');
    const after = await waitFor(() => a.state.analysis, (x) => !!x && x.flows.length > 0, { timeoutMs: 60_000, message: 'Refresh to load the flow data again' });
    assert.equal(after!.flows.length, before.flows.length);
    assert.equal(after!.totals.costUsd.toFixed(6), before.totals.costUsd.toFixed(6));
    assert.ok(!a.state.errors.some((e) => e.source === 'analysis'), 'the crash error is cleared once the data is back');
  });

  it('a reply that arrived just before a crash is dropped: no source or analysis claims data the worker lost', async function () {
    this.timeout(180_000);
    const a = await loadedApi();
    const before = a.state.analysis!;
    const demo = a.state.sources.find((s) => s.kind === 'files')!;
    const demoPaths = demo.detail!.split('\n');
    const crashInGap = (at: 'files' | 'analysis') => async (what: string) => {
      if (what !== at) return;
      a.data.beforeApplyForTest = undefined;
      assert.ok(await a.testHooks.crashAnalysisWorker(), 'an analysis worker was running');
      await waitFor(() => a.state.errors.some((e) => e.source === 'analysis'), (x) => x, { message: 'the crash to be reported' });
    };
    const dropped = () => {
      assert.deepEqual(a.state.sources, [], 'no source claims data the worker lost');
      assert.equal(a.state.analysis, undefined, 'no analysis either');
      assert.match(a.state.errors.find((e) => e.source === 'analysis')?.message ?? '', /analysis worker stopped.*Refresh/, 'the crash error stays up');
    };
    try {
      // A load's reply is in, the worker crashes before the editor lists the source.
      a.data.beforeApplyForTest = crashInGap('files');
      assert.equal(await a.data.loadFiles(demoPaths, demo.label), false, 'the load does not count');
      dropped();
      // Back, then the same for an analysis.
      await vscode.commands.executeCommand('egressLens.refresh');
      await waitFor(() => a.state.analysis, (x) => !!x && x.flows.length === before.flows.length, { timeoutMs: 60_000, message: 'Refresh to load the flow data again' });
      a.data.beforeApplyForTest = crashInGap('analysis');
      await a.data.reanalyze();
      dropped();
    } finally {
      a.data.beforeApplyForTest = undefined;
    }
    // Refresh still brings everything back (the dropped load was kept for it).
    await vscode.commands.executeCommand('egressLens.refresh');
    const after = await waitFor(() => a.state.analysis, (x) => !!x && x.flows.length > 0, { timeoutMs: 60_000, message: 'Refresh to load the flow data again' });
    assert.equal(after!.flows.length, before.flows.length);
    assert.equal(after!.totals.costUsd.toFixed(6), before.totals.costUsd.toFixed(6));
    assert.deepEqual(a.state.sources.map((s) => s.id), [demo.id]);
  });
});
