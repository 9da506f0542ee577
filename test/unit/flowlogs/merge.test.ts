// Merging results of several sources (files + CloudWatch + S3) behaves like one reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAggregator } from '../../../src/core/flowlogs';
import { mergeAggregateResults } from '../../../src/core/flowlogs/merge';

const v2 = (eni: string, src: string, dst: string, sp: number, dp: number, pk: number, by: number, start: number, end: number, action = 'ACCEPT') =>
  `2 123456789012 ${eni} ${src} ${dst} ${sp} ${dp} 6 ${pk} ${by} ${start} ${end} ${action} OK`;

function read(lines: string[], file: string) {
  const agg = createAggregator({});
  lines.forEach((l, i) => agg.addLine(l, file, i + 1));
  return agg.result();
}

test('the same 7-tuple from two sources is summed; counts, skipped and windows combine', () => {
  const a = read([v2('eni-1', '10.0.0.1', '1.2.3.4', 5000, 443, 10, 1000, 100, 160), 'garbage line', '2 123456789012 eni-1 - - - - - - - 100 160 - NODATA'], 'a.log');
  const b = read([v2('eni-1', '10.0.0.1', '1.2.3.4', 5000, 443, 5, 500, 200, 260), v2('eni-2', '10.0.0.2', '1.2.3.4', 5001, 443, 1, 60, 50, 70, 'REJECT')], 'b.log');
  const m = mergeAggregateResults([a, b]);
  assert.deepEqual(m.counts, { lines: 5, parsed: 3, skipped: 1, nodata: 1, skipdata: 0 });
  const c = m.counts;
  assert.equal(c.parsed + c.skipped + c.nodata + c.skipdata, c.lines);
  assert.equal(m.skipped.length, 1);
  assert.equal(m.skipped[0].file, 'a.log');
  assert.equal(m.aggregates.length, 2);
  const one = m.aggregates.find((x) => x.interfaceId === 'eni-1')!;
  assert.equal(one.bytes, 1500);
  assert.equal(one.packets, 15);
  assert.equal(one.records, 2);
  assert.equal(one.start, 100);
  assert.equal(one.end, 260);
  assert.deepEqual(m.window, { start: 50, end: 260 });
  // the inputs are not changed
  assert.equal(a.aggregates[0].bytes, 1000);
});

test('one result is returned as is', () => {
  const a = read([v2('eni-1', '10.0.0.1', '1.2.3.4', 5000, 443, 10, 1000, 100, 160)], 'a.log');
  assert.equal(mergeAggregateResults([a]), a);
});
