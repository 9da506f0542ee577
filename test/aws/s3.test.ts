// Flow logs read straight from S3 (moto): both key layouts, gzip/plain/Parquet objects, window
// skipping by key, paging, resumed downloads under faults, and equality with the same objects read
// as local files.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startMoto, TEST_CREDENTIALS, TEST_REGION, type MotoServer } from './moto';
import { flowLogLines, FLOW_LOG_FORMAT, rng } from './seed';
import { awsError, startFaultProxy } from './fault-proxy';
import { createS3Client, type AwsConnectionOptions } from '../../src/core/sources/aws/clients';
import { aggregateS3FlowLogs, listS3Objects, parseS3Url, readS3Object } from '../../src/core/sources/aws/s3';
import { aggregateFromS3 } from '../../src/core/sources/aws';
import { AwsSourceError } from '../../src/core/sources/aws/errors';
import type { RetryInfo } from '../../src/core/sources/aws/retry';
import { aggregateFiles, parseLogFormat, type AggregateResult } from '../../src/core/flowlogs';

const BUCKET = 'egress-lens-flow-logs';
const ACCOUNT = '111122223333';
const FIELDS = parseLogFormat(FLOW_LOG_FORMAT);
// Window: 2026-01-10 08:30–11:00 UTC (Unix seconds).
const T0 = Date.UTC(2026, 0, 10, 9, 0) / 1000;
const WINDOW = { start: T0 - 1800, end: T0 + 7200 };

let moto: MotoServer;
const local = mkdtempSync(join(tmpdir(), 'egress-lens-s3-'));
const objects = new Map<string, Buffer>();

function lines(seed: number, eni: string, startSec: number, count: number): string {
  const evs = flowLogLines({ accountId: ACCOUNT, eni, vpc: 'vpc-0abc', subnet: 'subnet-0a', count, seed, t0: startSec * 1000, spanMs: 240_000 });
  return [FIELDS.join(' '), ...evs.map((e) => e.message)].join('\n') + '\n';
}

const plainKey = (day: string, stamp: string, hash: string, ext = 'log.gz') =>
  `AWSLogs/${ACCOUNT}/vpcflowlogs/us-east-1/2026/01/${day}/${ACCOUNT}_vpcflowlogs_us-east-1_fl-0123456789abcdef0_${stamp}_${hash}.${ext}`;

async function parquetObject(): Promise<Buffer> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const r = rng(99);
  const n = 120;
  const col = (name: string, data: unknown[], type: string) => ({ name, data, type });
  const ab = parquetWriteBuffer({
    columnData: [
      col('version', Array(n).fill(5), 'INT32'),
      col('account_id', Array(n).fill(ACCOUNT), 'STRING'),
      col('interface_id', Array.from({ length: n }, (_, i) => `eni-0pq${i % 3}`), 'STRING'),
      col('srcaddr', Array.from({ length: n }, (_, i) => `10.0.0.${i % 7}`), 'STRING'),
      col('dstaddr', Array.from({ length: n }, () => `203.0.113.${Math.floor(r() * 5)}`), 'STRING'),
      col('srcport', Array.from({ length: n }, () => 40000 + Math.floor(r() * 3)), 'INT32'),
      col('dstport', Array(n).fill(443), 'INT32'),
      col('protocol', Array(n).fill(6), 'INT32'),
      col('packets', Array.from({ length: n }, () => 1 + Math.floor(r() * 9)), 'INT64'),
      col('bytes', Array.from({ length: n }, () => 100 + Math.floor(r() * 900)), 'INT64'),
      col('start', Array.from({ length: n }, (_, i) => T0 + i), 'INT64'),
      col('end', Array.from({ length: n }, (_, i) => T0 + i + 60), 'INT64'),
      col('action', Array(n).fill('ACCEPT'), 'STRING'),
      col('log_status', Array(n).fill('OK'), 'STRING'),
    ].map((c) => (c.type === 'INT64' ? { ...c, data: (c.data as number[]).map(BigInt) } : c)) as never,
  });
  return Buffer.from(ab);
}

