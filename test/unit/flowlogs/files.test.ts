import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { aggregateFiles, readRecords, type RecordsSummary } from '../../../src/core/flowlogs/aggregate';
import type { FlowRecord } from '../../../src/core/flowlogs/engine';
import { DEFAULT_FIELDS, V5_FIELDS } from '../../../src/core/flowlogs/fields';
import { assertIdentity } from './helpers';

let dir = '';
const T0 = Date.parse('2024-03-05T14:00:00Z') / 1000;
const line = (eni: string, bytes: number, t = T0) =>
  `2 123456789012 ${eni} 10.0.0.5 52.94.1.10 40000 443 6 3 ${bytes} ${t} ${t + 60} ACCEPT OK`;
const HEADER = DEFAULT_FIELDS.join(' ');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'egress-lens-flowlogs-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, data: string | Uint8Array): string {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, data);
  return p;
}

test('plain and gzip files give the same counts and sums', async () => {
  const text = [HEADER, line('eni-1', 100), line('eni-1', 50), 'oops', line('eni-2', 7)].join('\n') + '\n';
  const plain = write('same/a.log', text);
  const gz = write('same/a.log.gz', gzipSync(text));
  const a = await aggregateFiles([plain]);
  const b = await aggregateFiles([gz]);
  assert.deepEqual(a.counts, { lines: 4, parsed: 3, skipped: 1, nodata: 0, skipdata: 0 });
  assert.deepEqual(b.counts, a.counts);
  assert.deepEqual(b.aggregates, a.aggregates);
  assert.equal(b.skipped[0].file, gz);
  assert.equal(b.skipped[0].line, 4);
  assert.ok(b.bytes < a.bytes, 'bytes are the compressed file bytes');
  assert.equal(a.errors.length, 0);
});

test('multi-member gzip (concatenated) is read whole', async () => {
  const p = write('multi/m.log.gz', Buffer.concat([gzipSync(`${HEADER}\n${line('eni-1', 1)}\n`), gzipSync(`${line('eni-1', 2)}\n`)]));
  const r = await aggregateFiles([p]);
  assert.equal(r.counts.parsed, 2);
  assert.equal(r.aggregates[0].bytes, 3);
});

test('a truncated gzip is one clear error naming the file; lines before it still count', async () => {
  const body = [HEADER, ...Array.from({ length: 2000 }, (_, i) => line(`eni-${i % 7}`, i))].join('\n') + '\n';
  const full = gzipSync(body);
  const p = write('trunc/t.log.gz', full.subarray(0, Math.floor(full.length * 0.6)));
  const r = await aggregateFiles([p]);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0].file, p);
  assert.match(r.errors[0].message, /truncated gzip/);
  assert.ok(r.counts.parsed > 0 && r.counts.parsed < 2000);
  assertIdentity(r.counts);
});

test('a binary file is one clear error, nothing counted from it', async () => {
  const bin = Buffer.alloc(4096);
  for (let i = 0; i < bin.length; i++) bin[i] = (i * 131) & 255;
  const p = write('bin/blob.log', bin);
  const ok = write('bin/ok.log', `${line('eni-1', 1)}\n`);
  const r = await aggregateFiles([join(dir, 'bin')]);
  assert.deepEqual(r.errors, [{ file: p, message: 'binary data, not a flow log' }]);
  assert.equal(r.counts.parsed, 1);
  assert.equal(r.files, 2);
  void ok;
});

test('missing paths are errors; the run goes on', async () => {
  const ok = write('miss/ok.log', `${line('eni-1', 1)}\n`);
  const r = await aggregateFiles([join(dir, 'nope.log'), ok]);
  assert.deepEqual(r.errors, [{ file: join(dir, 'nope.log'), message: 'no such file or directory' }]);
  assert.equal(r.counts.parsed, 1);
});

test('directories in the S3 layouts: recursive walk, time window skips files without opening them', async () => {
  const base = 'tree/AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/03';
  const name = (stamp: string) => `123456789012_vpcflowlogs_us-east-1_fl-0abc_${stamp}_deadbeef.log.gz`;
  write(`${base}/05/${name('20240305T1400Z')}`, gzipSync(`${HEADER}\n${line('eni-1', 10)}\n`));
  write(`${base}/05/${name('20240305T1405Z')}`, gzipSync(`${HEADER}\n${line('eni-1', 20, T0 + 300)}\n`));
  // Far outside the window: binary junk, so opening it would be an error.
  const junk = Buffer.alloc(64, 0);
  write(`${base}/05/${name('20240305T2300Z')}`, junk);
  write(`${base}/09/${name('20240309T0000Z')}`, junk);
  write(`${base}/09/${name('20240309T0005Z')}`, junk);
  write(`tree/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2024/month=03/day=05/hour=14/x.log`,
    `${HEADER}\n${line('eni-9', 5)}\n`);
  write('tree/README.md', 'not a log');
  const all = await aggregateFiles([join(dir, 'tree')]);
  assert.equal(all.files, 6);
  assert.equal(all.errors.length, 3, 'without a window the junk files are opened and reported');
  const r = await aggregateFiles([join(dir, 'tree')], { window: { start: T0, end: T0 + 3600 } });
  assert.equal(r.files, 3);
  assert.equal(r.filesSkippedByWindow, 3);
  assert.deepEqual(r.errors, []);
  assert.equal(r.counts.parsed, 3);
  assert.deepEqual(r.aggregates.map((a) => [a.interfaceId, a.bytes]).sort(), [['eni-1', 30], ['eni-9', 5]]);
});

