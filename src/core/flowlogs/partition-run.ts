/**
 * One key partition's share of a multi-thread run (partition.ts): reads its files into `engine`,
 * forwards records of other partitions to their owners over `peers`, sums the rows the peers
 * forward here, and returns when every peer has said it has nothing more to send. Used by each
 * flow-log worker thread (worker.ts) and by the calling thread itself, which takes partition 0
 * (aggregate.ts): that saves starting one worker (≈ 25–45 ms on the bench) and one V8 isolate.
 */
import type { MessagePort } from 'node:worker_threads';
import { feedFile } from '../sources/files';
import type { FlowEngine } from './engine';
import type { RowBatch } from './partition';
import { MergeRemap } from './table';

/** Between two partitions: rows forwarded, a merged batch's buffer handed back for reuse, end of rows. */
export type PeerMessage = RowBatch | { type: 'free'; buffer: SharedArrayBuffer } | { type: 'eof' };

export interface PartitionSpec {
  index: number;
  count: number;
  /** A port to each other partition (null at this partition's own index). */
  peers: (MessagePort | null)[];
}

/**
 * Runs partition `part` over `files`; returns the bytes read. `onProgress` gets (bytes so far,
 * files done) after every chunk. Rejects with the signal's reason when it aborts, also while
 * waiting for the peers (a failed peer never sends its end).
 */
export async function runPartition(
  engine: FlowEngine,
  files: readonly string[],
  part: PartitionSpec,
  onProgress: (bytes: number, files: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  const peers = part.peers;
  // Stops this share when the caller aborts or when merging a peer's rows fails (say the table
  // cannot grow): the failure then rejects this call instead of escaping from a message handler.
  const local = new AbortController();
  const onOuterAbort = () => local.abort(signal?.reason);
  if (signal?.aborted) onOuterAbort();
  else signal?.addEventListener('abort', onOuterAbort, { once: true });
  let open = peers.filter((p) => p !== null).length;
  let resolveDone!: () => void;
  const peersDone = new Promise<void>((r) => (resolveDone = r));
  if (open === 0) resolveDone();
  const fwd = engine.partitioned(part.index, part.count, (p, batch) => {
    (peers[p] as MessagePort).postMessage(batch satisfies PeerMessage);
  });
  for (const peer of peers) {
    if (!peer) continue;
    const remap = new MergeRemap();
    peer.on('message', (m: PeerMessage) => {
      if (local.signal.aborted) return;
      try {
        if (m.type === 'rows') {
          remap.extend(engine.table, m.ifaces, m.addrs, m.ctxs);
          engine.table.mergeRows(m.rows, m.count, remap);
          // The buffer goes back to its sender for a later batch (Forwarder.recycle).
          peer.postMessage({ type: 'free', buffer: m.rows.buffer as SharedArrayBuffer } satisfies PeerMessage);
        } else if (m.type === 'free') fwd.recycle(m.buffer);
        else if (--open === 0) resolveDone();
      } catch (err) {
        local.abort(err);
      }
    });
  }
  try {
    const bytes = await readFiles(engine, files, onProgress, local.signal);
    engine.flush();
    // Messages on a port arrive in order: after a peer's eof, none of its rows are still on the way.
    for (const peer of peers) peer?.postMessage({ type: 'eof' } satisfies PeerMessage);
    await abortable(peersDone, local.signal);
    return bytes;
  } finally {
    signal?.removeEventListener('abort', onOuterAbort);
    for (const peer of peers) peer?.close();
    engine.unpartitioned();
  }
}

function abortable(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      reject,
    );
  });
}

/** Reads files into the engine on this thread (no partitions); returns the bytes read. */
export async function readFiles(engine: FlowEngine, files: readonly string[], onProgress: (bytes: number, files: number) => void, signal?: AbortSignal): Promise<number> {
  let bytes = 0;
  let done = 0;
  for (const f of files) {
    for await (const n of feedFile(engine, f, signal)) {
      bytes += n;
      onProgress(bytes, done);
    }
    done++;
    onProgress(bytes, done);
  }
  return bytes;
}
