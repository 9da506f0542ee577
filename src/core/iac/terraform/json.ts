/**
 * Terraform's JSON syntax (`*.tf.json`, e.g. CDK for Terraform's `cdk.tf.json`, and
 * `*.tfvars.json`) lowered into the same block/attribute IR as the HCL parser (parser.ts), so the
 * one extractor (extract.ts) and resolver (resolve.ts) build the same model from either syntax.
 *
 * The mapping (developer.hashicorp.com/terraform/language/syntax/json):
 *  - top level: `resource`/`data` → type → name → body, `module`/`variable`/`output`/`provider`
 *    → name → body, `locals`/`terraform` → body; at every label level the value may also be an
 *    array of objects, and a body may be an array of objects (one block each);
 *  - in a body, a property is a nested block when the block type takes one there (`ingress`,
 *    `egress` and `dynamic` in security groups, `route` in route tables, `content` in `dynamic`,
 *    `lifecycle`, `validation`, …) and its value is an object or an array of objects; everything
 *    else is an attribute;
 *  - strings are templates: `"${var.x}"` alone is the expression `var.x`, `"a-${var.x}"` a
 *    template, `$${` a literal `${`; a plain string is a literal. Variable defaults and
 *    `.tfvars.json` values are literal JSON (Terraform evaluates them without a context);
 *  - a property named `//` is a comment. Its string (or each string of an array) may carry
 *    `egress-lens:ignore EL001 reason`: it suppresses those rules' findings inside the object it
 *    sits in (a resource, a rule block, or the whole file at the top level).
 *
 * Ranges are exact: jsonc-parser node offsets through the shared LineIndex (0-based, UTF-16
 * columns); a block is its `"name": {…}` property (or the object in array form), its header the
 * key to the opening brace; expressions inside strings keep their place in the file, escapes
 * included. Strict JSON (no comments, no trailing commas, like Terraform); never throws: syntax
 * and shape errors come back as problems, the intact rest is still read.
 */
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { SourceRange } from '../../model/flows';
import { parseIgnoreComment } from '../common';
import type { Suppression } from '../model';
import { LineIndex, type ObjEntry, type Val } from '../value';
import { fastExpr } from './fastexpr';
import { defaultBlockFilter, isTerraformReady, parseTerraform, type BlockFilter, type HclAttr, type HclBlock, type HclFile, type HclProblem } from './parser';

/** `x.tf.json` or `x.tfvars.json`: Terraform's JSON syntax (decided by the name, as Terraform does). */
export function isTerraformJsonPath(p: string): boolean {
  return /\.(tf|tfvars)\.json$/i.test(p);
}

/** A suppression read from a `//` property, before the file is known. */
export type JsonIgnore = Omit<Suppression, 'file'>;

/** An HclFile from the JSON syntax: also carries the `//` suppressions (JSON has no comments). */
export interface TfJsonFile extends HclFile {
  syntax: 'json';
  ignores: JsonIgnore[];
}

export function isTfJsonFile(f: HclFile): f is TfJsonFile {
  return (f as Partial<TfJsonFile>).syntax === 'json';
}

/** The file's `//` suppressions with their file. */
export function jsonSuppressions(file: string, f: TfJsonFile): Suppression[] {
  return f.ignores.map((i) => ({ file, ...i }));
}

/** Top-level block types and how many labels they take. */
const TOP_LABELS: Record<string, number> = { resource: 2, data: 2, module: 1, variable: 1, output: 1, provider: 1, locals: 0, terraform: 0, moved: 0, import: 0, check: 1, removed: 0 };

const SG_TYPES = new Set(['aws_security_group', 'aws_default_security_group']);
const ROUTE_TABLES = new Set(['aws_route_table', 'aws_default_route_table']);

/**
 * Where a nested block can sit: the context of a body (`resource:aws_security_group`,
 * `dynamic:ingress`, `variable`, …) and a property name → the labels the block takes, or
 * undefined for an attribute.
 */
