/**
 * Running the engine over sources: local files on this thread or on worker threads, a line-level
 * aggregator for event sources (CloudWatch), and a record stream for the `records` command.
 * See index.ts for the stable API.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { FlowAggregate, Progress, RecordCounts, SkippedLine, SourceError } from '../model/flows';
import { collectFiles, feedFile, type FileEntry } from '../sources/files';
import { type EngineSnapshot, FlowEngine, type FlowRecord, type TransitGatewaySummary } from './engine';
import { readFiles, runPartition } from './partition-run';
import type { TimeWindow } from './layout';
import type { SerializedTable } from './table';

export interface AggregateOptions {
  /** Field order for files without a header line (default: version 2). */
  fields?: readonly string[];
  /** Unix seconds. Files whose path time is outside are not opened; records outside are counted, not summed. */
  window?: TimeWindow;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Skipped lines kept with their text (all are counted). Default 100. */
  maxSkippedKept?: number;
  /** Worker threads; 1 = this thread. Default: one per core when there are ≥ 2 files and ≥ 32 MB. */
  workers?: number;
  /** False: parse, validate and count only (no table). Default true. */
  aggregate?: boolean;
}

export interface AggregateResult {
  /** parsed + skipped + nodata + skipdata === lines. */
  counts: RecordCounts;
  /** The first `maxSkippedKept` unparsable lines, with file, line, reason and text. */
  skipped: SkippedLine[];
  /** File-level problems: missing, unreadable, not a flow log, binary, truncated gzip. */
  errors: SourceError[];
  /** One per distinct (interface, src, dst, srcport, dstport, protocol, action), interface records only. */
  aggregates: FlowAggregate[];
  /** Transit Gateway records: parsed and counted here, never mixed into `aggregates`. */
  transitGateway: TransitGatewaySummary;
  /** Files read (opened). */
  files: number;
  /** Bytes read from the files (compressed size for .gz). */
  bytes: number;
  /** Earliest start and latest end of the summed records (Unix seconds), null when none. */
  window: { start: number; end: number } | null;
  /** Parsed records (in counts.parsed) outside the requested window, not summed. */
  outsideWindow: number;
  /** Files not opened because their S3 path/name time is outside the requested window. */
  filesSkippedByWindow: number;
}

export function resultOf(
  engine: FlowEngine,
  extra: { files: number; bytes: number; filesSkippedByWindow?: number; errors?: SourceError[] },
): AggregateResult {
  engine.flush();
  return {
    counts: { ...engine.counts },
    skipped: engine.skipped.slice(),
    errors: [...(extra.errors ?? []), ...engine.errors],
    aggregates: engine.table.toArray(),
    transitGateway: engine.transitGateway(),
    files: extra.files,
    bytes: extra.bytes,
    window: engine.minStart <= engine.maxEnd ? { start: engine.minStart, end: engine.maxEnd } : null,
    outsideWindow: engine.outsideWindow,
    filesSkippedByWindow: extra.filesSkippedByWindow ?? 0,
  };
}

/** Reads files and directories (plain, .gz, Parquet; S3 layouts) and sums their records. */
export async function aggregateFiles(paths: readonly string[], opts: AggregateOptions = {}): Promise<AggregateResult> {
  const run = await aggregateToEngine(paths, opts);
  return resultOf(run.engine, run);
}

/**
 * aggregateFiles without making the FlowAggregate objects: the engine (its table holds the
 * groups) and what resultOf() needs. For callers that stream the groups (engine.table.iterate())
 * or only need counts, and for the benchmark.
 */
export async function aggregateToEngine(
  paths: readonly string[],
  opts: AggregateOptions = {},
): Promise<{ engine: FlowEngine; files: number; bytes: number; filesSkippedByWindow: number; errors: SourceError[] }> {
  const collected = await collectFiles(paths, { window: opts.window, signal: opts.signal });
  const total = collected.files.reduce((s, f) => s + f.size, 0);
  const auto = collected.files.length >= 2 && total >= 32 * 1024 * 1024 ? availableParallelism() : 1;
  const workers = Math.max(1, Math.min(opts.workers ?? auto, collected.files.length));
  const engine = new FlowEngine({
    fields: opts.fields,
    window: opts.window,
    maxSkippedKept: opts.maxSkippedKept,
    aggregate: opts.aggregate,
    // Each partition's table holds about 1/workers of the groups (parse-only: no table to size).
    expectedRecords: opts.aggregate === false ? 0 : estimateRecords(collected.files) / workers,
  });
  let bytes = 0;
  if (workers <= 1) {
    const paths = collected.files.map((f) => f.path);
    bytes = await readFiles(engine, paths, (b, files) => opts.onProgress?.({ records: engine.counts.lines, bytes: b, files }), opts.signal);
  } else {
    bytes = await runWorkers(engine, collected.files, workers, opts);
  }
  engine.flush();
  return { engine, files: collected.files.length, bytes, filesSkippedByWindow: collected.skippedByWindow, errors: collected.errors };
}

