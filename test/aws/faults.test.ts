// Faults between the SDK and moto: with 30% throttles, 5xx, slow/hung responses and dropped
// connections the CloudWatch read and the inventory fetch give exactly the clean run's totals;
// cancellation stops within 1 s; credential and permission errors give clear messages.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startMoto, TEST_CREDENTIALS, TEST_REGION, type MotoServer } from './moto';
import { FLOW_LOG_FORMAT, seedAll, type Seeded } from './seed';

const FLOW_LOG_FIELDS = parseLogFormat(FLOW_LOG_FORMAT);
import { awsError, FAULT_KINDS, startFaultProxy, type FaultProxy } from './fault-proxy';
import { createEc2Client, createLogsClient, type AwsConnectionOptions } from '../../src/core/sources/aws/clients';
import { fetchInventory } from '../../src/core/sources/aws/ec2-inventory';
import { aggregateCloudWatchFlowLogs, readLogEvents, type CloudWatchProgress, type LogEvent } from '../../src/core/sources/aws/cloudwatch';
import { parseLogFormat } from '../../src/core/flowlogs';
import { aggregateFromCloudWatch } from '../../src/core/sources/aws';
import { AwsSourceError } from '../../src/core/sources/aws/errors';
import type { RetryInfo } from '../../src/core/sources/aws/retry';
import { rng } from './seed';

let moto: MotoServer;
let seeded: Seeded;

before(async () => {
  moto = await startMoto();
  await moto.reset();
  seeded = await seedAll(moto.endpoint, { eventsPerStream: 400 });
});
after(async () => {
  await moto?.stop();
});

/** Fast retry settings for tests: short waits, enough attempts for 30% faults. */
const conn = (endpointUrl: string, retries: RetryInfo[] = []): AwsConnectionOptions => ({
  region: TEST_REGION,
  endpointUrl,
  credentials: TEST_CREDENTIALS,
  requestTimeoutMs: 800,
  retry: { maxAttempts: 12, baseDelayMs: 10, maxDelayMs: 100, throttleFloorMs: 20, random: rng(7), onRetry: (r) => retries.push(r) },
  rateLimit: { startRate: 200, minRate: 50, maxRate: 400 },
});

async function readCw(endpoint: string, extra: Partial<Parameters<typeof readLogEvents>[1]> = {}, retries: RetryInfo[] = []) {
  const h = createLogsClient(conn(endpoint, retries));
  const events: LogEvent[] = [];
  let progress: CloudWatchProgress | undefined;
  try {
    for await (const e of readLogEvents(h, {
      logGroupName: seeded.logGroupName,
      startTime: seeded.startTime,
      endTime: seeded.endTime,
      pageLimit: 100,
      onProgress: (p) => (progress = p),
      ...extra,
    })) {
      events.push(e);
    }
  } finally {
    h.client.destroy();
  }
  return { events, progress: progress!, limiter: h.limiter };
}

const strip = <T extends { fetchedAt: string }>(inv: T) => ({ ...inv, fetchedAt: '' });

