/**
 * VPC flow logs straight from S3 (no sync first): list a bucket/prefix (ListObjectsV2, paged),
 * skip objects whose S3 key puts them outside the time window — the same layout logic as local
 * directories (flowlogs/layout.ts) — and stream each object's body into the flow-log engine
 * (gzip decompressed on the fly; Parquet via a temporary file, as it needs random access).
 * A body cut off mid-way is resumed with a ranged GET from the byte where it stopped (pinned to
 * the first response's ETag), so faults never duplicate or lose lines.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type GetObjectCommandOutput, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { Progress } from '../../model/flows';
import { dayPrefixes, feedFile, FlowEngine, isLogFileName, mayOverlapWindow, type AggregateResult, type TimeWindow } from '../../flowlogs';
import { resultOf } from '../../flowlogs/aggregate';
import { callAws, type AwsClientHandle } from './clients';
import { AwsSourceError, toAwsSourceError } from './errors';
import { AbortError, classifyError, sleep, throwIfAborted, type CallOptions } from './retry';

export interface S3Location {
  bucket: string;
  /** Key prefix without a leading slash ('' for the whole bucket). */
  prefix: string;
}

/** `s3://bucket/some/prefix/` → { bucket, prefix: 'some/prefix/' }. Throws a clear Error otherwise. */
export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url.trim());
  if (!m || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(m[1])) {
    throw new Error(`Not an S3 location: "${url}". Expected s3://bucket or s3://bucket/prefix/`);
  }
  return { bucket: m[1], prefix: m[2].replace(/^\/+/, '') };
}

export interface S3ObjectInfo {
  key: string;
  size: number;
  lastModified: Date | undefined;
  etag: string | undefined;
}

export interface S3ListOptions extends CallOptions {
  bucket: string;
  prefix?: string;
  /** MaxKeys per ListObjectsV2 page (1–1000). */
  pageSize?: number;
}

/** Every object under the prefix, page by page (each page retried on its own). */
export async function* listS3Objects(h: AwsClientHandle<S3Client>, opts: S3ListOptions): AsyncGenerator<S3ObjectInfo> {
  let token: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    throwIfAborted(opts.signal);
    const out = await callAws<ListObjectsV2CommandOutput>(
      h,
      'ListObjectsV2',
      new ListObjectsV2Command({
        Bucket: opts.bucket,
        Prefix: opts.prefix || undefined,
        MaxKeys: opts.pageSize === undefined ? undefined : Math.min(1000, Math.max(1, Math.floor(opts.pageSize))),
        ContinuationToken: token,
      }),
      { ...opts, resource: `s3://${opts.bucket}/${opts.prefix ?? ''}` },
    );
    for (const o of out.Contents ?? []) {
      if (o.Key === undefined) continue;
      yield { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified, etag: o.ETag };
    }
    const next = out.IsTruncated ? out.NextContinuationToken : undefined;
    if (!next) return;
    if (seen.has(next)) throw new Error(`s3:ListBucket on s3://${opts.bucket}: the same continuation token came back twice; stopping.`);
    seen.add(next);
    token = next;
  }
}

export interface S3ReadOptions extends CallOptions {
  bucket: string;
  key: string;
}

/**
 * The raw bytes of one object, resumed with `Range: bytes=N-` (and `If-Match` on the first
 * response's ETag) when the connection drops mid-body. Errors are AwsSourceError or AbortError.
 */
export async function* readS3Object(h: AwsClientHandle<S3Client>, opts: S3ReadOptions): AsyncGenerator<Buffer> {
  const resource = `s3://${opts.bucket}/${opts.key}`;
  const retry = opts.retry ?? h.retry ?? {};
  const maxAttempts = Math.max(1, retry.maxAttempts ?? 8);
  let offset = 0;
  let etag: string | undefined;
  let total: number | undefined;
  let failures = 0;
  for (;;) {
    throwIfAborted(opts.signal);
    if (total !== undefined && offset >= total) return;
    const out = await callAws<GetObjectCommandOutput>(
      h,
      'GetObject',
      new GetObjectCommand({ Bucket: opts.bucket, Key: opts.key, Range: offset > 0 ? `bytes=${offset}-` : undefined, IfMatch: offset > 0 ? etag : undefined }),
      { ...opts, resource },
    );
    if (offset === 0) {
      etag = out.ETag;
      total = out.ContentLength;
    }
    const body = out.Body as Readable | undefined;
    if (!body) return;
    const onAbort = () => body.destroy(new AbortError());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        offset += chunk.length;
        yield chunk;
      }
      if (total === undefined || offset >= total) return;
      throw Object.assign(new Error(`body ended after ${offset} of ${total} bytes`), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    } catch (err) {
      if (opts.signal?.aborted) throw new AbortError();
      failures++;
      if (classifyError(err) !== 'transient' || failures >= maxAttempts) {
        throw toAwsSourceError(err, { service: 's3', operation: 'GetObject', region: h.region, endpoint: h.endpoint, profile: h.profile, resource, attempts: failures });
      }
      const delayMs = Math.round(Math.min(retry.maxDelayMs ?? 10_000, (retry.baseDelayMs ?? 100) * 2 ** (failures - 1)) * (retry.random ?? Math.random)());
      retry.onRetry?.({ attempt: failures, delayMs, kind: 'transient', error: err });
      await sleep(delayMs, opts.signal);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      body.destroy();
    }
  }
}

