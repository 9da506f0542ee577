/**
 * Reads flow-log events from CloudWatch Logs with FilterLogEvents over a time window:
 * `interleaved: true` (time order across streams), paging until there is no nextToken (pages may be
 * empty while a token remains — that is normal, keep going), each page retried on its own with the
 * same token (so faults never duplicate or lose events), adaptive backoff on ThrottlingException,
 * progress per page and cancellation through an AbortSignal. Events are yielded page by page; the
 * caller streams them on (nothing accumulates here).
 */
import { FilterLogEventsCommand, type CloudWatchLogsClient, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { callAws, type AwsClientHandle } from './clients';
import { throwIfAborted, type CallOptions } from './retry';
import { createAggregator, type AggregateResult, type LineAggregator, type TimeWindow } from '../../flowlogs';
import type { Progress } from '../../model/flows';

export interface LogEvent {
  message: string;
  logStreamName: string;
  /** Event time, ms since the epoch. */
  timestamp: number;
  eventId?: string;
}

export interface CloudWatchProgress {
  /** Events received so far. */
  events: number;
  /** UTF-8 bytes of the messages, each counted with a line terminator (as in a file of the same lines). */
  bytes: number;
  /** FilterLogEvents pages received (including empty ones). */
  pages: number;
  emptyPages: number;
  /** Distinct log streams seen (one per network interface for VPC flow logs). */
  streams: number;
}

export interface CloudWatchReadOptions extends CallOptions {
  /** Log group name (or use logGroupIdentifier for an ARN). */
  logGroupName?: string;
  logGroupIdentifier?: string;
  /** Only these streams (≤ 100), or those starting with a prefix. */
  logStreamNames?: string[];
  logStreamNamePrefix?: string;
  /** Window in ms since the epoch; start inclusive, end exclusive (as the API). */
  startTime: number;
  endTime: number;
  /** CloudWatch filter pattern (plain words work everywhere, including emulators). */
  filterPattern?: string;
  /** Events per page (API max 10 000). */
  pageLimit?: number;
  onProgress?: (p: CloudWatchProgress) => void;
  /** Stop after this many pages (a guard; default unlimited). */
  maxPages?: number;
}

/** Yields the events of each FilterLogEvents page, in time order. */
export async function* readLogEventPages(h: AwsClientHandle<CloudWatchLogsClient>, opts: CloudWatchReadOptions): AsyncGenerator<LogEvent[]> {
  if (!opts.logGroupName && !opts.logGroupIdentifier) throw new Error('readLogEvents: a log group name or identifier is needed');
  if (!(opts.endTime > opts.startTime)) throw new Error(`readLogEvents: empty time window (${opts.startTime} .. ${opts.endTime})`);
  const group = opts.logGroupName ?? opts.logGroupIdentifier!;
  const progress: CloudWatchProgress = { events: 0, bytes: 0, pages: 0, emptyPages: 0, streams: 0 };
  const streams = new Set<string>();
  const seenTokens = new Set<string>();
  let token: string | undefined;
  for (;;) {
    throwIfAborted(opts.signal);
    const out = await callAws<{ events?: FilteredLogEvent[]; nextToken?: string }>(
      h,
      'FilterLogEvents',
      new FilterLogEventsCommand({
        logGroupName: opts.logGroupName,
        logGroupIdentifier: opts.logGroupName ? undefined : opts.logGroupIdentifier,
        logStreamNames: opts.logStreamNames?.length ? opts.logStreamNames : undefined,
        logStreamNamePrefix: opts.logStreamNamePrefix,
        startTime: opts.startTime,
        endTime: opts.endTime,
        filterPattern: opts.filterPattern,
        limit: opts.pageLimit,
        interleaved: true,
        nextToken: token,
      }),
      { ...opts, resource: `log group ${group}` },
    );
    const page: LogEvent[] = [];
    for (const e of out.events ?? []) {
      const message = e.message ?? '';
      const logStreamName = e.logStreamName ?? '';
      page.push({ message, logStreamName, timestamp: e.timestamp ?? 0, eventId: e.eventId });
      progress.bytes += Buffer.byteLength(message, 'utf8') + 1;
      streams.add(logStreamName);
    }
    progress.events += page.length;
    progress.pages++;
    if (page.length === 0) progress.emptyPages++;
    progress.streams = streams.size;
    opts.onProgress?.({ ...progress });
    if (page.length) yield page;
    const next = out.nextToken || undefined;
    if (!next) return;
    if (seenTokens.has(next)) throw new Error(`logs:FilterLogEvents on ${group}: the same nextToken came back twice; stopping to avoid an endless read.`);
    if (opts.maxPages !== undefined && progress.pages >= opts.maxPages) throw new Error(`logs:FilterLogEvents on ${group}: more than ${opts.maxPages} pages; narrow the time window.`);
    seenTokens.add(next);
    token = next;
  }
}

/** Yields events one by one (see readLogEventPages). */
export async function* readLogEvents(h: AwsClientHandle<CloudWatchLogsClient>, opts: CloudWatchReadOptions): AsyncGenerator<LogEvent> {
  for await (const page of readLogEventPages(h, opts)) yield* page;
}

// ---------------------------------------------------------------------------------------------
// Flow-log glue: events → the engine's line aggregator.

export interface CloudWatchFlowLogOptions extends Omit<CloudWatchReadOptions, 'onProgress'> {
  /** Field order of the messages: the flow log's LogFormat fields (flowlog-discovery), else v2. */
  fields?: readonly string[];
  /** Records whose [start, end] lies outside this window (Unix s) are counted, not summed. */
  window?: TimeWindow;
  maxSkippedKept?: number;
  /** Progress in the engine's terms: records = events, bytes as CloudWatchProgress, files = streams. */
  onProgress?: (p: Progress) => void;
  /** Add into this aggregator (several log groups into one result); default: a new one. */
  aggregator?: LineAggregator;
  /** Prefix for the stream name in reports (e.g. the log group when reading several). */
  filePrefix?: string;
}

/**
 * Reads a flow log's events over the time window and aggregates them with the flow-log engine.
 * Skipped lines name the log stream as `file` and the event's 1-based index in that stream as
 * `line`. Resolves to the same AggregateResult the file reader gives.
 */
export async function aggregateCloudWatchFlowLogs(h: AwsClientHandle<CloudWatchLogsClient>, opts: CloudWatchFlowLogOptions): Promise<AggregateResult> {
  const agg = opts.aggregator ?? createAggregator({ fields: opts.fields, window: opts.window, maxSkippedKept: opts.maxSkippedKept });
  const perStream = new Map<string, number>();
  const prefix = opts.filePrefix ?? '';
  for await (const page of readLogEventPages(h, {
    ...opts,
    onProgress: (p) => opts.onProgress?.({ records: p.events, bytes: p.bytes, files: p.streams }),
  })) {
    for (const e of page) {
      const n = (perStream.get(e.logStreamName) ?? 0) + 1;
      perStream.set(e.logStreamName, n);
      agg.addLine(e.message, prefix + e.logStreamName, n, opts.fields);
    }
  }
  return agg.result();
}