function nestedLabels(context: string, key: string): number | undefined {
  if (context.startsWith('resource:') || context.startsWith('data:')) {
    const type = context.slice(context.indexOf(':') + 1);
    if (key === 'dynamic' || key === 'provisioner') return 1;
    if (key === 'lifecycle' || key === 'connection' || key === 'timeouts') return 0;
    if (SG_TYPES.has(type) && (key === 'ingress' || key === 'egress')) return 0;
    if (ROUTE_TABLES.has(type) && key === 'route') return 0;
    return undefined;
  }
  if (context.startsWith('dynamic:')) return key === 'content' ? 0 : undefined;
  if (context === 'variable' || context === 'output') return key === 'validation' || key === 'precondition' ? 0 : undefined;
  if (context === 'provisioner') return key === 'connection' ? 0 : undefined;
  return undefined;
}

/** The context of a nested block's body. */
function childContext(parent: string, type: string, labels: string[]): string {
  if (type === 'dynamic') return `dynamic:${labels[0] ?? ''}`;
  if (type === 'content' && parent.startsWith('dynamic:')) return `block:${parent.slice(8)}`;
  if (type === 'provisioner') return 'provisioner';
  return `block:${type}`;
}

type Mode = 'template' | 'literal';

class JsonLowering {
  readonly lines: LineIndex;
  readonly problems: HclProblem[] = [];
  readonly ignores: JsonIgnore[] = [];
  private readonly errorOffsets: number[];

  constructor(
    readonly src: string,
    errors: ParseError[],
    private readonly filter: BlockFilter,
  ) {
    this.lines = new LineIndex(src);
    this.errorOffsets = errors.slice(0, 200).map((e) => e.offset);
  }

  range(n: { offset: number; length: number }): SourceRange {
    return this.lines.range(n.offset, n.offset + n.length);
  }

  problem(message: string, n: { offset: number; length: number }): void {
    if (this.problems.length < 50) this.problems.push({ message, range: this.range(n) });
  }

  private hasErrorIn(start: number, end: number): boolean {
    return this.errorOffsets.some((o) => o >= start && o <= end);
  }

  /** The first line of a node: the whole node when it fits on one line, else its first character. */
  private firstLine(n: JsonNode): SourceRange {
    const r = this.range(n);
    return r.start.line === r.end.line ? r : this.lines.range(n.offset, n.offset + 1);
  }

  /** `"//"` properties: comments, possibly carrying `egress-lens:ignore`. `scope` is the object they sit in. */
  comment(val: JsonNode, scope: SourceRange): void {
    const strings = val.type === 'string' ? [val] : val.type === 'array' ? (val.children ?? []).filter((c) => c.type === 'string') : [];
    for (const s of strings) {
      const parsed = parseIgnoreComment(String(s.value));
      if (parsed) this.ignores.push({ range: this.range(s), scope, ruleIds: parsed.ruleIds, reason: parsed.reason });
    }
  }

  // --- blocks ------------------------------------------------------------------------------

  /**
   * Walks the label levels of a top-level block type (`node` is the value of the type's
   * property, `prop` that property) and lowers each body found at the last level into `out`.
   */
  blocks(type: string, prop: JsonNode, node: JsonNode, nLabels: number, labels: string[], labelRanges: SourceRange[], out: HclBlock[]): void {
    const keyedBy = (depth: number) => (depth === 0 && type === 'resource' ? 'resource type' : 'name');
    this.walkLabels(type, prop, node, nLabels, labels, labelRanges, out, keyedBy, (ls, lrs, holder, body, range, header) =>
      this.block(type, ls, lrs, holder, body, range, header),
    );
  }

