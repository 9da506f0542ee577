/**
 * The flow-log engine: bytes in, counted/validated records out, summed into a FlowTable.
 *
 * WHY HAND-WRITTEN: a flow-log line is ~200 bytes and a real month is billions of lines. The obvious
 * Node code (readline + `line.split(' ')` + `Map<string, ...>` keyed by the joined 7-tuple) makes
 * ~25 strings per line and one key string per record. Measured by bench/flowlogs.bench.ts on this
 * 2-core machine (5M v5 records, 1.07 GB, 1.7M distinct 7-tuples, same run, nothing else running):
 * naive 17.8–18.0 s (0.28M records/s); this engine 1.74 s parse-only (2.9M/s) and 3.0–3.1 s
 * parse+aggregate on one thread (1.63–1.69M/s; .gz 3.3–3.4 s, 1.48–1.50M/s), 1.93–1.95 s with two
 * key-partitioned threads (partition.ts; DuckDB 1.5.6 in the same run: 1.93–1.99 s); peak RSS
 * 220–320 MB (~650 MB once the FlowAggregate[] objects exist).
 * What it does instead: it finds field boundaries and the line end in one scan of the chunk's
 * bytes, validates and parses numbers and IPv4 addresses on byte ranges (an IPv4 address becomes
 * its 32-bit value, no lookup at all), interns interface ids (and IPv6 addresses) to small
 * integers, and keys the group table by five integers (table.ts: one 64-byte row per group).
 * Table updates are batched so the cache misses of 64 lookups overlap (applyBatch). No string is
 * made per field or record on the aggregation path; strings are made for skipped lines (first N
 * kept) and once per distinct value when results are materialised.
 *
 * The same code path serves all readers: files (plain, gzip, Parquet rows), CloudWatch events
 * (`addLine`) and the `records` command (`onRecord`, which builds one object per record — slow by
 * design, it is for output, not aggregation). Parsing never throws on bad input: every line is
 * counted as parsed, skipped (with a reason), NODATA or SKIPDATA, so
 * parsed + skipped + nodata + skipdata === lines always holds.
 */
import type { RecordCounts, SkippedLine, SourceError } from '../model/flows';
import { ascii, eqBytes, Interner, isIPv6, parseIPv4, text } from './bytes';
import { classifyFirstLine, DEFAULT_FIELDS, fieldSpec, normaliseFieldName } from './fields';
import { Forwarder, partitionOf, type RowBatch } from './partition';
import { ADDR_NONE, ADDR_V4, ADDR_V6, CTX_FIELDS, FlowTable, KS, NULL_PROTOCOL, R_CTX, R_PKTDST, R_PKTSRC, R_RECORDS, VB, VS } from './table';

/** One record as the `records` command prints it: AWS field names, numbers as numbers, `-` as null. */
export type FlowRecord = Record<string, string | number | null>;

export interface TransitGatewaySummary {
  /** TGW records (resource-type TransitGateway, or a TGW format): parsed, not aggregated with ENI flows. */
  records: number;
  packets: number;
  bytes: number;
  packetsLostNoRoute: number;
  packetsLostBlackhole: number;
  packetsLostMtuExceeded: number;
  packetsLostTtlExpired: number;
  /** Per transit-gateway attachment (tgw-attachment-id, '' when absent). */
  attachments: { attachmentId: string; records: number; packets: number; bytes: number }[];
}

export interface EngineOptions {
  /** Field order for files without a header line and for addLine(). Default: version 2. */
  fields?: readonly string[];
  /** Sum records into the table (default true). False: parse and count only. */
  aggregate?: boolean;
  /** Called with each record that parsed (OK, NODATA, SKIPDATA, TGW); for the `records` command. */
  onRecord?: (record: FlowRecord) => void;
  /** Records whose [start, end] lies wholly outside this window (Unix seconds) are counted, not summed. */
  window?: { start?: number; end?: number };
  /** How many skipped lines to keep with their text (all are counted). Default 100. */
  maxSkippedKept?: number;
  /**
   * About how many records will be summed here (a hint, e.g. from file sizes): the group table
   * starts at a quarter of that, between 4,096 and 1M groups, instead of growing there by doubling.
   */
  expectedRecords?: number;
}

/**
 * The table's first capacity for a hint. Why: each doubling rehashes every group and copies every
 * row; starting at up to 1M groups skips all but the last one or two (bench: −1.5–2%). The cost of
 * a hint too high is the slot index, 16 bytes a group of capacity (16 MB at 1M), the rows being
 * untouched memory until used.
 */
export function initialGroups(expectedRecords: number | undefined): number {
  let n = 1 << 12;
  const want = Math.min((expectedRecords ?? 0) / 4, 1 << 20);
  while (n < want) n *= 2;
  return n;
}

// Field kinds on the hot path.
const K_STRING = 0;
const K_NUMBER = 1;
const K_ADDR = 2;
const K_ACTION = 3;
const K_STATUS = 4;
const K_FLOWDIR = 5;

const W_ACCEPT = ascii('ACCEPT');
const W_REJECT = ascii('REJECT');
const W_OK = ascii('OK');
const W_NODATA = ascii('NODATA');
const W_SKIPDATA = ascii('SKIPDATA');
const W_INGRESS = ascii('ingress');
const W_EGRESS = ascii('egress');
const W_TGW = ascii('TransitGateway');

const MS_THRESHOLD = 2147483648; // 2^31: larger start/end values are milliseconds

/** A compiled field order. */
interface Schema {
  fields: string[];
  n: number;
  kinds: Uint8Array;
  iIface: number;
  iSrc: number;
  iDst: number;
  iSport: number;
  iDport: number;
  iProto: number;
  iAction: number;
  iPackets: number;
  iBytes: number;
  iStart: number;
  iEnd: number;
  iStatus: number;
  iFlags: number;
  iDir: number;
  iPath: number;
  iPktSrc: number;
  iPktDst: number;
  iResType: number;
  iTgwAttach: number;
  iLost: Int32Array;
  ctx: Int32Array;
  /** Positions of number and address fields (validated on every line). */
  numIdx: Int32Array;
  addrIdx: Int32Array;
  hasPkt: boolean;
  /** The format has TGW fields and no interface-id: every record is a TGW record. */
  tgwFormat: boolean;
}

