/**
 * Byte-level helpers of the flow-log hot path: number parsing, IP validation and a byte-string
 * interner. They work on ranges of a Uint8Array so that no string is made per field (see the
 * comment at the top of engine.ts for why and what it measured).
 */

/** Unsigned decimal in buf[s..e): the value, -1 for `-`, -2 when not a number (or > 2^53). */
export function parseUint(buf: Uint8Array, s: number, e: number): number {
  if (e - s === 1 && buf[s] === 45) return -1;
  if (e <= s || e - s > 15) return -2;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return -2;
    v = v * 10 + d;
  }
  return v;
}

/** Dotted-quad IPv4 in buf[s..e) (no leading zeros, each part 0..255). */
export function isIPv4(buf: Uint8Array, s: number, e: number): boolean {
  let parts = 0;
  let digits = 0;
  let val = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c === 46) {
      if (digits === 0) return false;
      parts++;
      digits = 0;
      val = 0;
      continue;
    }
    if (c < 48 || c > 57) return false;
    if (digits === 1 && val === 0) return false; // leading zero
    val = val * 10 + (c - 48);
    digits++;
    if (val > 255) return false;
  }
  return digits > 0 && parts === 3;
}

/**
 * Dotted-quad IPv4 in buf[s..e) as an unsigned 32-bit value, or -1 when it is not one (same rules
 * as isIPv4). Hot path: one compare per digit; a part's length, range and leading zero are checked
 * when it ends (measured: about half the time of checking each digit as it comes).
 */
export function parseIPv4(buf: Uint8Array, s: number, e: number): number {
  let parts = 0;
  let val = 0;
  let acc = 0;
  let gs = s;
  for (let i = s; i < e; i++) {
    const d = buf[i] - 48;
    if (d >= 0 && d <= 9) {
      val = val * 10 + d;
      continue;
    }
    // Only a dot (46 - 48 = -2) may end a part, and only three times.
    const len = i - gs;
    if (d !== -2 || parts === 3 || len === 0 || len > 3 || val > 255 || (len > 1 && buf[gs] === 48)) return -1;
    acc = acc * 256 + val;
    parts++;
    val = 0;
    gs = i + 1;
  }
  const len = e - gs;
  if (parts !== 3 || len === 0 || len > 3 || val > 255 || (len > 1 && buf[gs] === 48)) return -1;
  return acc * 256 + val;
}

export function ipv4String(v: number): string {
  // Joined, not a template: a template of 13+ characters is a rope of cons strings; this is flat.
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** IPv6 text form in buf[s..e): 8 groups of 1–4 hex digits, one `::` at most, optional IPv4 tail. */
export function isIPv6(buf: Uint8Array, s: number, e: number): boolean {
  const len = e - s;
  if (len < 2 || len > 45) return false;
  let groups = 0;
  let compressed = false;
  let i = s;
  if (buf[i] === 58) {
    if (buf[i + 1] !== 58) return false;
    compressed = true;
    i += 2;
    if (i === e) return true; // "::"
  }
  let groupStart = i;
  let hex = 0;
  for (; i < e; i++) {
    const c = buf[i];
    if (c === 58) {
      if (hex === 0) return false;
      groups++;
      hex = 0;
      if (i + 1 < e && buf[i + 1] === 58) {
        if (compressed) return false;
        compressed = true;
        i++;
        if (i + 1 === e) return groups <= 7;
      } else if (i + 1 === e) {
        return false;
      }
      groupStart = i + 1;
      continue;
    }
    if (c === 46) {
      if (!isIPv4(buf, groupStart, e)) return false;
      groups += 2;
      return compressed ? groups <= 7 : groups === 8;
    }
    if (!isHex(c) || ++hex > 4) return false;
  }
  if (hex === 0) return false;
  groups++;
  return compressed ? groups <= 7 : groups === 8;
}

export function isIP(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c === 58) return isIPv6(buf, s, e);
    if (c === 46) return isIPv4(buf, s, e);
  }
  return isIPv6(buf, s, e);
}

/** buf[s..e) equals the ASCII bytes `word`. */
export function eqBytes(buf: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[s + i] !== word[i]) return false;
  return true;
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const decoder = new TextDecoder('utf-8');

/** UTF-8 text of buf[s..e) (invalid sequences become U+FFFD). */
export function text(buf: Uint8Array, s: number, e: number): string {
  return decoder.decode(buf.subarray(s, e));
}

/**
 * Hash of buf[s..e): FNV-1a over the length, the last 12 bytes and 4 bytes from the middle.
 * Flow-log ids share long prefixes (`eni-`, `vpc-`, `subnet-`) and differ at the end; hashing a
 * bounded number of bytes keeps interning cheap (equality is always checked in full).
 */
export function hashBytes(buf: Uint8Array, s: number, e: number): number {
  let h = Math.imul(0x811c9dc5 ^ (e - s), 16777619);
  const tail = e - s > 12 ? e - 12 : s;
  for (let i = tail; i < e; i++) h = Math.imul(h ^ buf[i], 16777619);
  if (tail > s) {
    const m = s + ((tail - s) >> 1);
    const me = Math.min(m + 4, tail);
    for (let i = m; i < me; i++) h = Math.imul(h ^ buf[i], 16777619);
  }
  return h;
}

