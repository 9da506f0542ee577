/**
 * Flow-log engine benchmark (issue 3). `npm run bench` runs it through bench/run.ts;
 * alone: `node --import tsx bench/flowlogs.bench.ts [--quick]`.
 *
 * Generates seeded v5 data into bench/data/ (1M records in 1 file; 5M records in 4 files — S3
 * delivers many files, and workers split by file), then runs every scenario in its own child
 * process so that peak RSS (getrusage maxrss) is the scenario's own. Prints records/s, MB/s and
 * peak RSS for: the naive baseline (readline + split(' ') + Map with string keys), the engine
 * parse-only and parse+aggregate, plain and .gz, one thread and two (this one and a worker), a flat-memory check
 * (the 5M files read 10 times = 50M records at the same cardinality, as issue #3 asks), and DuckDB
 * (the reference issue #3 names; when installed, see DUCKDB below) doing the same aggregation with
 * one and two threads.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { aggregateToEngine } from '../src/core/flowlogs/aggregate';
import { dataset, type Dataset } from './flowlogs-data';

interface Scenario {
  label: string;
  impl: 'naive' | 'engine' | 'duckdb';
  aggregate: boolean;
  files: string[];
  workers: number;
  records: number;
  bytes: number;
}

interface Measured {
  seconds: number;
  /** Process CPU time (all threads), user + system. */
  cpuSeconds: number;
  /** Time to make the FlowAggregate objects (not in `seconds`). */
  materialiseSeconds: number;
  records: number;
  groups: number;
  rssEngineMB: number;
  rssPeakMB: number;
}

const maxRssMB = () => process.resourceUsage().maxRSS / 1024;

/** The naive baseline: what one writes first in Node. */
async function naive(files: string[]): Promise<{ records: number; groups: number }> {
  const map = new Map<string, { packets: number; bytes: number; records: number; start: number; end: number }>();
  let records = 0;
  for (const file of files) {
    const raw = createReadStream(file);
    const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    const rl = createInterface({ input, crlfDelay: Infinity });
    let header: string[] | null = null;
    for await (const line of rl) {
      const parts = line.split(' ');
      if (!header) {
        header = parts;
        continue;
      }
      records++;
      const rec: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) rec[header[i]] = parts[i];
      if (rec['log-status'] !== 'OK') continue;
      const key = [rec['interface-id'], rec.srcaddr, rec.dstaddr, rec.srcport, rec.dstport, rec.protocol, rec.action].join('|');
      const g = map.get(key);
      if (g) {
        g.packets += Number(rec.packets);
        g.bytes += Number(rec.bytes);
        g.records++;
        g.start = Math.min(g.start, Number(rec.start));
        g.end = Math.max(g.end, Number(rec.end));
      } else {
        map.set(key, { packets: Number(rec.packets), bytes: Number(rec.bytes), records: 1, start: Number(rec.start), end: Number(rec.end) });
      }
    }
  }
  return { records, groups: map.size };
}

/**
 * DuckDB is not a dependency: the npm registry these machines use has its Linux x64 binary only,
 * and a lock file without the other platforms' optional binaries fails `npm ci`. Installed on
 * demand (`npm install --no-save @duckdb/node-api@1.5.6-r.1`), the bench runs it; otherwise it says so.
 */
const DUCKDB = '@duckdb/node-api';
const DUCKDB_INSTALL = 'npm install --no-save @duckdb/node-api@1.5.6-r.1';

/** The part of @duckdb/node-api used here (typed locally: the package may be absent). */
interface DuckDbApi {
  DuckDBInstance: {
    create(path: string, options: Record<string, string>): Promise<{
      connect(): Promise<{ runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>; closeSync(): void }>;
    }>;
  };
}

function duckdbInstalled(): boolean {
  try {
    require.resolve(DUCKDB);
    return true;
  } catch {
    return false;
  }
}

/**
 * DuckDB's CSV reader with GROUP BY over the same files: the 7-tuple, the sums, first/last time,
 * the OR of tcp-flags and one value of every context column, as the engine keeps them. With
 * store_rejects, so that bad lines are kept and counted rather than failing the query (the engine
 * counts and keeps them too). The time includes loading DuckDB and making the instance, as the
 * engine's includes starting its workers.
 */