/**
 * About how many records the files hold, for sizing the group table (engine.ts initialGroups):
 * ~200 bytes a v5 line; gzip and Parquet shrink flow logs roughly 7 and 8 times.
 */
export function estimateRecords(files: readonly FileEntry[]): number {
  let bytes = 0;
  for (const f of files) bytes += f.size * (/\.gz$/i.test(f.path) ? 7 : /\.parquet$/i.test(f.path) ? 8 : 1);
  return bytes / 200;
}

// ------------------------------------------------------------------ workers

/** Message from a worker. */
export type WorkerMessage =
  | { type: 'progress'; records: number; bytes: number; files: number }
  | { type: 'done'; snapshot: EngineSnapshot; table: SerializedTable | null; bytes: number; partitioned: boolean }
  | { type: 'error'; message: string };

export interface WorkerInput {
  files: string[];
  fields?: readonly string[];
  window?: TimeWindow;
  maxSkippedKept?: number;
  aggregate?: boolean;
  /** Records this worker's table should expect (engine.ts initialGroups). */
  expectedRecords?: number;
  /** Key-partitioned aggregation (partition.ts): this worker's partition and a port to each other worker (null at its own index). */
  partition?: { index: number; count: number; peers: (MessagePort | null)[] };
}

/** The worker script: the bundled dist/flowlog-worker.js beside the bundle, else worker.ts via tsx. */
function workerScript(): { file: string; eval?: boolean } {
  const bundled = join(__dirname, 'flowlog-worker.js');
  if (existsSync(bundled)) return { file: bundled };
  const source = join(__dirname, 'worker.ts');
  // From source (tests, bench under tsx): register tsx's require hook inside the worker first.
  if (existsSync(source)) return { file: `require('tsx/cjs'); require(${JSON.stringify(source)});`, eval: true };
  throw new Error(`flow-log worker script not found beside ${__dirname}`);
}

/**
 * Splits files over n partitions (largest first, to the least loaded): the first runs on this
 * thread into `engine`, the others on worker threads; then adds in the workers' counts and tables.
 */
