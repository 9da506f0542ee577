// The CLI's shared contract: exit codes and messages for bad input, the flag parsers, and the
// report command on the bundled sample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { parseCfnStackFlags, parseFieldsFlag, parseTimeFlag } from '../../../src/cli/options';
import { UsageError } from '../../../src/cli/command';

const root = join(__dirname, '..', '..', '..');

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: root, env: process.env });
  return { code, out, err };
}

test('time flags take ISO 8601 or Unix seconds, and name the flag when wrong', () => {
  assert.equal(parseTimeFlag('--start', '2026-11-20T10:00:00Z'), 1795168800);
  assert.equal(parseTimeFlag('--start', '1795168800'), 1795168800);
  assert.equal(parseTimeFlag('--end', undefined), undefined);
  assert.throws(() => parseTimeFlag('--end', 'yesterday'), (e: Error) => e instanceof UsageError && /--end 'yesterday'/.test(e.message));
});

test('--cfn-stack: one template bound twice is found however its path is written (resolved against the working directory)', async () => {
  const twice = (a: string, b: string, cwd = '/work/infra') => assert.throws(() => parseCfnStackFlags([`${a}=app-a`, `${b}=app-b`], cwd), (e: Error) => e instanceof UsageError && e.message === `--cfn-stack: ${b} is bound to a stack twice (also as ${a})`);
  twice('t.yaml', './t.yaml');
  twice('./t.yaml', 't.yaml');
  twice('t.yaml', '/work/infra/t.yaml');
  twice('net/t.yaml', 'net/../net//t.yaml');
  twice('../infra/t.yaml', 't.yaml');
  // Paths stay as given; different files are fine.
  assert.deepEqual(parseCfnStackFlags(['./t.yaml=app-a', 'net/t.yaml=app-b'], '/work/infra'), [
    { template: './t.yaml', stack: 'app-a' },
    { template: 'net/t.yaml', stack: 'app-b' },
  ]);
  // Through the commands: scan and report resolve against their working directory.
  const t = 'samples/demo/cloudformation';
  for (const cmd of ['scan', 'report']) {
    const where = cmd === 'scan' ? t : 'samples/demo';
    const r = await cli(cmd, where, '--cfn-stack', `${t}/stack.yaml=a`, '--cfn-stack', `./${t}/stack.yaml=b`);
    assert.equal(r.code, 2, cmd);
    assert.match(r.err, new RegExp(`--cfn-stack: \\./${t}/stack\\.yaml is bound to a stack twice`), cmd);
  }
});

test('--fields: empty, non-names, all-unknown and missing required fields are usage errors', () => {
  assert.throws(() => parseFieldsFlag(''), /no field names/);
  assert.throws(() => parseFieldsFlag('srcaddr,dst!addr'), /'dst!addr' is not a field name/);
  assert.throws(() => parseFieldsFlag('foo,bar'), /none of foo, bar is a known/);
  assert.throws(() => parseFieldsFlag('version,srcaddr', ['srcaddr', 'dstaddr']), /lacks dstaddr/);
  assert.deepEqual(parseFieldsFlag('${version} ${srcaddr} ${next-hop-vpc-id}'), ['version', 'srcaddr', 'next-hop-vpc-id']);
});

test('flows on a file that is not a flow log exits 2 naming the file', async () => {
  const r = await cli('flows', 'media/icon.png');
  assert.equal(r.code, 2);
  assert.match(r.err, /icon\.png: binary data, not a flow log/);
});

test('flows with an empty --fields exits 2 (it is not silently ignored)', async () => {
  const r = await cli('flows', '--fields', '', 'samples/demo/flowlogs');
  assert.equal(r.code, 2);
  assert.match(r.err, /--fields/);
});

test('unknown command and unknown flag exit 2 with usage', async () => {
  assert.equal((await cli('frobnicate')).code, 2);
  const r = await cli('scan', '--no-such-flag', 'samples/demo');
  assert.equal(r.code, 2);
  assert.match(r.err, /--help/);
});

test('report on the sample: Markdown with exposure, cost and unused rules; --fail-on high exits 1', async () => {
  const r = await cli('report', 'samples/demo', '--fail-on', 'high');
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /^# Egress Lens report — demo/m);
  assert.match(r.out, /## Inbound exposure/);
  assert.match(r.out, /EL001 \| aws_security_group_rule\.bastion_ssh/);
  assert.match(r.out, /## Egress cost/);
  assert.match(r.out, /demo-worker \(sg-0e7d9a1c3f5b60005\)/);
  assert.match(r.out, /198\.51\.100\.0\/24/, 'the unused partner rule is listed');
  assert.match(r.out, /2972 lines = 2957 parsed \+ 2 skipped \+ 12 NODATA \+ 1 SKIPDATA/);
  assert.equal((await cli('report', 'samples/demo', '--fail-on', 'critical')).code, 0);
});

test('report --format html writes a self-contained page (no remote content)', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'egress-lens-report-')), 'r.html');
  const r = await cli('report', 'samples/demo', '--format', 'html', '--out', out);
  assert.equal(r.code, 0, r.err);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /<svg role="img"/);
  assert.match(html, /default-src 'none'/);
  assert.doesNotMatch(html, /(src|href)="https?:/);
});

test('report on a folder that does not exist exits 2', async () => {
  const r = await cli('report', 'no/such/folder');
  assert.equal(r.code, 2);
  assert.match(r.err, /not a folder/);
  writeFileSync(join(tmpdir(), 'egress-lens-not-a-dir'), 'x');
  assert.equal((await cli('report', join(tmpdir(), 'egress-lens-not-a-dir'))).code, 2);
});
