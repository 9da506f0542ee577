/**
 * Key-partitioned aggregation over worker threads.
 *
 * WHY: with files split over two workers, each worker's table held most of the distinct groups
 * (1.36M of 1.7M each on the bench: records of one flow are spread over every file), so memory was
 * two nearly full tables plus the main thread's, and the main thread then merged ~1.4M groups
 * alone (≈ 0.3–0.5 s) while the other core sat idle. Instead each thread (the calling thread and
 * each worker, partition-run.ts) owns one partition of the key space: it parses its own files, sums
 * the records of its partition, and forwards every other record, already in table-row form, to the
 * thread that owns it (batches of rows in
 * SharedArrayBuffers, neither copied nor detached; the receiver hands each buffer back for reuse
 * once merged). The tables are then disjoint, together exactly one table's worth of groups, and
 * the calling thread appends the workers' to its own without a single lookup (FlowTable.appendDisjoint).
 *
 * The partition of a record must not depend on anything local to a worker, so it hashes only
 * global values: the IPv4 addresses (an IPv6 address counts as 0 — its interned id is local),
 * the ports and the protocol/action/address-kind bits. Interface ids, IPv6 addresses and contexts
 * in forwarded rows are the sender's interned ids; each batch carries the strings the sender
 * interned since its previous batch to that worker, and the receiver keeps a running id map
 * (MergeRemap) per sender.
 */
import type { FlowTable } from './table';
import { KS, R_CTX, R_PKTDST, R_PKTSRC, R_RECORDS } from './table';

/** Which of `count` partitions a key belongs to (same answer in every worker). */
export function partitionOf(src4: number, dst4: number, ports: number, pa: number, count: number): number {
  let h = Math.imul(src4 ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(dst4, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ Math.imul(ports, 0x27d4eb2f) ^ Math.imul(pa & 0xffff, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) % count;
}

/** Rows forwarded to the worker that owns their partition (table row layout; see table.ts). */
export interface RowBatch {
  type: 'rows';
  /** count × 16 u32 words, the table's row layout. */
  rows: Uint32Array;
  count: number;
  /** Strings the sender interned since its last batch to this receiver (ids continue from there). */
  ifaces: string[];
  addrs: string[];
  ctxs: string[];
}

const ROWS_PER_BATCH = 2048;

/** Per-destination row buffers of one worker. */
export class Forwarder {
  private readonly K: Uint32Array[] = [];
  private readonly V: Float64Array[] = [];
  private readonly n: Int32Array;
  private readonly sent: { ifaces: number; addrs: number; ctxs: number }[] = [];
  /** Rows forwarded so far (for tests and the bench). */
  forwarded = 0;

  constructor(
    private readonly table: FlowTable,
    readonly count: number,
    private readonly send: (partition: number, batch: RowBatch) => void,
  ) {
    this.n = new Int32Array(count);
    for (let p = 0; p < count; p++) {
      this.alloc(p);
      this.sent.push({ ifaces: 0, addrs: 0, ctxs: 0 });
    }
  }

  /** Batch buffers their receivers have merged and handed back (recycle()). */
  private readonly pool: SharedArrayBuffer[] = [];

  /** Takes back a batch buffer its receiver has merged, for a later batch. */
  recycle(buf: SharedArrayBuffer): void {
    if (buf.byteLength === ROWS_PER_BATCH * 64) this.pool.push(buf);
  }

  private alloc(p: number): void {
    // Shared, not transferred: transferring an ArrayBuffer detaches it, and the first detach in a
    // thread makes V8 add a detached-buffer check to every typed-array access of its optimised
    // code from then on: two threads took 2.46 s instead of 2.18 s on the bench. A
    // SharedArrayBuffer is posted without being detached; the sender just drops its reference.
    // Every word of a row is written by add(), so a recycled buffer needs no clearing.
    const buf = this.pool.pop() ?? new SharedArrayBuffer(ROWS_PER_BATCH * 64);
    this.K[p] = new Uint32Array(buf);
    this.V[p] = new Float64Array(buf);
  }

  /** One record as a row (w4 = the key word with direction/path, w7 = tcp-flags with pkt-address kinds). */
  add(
    p: number,
    iface: number,
    src: number,
    dst: number,
    ports: number,
    w4: number,
    start: number,
    end: number,
    w7: number,
    packets: number,
    bytes: number,
    ctx: number,
    pktSrc: number,
    pktDst: number,
  ): void {
    const i = this.n[p]++;
    const K = this.K[p];
    const V = this.V[p];
    const o = i * KS;
    K[o] = iface;
    K[o + 1] = src;
    K[o + 2] = dst;
    K[o + 3] = ports;
    K[o + 4] = w4;
    K[o + 5] = start >= 0 ? start : 0xffffffff;
    K[o + 6] = end > 0 ? end : 0;
    K[o + 7] = w7;
    const v = o / 2 + 4;
    V[v] = packets > 0 ? packets : 0;
    V[v + 1] = bytes > 0 ? bytes : 0;
    K[o + R_RECORDS] = 1;
    K[o + R_CTX] = ctx;
    K[o + R_PKTSRC] = pktSrc;
    K[o + R_PKTDST] = pktDst;
    this.forwarded++;
    if (i + 1 === ROWS_PER_BATCH) this.flush(p);
  }

  flush(p: number): void {
    const count = this.n[p];
    if (count === 0) return;
    const t = this.table;
    const s = this.sent[p];
    const batch: RowBatch = {
      type: 'rows',
      rows: this.K[p],
      count,
      ifaces: strings(t.ifaces, s.ifaces),
      addrs: strings(t.addrs, s.addrs),
      ctxs: strings(t.ctxs, s.ctxs),
    };
    s.ifaces = t.ifaces.size;
    s.addrs = t.addrs.size;
    s.ctxs = t.ctxs.size;
    this.n[p] = 0;
    this.send(p, batch);
    this.alloc(p);
  }

  flushAll(): void {
    for (let p = 0; p < this.count; p++) this.flush(p);
  }
}

function strings(it: { size: number; get(id: number): string }, from: number): string[] {
  const out: string[] = [];
  for (let id = from + 1; id <= it.size; id++) out.push(it.get(id));
  return out;
}
