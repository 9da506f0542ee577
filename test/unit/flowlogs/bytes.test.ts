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
