// Flow-log discovery and CloudWatch Logs reading against moto server, with seeded flow-log lines.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startMoto, TEST_CREDENTIALS, TEST_REGION, type MotoServer } from './moto';
import { FLOW_LOG_FORMAT, seedAll, type Seeded } from './seed';
import { createEc2Client, createLogsClient } from '../../src/core/sources/aws/clients';
import { discoverFlowLogs } from '../../src/core/sources/aws/flowlog-discovery';
import { readLogEventPages, readLogEvents, type CloudWatchProgress, type LogEvent } from '../../src/core/sources/aws/cloudwatch';
import { AwsSourceError } from '../../src/core/sources/aws/errors';
import { aggregateCloudWatchFlowLogs } from '../../src/core/sources/aws/cloudwatch';
import { aggregateFromCloudWatch, connectionFromFlags } from '../../src/core/sources/aws';
import { aggregateFiles, type AggregateResult } from '../../src/core/flowlogs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

let moto: MotoServer;
let seeded: Seeded;

before(async () => {
  moto = await startMoto();
  await moto.reset();
  seeded = await seedAll(moto.endpoint, { eventsPerStream: 400 });
});
after(async () => {
  await moto?.stop();
});

const conn = () => ({ region: TEST_REGION, endpointUrl: moto.endpoint, credentials: TEST_CREDENTIALS });

async function readAll(opts: Partial<Parameters<typeof readLogEvents>[1]> = {}) {
  const h = createLogsClient(conn());
  const events: LogEvent[] = [];
  let last: CloudWatchProgress | undefined;
  try {
    for await (const e of readLogEvents(h, {
      logGroupName: seeded.logGroupName,
      startTime: seeded.startTime,
      endTime: seeded.endTime,
      pageLimit: 100,
      onProgress: (p) => (last = p),
      ...opts,
    })) {
      events.push(e);
    }
  } finally {
    h.client.destroy();
  }
  return { events, progress: last! };
}

describe('flow-log discovery (moto)', () => {
  it('finds the flow log with its log group, LogFormat, resource and traffic type', async () => {
    const h = createEc2Client(conn());
    const fls = await discoverFlowLogs(h);
    h.client.destroy();
    assert.equal(fls.length, 1);
    const fl = fls[0];
    assert.equal(fl.flowLogId, seeded.flowLogId);
    assert.equal(fl.destinationType, 'cloud-watch-logs');
    assert.equal(fl.logGroupName, seeded.logGroupName);
    assert.equal(fl.logFormat, FLOW_LOG_FORMAT);
    assert.deepEqual(fl.fields, [...FLOW_LOG_FORMAT.matchAll(/\$\{([a-z-]+)\}/g)].map((m) => m[1]));
    assert.equal(fl.fields.length, 22);
    assert.equal(fl.fields[2], 'interface-id');
    assert.equal(fl.resourceId, seeded.vpcA);
    assert.equal(fl.trafficType, 'ALL');
    assert.equal(fl.s3, null);
  });

  it('filters by resource id', async () => {
    const h = createEc2Client(conn());
    assert.equal((await discoverFlowLogs(h, { resourceIds: [seeded.vpcB] })).length, 0);
    assert.equal((await discoverFlowLogs(h, { resourceIds: [seeded.vpcA] })).length, 1);
    h.client.destroy();
  });
});

describe('CloudWatch read (moto)', () => {
  it('reads every seeded event over many pages: same messages, records and bytes', async () => {
    const { events, progress } = await readAll();
    assert.equal(events.length, seeded.events.length);
    assert.equal(progress.events, seeded.events.length);
    const bytes = seeded.events.reduce((s, e) => s + Buffer.byteLength(e.message) + 1, 0);
    assert.equal(progress.bytes, bytes);
    assert.equal(progress.streams, seeded.enis.length);
    assert.ok(progress.pages >= Math.ceil(seeded.events.length / 100), `pages ${progress.pages}`);
    const key = (e: { logStreamName: string; timestamp: number; message: string }) => `${e.logStreamName}|${e.timestamp}|${e.message}`;
    assert.deepEqual(events.map(key).sort(), seeded.events.map(key).sort());
    // interleaved: time order across streams
    for (let i = 1; i < events.length; i++) assert.ok(events[i].timestamp >= events[i - 1].timestamp, `order at ${i}`);
  });

  it('respects the time window and stream selection', async () => {
    const mid = seeded.startTime + 20 * 60_000;
    const { events } = await readAll({ startTime: mid, endTime: seeded.endTime });
    const expected = seeded.events.filter((e) => e.timestamp >= mid && e.timestamp <= seeded.endTime);
    assert.ok(expected.length > 0 && expected.length < seeded.events.length);
    assert.equal(events.length, expected.length);
    const stream = `${seeded.enis[1]}-all`;
    const one = await readAll({ logStreamNames: [stream] });
    assert.equal(one.events.length, seeded.events.filter((e) => e.logStreamName === stream).length);
    assert.ok(one.events.every((e) => e.logStreamName === stream));
  });

  it('yields pages of at most the page limit', async () => {
    const h = createLogsClient(conn());
    const sizes: number[] = [];
    for await (const page of readLogEventPages(h, { logGroupName: seeded.logGroupName, startTime: seeded.startTime, endTime: seeded.endTime, pageLimit: 250 })) {
      sizes.push(page.length);
    }
    h.client.destroy();
    assert.ok(sizes.every((n) => n <= 250));
    assert.equal(sizes.reduce((a, b) => a + b, 0), seeded.events.length);
  });

  it('a missing log group gives a clear not-found error', async () => {
    await assert.rejects(readAll({ logGroupName: '/no/such/group' }), (err: unknown) => {
      assert.ok(err instanceof AwsSourceError);
      assert.equal(err.kind, 'not-found');
      assert.match(err.message, /log group \/no\/such\/group/);
      return true;
    });
  });
});

