// Editor load benchmark: how long the calling thread (the extension host's, in VS Code) is blocked
// while the editor loads flow logs + inventory and analyses them, with the analysis worker
// (AnalysisHost in 'worker' mode) and on the caller's thread ('in-process', the fallback and the
// old behaviour). "busy" is the thread's event-loop active time (performance.eventLoopUtilization:
// time spent running code rather than waiting; not inflated when other processes take the CPU);
// "longest stall" is the longest gap between ticks of a 5 ms timer (what a hover or a keystroke
// would wait).
//   node --import tsx bench/editor-load.bench.ts [--quick] [--records N]
// Each mode runs in its own process (same data, fresh JIT and heap).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { AnalysisHost } from '../src/core/analysis/analysis-host';
import { generateSample, writeSample } from '../scripts/gen-sample';

interface Figures {
  mode: string;
  wallMs: number;
  blockedMs: number;
  longestMs: number;
  loadMs: number;
  analyzeMs: number;
  flows: number;
  records: number;
}

/** The thread's busy time and its longest stall, closed at stop() (which also counts the last stall). */
function stallMeter(): { stop: () => { blockedMs: number; longestMs: number } } {
  const elu0: EventLoopUtilization = performance.eventLoopUtilization();
  let last = performance.now();
  let longest = 0;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  };
  const timer = setInterval(tick, 5);
  return {
    stop: () => {
      tick();
      clearInterval(timer);
      return { blockedMs: performance.eventLoopUtilization(elu0).active, longestMs: longest };
    },
  };
}

async function runMode(mode: 'worker' | 'in-process', dir: string): Promise<Figures> {
  const host = new AnalysisHost({ mode });
  // Warm the worker up (thread start, module load) outside the measure, as a first load would have.
  await host.setInventory(undefined);
  const meter = stallMeter();
  const t0 = performance.now();
  const loaded = await host.loadFiles('files:bench', [join(dir, 'flowlogs')]);
  await host.loadInventory(join(dir, 'inventory'));
  const t1 = performance.now();
  const a = await host.analyze({});
  const t2 = performance.now();
  const m = meter.stop();
  await host.dispose();
  return { mode: host.mode, wallMs: t2 - t0, loadMs: t1 - t0, analyzeMs: t2 - t1, flows: a.flows.length, records: loaded.counts.lines, ...m };
}

async function main(): Promise<void> {
  const mi = process.argv.indexOf('--mode');
  if (mi >= 0) {
    const r = await runMode(process.argv[mi + 1] as 'worker' | 'in-process', process.argv[process.argv.indexOf('--dir') + 1]);
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const ri = process.argv.indexOf('--records');
  const records = ri >= 0 ? Number(process.argv[ri + 1]) : process.argv.includes('--quick') ? 50_000 : 200_000;
  const dir = mkdtempSync(join(tmpdir(), 'egress-lens-bench-load-'));
  try {
    writeSample(generateSample({ records }), dir);
    console.log(`sample: ${records.toLocaleString('en-US')} records (scripts/gen-sample.ts, default seed) in ${dir}`);
    console.log('| mode | records | flows | wall | load + inventory | analyse | thread busy | longest stall |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const mode of ['in-process', 'worker'] as const) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--mode', mode, '--dir', dir], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${mode}: exit ${r.status}\n${r.stderr}`);
      const f = JSON.parse(r.stdout.trim().split('\n').pop()!) as Figures;
      const ms = (x: number) => `${Math.round(x)} ms`;
      console.log(`| ${f.mode} | ${f.records.toLocaleString('en-US')} | ${f.flows.toLocaleString('en-US')} | ${ms(f.wallMs)} | ${ms(f.loadMs)} | ${ms(f.analyzeMs)} | ${ms(f.blockedMs)} | ${ms(f.longestMs)} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
