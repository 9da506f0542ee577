/**
 * Worker-thread entry (bundled to dist/flowlog-worker.js by scripts/build.mjs; run from source via
 * tsx in development). Reads its share of the files into its own engine and posts back the counts
 * and the table's columns (transferred, not copied). Started by aggregate.ts; not an API.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { feedFile } from '../sources/files';
import type { WorkerInput, WorkerMessage } from './aggregate';
import { FlowEngine } from './engine';

async function run(input: WorkerInput): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const engine = new FlowEngine({
    fields: input.fields,
    window: input.window,
    maxSkippedKept: input.maxSkippedKept,
    aggregate: input.aggregate,
  });
  let bytes = 0;
  let files = 0;
  let last = 0;
  for (const f of input.files) {
    for await (const n of feedFile(engine, f)) {
      bytes += n;
      const now = Date.now();
      if (now - last > 100) {
        last = now;
        port.postMessage({ type: 'progress', records: engine.counts.lines, bytes, files } satisfies WorkerMessage);
      }
    }
    files++;
  }
  port.postMessage({ type: 'progress', records: engine.counts.lines, bytes, files } satisfies WorkerMessage);
  engine.flush();
  const table = input.aggregate === false ? null : engine.table.serialize();
  const transfer = table ? Object.values(table.cols).map((c) => c.buffer as ArrayBuffer) : [];
  port.postMessage({ type: 'done', snapshot: engine.snapshot(), table, bytes } satisfies WorkerMessage, transfer);
}

if (parentPort) {
  run(workerData as WorkerInput).catch((err: unknown) => {
    parentPort?.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies WorkerMessage);
  });
}
