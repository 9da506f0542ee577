/**
 * Turns what the AWS SDK throws into one error type with a message a user can act on: which
 * credentials problem, which IAM action is missing, which endpoint could not be reached. The
 * editor shows `message` as is; the CLI prints it and exits 2.
 */
import { classifyError, errorCode, httpStatus, isAbortError } from './retry';

export type AwsService = 'ec2' | 'logs' | 's3' | 'cloudformation';

export type AwsErrorKind =
  | 'expired-credentials'
  | 'missing-credentials'
  | 'invalid-credentials'
  | 'access-denied'
  | 'missing-region'
  | 'throttled'
  | 'unavailable'
  | 'network'
  | 'not-found'
  | 'cancelled'
  | 'other';

export interface AwsCallContext {
  service: AwsService;
  /** API operation name, e.g. 'DescribeSecurityGroups', 'FilterLogEvents', 'ListObjectsV2'. */
  operation: string;
  region?: string;
  endpoint?: string;
  profile?: string;
  /** What was being read, e.g. a log group or bucket name; named in not-found messages. */
  resource?: string;
  attempts?: number;
}

export class AwsSourceError extends Error {
  override name = 'AwsSourceError';
  readonly kind: AwsErrorKind;
  /** The IAM action the call needs, e.g. 'ec2:DescribeSecurityGroups'. */
  readonly action: string;
  /** AWS error code (or Node error code) as received. */
  readonly code: string | undefined;
  readonly status: number | undefined;
  override readonly cause: unknown;

  constructor(kind: AwsErrorKind, message: string, action: string, code: string | undefined, status: number | undefined, cause: unknown) {
    super(message);
    this.kind = kind;
    this.action = action;
    this.code = code;
    this.status = status;
    this.cause = cause;
  }
}

/** IAM actions whose name differs from the API operation. */
const ACTION_OVERRIDES: Record<string, string> = {
  's3:ListObjectsV2': 's3:ListBucket',
  's3:ListObjects': 's3:ListBucket',
  's3:HeadObject': 's3:GetObject',
  's3:HeadBucket': 's3:ListBucket',
};

/** The IAM action an API call needs: ('ec2','DescribeVpcs') → 'ec2:DescribeVpcs'. */
export function iamActionFor(service: AwsService, operation: string): string {
  const a = `${service}:${operation}`;
  return ACTION_OVERRIDES[a] ?? a;
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const INVALID = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'IncompleteSignature',
  'InvalidSignatureException',
  'MissingAuthenticationToken',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Forbidden', 'AllAccessDisabled']);
const NOT_FOUND = new Set(['ResourceNotFoundException', 'NoSuchBucket', 'NoSuchKey', 'NotFound']);

function where(ctx: AwsCallContext): string {
  const parts: string[] = [];
  if (ctx.profile) parts.push(`profile ${ctx.profile}`);
  if (ctx.region) parts.push(`region ${ctx.region}`);
  if (ctx.endpoint) parts.push(`endpoint ${ctx.endpoint}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** Wraps any error from an AWS call; AwsSourceError passes through unchanged. */
export function toAwsSourceError(err: unknown, ctx: AwsCallContext): AwsSourceError {
  if (err instanceof AwsSourceError) return err;
  const action = iamActionFor(ctx.service, ctx.operation);
  const code = errorCode(err);
  const status = httpStatus(err);
  const raw = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error ? err.name : '';
  const at = where(ctx);
  const make = (kind: AwsErrorKind, msg: string) => new AwsSourceError(kind, msg, action, code, status, err);

  if (isAbortError(err)) return make('cancelled', `Cancelled while calling ${action}.`);
  if (code && EXPIRED.has(code)) {
    return make(
      'expired-credentials',
      `AWS credentials have expired (${code} from ${action}${at}). Refresh them, e.g. \`aws sso login${ctx.profile ? ` --profile ${ctx.profile}` : ''}\`, or renew the session token, then try again.`,
    );
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials|credentials? (is|are) missing|Unable to find.*credentials/i.test(raw)) {
    return make(
      'missing-credentials',
      `No AWS credentials found${at} for ${action}. Choose a profile (setting egressLens.aws.profile or --profile), set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run \`aws configure\` / \`aws sso login\`. (${raw})`,
    );
  }
  if (/Region is missing|region.*not.*(set|configured)/i.test(raw)) {
    return make('missing-region', `No AWS region set for ${action}. Choose one (setting egressLens.aws.region or --region) or set AWS_REGION.`);
  }
  if (code && INVALID.has(code)) {
    return make('invalid-credentials', `AWS rejected the credentials (${code} from ${action}${at}): ${raw}. Check the access key, secret and session token of the profile.`);
  }
  if ((code && DENIED.has(code)) || (status === 403 && !(code && EXPIRED.has(code)))) {
    // Services name the action and the caller in the message: "User: arn:... is not authorized to
    // perform: ec2:DescribeSecurityGroups ...". Prefer what the service said; fall back to ours.
    const said = /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(raw)?.[1];
    const who = /User:\s+(arn:\S+)/.exec(raw)?.[1];
    const needed = said ?? action;
    return make(
      'access-denied',
      `Access denied: ${who ? `${who} is` : 'the AWS identity is'} not allowed to call ${needed}${at}. Grant the IAM action ${needed}${ctx.resource ? ` on ${ctx.resource}` : ''} and try again.`,
    );
  }
  // CloudFormation says a stack is missing with a plain ValidationError: "Stack with id X does not exist".
  if ((code && NOT_FOUND.has(code)) || (ctx.service === 'cloudformation' && code === 'ValidationError' && /does not exist/i.test(raw))) {
    return make('not-found', `${ctx.resource ? `${ctx.resource}: ` : ''}not found (${code} from ${action}${at}). ${raw}`);
  }
  const cls = classifyError(err);
  const tries = ctx.attempts ? ` after ${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'}` : '';
  if (cls === 'throttle') {
    return make('throttled', `AWS kept throttling ${action}${at}${tries} (${code}). Try again later or read a shorter time window.`);
  }
  if (cls === 'transient') {
    if (status !== undefined && status >= 500) {
      return make('unavailable', `AWS returned HTTP ${status} (${code}) for ${action}${at}${tries}. The service may be unavailable; try again later.`);
    }
    return make(
      'network',
      `Could not reach AWS for ${action}${at}${tries}: ${code && code !== name ? `${code} ` : ''}${raw}. Check the network, proxy settings${ctx.endpoint ? ' and the endpoint URL' : ''}.`,
    );
  }
  return make('other', `${action} failed${at}: ${code ? `${code}: ` : ''}${raw}`);
}
