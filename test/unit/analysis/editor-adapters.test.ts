import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAwsProfiles } from '../../../src/core/analysis/editor-awsProfiles';
import { formatLogLine, redactText } from '../../../src/core/analysis/editor-redact';
import { parseWindow, resolveWindow } from '../../../src/core/analysis/editor-window';
import { formatBytes, formatUsd, parseBytes } from '../../../src/core/analysis/editor-format';

test('profiles: config [profile x] and [default], credentials sections, secrets never read', () => {
  const config = `
[default]
region = us-east-1
[profile dev]
region=eu-west-1
sso_session = corp
[sso-session corp]
sso_start_url = https://example.awsapps.com/start
[profile ops]
role_arn = arn:aws:iam::123456789012:role/ops
source_profile = default
`;
  const creds = `[default]
aws_access_key_id = AKIAABCDEFGHIJKLMNOP
aws_secret_access_key = abcdEFGHijklMNOPqrstUVWXyz0123456789ABCD
[ci]
aws_access_key_id = AKIAZZZZZZZZZZZZZZZZ
`;
  const p = parseAwsProfiles(config, creds);
  assert.deepEqual(p.map((x) => x.name), ['default', 'ci', 'dev', 'ops']);
  assert.equal(p.find((x) => x.name === 'dev')?.region, 'eu-west-1');
  assert.equal(p.find((x) => x.name === 'dev')?.sso, true);
  assert.equal(p.find((x) => x.name === 'ops')?.assumeRole, true);
  assert.deepEqual(p.find((x) => x.name === 'default')?.sources, ['config', 'credentials']);
  assert.ok(!JSON.stringify(p).includes('AKIA'), 'no key id in the result');
  assert.ok(!JSON.stringify(p).includes('abcdEFGH'), 'no secret in the result');
  assert.deepEqual(parseAwsProfiles(undefined, undefined), []);
});

test('log lines: secret-named fields and secret-looking values are redacted, paths kept', () => {
  const line = formatLogLine('aws.call', { profile: 'dev', secretAccessKey: 'x', sessionToken: 'y', note: 'key AKIAABCDEFGHIJKLMNOP used', path: '/work/main/samples/demo/flowlogs/AWSLogs/123456789012/vpcflowlogs' });
  assert.match(line, /^aws\.call profile=dev secretAccessKey=\[redacted\] sessionToken=\[redacted\]/);
  assert.ok(!line.includes('AKIAABCDEFGHIJKLMNOP'));
  assert.ok(line.includes('/work/main/samples/demo/flowlogs/AWSLogs/123456789012/vpcflowlogs'));
  assert.equal(redactText('secret abcdEFGHijklMNOPqrstUVWXyz0123456789ABCD end'), 'secret [redacted] end');
  assert.equal(redactText('sha 0123456789abcdef0123456789abcdef01234567'), 'sha 0123456789abcdef0123456789abcdef01234567');
  assert.match(redactText('https://x/?X-Amz-Signature=abc123&b=1'), /X-Amz-Signature=\[redacted\]&b=1/);
});

test('window setting: auto, durations, ISO interval, and a clear problem otherwise', () => {
  assert.deepEqual(parseWindow('auto').spec, { kind: 'auto' });
  assert.deepEqual(parseWindow('').spec, { kind: 'auto' });
  const r = parseWindow('24h').spec;
  assert.equal(r.kind, 'relative');
  assert.deepEqual(resolveWindow(r, 100_000), { start: 100_000 - 86_400, end: 100_000 });
  assert.equal((parseWindow('7d').spec as { seconds: number }).seconds, 7 * 86400);
  const a = parseWindow('2026-11-01T00:00Z/2026-11-02T00:00Z').spec;
  assert.deepEqual(resolveWindow(a, 0), { start: Date.parse('2026-11-01T00:00Z') / 1000, end: Date.parse('2026-11-02T00:00Z') / 1000 });
  const bad = parseWindow('yesterday');
  assert.equal(bad.spec.kind, 'auto');
  assert.match(bad.problem ?? '', /yesterday/);
  assert.ok(parseWindow('2026-11-02T00:00Z/2026-11-01T00:00Z').problem, 'end before start is a problem');
});

test('formatting: bytes in 1024 steps with the bill\'s GB (2^30), one dollar format', () => {
  assert.equal(formatBytes(1_932_735_283), '1.8 GB', '1.8 × 2^30 bytes is 1.8 GB as billed, not 1.9/2.0');
  assert.equal(formatBytes(2 ** 30), '1.0 GB');
  assert.equal(formatBytes(3.2e12), '2.9 TB');
  assert.equal(formatBytes(250 * 2 ** 30), '250 GB');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(1024 * 1024 - 1), '1.0 MB', 'no "1024 KB"');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(0), '0 B');
  assert.equal(parseBytes('1.5 GB'), 1.5 * 2 ** 30);
  assert.equal(parseBytes('10mb'), 10 * 2 ** 20);
  assert.equal(parseBytes('0'), 0);
  assert.equal(parseBytes('ten'), undefined);
  assert.equal(formatUsd(288.4), '$288');
  assert.equal(formatUsd(1665.84), '$1,666');
  assert.equal(formatUsd(1.234), '$1.23');
  assert.equal(formatUsd(0.0012345), '$0.0012');
  assert.equal(formatUsd(0.00001), '<$0.0001');
  assert.equal(formatUsd(-2.5), '-$2.50');
  assert.equal(formatUsd(0), '$0');
  assert.equal(formatUsd(12345), '$12,345');
});
