/**
 * The editor's entry into the AWS sources: discover CloudWatch flow logs, read them into
 * aggregates, fetch the EC2 inventory, read a CloudFormation stack's resources. Thin adapters over src/core/sources/aws (no vscode).
 * Errors are the sources' AwsSourceError: messages name the credential problem or IAM action.
 */
import type { Progress } from '../model/flows';
import type { Inventory } from '../model/inventory';
import type { FlowFilesResult } from './editor-load';
import type { TimeWindow } from './editor-window';
import { aggregateFromCloudWatch, connectionFromFlags, createEc2Client, discoverFlowLogs, fetchInventoryFromAws, fetchStackResources, type DeployedStackResource } from '../sources/aws';
export { isStackName } from '../sources/aws';

export interface AwsConn {
  profile?: string;
  region?: string;
  endpointUrl?: string;
}

export interface CloudWatchFlowLog {
  logGroup: string;
  /** What the flow logs watch (vpc-…, subnet-…, eni-…). */
  resources: string[];
  fields: string[];
}

/** The CloudWatch log groups that receive VPC flow logs in the connection's region. */
export async function discoverCloudWatchFlowLogs(conn: AwsConn, opts: { signal?: AbortSignal } = {}): Promise<CloudWatchFlowLog[]> {
  const ec2 = createEc2Client(connectionFromFlags(conn));
  try {
    const all = await discoverFlowLogs(ec2, { signal: opts.signal });
    const byGroup = new Map<string, CloudWatchFlowLog>();
    for (const f of all) {
      if (f.destinationType !== 'cloud-watch-logs' || !f.logGroupName) continue;
      const g = byGroup.get(f.logGroupName) ?? { logGroup: f.logGroupName, resources: [], fields: f.fields };
      if (f.resourceId) g.resources.push(f.resourceId);
      byGroup.set(f.logGroupName, g);
    }
    return [...byGroup.values()].sort((a, b) => a.logGroup.localeCompare(b.logGroup));
  } finally {
    ec2.client.destroy();
  }
}

export async function readCloudWatchFlows(
  conn: AwsConn,
  opts: { logGroup: string; window: TimeWindow; fields?: string[]; signal?: AbortSignal; onProgress?: (p: Progress) => void },
): Promise<FlowFilesResult> {
  const { result } = await aggregateFromCloudWatch(connectionFromFlags(conn), {
    logGroupNames: [opts.logGroup],
    fields: opts.fields,
    startTime: opts.window.start * 1000,
    endTime: opts.window.end * 1000,
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  return { aggregates: result.aggregates, counts: result.counts, skipped: result.skipped, errors: result.errors, files: result.files, window: result.window };
}

export async function fetchEc2Inventory(conn: AwsConn, opts: { signal?: AbortSignal; cacheDir?: string } = {}): Promise<Inventory> {
  const r = await fetchInventoryFromAws(connectionFromFlags(conn), { signal: opts.signal, cacheDir: opts.cacheDir });
  return r.inventory;
}

/** Every resource of a CloudFormation stack (ListStackResources, all pages), for code → deployed links. */
export async function readStackResources(conn: AwsConn, stackName: string, opts: { signal?: AbortSignal } = {}): Promise<DeployedStackResource[]> {
  return fetchStackResources(connectionFromFlags(conn), { stackName, ...(opts.signal ? { signal: opts.signal } : {}) });
}