test('Parquet files (AWS column names with underscores, GZIP or SNAPPY, several row groups)', async () => {
  const n = 25;
  const col = (name: string, data: unknown[], type: string) => ({ name, data, type });
  const columnData = [
    col('version', Array(n).fill(5), 'INT32'),
    col('account_id', Array(n).fill('123456789012'), 'STRING'),
    col('interface_id', Array.from({ length: n }, (_, i) => `eni-${i % 3}`), 'STRING'),
    col('srcaddr', Array(n).fill('10.0.0.5'), 'STRING'),
    col('dstaddr', Array.from({ length: n }, (_, i) => (i % 5 === 0 ? '2001:db8::1' : '8.8.8.8')), 'STRING'),
    col('srcport', Array(n).fill(40000), 'INT32'),
    col('dstport', Array(n).fill(443), 'INT32'),
    col('protocol', Array(n).fill(6), 'INT32'),
    col('packets', Array(n).fill(2n), 'INT64'),
    col('bytes', Array.from({ length: n }, (_, i) => BigInt(100 + i)), 'INT64'),
    col('start', Array(n).fill(BigInt(T0)), 'INT64'),
    col('end', Array(n).fill(BigInt(T0 + 60)), 'INT64'),
    col('action', Array(n).fill('ACCEPT'), 'STRING'),
    col('log_status', Array(n).fill('OK'), 'STRING'),
    col('flow_direction', Array(n).fill('egress'), 'STRING'),
    col('pkt_src_aws_service', Array(n).fill(null), 'STRING'),
  ];
  const p = write('pq/a.parquet', new Uint8Array(parquetWriteBuffer({ columnData, rowGroupSize: 10 } as never)));
  const r = await aggregateFiles([p]);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.counts, { lines: n, parsed: n, skipped: 0, nodata: 0, skipdata: 0 });
  const total = r.aggregates.reduce((s, a) => s + a.bytes, 0);
  assert.equal(total, Array.from({ length: n }, (_, i) => 100 + i).reduce((a, b) => a + b));
  assert.ok(r.aggregates.some((a) => a.dstaddr === '2001:db8::1'));
  assert.ok(r.aggregates.every((a) => a.flowDirection === 'egress' && a.pktSrcAwsService === null));
  const recs: FlowRecord[] = [];
  for await (const x of readRecords([p])) if (!('_summary' in x)) recs.push(x as FlowRecord);
  assert.equal(recs.length, n);
  assert.equal(recs[0]['log-status'], 'OK');
  assert.equal(recs[0]['pkt-src-aws-service'], null);
  assert.equal(recs[3]._line, 4);
  // A Parquet file of something else is one error.
  const other = write('pq/other.parquet', new Uint8Array(parquetWriteBuffer({ columnData: [col('name', ['a'], 'STRING')] } as never)));
  const o = await aggregateFiles([other]);
  assert.equal(o.errors.length, 1);
  assert.match(o.errors[0].message, /not a flow log/);
  // A corrupt one too.
  const bad = write('pq/bad.parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(100, 7)]));
  const b = await aggregateFiles([bad]);
  assert.equal(b.errors.length, 1);
  assert.equal(b.errors[0].file, bad);
});

test('readRecords streams records in file order then a summary', async () => {
  const p = write('rr/a.log', [V5_FIELDS.join(' '), `5 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 ${T0} ${T0 + 1} ACCEPT OK vpc-1 subnet-1 i-1 2 IPv4 10.0.0.1 10.0.0.2 us-east-1 use1-az1 - - - - egress 1`, 'bad line'].join('\n'));
  const items: (FlowRecord | RecordsSummary)[] = [];
  for await (const x of readRecords([p, join(dir, 'missing.log')])) items.push(x);
  assert.equal(items.length, 2);
  assert.equal((items[0] as FlowRecord)['flow-direction'], 'egress');
  assert.equal((items[0] as FlowRecord)._line, 2);
  const s = items[1] as RecordsSummary;
  assert.equal(s._summary, true);
  assert.deepEqual(s.counts, { lines: 2, parsed: 1, skipped: 1, nodata: 0, skipdata: 0 });
  assert.equal(s.errors[0].message, 'no such file or directory');
});

