// Property-based tests: whatever bytes arrive, no exception escapes the parser and
// parsed + skipped + nodata + skipdata === lines holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createAggregator } from '../../../src/core/flowlogs/aggregate';
import { DEFAULT_FIELDS, V5_FIELDS } from '../../../src/core/flowlogs/fields';
import { assertIdentity, runText } from './helpers';

const VALID = [
  '2 123456789012 eni-0a1 10.0.1.5 52.94.1.10 49152 443 6 20 4000 1700000000 1700000060 ACCEPT OK',
  '2 123456789012 eni-0a1 2001:db8::5 2600:1f18::1 49152 443 6 20 4000 1700000000123 1700000060456 REJECT OK',
  '2 123456789012 eni-0a1 - - - - - - - 1700000000 1700000060 - NODATA',
  '2 123456789012 eni-0a1 - - - - - - - 1700000000 1700000060 - SKIPDATA',
];
const HEADER = DEFAULT_FIELDS.join(' ');
const V5_LINE = '5 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1700000000 1700000001 ACCEPT OK vpc-1 subnet-1 i-1 2 IPv4 10.0.0.1 10.0.0.2 us-east-1 use1-az1 - - - S3 egress 1';

test('random bytes never throw and keep the counting identity', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 1, max: 300 }), (bytes, chunk) => {
      const r = runText(bytes, { chunk, maxSkippedKept: 3 });
      assertIdentity(r.counts);
      assert.ok(r.skipped.length <= 3);
    }),
    { numRuns: 300 },
  );
});

test('random text lines (printable, spaces, newlines) never throw and keep the identity', () => {
  const token = fc.oneof(
    fc.constantFrom('-', 'ACCEPT', 'REJECT', 'OK', 'NODATA', 'SKIPDATA', 'eni-1', '10.0.0.1', '::1', '6', '17', '443', '1700000000', 'egress', 'ingress'),
    fc.string({ maxLength: 12 }),
    fc.nat().map(String),
  );
  const line = fc.array(token, { maxLength: 35 }).map((t) => t.join(' '));
  fc.assert(
    fc.property(fc.boolean(), fc.array(line, { maxLength: 40 }), fc.integer({ min: 1, max: 64 }), (withHeader, lines, chunk) => {
      const text = (withHeader ? [HEADER, ...lines] : lines).join('\n');
      const r = runText(text, { chunk });
      assertIdentity(r.counts);
      // Every line is read: blank trailing line aside, lines = number of data lines given.
      assert.ok(r.counts.lines <= lines.length + (withHeader ? 0 : 0) + 1);
    }),
    { numRuns: 300 },
  );
});

/** A mutation of a valid line: replace, insert or delete characters, swap or drop fields. */
const mutated = fc
  .tuple(
    fc.constantFrom(...VALID, V5_LINE),
    fc.array(
      fc.tuple(fc.constantFrom('replace', 'insert', 'delete', 'swap', 'drop', 'dash'), fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 3 })),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([base, ops]) => {
    let s = base;
    for (const [op, i, j, str] of ops) {
      const at = s.length === 0 ? 0 : i % s.length;
      const parts = s.split(' ');
      if (op === 'replace') s = s.slice(0, at) + str + s.slice(at + str.length);
      else if (op === 'insert') s = s.slice(0, at) + str + s.slice(at);
      else if (op === 'delete') s = s.slice(0, at) + s.slice(at + 1 + (j % 4));
      else if (op === 'swap' && parts.length > 1) {
        const a = i % parts.length;
        const b = j % parts.length;
        [parts[a], parts[b]] = [parts[b], parts[a]];
        s = parts.join(' ');
      } else if (op === 'drop') s = parts.filter((_, k) => k !== i % parts.length).join(' ');
      else if (op === 'dash') s = parts.map((p, k) => (k === i % parts.length ? '-' : p)).join(' ');
    }
    return s;
  });

test('mutations of valid lines never throw and keep the identity; unchanged lines still parse', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(mutated, fc.constantFrom(...VALID)), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 97 }), (lines, chunk) => {
      const r = runText(lines.join('\n'), { chunk, fields: lines.some((l) => l.startsWith('5 ')) ? undefined : DEFAULT_FIELDS });
      assertIdentity(r.counts);
      assert.equal(r.counts.lines, lines.length);
      const intact = lines.filter((l) => VALID.includes(l)).length;
      assert.ok(r.counts.parsed + r.counts.nodata + r.counts.skipdata >= intact);
      for (const a of r.aggregates) {
        assert.ok(Number.isFinite(a.bytes) && a.bytes >= 0);
        assert.ok(a.srcport >= 0 && a.srcport <= 65535 && a.dstport >= 0 && a.dstport <= 65535);
        assert.ok(a.protocol >= 0 && a.protocol <= 255);
      }
    }),
    { numRuns: 400 },
  );
});

test('v5 header with mutated lines through the line aggregator (CloudWatch path)', () => {
  fc.assert(
    fc.property(fc.array(mutated, { maxLength: 30 }), (lines) => {
      const agg = createAggregator({ fields: V5_FIELDS });
      lines.forEach((l, i) => agg.addLine(l, 'stream', i + 1));
      const r = agg.result();
      assertIdentity(r.counts);
      assert.equal(r.counts.lines, lines.length);
    }),
    { numRuns: 200 },
  );
});
