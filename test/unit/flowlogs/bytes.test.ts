import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interner, isIP, isIPv4, isIPv6, parseIPv4, parseUint } from '../../../src/core/flowlogs/bytes';

const b = (s: string) => Buffer.from(s, 'latin1');
const v4 = (s: string) => isIPv4(b(s), 0, s.length);
const v6 = (s: string) => isIPv6(b(s), 0, s.length);

test('IPv4 validation and value', () => {
  for (const ok of ['0.0.0.0', '10.0.0.1', '255.255.255.255', '172.31.16.139']) assert.ok(v4(ok), ok);
  for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1..2.3', '1.2.3.', 'a.b.c.d', '', '-']) assert.ok(!v4(bad), bad);
  assert.equal(parseIPv4(b('10.0.0.1'), 0, 8), 0x0a000001);
  assert.equal(parseIPv4(b('255.255.255.255'), 0, 15), 0xffffffff);
  assert.equal(parseIPv4(b('1.2.3'), 0, 5), -1);
});

test('IPv6 validation', () => {
  for (const ok of ['::', '::1', '2001:db8::1', 'fe80::1:2:3:4', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', '::ffff:10.0.0.1', '1::', '1:2:3:4:5:6:7::'])
    assert.ok(v6(ok), ok);
  for (const bad of [':', ':::', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7', '2001:db8:', ':1:2', '::ffff:10.0.0.256'])
    assert.ok(!v6(bad), bad);
  assert.ok(isIP(b('2600:1f18::5'), 0, 12));
  assert.ok(isIP(b('8.8.8.8'), 0, 7));
});

test('parseUint', () => {
  assert.equal(parseUint(b('12345'), 0, 5), 12345);
  assert.equal(parseUint(b('-'), 0, 1), -1);
  assert.equal(parseUint(b('12a'), 0, 3), -2);
  assert.equal(parseUint(b('1234567890123456'), 0, 16), -2);
  assert.equal(parseUint(b('4294967296000'), 0, 13), 4294967296000);
});

test('Interner gives dense stable ids and survives growth', () => {
  const it = new Interner();
  const ids = new Map<string, number>();
  for (let i = 0; i < 5000; i++) {
    const s = `eni-${i.toString(16)}`;
    ids.set(s, it.internString(s));
  }
  assert.equal(it.size, 5000);
  for (const [s, id] of ids) {
    assert.equal(it.internString(s), id);
    assert.equal(it.get(id), s);
  }
  assert.equal(new Set(ids.values()).size, 5000);
});

test('Interner tells apart long ids that differ in any one byte, at any offset in the chunk', () => {
  // Ids of 8+ bytes are compared four bytes at a time: every position of the difference, and
  // every alignment of the text in the buffer, must still give distinct ids and find them again.
  const it = new Interner();
  const base = 'eni-0123456789abcdef0';
  const variants = [base];
  for (let p = 0; p < base.length; p++) variants.push(base.slice(0, p) + (base[p] === 'x' ? 'y' : 'x') + base.slice(p + 1));
  variants.push(base.slice(0, 8), base.slice(0, 9), base + '1');
  const ids = variants.map((v) => it.internString(v));
  assert.equal(new Set(ids).size, variants.length);
  for (let pad = 0; pad < 5; pad++) {
    for (const [i, v] of variants.entries()) {
      const chunk = Buffer.from(' '.repeat(pad) + v + ' tail');
      assert.equal(it.intern(new Uint8Array(chunk), pad, pad + v.length), ids[i], `${v} at offset ${pad}`);
    }
  }
  assert.equal(it.size, variants.length);
});
