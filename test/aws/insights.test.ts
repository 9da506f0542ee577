// Logs Insights: query building and result parsing with recorded responses (moto ignores
// parse/stats/filter), polling and cancellation (StopQuery answered with 500, as moto does).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture, startReplayServer, type Exchange } from './replay-server';
import { TEST_CREDENTIALS, TEST_REGION } from './moto';
import { FLOW_LOG_FORMAT } from './seed';
import { createLogsClient } from '../../src/core/sources/aws/clients';
import { buildInsightsQuery, insightsName, insightsRowsToAggregates, runInsightsQuery } from '../../src/core/sources/aws/insights';
import { AwsSourceError } from '../../src/core/sources/aws/errors';
import { DEFAULT_FIELDS, parseLogFormat } from '../../src/core/flowlogs';

const conn = (endpointUrl: string) => ({ region: TEST_REGION, endpointUrl, credentials: TEST_CREDENTIALS, retry: { baseDelayMs: 5, maxDelayMs: 20 } });

describe('Insights query building', () => {
  it('parses custom formats field by field and groups by the 7-tuple', () => {
    const fields = parseLogFormat(FLOW_LOG_FORMAT);
    const q = buildInsightsQuery({ fields, limit: 500 });
    const lines = q.split('\n| ');
    assert.equal(lines[0], `parse @message "${fields.map(() => '*').join(' ')}" as ${fields.map(insightsName).join(', ')}`);
    assert.ok(lines[0].includes('interfaceId, srcaddr, dstaddr') && lines[0].includes('pktSrcaddr, pktDstaddr'));
    assert.deepEqual(lines.slice(1), [
      'filter logStatus = "OK"',
      'stats sum(bytes) as sumBytes, sum(packets) as sumPackets, count(*) as records by interfaceId, srcaddr, dstaddr, srcport, dstport, protocol, action',
      'sort sumBytes desc',
      'limit 500',
    ]);
    assert.equal(insightsName('pkt-src-aws-service'), 'pktSrcAwsService');
  });

  it('refuses a format that lacks a needed field, caps the limit', () => {
    assert.throws(() => buildInsightsQuery({ fields: ['version', 'srcaddr', 'dstaddr', 'bytes'] }), /no "interface-id" field/);
    assert.match(buildInsightsQuery({ fields: DEFAULT_FIELDS, limit: 50_000 }), /limit 10000$/);
    assert.match(buildInsightsQuery({ fields: DEFAULT_FIELDS, groupBy: ['srcaddr'] }), /by srcaddr\n/);
  });
});

