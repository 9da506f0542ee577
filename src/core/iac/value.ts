/**
 * A small value IR shared by the Terraform and CloudFormation adapters. Both syntaxes are lowered
 * into `Val` (with a 0-based source range on every node) and then read by the extractors, so the
 * resolution logic (variables, parameters, references) sees one shape. No IO, never throws.
 */
import type { SourcePosition, SourceRange } from '../model/flows';

export type Val =
  | { k: 'str'; v: string; r: SourceRange }
  | { k: 'num'; v: number; r: SourceRange }
  | { k: 'bool'; v: boolean; r: SourceRange }
  | { k: 'null'; r: SourceRange }
  | { k: 'list'; items: Val[]; r: SourceRange }
  | { k: 'obj'; entries: ObjEntry[]; r: SourceRange }
  /** A Terraform traversal such as var.x, local.y[0], aws_vpc.main.cidr_block. */
  | { k: 'ref'; path: (string | number)[]; text: string; r: SourceRange }
  /** A Terraform function call, a Terraform conditional (name `?:`, args [cond, then, else]) or a CloudFormation intrinsic (`Ref`, `Fn::GetAtt`, ...). */
  | { k: 'fn'; name: string; args: Val[]; text: string; r: SourceRange }
  /** A Terraform template with interpolations: literal parts are `str`, the rest expressions. */
  | { k: 'tpl'; parts: Val[]; text: string; r: SourceRange }
  /** Anything the adapters do not model (for-expressions, operators, splats). */
  | { k: 'unknown'; text: string; r: SourceRange; why?: string };

export interface ObjEntry {
  key: string;
  keyRange: SourceRange;
  val: Val;
}

export const ZERO_RANGE: SourceRange = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };

export function objGet(v: Val | undefined, key: string): Val | undefined {
  if (!v || v.k !== 'obj') return undefined;
  for (const e of v.entries) if (e.key === key) return e.val;
  return undefined;
}

export function objEntry(v: Val | undefined, key: string): ObjEntry | undefined {
  if (!v || v.k !== 'obj') return undefined;
  for (const e of v.entries) if (e.key === key) return e;
  return undefined;
}

/** A short source-like rendering, for messages about unresolved values. */
export function valText(v: Val): string {
  switch (v.k) {
    case 'str':
      return JSON.stringify(v.v);
    case 'num':
      return String(v.v);
    case 'bool':
      return String(v.v);
    case 'null':
      return 'null';
    case 'list':
      return `[${v.items.map(valText).join(', ')}]`;
    case 'obj':
      return `{${v.entries.map((e) => `${e.key} = ${valText(e.val)}`).join(', ')}}`;
    default:
      return v.text;
  }
}

/** Maps character offsets to 0-based line/column (UTF-16 columns, like the editor). */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  /** The line of the last lookup: callers mostly ask in text order, so try it (and the next) first. */
  private hint = 0;
  // The last four positions handed out: ranges that share an end (an attribute and its name or
  // value) share the position object, a third fewer objects for the garbage collector. Positions
  // are never modified in place.
  private o0 = -1;
  private o1 = -1;
  private o2 = -1;
  private o3 = -1;
  private p0: SourcePosition = { line: 0, column: 0 };
  private p1 = this.p0;
  private p2 = this.p0;
  private p3 = this.p0;
  private slot = 0;
  position(offset: number): SourcePosition {
    if (offset === this.o0) return this.p0;
    if (offset === this.o1) return this.p1;
    if (offset === this.o2) return this.p2;
    if (offset === this.o3) return this.p3;
    const p = this.compute(offset);
    switch (this.slot) {
      case 0:
        this.o0 = offset;
        this.p0 = p;
        break;
      case 1:
        this.o1 = offset;
        this.p1 = p;
        break;
      case 2:
        this.o2 = offset;
        this.p2 = p;
        break;
      default:
        this.o3 = offset;
        this.p3 = p;
    }
    this.slot = (this.slot + 1) & 3;
    return p;
  }
  private compute(offset: number): SourcePosition {
    const st = this.starts;
    const h = this.hint;
    if (offset >= st[h]) {
      if (h + 1 >= st.length || offset < st[h + 1]) return { line: h, column: offset - st[h] };
      if (h + 2 >= st.length || offset < st[h + 2]) {
        this.hint = h + 1;
        return { line: h + 1, column: offset - st[h + 1] };
      }
    }
    let lo = 0;
    let hi = st.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (st[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.hint = lo;
    return { line: lo, column: offset - st[lo] };
  }
  range(start: number, end: number): SourceRange {
    return { start: this.position(start), end: this.position(end) };
  }
  offset(pos: SourcePosition): number {
    const s = this.starts[Math.min(pos.line, this.starts.length - 1)] ?? 0;
    return s + pos.column;
  }
  get lineCount(): number {
    return this.starts.length;
  }
}

export function comparePos(a: SourcePosition, b: SourcePosition): number {
  return a.line - b.line || a.column - b.column;
}

export function rangeContains(outer: SourceRange, inner: SourceRange): boolean {
  return comparePos(outer.start, inner.start) <= 0 && comparePos(inner.end, outer.end) <= 0;
}