before(async () => {
  moto = await startMoto();
  await moto.reset();
  const gzA = gzipSync(lines(1, 'eni-0aa', T0 + 300, 300));
  const truncated = gzipSync(lines(5, 'eni-0ee', T0 + 900, 200));
  objects.set(plainKey('10', '20260110T0905Z', 'a1b2c3d4'), gzA);
  objects.set(plainKey('10', '20260110T1005Z', 'b2c3d4e5'), gzipSync(lines(2, 'eni-0bb', T0 + 3900, 250)));
  objects.set(plainKey('10', '20260110T0915Z', 'c3d4e5f6', 'log'), Buffer.from(lines(3, 'eni-0cc', T0 + 900, 80)));
  objects.set(
    `AWSLogs/aws-account-id=${ACCOUNT}/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=01/day=10/hour=09/${ACCOUNT}_vpcflowlogs_us-east-1_fl-0123456789abcdef1_20260110T0910Z_d4e5f6a7.log.gz`,
    gzipSync(lines(4, 'eni-0dd', T0 + 600, 150)),
  );
  objects.set(plainKey('10', '20260110T0920Z', 'e5f6a7b8'), truncated.subarray(0, Math.floor(truncated.length * 0.6)));
  objects.set(plainKey('10', '20260110T0925Z', 'f6a7b8c9', 'parquet'), await parquetObject());
  // Outside the window (two days later): never opened.
  objects.set(plainKey('12', '20260112T0905Z', '0a1b2c3d'), gzipSync(lines(6, 'eni-0ff', T0 + 2 * 86400, 50)));
  objects.set('AWSLogs/manifest.json', Buffer.from('{}'));

  const s3 = new S3Client({ region: TEST_REGION, endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const [key, body] of objects) {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    const p = join(local, key);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, body);
  }
  s3.destroy();
});
after(async () => {
  await moto?.stop();
  rmSync(local, { recursive: true, force: true });
});

const conn = (endpointUrl: string, retries: RetryInfo[] = []): AwsConnectionOptions => ({
  region: TEST_REGION,
  endpointUrl,
  credentials: TEST_CREDENTIALS,
  requestTimeoutMs: 800,
  retry: { maxAttempts: 12, baseDelayMs: 10, maxDelayMs: 100, throttleFloorMs: 20, random: rng(11), onRetry: (r) => retries.push(r) },
  rateLimit: { startRate: 200, minRate: 50, maxRate: 400 },
});

const sortKey = (a: AggregateResult['aggregates'][number]) => [a.interfaceId, a.srcaddr, a.dstaddr, a.srcport, a.dstport, a.protocol, a.action].join('|');
const sorted = (r: AggregateResult) => [...r.aggregates].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
/** A result with S3 names and local paths turned into keys, for comparing the two sources. */
const comparable = (r: AggregateResult) => {
  const key = (f: string) => f.replace(`s3://${BUCKET}/`, '').replace(`${local}/`, '');
  return {
    counts: r.counts,
    aggregates: sorted(r),
    errors: r.errors.map((e) => ({ ...e, file: key(e.file) })).sort((a, b) => (a.file < b.file ? -1 : 1)),
    skipped: r.skipped.map((s) => ({ ...s, file: key(s.file) })).sort((a, b) => (a.file + a.line < b.file + b.line ? -1 : 1)),
    transitGateway: r.transitGateway,
    window: r.window,
    outsideWindow: r.outsideWindow,
    filesSkippedByWindow: r.filesSkippedByWindow,
  };
};

async function readS3(endpoint: string, extra: Partial<Parameters<typeof aggregateS3FlowLogs>[1]> = {}, retries: RetryInfo[] = []) {
  const h = createS3Client(conn(endpoint, retries));
  try {
    return await aggregateS3FlowLogs(h, { bucket: BUCKET, prefix: 'AWSLogs/', window: WINDOW, pageSize: 3, ...extra });
  } finally {
    h.client.destroy();
  }
}

