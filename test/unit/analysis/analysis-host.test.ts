// AnalysisHost: the editor's flow data and analysis on a worker thread (a real one: the worker
// runs src/core/analysis/analysis-worker.ts through tsx), against the same work done in process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalysisHost, AnalysisWorkerError } from '../../../src/core/analysis/analysis-host';
import { forEditor, type FlowLoadSummary } from '../../../src/core/analysis/analysis-store';
import { analyze, loadFlowFiles, loadInventoryPath } from '../../../src/core/analysis/editor-load';
import type { Progress } from '../../../src/core/model/flows';

const demo = join(__dirname, '..', '..', '..', 'samples', 'demo');
const flowDir = join(demo, 'flowlogs');
const invDir = join(demo, 'inventory');

/** The demo's flow-log files, each copied `times` times into a temp folder (a load that takes a while). */
function manyFiles(times: number): string {
  const out = mkdtempSync(join(tmpdir(), 'egress-lens-host-'));
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(flowDir);
  for (let i = 0; i < times; i++) for (const [j, f] of files.entries()) copyFileSync(f, join(out, `copy${i}-${j}.log.gz`));
  return out;
}

test('worker and in-process hosts give the in-process analyze() result; summaries carry no aggregates', async () => {
  const inv = await loadInventoryPath(invDir);
  const direct = await loadFlowFiles([flowDir]);
  const want = forEditor(analyze(direct.aggregates, inv.inventory, { prices: { natGatewayPerGb: 0.09 } }));
  assert.ok(want.flows.length > 100);

  for (const mode of ['worker', 'in-process'] as const) {
    const host = new AnalysisHost({ mode });
    try {
      assert.equal(host.mode, mode);
      const progress: Progress[] = [];
      const summary = await host.loadFiles('files:demo', [flowDir], { onProgress: (p) => progress.push(p) });
      assert.deepEqual(summary, { counts: direct.counts, skipped: direct.skipped, errors: direct.errors, files: direct.files, window: direct.window, aggregates: direct.aggregates.length, applied: true });
      assert.ok(progress.length > 0 && progress.at(-1)!.records > 0, `${mode}: progress reported`);
      const loadedInv = await host.loadInventory(invDir);
      assert.deepEqual({ ...loadedInv, inventory: { ...loadedInv.inventory, fetchedAt: '' } }, { ...inv, inventory: { ...inv.inventory, fetchedAt: '' } });
      const got = await host.analyze({ prices: { natGatewayPerGb: 0.09 } });
      assert.deepEqual(got, want, `${mode}: same analysis`);
      // Flows carry the EditorFlow fields only (evidence, matched rules and cost breakdown stay behind).
      assert.ok(!('matchedRules' in got.flows[0]) && !('cost' in got.flows[0]));
    } finally {
      await host.dispose();
    }
  }
  // Flow aggregation is the same, but the full labelled flows do differ from the slim ones.
  assert.ok('matchedRules' in analyze(direct.aggregates, inv.inventory).flows[0]);
});

test('sources add up like one load; CloudWatch-style aggregates posted in; a source can be replaced and removed', async () => {
  const inv = await loadInventoryPath(invDir);
  const direct = await loadFlowFiles([flowDir]);
  const host = new AnalysisHost({ mode: 'worker' });
  try {
    await host.setInventory(inv.inventory);
    await host.loadFiles('files:a', [flowDir]);
    await host.putAggregates('cloudwatch:/aws/vpc/flow', direct.aggregates);
    assert.deepEqual(await host.analyze(), forEditor(analyze([...direct.aggregates, ...direct.aggregates], inv.inventory)));
    // Settings as VS Code hands them over are proxies, which structured clone refuses.
    const prices = new Proxy({ natGatewayPerGb: 0.09 }, {});
    assert.throws(() => structuredClone(prices), /could not be cloned/);
    assert.deepEqual(await host.analyze({ prices, privateCidrs: new Proxy([], {}) }), forEditor(analyze([...direct.aggregates, ...direct.aggregates], inv.inventory, { prices: { natGatewayPerGb: 0.09 } })));
    await host.putAggregates('cloudwatch:/aws/vpc/flow', []);
    assert.deepEqual(await host.analyze(), forEditor(analyze(direct.aggregates, inv.inventory)));
    assert.equal(await host.removeSource('files:a'), true);
    assert.equal((await host.analyze()).flows.length, 0);
  } finally {
    await host.dispose();
  }
});