  /**
   * The label levels of a block in Terraform JSON: each level an object keyed by the label (or an
   * array of such objects), `"//"` keys comments; at the last level a body object (or an array of
   * bodies), each made into a block by `make`.
   */
  private walkLabels(
    type: string,
    prop: JsonNode,
    node: JsonNode,
    nLabels: number,
    labels: string[],
    labelRanges: SourceRange[],
    out: HclBlock[],
    keyedBy: (depth: number) => string,
    make: (labels: string[], labelRanges: SourceRange[], holder: JsonNode, body: JsonNode, range: SourceRange, header: SourceRange) => HclBlock,
  ): void {
    if (labels.length === nLabels) {
      if (node.type === 'object') out.push(make(labels, labelRanges, prop, node, this.range(prop), this.lines.range(prop.offset, node.offset + 1)));
      else if (node.type === 'array' && (node.children ?? []).every((c) => c.type === 'object')) {
        for (const el of node.children ?? []) out.push(make(labels, labelRanges, el, el, this.range(el), this.firstLine(el)));
      } else this.problem(`${[type, ...labels].join(' ')}: expected an object (or an array of objects) for the block body, found ${this.kindOf(node)}`, node);
      return;
    }
    if (node.type === 'array') {
      for (const el of node.children ?? []) this.walkLabels(type, prop, el, nLabels, labels, labelRanges, out, keyedBy, make);
      return;
    }
    if (node.type !== 'object') {
      this.problem(`${[type, ...labels].join(' ')}: expected an object keyed by ${keyedBy(labels.length)}, found ${this.kindOf(node)}`, node);
      return;
    }
    for (const p of node.children ?? []) {
      const [k, v] = p.children ?? [];
      if (!k || !v) continue;
      const key = String(k.value);
      if (key === '//') {
        this.comment(v, this.range(labels.length ? prop : node));
        continue;
      }
      this.walkLabels(type, p, v, nLabels, [...labels, key], [...labelRanges, this.range(k)], out, keyedBy, make);
    }
  }

  private kindOf(n: JsonNode): string {
    return n.type === 'array' ? 'an array' : n.type === 'object' ? 'an object' : n.type === 'null' ? 'null' : `a ${n.type}`;
  }

  /** A top-level block (its body read only when the filter wants it, as the HCL parser does). */
  private block(type: string, labels: string[], labelRanges: SourceRange[], holder: JsonNode, body: JsonNode, range: SourceRange, headerRange: SourceRange): HclBlock {
    const b: HclBlock = { type, labels, labelRanges, range, headerRange, attrs: [], blocks: [], hasError: this.hasErrorIn(holder.offset, holder.offset + holder.length) };
    if (!this.filter(type, labels)) return b;
    const ctx = type === 'resource' || type === 'data' ? `${type}:${labels[0] ?? ''}` : type;
    // Variable defaults are literal JSON: Terraform reads them without an evaluation context.
    const literal = new Set(type === 'variable' ? ['default'] : []);
    this.body(body, ctx, range, b.attrs, b.blocks, literal);
    return b;
  }

  /** A body object's properties: comments, nested blocks, attributes. */
  body(obj: JsonNode, context: string, scope: SourceRange, attrs: HclAttr[], blocks: HclBlock[], literal: Set<string>): void {
    const seen = new Set<string>();
    for (const p of obj.children ?? []) {
      const [k, v] = p.children ?? [];
      if (!k || !v) continue;
      const key = String(k.value);
      if (key === '//') {
        this.comment(v, scope);
        continue;
      }
      const n = nestedLabels(context, key);
      if (n !== undefined && (v.type === 'object' || (v.type === 'array' && (v.children ?? []).length > 0 && (v.children ?? []).every((c) => c.type === 'object')))) {
        this.nested(key, p, v, n, childContext(context, key, []), blocks);
        continue;
      }
      if (seen.has(key)) this.problem(`duplicate argument '${key}' (Terraform rejects it; the first one is read)`, k);
      seen.add(key);
      const val = context.startsWith('dynamic:') && key === 'iterator' && v.type === 'string' ? this.traversal(v) : this.value(v, literal.has(key) ? 'literal' : 'template');
      attrs.push({ name: key, nameRange: this.range(k), val, range: this.range(p) });
    }
  }

  /** A nested block (possibly labelled, e.g. `dynamic` → `ingress`), in object or array form. */
  private nested(type: string, prop: JsonNode, v: JsonNode, nLabels: number, context: string, out: HclBlock[]): void {
    if (nLabels === 0) {
      const make = (holder: JsonNode, body: JsonNode, range: SourceRange, header: SourceRange): HclBlock => {
        const b: HclBlock = { type, labels: [], labelRanges: [], range, headerRange: header, attrs: [], blocks: [], hasError: this.hasErrorIn(holder.offset, holder.offset + holder.length) };
        this.body(body, context, range, b.attrs, b.blocks, new Set());
        return b;
      };
      if (v.type === 'object') out.push(make(prop, v, this.range(prop), this.lines.range(prop.offset, v.offset + 1)));
      else for (const el of v.children ?? []) out.push(make(el, el, this.range(el), this.firstLine(el)));
      return;
    }
    this.labelled(type, prop, v, nLabels, [], [], out);
  }

