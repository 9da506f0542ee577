/**
 * CloudFormation syntax: YAML (the `yaml` package, with the short intrinsic tags declared so that
 * `!Ref X` and friends keep their node and range) and JSON (`jsonc-parser`, tolerant of trailing
 * commas) both lowered into the shared `Val` IR. Intrinsics become `fn` nodes named as in JSON
 * (`Ref`, `Fn::GetAtt`, `Fn::Sub`, ...). Never throws: syntax errors come back as problems.
 */
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq, type CollectionTag, type ScalarTag } from 'yaml';
import type { SourceRange } from '../../model/flows';
import { LineIndex, type ObjEntry, type Val } from '../value';

export interface CfnText {
  root: Val | null;
  comments: { text: string; range: SourceRange }[];
  problems: { message: string; range: SourceRange }[];
  lines: LineIndex;
}

const SHORT_TAGS = ['Ref', 'Sub', 'GetAtt', 'If', 'Join', 'Select', 'Split', 'FindInMap', 'ImportValue', 'Base64', 'Equals', 'Not', 'And', 'Or', 'Condition', 'GetAZs', 'Cidr', 'Transform', 'Length', 'ToJsonString'];

/** `!Ref` → `Ref`, `!Condition` → `Condition`, `!Sub` → `Fn::Sub`. */
export function intrinsicName(shortTag: string): string {
  const n = shortTag.replace(/^!/, '');
  return n === 'Ref' || n === 'Condition' ? n : `Fn::${n}`;
}

const customTags: (ScalarTag | CollectionTag)[] = SHORT_TAGS.flatMap((n) => [
  { tag: `!${n}`, identify: () => false, resolve: (s: string) => s } as ScalarTag,
  { tag: `!${n}`, collection: 'seq', nodeClass: YAMLSeq, identify: () => false, resolve: (s: unknown) => s } as unknown as CollectionTag,
  { tag: `!${n}`, collection: 'map', nodeClass: YAMLMap, identify: () => false, resolve: (s: unknown) => s } as unknown as CollectionTag,
]);

/** A single-key object `{ "Ref": x }` / `{ "Fn::Sub": ... }` is an intrinsic function. */
function asIntrinsic(entries: ObjEntry[], r: SourceRange, text: string): Val | null {
  if (entries.length !== 1) return null;
  const k = entries[0].key;
  if (k !== 'Ref' && k !== 'Condition' && !k.startsWith('Fn::')) return null;
  return makeFn(k, entries[0].val, r, text);
}

function makeFn(name: string, arg: Val, r: SourceRange, text: string): Val {
  let args: Val[];
  if (name === 'Fn::GetAtt' && arg.k === 'str') {
    const dot = arg.v.indexOf('.');
    args = dot > 0 ? [{ k: 'str', v: arg.v.slice(0, dot), r: arg.r }, { k: 'str', v: arg.v.slice(dot + 1), r: arg.r }] : [arg];
  } else if (arg.k === 'list' && name !== 'Ref') args = arg.items;
  else args = [arg];
  return { k: 'fn', name, args, text, r };
}

function yamlToVal(node: unknown, lines: LineIndex, src: string): Val {
  const n = node as { range?: [number, number, number]; tag?: string };
  const range = n?.range ? lines.range(n.range[0], n.range[1]) : lines.range(0, 0);
  const text = n?.range ? src.slice(n.range[0], n.range[1]) : '';
  let v: Val;
  if (isScalar(node)) {
    const x = node.value;
    if (typeof x === 'string') v = { k: 'str', v: x, r: range };
    else if (typeof x === 'number') v = { k: 'num', v: x, r: range };
    else if (typeof x === 'boolean') v = { k: 'bool', v: x, r: range };
    else if (x === null || x === undefined) v = { k: 'null', r: range };
    else v = { k: 'str', v: String(x), r: range };
  } else if (isSeq(node)) {
    v = { k: 'list', items: node.items.map((i) => yamlToVal(i, lines, src)), r: range };
  } else if (isMap(node)) {
    const entries: ObjEntry[] = [];
    for (const p of node.items) {
      if (!isPair(p)) continue;
      const key = p.key as { value?: unknown; range?: [number, number, number] } | null;
      if (!key || key.value === undefined || key.value === null) continue;
      const keyRange = key.range ? lines.range(key.range[0], key.range[1]) : range;
      entries.push({ key: String(key.value), keyRange, val: p.value === null ? { k: 'null', r: keyRange } : yamlToVal(p.value, lines, src) });
    }
    v = asIntrinsic(entries, range, text) ?? { k: 'obj', entries, r: range };
  } else if (isAlias(node)) {
    v = { k: 'unknown', text, r: range, why: 'YAML aliases are not followed' };
  } else {
    v = { k: 'null', r: range };
  }
  if (n?.tag && n.tag.startsWith('!') && SHORT_TAGS.includes(n.tag.slice(1))) return makeFn(intrinsicName(n.tag), v, range, `${n.tag} ${text}`);
  return v;
}