test('no worker script beside the module: the host runs in process', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'egress-lens-noworker-'));
  try {
    const host = new AnalysisHost({ workerDir: empty });
    assert.equal(host.mode, 'in-process');
    await host.loadFiles('files:demo', [flowDir]);
    assert.ok((await host.analyze()).flows.length > 0);
    assert.throws(() => new AnalysisHost({ mode: 'worker', workerDir: empty }), /analysis worker script not found/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('cancelling a load aborts the engine in the worker; the source keeps what it had', async () => {
  const dir = manyFiles(40);
  const host = new AnalysisHost({ mode: 'worker' });
  try {
    await host.loadInventory(invDir);
    const before = await host.loadFiles('files:x', [flowDir]);
    const want = await host.analyze();

    const ac = new AbortController();
    const progress: Progress[] = [];
    const load = host.loadFiles('files:x', [dir], {
      signal: ac.signal,
      onProgress: (p) => {
        progress.push(p);
        ac.abort();
      },
    });
    await assert.rejects(load, (err: Error) => err.name === 'AbortError' && err === ac.signal.reason);
    assert.ok(progress.length >= 1 && progress[0].files < 12 * 40, 'stopped part-way');
    assert.deepEqual(await host.analyze(), want, 'the earlier load of the source is still what is analysed');
    assert.ok(before.counts.lines > 0);

    // Already aborted: nothing is posted, the promise rejects at once.
    await assert.rejects(host.loadFiles('files:y', [dir], { signal: AbortSignal.abort() }), { name: 'AbortError' });
  } finally {
    await host.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker that dies (out of memory) rejects what was pending with a clear error, and the next request gets a new worker', async () => {
  const inv = await loadInventoryPath(invDir);
  const direct = await loadFlowFiles([flowDir]);
  const crashes: Error[] = [];
  const host = new AnalysisHost({ mode: 'worker', resourceLimits: { maxOldGenerationSizeMb: 64 }, onCrash: (e) => crashes.push(e) });
  try {
    await host.setInventory(inv.inventory);
    // 400k distinct aggregates (≈ 100 MB) into a 64 MB heap.
    const big = Array.from({ length: 400_000 }, (_, i) => ({ ...direct.aggregates[i % direct.aggregates.length], srcport: i }));
    const put = host.putAggregates('cloudwatch:big', big);
    const queued = host.analyze();
    await assert.rejects(put, (err: Error) => err instanceof AnalysisWorkerError && /analysis worker stopped: .*memory/i.test(err.message));
    await assert.rejects(queued, AnalysisWorkerError, 'every pending request is rejected, none hangs');
    assert.equal(crashes.length, 1);
    // A fresh worker, given the last inventory again.
    await host.loadFiles('files:demo', [flowDir]);
    assert.deepEqual(await host.analyze(), forEditor(analyze(direct.aggregates, inv.inventory)));
  } finally {
    await host.dispose();
  }
});

test('a source removed while a load of it runs stays removed; of two loads of one source the later-started wins', async () => {
  const dir = manyFiles(20);
  const direct = await loadFlowFiles([flowDir]);
  try {
    for (const mode of ['worker', 'in-process'] as const) {
      const host = new AnalysisHost({ mode });
      try {
        // Removed while loading: the load's result must not bring the source back.
        let removed: Promise<boolean> | undefined;
        const summary = await host.loadFiles('files:x', [dir], { onProgress: () => void (removed ??= host.removeSource('files:x')) });
        assert.ok(removed, `${mode}: the removal was sent while the load ran`);
        assert.equal(await removed, false, `${mode}: nothing to remove yet`);
        assert.equal(summary.applied, false, `${mode}: the load says it was dropped`);
        assert.ok(summary.counts.lines > 0);
        assert.equal((await host.analyze()).flows.length, 0, `${mode}: the removed source did not come back`);

        // A (slow) starts first, B (one folder) while A runs and ends first: B's data stays.
        const order: string[] = [];
        let b: Promise<FlowLoadSummary> | undefined;
        const a = host.loadFiles('files:y', [dir], { onProgress: () => void (b ??= host.loadFiles('files:y', [flowDir]).finally(() => order.push('b'))) }).finally(() => order.push('a'));
        const [sa, sb] = await Promise.all([a, (async () => { while (!b) await new Promise((r) => setTimeout(r, 5)); return b; })()]);
        assert.deepEqual(order, ['b', 'a'], `${mode}: the later load ended first (the case under test)`);
        assert.equal(sb.applied, true);
        assert.equal(sa.applied, false, `${mode}: the older load, ending last, is dropped`);
        assert.deepEqual(await host.analyze(), forEditor(analyze(direct.aggregates, undefined)), `${mode}: the later load's data is analysed`);

        // A put while a load runs wins too.
        let put: Promise<void> | undefined;
        const sc = await host.loadFiles('files:y', [dir], { onProgress: () => void (put ??= host.putAggregates('files:y', [])) });
        await put;
        assert.equal(sc.applied, false);
        assert.equal((await host.analyze()).flows.length, 0, `${mode}: the put aggregates (none) are what is analysed`);
        // With nothing else going on, a load applies.
        assert.equal((await host.loadFiles('files:y', [flowDir])).applied, true);
        assert.equal((await host.analyze()).flows.length, forEditor(analyze(direct.aggregates, undefined)).flows.length);
      } finally {
        await host.dispose();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an inventory the worker never took (it crashed first) is not given to the next worker; crashes are counted', async () => {
  const inv = await loadInventoryPath(invDir);
  const direct = await loadFlowFiles([flowDir]);
  const host = new AnalysisHost({ mode: 'worker', resourceLimits: { maxOldGenerationSizeMb: 64 } });
  try {
    assert.equal(host.crashes, 0);
    await host.setInventory(inv.inventory);
    const big = Array.from({ length: 400_000 }, (_, i) => ({ ...direct.aggregates[i % direct.aggregates.length], srcport: i }));
    const put = host.putAggregates('cloudwatch:big', big);
    // Queued behind the put that takes the worker down: it fails, so the caller keeps the old inventory…
    const set = host.setInventory({ ...inv.inventory, networkInterfaces: [], securityGroups: [] });
    await assert.rejects(put, AnalysisWorkerError);
    await assert.rejects(set, AnalysisWorkerError);
    assert.equal(host.crashes, 1);
    // …and so does the new worker.
    await host.loadFiles('files:demo', [flowDir]);
    assert.deepEqual(await host.analyze(), forEditor(analyze(direct.aggregates, inv.inventory)));

    // A result that arrived before a crash: a count taken before the request tells the caller the data is gone.
    const before = host.crashes;
    const summary = await host.loadFiles('files:demo', [flowDir]);
    assert.equal(summary.applied, true);
    assert.ok(await host.terminateWorker());
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(host.crashes, before + 1);
    assert.equal((await host.analyze()).flows.length, 0, 'the new worker holds no flows');
  } finally {
    await host.dispose();
  }
});

test('cancelling an analysis stops it in the worker (a shared flag, the worker being busy) and rejects with the reason', async () => {
  for (const mode of ['worker', 'in-process'] as const) {
    const host = new AnalysisHost({ mode });
    try {
      await host.loadInventory(invDir);
      await host.loadFiles('files:x', [flowDir]);
      const want = await host.analyze();
      assert.ok(want.flows.length > 100, `${mode}: flows to analyse`);
      // Aborted right after the request is posted: the worker sees the flag at its first check. Without
      // the flag it would not read the `cancel` message before the end, and the promise would resolve.
      // (In process the analysis runs to its end inside the call: only an aborted signal stops it.)
      if (mode === 'worker') {
        const ac = new AbortController();
        const run = host.analyze({}, ac.signal);
        ac.abort();
        await assert.rejects(run, (err: Error) => err === ac.signal.reason, `${mode}: rejects with the signal's reason`);
      }
      // Already aborted: rejects without analysing.
      await assert.rejects(host.analyze({}, AbortSignal.abort()), { name: 'AbortError' });
      // The worker is fine and the data unchanged: the next analysis is the same as before.
      assert.deepEqual(await host.analyze({}, new AbortController().signal), want, `${mode}: analysis after a cancelled one`);
    } finally {
      await host.dispose();
    }
  }
});
