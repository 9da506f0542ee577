/**
 * Everything that talks to AWS — the API for the CLI (`flows --cloudwatch`, `--s3`,
 * `--endpoint-url`, `--profile`, `--region`) and the editor. Pure Node + AWS SDK v3, no vscode.
 *
 * Connection (clients.ts)
 *   AwsConnectionOptions { region?, profile?, endpointUrl?, credentials?, requestTimeoutMs?,
 *                          connectionTimeoutMs?, env?, retry?, rateLimit? }
 *     Credentials and region come from the SDK default chain unless given. Endpoint override:
 *     endpointUrl > AWS_ENDPOINT_URL_<EC2|CLOUDWATCH_LOGS|S3|CLOUDFORMATION> > AWS_ENDPOINT_URL (LocalStack, moto).
 *   createEc2Client(conn) / createLogsClient(conn) / createS3Client(conn) / createCloudFormationClient(conn):
 *     AwsClientHandle<Client>
 *     (call `handle.client.destroy()` when done). SDK retries are off; every call goes through
 *     callAws(handle, operation, command, { signal?, retry?, limiter? }) — retried per retry.ts,
 *     failures thrown as AwsSourceError.
 *   connectionFromFlags({ profile?, region?, endpointUrl? }, env): AwsConnectionOptions
 *
 * Errors (errors.ts)
 *   AwsSourceError { kind, action, code, status, message } — kind is one of 'expired-credentials',
 *   'missing-credentials', 'invalid-credentials', 'access-denied' (message names the IAM action,
 *   e.g. ec2:DescribeSecurityGroups), 'missing-region', 'throttled', 'unavailable', 'network',
 *   'not-found', 'cancelled', 'other'. The message is meant to be shown to the user as is.
 *
 * Retries (retry.ts)
 *   withRetry(fn, { signal?, retry?: RetryOptions, limiter?: AdaptiveRateLimiter })
 *     ThrottlingException & co: backoff + the client's adaptive rate halves; 5xx, timeouts and
 *     dropped connections: backoff; everything else: thrown at once. Every wait is cancellable.
 *
 * Inventory (ec2-inventory.ts)
 *   fetchInventory(ec2, { pageSize?, concurrency?, skip?, signal?, onProgress? }): Promise<Inventory>
 *   fetchInventoryCached(ec2, { cacheDir, maxAgeMs? (15 min), refresh?, ...fetch options }): Promise<CachedInventory>
 *   fetchInventoryFromAws(conn, { cacheDir?, ...}): Promise<CachedInventory>   (client made and destroyed)
 *
 * Flow logs
 *   discoverFlowLogs(ec2, { resourceIds?, pageSize?, signal? }): Promise<FlowLogInfo[]>
 *     destination (CloudWatch log group / S3 bucket+prefix+format / Firehose), LogFormat → fields,
 *     resource, traffic type.
 *   readLogEvents / readLogEventPages(logs, { logGroupName, startTime, endTime (ms), pageLimit?,
 *     logStreamNames?, filterPattern?, signal?, onProgress? }): AsyncGenerator<LogEvent | LogEvent[]>
 *   aggregateCloudWatchFlowLogs(logs, { ...read options, fields?, window?, aggregator? }): Promise<AggregateResult>
 *   listS3Objects(s3, { bucket, prefix?, pageSize? }) / readS3Object(s3, { bucket, key })  (resumable)
 *   aggregateS3FlowLogs(s3, { bucket, prefix?, window? (Unix s), fields?, account?, region?, hive? }): Promise<AggregateResult>
 *   parseS3Url('s3://bucket/prefix/'): { bucket, prefix }
 *
 * Logs Insights (insights.ts) — server-side summary per 7-tuple, ≤ 10 000 rows, ≤ 50 groups:
 *   buildInsightsQuery({ fields, groupBy?, limit? }): string   (parse @message by the LogFormat)
 *   runInsightsQuery(logs, { logGroupNames, startTime, endTime (ms), query, signal?, onProgress? }): Promise<InsightsResult>
 *   insightsRowsToAggregates(rows): { aggregates: FlowAggregate[], problems: string[] }
 *
 * CloudFormation (cloudformation.ts) — code ↔ deployed links for templates with a stack name:
 *   listStackResources(cfn, { stackName, resourceTypes?, signal?, onPage? }): Promise<DeployedStackResource[]>
 *     ListStackResources, every NextToken page; { LogicalResourceId, PhysicalResourceId?, ResourceType,
 *     ResourceStatus?, StackName } — what src/core/iac's linkCloudFormationStack takes. A missing
 *     stack: AwsSourceError 'not-found' naming the stack and cloudformation:ListStackResources.
 *   fetchStackResources(conn, { stackName, ... })   (client made and destroyed)
 *   physicalIdsByLogicalId(resources, type = 'AWS::EC2::SecurityGroup'): Map<logical id, physical id>
 *
 * One-call helpers for the `flows` command:
 *   aggregateFromCloudWatch(conn, { logGroupNames?, flowLogIds?, startTime, endTime (ms), ... })
 *     without log groups: every CloudWatch flow log DescribeFlowLogs finds, each with its LogFormat.
 *   aggregateFromS3(conn, { url: 's3://bucket/prefix/', window?, fields?, ... })
 */
