/**
 * The aggregation table: one row per distinct 7-tuple (interface, srcaddr, dstaddr, srcport,
 * dstport, protocol, action), stored column-wise in typed arrays. Keys are five small integers
 * (interface, srcaddr and dstaddr are interned ids; ports packed in one u32; protocol and action in
 * one u16), so a group costs about 62 bytes whatever the line length, and memory grows with
 * distinct flows, never with records. Open addressing with linear probing.
 */
import type { FlowAggregate } from '../model/flows';
import { Interner } from './bytes';

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
const EMPTY_TIME = 0xffffffff;

/** Columns of a table as plain data, for moving a worker's table to the main thread. */
export interface SerializedTable {
  count: number;
  cols: Record<string, ArrayBufferView>;
  ifaces: string[];
  addrs: string[];
  ctxs: string[];
}

function grow<T extends ArrayBufferView & { set(a: ArrayLike<number>): void; length: number }>(
  a: T,
  n: number,
  ctor: new (n: number) => T,
): T {
  const b = new ctor(n);
  b.set(a as unknown as ArrayLike<number>);
  return b;
}

export class FlowTable {
  count = 0;
  private cap: number;
  private slots: Int32Array;
  private mask: number;
  /** True when the last find() inserted a new group. */
  inserted = false;

  kIface: Uint32Array;
  kSrc: Uint32Array;
  kDst: Uint32Array;
  kPorts: Uint32Array;
  kPa: Uint16Array;
  packets: Float64Array;
  bytes: Float64Array;
  records: Uint32Array;
  start: Uint32Array;
  end: Uint32Array;
  flags: Uint16Array;
  ctx: Uint32Array;
  pktSrc: Uint32Array;
  pktDst: Uint32Array;
  dir: Uint8Array;
  path: Uint8Array;

  readonly ifaces = new Interner();
  readonly addrs = new Interner();
  readonly ctxs = new Interner();
  /** ctx id → true when some context field is `-` (so a later record may fill it). */
  private ctxHasNull: boolean[] = [false];

  constructor(initial = 1 << 12) {
    this.cap = initial;
    this.slots = new Int32Array(initial * 2);
    this.mask = initial * 2 - 1;
    this.kIface = new Uint32Array(initial);
    this.kSrc = new Uint32Array(initial);
    this.kDst = new Uint32Array(initial);
    this.kPorts = new Uint32Array(initial);
    this.kPa = new Uint16Array(initial);
    this.packets = new Float64Array(initial);
    this.bytes = new Float64Array(initial);
    this.records = new Uint32Array(initial);
    this.start = new Uint32Array(initial);
    this.end = new Uint32Array(initial);
    this.flags = new Uint16Array(initial);
    this.ctx = new Uint32Array(initial);
    this.pktSrc = new Uint32Array(initial);
    this.pktDst = new Uint32Array(initial);
    this.dir = new Uint8Array(initial);
    this.path = new Uint8Array(initial);
  }