function compile(fieldsIn: readonly string[]): Schema {
  const fields = fieldsIn.map(normaliseFieldName);
  const at = (name: string) => fields.indexOf(name);
  const kinds = new Uint8Array(fields.length);
  fields.forEach((name, i) => {
    const spec = fieldSpec(name);
    if (name === 'action') kinds[i] = K_ACTION;
    else if (name === 'log-status') kinds[i] = K_STATUS;
    else if (name === 'flow-direction') kinds[i] = K_FLOWDIR;
    else if (spec.type === 'number') kinds[i] = K_NUMBER;
    else if (spec.type === 'address') kinds[i] = K_ADDR;
    else kinds[i] = K_STRING;
  });
  return {
    fields,
    n: fields.length,
    kinds,
    iIface: at('interface-id'),
    iSrc: at('srcaddr'),
    iDst: at('dstaddr'),
    iSport: at('srcport'),
    iDport: at('dstport'),
    iProto: at('protocol'),
    iAction: at('action'),
    iPackets: at('packets'),
    iBytes: at('bytes'),
    iStart: at('start'),
    iEnd: at('end'),
    iStatus: at('log-status'),
    iFlags: at('tcp-flags'),
    iDir: at('flow-direction'),
    iPath: at('traffic-path'),
    iPktSrc: at('pkt-srcaddr'),
    iPktDst: at('pkt-dstaddr'),
    iResType: at('resource-type'),
    iTgwAttach: at('tgw-attachment-id'),
    iLost: Int32Array.from(
      ['packets-lost-no-route', 'packets-lost-blackhole', 'packets-lost-mtu-exceeded', 'packets-lost-ttl-expired'].map(at),
    ),
    ctx: Int32Array.from(CTX_FIELDS.map(at)),
    numIdx: Int32Array.from(fields.flatMap((_, i) => (kinds[i] === K_NUMBER ? [i] : []))),
    addrIdx: Int32Array.from(fields.flatMap((_, i) => (kinds[i] === K_ADDR ? [i] : []))),
    hasPkt: at('pkt-srcaddr') >= 0 || at('pkt-dstaddr') >= 0,
    tgwFormat: at('interface-id') < 0 && (at('tgw-attachment-id') >= 0 || at('tgw-id') >= 0),
  };
}

const MAX_FIELDS = 512;
const BATCH = 64;
const EMPTY = new Uint8Array(0);
const MAX_LINE_KEPT = 1000;

export class FlowEngine {
  readonly counts: RecordCounts = { lines: 0, parsed: 0, skipped: 0, nodata: 0, skipdata: 0 };
  readonly skipped: SkippedLine[] = [];
  readonly errors: SourceError[] = [];
  readonly table: FlowTable;
  /** Parsed records outside the requested window (included in counts.parsed, not summed). */
  outsideWindow = 0;
  /** Earliest start / latest end of the summed records (seconds), or null. */
  minStart = Infinity;
  maxEnd = -Infinity;
  readonly tgw = { records: 0, packets: 0, bytes: 0, lost: [0, 0, 0, 0] };
  private readonly tgwAttach = new Interner();
  private readonly tgwByAttach: { records: number; packets: number; bytes: number }[] = [];

  private readonly aggregate: boolean;
  private readonly onRecord?: (record: FlowRecord) => void;
  private readonly wStart: number;
  private readonly wEnd: number;
  private readonly maxKept: number;
  private readonly defaultFields: readonly string[];
  private readonly schemas = new Map<string, Schema>();

  // Per-line scratch.
  private readonly ts = new Int32Array(MAX_FIELDS + 1);
  private readonly te = new Int32Array(MAX_FIELDS + 1);
  private readonly nums = new Float64Array(MAX_FIELDS + 1);
  // The batch of records waiting to be summed (see applyBatch).
  private bN = 0;
  private readonly bH = new Int32Array(BATCH);
  private readonly bIface = new Uint32Array(BATCH);
  private readonly bSrc = new Uint32Array(BATCH);
  private readonly bDst = new Uint32Array(BATCH);
  private readonly bPorts = new Uint32Array(BATCH);
  private readonly bPa = new Uint32Array(BATCH);
  private readonly bPackets = new Float64Array(BATCH);
  private readonly bBytes = new Float64Array(BATCH);
  private readonly bStart = new Float64Array(BATCH);
  private readonly bEnd = new Float64Array(BATCH);
  private readonly bFlags = new Uint32Array(BATCH);
  private readonly bDirPath = new Uint32Array(BATCH);
  private readonly bPk = new Uint8Array(BATCH);
  private readonly bPktSrc = new Uint32Array(BATCH);
  private readonly bPktDst = new Uint32Array(BATCH);
  private readonly bTok = new Int32Array(BATCH * 16 + 16);
  private readonly bPre = new Int32Array(BATCH);
  private readonly bBuf: Uint8Array[] = new Array<Uint8Array>(BATCH).fill(EMPTY);
  /** Kept so the prefetching loads are not optimised away. */
  sink = 0;
  private ctxBuf = new Uint8Array(1024);
  private readonly akind = new Uint8Array(MAX_FIELDS + 1);
  /** Last context id seen per interface id. */
  private readonly ifaceCtx: number[] = [];

  // Per-file state.
  private file = '';
  private line = 0;
  private schema: Schema | null = null;
  private fileFields: readonly string[] | null = null;
  private detectHeader = true;
  private firstLine = true;
  private carry: Uint8Array | null = null;
  private fileGood = 0;
  private fileLines = 0;
  private sniffed = false;
  /** The current file was rejected (not a flow log): the reader should stop feeding it. */
  dead = false;