describe('30% faults: same totals as without', () => {
  let proxy: FaultProxy;
  before(async () => {
    proxy = await startFaultProxy({ target: moto.endpoint, rate: 0.3, seed: 2026, slowMs: 150, hangMs: 1200 });
  });
  after(async () => proxy?.close());

  it('CloudWatch read', async (t) => {
    const clean = await readCw(moto.endpoint);
    const retries: RetryInfo[] = [];
    const before = { ...proxy.stats.faults };
    const faulty = await readCw(proxy.endpoint, {}, retries);
    assert.equal(clean.events.length, seeded.events.length);
    assert.deepEqual(faulty.progress.events, clean.progress.events);
    assert.deepEqual(faulty.progress.bytes, clean.progress.bytes);
    assert.deepEqual(faulty.events, clean.events, 'same events in the same order');
    const injected = FAULT_KINDS.reduce((s, k) => s + proxy.stats.faults[k] - before[k], 0);
    t.diagnostic(`faults injected ${injected}, retries ${retries.length}, events ${faulty.progress.events} (clean ${clean.progress.events})`);
    assert.ok(injected >= 3, `faults injected: ${injected}`);
    assert.ok(retries.length >= 3, `retries: ${retries.length}`);
  });

  it('CloudWatch → engine aggregates', async () => {
    const run = async (endpoint: string) => {
      const h = createLogsClient(conn(endpoint));
      try {
        return await aggregateCloudWatchFlowLogs(h, { logGroupName: seeded.logGroupName, fields: FLOW_LOG_FIELDS, startTime: seeded.startTime, endTime: seeded.endTime, pageLimit: 150 });
      } finally {
        h.client.destroy();
      }
    };
    const clean = await run(moto.endpoint);
    const faulty = await run(proxy.endpoint);
    assert.equal(clean.counts.lines, seeded.events.length);
    assert.deepEqual(faulty.counts, clean.counts);
    assert.deepEqual(faulty.aggregates, clean.aggregates);
    assert.deepEqual(faulty.skipped, clean.skipped);
  });

  it('inventory fetch (paged)', async () => {
    const hClean = createEc2Client(conn(moto.endpoint));
    const clean = await fetchInventory(hClean, { pageSize: 5 });
    hClean.client.destroy();
    const retries: RetryInfo[] = [];
    const h = createEc2Client(conn(proxy.endpoint, retries));
    const faulty = await fetchInventory(h, { pageSize: 5 });
    h.client.destroy();
    assert.deepEqual(strip(faulty), strip(clean));
    assert.equal(faulty.instances.length, 7);
    assert.ok(retries.some((r) => r.kind === 'transient'), 'transient retries happened');
  });

  it('every fault kind was exercised, throttles slowed the client down', async () => {
    // Run the CloudWatch read a few more times to make the sample bigger, all equal to the clean one.
    // More faulty reads until every kind has been injected at least once (bounded), each equal to
    // the clean read.
    const clean = await readCw(moto.endpoint);
    for (let i = 0; i < 8 && FAULT_KINDS.some((k) => proxy.stats.faults[k] === 0); i++) {
      const again = await readCw(proxy.endpoint);
      assert.equal(again.progress.events, clean.progress.events);
      assert.equal(again.progress.bytes, clean.progress.bytes);
      assert.deepEqual(again.events, clean.events);
      if (again.limiter.throttles > 0) {
        assert.ok(again.limiter.rate < 400, `client rate adapted (${again.limiter.rate})`);
      }
    }
    for (const k of FAULT_KINDS) assert.ok(proxy.stats.faults[k] > 0, `fault ${k} injected (${JSON.stringify(proxy.stats.faults)})`);
  });
});

describe('adaptive backoff', () => {
  it('halves the client rate on throttling and gives a clear error when throttling never stops', async () => {
    const proxy = await startFaultProxy({ target: moto.endpoint, rate: 1, seed: 1, weights: { throttle: 1 } });
    const retries: RetryInfo[] = [];
    const c = conn(proxy.endpoint, retries);
    const h = createLogsClient({ ...c, retry: { ...c.retry, maxAttempts: 4 }, rateLimit: { startRate: 100, minRate: 10, maxRate: 400 } });
    try {
      const it = readLogEvents(h, { logGroupName: seeded.logGroupName, startTime: seeded.startTime, endTime: seeded.endTime });
      await assert.rejects(it.next(), (err: unknown) => {
        assert.ok(err instanceof AwsSourceError);
        assert.equal(err.kind, 'throttled');
        assert.match(err.message, /throttling logs:FilterLogEvents .*after 4 attempts/);
        return true;
      });
      assert.equal(proxy.stats.requests, 4);
      assert.ok(retries.every((r) => r.kind === 'throttle' && r.delayMs >= 20));
      assert.equal(h.limiter.throttles, 3);
      assert.equal(h.limiter.rate, 25, '100 → 50 → 25 → (floor) … halved per throttle');
    } finally {
      h.client.destroy();
      await proxy.close();
    }
  });
});

