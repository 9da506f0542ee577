/**
 * Building SDK clients the same way for every AWS source: region and credentials from the SDK's
 * default chain (env, profile, SSO, process, IMDS …) unless given, an optional named profile, and
 * an endpoint override (option > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL) for LocalStack,
 * moto and similar. SDK retries are off (`maxAttempts: 1`): retry.ts owns retries so that they
 * are cancellable and throttling adapts per client.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client } from '@aws-sdk/client-s3';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AdaptiveRateLimiter, withRetry, type CallOptions, type RetryOptions } from './retry';
import { toAwsSourceError, type AwsService } from './errors';

export interface AwsConnectionOptions {
  region?: string;
  /** Named profile from ~/.aws/config and ~/.aws/credentials. */
  profile?: string;
  /** Endpoint override, e.g. http://localhost:4566. */
  endpointUrl?: string;
  /** Explicit credentials; otherwise the SDK's default provider chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Timeout per request in ms, to the response headers and then between body chunks (default
   *  30 000). A timed-out request is retried. */
  requestTimeoutMs?: number;
  /** TCP connect timeout in ms (default 5 000). */
  connectionTimeoutMs?: number;
  /** Environment to read AWS_ENDPOINT_URL / AWS_REGION from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Retry policy for every call made with the client (see retry.ts). */
  retry?: RetryOptions;
  /** Bounds of the adaptive client-side rate (requests/s) used after throttling. */
  rateLimit?: { startRate?: number; minRate?: number; maxRate?: number };
}

const SERVICE_ENV: Record<AwsService, string> = { ec2: 'EC2', logs: 'CLOUDWATCH_LOGS', s3: 'S3', cloudformation: 'CLOUDFORMATION' };

/** The endpoint override in effect for a service, or undefined for AWS's own endpoints. */
export function resolveEndpointUrl(service: AwsService, opts: AwsConnectionOptions): string | undefined {
  const env = opts.env ?? process.env;
  const url = opts.endpointUrl || env[`AWS_ENDPOINT_URL_${SERVICE_ENV[service]}`] || env.AWS_ENDPOINT_URL || undefined;
  if (url === undefined) return undefined;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new Error(`Invalid AWS endpoint URL "${url}": expected http(s)://host[:port]`);
  }
  return url.replace(/\/+$/, '');
}

/** Region from the option or the environment; undefined lets the SDK read it from the profile. */
export function resolveRegion(opts: AwsConnectionOptions): string | undefined {
  const env = opts.env ?? process.env;
  return opts.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

/** A client plus what the sources need to call it well: its retry limiter and context. */
export interface AwsClientHandle<C> {
  client: C;
  service: AwsService;
  region: string | undefined;
  endpoint: string | undefined;
  profile: string | undefined;
  limiter: AdaptiveRateLimiter;
  retry: RetryOptions | undefined;
}

function baseConfig(service: AwsService, opts: AwsConnectionOptions) {
  const endpoint = resolveEndpointUrl(service, opts);
  const region = resolveRegion(opts);
  return {
    endpoint,
    region,
    config: {
      ...(region ? { region } : {}),
      ...(endpoint ? { endpoint } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      maxAttempts: 1,
      requestHandler: {
        // Time to the response headers: an error (retried), not just a warning.
        requestTimeout: opts.requestTimeoutMs ?? 30_000,
        throwOnRequestTimeout: true,
        // Inactivity while the body streams in.
        socketTimeout: opts.requestTimeoutMs ?? 30_000,
        connectionTimeout: opts.connectionTimeoutMs ?? 5_000,
      },
    },
  };
}

function handle<C>(client: C, service: AwsService, opts: AwsConnectionOptions, region: string | undefined, endpoint: string | undefined, limiter?: AdaptiveRateLimiter): AwsClientHandle<C> {
  return {
    client,
    service,
    region,
    endpoint,
    profile: opts.profile,
    limiter: opts.rateLimit ? new AdaptiveRateLimiter(opts.rateLimit) : (limiter ?? new AdaptiveRateLimiter()),
    retry: opts.retry,
  };
}

export function createEc2Client(opts: AwsConnectionOptions = {}): AwsClientHandle<EC2Client> {
  const { config, region, endpoint } = baseConfig('ec2', opts);
  return handle(new EC2Client(config), 'ec2', opts, region, endpoint);
}

export function createLogsClient(opts: AwsConnectionOptions = {}): AwsClientHandle<CloudWatchLogsClient> {
  const { config, region, endpoint } = baseConfig('logs', opts);
  // FilterLogEvents allows about 5 requests/s per account and region: start the adaptive limit there.
  return handle(new CloudWatchLogsClient(config), 'logs', opts, region, endpoint, new AdaptiveRateLimiter({ startRate: 5, maxRate: 25 }));
}

export function createS3Client(opts: AwsConnectionOptions = {}): AwsClientHandle<S3Client> {
  const { config, region, endpoint } = baseConfig('s3', opts);
  // Emulators serve buckets by path (http://host:port/bucket/key), not by virtual host.
  return handle(new S3Client({ ...config, ...(endpoint ? { forcePathStyle: true } : {}) }), 's3', opts, region, endpoint);
}

export function createCloudFormationClient(opts: AwsConnectionOptions = {}): AwsClientHandle<CloudFormationClient> {
  const { config, region, endpoint } = baseConfig('cloudformation', opts);
  return handle(new CloudFormationClient(config), 'cloudformation', opts, region, endpoint);
}

interface Sendable<Out> {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<Out>;
}

/**
 * Sends one command with retries, the client's adaptive limiter and cancellation, and turns a
 * final failure into an AwsSourceError naming the IAM action.
 */
export async function callAws<Out>(
  h: AwsClientHandle<unknown>,
  operation: string,
  command: object,
  opts: CallOptions & { resource?: string } = {},
): Promise<Out> {
  let attempts = 0;
  try {
    return await withRetry(
      (attempt) => {
        attempts = attempt;
        return (h.client as Sendable<Out>).send(command, opts.signal ? { abortSignal: opts.signal } : undefined);
      },
      { signal: opts.signal, retry: opts.retry ?? h.retry, limiter: opts.limiter ?? h.limiter },
    );
  } catch (err) {
    throw toAwsSourceError(err, {
      service: h.service,
      operation,
      region: h.region,
      endpoint: h.endpoint,
      profile: h.profile,
      resource: opts.resource,
      attempts,
    });
  }
}

/** Releases sockets of a client handle. */
export function destroyClient(h: AwsClientHandle<{ destroy(): void }>): void {
  h.client.destroy();
}
