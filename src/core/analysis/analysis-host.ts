/**
 * The client of the analysis worker: the editor's flow data and its analysis, off the caller's
 * thread. The worker (analysis-worker.ts, bundled to dist/analysis-worker.js) owns every source's
 * aggregates and the inventory and runs the flow engine and the analysis there; this class posts
 * requests and turns the replies into promises. What comes back is small: a load's summary (no
 * aggregates), the inventory, the EditorAnalysis with flows as EditorFlow.
 *
 * - Progress: a load's `onProgress` gets the worker's progress (at most every 100 ms).
 * - Cancellation: aborting a load's signal posts `cancel`; the worker aborts the engine's signal
 *   and the promise rejects with the signal's reason. A load that finished first still counts.
 * - A crash (uncaught error, out of memory, exit) rejects every pending request with an
 *   AnalysisWorkerError and calls `onCrash`: the aggregates it held are gone (`crashes` counts
 *   these, so a caller can tell a reply that came just before one); the next request starts a new
 *   worker, given the last inventory the old one took.
 * - No worker script (neither dist/analysis-worker.js beside this bundle nor the .ts source under
 *   tsx): the same AnalysisStore runs on this thread (`mode === 'in-process'`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { FlowAggregate, Progress } from '../model/flows';
import type { Inventory } from '../model/inventory';
import type { EditorAnalysis } from './editor-model';
import type { AnalyzeOptions, InventoryResult, LoadFlowOptions } from './editor-load';
import { AnalysisStore, type FlowLoadSummary } from './analysis-store';

/** A request to the worker. */
export type HostRequest =
  | { type: 'loadFiles'; id: number; sourceId: string; paths: string[]; fields?: string[]; window?: { start?: number; end?: number } }
  | { type: 'putAggregates'; id: number; sourceId: string; aggregates: FlowAggregate[] }
  | { type: 'removeSource'; id: number; sourceId: string }
  | { type: 'loadInventory'; id: number; path: string }
  | { type: 'setInventory'; id: number; inventory: Inventory | undefined }
  /** abortFlag: a shared Int32Array the host sets to 1 to stop the analysis (see analyze()). */
  | { type: 'analyze'; id: number; options: AnalyzeOptions; abortFlag?: Int32Array }
  | { type: 'cancel'; id: number; target: number };

/** A reply from the worker. */
export type WorkerReply =
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; name: string; message: string };

/** A request before it gets its id (Omit over each member of the union). */
type Request<T = HostRequest> = T extends HostRequest ? Omit<T, 'id'> : never;

/** The worker stopped (crashed, ran out of memory, exited) with requests pending. */
export class AnalysisWorkerError extends Error {
  override name = 'AnalysisWorkerError';
}

export interface AnalysisHostOptions {
  /** 'auto' (default): the worker when its script is found, else this thread. */
  mode?: 'auto' | 'worker' | 'in-process';
  /** Where to look for the worker script (default: beside this module, i.e. dist/ when bundled). */
  workerDir?: string;
  /** Memory caps of the worker thread (node:worker_threads). */
  resourceLimits?: ResourceLimits;
  /** The worker stopped unexpectedly: the aggregates it held are gone. */
  onCrash?: (err: AnalysisWorkerError) => void;
}

