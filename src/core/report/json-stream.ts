/**
 * Pretty JSON (the text `JSON.stringify(value, null, 2)` gives) written in pieces, with arrays
 * whose items are made one at a time (LazyJsonArray). For documents too large for one string:
 * V8 caps a string at ~512 MB, and `flows --format json` over a few million records lists more
 * flows than that (≈ 1.2 KB each); holding every flow's JSON object at once also doubles memory.
 */

/** An array written item by item; `items()` may be called more than once. */
export class LazyJsonArray<T = unknown> {
  constructor(readonly items: () => Iterable<T>) {}
  /** So plain JSON.stringify still works (small documents, tests): the items, materialised. */
  toJSON(): T[] {
    return [...this.items()];
  }
}

/** Writes `value` as `JSON.stringify(value, null, 2)` would, in chunks of about `chunk` characters. */
export function writeJson(value: unknown, write: (text: string) => void, chunk = 1 << 20): void {
  const parts: string[] = [];
  let size = 0;
  const out = (s: string) => {
    parts.push(s);
    size += s.length;
    if (size >= chunk) {
      write(parts.join(''));
      parts.length = 0;
      size = 0;
    }
  };
  const leaf = (v: unknown, indent: string): string | undefined => {
    const s = JSON.stringify(v, null, 2) as string | undefined;
    return s === undefined ? undefined : indent ? s.replace(/\n/g, `\n${indent}`) : s;
  };
  const needsWalk = (v: unknown): boolean => {
    if (v instanceof LazyJsonArray) return true;
    if (!v || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
    return Array.isArray(v) ? v.some(needsWalk) : Object.values(v as object).some(needsWalk);
  };
  const rec = (v: unknown, indent: string): boolean => {
    if (!needsWalk(v)) {
      const s = leaf(v, indent);
      if (s === undefined) return false;
      out(s);
      return true;
    }
    const inner = `${indent}  `;
    if (v instanceof LazyJsonArray || Array.isArray(v)) {
      const items: Iterable<unknown> = v instanceof LazyJsonArray ? v.items() : v;
      let n = 0;
      for (const item of items) {
        out(n++ === 0 ? `[\n${inner}` : `,\n${inner}`);
        if (!rec(item, inner)) out('null');
      }
      out(n === 0 ? '[]' : `\n${indent}]`);
      return true;
    }
    let n = 0;
    for (const [k, x] of Object.entries(v as object)) {
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      out(`${n++ === 0 ? '{' : ','}\n${inner}${JSON.stringify(k)}: `);
      rec(x, inner);
    }
    out(n === 0 ? '{}' : `\n${indent}}`);
    return true;
  };
  rec(value, '');
  if (parts.length) write(parts.join(''));
}
