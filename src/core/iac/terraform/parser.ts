/**
 * Terraform (HCL) syntax: web-tree-sitter with the tree-sitter-terraform grammar, lowered into a
 * small block/attribute IR with 0-based ranges. Error-tolerant (tree-sitter recovers; complete
 * blocks survive a half-typed one) and incremental (`TerraformDocument.update` applies an edit to
 * the old tree and reparses only what changed). The only IO is loading the .wasm files once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, type Edit, type Node, type Tree, type TreeCursor } from 'web-tree-sitter';
import type { SourceRange } from '../../model/flows';
import { LineIndex, type ObjEntry, type Val } from '../value';
import { fastExpr, MAX_NESTING } from './fastexpr';
import { maskForParse } from './mask';

export interface HclAttr {
  name: string;
  nameRange: SourceRange;
  val: Val;
  range: SourceRange;
}

export interface HclBlock {
  type: string;
  labels: string[];
  labelRanges: SourceRange[];
  /** The whole block, from its type keyword to the closing brace. */
  range: SourceRange;
  /** From the type keyword to the opening brace (one line, for code lenses). */
  headerRange: SourceRange;
  attrs: HclAttr[];
  blocks: HclBlock[];
  /** True when tree-sitter had to recover inside the block (half-typed). */
  hasError: boolean;
}

export interface HclComment {
  text: string;
  range: SourceRange;
}

export interface HclProblem {
  message: string;
  range: SourceRange;
}

export interface HclFile {
  blocks: HclBlock[];
  /** Top-level attributes (a .tfvars file). */
  attrs: HclAttr[];
  comments: HclComment[];
  problems: HclProblem[];
}

export interface IacInitOptions {
  /** Folder holding tree-sitter.wasm and tree-sitter-terraform.wasm (default: found automatically). */
  wasmDir?: string;
}

let ready: Promise<Language> | null = null;
let language: Language | null = null;
let sharedParser: Parser | null = null;

function candidateDirs(opts: IacInitOptions): { runtime: string; grammar: string }[] {
  const out: { runtime: string; grammar: string }[] = [];
  if (opts.wasmDir) out.push({ runtime: opts.wasmDir, grammar: opts.wasmDir });
  // Bundled: dist/extension.js or dist/cli.js with dist/wasm/ beside them.
  if (typeof __dirname === 'string') out.push({ runtime: path.join(__dirname, 'wasm'), grammar: path.join(__dirname, 'wasm') });
  // Development (tsx, unbundled): straight from node_modules.
  try {
    const runtime = path.dirname(require.resolve('web-tree-sitter/tree-sitter.wasm'));
    const grammar = path.dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json'));
    out.push({ runtime, grammar });
  } catch {
    // not resolvable in a bundle without node_modules
  }
  return out;
}

/**
 * Loads the tree-sitter runtime and the Terraform grammar once. Every other Terraform function
 * needs it; calling it again returns the same promise. Rejects (with the folders tried) only when
 * the .wasm files cannot be found.
 */
export function initTerraform(opts: IacInitOptions = {}): Promise<Language> {
  if (ready) return ready;
  ready = (async () => {
    const dirs = candidateDirs(opts);
    const found = dirs.find(
      (d) => fs.existsSync(path.join(d.runtime, 'tree-sitter.wasm')) && fs.existsSync(path.join(d.grammar, 'tree-sitter-terraform.wasm')),
    );
    if (!found) {
      throw new Error(`tree-sitter wasm files not found; looked in ${dirs.map((d) => d.runtime).join(', ')}`);
    }
    await Parser.init({ locateFile: (name: string) => path.join(found.runtime, name) });
    language = await Language.load(path.join(found.grammar, 'tree-sitter-terraform.wasm'));
    return language;
  })();
  ready.catch(() => {
    ready = null;
  });
  return ready;
}

export function isTerraformReady(): boolean {
  return language !== null;
}

function parser(): Parser {
  if (!language) throw new Error('initIac() (or initTerraform()) must be awaited before parsing Terraform');
  if (!sharedParser) {
    sharedParser = new Parser();
    sharedParser.setLanguage(language);
  }
  return sharedParser;
}

// ---------------------------------------------------------------------------------------------
// Lowering the tree into the IR

function rng(n: Node): SourceRange {
  const s = n.startPosition;
  const e = n.endPosition;
  return { start: { line: s.row, column: s.column }, end: { line: e.row, column: e.column } };
}

// Children come as one array per node: since tree-sitter 0.24 `nextSibling` walks down from the
// parent each time, so sibling-by-sibling iteration is quadratic on long bodies.
function kids(n: Node): Node[] {
  return n.children as Node[];
}

function namedKids(n: Node): Node[] {
  return n.namedChildren as Node[];
}

/** Children other than comments: a comment between the parts of an expression changes nothing. */
function exprKids(n: Node): Node[] {
  const out = kids(n);
  return out.some((c) => c.type === 'comment') ? out.filter((c) => c.type !== 'comment') : out;
}