/** The worker script: dist/analysis-worker.js beside the bundle, else analysis-worker.ts via tsx. */
export function analysisWorkerScript(dir = __dirname): { file: string; eval: boolean } | undefined {
  const bundled = join(dir, 'analysis-worker.js');
  if (existsSync(bundled)) return { file: bundled, eval: false };
  const source = join(dir, 'analysis-worker.ts');
  // From source (tests under tsx): register tsx's require hook inside the worker first.
  if (existsSync(source)) return { file: `require('tsx/cjs'); require(${JSON.stringify(source)});`, eval: true };
  return undefined;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export class AnalysisHost {
  readonly mode: 'worker' | 'in-process';
  private readonly script?: { file: string; eval: boolean };
  private readonly local?: AnalysisStore;
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private disposed = false;
  /** Sent again to a restarted worker: the last inventory a worker took (set or loaded without error). */
  private inventory?: Inventory;
  private crashCount = 0;

  /**
   * How many times the worker stopped unexpectedly. Callers take it before a request and compare
   * after the reply: a different count means the data the reply describes is gone with that worker.
   */
  get crashes(): number {
    return this.crashCount;
  }

  constructor(private readonly opts: AnalysisHostOptions = {}) {
    const mode = opts.mode ?? 'auto';
    const dir = opts.workerDir ?? __dirname;
    this.script = mode === 'in-process' ? undefined : analysisWorkerScript(dir);
    if (mode === 'worker' && !this.script) throw new Error(`analysis worker script not found in ${dir}`);
    this.mode = this.script ? 'worker' : 'in-process';
    if (!this.script) this.local = new AnalysisStore();
  }

  /** Reads flow-log files into the source `sourceId` (replacing its aggregates on success). */
  loadFiles(sourceId: string, paths: string[], opts: LoadFlowOptions = {}): Promise<FlowLoadSummary> {
    if (this.local) return this.local.loadFiles(sourceId, paths, opts);
    const fields = opts.fields ? [...opts.fields] : undefined;
    return this.request({ type: 'loadFiles', sourceId, paths, fields, window: opts.window }, opts) as Promise<FlowLoadSummary>;
  }

  /** Aggregates read on this thread (CloudWatch) become the source's (copied to the worker). */
  async putAggregates(sourceId: string, aggregates: FlowAggregate[]): Promise<void> {
    if (this.local) return this.local.putAggregates(sourceId, aggregates);
    await this.request({ type: 'putAggregates', sourceId, aggregates });
  }

  async removeSource(sourceId: string): Promise<boolean> {
    if (this.local) return this.local.removeSource(sourceId);
    return (await this.request({ type: 'removeSource', sourceId })) as boolean;
  }

  /** Reads describe-… JSON files; the inventory is kept for the analysis and returned. */
  async loadInventory(path: string): Promise<InventoryResult> {
    const r = this.local ? await this.local.loadInventory(path) : ((await this.request({ type: 'loadInventory', path })) as InventoryResult);
    this.inventory = r.inventory;
    return r;
  }

  /**
   * An inventory from elsewhere (the EC2 API) for the analysis. Kept for a restarted worker only
   * once the worker took it: when the request fails (a crash), the last one taken stays.
   */
  async setInventory(inventory: Inventory | undefined): Promise<void> {
    if (this.local) this.local.setInventory(inventory);
    else await this.request({ type: 'setInventory', inventory });
    this.inventory = inventory;
  }

  /**
   * Every source's aggregates with the inventory → the EditorAnalysis (flows as EditorFlow).
   * Aborting `signal` stops it and rejects with the signal's reason. The worker runs an analysis
   * in one go, so it would not see a `cancel` message until the end: it reads a shared flag
   * instead, which this sets (between phases and every 5,000 flows).
   */
  async analyze(options: AnalyzeOptions = {}, signal?: AbortSignal): Promise<EditorAnalysis> {
    if (this.local) {
      if (signal?.aborted) throw signal.reason;
      return this.local.analyze(options, signal);
    }
    // Options are JSON by nature; callers may hand in objects that cannot be cloned as they are
    // (VS Code's configuration values are proxies): post a plain copy.
    const plain = JSON.parse(JSON.stringify(options)) as AnalyzeOptions;
    const abortFlag = signal ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
    return (await this.request({ type: 'analyze', options: plain, abortFlag }, { signal })) as EditorAnalysis;
  }

  /**
   * Ends the worker as a crash would (tests of the crash path): pending requests reject and
   * `onCrash` is called. False when there is no worker (in-process mode, or not started).
   */
  async terminateWorker(): Promise<boolean> {
    const w = this.worker;
    if (!w) return false;
    await w.terminate();
    return true;
  }

  /** Stops the worker; pending requests reject. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new Error('analysis host disposed'));
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.disposed) throw new Error('analysis host disposed');
    if (this.worker) return this.worker;
    const script = this.script!;
    const w = new Worker(script.file, { eval: script.eval, resourceLimits: this.opts.resourceLimits });
    this.worker = w;
    let failure: Error | undefined;
    w.on('message', (m: WorkerReply) => this.onReply(m));
    w.on('error', (err) => (failure = err));
    w.on('exit', (code) => {
      if (this.worker !== w) return; // disposed: already settled
      this.worker = undefined;
      this.crashCount++;
      const err = new AnalysisWorkerError(`analysis worker stopped: ${failure ? failure.message : `exit code ${code}`}`);
      this.failAll(err);
      this.opts.onCrash?.(err);
    });
    // A new worker after a crash knows no inventory yet: give it the last one first.
    if (this.inventory) {
      const id = ++this.seq;
      this.pending.set(id, { resolve: () => undefined, reject: () => undefined });
      w.postMessage({ type: 'setInventory', id, inventory: this.inventory } satisfies HostRequest);
    }
    return w;
  }

  private request(req: Request, opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}): Promise<unknown> {
    const { signal, onProgress } = opts;
    if (signal?.aborted) return Promise.reject(signal.reason);
    let w: Worker;
    try {
      w = this.ensureWorker();
    } catch (err) {
      return Promise.reject(err);
    }
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if ('abortFlag' in req && req.abortFlag) Atomics.store(req.abortFlag, 0, 1);
        else this.worker?.postMessage({ type: 'cancel', id: ++this.seq, target: id } satisfies HostRequest);
      };
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        this.updateRef();
      };
      this.pending.set(id, {
        resolve: (v) => (done(), resolve(v)),
        reject: (e) => (done(), reject(e)),
        onProgress,
        signal,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        w.postMessage({ ...req, id } as HostRequest);
      } catch (err) {
        // Not cloneable (a bug in the caller's data): this request fails, the worker is fine.
        this.pending.delete(id);
        done();
        reject(err);
        return;
      }
      this.updateRef();
    });
  }

  private onReply(m: WorkerReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') {
      p.onProgress?.(m.progress);
      return;
    }
    this.pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.value);
    else if (m.name === 'AbortError' && p.signal?.aborted) p.reject(p.signal.reason);
    else p.reject(Object.assign(new Error(m.message), { name: m.name }));
  }

  private failAll(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }

  /** The worker keeps the process alive only while a request is pending (tests, the CLI). */
  private updateRef(): void {
    if (!this.worker) return;
    if (this.pending.size) this.worker.ref();
    else this.worker.unref();
  }
}

export type { FlowLoadSummary };