function jsonToVal(node: JsonNode, lines: LineIndex, src: string): Val {
  const r = lines.range(node.offset, node.offset + node.length);
  switch (node.type) {
    case 'string':
      return { k: 'str', v: String(node.value), r };
    case 'number':
      return { k: 'num', v: Number(node.value), r };
    case 'boolean':
      return { k: 'bool', v: Boolean(node.value), r };
    case 'null':
      return { k: 'null', r };
    case 'array':
      return { k: 'list', items: (node.children ?? []).map((c) => jsonToVal(c, lines, src)), r };
    case 'object': {
      const entries: ObjEntry[] = [];
      for (const p of node.children ?? []) {
        const [k, val] = p.children ?? [];
        if (!k || !val) continue;
        entries.push({ key: String(k.value), keyRange: lines.range(k.offset, k.offset + k.length), val: jsonToVal(val, lines, src) });
      }
      return asIntrinsic(entries, r, src.slice(node.offset, node.offset + node.length)) ?? { k: 'obj', entries, r };
    }
    default:
      return { k: 'unknown', text: src.slice(node.offset, node.offset + node.length), r };
  }
}

export function looksLikeJson(text: string): boolean {
  return /^\s*[{[]/.test(text);
}

/** Content sniffing: a CloudFormation template names AWSTemplateFormatVersion or has Resources with AWS:: types. */
export function isCloudFormationText(text: string): boolean {
  if (/["']?AWSTemplateFormatVersion["']?\s*:/.test(text)) return true;
  return /(^|\n|[{,]\s*)["']?Resources["']?\s*:/.test(text) && /["']?Type["']?\s*:\s*["']?AWS::[A-Za-z0-9]+::/.test(text);
}

export function parseCloudFormation(text: string): CfnText {
  const lines = new LineIndex(text);
  const problems: CfnText['problems'] = [];
  const comments: CfnText['comments'] = [];
  if (looksLikeJson(text)) {
    const errors: ParseError[] = [];
    try {
      const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
      for (const e of errors.slice(0, 20)) problems.push({ message: `JSON syntax error: ${printParseErrorCode(e.error)}`, range: lines.range(e.offset, e.offset + e.length) });
      return { root: tree ? jsonToVal(tree, lines, text) : null, comments, problems, lines };
    } catch (err) {
      // Thousands of nested arrays/objects exhaust the stack in the (recursive) parser: a problem, not a crash.
      if (!(err instanceof RangeError)) throw err;
      return { root: null, comments, problems: [{ message: `JSON nested too deeply to read (${err.message})`, range: lines.range(0, 0) }], lines };
    }
  }
  const doc = parseDocument(text, { customTags, keepSourceTokens: false, uniqueKeys: false, prettyErrors: false });
  for (const e of doc.errors.slice(0, 20)) problems.push({ message: `YAML syntax error: ${e.message.split('\n')[0]}`, range: lines.range(e.pos[0], e.pos[1]) });
  // Comments (for `# egress-lens:ignore`): a line scan, skipping '#' inside quotes.
  const re = /(^|\s)#(.*)$/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[1].length;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const before = text.slice(lineStart, start);
    if ((before.match(/"/g)?.length ?? 0) % 2 === 1 || (before.match(/'/g)?.length ?? 0) % 2 === 1) continue;
    comments.push({ text: text.slice(start, start + 1 + m[2].length), range: lines.range(start, start + 1 + m[2].length) });
  }
  return { root: doc.contents ? yamlToVal(doc.contents, lines, text) : null, comments, problems, lines };
}
