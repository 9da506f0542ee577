/**
 * Worker-thread entry (bundled to dist/flowlog-worker.js by scripts/build.mjs; run from source via
 * tsx in development). Reads its share of the files into its own engine and posts back the counts
 * and the table's columns (transferred, not copied). With `partition` set, the workers split the
 * key space (partition.ts): records of other partitions are forwarded as row batches over the
 * peers' message ports, and rows forwarded here are summed into this worker's table, so the
 * workers' tables come back disjoint. Started by aggregate.ts; not an API.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { feedFile } from '../sources/files';
import type { WorkerInput, WorkerMessage } from './aggregate';
import { FlowEngine } from './engine';
import type { RowBatch } from './partition';
import { MergeRemap } from './table';

/** Between two workers: rows forwarded, a merged batch's buffer handed back for reuse, end of rows. */
type PeerMessage = RowBatch | { type: 'free'; buffer: SharedArrayBuffer } | { type: 'eof' };

async function run(input: WorkerInput): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const engine = new FlowEngine({
    fields: input.fields,
    window: input.window,
    maxSkippedKept: input.maxSkippedKept,
    aggregate: input.aggregate,
  });
  const part = input.partition;
  let peersDone: Promise<void> = Promise.resolve();
  if (part) {
    const peers = part.peers;
    let open = peers.filter((p) => p !== null).length;
    let resolveDone!: () => void;
    peersDone = new Promise<void>((r) => (resolveDone = r));
    if (open === 0) resolveDone();
    const fwd = engine.partitioned(part.index, part.count, (p, batch) => {
      (peers[p] as MessagePort).postMessage(batch satisfies PeerMessage);
    });
    peers.forEach((peer) => {
      if (!peer) return;
      const remap = new MergeRemap();
      peer.on('message', (m: PeerMessage) => {
        if (m.type === 'rows') {
          remap.extend(engine.table, m.ifaces, m.addrs, m.ctxs);
          engine.table.mergeRows(m.rows, m.count, remap);
          peer.postMessage({ type: 'free', buffer: m.rows.buffer as SharedArrayBuffer } satisfies PeerMessage);
        } else if (m.type === 'free') fwd.recycle(m.buffer);
        else if (--open === 0) resolveDone();
      });
    });
  }
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
  if (part) {
    // Messages on a port arrive in order: after a peer's eof, none of its rows are still on the way.
    for (const peer of part.peers) peer?.postMessage({ type: 'eof' } satisfies PeerMessage);
    await peersDone;
    for (const peer of part.peers) peer?.close();
  }
  const table = input.aggregate === false ? null : engine.table.serialize();
  const transfer = table ? Object.values(table.cols).map((c) => c.buffer as ArrayBuffer) : [];
  port.postMessage({ type: 'done', snapshot: engine.snapshot(), table, bytes, partitioned: !!part } satisfies WorkerMessage, transfer);
}

if (parentPort) {
  run(workerData as WorkerInput).catch((err: unknown) => {
    parentPort?.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies WorkerMessage);
  });
}
