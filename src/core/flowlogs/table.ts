/**
 * The aggregation table: one row per distinct 7-tuple (interface, srcaddr, dstaddr, srcport,
 * dstport, protocol, action), stored column-wise in typed arrays. Keys are five small integers
 * (interface, srcaddr and dstaddr are interned ids; ports packed in one u32; protocol and action in
 * one u16), so a group costs about 88 bytes of capacity whatever the line length, and memory grows with
 * distinct flows, never with records. Open addressing with linear probing.
 */
import type { FlowAggregate } from '../model/flows';
import { Interner, ipv4String, prefaulted } from './bytes';

/** Context fields kept per group (first value seen; `-` filled by a later record). */
export const CTX_FIELDS = [
  'account-id',
  'vpc-id',
  'subnet-id',
  'instance-id',
  'az-id',
  'region',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
] as const;

export const NULL_PROTOCOL = 256;
/**
 * Addresses are (kind, code): kind 0 absent, 1 IPv4 (code = the 32-bit address, no lookup at all),
 * 2 IPv6 (code = interned id). src/dst kinds live in the key word (pa bits 11–12 and 13–14);
 * pkt-srcaddr/pkt-dstaddr kinds in the flags word (bits 16–17 and 18–19).
 */
export const ADDR_NONE = 0;
export const ADDR_V4 = 1;
export const ADDR_V6 = 2;
const EMPTY_TIME = 0xffffffff;

/** Columns of a table as plain data, for moving a worker's table to the main thread. */
export interface SerializedTable {
  count: number;
  cols: Record<string, ArrayBufferView>;
  ifaces: string[];
  addrs: string[];
  ctxs: string[];
}

/**
 * Row layout, one 64-byte row (a cache line) per group, so a lookup that hits costs two cache
 * misses (the slot, the row) — measured: separate key/value columns cost 5+. Everything a record
 * touches is in the row (the pkt addresses too: they are compared on every record).
 *   K (u32 view) words 0–7:  iface, src, dst, ports (sport·65536 + dport), pa (proto·4 + action |
 *                            src/dst kinds << 11/13 | dir << 16 | path << 24), start, end,
 *                            tcp-flags (| pkt-address kinds << 16/18)
 *   V (f64 view) words 4–5:  packets, bytes
 *   K words 12–15:           records (u32: a group of more than 4 billion records wraps), ctx id,
 *                            pkt-srcaddr code, pkt-dstaddr code
 * Slots hold (group + 1, hash) pairs, load factor ≤ 0.5, so a probe rarely reads a row that does
 * not match. About 64 + 16 = 80 bytes of capacity per group.
 */
export const KS = 16;
export const VS = 8;
export const VB = 4;
/** u32 word offsets in a row (K view). */
export const R_RECORDS = 12;
export const R_CTX = 13;
export const R_PKTSRC = 14;
export const R_PKTDST = 15;

export class FlowTable {
  count = 0;
  private cap: number;
  private slots: Int32Array;
  private mask: number;
  /** True when the last find() inserted a new group. */
  inserted = false;
  K: Uint32Array;
  V: Float64Array;

  readonly ifaces = new Interner();
  readonly addrs = new Interner();
  readonly ctxs = new Interner();
  /** ctx id → bit mask of the CTX_FIELDS that are `-` (a later record may fill them). */
  private ctxNull: number[] = [0xff];

  constructor(initial = 1 << 12) {
    this.cap = initial;
    this.slots = prefaulted(initial * 4);
    this.mask = initial * 2 - 1;
    const rows = new ArrayBuffer(initial * 64);
    this.K = new Uint32Array(rows);
    this.V = new Float64Array(rows);
  }