/** The first named child that is not a comment. */
function firstNamed(n: Node | null | undefined): Node | null {
  if (!n) return null;
  const c = n.firstNamedChild;
  if (!c || c.type !== 'comment') return c;
  return namedKids(n).find((x) => x.type !== 'comment') ?? null;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

function unescapeHcl(s: string): string {
  if (!s.includes('\\') && !s.includes('$${') && !s.includes('%%{')) return s;
  return s
    .replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (m, c: string) =>
      c.length > 1 ? String.fromCodePoint(parseInt(c.slice(1), 16)) : (ESCAPES[c] ?? m),
    )
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}

function unknown(n: Node): Val {
  return { k: 'unknown', text: n.text, r: rng(n) };
}

/** Template pieces: literal text and interpolated expressions. */
function templateParts(n: Node): Val[] {
  const parts: Val[] = [];
  for (const c of kids(n)) {
    if (c.type === 'template_literal') parts.push({ k: 'str', v: unescapeHcl(c.text), r: rng(c) });
    else if (c.type === 'template_interpolation') {
      const e = namedKids(c).find((x) => x.type === 'expression');
      parts.push(e ? lowerExpr(e) : unknown(c));
    } else if (c.type === 'template_directive' || c.type === 'ERROR') parts.push(unknown(c));
  }
  return parts;
}

function lowerTemplate(n: Node, r: SourceRange): Val {
  if (n.hasError) return { k: 'unknown', text: n.text, r };
  const parts = templateParts(n);
  if (parts.length === 0) return { k: 'str', v: '', r };
  if (parts.every((p) => p.k === 'str')) return { k: 'str', v: parts.map((p) => (p.k === 'str' ? p.v : '')).join(''), r };
  // "${var.x}" on its own is the expression itself.
  if (parts.length === 1) return { ...parts[0], r };
  return { k: 'tpl', parts, text: n.text, r };
}

function lowerStringLit(n: Node): Val {
  const r = rng(n);
  if (n.hasError) return { k: 'unknown', text: n.text, r };
  let v = '';
  for (const c of kids(n)) if (c.type === 'template_literal') v += unescapeHcl(c.text);
  return { k: 'str', v, r };
}

function lowerLiteral(n: Node): Val {
  const c = n.firstChild;
  const r = rng(n);
  if (!c) return unknown(n);
  switch (c.type) {
    case 'numeric_lit':
      return { k: 'num', v: Number(c.text), r };
    case 'bool_lit':
      return { k: 'bool', v: c.text === 'true', r };
    case 'null_lit':
      return { k: 'null', r };
    case 'string_lit':
      return lowerStringLit(c);
    default:
      return unknown(n);
  }
}

function lowerCollection(n: Node): Val {
  const c = n.firstNamedChild;
  const r = rng(n);
  if (!c) return unknown(n);
  if (c.type === 'tuple') {
    const items: Val[] = [];
    for (const e of namedKids(c)) if (e.type === 'expression') items.push(lowerExpr(e));
    return { k: 'list', items, r };
  }
  if (c.type === 'object') {
    const entries: ObjEntry[] = [];
    for (const e of namedKids(c)) {
      if (e.type !== 'object_elem') continue;
      const keyNode = e.childForFieldName('key');
      const valNode = e.childForFieldName('val');
      if (!keyNode || !valNode) continue;
      const kv = lowerExpr(keyNode);
      let key: string | null = null;
      if (kv.k === 'str') key = kv.v;
      else if (kv.k === 'ref' && kv.path.length === 1) key = String(kv.path[0]);
      if (key === null) continue;
      entries.push({ key, keyRange: rng(keyNode), val: lowerExpr(valNode) });
    }
    return { k: 'obj', entries, r };
  }
  return unknown(n);
}

/** The text being lowered, for the fast path (set by lowerTree). */
let current: { src: string; lines: LineIndex } | null = null;

// Lowering state of the file being lowered (reset by lowerTree).
/** How many lowerExpr calls enclose the current one. */
let exprDepth = 0;
/** Where the first value or block nested more than MAX_NESTING levels deep was left unread. */
let tooDeep: SourceRange | null = null;
/** A block node starts with `"` in the real text: a label masked as a name was read as a block type (parseMasked). */
let quotedBlockType = false;

/**
 * An `expression` node: its first child is the head, following siblings are traversal steps.
 * Deeper than MAX_NESTING levels of values: 'unknown', and lowerTree reports a problem.
 */
export function lowerExpr(n: Node): Val {
  if (n.hasError || n.isMissing) return unknown(n);
  if (exprDepth >= MAX_NESTING) {
    tooDeep ??= rng(n);
    return unknown(n);
  }
  exprDepth++;
  const v = lowerExprAt(n);
  exprDepth--;
  return v;
}

