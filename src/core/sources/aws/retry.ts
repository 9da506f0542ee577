/**
 * Retries for AWS calls, owned here instead of inside the SDK (clients are built with
 * `maxAttempts: 1`) so that
 *  - every wait is cancellable through an AbortSignal (the SDK's own backoff sleep is not),
 *  - throttling slows the *whole* client down (an adaptive rate shared by all its calls, AIMD:
 *    halve on ThrottlingException, creep back up on success), not only the call that was refused,
 *  - the retry policy is one small, tested piece of code.
 * Only idempotent reads go through here (Describe*, FilterLogEvents, List/GetObject), so a retry
 * after a dropped connection cannot change a result: the same request returns the same page.
 */

export type RetryClass = 'throttle' | 'transient' | 'fatal' | 'aborted';

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  kind: 'throttle' | 'transient';
  error: unknown;
}

export interface RetryOptions {
  /** Total attempts including the first (default 8). */
  maxAttempts?: number;
  /** First backoff step in ms (default 100); doubles per attempt, full jitter. */
  baseDelayMs?: number;
  /** Cap of a single backoff wait in ms (default 10 000). */
  maxDelayMs?: number;
  /** Extra floor for waits after a throttle, in ms (default 200). */
  throttleFloorMs?: number;
  onRetry?: (info: RetryInfo) => void;
  /** Random source in [0, 1) for jitter (tests pass a seeded one). */
  random?: () => number;
}

export interface CallOptions {
  signal?: AbortSignal;
  retry?: RetryOptions;
  /** Shared by the calls of one client so that throttling slows all of them down. */
  limiter?: AdaptiveRateLimiter;
}

/** The error every cancelled operation rejects with (name 'AbortError', like fetch). */
export class AbortError extends Error {
  override name = 'AbortError';
  constructor(message = 'Cancelled') {
    super(message);
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError();
}

/** Resolves after `ms`, or rejects with AbortError as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const THROTTLE_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
]);

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'Unavailable',
  'TimeoutError',
  'PriorRequestNotComplete',
  'IDPCommunicationError',
]);

interface ErrorLike {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
  $response?: unknown;
  cause?: unknown;
}

/** The error code AWS (or Node) gave, as one string: 'ThrottlingException', 'ECONNRESET', ... */
export function errorCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as ErrorLike;
  return e.Code ?? (typeof e.code === 'string' ? e.code : undefined) ?? e.name;
}

export function httpStatus(err: unknown): number | undefined {
  if (!err || typeof err !== 'object') return undefined;
  return (err as ErrorLike).$metadata?.httpStatusCode;
}

/** Decides whether a failed call is worth another attempt. */
export function classifyError(err: unknown): RetryClass {
  if (isAbortError(err)) return 'aborted';
  if (!err || typeof err !== 'object') return 'fatal';
  const e = err as ErrorLike;
  const name = e.name ?? '';
  const code = errorCode(err) ?? '';
  if (THROTTLE_CODES.has(name) || THROTTLE_CODES.has(code) || e.$retryable?.throttling) return 'throttle';
  const status = httpStatus(err);
  if (status === 429) return 'throttle';
  if (status !== undefined && status >= 500) return 'transient';
  if (TRANSIENT_CODES.has(name) || TRANSIENT_CODES.has(code)) return 'transient';
  if (status !== undefined && status >= 400) return 'fatal';
  if (name === 'CredentialsProviderError' || name === 'ProviderError' || name === 'TokenProviderError') return 'fatal';
  const msg = e.message ?? '';
  // A connection cut mid-response surfaces as a Node stream error or as a body that does not parse;
  // neither carries an HTTP status from the service.
  if (/socket hang up|aborted|ECONNRESET|premature close|timed? ?out|EPIPE|other side closed|Connection lost|closed before all data/i.test(msg)) return 'transient';
  if (e.$fault === 'client' && status === undefined && e.$response !== undefined) return 'transient';
  if (/Deserialization error|Unexpected end of|Unterminated|JSON at position|XML|Invalid character/i.test(msg))
    return 'transient';
  if (e.cause) return classifyError(e.cause) === 'transient' ? 'transient' : 'fatal';
  return 'fatal';
}

/**
 * Client-side rate limit that adapts to throttling (additive increase, multiplicative decrease).
 * Unlimited until the first throttle; after that it paces requests at `rate` per second, halving
 * the rate on each throttle and adding `increasePerSuccess` on each success until it reaches
 * `maxRate`, where it lifts the limit again.
 */
export class AdaptiveRateLimiter {
  rate = Infinity;
  private nextSlot = 0;
  readonly minRate: number;
  readonly maxRate: number;
  readonly startRate: number;
  readonly increasePerSuccess: number;
  throttles = 0;

  constructor(opts: { minRate?: number; maxRate?: number; startRate?: number; increasePerSuccess?: number } = {}) {
    this.minRate = opts.minRate ?? 0.5;
    this.maxRate = opts.maxRate ?? 50;
    this.startRate = opts.startRate ?? 5;
    this.increasePerSuccess = opts.increasePerSuccess ?? 0.5;
  }

  /** Waits for the next request slot (cancellable). */
  async acquire(signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    if (!Number.isFinite(this.rate)) return;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.rate;
    if (slot > now) await sleep(slot - now, signal);
  }

  onThrottle(): void {
    this.throttles++;
    this.rate = Number.isFinite(this.rate) ? Math.max(this.minRate, this.rate / 2) : this.startRate;
  }

  onSuccess(): void {
    if (!Number.isFinite(this.rate)) return;
    this.rate += this.increasePerSuccess;
    if (this.rate >= this.maxRate) this.rate = Infinity;
  }
}

/**
 * Runs `fn` until it succeeds, a fatal error occurs, attempts run out, or `signal` fires.
 * `fn` gets the attempt number (1-based). Throws the last error (or AbortError).
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: CallOptions = {},
): Promise<T> {
  const r = opts.retry ?? {};
  const maxAttempts = Math.max(1, r.maxAttempts ?? 8);
  const base = r.baseDelayMs ?? 100;
  const cap = r.maxDelayMs ?? 10_000;
  const floor = r.throttleFloorMs ?? 200;
  const random = r.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(opts.signal);
    if (opts.limiter) await opts.limiter.acquire(opts.signal);
    try {
      const out = await fn(attempt);
      opts.limiter?.onSuccess();
      return out;
    } catch (err) {
      if (opts.signal?.aborted) throw new AbortError();
      const kind = classifyError(err);
      if (kind === 'aborted' || kind === 'fatal' || attempt >= maxAttempts) throw err;
      if (kind === 'throttle') opts.limiter?.onThrottle();
      const exp = Math.min(cap, base * 2 ** (attempt - 1));
      let delayMs = Math.round(random() * exp);
      if (kind === 'throttle') delayMs = Math.max(delayMs, Math.min(cap, floor));
      r.onRetry?.({ attempt, delayMs, kind, error: err });
      await sleep(delayMs, opts.signal);
    }
  }
}