  /** Labelled nested blocks: like `blocks`, with each body's context taken from its labels. */
  private labelled(type: string, prop: JsonNode, node: JsonNode, nLabels: number, labels: string[], labelRanges: SourceRange[], out: HclBlock[]): void {
    this.walkLabels(type, prop, node, nLabels, labels, labelRanges, out, () => 'label', (ls, lrs, holder, body, range, header) => {
      const b: HclBlock = { type, labels: ls, labelRanges: lrs, range, headerRange: header, attrs: [], blocks: [], hasError: this.hasErrorIn(holder.offset, holder.offset + holder.length) };
      this.body(body, childContext('', type, ls), range, b.attrs, b.blocks, new Set());
      return b;
    });
  }


  // --- values ------------------------------------------------------------------------------

  value(n: JsonNode, mode: Mode): Val {
    const r = this.range(n);
    switch (n.type) {
      case 'string':
        return mode === 'literal' ? { k: 'str', v: String(n.value), r } : this.template(n, r);
      case 'number':
        return { k: 'num', v: Number(n.value), r };
      case 'boolean':
        return { k: 'bool', v: Boolean(n.value), r };
      case 'null':
        return { k: 'null', r };
      case 'array':
        return { k: 'list', items: (n.children ?? []).map((c) => this.value(c, mode)), r };
      case 'object': {
        const entries: ObjEntry[] = [];
        for (const p of n.children ?? []) {
          const [k, v] = p.children ?? [];
          if (!k || !v) continue;
          entries.push({ key: String(k.value), keyRange: this.range(k), val: this.value(v, mode) });
        }
        return { k: 'obj', entries, r };
      }
      default:
        return { k: 'unknown', text: this.src.slice(n.offset, n.offset + n.length), r, why: 'not a JSON value' };
    }
  }

  /** A string holding a bare traversal (`"iterator": "rule"`). */
  private traversal(n: JsonNode): Val {
    const s = String(n.value).trim();
    const r = this.range(n);
    if (/^[A-Za-z_][\w-]*$/.test(s)) return { k: 'ref', path: [s], text: s, r };
    return { k: 'unknown', text: s, r, why: `'${s}' is not a name` };
  }

