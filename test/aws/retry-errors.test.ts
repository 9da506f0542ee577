// The retry policy, the adaptive rate, error messages and endpoint resolution, without a server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveRateLimiter, classifyError, sleep, withRetry, type RetryInfo } from '../../src/core/sources/aws/retry';
import { iamActionFor, toAwsSourceError } from '../../src/core/sources/aws/errors';
import { resolveEndpointUrl } from '../../src/core/sources/aws/clients';

const svcErr = (name: string, status: number, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? 'server' : 'client' });
const nodeErr = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('classifyError', () => {
  it('sorts errors into throttle / transient / fatal / aborted', () => {
    assert.equal(classifyError(svcErr('ThrottlingException', 400)), 'throttle');
    assert.equal(classifyError(svcErr('RequestLimitExceeded', 503)), 'throttle');
    assert.equal(classifyError(svcErr('SlowDown', 503)), 'throttle');
    assert.equal(classifyError(svcErr('TooManyRequests', 429)), 'throttle');
    assert.equal(classifyError(svcErr('InternalFailure', 500)), 'transient');
    assert.equal(classifyError(svcErr('ServiceUnavailableException', 503)), 'transient');
    assert.equal(classifyError(nodeErr('ECONNRESET', 'read ECONNRESET')), 'transient');
    assert.equal(classifyError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), 'transient');
    assert.equal(classifyError(Object.assign(new Error('timed out'), { name: 'TimeoutError' })), 'transient');
    // The SDK's checksum stream reports a body cut short like this (no code):
    assert.equal(classifyError(new Error('Connection lost or stream closed before all data was received.')), 'transient');
    assert.equal(classifyError(new Error('Checksum mismatch: expected "a" but received "b" in response header "x-amz-checksum-crc32".')), 'fatal');
    assert.equal(classifyError(svcErr('AccessDeniedException', 400)), 'fatal');
    assert.equal(classifyError(svcErr('ExpiredTokenException', 400)), 'fatal');
    assert.equal(classifyError(svcErr('ResourceNotFoundException', 400)), 'fatal');
    assert.equal(classifyError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })), 'fatal');
    assert.equal(classifyError(Object.assign(new Error('x'), { name: 'AbortError' })), 'aborted');
    assert.equal(classifyError('a string'), 'fatal');
  });
});

describe('withRetry', () => {
  const fast = { baseDelayMs: 1, maxDelayMs: 2, throttleFloorMs: 1 };

  it('retries transient and throttling errors until success', async () => {
    const seen: RetryInfo[] = [];
    let n = 0;
    const out = await withRetry(
      async () => {
        n++;
        if (n === 1) throw svcErr('ThrottlingException', 400);
        if (n === 2) throw nodeErr('ECONNRESET');
        return 'ok';
      },
      { retry: { ...fast, onRetry: (r) => seen.push(r) } },
    );
    assert.equal(out, 'ok');
    assert.equal(n, 3);
    assert.deepEqual(seen.map((r) => [r.attempt, r.kind]), [[1, 'throttle'], [2, 'transient']]);
  });

  it('throws a fatal error at once and the last error after maxAttempts', async () => {
    let n = 0;
    await assert.rejects(withRetry(async () => { n++; throw svcErr('AccessDeniedException', 400); }, { retry: fast }), /AccessDeniedException/);
    assert.equal(n, 1);
    n = 0;
    await assert.rejects(withRetry(async () => { n++; throw svcErr('InternalFailure', 500, `fail ${n}`); }, { retry: { ...fast, maxAttempts: 3 } }), /fail 3/);
    assert.equal(n, 3);
  });

  it('is cancelled promptly while waiting to retry', async () => {
    const ac = new AbortController();
    const p = withRetry(async () => { throw svcErr('ThrottlingException', 400); }, { signal: ac.signal, retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, throttleFloorMs: 60_000 } });
    setTimeout(() => ac.abort(), 20);
    const t0 = performance.now();
    await assert.rejects(p, { name: 'AbortError' });
    assert.ok(performance.now() - t0 < 1000);
    await assert.rejects(sleep(10, AbortSignal.abort()), { name: 'AbortError' });
  });

  it('paces calls through the limiter after throttling', async () => {
    const limiter = new AdaptiveRateLimiter({ startRate: 8, minRate: 2, maxRate: 12, increasePerSuccess: 2 });
    assert.equal(limiter.rate, Infinity);
    limiter.onThrottle();
    assert.equal(limiter.rate, 8);
    limiter.onThrottle();
    assert.equal(limiter.rate, 4);
    limiter.onThrottle();
    limiter.onThrottle();
    assert.equal(limiter.rate, 2, 'not below minRate');
    limiter.onSuccess();
    assert.equal(limiter.rate, 4);
    // 4 req/s → three acquisitions take at least ~2 × 250 ms.
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) await limiter.acquire();
    assert.ok(performance.now() - t0 >= 450);
    for (let i = 0; i < 4; i++) limiter.onSuccess();
    assert.equal(limiter.rate, Infinity, 'limit lifted at maxRate');
  });
});

