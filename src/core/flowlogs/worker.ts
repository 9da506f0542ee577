/**
 * Worker-thread entry (bundled to dist/flowlog-worker.js by scripts/build.mjs; run from source via
 * tsx in development). Reads its share of the files into its own engine and posts back the counts
 * and the table's columns (transferred, not copied). With `partition` set, the threads split the
 * key space (partition.ts, partition-run.ts; the starting thread runs partition 0 itself): records
 * of other partitions are forwarded as row batches over the peers' message ports, and rows
 * forwarded here are summed into this worker's table, so the tables come back disjoint. Started
 * by aggregate.ts; not an API.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerInput, WorkerMessage } from './aggregate';
import { FlowEngine } from './engine';
import { readFiles, runPartition } from './partition-run';

async function run(input: WorkerInput): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const engine = new FlowEngine({
    fields: input.fields,
    window: input.window,
    maxSkippedKept: input.maxSkippedKept,
    aggregate: input.aggregate,
    expectedRecords: input.expectedRecords,
  });
  let last = 0;
  const progress = (bytes: number, files: number, force = false) => {
    const now = Date.now();
    if (!force && now - last <= 100) return;
    last = now;
    port.postMessage({ type: 'progress', records: engine.counts.lines, bytes, files } satisfies WorkerMessage);
  };
  let bytes = 0;
  if (input.partition) {
    bytes = await runPartition(engine, input.files, input.partition, (b, f) => progress(b, f));
  } else {
    // Parse and count only (no table, nothing to forward).
    bytes = await readFiles(engine, input.files, (b, f) => progress(b, f));
    engine.flush();
  }
  progress(bytes, input.files.length, true);
  const table = input.aggregate === false ? null : engine.table.serialize();
  const transfer = table ? Object.values(table.cols).map((c) => c.buffer as ArrayBuffer) : [];
  port.postMessage({ type: 'done', snapshot: engine.snapshot(), table, bytes, partitioned: !!input.partition } satisfies WorkerMessage, transfer);
}

if (parentPort) {
  run(workerData as WorkerInput).catch((err: unknown) => {
    parentPort?.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies WorkerMessage);
  });
}