function lowerExprAt(n: Node): Val {
  if (current) {
    // (no deeper than the levels left: the fast path nests too)
    const fast = fastExpr(current.src, n.startIndex, n.endIndex, current.lines, MAX_NESTING - exprDepth + 1);
    if (fast) return fast;
  }
  const r = rng(n);
  const parts = exprKids(n);
  if (parts.length === 0) return unknown(n);
  const head = parts[0];
  if (parts.length === 1) {
    switch (head.type) {
      case 'literal_value':
        return lowerLiteral(head);
      case 'collection_value':
        return lowerCollection(head);
      case 'template_expr': {
        const t = firstNamed(head);
        if (t && t.type === 'quoted_template') return lowerTemplate(t, r);
        if (t && t.type === 'heredoc_template') {
          const body = namedKids(t).filter((x) => x.type === 'template_literal' || x.type === 'template_interpolation');
          if (body.every((x) => x.type === 'template_literal')) return { k: 'str', v: body.map((x) => x.text).join(''), r };
        }
        return unknown(n);
      }
      case 'function_call': {
        const name = firstNamed(head)?.text ?? '';
        const argsNode = namedKids(head).find((x) => x.type === 'function_arguments');
        const args = argsNode ? namedKids(argsNode).filter((x) => x.type === 'expression').map(lowerExpr) : [];
        return { k: 'fn', name, args, text: n.text, r };
      }
      case 'expression':
        return lowerExpr(head);
      case 'conditional': {
        // `c ? a : b` → fn '?:' [c, a, b]; resolve picks a branch when c is static, the extractor offers both otherwise.
        const es = namedKids(head).filter((x) => x.type === 'expression');
        if (es.length !== 3) return unknown(n);
        return { k: 'fn', name: '?:', args: es.map(lowerExpr), text: n.text, r };
      }
      default:
        break;
    }
  }
  if (head.type === 'variable_expr') {
    const path: (string | number)[] = [head.text];
    for (const step of parts.slice(1)) {
      if (step.type === 'get_attr') {
        const id = firstNamed(step);
        if (!id) return unknown(n);
        path.push(id.text);
      } else if (step.type === 'index') {
        const inner = firstNamed(step);
        if (inner?.type === 'legacy_index') {
          path.push(Number(inner.text.replace(/^\./, '')));
          continue;
        }
        const e = firstNamed(inner);
        if (!e || e.type !== 'expression') return unknown(n);
        const iv = lowerExpr(e);
        if (iv.k === 'num') path.push(iv.v);
        else if (iv.k === 'str') path.push(iv.v);
        else return unknown(n);
      } else {
        return unknown(n); // splat, etc.
      }
    }
    return { k: 'ref', path, text: n.text, r };
  }
  if (head.type === 'operation') {
    // Unary minus on a number (from_port = -1).
    const u = firstNamed(head);
    if (u?.type === 'unary_operation' && u.text.startsWith('-')) {
      const lit = firstNamed(u);
      // (not a string masked as a number for the parse: mask.ts)
      if (lit?.type === 'literal_value' && lit.firstChild?.type === 'numeric_lit' && current?.src.charCodeAt(lit.startIndex) !== 34) return { k: 'num', v: -Number(lit.firstChild.text), r };
    }
  }
  return unknown(n);
}

function lowerAttr(c: Node): HclAttr | null {
  const parts = namedKids(c);
  const id = parts[0];
  if (!id || id.type !== 'identifier') return null;
  let e: Node | null = null;
  for (const x of parts) if (x.type === 'expression') e = x;
  return { name: id.text, nameRange: rng(id), val: e ? lowerExpr(e) : unknown(c), range: rng(c) };
}

function lowerBody(body: Node | null, attrs: HclAttr[], blocks: HclBlock[], depth: number): void {
  if (!body) return;
  for (const c of namedKids(body)) {
    if (c.type === 'attribute') {
      const a = lowerAttr(c);
      if (a) attrs.push(a);
    } else if (c.type === 'block') {
      if (depth + 1 >= MAX_NESTING) tooDeep ??= rng(c);
      else blocks.push(lowerBlock(c, true, depth + 1));
    }
  }
}

/** `deep` false: only the header (for blocks the extractors never read). `depth`: how many blocks enclose it. */
export function lowerBlock(n: Node, deep: boolean, depth = 0): HclBlock {
  if (current?.src.charCodeAt(n.startIndex) === 34) quotedBlockType = true;
  let type = '';
  const labels: string[] = [];
  const labelRanges: SourceRange[] = [];
  let bodyNode: Node | null = null;
  let headerEnd = n.endPosition;
  for (const c of kids(n)) {
    if (c.type === 'identifier' && !type) type = c.text;
    else if (c.type === 'string_lit' || (c.type === 'identifier' && c.text.startsWith('"'))) {
      // (an identifier starting with `"` is a string label masked for the parse: mask.ts)
      const v = c.type === 'string_lit' ? lowerStringLit(c) : (fastExpr(c.text, 0, c.text.length, new LineIndex(c.text)) ?? unknown(c));
      labels.push(v.k === 'str' ? v.v : c.text);
      labelRanges.push(rng(c));
    } else if (c.type === 'identifier') {
      labels.push(c.text);
      labelRanges.push(rng(c));
    } else if (c.type === 'block_start') headerEnd = c.endPosition;
    else if (c.type === 'body') bodyNode = c;
  }
  const s = n.startPosition;
  const block: HclBlock = {
    type,
    labels,
    labelRanges,
    range: rng(n),
    headerRange: { start: { line: s.row, column: s.column }, end: { line: headerEnd.row, column: headerEnd.column } },
    attrs: [],
    blocks: [],
    hasError: n.hasError,
  };
  if (deep) lowerBody(bodyNode, block.attrs, block.blocks, depth);
  return block;
}

const TOP_LEVEL = new Set(['resource', 'data', 'module', 'variable', 'locals', 'output', 'provider', 'terraform']);

