// The extension host stays responsive while a large load is read and analysed: the flow engine
// and the analysis run in the analysis worker (src/core/analysis/analysis-host.ts), not on the
// extension host's thread, which this suite shares. No timings are asserted (those are in
// bench/editor-load.bench.ts); the test asserts an order of events: hovers — a round trip through
// the workbench into this extension host — are answered while the analysis is still running.
// With the analysis on this thread, every such reply would wait until the analysis had finished.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { generateSample, writeSample } from '../../../scripts/gen-sample';
import { loadedApi } from './editor-api';
import { getHovers, hoverText, workspaceUri } from './helpers';

const RECORDS = 200_000;

type Phase = 'load' | 'analysis' | 'views';

/** A 10 ms timer on this thread: the longest stall in each phase, for the log (not asserted). */
function stallMeter(phase: () => Phase): () => Record<Phase, number> {
  let last = performance.now();
  const longest: Record<Phase, number> = { load: 0, analysis: 0, views: 0 };
  const tick = () => {
    const now = performance.now();
    const p = phase();
    longest[p] = Math.max(longest[p], now - last);
    last = now;
  };
  const timer = setInterval(tick, 10);
  return () => {
    tick();
    clearInterval(timer);
    return longest;
  };
}

describe('editor: responsive while a large load is analysed', () => {
  it(`answers hovers while ${RECORDS.toLocaleString('en-US')} records are read and analysed in the worker`, async function () {
    this.timeout(240_000);
    const api = await loadedApi();
    const demo = api.state.sources.find((s) => s.kind === 'files')!;
    const demoPaths = demo.detail!.split('\n');
    const demoFlows = api.state.analysis!.flows.length;
    const dir = mkdtempSync(join(tmpdir(), 'egress-lens-large-'));
    const uri = workspaceUri('terraform', 'security.tf');
    const doc = await vscode.workspace.openTextDocument(uri);
    const pos = doc.positionAt(doc.getText().indexOf('var.admin_cidrs', doc.getText().indexOf('resource "aws_security_group_rule" "bastion_ssh"')));
    const hover = async () => {
      const text = hoverText(await getHovers(uri, pos));
      assert.match(text, /TCP port 22 \(SSH\)/);
    };
    let sub: vscode.Disposable | undefined;
    try {
      writeSample(generateSample({ records: RECORDS }), dir);
      await hover();

      // The new source's records are counted ('flows' fires) just before its analysis starts.
      let analysing = false;
      let landed = false;
      sub = api.state.onDidChange((t) => {
        if (t === 'flows' && api.state.sources.some((s) => s.id === demo.id && s.counts.lines >= RECORDS)) analysing = true;
        // The views (flows tree, lenses, diagnostics) rebuild from here, on this thread.
        if (t === 'analysis' && analysing) landed = true;
      });
      let done = false;
      const stalls = stallMeter(() => (landed ? 'views' : analysing ? 'analysis' : 'load'));
      // Same label: the large data replaces the demo's source (restored below).
      const load = api.data.loadFiles([join(dir, 'flowlogs')], demo.label).finally(() => (done = true));
      let answered = 0;
      let whileAnalysing = 0;
      while (!done) {
        const started = analysing;
        await hover();
        answered++;
        // Issued once the analysis had begun, answered before it ended.
        if (started && !landed) whileAnalysing++;
      }
      const longest = stalls();
      assert.equal(await load, true);
      assert.ok(api.state.analysis!.flows.length > demoFlows * 10, `${api.state.analysis!.flows.length} flows analysed`);
      const ms = (x: number) => `${Math.round(x)} ms`;
      console.log(`      ${answered} hovers answered during the load, ${whileAnalysing} while the analysis ran; longest stall of this thread: reading ${ms(longest.load)}, analysing ${ms(longest.analysis)}, views after ${ms(longest.views)}`);
      assert.ok(analysing, 'the analysis started');
      assert.ok(whileAnalysing >= 1, 'a hover was answered while the analysis was running');
    } finally {
      sub?.dispose();
      assert.equal(await api.data.loadFiles(demoPaths, demo.label), true, 'the demo source is back');
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(api.state.analysis!.flows.length, demoFlows);
  });

  it('a newer analysis stops the running one (in the worker) instead of queueing behind it', async function () {
    this.timeout(60_000);
    const api = await loadedApi();
    const flows = api.state.analysis!.flows.length;
    const before = api.testHooks.analysesSuperseded();
    // Two in a row: the second makes the first out of date, so the first is stopped, not finished.
    const first = api.data.reanalyze();
    const second = api.data.reanalyze();
    let secondDone = false;
    void second.then(() => (secondDone = true));
    // Whoever asked for the first (a load, say) waits until data is shown: the newer analysis's.
    await first;
    assert.ok(secondDone, "the first caller's promise settles only once the newer analysis has landed");
    await second;
    assert.equal(api.testHooks.analysesSuperseded(), before + 1, 'the first analysis was stopped');
    assert.equal(api.state.analysis!.flows.length, flows, 'the second one landed');
    assert.ok(!api.state.errors.some((e) => e.source === 'analysis'), 'a stopped analysis is not an error');
  });
});
