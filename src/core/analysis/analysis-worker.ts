/**
 * Worker-thread entry of the editor's analysis (bundled to dist/analysis-worker.js by
 * scripts/build.mjs; run from source via tsx in development). Holds one AnalysisStore — every
 * source's flow aggregates and the inventory — and answers AnalysisHost's requests, so reading
 * flow logs and analysing them never blocks the extension host's thread. Requests are handled as
 * they come (a load is asynchronous; an analysis runs in one go). A load's `cancel` aborts the
 * core's signal; an analysis is stopped through a shared flag (analysis-host.ts analyze()). Started by analysis-host.ts; not an API.
 */
import { parentPort } from 'node:worker_threads';
import type { Progress } from '../model/flows';
import type { AbortLike } from '../network/analyze';
import { AnalysisStore } from './analysis-store';
import type { HostRequest, WorkerReply } from './analysis-host';

/** A signal read from a flag the host sets (Atomics), since this thread is busy while analysing. */
function flagSignal(flag: Int32Array): AbortLike {
  const reason = Object.assign(new Error('analysis cancelled'), { name: 'AbortError' });
  return {
    get aborted() {
      return Atomics.load(flag, 0) !== 0;
    },
    reason,
  };
}

const port = parentPort;
if (port) {
  const store = new AnalysisStore();
  const running = new Map<number, AbortController>();
  const reply = (m: WorkerReply) => port.postMessage(m);

  const handle = async (m: HostRequest): Promise<unknown> => {
    switch (m.type) {
      case 'loadFiles': {
        const ac = new AbortController();
        running.set(m.id, ac);
        let last = 0;
        try {
          return await store.loadFiles(m.sourceId, m.paths, {
            fields: m.fields,
            window: m.window,
            signal: ac.signal,
            onProgress: (p: Progress) => {
              const now = Date.now();
              if (now - last < 100) return;
              last = now;
              reply({ type: 'progress', id: m.id, progress: { records: p.records, bytes: p.bytes, files: p.files } });
            },
          });
        } finally {
          running.delete(m.id);
        }
      }
      case 'putAggregates':
        store.putAggregates(m.sourceId, m.aggregates);
        return undefined;
      case 'removeSource':
        return store.removeSource(m.sourceId);
      case 'loadInventory':
        return store.loadInventory(m.path);
      case 'setInventory':
        store.setInventory(m.inventory);
        return undefined;
      case 'analyze':
        return store.analyze(m.options, m.abortFlag ? flagSignal(m.abortFlag) : undefined);
      case 'cancel':
        running.get(m.target)?.abort();
        return undefined;
    }
  };

  const fail = (id: number, err: unknown) => {
    const e = err && typeof err === 'object' ? (err as { name?: unknown; message?: unknown }) : {};
    reply({ type: 'error', id, name: typeof e.name === 'string' ? e.name : 'Error', message: typeof e.message === 'string' ? e.message : String(err) });
  };
  port.on('message', (m: HostRequest) => {
    void (async () => {
      try {
        const value = await handle(m);
        if (m.type !== 'cancel') reply({ type: 'result', id: m.id, value });
      } catch (err) {
        // Also a result that cannot be posted (DataCloneError): the request fails, the worker lives on.
        fail(m.id, err);
      }
    })();
  });
}