/**
 * A zeroed Int32Array for a hash table's slots, every page written once up front.
 * Why: a large fresh buffer is mapped lazily, and a hash probe *reads* a slot before writing it.
 * A first read maps Linux's shared zero page; the first write then swaps in a real page, which
 * needs a TLB flush. With two busy worker threads in one process that flush is an inter-processor
 * interrupt that stops the other core and empties its TLB; perf showed 7% of the two-worker run in
 * those flushes and both workers 30% slower per record than one alone. Writing first (fill) makes
 * each page one plain fault with nothing to flush. Measured in bench/flowlogs-focus.ts (README).
 */
export function prefaulted(n: number): Int32Array {
  const a = new Int32Array(n);
  a.fill(0);
  return a;
}

/**
 * Byte strings → dense ids (1-based; 0 is reserved for "absent"). Open addressing over an
 * append-only arena: used for interface ids, addresses and the per-group context fields, so a
 * group stores small integers instead of strings, and each distinct string is decoded once.
 */
export class Interner {
  private arena = new Uint8Array(1 << 16);
  private dvArena = new DataView(this.arena.buffer);
  private dvBuf: DataView = new DataView(new ArrayBuffer(0));
  private dvBufSrc: Uint8Array | null = null;
  private arenaLen = 0;
  /** offs[id] .. offs[id+1] is the id's bytes (id 1-based; offs[1] = 0). */
  private offs = new Int32Array(1024);
  private hashes = new Int32Array(1024);
  private slots = prefaulted(2048);
  private mask = 2047;
  size = 0;
  private strings: (string | undefined)[] = [undefined];

  intern(buf: Uint8Array, s: number, e: number): number {
    const h = hashBytes(buf, s, e);
    const len = e - s;
    const mask = this.mask;
    const slots = this.slots;
    let slot = h & mask;
    for (;;) {
      const id = slots[slot];
      if (id === 0) break;
      if (this.hashes[id] === h) {
        const o = this.offs[id];
        if (this.offs[id + 1] - o === len) {
          const arena = this.arena;
          let j = 0;
          if (len >= 8) {
            // Four bytes at a time: an interface id (21 bytes) is compared on every record.
            if (this.dvBufSrc !== buf) {
              this.dvBufSrc = buf;
              this.dvBuf = new DataView(buf.buffer, buf.byteOffset, buf.length);
            }
            const da = this.dvArena;
            const db = this.dvBuf;
            while (j + 4 <= len && da.getUint32(o + j, true) === db.getUint32(s + j, true)) j += 4;
          }
          while (j < len && arena[o + j] === buf[s + j]) j++;
          if (j === len) return id;
        }
      }
      slot = (slot + 1) & mask;
    }
    return this.insert(buf, s, e, h, slot);
  }

  private insert(buf: Uint8Array, s: number, e: number, h: number, slot: number): number {
    const id = ++this.size;
    if (id + 2 > this.offs.length) {
      const n = this.offs.length * 2;
      const o = new Int32Array(n);
      o.set(this.offs);
      this.offs = o;
      const hs = new Int32Array(n);
      hs.set(this.hashes);
      this.hashes = hs;
    }
    const len = e - s;
    if (this.arenaLen + len > this.arena.length) {
      let n = this.arena.length * 2;
      while (n < this.arenaLen + len) n *= 2;
      const a = new Uint8Array(n);
      a.set(this.arena.subarray(0, this.arenaLen));
      this.arena = a;
      this.dvArena = new DataView(a.buffer);
    }
    this.arena.set(buf.subarray(s, e), this.arenaLen);
    this.offs[id] = this.arenaLen;
    this.arenaLen += len;
    this.offs[id + 1] = this.arenaLen;
    this.hashes[id] = h;
    this.slots[slot] = id;
    if (this.size * 2 > this.mask) this.rehash();
    return id;
  }

  private rehash(): void {
    const n = (this.mask + 1) * 2;
    const slots = prefaulted(n);
    const mask = n - 1;
    for (let id = 1; id <= this.size; id++) {
      let slot = this.hashes[id] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** The arena holding every id's bytes (valid until the next intern). */
  arenaBytes(): Uint8Array {
    return this.arena;
  }

  /** Where id's bytes start in the arena; start(id + 1) is where they end. */
  start(id: number): number {
    return this.offs[id];
  }

  /** buf[s..e) equals the bytes of id. */
  equals(id: number, buf: Uint8Array, s: number, e: number): boolean {
    const o = this.offs[id];
    if (this.offs[id + 1] - o !== e - s) return false;
    const arena = this.arena;
    for (let j = 0; j < e - s; j++) if (arena[o + j] !== buf[s + j]) return false;
    return true;
  }

  /** Interns a JS string (slow path: merging, tests). */
  internString(s: string): number {
    const b = Buffer.from(s, 'utf8');
    return this.intern(b, 0, b.length);
  }

  get(id: number): string {
    let s = this.strings[id];
    if (s === undefined) {
      s = text(this.arena, this.offs[id], this.offs[id + 1]);
      this.strings[id] = s;
    }
    return s;
  }

  /** Nullable lookup: id 0 → null. */
  getOrNull(id: number): string | null {
    return id === 0 ? null : this.get(id);
  }
}