/**
 * Error recovery can nest the blocks after a half-typed one inside it (the missing `}`): such
 * nested `resource`/`module`/… blocks with their labels are taken out and returned as top-level.
 */
function hoistSwallowed(b: HclBlock): HclBlock[] {
  const out: HclBlock[] = [];
  const keep: HclBlock[] = [];
  for (const n of b.blocks) {
    const minLabels = n.type === 'resource' || n.type === 'data' ? 2 : n.type === 'locals' || n.type === 'terraform' ? 0 : 1;
    if (TOP_LEVEL.has(n.type) && n.labels.length >= minLabels && (b.type !== 'terraform' || n.type !== 'provider')) out.push(n, ...hoistSwallowed(n));
    else {
      keep.push(n);
      out.push(...hoistSwallowed(n));
    }
  }
  b.blocks = keep;
  return out;
}

/** Which top-level blocks the extractors read in full; the others keep only their header. */
export type BlockFilter = (type: string, labels: string[]) => boolean;

const RELEVANT_RESOURCES = /^aws_(security_group|default_security_group|security_group_rule|vpc_security_group_(ingress|egress)_rule|vpc|default_vpc|subnet|nat_gateway|route|route_table|default_route_table|route_table_association|vpc_endpoint|vpc_endpoint_route_table_association|internet_gateway|vpc_ipv4_cidr_block_association)$/;

export const defaultBlockFilter: BlockFilter = (type, labels) =>
  type === 'variable' || type === 'locals' || type === 'module' || (type === 'resource' && RELEVANT_RESOURCES.test(labels[0] ?? ''));

function collectProblems(root: Node, out: HclProblem[], limit = 20): void {
  if (!root.hasError) return;
  // Depth first, in text order, with a stack of nodes still to visit (trees can nest deeper than the JS stack).
  const todo: Node[] = [root];
  while (todo.length && out.length < limit) {
    const n = todo.pop()!;
    if (n.isMissing) {
      out.push({ message: `syntax error: missing ${n.type === '}' || n.type === 'block_end' ? "'}'" : n.type}`, range: rng(n) });
    } else if (n.isError) {
      const first = n.text.split('\n')[0].slice(0, 40);
      out.push({ message: `syntax error near '${first}'`, range: rng(n) });
    } else if (n.hasError) {
      const ks = kids(n);
      for (let k = ks.length - 1; k >= 0; k--) todo.push(ks[k]);
    }
  }
}

/**
 * Lowered top-level blocks of the previous version of a document, keyed by their text: a block
 * whose text did not change is reused (its ranges shifted when lines were inserted above it).
 */
export class BlockCache {
  prev = new Map<string, CachedBlock>();
  next = new Map<string, CachedBlock>();
  reused = 0;
  rotate(): void {
    this.prev = this.next;
    this.next = new Map();
  }
  /** Call before lowering a new version. */
  begin(): void {
    this.reused = 0;
    this.next = new Map();
  }
}

interface CachedBlock {
  block: HclBlock;
  comments: HclComment[];
  line: number;
  column: number;
}

function shiftRange(r: SourceRange, d: number): SourceRange {
  return { start: { line: r.start.line + d, column: r.start.column }, end: { line: r.end.line + d, column: r.end.column } };
}

function shiftVal(v: Val, d: number): Val {
  const r = shiftRange(v.r, d);
  switch (v.k) {
    case 'list':
      return { k: 'list', items: v.items.map((i) => shiftVal(i, d)), r };
    case 'obj':
      return { k: 'obj', entries: v.entries.map((e) => ({ key: e.key, keyRange: shiftRange(e.keyRange, d), val: shiftVal(e.val, d) })), r };
    case 'fn':
      return { ...v, args: v.args.map((a) => shiftVal(a, d)), r };
    case 'tpl':
      return { ...v, parts: v.parts.map((p) => shiftVal(p, d)), r };
    default:
      return { ...v, r };
  }
}

function shiftBlock(b: HclBlock, d: number): HclBlock {
  return {
    type: b.type,
    labels: b.labels,
    labelRanges: b.labelRanges.map((r) => shiftRange(r, d)),
    range: shiftRange(b.range, d),
    headerRange: shiftRange(b.headerRange, d),
    attrs: b.attrs.map((a) => ({ name: a.name, nameRange: shiftRange(a.nameRange, d), val: shiftVal(a.val, d), range: shiftRange(a.range, d) })),
    blocks: b.blocks.map((x) => shiftBlock(x, d)),
    hasError: b.hasError,
  };
}

export function lowerTree(tree: Tree, filter: BlockFilter = defaultBlockFilter, text?: string, cache?: BlockCache): HclFile {
  const root = tree.rootNode;
  const src = text ?? root.text;
  current = { src, lines: new LineIndex(src) };
  exprDepth = 0;
  tooDeep = null;
  quotedBlockType = false;
  try {
    // Walked with a cursor (no per-node objects). When the tree has errors, each top-level block
    // is checked and a block containing errors goes through the node-by-node path instead,
    // which turns every expression with an error into 'unknown'.
    cache?.begin();
    const cursor = tree.walk();
    try {
      const file = lowerWithCursor(cursor, filter, current, root.hasError, cache);
      collectProblems(root, file.problems);
      if (tooDeep) file.problems.push({ message: `nested more than ${MAX_NESTING} levels deep: not read`, range: tooDeep });
      cache?.rotate();
      return file;
    } finally {
      cursor.delete();
    }
  } finally {
    current = null;
  }
}