test('cancellation and progress', async () => {
  const body = [HEADER, ...Array.from({ length: 20000 }, (_, i) => line(`eni-${i % 50}`, i))].join('\n');
  const p = write('big/a.log', body);
  const seen: number[] = [];
  const r = await aggregateFiles([p], { onProgress: (x) => seen.push(x.records) });
  assert.ok(seen.length > 0);
  assert.equal(seen[seen.length - 1], r.counts.lines);
  const ac = new AbortController();
  ac.abort(new Error('stop'));
  await assert.rejects(aggregateFiles([p], { signal: ac.signal }), /stop/);
});

test('worker threads give the same result as one thread', async () => {
  const files: string[] = [];
  for (let f = 0; f < 4; f++) {
    const rows = Array.from({ length: 3000 }, (_, i) => line(`eni-${(i * 7 + f) % 11}`, i + f, T0 + (i % 100)));
    rows.splice(100, 0, `bad ${f}`);
    files.push(write(`w/part-${f}.log${f % 2 ? '.gz' : ''}`, f % 2 ? gzipSync([HEADER, ...rows].join('\n')) : [HEADER, ...rows].join('\n')));
  }
  const one = await aggregateFiles(files, { workers: 1 });
  const two = await aggregateFiles(files, { workers: 2 });
  assert.deepEqual(two.counts, one.counts);
  assert.equal(two.counts.skipped, 4);
  const key = (a: { interfaceId: string; srcaddr: string; dstaddr: string }) => `${a.interfaceId}|${a.srcaddr}|${a.dstaddr}`;
  const sort = <T extends { interfaceId: string; srcaddr: string; dstaddr: string }>(x: T[]) => [...x].sort((a, b) => key(a).localeCompare(key(b)));
  assert.deepEqual(sort(two.aggregates), sort(one.aggregates));
  assert.deepEqual(two.window, one.window);
  assert.equal(two.bytes, one.bytes);
});

test('a table adopted from a worker keeps growing correctly', async () => {
  const { FlowTable } = await import('../../../src/core/flowlogs/table');
  const a = new FlowTable();
  for (let i = 0; i < 5000; i++) a.find(1, i, 2, 443, 6 * 4 + 1);
  const b = new FlowTable();
  assert.ok(b.adopt(a.serialize()));
  for (let i = 0; i < 20000; i++) b.find(1, i, 2, 443, 6 * 4 + 1);
  assert.equal(b.count, 20000);
  assert.equal(b.find(1, 4999, 2, 443, 6 * 4 + 1), 4999);
  assert.equal(b.inserted, false);
});

test('a read that fails while the consumer is busy is the file\'s error, not an unhandled rejection', async () => {
  // More than one 1 MB chunk, so a second read is in flight while the first chunk is consumed.
  const p = join(dir, 'eio.log');
  const rows: string[] = [HEADER];
  for (let i = 0, size = 0; size < 3 << 20; i++) {
    rows.push(line(`eni-${(i % 50).toString(16).padStart(17, '0')}`, 100 + i));
    size += rows[rows.length - 1].length + 1;
  }
  writeFileSync(p, rows.join('\n') + '\n');
  const { open } = await import('node:fs/promises');
  const probe = await open(p, 'r');
  const proto = Object.getPrototypeOf(probe) as { read: (...a: unknown[]) => Promise<unknown> };
  await probe.close();
  const orig = proto.read;
  let calls = 0;
  // Call 1 is the format sniff, 2 the first chunk, 3 the read ahead: it fails 5 ms later (EIO).
  proto.read = function (this: unknown, ...args: unknown[]) {
    if (++calls === 3) return new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })), 5));
    return orig.apply(this, args);
  };
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  try {
    const { FlowEngine } = await import('../../../src/core/flowlogs/engine');
    const { feedFile } = await import('../../../src/core/sources/files');
    const engine = new FlowEngine();
    let n = 0;
    for await (const _ of feedFile(engine, p)) {
      // A consumer that waits (backpressure, say) while the read ahead fails.
      if (n++ === 0) await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
    assert.equal(engine.errors.length, 1);
    assert.match(engine.errors[0].message, /cannot read: EIO/);
    assert.equal(engine.errors[0].file, p);
    assertIdentity(engine.counts);
  } finally {
    proto.read = orig;
    process.off('unhandledRejection', onUnhandled);
  }
});