  /**
   * A JSON string as a Terraform template. `map[i]` is the file offset of the decoded string's
   * i-th UTF-16 unit (escapes make the two differ); built only when the string has `${` or `%{`.
   */
  private template(n: JsonNode, r: SourceRange): Val {
    const s = String(n.value);
    if (!s.includes('{')) return { k: 'str', v: s, r };
    if (!s.includes('${') && !s.includes('%{')) return { k: 'str', v: s, r };
    const map = this.offsetMap(n, s);
    const parts: Val[] = [];
    let lit = '';
    let litStart = 0;
    const flush = (end: number): void => {
      if (lit) parts.push({ k: 'str', v: lit, r: this.lines.range(map[litStart], map[end]) });
      lit = '';
    };
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      if ((c === '$' || c === '%') && s[i + 1] === c && s[i + 2] === '{') {
        if (!lit) litStart = i;
        lit += `${c}{`;
        i += 3;
        continue;
      }
      if ((c === '$' || c === '%') && s[i + 1] === '{') {
        const close = closeOf(s, i + 2);
        const text = this.src.slice(n.offset, n.offset + n.length);
        if (close < 0) {
          this.problem(`unterminated ${c}{ in a template string`, n);
          return { k: 'unknown', text, r, why: `unterminated ${c}{ in a template` };
        }
        let a = i + 2;
        let b = close;
        if (s[a] === '~') {
          a++;
          lit = lit.trimEnd();
        }
        if (s[b - 1] === '~' && b - 1 >= a) b--;
        flush(i);
        if (c === '%') parts.push({ k: 'unknown', text: s.slice(i, close + 1), r: this.lines.range(map[i], map[close + 1]), why: 'template directives (%{ }) are not evaluated statically' });
        else parts.push(this.expr(s, a, b, map, n));
        i = close + 1;
        if (s[close - 1] === '~') while (i < s.length && /\s/.test(s[i])) i++;
        litStart = i;
        continue;
      }
      if (!lit) litStart = i;
      lit += c;
      i++;
    }
    flush(s.length);
    if (parts.length === 0) return { k: 'str', v: '', r };
    if (parts.every((p) => p.k === 'str')) return { k: 'str', v: parts.map((p) => (p.k === 'str' ? p.v : '')).join(''), r };
    // "${var.x}" on its own is the expression itself (its value keeps its type), as in HCL.
    if (parts.length === 1) return { ...parts[0], r };
    return { k: 'tpl', parts, text: this.src.slice(n.offset, n.offset + n.length), r };
  }

  private offsetMap(n: JsonNode, decoded: string): number[] {
    const rawStart = n.offset + 1;
    const rawEnd = n.offset + n.length - 1;
    const map = new Array<number>(decoded.length + 1);
    let j = rawStart;
    for (let i = 0; i < decoded.length; i++) {
      map[i] = j;
      if (this.src.charCodeAt(j) === 92 /* \ */) j += this.src[j + 1] === 'u' ? 6 : 2;
      else j++;
    }
    map[decoded.length] = Math.min(j, rawEnd);
    return map;
  }

  /** The expression s[a, b) of an interpolation, with ranges in the file. */
  private expr(s: string, a: number, b: number, map: number[], str: JsonNode): Val {
    const start = map[a];
    const end = map[b];
    // No escapes in between: the file's own text is the expression, read in place.
    if (end - start === b - a) {
      const v = fastExpr(this.src, start, end, this.lines);
      if (v) return v;
    }
    const code = s.slice(a, b);
    const at = this.lines.range(map[a], map[b]);
    if (!code.trim()) {
      this.problem('empty ${} in a template string', str);
      return { k: 'unknown', text: code, r: at, why: 'an empty interpolation' };
    }
    if (!isTerraformReady()) return { k: 'unknown', text: code.trim(), r: at, why: 'the Terraform expression parser is not loaded (initIac)' };
    // Anything else through the HCL parser, as the attribute `x = <code>`, ranges moved back here.
    const PREFIX = 'x = ';
    const synthetic = `${PREFIX}${code}\n`;
    const parsed = parseTerraform(synthetic);
    const attr = parsed.attrs[0];
    if (!attr || parsed.problems.length || parsed.blocks.length || parsed.attrs.length !== 1) {
      this.problem(`'${code.trim()}' is not a valid Terraform expression`, str);
      return { k: 'unknown', text: code.trim(), r: at, why: 'not a valid Terraform expression' };
    }
    const syn = new LineIndex(synthetic);
    const move = (x: SourceRange): SourceRange => {
      const o1 = Math.min(Math.max(syn.offset(x.start) - PREFIX.length, 0), code.length);
      const o2 = Math.min(Math.max(syn.offset(x.end) - PREFIX.length, 0), code.length);
      return this.lines.range(map[a + o1], map[a + o2]);
    };
    return moveVal(attr.val, move);
  }
}

/** Where the `}` closing an interpolation or directive opened before `i` is (strings and nested braces skipped); -1 if none. */
function closeOf(s: string, i: number): number {
  let depth = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      i = skipString(s, i + 1);
      if (i < 0) return -1;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
    i++;
  }
  return -1;
}

function skipString(s: string, i: number): number {
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else if ((c === '$' || c === '%') && s[i + 1] === '{' && s[i - 1] !== c) {
      const close = closeOf(s, i + 2);
      if (close < 0) return -1;
      i = close + 1;
    } else i++;
  }
  return -1;
}

function moveVal(v: Val, move: (r: SourceRange) => SourceRange): Val {
  const r = move(v.r);
  switch (v.k) {
    case 'list':
      return { k: 'list', items: v.items.map((i) => moveVal(i, move)), r };
    case 'obj':
      return { k: 'obj', entries: v.entries.map((e) => ({ key: e.key, keyRange: move(e.keyRange), val: moveVal(e.val, move) })), r };
    case 'fn':
      return { ...v, args: v.args.map((a) => moveVal(a, move)), r };
    case 'tpl':
      return { ...v, parts: v.parts.map((p) => moveVal(p, move)), r };
    default:
      return { ...v, r };
  }
}