async function runWorkers(engine: FlowEngine, files: FileEntry[], n: number, opts: AggregateOptions): Promise<number> {
  const buckets: { files: string[]; size: number }[] = Array.from({ length: n }, () => ({ files: [], size: 0 }));
  // Keep each bucket's files in path order (skipped lines come out file by file).
  const order = new Map(files.map((f, i) => [f.path, i]));
  for (const f of [...files].sort((a, b) => b.size - a.size)) {
    const b = buckets.reduce((min, x) => (x.size < min.size ? x : min));
    b.files.push(f.path);
    b.size += f.size;
  }
  for (const b of buckets) b.files.sort((x, y) => (order.get(x) ?? 0) - (order.get(y) ?? 0));
  const script = workerScript();
  const progress = buckets.map(() => ({ records: 0, bytes: 0, files: 0 }));
  const report = () => {
    const sum = progress.reduce((a, p) => ({ records: a.records + p.records, bytes: a.bytes + p.bytes, files: a.files + p.files }));
    opts.onProgress?.(sum);
  };
  const aggregate = opts.aggregate !== false;
  const running: Worker[] = [];
  // Aggregating: one MessageChannel per pair of partitions, so each can forward rows to the others.
  const peers: (MessagePort | null)[][] = buckets.map(() => buckets.map(() => null));
  if (aggregate) {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const ch = new MessageChannel();
        peers[i][j] = ch.port1;
        peers[j][i] = ch.port2;
      }
    }
  }
  // Stops this thread's share when a worker fails or the caller cancels.
  const stop = new AbortController();
  const results = buckets.slice(1).map(
    (b, k) =>
      new Promise<Extract<WorkerMessage, { type: 'done' }>>((resolve, reject) => {
        const i = k + 1;
        const input: WorkerInput = {
          files: b.files,
          fields: opts.fields,
          window: opts.window,
          maxSkippedKept: opts.maxSkippedKept,
          aggregate: opts.aggregate,
          expectedRecords: aggregate ? estimateRecords(files) / n : 0,
          partition: aggregate ? { index: i, count: n, peers: peers[i] } : undefined,
        };
        const transferList = peers[i].filter((p): p is MessagePort => p !== null);
        const w = new Worker(script.file, { workerData: input, eval: script.eval ?? false, transferList });
        running.push(w);
        let done = false;
        w.on('message', (m: WorkerMessage) => {
          if (m.type === 'progress') {
            progress[i] = m;
            report();
          } else if (m.type === 'done') {
            done = true;
            resolve(m);
          } else reject(new Error(`flow-log worker: ${m.message}`));
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (!done) reject(opts.signal?.aborted ? opts.signal.reason : new Error(`flow-log worker exited with code ${code}`));
        });
      }),
  );
  const onAbort = () => {
    for (const w of running) void w.terminate();
    stop.abort(opts.signal?.reason);
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  const ownProgress = (bytes: number, done: number) => {
    if (stop.signal.aborted) return; // failed or cancelled: no progress after that
    progress[0] = { records: engine.counts.lines, bytes, files: done };
    report();
  };
  const own = aggregate
    ? runPartition(engine, buckets[0].files, { index: 0, count: n, peers: peers[0] }, ownProgress, stop.signal)
    : readFiles(engine, buckets[0].files, ownProgress, stop.signal);
  try {
    // All results first: partitions wait for each other's last rows, so one that fails must stop
    // the others at once (awaiting them in turn would wait forever for the failed one).
    const [ownBytes, ...done] = await Promise.all([own, ...results]);
    let bytes = ownBytes;
    // In partition order, so the result does not depend on which worker finishes first.
    for (const m of done) {
      engine.mergeCounts(m.snapshot);
      // Partitioned workers' tables are disjoint from this one: appended without lookups.
      if (m.table) {
        if (m.partitioned) engine.table.appendDisjoint(m.table);
        else engine.table.merge(m.table);
      }
      m.table = null;
      bytes += m.bytes;
    }
    return bytes;
  } catch (err) {
    for (const w of running) void w.terminate();
    stop.abort(err);
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

// ------------------------------------------------------------------ lines (CloudWatch)

export interface LineAggregator {
  /**
   * One flow-log line (a CloudWatch event message). `file` names its origin in reports (the log
   * stream), `line` its position there (1-based event index); `fields` overrides the aggregator's
   * field order for this line (a flow log's LogFormat).
   */
  addLine(text: string, file: string, line: number, fields?: readonly string[]): void;
  /** Counts so far (live; parsed + skipped + nodata + skipdata === lines). */
  readonly counts: RecordCounts;
  result(): AggregateResult;
}

export function createAggregator(
  opts: { fields?: readonly string[]; window?: TimeWindow; maxSkippedKept?: number } = {},
): LineAggregator {
  const engine = new FlowEngine({ fields: opts.fields, window: opts.window, maxSkippedKept: opts.maxSkippedKept });
  const streams = new Set<string>();
  let bytes = 0;
  return {
    addLine(text, file, line, fields) {
      streams.add(file);
      bytes += text.length;
      engine.addLine(text, file, line, fields);
    },
    get counts() {
      return engine.counts;
    },
    result: () => resultOf(engine, { files: streams.size, bytes }),
  };
}

// ------------------------------------------------------------------ records

export interface RecordsSummary {
  _summary: true;
  counts: RecordCounts;
  skipped: SkippedLine[];
  errors: SourceError[];
  files: number;
  bytes: number;
  outsideWindow: number;
  filesSkippedByWindow: number;
}

/**
 * Every record of the files as an object (AWS field names as keys, numbers as numbers, `-` as null,
 * plus `_file` and `_line`), in file order, then one RecordsSummary (`_summary: true`) last.
 * Records outside `window` are not yielded (counted in outsideWindow). Memory: one chunk's records.
 */
export async function* readRecords(
  paths: readonly string[],
  opts: Omit<AggregateOptions, 'workers' | 'aggregate'> = {},
): AsyncGenerator<FlowRecord | RecordsSummary> {
  const collected = await collectFiles(paths, { window: opts.window, signal: opts.signal });
  const queue: FlowRecord[] = [];
  const engine = new FlowEngine({
    fields: opts.fields,
    window: opts.window,
    maxSkippedKept: opts.maxSkippedKept,
    aggregate: false,
    onRecord: (r) => queue.push(r),
  });
  let bytes = 0;
  let files = 0;
  for (const f of collected.files) {
    for await (const n of feedFile(engine, f.path, opts.signal)) {
      bytes += n;
      opts.onProgress?.({ records: engine.counts.lines, bytes, files });
      yield* queue.splice(0);
    }
    yield* queue.splice(0);
    files++;
  }
  yield {
    _summary: true,
    counts: { ...engine.counts },
    skipped: engine.skipped.slice(),
    errors: [...collected.errors, ...engine.errors],
    files,
    bytes,
    outsideWindow: engine.outsideWindow,
    filesSkippedByWindow: collected.skippedByWindow,
  };
}