describe('toAwsSourceError', () => {
  const ctx = { service: 'ec2' as const, operation: 'DescribeSecurityGroups', region: 'eu-west-1', profile: 'prod' };

  it('names the missing IAM action', () => {
    const e = toAwsSourceError(svcErr('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'), ctx);
    assert.equal(e.kind, 'access-denied');
    assert.equal(e.action, 'ec2:DescribeSecurityGroups');
    assert.equal(e.message, 'Access denied: the AWS identity is not allowed to call ec2:DescribeSecurityGroups (profile prod, region eu-west-1). Grant the IAM action ec2:DescribeSecurityGroups and try again.');
    assert.equal(iamActionFor('s3', 'ListObjectsV2'), 's3:ListBucket');
    assert.equal(iamActionFor('logs', 'FilterLogEvents'), 'logs:FilterLogEvents');
  });

  it('tells expired, invalid and missing credentials apart', () => {
    assert.equal(toAwsSourceError(svcErr('ExpiredToken', 400), ctx).kind, 'expired-credentials');
    assert.equal(toAwsSourceError(svcErr('RequestExpired', 400), ctx).kind, 'expired-credentials');
    assert.equal(toAwsSourceError(svcErr('AuthFailure', 401), ctx).kind, 'invalid-credentials');
    assert.equal(toAwsSourceError(svcErr('UnrecognizedClientException', 400), ctx).kind, 'invalid-credentials');
    const missing = toAwsSourceError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), ctx);
    assert.equal(missing.kind, 'missing-credentials');
    assert.match(missing.message, /^No AWS credentials found \(profile prod, region eu-west-1\)/);
    assert.equal(toAwsSourceError(new Error('Region is missing'), ctx).kind, 'missing-region');
  });

  it('reports retries given up on as throttled / unavailable / network', () => {
    assert.match(toAwsSourceError(svcErr('RequestLimitExceeded', 503), { ...ctx, attempts: 8 }).message, /kept throttling ec2:DescribeSecurityGroups .* after 8 attempts/);
    assert.equal(toAwsSourceError(svcErr('InternalError', 500), ctx).kind, 'unavailable');
    const net = toAwsSourceError(nodeErr('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'), { ...ctx, endpoint: 'http://127.0.0.1:9' });
    assert.equal(net.kind, 'network');
    assert.match(net.message, /endpoint URL/);
  });
});

describe('resolveEndpointUrl', () => {
  it('option > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL', () => {
    const env = { AWS_ENDPOINT_URL: 'http://localhost:4566/', AWS_ENDPOINT_URL_S3: 'http://localhost:9000' };
    assert.equal(resolveEndpointUrl('ec2', { env }), 'http://localhost:4566');
    assert.equal(resolveEndpointUrl('s3', { env }), 'http://localhost:9000');
    assert.equal(resolveEndpointUrl('s3', { env, endpointUrl: 'http://127.0.0.1:5000' }), 'http://127.0.0.1:5000');
    assert.equal(resolveEndpointUrl('logs', { env: {} }), undefined);
    assert.throws(() => resolveEndpointUrl('ec2', { endpointUrl: 'localhost:4566', env: {} }), /Invalid AWS endpoint URL/);
  });
});