/** `CommaExpected` → `JSON syntax error: comma expected`; comments get a hint (Terraform JSON has none). */
function syntaxMessage(e: ParseError): string {
  const code = printParseErrorCode(e.error);
  const words = code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  if (code === 'InvalidCommentToken' || code === 'UnexpectedEndOfComment') return `JSON syntax error: ${words} (Terraform JSON has no comments; write a "//" property instead)`;
  return `JSON syntax error: ${words}`;
}

export interface TerraformJsonOptions {
  /** A `.tfvars.json` file: top-level properties are variable values (literal JSON). Default false (a `.tf.json`). */
  tfvars?: boolean;
  /** Which top-level blocks are read in full (default: the HCL parser's). */
  filter?: BlockFilter;
}

/**
 * Parses a `.tf.json` (or, with `tfvars`, a `.tfvars.json`) text into the HCL parser's IR.
 * Never throws; syntax errors and shapes Terraform would reject are problems with their range.
 */
export function parseTerraformJson(text: string, opts: TerraformJsonOptions = {}): TfJsonFile {
  try {
    return parseTerraformJsonDeep(text, opts);
  } catch (err) {
    // Thousands of nested arrays/objects exhaust the stack in the (recursive) parser: a problem, not a crash.
    if (!(err instanceof RangeError)) throw err;
    const low = new JsonLowering(text, [], opts.filter ?? defaultBlockFilter);
    return { syntax: 'json', blocks: [], attrs: [], comments: [], problems: [{ message: `JSON nested too deeply to read (${err.message})`, range: low.lines.range(0, 0) }], ignores: [] };
  }
}

function parseTerraformJsonDeep(text: string, opts: TerraformJsonOptions): TfJsonFile {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  const low = new JsonLowering(text, errors, opts.filter ?? defaultBlockFilter);
  for (const e of errors.slice(0, 20)) low.problems.push({ message: syntaxMessage(e), range: low.lines.range(e.offset, e.offset + e.length) });
  const out: TfJsonFile = { syntax: 'json', blocks: [], attrs: [], comments: [], problems: low.problems, ignores: low.ignores };
  if (!tree) return out;
  if (tree.type !== 'object') {
    low.problem(`a Terraform JSON file holds one object at the top level, found ${tree.type === 'array' ? 'an array' : `a ${tree.type}`}`, tree);
    return out;
  }
  const whole = low.range(tree);
  if (opts.tfvars) {
    for (const p of tree.children ?? []) {
      const [k, v] = p.children ?? [];
      if (!k || !v || k.value === '//') continue;
      out.attrs.push({ name: String(k.value), nameRange: low.range(k), val: low.value(v, 'literal'), range: low.range(p) });
    }
    return out;
  }
  for (const p of tree.children ?? []) {
    const [k, v] = p.children ?? [];
    if (!k || !v) continue;
    const key = String(k.value);
    if (key === '//') {
      low.comment(v, whole);
      continue;
    }
    const n = TOP_LABELS[key];
    if (n === undefined) {
      low.problem(`'${key}' is not a Terraform block type (expected resource, data, module, variable, locals, output, provider or terraform)`, k);
      continue;
    }
    if (key === 'locals') {
      // locals: one body or an array of bodies, each property a local value.
      const bodies = v.type === 'array' ? (v.children ?? []) : [v];
      for (const body of bodies) {
        if (body.type !== 'object') {
          low.problem(`locals: expected an object (or an array of objects), found ${body.type}`, body);
          continue;
        }
        const range = v.type === 'array' ? low.range(body) : low.range(p);
        const b: HclBlock = { type: 'locals', labels: [], labelRanges: [], range, headerRange: v.type === 'array' ? low.range({ offset: body.offset, length: 1 }) : low.lines.range(p.offset, body.offset + 1), attrs: [], blocks: [], hasError: false };
        low.body(body, 'locals', range, b.attrs, b.blocks, new Set());
        out.blocks.push(b);
      }
      continue;
    }
    low.blocks(key, p, v, n, [], [], out.blocks);
  }
  return out;
}