describe('cancellation stops within 1 s', () => {
  async function abortLatency(start: (signal: AbortSignal) => Promise<unknown>, abortAfterMs: number): Promise<{ latency: number; err: unknown }> {
    const ac = new AbortController();
    const p = start(ac.signal).then(
      () => ({ err: new Error('finished instead of being cancelled') }),
      (err: unknown) => ({ err }),
    );
    await new Promise((r) => setTimeout(r, abortAfterMs));
    const t0 = performance.now();
    ac.abort();
    const { err } = await p;
    return { latency: performance.now() - t0, err };
  }
  const isCancelled = (err: unknown) => err instanceof AwsSourceError ? err.kind === 'cancelled' : err instanceof Error && err.name === 'AbortError';

  it('during slow pages of a CloudWatch read, and no request is made after it', async (t) => {
    const proxy = await startFaultProxy({ target: moto.endpoint, rate: 1, seed: 3, weights: { slow: 1 }, slowMs: 200 });
    try {
      const { latency, err } = await abortLatency(async (signal) => {
        const out = await readCw(proxy.endpoint, { signal, pageLimit: 20 });
        return out;
      }, 500);
      assert.ok(isCancelled(err), String(err));
      t.diagnostic(`cancellation latency ${latency.toFixed(1)} ms`);
      assert.ok(latency < 1000, `stopped after ${latency.toFixed(0)} ms`);
      const n = proxy.stats.requests;
      assert.ok(n >= 1 && n < seeded.events.length / 20, `requests before cancel: ${n}`);
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(proxy.stats.requests, n, 'no request after cancellation');
    } finally {
      await proxy.close();
    }
  });

  it('while waiting in backoff after throttling', async (t) => {
    const proxy = await startFaultProxy({ target: moto.endpoint, rate: 1, seed: 4, weights: { throttle: 1 } });
    const c = conn(proxy.endpoint);
    try {
      const { latency, err } = await abortLatency(async (signal) => {
        const h = createLogsClient({ ...c, retry: { maxAttempts: 10, baseDelayMs: 5000, maxDelayMs: 20000, throttleFloorMs: 5000 } });
        try {
          for await (const _ of readLogEvents(h, { logGroupName: seeded.logGroupName, startTime: seeded.startTime, endTime: seeded.endTime, signal })) void _;
        } finally {
          h.client.destroy();
        }
      }, 300);
      assert.ok(isCancelled(err), String(err));
      t.diagnostic(`cancellation latency ${latency.toFixed(1)} ms`);
      assert.ok(latency < 1000, `stopped after ${latency.toFixed(0)} ms`);
      assert.equal(proxy.stats.requests, 1, 'one request, then cancelled in the backoff wait');
    } finally {
      await proxy.close();
    }
  });

  it('during a hung request of the inventory fetch', async (t) => {
    const proxy = await startFaultProxy({ target: moto.endpoint, rate: 1, seed: 5, weights: { hang: 1 }, hangMs: 10_000 });
    try {
      const { latency, err } = await abortLatency(async (signal) => {
        const h = createEc2Client({ ...conn(proxy.endpoint), requestTimeoutMs: 30_000 });
        try {
          return await fetchInventory(h, { signal });
        } finally {
          h.client.destroy();
        }
      }, 300);
      assert.ok(isCancelled(err), String(err));
      t.diagnostic(`cancellation latency ${latency.toFixed(1)} ms`);
      assert.ok(latency < 1000, `stopped after ${latency.toFixed(0)} ms`);
    } finally {
      await proxy.close();
    }
  });
});

