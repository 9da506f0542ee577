// `egress-lens flows` with AWS sources, over moto: --cloudwatch all + --aws-inventory give the same
// counts and labelled flows as the same lines read from files; AWS errors exit 2 with a message.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto, TEST_CREDENTIALS, TEST_REGION, type MotoServer } from './moto';
import { seedAll, type Seeded } from './seed';
import { main } from '../../src/cli/main';

let moto: MotoServer;
let seeded: Seeded;
const tmp = mkdtempSync(join(tmpdir(), 'egress-lens-cli-aws-'));

const savedEnv = { ...process.env };
before(async () => {
  // The SDK's default credential chain reads the process environment.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: TEST_REGION });
  moto = await startMoto();
  await moto.reset();
  seeded = await seedAll(moto.endpoint, { eventsPerStream: 120 });
});
after(async () => {
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) if (savedEnv[k] === undefined) delete process.env[k];
  await moto?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: tmp, env });
  return { code, out, err };
}

const awsEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  AWS_REGION: TEST_REGION,
});

const iso = (ms: number) => new Date(ms).toISOString();
type Doc = { counts: Record<string, number>; flows: { interfaceId: string; localAddr: string; localPort: number; peerAddr: string; peerPort: number; direction: string; bytesOut: number; bytesIn: number }[] };
const key = (f: Doc['flows'][number]) => `${f.interfaceId} ${f.localAddr}:${f.localPort} ${f.peerAddr}:${f.peerPort} ${f.direction} ${f.bytesOut}/${f.bytesIn}`;

describe('flows command with AWS sources (moto)', () => {
  it('--cloudwatch all --aws-inventory equals the same lines read from files', async () => {
    const window = ['--start', iso(seeded.startTime), '--end', iso(seeded.endTime + 1000)];
    const aws = await cli(['flows', '--cloudwatch', 'all', '--aws-inventory', '--endpoint-url', moto.endpoint, '--format', 'json', ...window], awsEnv());
    assert.equal(aws.code, 0, aws.err);
    const fromAws = JSON.parse(aws.out) as Doc;
    assert.equal(fromAws.counts.lines, seeded.events.length);

    const dir = join(tmp, 'flowlogs');
    mkdirSync(dir, { recursive: true });
    const streams = new Map<string, string[]>();
    for (const e of seeded.events) streams.set(e.logStreamName, [...(streams.get(e.logStreamName) ?? []), e.message]);
    for (const [s, lines] of streams) writeFileSync(join(dir, `${s}.log`), lines.join('\n') + '\n');
    const fields = (await import('./seed')).FLOW_LOG_FORMAT;
    const files = await cli(['flows', '--fields', fields, '--aws-inventory', '--endpoint-url', moto.endpoint, '--format', 'json', ...window, dir], awsEnv());
    assert.equal(files.code, 0, files.err);
    const fromFiles = JSON.parse(files.out) as Doc;
    assert.deepEqual(fromAws.counts, fromFiles.counts);
    assert.deepEqual(fromAws.flows.map(key).sort(), fromFiles.flows.map(key).sort());
    assert.ok(fromAws.flows.length > 0);
  });

  it('a missing log group is a clear input error (exit 2), not a crash', async () => {
    const r = await cli(['flows', '--cloudwatch', '/no/such/group', '--endpoint-url', moto.endpoint, '--since', '2h'], awsEnv());
    assert.equal(r.code, 2);
    assert.match(r.err, /egress-lens flows: .*(not exist|not found|no such|ResourceNotFound)/i);
  });

  it('rejects a malformed --s3 URL and --since before calling AWS', async () => {
    assert.equal((await cli(['flows', '--s3', 'bucket/prefix'], awsEnv())).code, 2);
    const r = await cli(['flows', '--cloudwatch', 'all', '--since', 'yesterday'], awsEnv());
    assert.equal(r.code, 2);
    assert.match(r.err, /--since 'yesterday'/);
  });
});
