/**
 * A fast path for lowering Terraform expressions: tree-sitter has already found where an
 * expression starts and ends; for the common simple forms (numbers, bools, null, plain strings,
 * traversals like var.x / aws_vpc.main.cidr_block / local.y[0], lists and objects of those) this
 * reads the text directly instead of walking ~6 tree nodes per value through the wasm boundary.
 * Anything else (templates with ${}, function calls, operators, conditionals, for-expressions,
 * heredocs) returns null and the caller lowers it from the tree. Ranges match the tree's exactly.
 */
import { LineIndex, type ObjEntry, type Val } from '../value';

class Bail extends Error {}
const BAIL = new Bail();

const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

/**
 * How deep values nest at most when lowered (lists, objects, calls, templates, each level one):
 * the readers recurse, so a deeper value (a generated or hostile file) is left unread rather than
 * overflowing the stack. Far above anything written by hand.
 */
export const MAX_NESTING = 100;

/**
 * Returns the value of src[start, end) when it is a simple expression, else null. Null also when
 * it nests more than `maxDepth` levels (the tree walk then reads it, up to its own limit).
 */
export function fastExpr(src: string, start: number, end: number, lines: LineIndex, maxDepth = MAX_NESTING): Val | null {
  // One reader for every call (it holds nothing between calls): no object per expression.
  const p = reader;
  p.src = src;
  p.i = start;
  p.end = end;
  p.lines = lines;
  p.depth = 0;
  p.maxDepth = maxDepth;
  try {
    const v = p.value();
    p.ws();
    return p.i === end ? v : null;
  } catch (e) {
    if (e === BAIL) return null;
    throw e;
  } finally {
    p.src = '';
    p.lines = noLines;
  }
}

class FastParser {
  depth = 0;
  maxDepth = MAX_NESTING;

  constructor(
    public src: string,
    public i: number,
    public end: number,
    public lines: LineIndex,
  ) {}

  ws(): void {
    const { src, end } = this;
    for (;;) {
      if (this.i >= end) return;
      const c = src.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else if (c === 35 /* # */ || (c === 47 && src.charCodeAt(this.i + 1) === 47)) {
        while (this.i < end && src.charCodeAt(this.i) !== 10) this.i++;
      } else if (c === 47 && src.charCodeAt(this.i + 1) === 42) {
        const close = src.indexOf('*/', this.i + 2);
        if (close < 0 || close >= end) throw BAIL;
        this.i = close + 2;
      } else return;
    }
  }