  static hash(iface: number, src: number, dst: number, ports: number, pa: number): number {
    let h = Math.imul(iface, 0x9e3779b1) ^ Math.imul(src, 0x85ebca77);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ Math.imul(dst, 0xc2b2ae3d);
    h = Math.imul(h ^ (h >>> 13), 0x297a2d39) ^ Math.imul(ports, 0x27d4eb2f) ^ Math.imul(pa, 0x165667b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    return h ^ (h >>> 13);
  }

  /** Index of the group with this key, inserted (zeroed) when absent; sets `inserted`. */
  find(iface: number, src: number, dst: number, ports: number, pa: number): number {
    if (this.parts.length) this.flatten();
    if (this.stale) this.rebuildSlots();
    return this.findH(FlowTable.hash(iface, src, dst, ports, pa), iface, src, dst, ports, pa);
  }

  /** The slot pairs (group + 1, hash); length / 2 is a power of two. For prefetching only. */
  slotArray(): Int32Array {
    if (this.parts.length) this.flatten();
    if (this.stale) this.rebuildSlots();
    return this.slots;
  }

  findH(h: number, iface: number, src: number, dst: number, ports: number, pa: number): number {
    const mask = this.mask;
    const slots = this.slots;
    const K = this.K;
    let slot = h & mask;
    for (;;) {
      const s = slots[slot * 2];
      if (s === 0) break;
      if (slots[slot * 2 + 1] === h) {
        const o = (s - 1) * KS;
        if (K[o + 1] === src && K[o + 2] === dst && K[o + 3] === ports && K[o] === iface && (K[o + 4] & 0xffff) === pa) {
          this.inserted = false;
          return s - 1;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (this.count === this.cap) {
      this.growGroups();
      return this.findH(h, iface, src, dst, ports, pa);
    }
    const g = this.count++;
    slots[slot * 2] = g + 1;
    slots[slot * 2 + 1] = h;
    const o = g * KS;
    K[o] = iface;
    K[o + 1] = src;
    K[o + 2] = dst;
    K[o + 3] = ports;
    K[o + 4] = pa;
    K[o + 5] = EMPTY_TIME;
    // The rest of the row is zero already, but write it anyway: rows are not page-aligned, and when
    // this row is the first on a fresh page, a read there (`+=`) would map the zero page and the
    // following write would then need a TLB flush, an inter-processor interrupt when two workers
    // share the process (see prefaulted() in bytes.ts). Writing first makes it one plain fault.
    for (let w = 6; w < KS; w++) K[o + w] = 0;
    this.inserted = true;
    return g;
  }

  private growGroups(): void {
    this.resizeRows(this.cap * 2);
    const n = this.cap;
    // Rehash from the old slots (they keep each hash): no row is read.
    const old = this.slots;
    let size = 8192;
    while (size < n * 2) size *= 2; // a power of two (cap need not be one after adopt())
    const slots = prefaulted(size * 2);
    const mask = size - 1;
    for (let i = 0; i < old.length; i += 2) {
      const g1 = old[i];
      if (g1 === 0) continue;
      const h = old[i + 1];
      let slot = h & mask;
      while (slots[slot * 2] !== 0) slot = (slot + 1) & mask;
      slots[slot * 2] = g1;
      slots[slot * 2 + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** Room for `n` groups (rows copied; the slot index is the caller's business). */
  private resizeRows(n: number): void {
    const rows = new ArrayBuffer(n * 64);
    new Uint8Array(rows).set(new Uint8Array(this.K.buffer, 0, this.count * 64));
    this.K = new Uint32Array(rows);
    this.V = new Float64Array(rows);
    this.cap = n;
  }

  /** True after appendDisjoint(): the slots miss the appended rows until rebuilt. */
  private stale = false;

  private rebuildSlots(): void {
    this.stale = false;
    let size = 8192;
    while (size < this.cap * 2) size *= 2;
    const slots = prefaulted(size * 2);
    const mask = size - 1;
    const K = this.K;
    for (let g = 0; g < this.count; g++) {
      const o = g * KS;
      const h = FlowTable.hash(K[o], K[o + 1], K[o + 2], K[o + 3], K[o + 4] & 0xffff);
      let slot = h & mask;
      while (slots[slot * 2] !== 0) slot = (slot + 1) & mask;
      slots[slot * 2] = g + 1;
      slots[slot * 2 + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** Interns a context (bytes of CTX_FIELDS joined by spaces) and notes whether it has a `-`. */
  internCtx(buf: Uint8Array, s: number, e: number, nullMask: number): number {
    const id = this.ctxs.intern(buf, s, e);
    if (id >= this.ctxNull.length) this.ctxNull[id] = nullMask;
    return id;
  }

  /** Interns a context given as text (from another table). */
  internCtxString(x: string): number {
    const id = this.ctxs.internString(x);
    if (id >= this.ctxNull.length) this.ctxNull[id] = nullMaskOf(x.split(' '));
    return id;
  }

  /** Bit mask of the context's `-` fields (all bits for "no context yet"). */
  ctxNullMask(id: number): number {
    return this.ctxNull[id] ?? 0;
  }

  /**
   * Field-wise merge of two contexts (slow path, rare): a null is filled, and of two different
   * values the smaller is kept, so the result does not depend on which came first.
   */
  mergeCtx(a: number, b: number): number {
    if (a === 0) return b;
    if (b === 0 || a === b) return a;
    const x = this.ctxs.get(a).split(' ');
    const y = this.ctxs.get(b).split(' ');
    const z = x.map((v, i) => {
      const w = y[i];
      if (w === undefined || w === '-') return v;
      return v === '-' || w < v ? w : v;
    });
    const id = this.ctxs.internString(z.join(' '));
    if (id >= this.ctxNull.length) this.ctxNull[id] = nullMaskOf(z);
    return id;
  }

  /** The aggregates as plain objects (strings shared through the interners). */
  *iterate(): Generator<FlowAggregate> {
    const ctxCache = new Map<number, (string | null)[]>();
    const ctxOf = (id: number): (string | null)[] => {
      let v = ctxCache.get(id);
      if (!v) {
        v = id === 0 ? CTX_FIELDS.map(() => null) : this.ctxs.get(id).split(' ').map((t) => (t === '-' ? null : t));
        ctxCache.set(id, v);
      }
      return v;
    };
    for (let g = 0; g < this.count; g++) yield this.row(g, ctxOf(this.K[g * KS + R_CTX]));
    for (const p of this.parts) yield* p.iterate();
  }

  /** All aggregates in one array, made at its final size (no copies while it grows). */
  toArray(): FlowAggregate[] {
    const out = new Array<FlowAggregate>(this.groups);
    let i = 0;
    for (const a of this.iterate()) out[i++] = a;
    return out;
  }

  /**
   * Makes the FlowAggregate objects (one object shape: every field, always in this order). Memory:
   * 1.7M of them are most of a large run's peak. packets/bytes/records come from a Float64Array,
   * so V8 would give those fields the "double" representation and box every value in its own heap
   * number (16 bytes each); warmShape() makes them tagged first and inline() turns values below 2^30
   * into small integers, which are stored in place. Measured: 284 -> 236 bytes per object (82 MB less at 1.7M groups).
   */
  private row(g: number, c: (string | null)[]): FlowAggregate {
    const K = this.K;
    const o = g * KS;
    const v = g * VS + VB;
    const w = K[o + 4];
    const proto = (w & 0x7ff) >> 2;
    const act = w & 3;
    const d = (w >>> 16) & 3;
    const p = w >>> 24;
    return {
      interfaceId: K[o] === 0 ? '' : this.ifaces.get(K[o]),
      srcaddr: this.addr((w >>> 11) & 3, K[o + 1]) ?? '',
      dstaddr: this.addr((w >>> 13) & 3, K[o + 2]) ?? '',
      srcport: K[o + 3] >>> 16,
      dstport: K[o + 3] & 0xffff,
      protocol: proto === NULL_PROTOCOL ? 0 : proto,
      action: act === 1 ? 'ACCEPT' : act === 2 ? 'REJECT' : null,
      packets: inline(this.V[v]),
      bytes: inline(this.V[v + 1]),
      records: K[o + R_RECORDS],
      tcpFlags: K[o + 7] & 0xffff,
      start: K[o + 5] === EMPTY_TIME ? 0 : K[o + 5],
      end: K[o + 6],
      accountId: c[0],
      vpcId: c[1],
      subnetId: c[2],
      instanceId: c[3],
      azId: c[4],
      region: c[5],
      pktSrcaddr: this.addr((K[o + 7] >>> 16) & 3, K[o + R_PKTSRC]),
      pktDstaddr: this.addr((K[o + 7] >>> 18) & 3, K[o + R_PKTDST]),
      pktSrcAwsService: c[6],
      pktDstAwsService: c[7],
      flowDirection: d === 1 ? 'ingress' : d === 2 ? 'egress' : null,
      trafficPath: p === 0 ? null : p,
    };
  }

  private v4 = new Map<number, string>();

  /** An address's text (IPv4 strings cached so equal addresses share one string). */
  addr(kind: number, code: number): string | null {
    if (kind === ADDR_V4) {
      let s = this.v4.get(code);
      if (s === undefined) {
        s = ipv4String(code);
        this.v4.set(code, s);
      }
      return s;
    }
    return kind === ADDR_V6 ? this.addrs.get(code) : null;
  }

  serialize(): SerializedTable {
    if (this.parts.length) this.flatten();
    if (this.stale) this.rebuildSlots(); // the receiver may adopt these slots as they are
    const n = this.count;
    const list = (it: Interner) => Array.from({ length: it.size }, (_, i) => it.get(i + 1));
    return {
      count: n,
      // Views of the live buffers (no copy): a worker transfers them and is done with the table.
      // The slots too, so the main thread adopts the table without rehashing it (~0.1 s at 1.2M groups).
      cols: { K: new Uint32Array(this.K.buffer, 0, n * KS), slots: this.slots },
      ifaces: list(this.ifaces),
      addrs: list(this.addrs),
      ctxs: list(this.ctxs),
    };
  }

  /**
   * Takes over a serialised table when this one is empty (its rows are used in place, no copy):
   * merging worker results then needs memory for one table less.
   */
  adopt(t: SerializedTable): boolean {
    if (this.count !== 0 || this.ifaces.size + this.addrs.size + this.ctxs.size !== 0 || t.count === 0) return false;
    const K0 = t.cols.K as Uint32Array;
    if (K0.byteOffset !== 0 || K0.buffer.byteLength % 64 !== 0) return false;
    const cap = K0.buffer.byteLength / 64;
    if (cap < t.count) return false;
    const K = new Uint32Array(K0.buffer);
    for (const x of t.ifaces) this.ifaces.internString(x);
    for (const x of t.addrs) this.addrs.internString(x);
    for (let i = 0; i < t.ctxs.length; i++) this.ctxNull[this.ctxs.internString(t.ctxs[i])] = nullMaskOf(t.ctxs[i].split(' '));
    // The rows hold the sender's ids: usable only if every string got the same id here (two byte
    // strings that are not UTF-8 can decode to one string); otherwise merge() remaps them.
    if (this.ifaces.size !== t.ifaces.length || this.addrs.size !== t.addrs.length || this.ctxs.size !== t.ctxs.length) return false;
    this.K = K;
    this.V = new Float64Array(K.buffer);
    this.count = t.count;
    this.cap = cap;
    const sent = t.cols.slots;
    if (sent instanceof Int32Array && sent.byteOffset === 0 && sent.length >= cap * 4 && (sent.length & (sent.length - 1)) === 0) {
      // The sender's slots are valid here: the interners above gave every string the sender's id.
      this.slots = sent;
      this.mask = sent.length / 2 - 1;
      return true;
    }
    this.rebuildSlots();
    return true;
  }

  /** Adds another table's groups (a worker's) into this one. */
  merge(t: SerializedTable): void {
    const r = new MergeRemap();
    r.extend(this, t.ifaces, t.addrs, t.ctxs);
    this.mergeRows(t.cols.K as Uint32Array, t.count, r);
  }

  /**
   * Adds rows in this table's layout whose interned ids are another table's (mapped by `r`):
   * a worker's table, or a batch of rows forwarded by another worker (partition.ts).
   */
  mergeRows(K2: Uint32Array, count: number, r: MergeRemap): void {
    const mi = r.mi;
    const ma = r.ma;
    const mc = r.mc;
    const V2 = new Float64Array(K2.buffer, K2.byteOffset, K2.length / 2);
    // In blocks, with the same group prefetching as the engine (engine.ts applyBatch).
    const B = 64;
    const bi = new Uint32Array(B);
    const bs = new Uint32Array(B);
    const bd = new Uint32Array(B);
    const bh = new Int32Array(B);
    const pre = new Int32Array(B);
    for (let i0 = 0; i0 < count; i0 += B) {
      const n = Math.min(B, count - i0);
      for (let j = 0; j < n; j++) {
        const o2 = (i0 + j) * KS;
        const w2 = K2[o2 + 4];
        bi[j] = mi[K2[o2]];
        bs[j] = ((w2 >>> 11) & 3) === ADDR_V6 ? ma[K2[o2 + 1]] : K2[o2 + 1];
        bd[j] = ((w2 >>> 13) & 3) === ADDR_V6 ? ma[K2[o2 + 2]] : K2[o2 + 2];
        bh[j] = FlowTable.hash(bi[j], bs[j], bd[j], K2[o2 + 3], w2 & 0xffff);
      }
      const slots = this.slotArray();
      const mask = slots.length / 2 - 1;
      for (let j = 0; j < n; j++) pre[j] = slots[(bh[j] & mask) * 2];
      let acc = 0;
      for (let j = 0; j < n; j++) if (pre[j] !== 0) acc += this.K[(pre[j] - 1) * KS] + this.K[(pre[j] - 1) * KS + 15];
      this.sink = acc;
      for (let j = 0; j < n; j++) this.mergeOne(i0 + j, bh[j], bi[j], bs[j], bd[j], K2, V2, ma, mc);
    }
  }

  /**
   * Adds a table whose keys are all absent here (another worker's partition, partition.ts). It is
   * kept as it came, a part with its own interners, not copied: counted by `groups`, read by
   * iterate()/toArray(); a later lookup or serialize() first copies the parts in (flatten()).
   */
  appendDisjoint(t: SerializedTable): void {
    if (t.count === 0) return;
    const part = new FlowTable();
    if (part.adopt(t)) this.parts.push(part);
    else this.appendRows(t);
  }

  /** Tables added by appendDisjoint() and not yet copied in. */
  private parts: FlowTable[] = [];

  /** Distinct groups, including appended parts. */
  get groups(): number {
    let n = this.count;
    for (const p of this.parts) n += p.count;
    return n;
  }

  private flatten(): void {
    const parts = this.parts;
    this.parts = [];
    for (const p of parts) this.appendRows(p.serialize());
  }

  /** Copies in the rows of a table whose keys are all absent here, ids mapped; no lookup (slots rebuilt on the next one). */
  private appendRows(t: SerializedTable): void {
    const r = new MergeRemap();
    r.extend(this, t.ifaces, t.addrs, t.ctxs);
    const { mi, ma, mc } = r;
    const K2 = t.cols.K as Uint32Array;
    const V2 = new Float64Array(K2.buffer, K2.byteOffset, K2.length / 2);
    const need = this.count + t.count;
    if (need > this.cap) this.resizeRows(Math.max(need, this.cap * 2));
    const K = this.K;
    const V = this.V;
    for (let i = 0; i < t.count; i++) {
      const o2 = i * KS;
      const g = this.count++;
      const o = g * KS;
      const w = K2[o2 + 4];
      K[o] = mi[K2[o2]];
      K[o + 1] = ((w >>> 11) & 3) === ADDR_V6 ? ma[K2[o2 + 1]] : K2[o2 + 1];
      K[o + 2] = ((w >>> 13) & 3) === ADDR_V6 ? ma[K2[o2 + 2]] : K2[o2 + 2];
      K[o + 3] = K2[o2 + 3];
      K[o + 4] = w;
      K[o + 5] = K2[o2 + 5];
      K[o + 6] = K2[o2 + 6];
      const f = K2[o2 + 7];
      K[o + 7] = f;
      const v = g * VS + VB;
      const v2 = i * VS + VB;
      V[v] = V2[v2];
      V[v + 1] = V2[v2 + 1];
      K[o + R_RECORDS] = K2[o2 + R_RECORDS];
      K[o + R_CTX] = mc[K2[o2 + R_CTX]];
      K[o + R_PKTSRC] = ((f >>> 16) & 3) === ADDR_V6 ? ma[K2[o2 + R_PKTSRC]] : K2[o2 + R_PKTSRC];
      K[o + R_PKTDST] = ((f >>> 18) & 3) === ADDR_V6 ? ma[K2[o2 + R_PKTDST]] : K2[o2 + R_PKTDST];
    }
    this.stale = true;
  }

  /**
   * Address (kind a, code) orders before (kind b, code): what a group keeps when its records
   * disagree (any value before none; IPv4 before IPv6; then by value / text). Order-independent,
   * so one thread, file order and worker threads all keep the same one.
   */
  pktLess(ka: number, ca: number, kb: number, cb: number): boolean {
    if (kb === ADDR_NONE) return ka !== ADDR_NONE;
    if (ka !== kb) return ka !== ADDR_NONE && ka < kb;
    if (ca === cb) return false;
    return ka === ADDR_V4 ? ca >>> 0 < cb >>> 0 : this.addrs.get(ca) < this.addrs.get(cb);
  }

  /**
   * The key word (bits 0–15 the key; flow-direction in 16–17, traffic-path in 24–31) after
   * another record's word `b`: each of direction and path is set when null, else the smaller kept.
   */
  keepWord(a: number, b: number): number {
    let w = a;
    const da = (a >>> 16) & 3;
    const db = (b >>> 16) & 3;
    if (db !== 0 && (da === 0 || db < da)) w = (w & ~0x30000) | (db << 16);
    const pa = a >>> 24;
    const pb = b >>> 24;
    if (pb !== 0 && (pa === 0 || pb < pa)) w = (w & 0x00ffffff) | (pb << 24);
    return w >>> 0;
  }

  /** Kept so the prefetching loads are not optimised away. */
  sink = 0;

  private mergeOne(
    i: number,
    h: number,
    iface: number,
    src: number,
    dst: number,
    K2: Uint32Array,
    V2: Float64Array,
    ma: Uint32Array,
    mc: Uint32Array,
  ): void {
    {
      const o2 = i * KS;
      const w2 = K2[o2 + 4];
      const g = this.findH(h, iface, src, dst, K2[o2 + 3], w2 & 0xffff);
      const K = this.K;
      const V = this.V;
      const o = g * KS;
      const v = g * VS + VB;
      const v2 = i * VS + VB;
      V[v] += V2[v2];
      V[v + 1] += V2[v2 + 1];
      K[o + R_RECORDS] += K2[o2 + R_RECORDS];
      if (K2[o2 + 5] < K[o + 5]) K[o + 5] = K2[o2 + 5];
      if (K2[o2 + 6] > K[o + 6]) K[o + 6] = K2[o2 + 6];
      const f2 = K2[o2 + 7];
      let f = (K[o + 7] | (f2 & 0xffff)) >>> 0;
      const ks = (f2 >>> 16) & 3;
      if (ks !== 0) {
        const code = ks === ADDR_V6 ? ma[K2[o2 + R_PKTSRC]] : K2[o2 + R_PKTSRC];
        if (this.pktLess(ks, code, (f >>> 16) & 3, K[o + R_PKTSRC])) {
          K[o + R_PKTSRC] = code;
          f = ((f & ~0x30000) | (ks << 16)) >>> 0;
        }
      }
      const kd = (f2 >>> 18) & 3;
      if (kd !== 0) {
        const code = kd === ADDR_V6 ? ma[K2[o2 + R_PKTDST]] : K2[o2 + R_PKTDST];
        if (this.pktLess(kd, code, (f >>> 18) & 3, K[o + R_PKTDST])) {
          K[o + R_PKTDST] = code;
          f = ((f & ~0xc0000) | (kd << 18)) >>> 0;
        }
      }
      K[o + 7] = f;
      K[o + 4] = this.keepWord(K[o + 4], w2);
      const ctx = mc[K2[o2 + R_CTX]];
      const mine = K[o + R_CTX];
      if (mine === 0) K[o + R_CTX] = ctx;
      else if (ctx !== 0 && ctx !== mine) K[o + R_CTX] = this.mergeCtx(mine, ctx);
    }
  }
}

/**
 * One object of the FlowAggregate shape with null numbers (see FlowTable.row): V8 shares the
 * hidden class of object literals with the same keys in the same order, so its fields become
 * tagged (a small integer is stored in place) instead of boxed doubles.
 */
function warmShape(): FlowAggregate {
  const n = null as unknown as number;
  return {
    interfaceId: '',
    srcaddr: '',
    dstaddr: '',
    srcport: n,
    dstport: n,
    protocol: n,
    action: null,
    packets: n,
    bytes: n,
    records: n,
    tcpFlags: n,
    start: n,
    end: n,
    accountId: null,
    vpcId: null,
    subnetId: null,
    instanceId: null,
    azId: null,
    region: null,
    pktSrcaddr: null,
    pktDstaddr: null,
    pktSrcAwsService: null,
    pktDstAwsService: null,
    flowDirection: null,
    trafficPath: null,
  };
}

/** A whole number read from a Float64Array, made a small integer when it is one (stored in place). */
function inline(x: number): number {
  return x < 1073741824 ? x | 0 : x;
}
warmShape();

/** Bit k set when context field k is `-`. */
export function nullMaskOf(values: string[]): number {
  let m = 0;
  for (let k = 0; k < CTX_FIELDS.length; k++) if (values[k] === undefined || values[k] === '-') m |= 1 << k;
  return m;
}

/** Maps another table's interned ids (ifaces, addresses, contexts) to this table's; grows as batches arrive. */
export class MergeRemap {
  mi: Uint32Array = new Uint32Array(64);
  ma: Uint32Array = new Uint32Array(64);
  mc: Uint32Array = new Uint32Array(64);
  private ni = 1;
  private na = 1;
  private nc = 1;

  /** Adds the sender's next ids (its strings in id order, continuing from the last call). */
  extend(t: FlowTable, ifaces: readonly string[], addrs: readonly string[], ctxs: readonly string[]): void {
    this.mi = grow(this.mi, this.ni + ifaces.length);
    for (const x of ifaces) this.mi[this.ni++] = t.ifaces.internString(x);
    this.ma = grow(this.ma, this.na + addrs.length);
    for (const x of addrs) this.ma[this.na++] = t.addrs.internString(x);
    this.mc = grow(this.mc, this.nc + ctxs.length);
    for (const x of ctxs) this.mc[this.nc++] = t.internCtxString(x);
  }
}

function grow(a: Uint32Array, n: number): Uint32Array {
  if (n <= a.length) return a;
  let len = a.length * 2;
  while (len < n) len *= 2;
  const b = new Uint32Array(len);
  b.set(a);
  return b;
}
