// `egress-lens flows` end to end on samples/demo: the JSON contract, and the labels checked
// against the generator's ledger (samples/demo/story.json) — the story the sample tells.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';

const ROOT = join(__dirname, '../../..');
const DEMO = join(ROOT, 'samples/demo');

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: ROOT, env: {} });
  return { code, out, err };
}

type Flow = Record<string, unknown> & {
  interfaceId: string; localPort: number; peerAddr: string; direction: string; action: string; bytesOut: number; bytesIn: number;
  peerClass: string; path: string; sgVerdict: string; costUsd: number; awsService: string | null; interfaceKind: string; transit: boolean;
};
let doc: { counts: Record<string, number>; flows: Flow[]; totals: Record<string, number>; savings: Array<{ kind: string; message: string; monthlySavingsUsd: number }>; unusedRules: Array<{ groupName: string; fromPort: number; source: string }>; window: { start: string; end: string } };
let story: { ids: { interfaces?: unknown }; stories: Record<string, { requestBytes: number; responseBytes: number; conversations: number }> };

before(async () => {
  const r = await cli(['flows', '--inventory', 'samples/demo/inventory', 'samples/demo/flowlogs', '--format', 'json']);
  assert.equal(r.code, 0, r.err);
  doc = JSON.parse(r.out);
  story = JSON.parse(readFileSync(join(DEMO, 'story.json'), 'utf8'));
});