  private static hash(iface: number, src: number, dst: number, ports: number, pa: number): number {
    let h = Math.imul(iface, 0x9e3779b1) ^ Math.imul(src, 0x85ebca77);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ Math.imul(dst, 0xc2b2ae3d);
    h = Math.imul(h ^ (h >>> 13), 0x297a2d39) ^ Math.imul(ports, 0x27d4eb2f) ^ Math.imul(pa, 0x165667b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    return h ^ (h >>> 13);
  }

  /** Index of the group with this key, inserted (zeroed) when absent; sets `inserted`. */
  find(iface: number, src: number, dst: number, ports: number, pa: number): number {
    const mask = this.mask;
    const slots = this.slots;
    let slot = FlowTable.hash(iface, src, dst, ports, pa) & mask;
    for (;;) {
      const s = slots[slot];
      if (s === 0) break;
      const g = s - 1;
      if (
        this.kSrc[g] === src &&
        this.kDst[g] === dst &&
        this.kPorts[g] === ports &&
        this.kIface[g] === iface &&
        this.kPa[g] === pa
      ) {
        this.inserted = false;
        return g;
      }
      slot = (slot + 1) & mask;
    }
    if (this.count === this.cap) {
      this.growGroups();
      return this.find(iface, src, dst, ports, pa);
    }
    const g = this.count++;
    slots[slot] = g + 1;
    this.kIface[g] = iface;
    this.kSrc[g] = src;
    this.kDst[g] = dst;
    this.kPorts[g] = ports;
    this.kPa[g] = pa;
    this.start[g] = EMPTY_TIME;
    this.inserted = true;
    return g;
  }

  private growGroups(): void {
    const n = this.cap * 2;
    this.kIface = grow(this.kIface, n, Uint32Array);
    this.kSrc = grow(this.kSrc, n, Uint32Array);
    this.kDst = grow(this.kDst, n, Uint32Array);
    this.kPorts = grow(this.kPorts, n, Uint32Array);
    this.kPa = grow(this.kPa, n, Uint16Array);
    this.packets = grow(this.packets, n, Float64Array);
    this.bytes = grow(this.bytes, n, Float64Array);
    this.records = grow(this.records, n, Uint32Array);
    this.start = grow(this.start, n, Uint32Array);
    this.end = grow(this.end, n, Uint32Array);
    this.flags = grow(this.flags, n, Uint16Array);
    this.ctx = grow(this.ctx, n, Uint32Array);
    this.pktSrc = grow(this.pktSrc, n, Uint32Array);
    this.pktDst = grow(this.pktDst, n, Uint32Array);
    this.dir = grow(this.dir, n, Uint8Array);
    this.path = grow(this.path, n, Uint8Array);
    this.cap = n;
    // Load factor ≤ 0.5: slots = 2 × groups capacity.
    this.slots = new Int32Array(n * 2);
    this.mask = n * 2 - 1;
    for (let g = 0; g < this.count; g++) {
      let slot = FlowTable.hash(this.kIface[g], this.kSrc[g], this.kDst[g], this.kPorts[g], this.kPa[g]) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = g + 1;
    }
  }

  /** Interns a context (bytes of CTX_FIELDS joined by spaces) and notes whether it has a `-`. */
  internCtx(buf: Uint8Array, s: number, e: number, hasNull: boolean): number {
    const id = this.ctxs.intern(buf, s, e);
    if (id >= this.ctxHasNull.length) this.ctxHasNull[id] = hasNull;
    return id;
  }

  ctxNeedsFill(id: number): boolean {
    return this.ctxHasNull[id] === true;
  }

  /** Field-wise coalesce of two contexts (slow path, rare): the first non-null value wins. */
  mergeCtx(a: number, b: number): number {
    if (a === 0) return b;
    if (b === 0 || a === b) return a;
    const x = this.ctxs.get(a).split(' ');
    const y = this.ctxs.get(b).split(' ');
    const z = x.map((v, i) => (v === '-' && y[i] !== undefined ? y[i] : v));
    const id = this.ctxs.internString(z.join(' '));
    if (id >= this.ctxHasNull.length) this.ctxHasNull[id] = z.includes('-');
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
    for (let g = 0; g < this.count; g++) yield this.row(g, ctxOf(this.ctx[g]));
  }

  private row(g: number, c: (string | null)[]): FlowAggregate {
    const pa = this.kPa[g];
    const proto = pa >> 2;
    const act = pa & 3;
    const d = this.dir[g];
    const p = this.path[g];
    return {
      interfaceId: this.kIface[g] === 0 ? '' : this.ifaces.get(this.kIface[g]),
      srcaddr: this.kSrc[g] === 0 ? '' : this.addrs.get(this.kSrc[g]),
      dstaddr: this.kDst[g] === 0 ? '' : this.addrs.get(this.kDst[g]),
      srcport: this.kPorts[g] >>> 16,
      dstport: this.kPorts[g] & 0xffff,
      protocol: proto === NULL_PROTOCOL ? 0 : proto,
      action: act === 1 ? 'ACCEPT' : act === 2 ? 'REJECT' : null,
      packets: this.packets[g],
      bytes: this.bytes[g],
      records: this.records[g],
      tcpFlags: this.flags[g],
      start: this.start[g] === EMPTY_TIME ? 0 : this.start[g],
      end: this.end[g],
      accountId: c[0],
      vpcId: c[1],
      subnetId: c[2],
      instanceId: c[3],
      azId: c[4],
      region: c[5],
      pktSrcaddr: this.addrs.getOrNull(this.pktSrc[g]),
      pktDstaddr: this.addrs.getOrNull(this.pktDst[g]),
      pktSrcAwsService: c[6],
      pktDstAwsService: c[7],
      flowDirection: d === 1 ? 'ingress' : d === 2 ? 'egress' : null,
      trafficPath: p === 0 ? null : p,
    };
  }

  serialize(): SerializedTable {
    const n = this.count;
    const cols: Record<string, ArrayBufferView> = {
      kIface: this.kIface.slice(0, n),
      kSrc: this.kSrc.slice(0, n),
      kDst: this.kDst.slice(0, n),
      kPorts: this.kPorts.slice(0, n),
      kPa: this.kPa.slice(0, n),
      packets: this.packets.slice(0, n),
      bytes: this.bytes.slice(0, n),
      records: this.records.slice(0, n),
      start: this.start.slice(0, n),
      end: this.end.slice(0, n),
      flags: this.flags.slice(0, n),
      ctx: this.ctx.slice(0, n),
      pktSrc: this.pktSrc.slice(0, n),
      pktDst: this.pktDst.slice(0, n),
      dir: this.dir.slice(0, n),
      path: this.path.slice(0, n),
    };
    const list = (it: Interner) => Array.from({ length: it.size }, (_, i) => it.get(i + 1));
    return { count: n, cols, ifaces: list(this.ifaces), addrs: list(this.addrs), ctxs: list(this.ctxs) };
  }

  /** Adds another table's groups (a worker's) into this one. */
  merge(t: SerializedTable): void {
    const remap = (it: Interner, list: string[]) => {
      const m = new Uint32Array(list.length + 1);
      for (let i = 0; i < list.length; i++) m[i + 1] = it.internString(list[i]);
      return m;
    };
    const mi = remap(this.ifaces, t.ifaces);
    const ma = remap(this.addrs, t.addrs);
    const mc = new Uint32Array(t.ctxs.length + 1);
    for (let i = 0; i < t.ctxs.length; i++) {
      mc[i + 1] = this.ctxs.internString(t.ctxs[i]);
      if (mc[i + 1] >= this.ctxHasNull.length) this.ctxHasNull[mc[i + 1]] = t.ctxs[i].split(' ').includes('-');
    }
    const c = t.cols as Record<string, Uint32Array & Float64Array & Uint16Array & Uint8Array>;
    for (let i = 0; i < t.count; i++) {
      const g = this.find(mi[c.kIface[i]], ma[c.kSrc[i]], ma[c.kDst[i]], c.kPorts[i], c.kPa[i]);
      this.packets[g] += c.packets[i];
      this.bytes[g] += c.bytes[i];
      this.records[g] += c.records[i];
      if (c.start[i] < this.start[g]) this.start[g] = c.start[i];
      if (c.end[i] > this.end[g]) this.end[g] = c.end[i];
      this.flags[g] |= c.flags[i];
      const ctx = mc[c.ctx[i]];
      if (this.ctx[g] === 0) this.ctx[g] = ctx;
      else if (ctx !== 0 && ctx !== this.ctx[g] && this.ctxNeedsFill(this.ctx[g])) this.ctx[g] = this.mergeCtx(this.ctx[g], ctx);
      if (this.pktSrc[g] === 0) this.pktSrc[g] = ma[c.pktSrc[i]];
      if (this.pktDst[g] === 0) this.pktDst[g] = ma[c.pktDst[i]];
      if (this.dir[g] === 0) this.dir[g] = c.dir[i];
      if (this.path[g] === 0) this.path[g] = c.path[i];
    }
  }
}