async function duckdb(files: string[], threads: number): Promise<{ records: number; groups: number }> {
  const { DuckDBInstance } = (await import(DUCKDB)) as DuckDbApi;
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const con = await db.connect();
  const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
  const ctx = ['account-id', 'vpc-id', 'subnet-id', 'az-id', 'pkt-srcaddr', 'pkt-dstaddr', 'pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path'];
  const r = await con.runAndReadAll(
    `SELECT count(*) AS groups, sum(n) AS records FROM (
       SELECT "interface-id", srcaddr, dstaddr, srcport, dstport, protocol, action,
         sum(packets), sum(bytes), min(start), max("end"), count(*) AS n, bit_or("tcp-flags"),
         ${ctx.map((c) => `min("${c}")`).join(', ')}
       FROM read_csv([${list}], delim = ' ', header = true, store_rejects = true)
       GROUP BY ALL)`,
  );
  const [groups, records] = r.getRows()[0].map(Number);
  con.closeSync();
  return { records, groups };
}

async function runScenario(s: Scenario): Promise<Measured> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const cpu = () => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  let records = 0;
  let groups = 0;
  let rssEngine = 0;
  if (s.impl === 'naive' || s.impl === 'duckdb') {
    const r = s.impl === 'naive' ? await naive(s.files) : await duckdb(s.files, s.workers);
    records = r.records;
    groups = r.groups;
    rssEngine = maxRssMB();
  } else {
    // The engine (one thread, or workers and the merge); timed before FlowAggregate objects are made.
    const { engine } = await aggregateToEngine(s.files, { workers: s.workers, aggregate: s.aggregate });
    records = engine.counts.lines;
    groups = engine.table.groups;
    rssEngine = maxRssMB();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpuSeconds = cpu();
    // Materialise the FlowAggregate[] the API returns, to show its cost separately.
    const m0 = process.hrtime.bigint();
    const all = Array.from(engine.table.iterate());
    if (all.length !== groups) throw new Error('materialisation lost groups');
    const materialiseSeconds = Number(process.hrtime.bigint() - m0) / 1e9;
    return { seconds: secs, cpuSeconds, materialiseSeconds, records, groups, rssEngineMB: rssEngine, rssPeakMB: maxRssMB() };
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, cpuSeconds: cpu(), materialiseSeconds: 0, records, groups, rssEngineMB: rssEngine, rssPeakMB: maxRssMB() };
}

/** Runs one scenario in a fresh process (the bundled bench, i.e. the code as shipped). */
function child(bundle: string, s: Scenario): Measured | { error: string } {
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', bundle, '--scenario', JSON.stringify(s)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) return { error: (r.stderr || r.stdout).split('\n').slice(-6).join(' ').slice(0, 400) };
  return JSON.parse(line) as Measured;
}

/**
 * Bundles this file and the flow-log worker with esbuild into bench/data/, as the CLI and the
 * extension are shipped (under tsx every cross-module reference goes through a getter, which
 * costs the hot path ~15%).
 */