  ident(): string {
    const { src, end } = this;
    const s = this.i;
    if (this.i >= end) throw BAIL;
    let c = src.charCodeAt(this.i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) throw BAIL;
    this.i++;
    for (;;) {
      c = src.charCodeAt(this.i);
      if (this.i < end && ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45)) this.i++;
      else break;
    }
    return src.slice(s, this.i);
  }

  str(): Val {
    const { src, end } = this;
    const s = this.i;
    this.i++; // opening quote
    let out = '';
    let chunk = this.i;
    for (;;) {
      if (this.i >= end) throw BAIL;
      const c = src.charCodeAt(this.i);
      if (c === 34) break;
      if (c === 10) throw BAIL;
      if (c === 36 /* $ */ || c === 37 /* % */) {
        if (src.charCodeAt(this.i + 1) === 123) throw BAIL; // ${ or %{: a template
        if (src.charCodeAt(this.i + 1) === c && src.charCodeAt(this.i + 2) === 123) throw BAIL; // $${ escape: leave to the tree
      }
      if (c === 92) {
        out += src.slice(chunk, this.i);
        const e = src[this.i + 1];
        if (e === 'u' || e === 'U' || !(e in ESC)) throw BAIL;
        out += ESC[e];
        this.i += 2;
        chunk = this.i;
        continue;
      }
      this.i++;
    }
    out += src.slice(chunk, this.i);
    this.i++; // closing quote
    return { k: 'str', v: out, r: this.lines.range(s, this.i) };
  }

  value(): Val {
    if (++this.depth > this.maxDepth) throw BAIL;
    const v = this.valueAt();
    this.depth--;
    return v;
  }

  private valueAt(): Val {
    const { src, end, lines } = this;
    this.ws();
    const s = this.i;
    if (this.i >= end) throw BAIL;
    const c = src.charCodeAt(this.i);
    if (c === 34) return this.str();
    if (c === 91 /* [ */) {
      this.i++;
      const items: Val[] = [];
      for (;;) {
        this.ws();
        if (this.i >= end) throw BAIL;
        if (src.charCodeAt(this.i) === 93) {
          this.i++;
          break;
        }
        items.push(this.value());
        this.ws();
        const d = src.charCodeAt(this.i);
        if (d === 44) this.i++;
        else if (d !== 93) throw BAIL;
      }
      return { k: 'list', items, r: lines.range(s, this.i) };
    }
    if (c === 123 /* { */) {
      this.i++;
      const entries: ObjEntry[] = [];
      for (;;) {
        this.ws();
        if (this.i >= end) throw BAIL;
        if (src.charCodeAt(this.i) === 125) {
          this.i++;
          break;
        }
        const ks = this.i;
        let key: string;
        if (src.charCodeAt(this.i) === 34) {
          const kv = this.str();
          key = kv.k === 'str' ? kv.v : '';
        } else key = this.ident();
        const keyRange = lines.range(ks, this.i);
        this.ws();
        const eq = src.charCodeAt(this.i);
        if (eq !== 61 && eq !== 58) throw BAIL; // = or :
        if (src.charCodeAt(this.i + 1) === 61) throw BAIL; // ==
        this.i++;
        const val = this.value();
        entries.push({ key, keyRange, val });
        // separators: a comma, or a newline (skipped by ws)
        const before = this.i;
        this.ws();
        if (src.charCodeAt(this.i) === 44) this.i++;
        else if (src.charCodeAt(this.i) !== 125 && src.slice(before, this.i).indexOf('\n') < 0) throw BAIL;
      }
      return { k: 'obj', entries, r: lines.range(s, this.i) };
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      const m = NUM.exec(src.slice(this.i, Math.min(end, this.i + 40)));
      if (!m) throw BAIL;
      this.i += m[0].length;
      return { k: 'num', v: Number(m[0]), r: lines.range(s, this.i) };
    }
    const id = this.ident();
    if (id === 'true' || id === 'false') return { k: 'bool', v: id === 'true', r: lines.range(s, this.i) };
    if (id === 'null') return { k: 'null', r: lines.range(s, this.i) };
    const path: (string | number)[] = [id];
    for (;;) {
      const d = this.i < end ? src.charCodeAt(this.i) : -1;
      if (d === 46 /* . */) {
        this.i++;
        const nc = src.charCodeAt(this.i);
        if (nc >= 48 && nc <= 57) {
          const m = /^\d+/.exec(src.slice(this.i, this.i + 12))!;
          path.push(Number(m[0]));
          this.i += m[0].length;
        } else if (nc === 42) throw BAIL; // .* splat
        else path.push(this.ident());
      } else if (d === 91 /* [ */) {
        this.i++;
        const m = INDEX.exec(src.slice(this.i, this.i + 200));
        if (!m) throw BAIL;
        path.push(m[1].startsWith('"') ? m[1].slice(1, -1) : Number(m[1]));
        this.i += m[0].length;
      } else if (d === 40 /* ( */) throw BAIL; // function call
      else break;
    }
    return { k: 'ref', path, text: src.slice(s, this.i), r: lines.range(s, this.i) };
  }
}

const NUM = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/;

const noLines = new LineIndex('');
const reader = new FastParser('', 0, 0, noLines);
const INDEX = /^\s*(\d+|"[^"\\$%]*")\s*\]/;