test('JSON contract: counts, every flow field, ISO times, costs summing to the total', () => {
  const c = doc.counts;
  assert.equal(c.parsed + c.skipped + c.nodata + c.skipdata, c.lines);
  assert.ok(doc.flows.length > 100);
  for (const f of doc.flows) {
    for (const k of ['interfaceId', 'localAddr', 'localPort', 'peerAddr', 'peerPort', 'protocol', 'direction', 'directionEvidence', 'action', 'bytesOut', 'bytesIn', 'packetsOut', 'packetsIn', 'firstSeen', 'lastSeen', 'peerClass', 'path', 'securityGroupIds', 'matchedRule', 'costUsd']) {
      assert.ok(k in f, `flow lacks ${k}`);
    }
    assert.match(f.firstSeen as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(['ingress', 'egress', 'internal', 'unknown'].includes(f.direction));
  }
  const sum = doc.flows.reduce((s, f) => s + f.costUsd, 0);
  assert.ok(Math.abs(sum - doc.totals.costUsd) < 1e-9);
  assert.equal(doc.totals.flows, doc.flows.length);
  assert.match(doc.window.start, /^2026-11-20T10:/);
});

test('the story: S3 through the NAT gateway, priced once, and the gateway-endpoint hint', () => {
  const s3 = story.stories['s3-via-nat'];
  const worker = doc.flows.filter((f) => f.awsService === 'S3' && !f.transit && f.interfaceKind !== 'nat-gateway');
  assert.equal(worker.length, s3.conversations);
  assert.equal(worker.reduce((s, f) => s + f.bytesOut + f.bytesIn, 0), s3.requestBytes + s3.responseBytes);
  for (const f of worker) {
    assert.equal(f.direction, 'egress');
    assert.equal(f.path, 'nat-gateway');
    assert.ok(f.costUsd > 0);
  }
  // The NAT gateway's own records of the same traffic carry no cost (no double counting).
  assert.ok(doc.flows.filter((f) => f.interfaceKind === 'nat-gateway').every((f) => f.costUsd === 0));
  const hint = doc.savings.find((s) => s.kind === 'gateway-endpoint');
  assert.ok(hint, 'gateway endpoint hint');
  assert.match(hint.message, /S3/);
  // NAT processing on those bytes for a month: GB × $0.045 × (730 h / observed hours).
  const gb = (s3.requestBytes + s3.responseBytes) / 2 ** 30;
  const hours = (Date.parse(doc.window.end) - Date.parse(doc.window.start)) / 3.6e6;
  assert.ok(Math.abs(hint.monthlySavingsUsd - gb * 0.045 * (730 / hours)) < 0.01);
});

test('the story: web downloads are ingress whose responses are billed internet egress', () => {
  const w = story.stories['web-downloads'];
  const downloads = doc.flows.filter((f) => f.direction === 'ingress' && f.action === 'ACCEPT' && f.peerClass === 'internet' && (f.localPort === 80 || f.localPort === 443));
  assert.equal(downloads.reduce((s, f) => s + f.bytesOut, 0), w.responseBytes);
  assert.ok(downloads.every((f) => f.path === 'igw' && f.costUsd > 0 && f.sgVerdict === 'allowed'));
});

test('the story: SSH and port scans rejected with no rule; cross-AZ db traffic internal and priced; unused partner rule', () => {
  const rejected = doc.flows.filter((f) => f.action === 'REJECT');
  const expected = ['ssh-scan-rejected', 'bastion-ssh-ipv6-rejected', 'port-scan-rejected'].reduce((s, k) => s + story.stories[k].conversations, 0);
  assert.equal(rejected.length, expected);
  assert.ok(rejected.every((f) => f.direction === 'ingress' && f.sgVerdict === 'rejected-no-rule' && f.costUsd === 0));
  const xaz = doc.flows.filter((f) => f.peerClass === 'cross-az');
  assert.ok(xaz.length > 0 && xaz.every((f) => f.direction === 'internal' && f.costUsd > 0));
  const cross = story.stories['cross-az-db'];
  // Logged on both ENIs: each side's flows move the same bytes.
  assert.equal(xaz.reduce((s, f) => s + f.bytesOut + f.bytesIn, 0), 2 * (cross.requestBytes + cross.responseBytes));
  assert.ok(doc.unusedRules.some((u) => u.fromPort === 8443 && u.source === '198.51.100.0/24'));
});

test('table, csv and md formats; --top limits the list, not the totals', async () => {
  const t = await cli(['flows', '--inventory', 'samples/demo/inventory', 'samples/demo/flowlogs', '--top', '3']);
  assert.equal(t.code, 0);
  assert.match(t.out, /^3 of \d+ flows, most expensive first/);
  assert.match(t.out, /DIRECTION\s+ACT\s+INTERFACE/);
  assert.match(t.out, /Savings:/);
  assert.match(t.out, /Window: 2026-11-20T10:00:00\.000Z/);
  const csv = await cli(['flows', 'samples/demo/flowlogs', '--format', 'csv', '--top', '5']);
  const lines = csv.out.trim().split('\n');
  assert.equal(lines.length, 6);
  assert.match(lines[0], /^interfaceId,localAddr,localPort,peerAddr,peerPort,protocol,direction,directionEvidence/);
  const md = await cli(['flows', 'samples/demo/flowlogs', '--format', 'md', '--top', '2']);
  assert.match(md.out, /^## Flows\n\n\| DIRECTION \| ACT \|/);
});

test('input and usage errors exit 2 with a message naming the file or flag', async () => {
  const d = mkdtempSync(join(tmpdir(), 'el-flows-'));
  writeFileSync(join(d, 'describe-vpcs.json'), '{"Vpcs": [}');
  const bad = await cli(['flows', '--inventory', d, 'samples/demo/flowlogs']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /describe-vpcs\.json: not valid JSON at line 1, column \d+/);
  const prices = join(d, 'prices.json');
  writeFileSync(prices, '{"natGatewayPerGb": -1}');
  const badPrices = await cli(['flows', '--prices', prices, 'samples/demo/flowlogs']);
  assert.equal(badPrices.code, 2);
  assert.match(badPrices.err, /natGatewayPerGb: expected a non-negative number/);
  assert.equal((await cli(['flows', '--format', 'xml', 'x'])).code, 2);
  const cidr = await cli(['flows', '--private-cidr', '10.0.0.0/40', 'x']);
  assert.equal(cidr.code, 2);
  assert.match(cidr.err, /--private-cidr '10\.0\.0\.0\/40'/);
  assert.equal((await cli(['flows'])).code, 2);
  const missing = await cli(['flows', join(d, 'nope')]);
  assert.equal(missing.code, 2);
  const empty = mkdtempSync(join(tmpdir(), 'el-empty-'));
  const none = await cli(['flows', empty]);
  assert.equal(none.code, 2);
  assert.match(none.err, /no flow-log files/);
});
