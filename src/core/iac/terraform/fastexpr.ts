/**
 * A fast path for lowering Terraform expressions: tree-sitter has already found where an
 * expression starts and ends; for the common simple forms (numbers, bools, null, plain strings,
 * traversals like var.x / aws_vpc.main.cidr_block / local.y[0], lists and objects of those) this
 * reads the text directly instead of walking ~6 tree nodes per value through the wasm boundary.
 * Anything else (templates with ${}, function calls, operators, conditionals, for-expressions,
 * heredocs) returns null and the caller lowers it from the tree. Ranges match the tree's exactly.
 */
import type { LineIndex, ObjEntry, Val } from '../value';

class Bail extends Error {}
const BAIL = new Bail();

const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

export function fastExpr(src: string, start: number, end: number, lines: LineIndex): Val | null {
  let i = start;
  const ws = (): void => {
    for (;;) {
      if (i >= end) return;
      const c = src.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else if (c === 35 /* # */ || (c === 47 && src.charCodeAt(i + 1) === 47)) {
        while (i < end && src.charCodeAt(i) !== 10) i++;
      } else if (c === 47 && src.charCodeAt(i + 1) === 42) {
        const close = src.indexOf('*/', i + 2);
        if (close < 0 || close >= end) throw BAIL;
        i = close + 2;
      } else return;
    }
  };
  const ident = (): string => {
    const s = i;
    if (i >= end) throw BAIL;
    let c = src.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) throw BAIL;
    i++;
    for (;;) {
      c = src.charCodeAt(i);
      if (i < end && ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45)) i++;
      else break;
    }
    return src.slice(s, i);
  };
  const str = (): Val => {
    const s = i;
    i++; // opening quote
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= end) throw BAIL;
      const c = src.charCodeAt(i);
      if (c === 34) break;
      if (c === 10) throw BAIL;
      if (c === 36 /* $ */ || c === 37 /* % */) {
        if (src.charCodeAt(i + 1) === 123) throw BAIL; // ${ or %{: a template
        if (src.charCodeAt(i + 1) === c && src.charCodeAt(i + 2) === 123) throw BAIL; // $${ escape: leave to the tree
      }
      if (c === 92) {
        out += src.slice(chunk, i);
        const e = src[i + 1];
        if (e === 'u' || e === 'U' || !(e in ESC)) throw BAIL;
        out += ESC[e];
        i += 2;
        chunk = i;
        continue;
      }
      i++;
    }
    out += src.slice(chunk, i);
    i++; // closing quote
    return { k: 'str', v: out, r: lines.range(s, i) };
  };
  const value = (): Val => {
    ws();
    const s = i;
    const c = src.charCodeAt(i);
    if (i >= end) throw BAIL;
    if (c === 34) return str();
    if (c === 91 /* [ */) {
      i++;
      const items: Val[] = [];
      for (;;) {
        ws();
        if (i >= end) throw BAIL;
        if (src.charCodeAt(i) === 93) {
          i++;
          break;
        }
        items.push(value());
        ws();
        const d = src.charCodeAt(i);
        if (d === 44) i++;
        else if (d !== 93) throw BAIL;
      }
      return { k: 'list', items, r: lines.range(s, i) };
    }
    if (c === 123 /* { */) {
      i++;
      const entries: ObjEntry[] = [];
      for (;;) {
        ws();
        if (i >= end) throw BAIL;
        if (src.charCodeAt(i) === 125) {
          i++;
          break;
        }
        const ks = i;
        let key: string;
        if (src.charCodeAt(i) === 34) {
          const kv = str();
          key = kv.k === 'str' ? kv.v : '';
        } else key = ident();
        const keyRange = lines.range(ks, i);
        ws();
        const eq = src.charCodeAt(i);
        if (eq !== 61 && eq !== 58) throw BAIL; // = or :
        if (src.charCodeAt(i + 1) === 61) throw BAIL; // ==
        i++;
        const val = value();
        entries.push({ key, keyRange, val });
        // separators: comma, or a newline (already skipped by ws)
        const before = i;
        ws();
        if (src.charCodeAt(i) === 44) i++;
        else if (src.charCodeAt(i) !== 125 && !/\n/.test(src.slice(before, i))) throw BAIL;
      }
      return { k: 'obj', entries, r: lines.range(s, i) };
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i, Math.min(end, i + 40)));
      if (!m) throw BAIL;
      i += m[0].length;
      return { k: 'num', v: Number(m[0]), r: lines.range(s, i) };
    }
    const id = ident();
    if (id === 'true' || id === 'false') return { k: 'bool', v: id === 'true', r: lines.range(s, i) };
    if (id === 'null') return { k: 'null', r: lines.range(s, i) };
    const path: (string | number)[] = [id];
    for (;;) {
      const d = i < end ? src.charCodeAt(i) : -1;
      if (d === 46 /* . */) {
        i++;
        const nc = src.charCodeAt(i);
        if (nc >= 48 && nc <= 57) {
          const m = /^\d+/.exec(src.slice(i, i + 12))!;
          path.push(Number(m[0]));
          i += m[0].length;
        } else if (nc === 42) throw BAIL; // .* splat
        else path.push(ident());
      } else if (d === 91 /* [ */) {
        i++;
        const m = /^\s*(\d+|"[^"\\$%]*")\s*\]/.exec(src.slice(i, i + 200));
        if (!m) throw BAIL;
        path.push(m[1].startsWith('"') ? m[1].slice(1, -1) : Number(m[1]));
        i += m[0].length;
      } else if (d === 40 /* ( */) throw BAIL; // function call
      else break;
    }
    return { k: 'ref', path, text: src.slice(s, i), r: lines.range(s, i) };
  };
  try {
    const v = value();
    ws();
    return i === end ? v : null;
  } catch (e) {
    if (e === BAIL) return null;
    throw e;
  }
}
