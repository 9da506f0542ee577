import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LazyJsonArray, writeJson } from '../../../src/core/report/json-stream';

const text = (v: unknown, chunk?: number) => {
  const parts: string[] = [];
  writeJson(v, (t) => parts.push(t), chunk);
  return { text: parts.join(''), parts };
};

test('writeJson prints exactly what JSON.stringify(v, null, 2) prints', () => {
  const values: unknown[] = [
    { a: 1, b: 'x\ny "q"', c: null, d: [], e: {}, f: [1, [2, { g: true }]], u: undefined, fn: () => 1, date: new Date(0) },
    [1, undefined, { x: undefined }, 'é', [], {}],
    { nested: { deeper: { list: [{ k: 1 }, { k: 2 }] } } },
    'plain',
    42,
    null,
  ];
  for (const v of values) assert.equal(text(v).text, JSON.stringify(v, null, 2));
});

test('lazy arrays are written item by item, anywhere in the document, and can be iterated again', () => {
  let made = 0;
  const lazy = new LazyJsonArray(function* () {
    for (let i = 0; i < 5; i++) {
      made++;
      yield { i, s: `item ${i}`, nested: [i, { j: i }] };
    }
  });
  const doc = { head: 1, flows: lazy, tail: { inner: lazy, empty: new LazyJsonArray(() => []) } };
  const plain = { head: 1, flows: [...lazy.items()], tail: { inner: [...lazy.items()], empty: [] } };
  made = 0;
  assert.equal(text(doc).text, JSON.stringify(plain, null, 2));
  assert.equal(made, 10, 'each lazy array iterated once per write');
  // JSON.stringify still works on a document holding one (toJSON).
  assert.equal(JSON.stringify(doc, null, 2), JSON.stringify(plain, null, 2));
});

test('large documents come out in chunks, not one string', () => {
  const lazy = new LazyJsonArray(function* () {
    for (let i = 0; i < 20000; i++) yield { i, pad: 'x'.repeat(40) };
  });
  const { text: t, parts } = text({ flows: lazy }, 64 * 1024);
  assert.ok(parts.length > 10, `${parts.length} writes`);
  assert.ok(Math.max(...parts.map((p) => p.length)) < 70 * 1024);
  assert.equal((JSON.parse(t) as { flows: unknown[] }).flows.length, 20000);
});
