/**
 * CloudWatch Logs Insights for flow logs: a server-side summary (bytes/packets/records per 7-tuple)
 * instead of reading every event — fast for long windows, but limited to 10 000 result rows and 50
 * log groups per query. Insights discovers only the default (v2) flow-log fields by itself; any
 * custom LogFormat is parsed with `parse @message "* * …" as …`, so the query is built from the
 * flow log's field list. Polling is cancellable; on cancel the query is stopped (best effort).
 */
import {
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
  type CloudWatchLogsClient,
  type GetQueryResultsCommandOutput,
  type StartQueryCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import { flowAggregate, type FlowAggregate } from '../../model/flows';
import { callAws, type AwsClientHandle } from './clients';
import { AbortError, sleep, throwIfAborted, type CallOptions } from './retry';

/** Insights field name for a flow-log field: 'interface-id' → 'interfaceId'. */
export function insightsName(field: string): string {
  return field.toLowerCase().replace(/[-_]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The 7-tuple the engine groups by, as Insights names. */
export const INSIGHTS_GROUP_FIELDS = ['interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action'] as const;

export const INSIGHTS_MAX_ROWS = 10_000;
export const INSIGHTS_MAX_LOG_GROUPS = 50;

export interface InsightsQueryOptions {
  /** Field order of the messages (LogFormat). */
  fields: readonly string[];
  /** Group-by fields (flow-log names); default the 7-tuple. */
  groupBy?: readonly string[];
  /** Row limit (≤ 10 000). */
  limit?: number;
}

/**
 * Builds the query: parse the message by the field order, keep OK records, sum bytes and packets
 * and count records per group, biggest first. Throws when a group-by or summed field is missing
 * from the format (the query could not compute it).
 */
export function buildInsightsQuery(opts: InsightsQueryOptions): string {
  const fields = opts.fields.map((f) => f.toLowerCase());
  const groupBy = (opts.groupBy ?? INSIGHTS_GROUP_FIELDS).map((f) => f.toLowerCase());
  for (const f of [...groupBy, 'bytes', 'packets']) {
    if (!fields.includes(f)) throw new Error(`The flow log's format has no "${f}" field; Insights cannot group or sum by it.`);
  }
  const names = fields.map(insightsName);
  const pattern = fields.map(() => '*').join(' ');
  const limit = Math.min(INSIGHTS_MAX_ROWS, Math.max(1, Math.floor(opts.limit ?? INSIGHTS_MAX_ROWS)));
  const lines = [`parse @message "${pattern}" as ${names.join(', ')}`];
  if (fields.includes('log-status')) lines.push(`filter ${insightsName('log-status')} = "OK"`);
  lines.push(
    `stats sum(${insightsName('bytes')}) as sumBytes, sum(${insightsName('packets')}) as sumPackets, count(*) as records by ${groupBy.map(insightsName).join(', ')}`,
    'sort sumBytes desc',
    `limit ${limit}`,
  );
  return lines.join('\n| ');
}

export type InsightsRow = Record<string, string>;

export interface InsightsResult {
  rows: InsightsRow[];
  status: string;
  statistics: { recordsMatched: number; recordsScanned: number; bytesScanned: number };
  /** True when the row limit was reached: there may be more groups than returned. */
  truncated: boolean;
  queryId: string;
}

/** One result row (list of {field, value}) → object; the `@ptr` field is dropped. */
export function parseInsightsRows(results: { field?: string; value?: string }[][] | undefined): InsightsRow[] {
  return (results ?? []).map((row) => {
    const o: InsightsRow = {};
    for (const c of row) if (c.field && c.field !== '@ptr') o[c.field] = c.value ?? '';
    return o;
  });
}

/** Rows of buildInsightsQuery's 7-tuple query as FlowAggregates (fields Insights cannot give are null/0). */
export function insightsRowsToAggregates(rows: InsightsRow[]): { aggregates: FlowAggregate[]; problems: string[] } {
  const aggregates: FlowAggregate[] = [];
  const problems: string[] = [];
  const num = (v: string | undefined) => (v === undefined || v === '' || v === '-' ? NaN : Number(v));
  rows.forEach((r, i) => {
    const a = r.action;
    const agg = flowAggregate({
      interfaceId: r.interfaceId ?? '',
      srcaddr: r.srcaddr ?? '',
      dstaddr: r.dstaddr ?? '',
      srcport: num(r.srcport),
      dstport: num(r.dstport),
      protocol: num(r.protocol),
      action: a === 'ACCEPT' || a === 'REJECT' ? a : null,
      packets: num(r.sumPackets),
      bytes: num(r.sumBytes),
      records: num(r.records),
      start: NaN,
      end: NaN,
    });
    const bad = (['srcport', 'dstport', 'protocol', 'packets', 'bytes', 'records'] as const).filter((k) => !Number.isFinite(agg[k]));
    if (!agg.interfaceId || bad.length) {
      problems.push(`row ${i + 1}: ${!agg.interfaceId ? 'no interface id' : `not a number: ${bad.join(', ')}`} (${JSON.stringify(r)})`);
      return;
    }
    agg.start = 0;
    agg.end = 0;
    aggregates.push(agg);
  });
  return { aggregates, problems };
}

export interface InsightsRunOptions extends CallOptions {
  logGroupNames: string[];
  /** Window in ms since the epoch (sent to the API in seconds). */
  startTime: number;
  endTime: number;
  query: string;
  limit?: number;
  /** First poll delay, doubling to 5 s (default 500 ms). */
  pollIntervalMs?: number;
  /** Give up after this long (default 15 minutes; Insights itself stops at 60). */
  maxWaitMs?: number;
  onProgress?: (status: string, statistics: InsightsResult['statistics']) => void;
}

/** Starts an Insights query, polls until it completes, returns its rows. */
export async function runInsightsQuery(h: AwsClientHandle<CloudWatchLogsClient>, opts: InsightsRunOptions): Promise<InsightsResult> {
  if (opts.logGroupNames.length === 0) throw new Error('Insights: no log group given');
  if (opts.logGroupNames.length > INSIGHTS_MAX_LOG_GROUPS) throw new Error(`Insights: at most ${INSIGHTS_MAX_LOG_GROUPS} log groups per query (got ${opts.logGroupNames.length})`);
  const started = await callAws<StartQueryCommandOutput>(
    h,
    'StartQuery',
    new StartQueryCommand({
      logGroupNames: opts.logGroupNames,
      startTime: Math.floor(opts.startTime / 1000),
      endTime: Math.ceil(opts.endTime / 1000),
      queryString: opts.query,
      limit: opts.limit,
    }),
    { ...opts, resource: `log group ${opts.logGroupNames.join(', ')}` },
  );
  const queryId = started.queryId;
  if (!queryId) throw new Error('Insights: StartQuery returned no query id');
  const t0 = Date.now();
  let delay = opts.pollIntervalMs ?? 500;
  try {
    for (;;) {
      throwIfAborted(opts.signal);
      const out = await callAws<GetQueryResultsCommandOutput>(h, 'GetQueryResults', new GetQueryResultsCommand({ queryId }), opts);
      const status = out.status ?? 'Unknown';
      const statistics = {
        recordsMatched: out.statistics?.recordsMatched ?? 0,
        recordsScanned: out.statistics?.recordsScanned ?? 0,
        bytesScanned: out.statistics?.bytesScanned ?? 0,
      };
      opts.onProgress?.(status, statistics);
      if (status === 'Complete') {
        const rows = parseInsightsRows(out.results);
        return { rows, status, statistics, truncated: rows.length >= (opts.limit ?? INSIGHTS_MAX_ROWS), queryId };
      }
      if (status === 'Failed' || status === 'Cancelled' || status === 'Timeout') {
        throw new Error(`Insights query ${queryId} ended with status ${status}`);
      }
      if (Date.now() - t0 > (opts.maxWaitMs ?? 15 * 60_000)) throw new Error(`Insights query ${queryId} still ${status} after ${Math.round((Date.now() - t0) / 1000)} s; giving up`);
      await sleep(delay, opts.signal);
      delay = Math.min(5000, delay * 2);
    }
  } catch (err) {
    if (opts.signal?.aborted || err instanceof AbortError) {
      // Best effort: the query keeps running (and costing) otherwise. Errors are ignored (moto answers 500).
      // Waited for at most 300 ms so that cancelling stays prompt.
      const stop = callAws(h, 'StopQuery', new StopQueryCommand({ queryId }), { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 } }).catch(() => undefined);
      await Promise.race([stop, sleep(300)]);
    }
    throw err;
  }
}