import type { AggregateResult, TimeWindow } from '../../flowlogs';
import { createAggregator } from '../../flowlogs';
import type { Progress } from '../../model/flows';
import { createEc2Client, createLogsClient, createS3Client, type AwsConnectionOptions } from './clients';
import { aggregateCloudWatchFlowLogs } from './cloudwatch';
import { discoverFlowLogs, type FlowLogInfo } from './flowlog-discovery';
import { aggregateS3FlowLogs, parseS3Url } from './s3';
import type { CallOptions } from './retry';

export * from './clients';
export * from './errors';
export * from './retry';
export * from './ec2-inventory';
export * from './flowlog-discovery';
export * from './cloudwatch';
export * from './s3';
export * from './insights';
export * from './cloudformation';

/** Connection options from CLI flags / settings (empty strings mean "not set"). */
export function connectionFromFlags(
  flags: { profile?: string; region?: string; endpointUrl?: string },
  env: Record<string, string | undefined> = process.env,
): AwsConnectionOptions {
  return {
    profile: flags.profile || undefined,
    region: flags.region || undefined,
    endpointUrl: flags.endpointUrl || undefined,
    env,
  };
}

export interface CloudWatchSourceOptions extends CallOptions {
  /** Log groups to read; default: every CloudWatch destination DescribeFlowLogs finds. */
  logGroupNames?: string[];
  /** Restrict discovery to these flow logs. */
  flowLogIds?: string[];
  /** Field order when a group's flow log is not found (default v2). */
  fields?: readonly string[];
  /** Event time window, ms since the epoch. */
  startTime: number;
  endTime: number;
  window?: TimeWindow;
  maxSkippedKept?: number;
  pageLimit?: number;
  onProgress?: (p: Progress) => void;
}

/**
 * Reads and aggregates flow logs from CloudWatch Logs. Each log group is read with the field
 * order of its flow log's LogFormat (found with DescribeFlowLogs); `fields` applies otherwise.
 */
export async function aggregateFromCloudWatch(
  conn: AwsConnectionOptions,
  opts: CloudWatchSourceOptions,
): Promise<{ result: AggregateResult; flowLogs: FlowLogInfo[]; logGroups: string[] }> {
  const ec2 = createEc2Client(conn);
  const logs = createLogsClient(conn);
  try {
    let flowLogs: FlowLogInfo[] = [];
    try {
      flowLogs = (await discoverFlowLogs(ec2, opts)).filter((f) => f.destinationType === 'cloud-watch-logs' && f.logGroupName);
    } catch (err) {
      // Without ec2:DescribeFlowLogs named groups can still be read (with the given/default fields).
      if (!opts.logGroupNames?.length) throw err;
    }
    if (opts.flowLogIds?.length) flowLogs = flowLogs.filter((f) => opts.flowLogIds!.includes(f.flowLogId));
    const groups = opts.logGroupNames?.length ? opts.logGroupNames : [...new Set(flowLogs.map((f) => f.logGroupName!))];
    if (groups.length === 0) throw new Error('No CloudWatch flow logs found in this region (DescribeFlowLogs lists none with a log-group destination). Name a log group explicitly.');
    const agg = createAggregator({ fields: opts.fields, window: opts.window, maxSkippedKept: opts.maxSkippedKept });
    const done = { records: 0, bytes: 0, files: 0 };
    for (const group of groups) {
      const fl = flowLogs.find((f) => f.logGroupName === group);
      let last = { records: 0, bytes: 0, files: 0 };
      await aggregateCloudWatchFlowLogs(logs, {
        ...opts,
        logGroupName: group,
        fields: fl?.fields ?? opts.fields,
        aggregator: agg,
        filePrefix: groups.length > 1 ? `${group}:` : '',
        onProgress: (p) => {
          last = p;
          opts.onProgress?.({ records: done.records + p.records, bytes: done.bytes + p.bytes, files: done.files + p.files });
        },
      });
      done.records += last.records;
      done.bytes += last.bytes;
      done.files += last.files;
    }
    return { result: agg.result(), flowLogs, logGroups: groups };
  } finally {
    ec2.client.destroy();
    logs.client.destroy();
  }
}

export interface S3SourceOptions extends CallOptions {
  /** s3://bucket/prefix/ */
  url: string;
  window?: TimeWindow;
  fields?: readonly string[];
  account?: string;
  region?: string;
  hive?: boolean;
  pageSize?: number;
  maxSkippedKept?: number;
  onProgress?: (p: Progress) => void;
}

/** Reads and aggregates the flow-log objects under an s3:// URL. */
export async function aggregateFromS3(conn: AwsConnectionOptions, opts: S3SourceOptions): Promise<AggregateResult> {
  const { bucket, prefix } = parseS3Url(opts.url);
  const s3 = createS3Client(conn);
  try {
    return await aggregateS3FlowLogs(s3, { ...opts, bucket, prefix });
  } finally {
    s3.client.destroy();
  }
}