/** Aggregates in a stable order, for comparing two runs. */
export function sortedAggregates(r: AggregateResult) {
  const key = (a: AggregateResult['aggregates'][number]) => [a.interfaceId, a.srcaddr, a.dstaddr, a.srcport, a.dstport, a.protocol, a.action].join('|');
  return [...r.aggregates].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

describe('CloudWatch → flow-log engine', () => {
  it('records and aggregates equal those of the same lines read from local files', async () => {
    const ec2h = createEc2Client(conn());
    const [fl] = await discoverFlowLogs(ec2h);
    ec2h.client.destroy();
    const h = createLogsClient(conn());
    const progress: { records: number; bytes: number; files: number }[] = [];
    const fromCw = await aggregateCloudWatchFlowLogs(h, {
      logGroupName: fl.logGroupName!,
      fields: fl.fields,
      startTime: seeded.startTime,
      endTime: seeded.endTime,
      pageLimit: 200,
      onProgress: (p) => progress.push(p),
    });
    h.client.destroy();

    const dir = mkdtempSync(join(tmpdir(), 'egress-lens-cw-'));
    try {
      const streams = new Map<string, string[]>();
      for (const e of seeded.events) streams.set(e.logStreamName, [...(streams.get(e.logStreamName) ?? []), e.message]);
      for (const [s, lines] of streams) writeFileSync(join(dir, `${s}.log`), lines.join('\n') + '\n');
      const fromFiles = await aggregateFiles([dir], { fields: fl.fields, workers: 1 });

      assert.equal(fromCw.counts.lines, seeded.events.length);
      assert.deepEqual(fromCw.counts, fromFiles.counts);
      const c = fromCw.counts;
      assert.equal(c.parsed + c.skipped + c.nodata + c.skipdata, c.lines);
      assert.ok(c.nodata > 0 && c.skipped === seeded.enis.length, `counts ${JSON.stringify(c)}`);
      assert.ok(fromCw.aggregates.length > 10);
      assert.deepEqual(sortedAggregates(fromCw), sortedAggregates(fromFiles));
      // Skipped lines: the stream and the event index in it, as the file and line number.
      const norm = (r: AggregateResult, file: (f: string) => string) =>
        r.skipped.map((s) => ({ ...s, file: file(s.file) })).sort((a, b) => (a.file < b.file ? -1 : 1));
      assert.deepEqual(norm(fromCw, (f) => f), norm(fromFiles, (f) => basename(f, '.log')));
      assert.equal(fromCw.files, seeded.enis.length);
      const last = progress[progress.length - 1];
      assert.equal(last.records, seeded.events.length);
      assert.equal(last.files, seeded.enis.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('aggregateFromCloudWatch (the flows command helper)', () => {
  it('discovers the log group and its LogFormat, endpoint from AWS_ENDPOINT_URL', async () => {
    const conn = { ...connectionFromFlags({ region: TEST_REGION }, { AWS_ENDPOINT_URL: moto.endpoint }), credentials: TEST_CREDENTIALS };
    const { result, flowLogs, logGroups } = await aggregateFromCloudWatch(conn, { startTime: seeded.startTime, endTime: seeded.endTime });
    assert.deepEqual(logGroups, [seeded.logGroupName]);
    assert.equal(flowLogs[0].flowLogId, seeded.flowLogId);
    assert.equal(result.counts.lines, seeded.events.length);
    assert.equal(result.counts.skipped, seeded.enis.length, 'only the malformed lines: the custom format was applied');
    // With the wrong (default v2) field order nearly everything would be skipped instead.
    const wrong = await aggregateFromCloudWatch(conn, { logGroupNames: [seeded.logGroupName], flowLogIds: ['fl-none'], startTime: seeded.startTime, endTime: seeded.endTime });
    assert.ok(wrong.result.counts.parsed < result.counts.parsed);
  });
});
