/**
 * The editor's entry into the AWS sources: discover CloudWatch flow logs, read them into
 * aggregates, fetch the EC2 inventory. Thin adapters over src/core/sources/aws (no vscode).
 */
import type { Progress } from '../model/flows';
import type { Inventory } from '../model/inventory';
import type { FlowFilesResult } from './editor-load';
import type { TimeWindow } from './editor-window';

export interface AwsConn {
  profile?: string;
  region?: string;
  endpointUrl?: string;
}

export interface CloudWatchFlowLog {
  logGroup: string;
  /** What the flow log watches (vpc-…, subnet-…, eni-…). */
  resources: string[];
  fields: string[];
}

export async function discoverCloudWatchFlowLogs(_conn: AwsConn, _opts: { signal?: AbortSignal } = {}): Promise<CloudWatchFlowLog[]> {
  throw new Error('CloudWatch flow logs are not supported in this build yet.');
}

export async function readCloudWatchFlows(
  _conn: AwsConn,
  _opts: { logGroup: string; window: TimeWindow; fields?: string[]; signal?: AbortSignal; onProgress?: (p: Progress) => void },
): Promise<FlowFilesResult> {
  throw new Error('CloudWatch flow logs are not supported in this build yet.');
}

export async function fetchEc2Inventory(_conn: AwsConn, _opts: { signal?: AbortSignal } = {}): Promise<Inventory> {
  throw new Error('EC2 inventory is not supported in this build yet.');
}
