/**
 * Finds the VPC flow logs of an account/region (EC2 DescribeFlowLogs) and says where each one
 * delivers: a CloudWatch log group, an S3 bucket/prefix (with file format and partitioning), or
 * Firehose — plus its field order from `LogFormat`.
 */
import { DescribeFlowLogsCommand, type EC2Client, type FlowLog } from '@aws-sdk/client-ec2';
import { callAws, type AwsClientHandle } from './clients';
import { collectPages } from './ec2-inventory';
import type { CallOptions } from './retry';
import { DEFAULT_FIELDS, parseLogFormat } from '../../flowlogs';

export type FlowLogDestinationType = 'cloud-watch-logs' | 's3' | 'kinesis-data-firehose' | 'unknown';

export interface FlowLogInfo {
  flowLogId: string;
  /** vpc-..., subnet-..., eni-..., tgw-... */
  resourceId: string | null;
  trafficType: 'ACCEPT' | 'REJECT' | 'ALL' | null;
  destinationType: FlowLogDestinationType;
  /** The destination ARN as given by EC2. */
  destination: string | null;
  /** CloudWatch only. */
  logGroupName: string | null;
  /** S3 only: bucket and key prefix (without a trailing slash; '' for the bucket root). */
  s3: { bucket: string; prefix: string; fileFormat: 'plain-text' | 'parquet'; hiveCompatible: boolean; perHour: boolean } | null;
  /** The LogFormat string, or null when the flow log uses the default format. */
  logFormat: string | null;
  /** Field names in order (from LogFormat via the engine's parseLogFormat, or the v2 default). */
  fields: string[];
  status: string | null;
  maxAggregationIntervalSec: number | null;
}

/** arn:aws:s3:::bucket/some/prefix/ → { bucket, prefix: 'some/prefix' } */
export function parseS3Arn(arn: string): { bucket: string; prefix: string } | null {
  const m = /^arn:[^:]+:s3:::([^/]+)\/?(.*)$/.exec(arn);
  if (!m) return null;
  return { bucket: m[1], prefix: m[2].replace(/\/+$/, '') };
}

export function describeFlowLog(fl: FlowLog): FlowLogInfo {
  const dt = (fl.LogDestinationType ?? (fl.LogGroupName ? 'cloud-watch-logs' : 'unknown')) as FlowLogDestinationType;
  const s3loc = dt === 's3' && fl.LogDestination ? parseS3Arn(fl.LogDestination) : null;
  const opts = fl.DestinationOptions;
  let logGroupName = fl.LogGroupName ?? null;
  if (!logGroupName && dt === 'cloud-watch-logs' && fl.LogDestination) {
    logGroupName = /:log-group:([^:]+)/.exec(fl.LogDestination)?.[1] ?? null;
  }
  return {
    flowLogId: fl.FlowLogId ?? '',
    resourceId: fl.ResourceId ?? null,
    trafficType: (fl.TrafficType as FlowLogInfo['trafficType']) ?? null,
    destinationType: ['cloud-watch-logs', 's3', 'kinesis-data-firehose'].includes(dt) ? dt : 'unknown',
    destination: fl.LogDestination ?? null,
    logGroupName: dt === 'cloud-watch-logs' ? logGroupName : null,
    s3: s3loc
      ? {
          ...s3loc,
          fileFormat: opts?.FileFormat === 'parquet' ? 'parquet' : 'plain-text',
          hiveCompatible: !!opts?.HiveCompatiblePartitions,
          perHour: !!opts?.PerHourPartition,
        }
      : null,
    logFormat: fl.LogFormat ?? null,
    fields: fl.LogFormat && fl.LogFormat.trim() ? parseLogFormat(fl.LogFormat) : [...DEFAULT_FIELDS],
    status: fl.FlowLogStatus ?? null,
    maxAggregationIntervalSec: fl.MaxAggregationInterval ?? null,
  };
}

export interface DiscoverOptions extends CallOptions {
  pageSize?: number;
  /** Only flow logs of these resources (vpc-/subnet-/eni- ids). */
  resourceIds?: string[];
}

/** Every flow log of the client's region, described. */
export async function discoverFlowLogs(h: AwsClientHandle<EC2Client>, opts: DiscoverOptions = {}): Promise<FlowLogInfo[]> {
  const filters = opts.resourceIds?.length ? [{ Name: 'resource-id', Values: opts.resourceIds }] : undefined;
  const all = await collectPages<FlowLog>(
    'ec2:DescribeFlowLogs',
    async (token) => {
      const out = await callAws<{ FlowLogs?: FlowLog[]; NextToken?: string }>(
        h,
        'DescribeFlowLogs',
        new DescribeFlowLogsCommand({
          Filter: filters,
          MaxResults: opts.pageSize === undefined ? undefined : Math.min(1000, Math.max(5, opts.pageSize)),
          NextToken: token,
        }),
        opts,
      );
      return { items: out.FlowLogs ?? [], next: out.NextToken || undefined };
    },
    { signal: opts.signal },
  );
  return all.map(describeFlowLog);
}