export interface S3FlowLogOptions extends CallOptions {
  bucket: string;
  /** Key prefix to read under (e.g. 'AWSLogs/' or 'team-a/AWSLogs/111122223333/vpcflowlogs/'). */
  prefix?: string;
  /** Field order for objects without a header line (S3 text files normally have one). */
  fields?: readonly string[];
  /** Unix seconds; objects whose key time is outside (± slack) are not opened. */
  window?: TimeWindow;
  /** With account + region and a closed window, only the window's day prefixes are listed. */
  account?: string;
  region?: string;
  hive?: boolean;
  maxSkippedKept?: number;
  pageSize?: number;
  onProgress?: (p: Progress) => void;
}

/** AwsSourceErrors that end the whole read (no point trying the next object). */
const FATAL_KINDS = new Set(['expired-credentials', 'missing-credentials', 'invalid-credentials', 'missing-region', 'cancelled']);

/** Lists, filters by key time, and aggregates the flow-log objects under a bucket/prefix. */
export async function aggregateS3FlowLogs(h: AwsClientHandle<S3Client>, opts: S3FlowLogOptions): Promise<AggregateResult> {
  const engine = new FlowEngine({ fields: opts.fields, window: opts.window, maxSkippedKept: opts.maxSkippedKept });
  const base = opts.prefix ?? '';
  let prefixes: string[] = [base];
  if (opts.account && opts.region && opts.window) {
    const days = dayPrefixes({ base: base && !base.endsWith('/') ? `${base}/` : base, account: opts.account, region: opts.region, window: opts.window, hive: opts.hive });
    if (days) prefixes = days;
  }
  let files = 0;
  let bytes = 0;
  let skippedByWindow = 0;
  const report = () => opts.onProgress?.({ records: engine.counts.lines, bytes, files });
  for (const prefix of prefixes) {
    for await (const obj of listS3Objects(h, { ...opts, prefix })) {
      if (obj.key.endsWith('/') || !isLogFileName(obj.key)) continue;
      if (!mayOverlapWindow(obj.key, opts.window)) {
        skippedByWindow++;
        continue;
      }
      const name = `s3://${opts.bucket}/${obj.key}`;
      try {
        for await (const n of feedS3Object(engine, h, { ...opts, key: obj.key }, name)) {
          bytes += n;
          report();
        }
      } catch (err) {
        if (err instanceof AbortError || (err instanceof AwsSourceError && FATAL_KINDS.has(err.kind))) throw err;
        if (opts.signal?.aborted) throw new AbortError();
        const msg = err instanceof Error ? err.message : String(err);
        engine.beginFile(name);
        engine.fail(msg);
      }
      files++;
      report();
    }
  }
  return resultOf(engine, { files, bytes, filesSkippedByWindow: skippedByWindow });
}

/**
 * Streams one object into the engine (beginFile … endFile), yielding raw bytes read. Object-level
 * problems (truncated or corrupt gzip, not a flow log) end up in engine.errors naming `name`;
 * AWS errors other than those are thrown.
 */
export async function* feedS3Object(engine: FlowEngine, h: AwsClientHandle<S3Client>, opts: S3ReadOptions, name: string): AsyncGenerator<number> {
  const it = readS3Object(h, opts);
  const first = await it.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  if (head.length >= 4 && head.subarray(0, 4).toString('latin1') === 'PAR1') {
    yield* feedParquetObject(engine, all(), name, opts.signal);
    return;
  }
  const gz = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  engine.beginFile(name);
  let raw = 0;
  if (!gz) {
    for await (const chunk of all()) {
      raw += chunk.length;
      engine.push(chunk);
      yield chunk.length;
      if (engine.dead) break;
    }
    engine.endFile();
    return;
  }
  const src = Readable.from(all(), { objectMode: false });
  const gunzip = createGunzip({ chunkSize: 1 << 18 });
  let srcError: unknown;
  src.on('data', (c: Buffer) => (raw += c.length));
  src.on('error', (err) => {
    srcError = err;
    gunzip.destroy(err);
  });
  src.pipe(gunzip);
  let reported = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      engine.push(chunk);
      if (engine.dead) break;
      yield raw - reported;
      reported = raw;
    }
  } catch (err) {
    if (srcError !== undefined) throw srcError; // the download failed: not a gzip problem
    const e = err as NodeJS.ErrnoException;
    engine.flushPartial();
    if (e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message)) engine.fail('truncated gzip: the file ends before the compressed stream does');
    else engine.fail(`corrupt gzip: ${e.message}`);
  } finally {
    src.destroy();
  }
  if (raw > reported) yield raw - reported;
  engine.endFile();
}

/** Parquet needs random access: download to a temporary file, read it with the file reader. */
async function* feedParquetObject(engine: FlowEngine, body: AsyncGenerator<Buffer>, name: string, signal?: AbortSignal): AsyncGenerator<number> {
  const dir = await mkdtemp(join(tmpdir(), 'egress-lens-s3-'));
  const tmp = join(dir, 'object.parquet');
  try {
    let n = 0;
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(tmp);
      out.on('error', reject);
      (async () => {
        for await (const chunk of body) {
          n += chunk.length;
          if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        }
        out.end(() => resolve());
      })().catch((err) => {
        out.destroy();
        reject(err);
      });
    });
    yield n;
    const errors = engine.errors.length;
    const skipped = engine.skipped.length;
    for await (const _ of feedFile(engine, tmp, signal)) void _;
    // Name the object, not the temporary file, in what the engine reports.
    for (let i = errors; i < engine.errors.length; i++) if (engine.errors[i].file === tmp) engine.errors[i].file = name;
    for (let i = skipped; i < engine.skipped.length; i++) if (engine.skipped[i].file === tmp) engine.skipped[i].file = name;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