describe('S3 source (moto)', () => {
  it('parses s3:// URLs', () => {
    assert.deepEqual(parseS3Url('s3://my-bucket/team-a/AWSLogs/'), { bucket: 'my-bucket', prefix: 'team-a/AWSLogs/' });
    assert.deepEqual(parseS3Url('s3://my-bucket'), { bucket: 'my-bucket', prefix: '' });
    assert.throws(() => parseS3Url('https://my-bucket/x'), /Not an S3 location/);
  });

  it('lists every object over several pages', async () => {
    const h = createS3Client(conn(moto.endpoint));
    const keys: string[] = [];
    for await (const o of listS3Objects(h, { bucket: BUCKET, pageSize: 2 })) keys.push(o.key);
    h.client.destroy();
    assert.deepEqual(keys.sort(), [...objects.keys()].sort());
  });

  it('gives the same records, aggregates and errors as the same objects read as local files', async () => {
    const progress: { records: number; bytes: number; files: number }[] = [];
    const fromS3 = await readS3(moto.endpoint, { onProgress: (p) => progress.push(p) });
    const fromFiles = await aggregateFiles([join(local, 'AWSLogs')], { window: WINDOW, workers: 1 });
    assert.deepEqual(comparable(fromS3), comparable(fromFiles));
    const c = fromS3.counts;
    assert.equal(c.parsed + c.skipped + c.nodata + c.skipdata, c.lines);
    assert.ok(c.parsed > 800, `parsed ${c.parsed}`);
    assert.equal(fromS3.filesSkippedByWindow, 1, 'the object two days later was not opened');
    assert.equal(fromS3.files, 6);
    // The truncated gzip is one clear error naming the object.
    assert.equal(fromS3.errors.length, 1);
    assert.match(fromS3.errors[0].file, /^s3:\/\/egress-lens-flow-logs\/AWSLogs\/.*_20260110T0920Z_e5f6a7b8\.log\.gz$/);
    assert.match(fromS3.errors[0].message, /truncated gzip/);
    // Parquet rows are in (their interfaces appear).
    assert.ok(fromS3.aggregates.some((a) => a.interfaceId === 'eni-0pq1'));
    assert.equal(progress[progress.length - 1].files, 6);
    assert.equal(progress[progress.length - 1].bytes, fromS3.bytes);
  });

  it('aggregateFromS3 (the flows command helper) reads an s3:// URL', async () => {
    const r = await aggregateFromS3({ region: TEST_REGION, credentials: TEST_CREDENTIALS, env: { AWS_ENDPOINT_URL_S3: moto.endpoint } }, { url: `s3://${BUCKET}/AWSLogs/`, window: WINDOW });
    const direct = await readS3(moto.endpoint);
    assert.deepEqual(comparable(r), comparable(direct));
  });

  it('with account and region, lists only the window’s day prefixes', async () => {
    const proxy = await startFaultProxy({ target: moto.endpoint, rate: 0 });
    try {
      const r = await readS3(proxy.endpoint, { prefix: '', account: ACCOUNT, region: 'us-east-1', hive: false });
      assert.equal(r.filesSkippedByWindow, 0, 'the later day was not even listed');
      assert.equal(r.files, 5, 'plain layout only');
      assert.equal(proxy.stats.byOperation.GetObject, 5);
    } finally {
      await proxy.close();
    }
  });

  it('30% faults (incl. bodies cut mid-way, resumed by range): exactly the clean result', async () => {
    const clean = await readS3(moto.endpoint);
    const proxy = await startFaultProxy({ target: moto.endpoint, rate: 0.3, seed: 77, slowMs: 100, hangMs: 1000, weights: { throttle: 1, http500: 1, http503: 1, slow: 1, hang: 0.5, 'drop-before': 1, 'drop-mid': 3 } });
    const retries: RetryInfo[] = [];
    try {
      // At least two runs, more (bounded) until both throttling and cut bodies have occurred.
      for (let i = 0; i < 8 && (i < 2 || proxy.stats.faults.throttle === 0 || proxy.stats.faults['drop-mid'] === 0); i++) {
        const faulty = await readS3(proxy.endpoint, {}, retries);
        assert.deepEqual(comparable(faulty), comparable(clean), `run ${i}: faults ${JSON.stringify(proxy.stats.faults)}, errors ${JSON.stringify(faulty.errors)}`);
        assert.equal(faulty.bytes, clean.bytes);
      }
      assert.ok(proxy.stats.faults['drop-mid'] > 0 && proxy.stats.faults.throttle > 0, JSON.stringify(proxy.stats.faults));
      assert.ok(retries.length > 0);
    } finally {
      await proxy.close();
    }
  });

  it('resumes a body cut mid-way with a ranged GET', async () => {
    let cut = 0;
    const proxy = await startFaultProxy({ target: moto.endpoint, rate: 0 });
    const key = [...objects.keys()][0];
    // First GetObject of the key: cut after half the body; the resume carries a Range header.
    const ranges: (string | undefined)[] = [];
    proxy.setRespond((r) => {
      if (r.operation === 'GetObject') ranges.push(r.headers.range as string | undefined);
      return undefined;
    });
    proxy.setWeights({ 'drop-mid': 1 });
    proxy.setRate(1);
    const h = createS3Client(conn(proxy.endpoint));
    try {
      const chunks: Buffer[] = [];
      for await (const c of readS3Object(h, { bucket: BUCKET, key })) {
        chunks.push(c);
        if (++cut === 1) proxy.setRate(0); // only the first response is cut
      }
      assert.deepEqual(Buffer.concat(chunks), objects.get(key));
      assert.equal(ranges[0], undefined);
      assert.match(ranges[1] ?? '', /^bytes=\d+-$/);
      assert.equal(Number(/\d+/.exec(ranges[1]!)![0]), Math.floor(objects.get(key)!.length / 2));
    } finally {
      h.client.destroy();
      await proxy.close();
    }
  });

  it('cancellation stops within 1 s', async (t) => {
    const proxy = await startFaultProxy({ target: moto.endpoint, rate: 1, seed: 5, weights: { slow: 1 }, slowMs: 300 });
    const ac = new AbortController();
    try {
      const p = readS3(proxy.endpoint, { signal: ac.signal }).then(
        () => new Error('finished'),
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 500));
      const t0 = performance.now();
      ac.abort();
      const err = await p;
      const latency = performance.now() - t0;
      assert.ok((err instanceof AwsSourceError && err.kind === 'cancelled') || (err as Error).name === 'AbortError', String(err));
      t.diagnostic(`cancellation latency ${latency.toFixed(1)} ms`);
      assert.ok(latency < 1000, `stopped after ${latency.toFixed(0)} ms`);
    } finally {
      await proxy.close();
    }
  });

  it('AccessDenied on the listing names s3:ListBucket', async () => {
    const proxy = await startFaultProxy({
      target: moto.endpoint,
      rate: 0,
      respond: (r) => (r.operation === 'ListObjectsV2' ? awsError(r.protocol, 403, 'AccessDenied', 'Access Denied') : undefined),
    });
    try {
      await assert.rejects(readS3(proxy.endpoint), (err: unknown) => {
        assert.ok(err instanceof AwsSourceError);
        assert.equal(err.kind, 'access-denied');
        assert.match(err.message, /not allowed to call s3:ListBucket .*on s3:\/\/egress-lens-flow-logs\/AWSLogs\//);
        return true;
      });
      assert.equal(proxy.stats.byOperation.ListObjectsV2, 1);
    } finally {
      await proxy.close();
    }
  });
});
