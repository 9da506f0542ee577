import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/command';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'egress-lens-records-'));
  writeFileSync(
    join(dir, 'a.log.gz'),
    gzipSync(
      [
        'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status flow-direction my-field',
        '5 123456789012 eni-1 10.0.0.1 8.8.8.8 40000 53 17 1 80 1700000000 1700000060 ACCEPT OK egress x1',
        '5 123456789012 eni-1 - - - - - - - 1700000000 1700000060 - NODATA - -',
        'broken',
        '5 123456789012 eni-1 10.0.0.1 8.8.8.8 40000 53 17 1 80 1600000000000 1600000060000 ACCEPT OK egress x2',
      ].join('\n'),
    ),
  );
  writeFileSync(join(dir, 'plain.txt'), '10.0.0.1 10.0.0.2 443\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: dir, env: {} };
  const code = await main(['records', ...args], io);
  return { code, out, err, lines: out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('records prints JSON Lines with AWS field names, numbers, nulls, _file/_line and a summary', async () => {
  const r = await cli(['a.log.gz', '--format', 'jsonl']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.lines.length, 4);
  assert.deepEqual(r.lines[0], {
    version: 5,
    'account-id': '123456789012',
    'interface-id': 'eni-1',
    srcaddr: '10.0.0.1',
    dstaddr: '8.8.8.8',
    srcport: 40000,
    dstport: 53,
    protocol: 17,
    packets: 1,
    bytes: 80,
    start: 1700000000,
    end: 1700000060,
    action: 'ACCEPT',
    'log-status': 'OK',
    'flow-direction': 'egress',
    'my-field': 'x1',
    _file: 'a.log.gz',
    _line: 2,
  });
  assert.equal(r.lines[1]['log-status'], 'NODATA');
  assert.equal(r.lines[1].srcaddr, null);
  assert.equal(r.lines[2].start, 1600000000, 'milliseconds become seconds');
  const s = r.lines[3];
  assert.equal(s._summary, true);
  assert.deepEqual(s.counts, { lines: 4, parsed: 2, skipped: 1, nodata: 1, skipdata: 0 });
  assert.deepEqual(s.skipped, [{ file: 'a.log.gz', line: 4, reason: 'expected 16 fields, found 1', text: 'broken' }]);
  assert.match(r.err, /4 lines: 2 parsed \+ 1 skipped \+ 1 NODATA \+ 0 SKIPDATA/);
});

test('--start/--end filter records; --fields sets the order of headerless files', async () => {
  const r = await cli(['a.log.gz', '--start', '2023-11-14T00:00:00Z']);
  assert.equal(r.lines.filter((l) => !l._summary).length, 2);
  const f = await cli(['plain.txt', '--fields', 'srcaddr,dstaddr,dstport']);
  assert.equal(f.code, 0, f.err);
  assert.deepEqual(f.lines[0], { srcaddr: '10.0.0.1', dstaddr: '10.0.0.2', dstport: 443, _file: 'plain.txt', _line: 1 });
});

test('bad usage and unreadable paths exit 2 with a clear message', async () => {
  assert.equal((await cli([])).code, 2);
  const fmt = await cli(['a.log.gz', '--format', 'csv']);
  assert.equal(fmt.code, 2);
  assert.match(fmt.err, /--format: 'csv' is not supported/);
  const t = await cli(['a.log.gz', '--start', 'yesterday']);
  assert.equal(t.code, 2);
  assert.match(t.err, /--start:? 'yesterday' is not an ISO 8601 time/);
  const miss = await cli(['nope.log']);
  assert.equal(miss.code, 2);
  assert.match(miss.err, /cannot read 'nope.log': no such file or directory/);
  assert.equal(miss.out, '');
  const notLog = await cli(['plain.txt']);
  assert.equal(notLog.code, 2);
  assert.match(notLog.err, /plain\.txt: not a flow log/);
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /JSON Lines/);
});