describe('credential and permission errors are clear', () => {
  let proxy: FaultProxy;
  before(async () => {
    proxy = await startFaultProxy({ target: moto.endpoint, rate: 0 });
  });
  after(async () => proxy?.close());

  /** Runs, checks the error, returns how many `operation` requests reached the proxy. */
  async function expectError(run: () => Promise<unknown>, check: (e: AwsSourceError) => void, operation?: string) {
    const count = () => (operation ? (proxy.stats.byOperation[operation] ?? 0) : proxy.stats.requests);
    const before = count();
    await assert.rejects(run(), (err: unknown) => {
      assert.ok(err instanceof AwsSourceError, String(err));
      check(err);
      return true;
    });
    return count() - before;
  }

  const readFirst = async (h: ReturnType<typeof createLogsClient>) => {
    try {
      for await (const _ of readLogEvents(h, { logGroupName: seeded.logGroupName, startTime: seeded.startTime, endTime: seeded.endTime })) return;
    } finally {
      h.client.destroy();
    }
  };

  it('expired credentials (CloudWatch ExpiredTokenException, EC2 RequestExpired): not retried', async () => {
    proxy.setRespond((r) =>
      r.protocol === 'json'
        ? awsError(r.protocol, 400, 'ExpiredTokenException', 'The security token included in the request is expired')
        : awsError(r.protocol, 400, 'RequestExpired', 'Request has expired.'),
    );
    const n1 = await expectError(() => readFirst(createLogsClient({ ...conn(proxy.endpoint), profile: 'dev' })), (e) => {
      assert.equal(e.kind, 'expired-credentials');
      assert.equal(e.action, 'logs:FilterLogEvents');
      assert.match(e.message, /AWS credentials have expired \(ExpiredTokenException from logs:FilterLogEvents \(profile dev, region us-east-1/);
      assert.match(e.message, /aws sso login --profile dev/);
    }, 'FilterLogEvents');
    assert.equal(n1, 1);
    const h = createEc2Client(conn(proxy.endpoint));
    const n2 = await expectError(() => fetchInventory(h, { concurrency: 1 }), (e) => {
      assert.equal(e.kind, 'expired-credentials');
      assert.match(e.message, /RequestExpired from ec2:Describe/);
    });
    h.client.destroy();
    assert.equal(n2, 1, 'stops at the first refused call');
  });

  it('AccessDenied names the missing IAM action (from the message, or from the operation)', async () => {
    proxy.setRespond((r) => {
      if (r.protocol === 'query' && r.operation === 'DescribeSecurityGroups') {
        return awsError(
          r.protocol,
          403,
          'UnauthorizedOperation',
          'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: ec2:DescribeSecurityGroups because no identity-based policy allows the ec2:DescribeSecurityGroups action',
        );
      }
      if (r.protocol === 'json') {
        return awsError(
          r.protocol,
          400,
          'AccessDeniedException',
          `User: arn:aws:sts::123456789012:assumed-role/ReadOnly/alice is not authorized to perform: logs:FilterLogEvents on resource: arn:aws:logs:us-east-1:123456789012:log-group:${seeded.logGroupName}:log-stream: because no identity-based policy allows the logs:FilterLogEvents action`,
        );
      }
      return undefined;
    });
    const h = createEc2Client(conn(proxy.endpoint));
    await expectError(() => fetchInventory(h), (e) => {
      assert.equal(e.kind, 'access-denied');
      assert.equal(e.action, 'ec2:DescribeSecurityGroups');
      assert.match(e.message, /^Access denied: arn:aws:iam::123456789012:user\/auditor is not allowed to call ec2:DescribeSecurityGroups .*Grant the IAM action ec2:DescribeSecurityGroups/);
    });
    h.client.destroy();
    const n = await expectError(() => readFirst(createLogsClient(conn(proxy.endpoint))), (e) => {
      assert.equal(e.kind, 'access-denied');
      assert.match(e.message, /assumed-role\/ReadOnly\/alice is not allowed to call logs:FilterLogEvents/);
      assert.match(e.message, new RegExp(`on log group ${seeded.logGroupName.replace(/\//g, '\\/')}`));
    }, 'FilterLogEvents');
    assert.equal(n, 1, 'not retried');
    // A bare "Access Denied" (as S3 sends) still names the action from the operation.
    proxy.setRespond((r) => (r.protocol === 'json' ? awsError(r.protocol, 400, 'AccessDeniedException', 'Access Denied') : undefined));
    await expectError(() => readFirst(createLogsClient(conn(proxy.endpoint))), (e) => {
      assert.match(e.message, /not allowed to call logs:FilterLogEvents/);
    });
    proxy.setRespond(undefined);
  });

  it('without ec2:DescribeFlowLogs a named log group is still read; without a name the error says what is missing', async () => {
    proxy.setRespond((r) =>
      r.operation === 'DescribeFlowLogs' ? awsError(r.protocol, 403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.') : undefined,
    );
    try {
      const c = conn(proxy.endpoint);
      const named = await aggregateFromCloudWatch(c, { logGroupNames: [seeded.logGroupName], fields: FLOW_LOG_FIELDS, startTime: seeded.startTime, endTime: seeded.endTime });
      assert.equal(named.result.counts.lines, seeded.events.length);
      assert.equal(named.flowLogs.length, 0);
      await assert.rejects(aggregateFromCloudWatch(c, { startTime: seeded.startTime, endTime: seeded.endTime }), (err: unknown) => {
        assert.ok(err instanceof AwsSourceError);
        assert.equal(err.kind, 'access-denied');
        assert.match(err.message, /not allowed to call ec2:DescribeFlowLogs/);
        return true;
      });
    } finally {
      proxy.setRespond(undefined);
    }
  });

  it('missing credentials: the default chain finds none', async () => {
    const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN'];
    const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
    for (const k of keys) delete process.env[k];
    process.env.AWS_CONFIG_FILE = '/nonexistent/egress-lens/config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/egress-lens/credentials';
    process.env.AWS_EC2_METADATA_DISABLED = 'true'; // never ask 169.254.169.254 from a test
    try {
      const c = conn(proxy.endpoint);
      delete c.credentials;
      const h = createEc2Client(c);
      const n = await expectError(() => fetchInventory(h, { concurrency: 1 }), (e) => {
        assert.equal(e.kind, 'missing-credentials');
        assert.match(e.message, /^No AWS credentials found \(region us-east-1, endpoint http:\/\/127\.0\.0\.1:\d+\) for ec2:Describe\w+\. Choose a profile/);
      });
      h.client.destroy();
      assert.equal(n, 0, 'nothing was sent');
    } finally {
      for (const k of keys) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});