  constructor(opts: EngineOptions = {}) {
    this.aggregate = opts.aggregate ?? true;
    this.onRecord = opts.onRecord;
    this.wStart = opts.window?.start ?? -Infinity;
    this.wEnd = opts.window?.end ?? Infinity;
    this.maxKept = opts.maxSkippedKept ?? 100;
    this.defaultFields = opts.fields && opts.fields.length > 0 ? opts.fields : DEFAULT_FIELDS;
    this.table = new FlowTable(initialGroups(opts.expectedRecords));
  }

  private schemaFor(fields: readonly string[]): Schema {
    const key = fields.join(' ');
    let s = this.schemas.get(key);
    if (!s) {
      s = compile(fields);
      this.schemas.set(key, s);
    }
    return s;
  }

  // ---------------------------------------------------------------- files

  /**
   * Starts a file. `fields` fixes the order (Parquet columns); otherwise the first line is tested
   * for a header and, when it is none, the engine's default fields apply.
   */
  beginFile(file: string, opts: { fields?: readonly string[]; header?: boolean } = {}): void {
    this.file = file;
    this.line = 0;
    this.fileFields = opts.fields ?? null;
    this.detectHeader = opts.header ?? !opts.fields;
    this.schema = opts.fields ? this.schemaFor(opts.fields) : null;
    this.firstLine = true;
    this.carry = null;
    this.dead = false;
    this.sniffed = false;
    this.fileGood = this.counts.parsed + this.counts.nodata + this.counts.skipdata;
    this.fileLines = this.counts.lines;
  }