async function bundle(dir: string): Promise<string> {
  const esbuild = await import('esbuild');
  const root = join(__dirname, '..');
  const common = { bundle: true, platform: 'node' as const, target: 'node20', format: 'cjs' as const, logLevel: 'warning' as const, absWorkingDir: root, external: ['esbuild', '@duckdb/node-api'] };
  const out = join(dir, 'flowlogs-bench.cjs');
  await esbuild.build({ ...common, entryPoints: [join(__dirname, 'flowlogs.bench.ts')], outfile: out });
  await esbuild.build({ ...common, entryPoints: [join(root, 'src/core/flowlogs/worker.ts')], outfile: join(dir, 'flowlog-worker.js') });
  return out;
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

async function main(): Promise<void> {
  const argi = process.argv.indexOf('--scenario');
  if (argi > 0) {
    const m = await runScenario(JSON.parse(process.argv[argi + 1]) as Scenario);
    process.stdout.write(JSON.stringify(m) + '\n');
    return;
  }
  const quick = process.argv.includes('--quick');
  const dir = join(__dirname, 'data');
  const t0 = Date.now();
  const small: Dataset = await dataset(dir, quick ? 200_000 : 1_000_000, 1, 1);
  const big: Dataset = await dataset(dir, quick ? 400_000 : 5_000_000, 4, 5);
  console.log(`flowlogs: data ready in ${((Date.now() - t0) / 1000).toFixed(1)} s — ` +
    `${small.name}: ${(small.bytesPlain / 1e6).toFixed(0)} MB plain / ${(small.bytesGz / 1e6).toFixed(0)} MB gz; ` +
    `${big.name}: ${(big.bytesPlain / 1e6).toFixed(0)} MB plain / ${(big.bytesGz / 1e6).toFixed(0)} MB gz`);

  const sc = (label: string, impl: Scenario['impl'], aggregate: boolean, d: Dataset, gz: boolean, workers = 1, times = 1): Scenario => {
    const files = Array.from({ length: times }, () => (gz ? d.gz : d.plain)).flat();
    return { label, impl, aggregate, files, workers, records: d.records * times, bytes: (gz ? d.bytesGz : d.bytesPlain) * times };
  };
  const S = `${small.records / 1e6}M`;
  const B = `${big.records / 1e6}M`;
  const scenarios: Scenario[] = [
    sc(`naive baseline  parse+agg  ${S} plain  1 thread`, 'naive', true, small, false),
    sc(`naive baseline  parse+agg  ${B} plain  1 thread`, 'naive', true, big, false),
    sc(`naive baseline  parse+agg  ${B} gz     1 thread`, 'naive', true, big, true),
    sc(`engine          parse      ${S} plain  1 thread`, 'engine', false, small, false),
    sc(`engine          parse      ${B} plain  1 thread`, 'engine', false, big, false),
    sc(`engine          parse      ${B} gz     1 thread`, 'engine', false, big, true),
    sc(`engine          parse+agg  ${S} plain  1 thread`, 'engine', true, small, false),
    sc(`engine          parse+agg  ${S} gz     1 thread`, 'engine', true, small, true),
    sc(`engine          parse+agg  ${B} plain  1 thread`, 'engine', true, big, false),
    sc(`engine          parse+agg  ${B} gz     1 thread`, 'engine', true, big, true),
    sc(`engine          parse+agg  ${B} plain  2 threads`, 'engine', true, big, false, 2),
    sc(`engine          parse+agg  ${B} gz     2 threads`, 'engine', true, big, true, 2),
    ...(duckdbInstalled()
      ? [
          sc(`DuckDB 1.5.6    parse+agg  ${B} plain  1 thread`, 'duckdb', true, big, false),
          sc(`DuckDB 1.5.6    parse+agg  ${B} plain  2 threads`, 'duckdb', true, big, false, 2),
          sc(`DuckDB 1.5.6    parse+agg  ${B} gz     2 threads`, 'duckdb', true, big, true, 2),
        ]
      : []),
    sc(`engine flat-mem parse+agg  ${(big.records * 10) / 1e6}M plain 1 thread (${B} files x10)`, 'engine', true, big, false, 1, 10),
  ];
  const bundled = await bundle(dir);
  const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`machine: ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}; load average at start ${load()}`);
  console.log(
    `${'scenario'.padEnd(62)} ${pad('wall s', 7)} ${pad('records/s', 11)} ${pad('MB/s', 6)} ${pad('CPU s', 6)} ${pad('rec/CPU-s', 10)} ${pad('groups', 9)} ${pad('RSS engine', 10)} ${pad('+objects', 9)} ${pad('RSS peak', 9)}`,
  );
  for (const s of scenarios) {
    const m = child(bundled, s);
    if ('error' in m) {
      console.log(`${s.label.padEnd(62)} FAILED: ${m.error}`);
      continue;
    }
    if (m.records !== s.records) console.log(`  (warning: read ${m.records} records, expected ${s.records})`);
    console.log(
      `${s.label.padEnd(62)} ${pad(m.seconds.toFixed(2), 7)} ${pad(Math.round(m.records / m.seconds).toLocaleString('en-US'), 11)} ` +
        `${pad((s.bytes / 1e6 / m.seconds).toFixed(0), 6)} ${pad(m.cpuSeconds.toFixed(2), 6)} ${pad(Math.round(m.records / m.cpuSeconds).toLocaleString('en-US'), 10)} ` +
        `${pad(m.groups.toLocaleString('en-US'), 9)} ${pad(m.rssEngineMB.toFixed(0) + ' MB', 10)} ${pad(m.materialiseSeconds ? m.materialiseSeconds.toFixed(2) + ' s' : '-', 9)} ${pad(m.rssPeakMB.toFixed(0) + ' MB', 9)}`,
    );
  }
  console.log(`load average at end ${load()}`);
  console.log('records/s: wall clock; rec/CPU-s: per second of process CPU time (all threads; less sensitive to a busy machine).');
  console.log('Engine times stop when the groups are summed (two threads: the worker table appended); "+objects" is the extra time to make the');
  console.log('FlowAggregate[] the API returns. RSS engine: peak until then; RSS peak: with those objects. Naive: its Map.');
  console.log(
    duckdbInstalled()
      ? 'DuckDB: @duckdb/node-api, same files and grouping, one value per context column, store_rejects on.'
      : `DuckDB: not installed, not run (to compare: ${DUCKDB_INSTALL}).`,
  );
  console.log('MB/s counts file bytes (gz: compressed). Each scenario runs in its own process (peak RSS = getrusage maxrss).');
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