describe('Insights over recorded responses', () => {
  it('starts, polls until Complete, parses rows into aggregates and reports bad rows', async () => {
    const srv = await startReplayServer(loadFixture('logs-insights.json'));
    const h = createLogsClient(conn(srv.endpoint));
    const statuses: string[] = [];
    try {
      const query = buildInsightsQuery({ fields: DEFAULT_FIELDS });
      const r = await runInsightsQuery(h, {
        logGroupNames: ['vpc-flow-logs'],
        startTime: 1768035600000,
        endTime: 1768039200500,
        query,
        pollIntervalMs: 10,
        onProgress: (s) => statuses.push(s),
      });
      assert.deepEqual(statuses, ['Running', 'Complete']);
      assert.equal(r.status, 'Complete');
      assert.equal(r.rows.length, 3);
      assert.equal(r.truncated, false);
      assert.deepEqual(r.statistics, { recordsMatched: 157, recordsScanned: 4420, bytesScanned: 804862 });
      const start = srv.requests.find((q) => q.operation === 'StartQuery')!;
      assert.equal(start.params.queryString, query);
      assert.deepEqual(start.params.logGroupNames, ['vpc-flow-logs']);
      assert.equal(start.params.startTime, 1768035600, 'seconds');
      assert.equal(start.params.endTime, 1768039201, 'rounded up');
      assert.equal(srv.requests.filter((q) => q.operation === 'GetQueryResults').length, 2);

      const { aggregates, problems } = insightsRowsToAggregates(r.rows);
      assert.equal(aggregates.length, 2);
      assert.deepEqual(
        aggregates.map((a) => [a.interfaceId, a.srcaddr, a.dstaddr, a.srcport, a.dstport, a.protocol, a.action, a.bytes, a.packets, a.records]),
        [
          ['eni-0ddd000000000001', '10.0.0.10', '52.94.1.10', 49152, 443, 6, 'ACCEPT', 98304512, 70221, 144],
          ['eni-0ddd000000000002', '198.51.100.23', '10.0.0.20', 51000, 22, 6, 'REJECT', 1800, 30, 10],
        ],
      );
      assert.equal(problems.length, 1);
      assert.match(problems[0], /^row 3: not a number: srcport, dstport, protocol/);
    } finally {
      h.client.destroy();
      await srv.close();
    }
  });

  it('cancelling while the query runs stops within 1 s and tries StopQuery (which may fail)', async (t) => {
    const exchanges: Exchange[] = [
      { target: 'Logs_20140328.StartQuery', token: null, status: 200, body: '{"queryId":"q-1"}' },
      { target: 'Logs_20140328.GetQueryResults', token: null, status: 200, body: '{"results":[],"status":"Running"}' },
      { target: 'Logs_20140328.StopQuery', token: null, status: 500, body: '{"__type":"InternalFailure","message":"moto: not implemented"}' },
    ];
    const srv = await startReplayServer(exchanges);
    const h = createLogsClient(conn(srv.endpoint));
    const ac = new AbortController();
    try {
      const p = runInsightsQuery(h, { logGroupNames: ['g'], startTime: 0, endTime: 60_000, query: 'fields @message', pollIntervalMs: 2000, signal: ac.signal }).then(
        () => new Error('completed'),
        (e: unknown) => e,
      );
      // Cancel once the query runs (it has an id to stop), while waiting for the next poll.
      while (!srv.requests.some((q) => q.operation === 'GetQueryResults')) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      const t0 = performance.now();
      ac.abort();
      const err = await p;
      const latency = performance.now() - t0;
      t.diagnostic(`cancellation latency ${latency.toFixed(1)} ms`);
      assert.ok((err instanceof AwsSourceError && err.kind === 'cancelled') || (err as Error).name === 'AbortError', String(err));
      assert.ok(latency < 1000);
      // StopQuery is best effort and awaited at most 300 ms: allow it to arrive a little later.
      for (let i = 0; i < 50 && !srv.requests.some((q) => q.operation === 'StopQuery'); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(srv.requests.filter((q) => q.operation === 'StopQuery').length >= 1, JSON.stringify(srv.requests.map((q) => q.operation)));
      assert.equal(srv.requests.filter((q) => q.operation === 'StopQuery')[0].params.queryId, 'q-1');
    } finally {
      h.client.destroy();
      await srv.close();
    }
  });

  it('a failed query is an error naming its id', async () => {
    const srv = await startReplayServer([
      { target: 'Logs_20140328.StartQuery', token: null, status: 200, body: '{"queryId":"q-2"}' },
      { target: 'Logs_20140328.GetQueryResults', token: null, status: 200, body: '{"results":[],"status":"Failed"}' },
    ]);
    const h = createLogsClient(conn(srv.endpoint));
    try {
      await assert.rejects(runInsightsQuery(h, { logGroupNames: ['g'], startTime: 0, endTime: 1000, query: 'x', pollIntervalMs: 1 }), /Insights query q-2 ended with status Failed/);
      await assert.rejects(runInsightsQuery(h, { logGroupNames: Array.from({ length: 51 }, (_, i) => `g${i}`), startTime: 0, endTime: 1000, query: 'x' }), /at most 50 log groups/);
    } finally {
      h.client.destroy();
      await srv.close();
    }
  });
});
