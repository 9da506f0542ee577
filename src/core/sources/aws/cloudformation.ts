/**
 * The resources of a deployed CloudFormation stack (ListStackResources, every page followed by
 * NextToken, one retried request per page): logical id → physical id and type, which is what
 * links a template's AWS::EC2::SecurityGroup resources to their sg-… ids (src/core/iac/links.ts).
 * A missing stack is a 'not-found' AwsSourceError naming the stack and
 * cloudformation:ListStackResources; a refused call names the same action.
 */
import { ListStackResourcesCommand, type CloudFormationClient, type ListStackResourcesOutput } from '@aws-sdk/client-cloudformation';
import { callAws, createCloudFormationClient, type AwsClientHandle, type AwsConnectionOptions } from './clients';
import { collectPages } from './ec2-inventory';
import type { CallOptions } from './retry';

/** One resource of a stack, in the field names of the CloudFormation API (and of src/core/iac's StackResource). */
export interface DeployedStackResource {
  LogicalResourceId: string;
  /** Missing while a resource is being created or after it failed. */
  PhysicalResourceId?: string;
  ResourceType: string;
  ResourceStatus?: string;
  StackName: string;
}

const STACK_NAME = /^(?:[A-Za-z][A-Za-z0-9-]{0,127}|arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:stack\/[A-Za-z][A-Za-z0-9-]*\/[A-Za-z0-9-]+)$/;

/** A stack name (letters, digits and '-', starting with a letter, ≤ 128) or a stack ARN. */
export function isStackName(s: string): boolean {
  return STACK_NAME.test(s);
}

export interface StackResourcesOptions extends CallOptions {
  stackName: string;
  /** Keep only these types (e.g. ['AWS::EC2::SecurityGroup']); default: every resource. */
  resourceTypes?: readonly string[];
  /** Called after each page with the number of resources it held. */
  onPage?: (resources: number) => void;
}

/** Every resource of one stack (by name or stack id) in the client's region. */
export async function listStackResources(h: AwsClientHandle<CloudFormationClient>, opts: StackResourcesOptions): Promise<DeployedStackResource[]> {
  const call: CallOptions & { resource: string } = { signal: opts.signal, retry: opts.retry, limiter: opts.limiter, resource: `stack ${opts.stackName}` };
  const all = await collectPages(
    `cloudformation:ListStackResources (stack ${opts.stackName})`,
    async (token) => {
      const out = await callAws<ListStackResourcesOutput>(h, 'ListStackResources', new ListStackResourcesCommand({ StackName: opts.stackName, NextToken: token }), call);
      return { items: out.StackResourceSummaries ?? [], next: out.NextToken || undefined };
    },
    { signal: opts.signal, onPage: opts.onPage },
  );
  const types = opts.resourceTypes ? new Set(opts.resourceTypes) : undefined;
  const out: DeployedStackResource[] = [];
  for (const r of all) {
    if (!r.LogicalResourceId || !r.ResourceType) continue;
    if (types && !types.has(r.ResourceType)) continue;
    out.push({
      LogicalResourceId: r.LogicalResourceId,
      ...(r.PhysicalResourceId ? { PhysicalResourceId: r.PhysicalResourceId } : {}),
      ResourceType: r.ResourceType,
      ...(r.ResourceStatus ? { ResourceStatus: r.ResourceStatus } : {}),
      StackName: opts.stackName,
    });
  }
  return out;
}

/** Logical id → physical id of the stack's resources of one type (default security groups). */
export function physicalIdsByLogicalId(resources: readonly DeployedStackResource[], resourceType = 'AWS::EC2::SecurityGroup'): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of resources) if (r.ResourceType === resourceType && r.PhysicalResourceId && r.ResourceStatus !== 'DELETE_COMPLETE') m.set(r.LogicalResourceId, r.PhysicalResourceId);
  return m;
}

/** One-call helper: a client for `conn`, every resource of the stack, the client released. */
export async function fetchStackResources(conn: AwsConnectionOptions, opts: StackResourcesOptions): Promise<DeployedStackResource[]> {
  const h = createCloudFormationClient(conn);
  try {
    return await listStackResources(h, opts);
  } finally {
    h.client.destroy();
  }
}