function lowerWithCursor(c: TreeCursor, filter: BlockFilter, cur: { src: string; lines: LineIndex }, hasErrors: boolean, cache?: BlockCache): HclFile {
  const file: HclFile = { blocks: [], attrs: [], comments: [], problems: [] };
  const { src, lines } = cur;
  const text = (): string => src.slice(c.startIndex, c.endIndex);
  const range = (): SourceRange => lines.range(c.startIndex, c.endIndex);
  /** The comment at the cursor, unless it is blanks masked as a comment for the parse (mask.ts). */
  const comment = (): void => {
    const s = c.startIndex;
    const ch = src.charCodeAt(s);
    if (ch === 35 || ch === 47) file.comments.push({ text: src.slice(s, c.endIndex), range: lines.range(s, c.endIndex) });
  };
  const expr = (): Val => fastExpr(src, c.startIndex, c.endIndex, lines) ?? lowerExpr(c.currentNode);
  const attribute = (): HclAttr | null => {
    const r = range();
    if (!c.gotoFirstChild()) return null;
    let name = '';
    let nameRange = r;
    let val: Val | null = null;
    do {
      const t = c.nodeType;
      if (t === 'identifier' && !name) {
        name = text();
        nameRange = range();
      } else if (t === 'expression') val = expr();
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (!name) return null;
    return { name, nameRange, val: val ?? { k: 'unknown', text: '', r }, range: r };
  };
  // `name = expr` read from the text: the attribute node spans exactly that (no cursor steps).
  const NAME = /[A-Za-z_][\w-]*/y;
  const attributeFromText = (start: number, end: number): HclAttr | null => {
    // test + lastIndex rather than exec: no match array per attribute.
    NAME.lastIndex = start;
    if (!NAME.test(src)) return null;
    const nameEnd = NAME.lastIndex;
    let i = nameEnd;
    while (i < end && (src.charCodeAt(i) === 32 || src.charCodeAt(i) === 9)) i++;
    if (src.charCodeAt(i) !== 61 || src.charCodeAt(i + 1) === 61) return null;
    i++;
    while (i < end && (src.charCodeAt(i) === 32 || src.charCodeAt(i) === 9)) i++;
    const val = fastExpr(src, i, end, lines);
    if (!val) return null;
    return { name: src.slice(start, nameEnd), nameRange: lines.range(start, nameEnd), val, range: lines.range(start, end) };
  };
  const body = (attrs: HclAttr[], blocks: HclBlock[] | null, depth: number): void => {
    if (!c.gotoFirstChild()) return;
    do {
      const t = c.nodeType;
      if (t === 'attribute') {
        const a = attributeFromText(c.startIndex, c.endIndex) ?? attribute();
        if (a) attrs.push(a);
      } else if (t === 'block') {
        if (depth + 1 >= MAX_NESTING) {
          // (left out, with a problem; its comments still count)
          tooDeep ??= range();
          collectComments();
        } else {
          const b = block(depth + 1, true);
          if (blocks) blocks.push(b);
        }
      } else if (t === 'comment') comment();
    } while (c.gotoNextSibling());
    c.gotoParent();
  };
  // A block read straight from its text when that is certain to give what the tree walk gives:
  // no comments anywhere in it (the walk collects those), the header `type label… {` on one
  // line, and (when its body is lowered) every body line a complete `name = simple-expr`.
  // Anything else returns null and the block is walked node by node. Saves ~4 wasm calls a node.
  const b0: SourceRange = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
  const LABEL = /[A-Za-z_][\w-]*/y;
  // Offsets of every `#`, `//` and `/*` in the text (comment starts, or inside strings), ascending.
  let markers: number[] | null = null;
  const markerIn = (start: number, end: number): boolean => {
    if (!markers) {
      markers = [];
      const re = /#|\/[/*]/g;
      for (let m = re.exec(src); m; m = re.exec(src)) markers.push(m.index);
    }
    let lo = 0;
    let hi = markers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (markers[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < markers.length && markers[lo] < end;
  };
  const isBlank = (ch: number): boolean => ch === 32 || ch === 9 || ch === 13;
  /** `type label… {` from `start` on one line: the block with its header, and where `{` is; null otherwise. */
  const headerFromText = (start: number, limit: number, depth: number): { b: HclBlock; brace: number; deep: boolean } | null => {
    LABEL.lastIndex = start;
    if (!LABEL.test(src)) return null;
    let i = LABEL.lastIndex;
    let deep = true;
    const b: HclBlock = { type: src.slice(start, i), labels: [], labelRanges: [], range: b0, headerRange: b0, attrs: [], blocks: [], hasError: false };
    for (;;) {
      while (src.charCodeAt(i) === 32 || src.charCodeAt(i) === 9) i++;
      const ch = src.charCodeAt(i);
      if (ch === 123 /* { */) break;
      if (ch === 34 /* " */) {
        let j = i + 1;
        while (j < limit && src.charCodeAt(j) !== 34 && src.charCodeAt(j) !== 10 && src.charCodeAt(j) !== 92) j++;
        if (src.charCodeAt(j) !== 34) return null;
        const v = fastExpr(src, i, j + 1, lines);
        if (!v || v.k !== 'str') return null;
        b.labels.push(v.v);
        b.labelRanges.push(lines.range(i, j + 1));
        i = j + 1;
        if (depth === 0 && b.labels.length === 2 && !filter(b.type, b.labels)) deep = false;
      } else {
        LABEL.lastIndex = i;
        if (!LABEL.test(src)) return null;
        const le = LABEL.lastIndex;
        b.labels.push(src.slice(i, le));
        b.labelRanges.push(lines.range(i, le));
        i = le;
      }
      if (i >= limit) return null;
    }
    b.headerRange = lines.range(start, i + 1);
    return { b, brace: i, deep };
  };
  /** Where the bracket opened at `open` closes (strings skipped; a template, heredoc or newline in a string: -1). */
  const closingBracket = (open: number, limit: number): number => {
    let depth = 0;
    for (let k = open; k < limit; k++) {
      const ch = src.charCodeAt(k);
      if (ch === 91 || ch === 123 || ch === 40) depth++;
      else if (ch === 93 || ch === 125 || ch === 41) {
        if (--depth === 0) return k;
      } else if (ch === 34) {
        for (k++; ; k++) {
          if (k >= limit) return -1;
          const d = src.charCodeAt(k);
          if (d === 34) break;
          if (d === 10 || ((d === 36 || d === 37) && src.charCodeAt(k + 1) === 123)) return -1;
          if (d === 92) k++;
        }
      } else if (ch === 60 && src.charCodeAt(k + 1) === 60) return -1;
    }
    return -1;
  };
  const ATTR_HEAD = /[A-Za-z_][\w-]*[ \t]*=(?!=)[ \t]*/y;
  /**
   * The body after the `{` at `open` (the rest of its line blank), up to the `}` alone on its
   * line that closes it: attributes (one line, or a list/object over several), nested blocks,
   * blank lines. Returns the offset after that `}`, or -1 for anything else.
   */
  const bodyFromText = (open: number, limit: number, attrs: HclAttr[], blocks: HclBlock[], depth: number): number => {
    let p = open + 1;
    let nl = src.indexOf('\n', p);
    if (nl < 0 || nl > limit) nl = limit;
    let k = p;
    while (k < nl && isBlank(src.charCodeAt(k))) k++;
    if (k < nl) return src.charCodeAt(k) === 125 && k === lastNonBlank(k, nl) ? k + 1 : -1; // `{}` / `{ }`
    p = nl + 1;
    for (;;) {
      if (p >= limit) return -1;
      nl = src.indexOf('\n', p);
      if (nl < 0 || nl > limit) nl = limit;
      let s = p;
      while (s < nl && isBlank(src.charCodeAt(s))) s++;
      let e = nl;
      while (e > s && isBlank(src.charCodeAt(e - 1))) e--;
      p = nl + 1;
      if (s === e) continue;
      if (src.charCodeAt(s) === 125 && e === s + 1) return s + 1;
      ATTR_HEAD.lastIndex = s;
      if (ATTR_HEAD.test(src)) {
        const x = ATTR_HEAD.lastIndex;
        let a = attributeFromText(s, e);
        if (!a) {
          const ch = src.charCodeAt(x);
          if (ch !== 91 && ch !== 123) return -1;
          const close = closingBracket(x, limit);
          if (close < 0) return -1;
          let eol = src.indexOf('\n', close);
          if (eol < 0 || eol > limit) eol = limit;
          if (lastNonBlank(close + 1, eol) >= 0) return -1;
          a = attributeFromText(s, close + 1);
          if (!a) return -1;
          p = eol + 1;
        }
        attrs.push(a);
        continue;
      }
      const hd = headerFromText(s, e, 1);
      if (!hd || hd.brace !== e - 1 || depth + 1 >= MAX_NESTING) return -1;
      const after = bodyFromText(hd.brace, limit, hd.b.attrs, hd.b.blocks, depth + 1);
      if (after < 0) return -1;
      hd.b.range = lines.range(s, after);
      blocks.push(hd.b);
      let eol = src.indexOf('\n', after);
      if (eol < 0 || eol > limit) eol = limit;
      p = eol + 1;
    }
  };
  /** The last non-blank offset in [from, to), or -1. */
  const lastNonBlank = (from: number, to: number): number => {
    for (let k = to - 1; k >= from; k--) if (!isBlank(src.charCodeAt(k))) return k;
    return -1;
  };
  // A block read straight from its text when that is certain to give what the tree walk gives:
  // no comments anywhere in it (the walk collects those), headers `type label… {` on one line,
  // and a body of the forms bodyFromText reads. Anything else: null, and the tree walk.
  const blockFromText = (start: number, end: number, depth: number, deep: boolean): HclBlock | null => {
    if (src.charCodeAt(end - 1) !== 125 /* } */) return null;
    if (markerIn(start, end)) return null;
    const hd = headerFromText(start, end, depth);
    if (!hd) return null;
    const b = hd.b;
    b.range = lines.range(start, end);
    if (!hd.deep || (depth === 0 && !filter(b.type, b.labels))) deep = false;
    if (!deep) return b;
    return bodyFromText(hd.brace, end, b.attrs, b.blocks, depth) === end ? b : null;
  };
  const block = (depth: number, deep: boolean): HclBlock => {
    const start = c.startIndex;
    const end = c.endIndex;
    const fast = blockFromText(start, end, depth, deep);
    if (fast) return fast;
    const b: HclBlock = { type: '', labels: [], labelRanges: [], range: lines.range(start, end), headerRange: lines.range(start, end), attrs: [], blocks: [], hasError: false };
    if (src.charCodeAt(start) === 34) quotedBlockType = true;
    if (!c.gotoFirstChild()) return b;
    do {
      const t = c.nodeType;
      if (t === 'identifier' && (!b.type || src.charCodeAt(c.startIndex) !== 34)) {
        if (!b.type) b.type = text();
        else {
          b.labels.push(text());
          b.labelRanges.push(range());
        }
      } else if (t === 'string_lit' || t === 'identifier') {
        // (an identifier starting with `"` is a string label masked for the parse: mask.ts)
        const ls = c.startIndex;
        const le = c.endIndex;
        const v = fastExpr(src, ls, le, lines);
        b.labels.push(v && v.k === 'str' ? v.v : src.slice(ls, le));
        b.labelRanges.push(lines.range(ls, le));
        if (depth === 0 && b.labels.length === 2 && !filter(b.type, b.labels)) deep = false;
      } else if (t === 'block_start') b.headerRange = lines.range(start, c.endIndex);
      else if (t === 'body') {
        if (depth === 0 && !filter(b.type, b.labels)) deep = false;
        if (deep) body(b.attrs, b.blocks, depth);
        else collectComments();
      } else if (t === 'comment') comment();
    } while (c.gotoNextSibling());
    c.gotoParent();
    return b;
  };
  // (both walks without recursion: bodies can nest deeper than the JS stack)
  const visitComments = (n: Node): void => {
    const todo: Node[] = [n];
    while (todo.length) {
      const x = todo.pop()!;
      if (x.type === 'comment') {
        file.comments.push({ text: x.text, range: rng(x) });
        continue;
      }
      if (x !== n && x.type === 'block' && src.charCodeAt(x.startIndex) === 34) quotedBlockType = true;
      const ks = kids(x);
      for (let i = ks.length - 1; i >= 0; i--) {
        const t = ks[i].type;
        if (t === 'comment' || t === 'body' || t === 'block' || t === 'ERROR') todo.push(ks[i]);
      }
    }
  };
  // Comments inside blocks the extractors skip still matter for suppressions.
  const collectComments = (): void => {
    if (!c.gotoFirstChild()) return;
    let level = 1;
    for (;;) {
      const t = c.nodeType;
      if (t === 'comment') comment();
      else if (t === 'block' || t === 'body') {
        if (t === 'block' && src.charCodeAt(c.startIndex) === 34) quotedBlockType = true;
        if (c.gotoFirstChild()) {
          level++;
          continue;
        }
      }
      while (!c.gotoNextSibling()) {
        c.gotoParent();
        if (--level === 0) return;
      }
    }
  };
  // config_file → (comment | body)*
  if (c.gotoFirstChild()) {
    do {
      const t = c.nodeType;
      if (t === 'comment') comment();
      else if (t === 'ERROR') {
        const node = c.currentNode;
        for (const b of namedKids(node)) {
          if (b.type === 'block' && !b.hasError) {
            const head = lowerBlock(b, false);
            file.blocks.push(filter(head.type, head.labels) ? lowerBlock(b, true) : head);
          }
        }
        visitComments(node);
      } else if (t === 'body') {
        if (c.gotoFirstChild()) {
          do {
            const u = c.nodeType;
            if (u === 'block') {
              const node = hasErrors ? c.currentNode : null;
              if (node && node.hasError) {
                const b = lowerBlock(node, true);
                file.blocks.push(b, ...hoistSwallowed(b));
                visitComments(node);
              } else if (cache) {
                const s0 = c.startIndex;
                const key = src.slice(s0, c.endIndex);
                const pos = lines.position(s0);
                const hit = cache.prev.get(key);
                if (hit && hit.column === pos.column) {
                  const d = pos.line - hit.line;
                  const b = d === 0 ? hit.block : shiftBlock(hit.block, d);
                  const cm = d === 0 ? hit.comments : hit.comments.map((x) => ({ text: x.text, range: shiftRange(x.range, d) }));
                  file.blocks.push(b);
                  file.comments.push(...cm);
                  cache.next.set(key, { block: b, comments: cm, line: pos.line, column: pos.column });
                  cache.reused++;
                } else {
                  const before = file.comments.length;
                  const b = block(0, true);
                  file.blocks.push(b);
                  cache.next.set(key, { block: b, comments: file.comments.slice(before), line: pos.line, column: pos.column });
                }
              } else file.blocks.push(block(0, true));
            } else if (u === 'attribute') {
              const node = hasErrors ? c.currentNode : null;
              const a = node && node.hasError ? lowerAttr(node) : attribute();
              if (a) file.attrs.push(a);
            } else if (u === 'comment') comment();
            else if (u === 'ERROR') {
              // Complete blocks can end up inside an ERROR node when recovery swallows them.
              const node = c.currentNode;
              for (const b of namedKids(node)) {
                if (b.type === 'block' && !b.hasError) {
                  const head = lowerBlock(b, false);
                  file.blocks.push(filter(head.type, head.labels) ? lowerBlock(b, true) : head);
                }
              }
              visitComments(node);
            }
          } while (c.gotoNextSibling());
          c.gotoParent();
        }
      }
    } while (c.gotoNextSibling());
  }
  return file;
}

/**
 * One-shot parse of a Terraform or .tfvars text. Tree-sitter first parses the text with its plain
 * strings and long runs of blanks masked (mask.ts: about half the parse time, same tree shape and
 * offsets); the nodes then read the real text. When that tree has a syntax error, the real text is
 * parsed instead, so error recovery and the problems reported are always tree-sitter's own.
 */
export function parseTerraform(text: string, filter?: BlockFilter): HclFile {
  let masked: string | null = null;
  try {
    masked = maskForParse(text);
  } catch {
    masked = null; // (never expected: the mask gives up on what it does not follow; the real text is parsed)
  }
  return (masked !== null ? parseMasked(text, masked, filter) : null) ?? parseUnmasked(text, filter);
}

/**
 * `text` lowered from tree-sitter's tree of `masked` (maskForParse), or null when that tree cannot
 * stand for the text's: it has a syntax error, or a block in it starts with a `"` of the real text
 * (a label masked as a name read as a block type: `x = a ==⏎b "c" {}` masked as `b s__ {}`; mask.ts
 * avoids making such texts, this is the safety net). Null: parse the real text.
 */
export function parseMasked(text: string, masked: string, filter?: BlockFilter): HclFile | null {
  let source = masked;
  // The tree keeps this callback to give node text: after the parse it reads the real text.
  const tree = parser().parse((index: number) => source.slice(index));
  source = text;
  if (!tree) return null;
  try {
    if (tree.rootNode.hasError) return null;
    const file = lowerTree(tree, filter, text);
    return quotedBlockType ? null : file;
  } finally {
    tree.delete();
  }
}

/** parseTerraform without the masked first try (tests compare the two). */
export function parseUnmasked(text: string, filter?: BlockFilter): HclFile {
  const tree = parser().parse(text);
  if (!tree) return { blocks: [], attrs: [], comments: [], problems: [{ message: 'parser returned no tree', range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } } }] };
  try {
    return lowerTree(tree, filter, text);
  } finally {
    tree.delete();
  }
}

/** A text change in editor terms (0-based line/character, UTF-16), as VS Code reports it. */
export interface TextChange {
  range: SourceRange;
  /** Length of the replaced text in UTF-16 units (VS Code's `rangeLength`). */
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/**
 * One open Terraform document, parsed incrementally. Call `update(newText, changes)` on every
 * change event; `file` is the lowered IR of the latest text. Call `dispose()` to free the tree.
 */
export class TerraformDocument {
  private tree: Tree | null = null;
  private textValue = '';
  private lowered: HclFile | null = null;
  private readonly cache = new BlockCache();

  constructor(
    readonly path: string,
    text: string,
    private readonly filter: BlockFilter = defaultBlockFilter,
  ) {
    this.reparse(text, false);
  }

  get text(): string {
    return this.textValue;
  }

  /** The IR of the current text (lowered lazily after each update). */
  get file(): HclFile {
    if (!this.lowered) this.lowered = this.tree ? lowerTree(this.tree, this.filter, this.textValue, this.cache) : { blocks: [], attrs: [], comments: [], problems: [] };
    return this.lowered;
  }

  /**
   * Applies the changes (in the order the editor reports them) to the old tree and reparses.
   * Without `changes`, reparses from scratch.
   */
  update(newText: string, changes?: readonly TextChange[]): void {
    if (this.tree && changes && changes.length) {
      for (const ch of changes) this.tree.edit(toEdit(ch));
      this.reparse(newText, true);
    } else {
      this.reparse(newText, false);
    }
  }

  /** How many top-level blocks the last lowering took unchanged from the previous version. */
  get reusedBlocks(): number {
    return this.cache.reused;
  }

  private reparse(text: string, incremental: boolean): void {
    const old = this.tree;
    const tree = parser().parse(text, incremental ? old : null);
    if (old) old.delete();
    this.tree = tree;
    this.textValue = text;
    this.lowered = null;
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = null;
  }
}

function endOf(start: { line: number; column: number }, text: string): { row: number; column: number } {
  const lines = text.split('\n');
  if (lines.length === 1) return { row: start.line, column: start.column + text.length };
  return { row: start.line + lines.length - 1, column: lines[lines.length - 1].length };
}

function toEdit(ch: TextChange): Edit {
  const startIndex = ch.rangeOffset;
  return {
    startIndex,
    oldEndIndex: startIndex + ch.rangeLength,
    newEndIndex: startIndex + ch.text.length,
    startPosition: { row: ch.range.start.line, column: ch.range.start.column },
    oldEndPosition: { row: ch.range.end.line, column: ch.range.end.column },
    newEndPosition: endOf(ch.range.start, ch.text),
  };
}