  /** Feeds the next bytes of the current file (any chunking; lines may span chunks). */
  push(chunkIn: Uint8Array): void {
    if (this.dead || chunkIn.length === 0) return;
    // One element type on the hot path (Buffer is a subclass: keep the code monomorphic).
    const chunk = new Uint8Array(chunkIn.buffer, chunkIn.byteOffset, chunkIn.length);
    if (!this.sniffed) {
      this.sniffed = true;
      if (this.carry === null && looksBinary(chunk)) {
        this.fail('binary data, not a flow log');
        return;
      }
    }
    let pos = 0;
    const len = chunk.length;
    // A line begun in the previous chunk, or the first line (header detection): the slow way.
    while (this.carry !== null || this.firstLine) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) {
        this.carry = this.carry === null ? chunk.slice(pos) : concat(this.carry, chunk.subarray(pos));
        return;
      }
      if (this.carry !== null) {
        const joined = concat(this.carry, chunk.subarray(pos, nl));
        this.carry = null;
        this.lineBytes(joined, 0, joined.length);
      } else {
        this.lineBytes(chunk, pos, nl);
      }
      pos = nl + 1;
      if (this.dead) return;
    }
    const sc = this.schema as Schema;
    // The fast loop: find field boundaries and the line end in one scan, four bytes at a time.
    // (w - 0x21212121) & ~w & 0x80808080 is non-zero exactly when one of the word's four bytes is
    // <= 32 (space, newline, tab, CR, control), and its lowest set bit marks the first such byte,
    // so a field costs about length/4 word reads instead of one load and compare per byte
    // (measured on the 5M-record bench: the scan went from 1.12 s to 0.70 s of CPU time). Anything irregular
    // (tabs, runs of spaces, CR, control bytes) sends the line to the careful tokenizer.
    const dv = new DataView(chunk.buffer, chunk.byteOffset, len);
    const last4 = len - 4;
    while (pos < len) {
      const ts = this.ts;
      const te = this.te;
      let n = 0;
      let st = pos;
      let irregular = false;
      let i = pos;
      for (;;) {
        let c: number;
        if (i <= last4) {
          const w = dv.getUint32(i, true);
          const t = (w - 0x21212121) & ~w & 0x80808080;
          if (t === 0) {
            i += 4;
            continue;
          }
          i += (31 - Math.clz32(t & -t)) >> 3;
          c = chunk[i];
        } else if (i < len) {
          c = chunk[i];
          if (c > 32) {
            i++;
            continue;
          }
        } else break;
        if (c === 32) {
          if (n < MAX_FIELDS) {
            ts[n] = st;
            te[n] = i;
          }
          if (i === st) irregular = true;
          n++;
          st = i + 1;
        } else if (c === 10) break;
        else irregular = true;
        i++;
      }
      if (i >= len) {
        this.carry = chunk.slice(pos);
        return;
      }
      this.line++;
      if (irregular || n >= MAX_FIELDS || i === st) {
        this.processLine(chunk, pos, i, sc);
      } else {
        ts[n] = st;
        te[n] = i;
        this.processFields(chunk, pos, i, n + 1, sc);
      }
      pos = i + 1;
    }
  }

  /** Ends the current file: the last line without a newline is processed. */
  endFile(): void {
    if (this.carry !== null && !this.dead) {
      const c = this.carry;
      this.carry = null;
      this.lineBytes(c, 0, c.length);
    }
    this.carry = null;
    if (!this.dead && this.counts.lines > this.fileLines) {
      const good = this.counts.parsed + this.counts.nodata + this.counts.skipdata - this.fileGood;
      if (good === 0) this.errors.push({ file: this.file, message: `not a flow log: none of its ${this.counts.lines - this.fileLines} lines parsed as a flow-log record` });
    }
    this.flush();
  }

  /** Records a file-level error (unreadable, truncated gzip, ...) and stops the file. */
  fail(message: string): void {
    this.flush();
    if (this.dead) return;
    this.errors.push({ file: this.file, message });
    this.dead = true;
    this.carry = null;
  }

  /** Flushes the partial last line (e.g. before reporting a truncated gzip) without ending the file. */
  flushPartial(): void {
    if (this.carry !== null && !this.dead) {
      const c = this.carry;
      this.carry = null;
      this.lineBytes(c, 0, c.length);
    }
  }

  /** One line of the current file given as text (Parquet rows rendered with spaces). */
  lineText(line: string): void {
    if (this.dead) return;
    const buf = Buffer.from(line, 'utf8');
    this.lineBytes(buf, 0, buf.length);
  }

  private lineBytes(buf: Uint8Array, s: number, e: number): void {
    this.line++;
    if (this.firstLine) {
      this.firstLine = false;
      if (this.detectHeader) {
        const first = text(buf, s, Math.min(e, s + 8192));
        const kind = classifyFirstLine(first);
        if (kind === 'header') {
          this.schema = this.schemaFor(first.trim().split(/\s+/));
          return;
        }
        if (kind === 'bad-header') {
          this.fail(`not a flow log: first line is a header naming no known flow-log field ("${first.slice(0, 120)}")`);
          return;
        }
      }
      if (this.schema === null) this.schema = this.schemaFor(this.fileFields ?? this.defaultFields);
    }
    this.processLine(buf, s, e, this.schema as Schema);
  }

  // ---------------------------------------------------------------- lines

  /**
   * One line from a source that has no files or headers (CloudWatch: one event message per call,
   * the stream name as `file`, the event's index as `line`). Uses `fields` (from the flow log's
   * LogFormat) or the engine's default fields.
   */
  addLine(line: string, file: string, lineNo: number, fields?: readonly string[]): void {
    const schema = this.schemaFor(fields ?? this.defaultFields);
    const buf = Buffer.from(line, 'utf8');
    let e = buf.length;
    while (e > 0 && (buf[e - 1] === 10 || buf[e - 1] === 13)) e--;
    const saveFile = this.file;
    const saveLine = this.line;
    this.file = file;
    this.line = lineNo;
    this.processLine(buf, 0, e, schema);
    this.flush();
    this.file = saveFile;
    this.line = saveLine;
  }

  private skip(buf: Uint8Array, s: number, e: number, reason: string): void {
    this.counts.skipped++;
    if (this.skipped.length < this.maxKept) {
      this.skipped.push({ file: this.file, line: this.line, reason, text: text(buf, s, Math.min(e, s + MAX_LINE_KEPT)) });
    }
  }

  /** One line's bytes buf[s..e) (no newline) under a schema: careful tokenizer, then the fields. */
  private processLine(buf: Uint8Array, s: number, e: number, sc: Schema): void {
    if (e > s && buf[e - 1] === 13) e--;
    const ts = this.ts;
    const te = this.te;
    // Runs of spaces/tabs separate fields; leading/trailing blanks are ignored.
    let n = 0;
    let i = s;
    while (i < e) {
      let c = buf[i];
      while (c === 32 || c === 9) {
        if (++i === e) break;
        c = buf[i];
      }
      if (i === e) break;
      if (n === MAX_FIELDS) {
        n++;
        break;
      }
      ts[n] = i;
      while (i < e && (c = buf[i]) !== 32 && c !== 9) i++;
      te[n++] = i;
    }
    this.processFields(buf, s, e, n, sc);
  }

  /** The hot path: a tokenised line (n fields in ts/te) → counted, validated, summed. */
  private processFields(buf: Uint8Array, s: number, e: number, n: number, sc: Schema): void {
    const counts = this.counts;
    counts.lines++;
    if (n !== sc.n) {
      this.skip(buf, s, e, n === 0 ? 'empty line' : `expected ${sc.n} fields, found ${n > MAX_FIELDS ? `more than ${MAX_FIELDS}` : n}`);
      return;
    }
    const ts = this.ts;
    const te = this.te;
    // log-status first: NODATA/SKIPDATA carry `-` in most fields.
    let status = 0; // 0 OK, 1 NODATA, 2 SKIPDATA
    if (sc.iStatus >= 0) {
      const a = ts[sc.iStatus];
      const b = te[sc.iStatus];
      const c = buf[a];
      if (c === 79 ? eqBytes(buf, a, b, W_OK) : c === 45 ? b - a === 1 : false) status = 0;
      else if (eqBytes(buf, a, b, W_NODATA)) status = 1;
      else if (eqBytes(buf, a, b, W_SKIPDATA)) status = 2;
      else {
        this.skip(buf, s, e, 'log-status is not OK, NODATA or SKIPDATA');
        return;
      }
    }
    // Numbers: parsed once, -1 for `-`.
    const nums = this.nums;
    const numIdx = sc.numIdx;
    for (let k = 0; k < numIdx.length; k++) {
      const f = numIdx[k];
      const a = ts[f];
      const b = te[f];
      if (b - a === 1 && buf[a] === 45) {
        nums[f] = -1;
        continue;
      }
      if (b - a > 15) {
        this.skip(buf, s, e, `${sc.fields[f]} is not a number`);
        return;
      }
      let v = 0;
      for (let j = a; j < b; j++) {
        const d = buf[j] - 48;
        if (d < 0 || d > 9) {
          this.skip(buf, s, e, `${sc.fields[f]} is not a number`);
          return;
        }
        v = v * 10 + d;
      }
      nums[f] = v;
    }
    // Addresses: IPv4 parsed to its 32-bit value in the same pass that validates it.
    const addrIdx = sc.addrIdx;
    const akind = this.akind;
    for (let k = 0; k < addrIdx.length; k++) {
      const f = addrIdx[k];
      const a = ts[f];
      const b = te[f];
      if (b - a === 1 && buf[a] === 45) {
        akind[f] = ADDR_NONE;
        continue;
      }
      const v4 = parseIPv4(buf, a, b);
      if (v4 >= 0) {
        akind[f] = ADDR_V4;
        nums[f] = v4;
      } else if (isIPv6(buf, a, b)) {
        akind[f] = ADDR_V6;
      } else {
        this.skip(buf, s, e, `${sc.fields[f]} is not an IPv4 or IPv6 address`);
        return;
      }
    }
    let act = 0;
    if (sc.iAction >= 0) {
      const a = ts[sc.iAction];
      const b = te[sc.iAction];
      const c = buf[a];
      if (c === 65 && eqBytes(buf, a, b, W_ACCEPT)) act = 1;
      else if (c === 82 && eqBytes(buf, a, b, W_REJECT)) act = 2;
      else if (!(c === 45 && b - a === 1)) {
        this.skip(buf, s, e, 'action is not ACCEPT or REJECT');
        return;
      }
    }
    let dir = 0;
    if (sc.iDir >= 0) {
      const a = ts[sc.iDir];
      const b = te[sc.iDir];
      const c = buf[a];
      if (c === 105 && eqBytes(buf, a, b, W_INGRESS)) dir = 1;
      else if (c === 101 && eqBytes(buf, a, b, W_EGRESS)) dir = 2;
      else if (!(c === 45 && b - a === 1)) {
        this.skip(buf, s, e, 'flow-direction is not ingress or egress');
        return;
      }
    }
    const sport = sc.iSport >= 0 ? nums[sc.iSport] : -1;
    const dport = sc.iDport >= 0 ? nums[sc.iDport] : -1;
    if (sport > 65535 || dport > 65535) {
      this.skip(buf, s, e, 'port out of range 0..65535');
      return;
    }
    const proto = sc.iProto >= 0 ? nums[sc.iProto] : -1;
    if (proto > 255) {
      this.skip(buf, s, e, 'protocol out of range 0..255');
      return;
    }
    let start = sc.iStart >= 0 ? nums[sc.iStart] : -1;
    let end = sc.iEnd >= 0 ? nums[sc.iEnd] : -1;
    if (start >= MS_THRESHOLD) start = Math.floor(start / 1000);
    if (end >= MS_THRESHOLD) end = Math.floor(end / 1000);
    if (start >= MS_THRESHOLD || end >= MS_THRESHOLD) {
      this.skip(buf, s, e, 'start/end beyond any plausible time');
      return;
    }

    // The line is a record.
    if (status === 1) counts.nodata++;
    else if (status === 2) counts.skipdata++;
    else counts.parsed++;
    if (start >= 0 && end >= 0 && (end < this.wStart || start > this.wEnd)) {
      if (status === 0) this.outsideWindow++;
      return;
    }
    if (this.onRecord) this.emit(buf, sc, start, end);
    if (status !== 0) return;
    const isTgw = sc.tgwFormat || (sc.iResType >= 0 && eqBytes(buf, ts[sc.iResType], te[sc.iResType], W_TGW));
    const packets = sc.iPackets >= 0 ? nums[sc.iPackets] : -1;
    const bytes = sc.iBytes >= 0 ? nums[sc.iBytes] : -1;
    if (isTgw) {
      this.addTgw(buf, sc, packets, bytes);
      return;
    }
    if (!this.aggregate) return;
    if (start >= 0 && start < this.minStart) this.minStart = start;
    if (end > this.maxEnd) this.maxEnd = end;
    this.sumRecord(buf, sc, act, dir, sport, dport, proto, start, end, packets, bytes);
  }

  /**
   * Sums a validated record under its integer key (or forwards it to its partition's worker).
   * Its own method, not part of processFields, for V8's inliner: an optimised function may inline
   * only so much bytecode (920) in all, and processFields alone is ~4,000; split, each half inlines
   * its small helpers (interning, hashing, the partition) instead of calling them (bench: two
   * workers 2.2 s -> 2.0 s, one thread −3%).
   */
  private sumRecord(
    buf: Uint8Array,
    sc: Schema,
    act: number,
    dir: number,
    sport: number,
    dport: number,
    proto: number,
    start: number,
    end: number,
    packets: number,
    bytes: number,
  ): void {
    const ts = this.ts;
    const te = this.te;
    const nums = this.nums;
    const akind = this.akind;
    // Sum under the integer key.
    const t = this.table;
    const iface = sc.iIface >= 0 && !isDash(buf, ts[sc.iIface], te[sc.iIface]) ? t.ifaces.intern(buf, ts[sc.iIface], te[sc.iIface]) : 0;
    const srcKind = sc.iSrc >= 0 ? akind[sc.iSrc] : ADDR_NONE;
    const dstKind = sc.iDst >= 0 ? akind[sc.iDst] : ADDR_NONE;
    const src = srcKind === ADDR_V4 ? nums[sc.iSrc] : srcKind === ADDR_V6 ? t.addrs.intern(buf, ts[sc.iSrc], te[sc.iSrc]) : 0;
    const dst = dstKind === ADDR_V4 ? nums[sc.iDst] : dstKind === ADDR_V6 ? t.addrs.intern(buf, ts[sc.iDst], te[sc.iDst]) : 0;
    const ports = (sport < 0 ? 0 : sport) * 65536 + (dport < 0 ? 0 : dport);
    const pa = ((proto < 0 ? NULL_PROTOCOL : proto) * 4 + act) | (srcKind << 11) | (dstKind << 13);
    const flags = sc.iFlags >= 0 && nums[sc.iFlags] > 0 ? nums[sc.iFlags] & 0xffff : 0;
    const dirPath = dir | ((sc.iPath >= 0 && nums[sc.iPath] > 0 ? Math.min(nums[sc.iPath], 255) : 0) << 2);
    let pk = 0;
    let pktSrc = 0;
    let pktDst = 0;
    if (sc.iPktSrc >= 0 && akind[sc.iPktSrc] !== ADDR_NONE) {
      pk = akind[sc.iPktSrc];
      pktSrc = pk === ADDR_V4 ? nums[sc.iPktSrc] : t.addrs.intern(buf, ts[sc.iPktSrc], te[sc.iPktSrc]);
    }
    if (sc.iPktDst >= 0 && akind[sc.iPktDst] !== ADDR_NONE) {
      const k = akind[sc.iPktDst];
      pk |= k << 2;
      pktDst = k === ADDR_V4 ? nums[sc.iPktDst] : t.addrs.intern(buf, ts[sc.iPktDst], te[sc.iPktDst]);
    }
    const ctx = sc.ctx;
    const tok = this.bTok;
    const fwd = this.fwd;
    if (fwd !== null) {
      // Partitioned over workers (partition.ts): a record of another worker's partition goes there as a row.
      const p = partitionOf(srcKind === ADDR_V4 ? src : 0, dstKind === ADDR_V4 ? dst : 0, ports, pa, fwd.count);
      if (p !== this.partIndex) {
        const base = BATCH * 16; // scratch tokens, after the batch's
        for (let k = 0; k < 8; k++) {
          const f = ctx[k];
          tok[base + 2 * k] = f >= 0 ? ts[f] : -1;
          tok[base + 2 * k + 1] = f >= 0 ? te[f] : -1;
        }
        let c = this.ifaceCtx[iface] ?? 0;
        if (c === 0 || !this.ctxMatches(c, buf, base)) {
          c = this.ctxId(buf, base);
          this.ifaceCtx[iface] = c;
        }
        const w4 = (pa | ((dirPath & 3) << 16) | ((dirPath >> 2) << 24)) >>> 0;
        const w7 = (flags | ((pk & 3) << 16) | ((pk >> 2) << 18)) >>> 0;
        fwd.add(p, iface, src, dst, ports, w4, start, end, w7, packets, bytes, c, pktSrc, pktDst);
        return;
      }
    }
    // Queue the record; the table is updated a batch at a time (see applyBatch).
    const j = this.bN++;
    const h = FlowTable.hash(iface, src, dst, ports, pa);
    this.bH[j] = h;
    this.bIface[j] = iface;
    this.bSrc[j] = src;
    this.bDst[j] = dst;
    this.bPorts[j] = ports;
    this.bPa[j] = pa;
    this.bPackets[j] = packets;
    this.bBytes[j] = bytes;
    this.bStart[j] = start;
    this.bEnd[j] = end;
    this.bFlags[j] = flags;
    this.bDirPath[j] = dirPath;
    this.bPktSrc[j] = pktSrc;
    this.bPktDst[j] = pktDst;
    this.bPk[j] = pk;
    // Context fields by position (start, end; -1 when the format lacks the field).
    const base = j * 16;
    for (let k = 0; k < 8; k++) {
      const f = ctx[k];
      tok[base + 2 * k] = f >= 0 ? ts[f] : -1;
      tok[base + 2 * k + 1] = f >= 0 ? te[f] : -1;
    }
    this.bBuf[j] = buf;
    if (this.bN === BATCH) this.applyBatch();
  }

  /** Applies queued records to the table, so no queued record points into a chunk any more (the reader may reuse it). */
  applyPending(): void {
    if (this.bN > 0) this.applyBatch();
  }

  /** Applies queued records to the table (and sends rows queued for other partitions); call before reading the table. */
  flush(): void {
    if (this.bN > 0) this.applyBatch();
    this.fwd?.flushAll();
  }

  private fwd: Forwarder | null = null;
  private dvArena: DataView = new DataView(new ArrayBuffer(0));
  private dvBuf: DataView = new DataView(new ArrayBuffer(0));
  private dvBufSrc: Uint8Array = EMPTY;
  private dvArenaSrc: Uint8Array = EMPTY;
  private partIndex = 0;

  /**
   * Makes this engine one of `count` key-partitioned workers (partition.ts): records of partition
   * `index` are summed here, the others are handed to `send` as row batches for their owners.
   */
  partitioned(index: number, count: number, send: (partition: number, batch: RowBatch) => void): Forwarder {
    this.partIndex = index;
    this.fwd = new Forwarder(this.table, count, send);
    return this.fwd;
  }

  /** Back to summing every record here (after a partitioned run; nothing may be left to send). */
  unpartitioned(): void {
    this.fwd = null;
    this.partIndex = 0;
  }

  /**
   * Group prefetching. The table is far bigger than the CPU caches, so each lookup costs two cache
   * misses (slot, then row). Done one record at a time the CPU waits for each miss in turn; here
   * the slots of a whole batch are read in one loop of independent loads, then their rows, so the
   * misses overlap; the real update loop then mostly hits the cache.
   */
  private applyBatch(): void {
    const n = this.bN;
    const t = this.table;
    const slots = t.slotArray();
    const mask = slots.length / 2 - 1;
    const pre = this.bPre;
    const bH = this.bH;
    for (let j = 0; j < n; j++) pre[j] = slots[(bH[j] & mask) * 2];
    const K = t.K;
    let acc = 0;
    for (let j = 0; j < n; j++) {
      const s1 = pre[j];
      // Both ends of the row: rows are 64 bytes but the buffer need not be 64-byte aligned.
      if (s1 !== 0) acc += K[(s1 - 1) * KS] + K[(s1 - 1) * KS + 15];
    }
    this.sink = acc;
    for (let j = 0; j < n; j++) this.applyOne(j);
    this.bN = 0;
    this.bBuf.fill(EMPTY);
  }

  /** Sums queued record j into its group. */
  private applyOne(j: number): void {
    const t = this.table;
    const buf = this.bBuf[j];
    const iface = this.bIface[j];
    const pa = this.bPa[j];
    const dirPath = this.bDirPath[j];
    const g = t.findH(this.bH[j], iface, this.bSrc[j], this.bDst[j], this.bPorts[j], pa);
    const K = t.K;
    const V = t.V;
    const o = g * KS;
    const v = g * VS + VB;
    const packets = this.bPackets[j];
    const bytes = this.bBytes[j];
    if (packets > 0) V[v] += packets;
    if (bytes > 0) V[v + 1] += bytes;
    K[o + R_RECORDS]++;
    const start = this.bStart[j];
    const end = this.bEnd[j];
    if (start >= 0 && start < K[o + 5]) K[o + 5] = start;
    if (end > K[o + 6]) K[o + 6] = end;
    const flags = this.bFlags[j];
    if (flags !== 0) K[o + 7] = (K[o + 7] | flags) >>> 0;
    const base = j * 16;
    if (t.inserted) {
      K[o + 4] = (pa | ((dirPath & 3) << 16) | ((dirPath >> 2) << 24)) >>> 0;
      // Context: usually the same for every record of an interface, so try that one first.
      let ctx = this.ifaceCtx[iface] ?? 0;
      if (ctx === 0 || !this.ctxMatches(ctx, buf, base)) {
        ctx = this.ctxId(buf, base);
        this.ifaceCtx[iface] = ctx;
      }
      K[o + R_CTX] = ctx;
      if (this.bPk[j] !== 0) this.fillPkt(g, j);
    } else {
      // Optional per-group values are order-independent (so worker threads and file order give
      // the same result): a null is filled by a later record; two different values keep the
      // smaller (table.ts keepFirst). A group of the NAT gateway's interface sees many
      // pkt-srcaddr values for one 7-tuple over time, for example.
      const nullMask = t.ctxNullMask(K[o + R_CTX]);
      if (nullMask !== 0 && this.presentCtx(buf, base, nullMask) !== 0) this.fillCtx(g, buf, base);
      const pk = this.bPk[j];
      if (pk !== 0) {
        const f = K[o + 7];
        if (
          ((pk & 3) !== 0 && (((f >>> 16) & 3) !== (pk & 3) || K[o + R_PKTSRC] !== this.bPktSrc[j])) ||
          (pk >> 2 !== 0 && (((f >>> 18) & 3) !== pk >> 2 || K[o + R_PKTDST] !== this.bPktDst[j]))
        ) {
          this.fillPkt(g, j);
        }
      }
      if (dirPath !== 0) {
        const w = K[o + 4];
        const w2 = t.keepWord(w, (pa | ((dirPath & 3) << 16) | ((dirPath >> 2) << 24)) >>> 0);
        if (w2 !== w) K[o + 4] = w2;
      }
    }
  }

  /** Of the context fields in `mask`, those queued record (at tok base) has (not `-`). */
  private presentCtx(buf: Uint8Array, base: number, mask: number): number {
    let m = 0;
    const tok = this.bTok;
    for (let k = 0; k < 8; k++) {
      const a = tok[base + 2 * k];
      if ((mask & (1 << k)) !== 0 && a >= 0 && !isDash(buf, a, tok[base + 2 * k + 1])) m |= 1 << k;
    }
    return m;
  }

  /** An existing group whose context is partly null: take the fields this record has. */
  private fillCtx(g: number, buf: Uint8Array, base: number): void {
    const t = this.table;
    const o = g * KS + R_CTX;
    const c = this.ctxId(buf, base);
    if (c !== t.K[o]) t.K[o] = t.mergeCtx(t.K[o], c);
  }

  /** pkt-srcaddr / pkt-dstaddr of queued record j into group g: set when null, else the smaller kept. */
  private fillPkt(g: number, j: number): void {
    const t = this.table;
    const K = t.K;
    const o = g * KS;
    let f = K[o + 7];
    const pk = this.bPk[j];
    const ks = pk & 3;
    if (ks !== 0 && t.pktLess(ks, this.bPktSrc[j], (f >>> 16) & 3, K[o + R_PKTSRC])) {
      K[o + R_PKTSRC] = this.bPktSrc[j];
      f = (f & ~0x30000) | (ks << 16);
    }
    const kd = pk >> 2;
    if (kd !== 0 && t.pktLess(kd, this.bPktDst[j], (f >>> 18) & 3, K[o + R_PKTDST])) {
      K[o + R_PKTDST] = this.bPktDst[j];
      f = (f & ~0xc0000) | (kd << 18);
    }
    K[o + 7] = f >>> 0;
  }

  /** The queued record's context fields equal context `id` (compared in place, nothing copied). */
  private ctxMatches(id: number, buf: Uint8Array, base: number): boolean {
    const arena = this.table.ctxs.arenaBytes();
    let p = this.table.ctxs.start(id);
    const end = this.table.ctxs.start(id + 1);
    const tok = this.bTok;
    for (let k = 0; k < 8; k++) {
      if (k > 0) {
        if (arena[p] !== 32) return false;
        p++;
      }
      const a = tok[base + 2 * k];
      const b = tok[base + 2 * k + 1];
      if (a < 0 || isDash(buf, a, b)) {
        if (arena[p] !== 45 || (p + 1 < end && arena[p + 1] !== 32)) return false;
        p++;
        continue;
      }
      if (p + (b - a) > end) return false;
      let i = a;
      if (b - a >= 8) {
        // Four bytes at a time (ids such as vpc-/subnet-/instance- are 12–24 bytes): this runs for
        // every record forwarded to another partition's worker.
        // Compared by object, not by .buffer: reading a typed array's .buffer is a call into V8's
        // runtime (≈3% of a two-worker run in perf).
        if (this.dvArenaSrc !== arena) {
          this.dvArenaSrc = arena;
          this.dvArena = new DataView(arena.buffer, arena.byteOffset, arena.length);
        }
        if (this.dvBufSrc !== buf) {
          this.dvBufSrc = buf;
          this.dvBuf = new DataView(buf.buffer, buf.byteOffset, buf.length);
        }
        const da = this.dvArena;
        const db = this.dvBuf;
        for (; i + 4 <= b; i += 4, p += 4) if (da.getUint32(p, true) !== db.getUint32(i, true)) return false;
      }
      for (; i < b; i++) if (arena[p++] !== buf[i]) return false;
      if (p < end && arena[p] !== 32) return false;
    }
    return p === end;
  }

  /** Interns the queued record's context fields (CTX_FIELDS joined by spaces, `-` when absent). */
  private ctxId(buf: Uint8Array, base: number): number {
    let len = 0;
    let nullMask = 0;
    let cb = this.ctxBuf;
    const tok = this.bTok;
    for (let k = 0; k < 8; k++) {
      const a = tok[base + 2 * k];
      const b = tok[base + 2 * k + 1];
      const need = len + (a >= 0 ? b - a : 1) + 2;
      if (need > cb.length) {
        const nb = new Uint8Array(need * 2);
        nb.set(cb.subarray(0, len));
        this.ctxBuf = cb = nb;
      }
      if (k > 0) cb[len++] = 32;
      if (a < 0 || (b - a === 1 && buf[a] === 45)) {
        cb[len++] = 45;
        nullMask |= 1 << k;
      } else {
        for (let i = a; i < b; i++) cb[len++] = buf[i];
      }
    }
    return this.table.internCtx(cb, 0, len, nullMask);
  }

  private addTgw(buf: Uint8Array, sc: Schema, packets: number, bytes: number): void {
    const t = this.tgw;
    t.records++;
    if (packets > 0) t.packets += packets;
    if (bytes > 0) t.bytes += bytes;
    for (let k = 0; k < 4; k++) {
      const f = sc.iLost[k];
      if (f >= 0 && this.nums[f] > 0) t.lost[k] += this.nums[f];
    }
    const id =
      sc.iTgwAttach >= 0 && !isDash(buf, this.ts[sc.iTgwAttach], this.te[sc.iTgwAttach])
        ? this.tgwAttach.intern(buf, this.ts[sc.iTgwAttach], this.te[sc.iTgwAttach])
        : this.tgwAttach.internString('');
    const a = (this.tgwByAttach[id] ??= { records: 0, packets: 0, bytes: 0 });
    a.records++;
    if (packets > 0) a.packets += packets;
    if (bytes > 0) a.bytes += bytes;
  }

  /** Slow path for `records`: one object, AWS field names as keys. */
  private emit(buf: Uint8Array, sc: Schema, start: number, end: number): void {
    const rec: FlowRecord = {};
    const nums = this.nums;
    for (let f = 0; f < sc.n; f++) {
      const name = sc.fields[f];
      const a = this.ts[f];
      const b = this.te[f];
      if (b - a === 1 && buf[a] === 45) rec[name] = null;
      else if (sc.kinds[f] === K_NUMBER) rec[name] = f === sc.iStart ? start : f === sc.iEnd ? end : nums[f];
      else rec[name] = text(buf, a, b);
    }
    rec._file = this.file;
    rec._line = this.line;
    (this.onRecord as (r: FlowRecord) => void)(rec);
  }

  // ---------------------------------------------------------------- results

  transitGateway(): TransitGatewaySummary {
    const [noRoute, blackhole, mtu, ttl] = this.tgw.lost;
    return {
      records: this.tgw.records,
      packets: this.tgw.packets,
      bytes: this.tgw.bytes,
      packetsLostNoRoute: noRoute,
      packetsLostBlackhole: blackhole,
      packetsLostMtuExceeded: mtu,
      packetsLostTtlExpired: ttl,
      attachments: this.tgwByAttach
        .map((v, id) => ({ attachmentId: this.tgwAttach.get(id), ...v }))
        .filter((x) => x !== undefined),
    };
  }

  /** Adds another engine's results (a worker's, already serialised) into this one. */
  mergeCounts(other: EngineSnapshot): void {
    const c = this.counts;
    c.lines += other.counts.lines;
    c.parsed += other.counts.parsed;
    c.skipped += other.counts.skipped;
    c.nodata += other.counts.nodata;
    c.skipdata += other.counts.skipdata;
    for (const sk of other.skipped) if (this.skipped.length < this.maxKept) this.skipped.push(sk);
    this.errors.push(...other.errors);
    this.outsideWindow += other.outsideWindow;
    if (other.minStart < this.minStart) this.minStart = other.minStart;
    if (other.maxEnd > this.maxEnd) this.maxEnd = other.maxEnd;
    this.tgw.records += other.tgw.records;
    this.tgw.packets += other.tgw.packets;
    this.tgw.bytes += other.tgw.bytes;
    for (let k = 0; k < 4; k++) this.tgw.lost[k] += other.tgw.lost[k];
    for (const a of other.tgwAttachments) {
      const id = this.tgwAttach.internString(a.attachmentId);
      const x = (this.tgwByAttach[id] ??= { records: 0, packets: 0, bytes: 0 });
      x.records += a.records;
      x.packets += a.packets;
      x.bytes += a.bytes;
    }
  }

  snapshot(): EngineSnapshot {
    this.flush();
    return {
      counts: { ...this.counts },
      skipped: this.skipped,
      errors: this.errors,
      outsideWindow: this.outsideWindow,
      minStart: this.minStart,
      maxEnd: this.maxEnd,
      tgw: this.tgw,
      tgwAttachments: this.transitGateway().attachments,
    };
  }
}

/** Everything but the table, as plain data (structured-clone safe). */
export interface EngineSnapshot {
  counts: RecordCounts;
  skipped: SkippedLine[];
  errors: SourceError[];
  outsideWindow: number;
  minStart: number;
  maxEnd: number;
  tgw: { records: number; packets: number; bytes: number; lost: number[] };
  tgwAttachments: { attachmentId: string; records: number; packets: number; bytes: number }[];
}

function isDash(buf: Uint8Array, a: number, b: number): boolean {
  return b - a === 1 && buf[a] === 45;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** NUL bytes, or many control bytes, in the first 4 KB: binary, not a text flow log. */
export function looksBinary(chunk: Uint8Array): boolean {
  const n = Math.min(chunk.length, 4096);
  let ctl = 0;
  for (let i = 0; i < n; i++) {
    const c = chunk[i];
    if (c === 0) return true;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) ctl++;
  }
  return ctl > n / 10;
}
