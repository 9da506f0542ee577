/**
 * One flow-log scenario, for iterating on the engine (not part of `npm run bench`):
 *   node --import tsx bench/flowlogs-focus.ts [--gz] [--workers N] [--objects] [--files N] [--repeat N] [--prof]
 * Bundles itself with esbuild (as shipped), then runs the scenario `--repeat` times, each in its own
 * process, on the 5M-record files `npm run bench` generated in bench/data/, and prints wall and CPU
 * seconds, records per CPU-second, groups and peak RSS (engine, and with the FlowAggregate objects
 * when --objects). --prof writes a V8 CPU profile of each run to /tmp/flowlogs-prof/.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aggregateToEngine, resultOf } from '../src/core/flowlogs/aggregate';

const maxRssMB = () => process.resourceUsage().maxRSS / 1024;

async function run(files: string[], workers: number, objects: boolean): Promise<void> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const run = await aggregateToEngine(files, { workers });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  const rssEngine = maxRssMB();
  let objSecs = 0;
  let n = 0;
  if (objects) {
    const m0 = process.hrtime.bigint();
    const r = resultOf(run.engine, run);
    n = r.aggregates.length;
    objSecs = Number(process.hrtime.bigint() - m0) / 1e9;
  }
  const out = {
    records: run.engine.counts.lines,
    groups: run.engine.table.groups,
    seconds: secs,
    cpuSeconds: (c.user + c.system) / 1e6,
    rssEngineMB: rssEngine,
    objects: n,
    objectSeconds: objSecs,
    rssPeakMB: maxRssMB(),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const gz = process.argv.includes('--gz');
  const workers = Number(arg('--workers') ?? 1);
  const objects = process.argv.includes('--objects');
  const dir = join(__dirname, 'data');
  if (process.argv.includes('--child')) {
    await run(JSON.parse(arg('--files-json') ?? '[]') as string[], workers, objects);
    return;
  }
  const nfiles = Number(arg('--files') ?? 4);
  const files = readdirSync(dir)
    .filter((f) => f.startsWith('v5-5M-') && f.endsWith(gz ? '.log.gz' : '.log'))
    .sort()
    .slice(0, nfiles)
    .map((f) => join(dir, f));
  const esbuild = await import('esbuild');
  const root = join(__dirname, '..');
  const common = { bundle: true, platform: 'node' as const, target: 'node20', format: 'cjs' as const, logLevel: 'warning' as const, absWorkingDir: root, external: ['esbuild'] };
  const out = join(dir, 'flowlogs-focus.cjs');
  await esbuild.build({ ...common, entryPoints: [join(__dirname, 'flowlogs-focus.ts')], outfile: out });
  await esbuild.build({ ...common, entryPoints: [join(root, 'src/core/flowlogs/worker.ts')], outfile: join(dir, 'flowlog-worker.js') });
  const repeat = Number(arg('--repeat') ?? 3);
  for (let i = 0; i < repeat; i++) {
    const prof = process.argv.includes('--prof') ? ['--cpu-prof', '--cpu-prof-dir=/tmp/flowlogs-prof'] : [];
    const r = spawnSync(
      process.execPath,
      [...prof, '--max-old-space-size=8192', out, '--child', '--workers', String(workers), ...(objects ? ['--objects'] : []), '--files-json', JSON.stringify(files)],
      { encoding: 'utf8' },
    );
    const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
    if (!line) {
      console.log('FAILED', r.stderr.slice(-800));
      continue;
    }
    const m = JSON.parse(line) as Record<string, number>;
    console.log(
      `${gz ? 'gz   ' : 'plain'} w=${workers} wall ${m.seconds.toFixed(2)} s (${Math.round(m.records / m.seconds / 1000)}k rec/s)  ` +
        `CPU ${m.cpuSeconds.toFixed(2)} s (${Math.round(m.records / m.cpuSeconds / 1000)}k rec/CPU-s)  groups ${m.groups}  ` +
        `RSS engine ${m.rssEngineMB.toFixed(0)} MB` +
        (objects ? `  +objects ${m.objectSeconds.toFixed(2)} s, peak ${m.rssPeakMB.toFixed(0)} MB` : ''),
    );
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
