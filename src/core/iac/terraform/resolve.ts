/**
 * Static evaluation of Terraform expressions over one module directory: literals, `var.x`
 * (default, then terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars[.json] in lexical
 * order — Terraform's precedence), `local.x`, simple lists and a few list functions, iterator
 * bindings of `dynamic` blocks, and references to other resources' literal attributes
 * (`aws_vpc.main.cidr_block`). Everything else becomes `unknown` with a reason — never a guess.
 */
import type { Located } from '../model';
import type { ObjEntry, Val } from '../value';
import type { HclAttr, HclBlock, HclFile } from './parser';

export interface TfFileInput {
  path: string;
  hcl: HclFile;
}

interface Def {
  val: Val;
  file: string;
  via: string;
}

export interface TfScope {
  variables: Map<string, Def>;
  locals: Map<string, Def>;
  /** `type.name` → block and file (managed resources only). */
  resources: Map<string, { block: HclBlock; file: string }>;
  /** Node → file it was written in (for values that travelled through var/local/tfvars). */
  origin: WeakMap<object, { file: string; via: string }>;
}

/**
 * Terraform's precedence: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars and
 * *.auto.tfvars.json (lexical order of the names), later wins.
 */
export function tfvarsOrder(paths: string[]): string[] {
  const base = (p: string): string => p.split(/[\\/]/).pop() ?? p;
  const main = paths.filter((p) => base(p) === 'terraform.tfvars');
  const mainJson = paths.filter((p) => base(p) === 'terraform.tfvars.json');
  const auto = paths.filter((p) => /\.auto\.tfvars(\.json)?$/.test(base(p))).sort((a, b) => base(a).localeCompare(base(b)));
  return [...main, ...mainJson, ...auto];
}

/** A variable-definitions file: `.tfvars` or `.tfvars.json`. */
export function isTfvarsPath(p: string): boolean {
  return /\.tfvars(\.json)?$/.test(p);
}

export function buildScope(files: TfFileInput[]): TfScope {
  const scope: TfScope = { variables: new Map(), locals: new Map(), resources: new Map(), origin: new WeakMap() };
  for (const f of files) {
    if (isTfvarsPath(f.path)) continue;
    for (const b of f.hcl.blocks) {
      if (b.type === 'variable' && b.labels[0]) {
        const d = b.attrs.find((a) => a.name === 'default');
        if (d) scope.variables.set(b.labels[0], { val: d.val, file: f.path, via: `the default of var.${b.labels[0]}` });
      } else if (b.type === 'locals') {
        for (const a of b.attrs) scope.locals.set(a.name, { val: a.val, file: f.path, via: `local.${a.name}` });
      } else if (b.type === 'resource' && b.labels.length >= 2) {
        scope.resources.set(`${b.labels[0]}.${b.labels[1]}`, { block: b, file: f.path });
      }
    }
  }
  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const p of tfvarsOrder(files.map((f) => f.path).filter(isTfvarsPath))) {
    const name = p.split(/[\\/]/).pop();
    for (const a of byPath.get(p)!.hcl.attrs) scope.variables.set(a.name, { val: a.val, file: p, via: `var.${a.name} in ${name}` });
  }
  return scope;
}

export type Env = ReadonlyMap<string, { key: Val; value: Val }>;

/** No iterator in scope (one shared empty map: an Env is never modified). */
export const NO_ENV: Env = new Map();

const MAX_DEPTH = 24;

function tagOrigin(scope: TfScope, v: Val, file: string, via: string): void {
  if (scope.origin.has(v)) return;
  scope.origin.set(v, { file, via });
  if (v.k === 'list') for (const i of v.items) tagOrigin(scope, i, file, via);
  else if (v.k === 'obj') for (const e of v.entries) tagOrigin(scope, e.val, file, via);
}

function unknown(v: Val, why: string): Val {
  return { k: 'unknown', text: 'text' in v ? v.text : '', r: v.r, why };
}

function step(v: Val, s: string | number, from: Val): Val {
  if (v.k === 'unknown') return v;
  if (v.k === 'list' && typeof s === 'number') return v.items[s] ?? unknown(from, `index ${s} is out of range`);
  if (v.k === 'obj') {
    const e = v.entries.find((x) => x.key === String(s));
    return e ? e.val : unknown(from, `no key '${s}'`);
  }
  return unknown(from, `cannot index ${v.k} with '${s}'`);
}

/** Resolves `v`, then follows path[at…] into it. */
function steps(v: Val, path: readonly (string | number)[], at: number, from: Val, scope: TfScope, env: Env, depth: number): Val {
  let cur = resolve(v, scope, env, depth + 1);
  for (let i = at; i < path.length; i++) {
    cur = step(cur, path[i], from);
    cur = resolve(cur, scope, env, depth + 1);
  }
  return cur;
}

/** Resolves a value as far as statically possible. Strings keep the range where they are written. */
export function resolve(v: Val, scope: TfScope, env: Env = NO_ENV, depth = 0): Val {
  if (depth > MAX_DEPTH) return unknown(v, 'reference cycle or nesting too deep');
  switch (v.k) {
    case 'str':
    case 'num':
    case 'bool':
    case 'null':
    case 'unknown':
      return v;
    case 'list': {
      // A new list only when an item resolved to something else.
      let items: Val[] | null = null;
      for (let i = 0; i < v.items.length; i++) {
        const x = resolve(v.items[i], scope, env, depth + 1);
        if (items) items.push(x);
        else if (x !== v.items[i]) {
          items = v.items.slice(0, i);
          items.push(x);
        }
      }
      return items ? { k: 'list', items, r: v.r } : v;
    }
    case 'obj': {
      let entries: ObjEntry[] | null = null;
      for (let i = 0; i < v.entries.length; i++) {
        const e = v.entries[i];
        const val = resolve(e.val, scope, env, depth + 1);
        if (entries) entries.push({ ...e, val });
        else if (val !== e.val) {
          entries = v.entries.slice(0, i);
          entries.push({ ...e, val });
        }
      }
      return entries ? { k: 'obj', entries, r: v.r } : v;
    }
    case 'tpl': {
      let out = '';
      for (const p of v.parts) {
        const rp = resolve(p, scope, env, depth + 1);
        if (rp.k === 'str') out += rp.v;
        else if (rp.k === 'num' || rp.k === 'bool') out += String(rp.v);
        else return unknown(v, rp.k === 'unknown' && rp.why ? rp.why : `template part ${'text' in p ? p.text : p.k} is not static`);
      }
      return { k: 'str', v: out, r: v.r };
    }
    case 'fn':
      return resolveFn(v, scope, env, depth);
    case 'ref':
      return resolveRef(v, scope, env, depth);
  }
}

function resolveRef(v: Extract<Val, { k: 'ref' }>, scope: TfScope, env: Env, depth: number): Val {
  // path = [head, ...rest]; rest[k] is path[k + 1].
  const path = v.path;
  const h = String(path[0]);
  const bound = env.size ? env.get(h) : undefined;
  if (bound) {
    const which = path[1];
    if (which === 'value') return steps(bound.value, path, 2, v, scope, env, depth);
    if (which === 'key') return steps(bound.key, path, 2, v, scope, env, depth);
    return unknown(v, `${h}.${String(which)} is not an iterator attribute`);
  }
  if (h === 'var') {
    const name = String(path[1]);
    const d = scope.variables.get(name);
    if (!d) return unknown(v, `var.${name} has no default and no value in terraform.tfvars / *.auto.tfvars (or their .json forms)`);
    tagOrigin(scope, d.val, d.file, d.via);
    return steps(d.val, path, 2, v, scope, env, depth);
  }
  if (h === 'local') {
    const name = String(path[1]);
    const d = scope.locals.get(name);
    if (!d) return unknown(v, `local.${name} is not defined in this module`);
    tagOrigin(scope, d.val, d.file, d.via);
    return steps(d.val, path, 2, v, scope, env, depth);
  }
  if (h.startsWith('aws_') && path.length >= 3) {
    const res = scope.resources.get(`${h}.${String(path[1])}`);
    if (!res) return unknown(v, `${h}.${String(path[1])} is not in this module`);
    let i = 2;
    if (typeof path[2] === 'number') i = 3; // count index: a literal attribute is the same for every instance
    const name = String(path[i]);
    const attr = res.block.attrs.find((a) => a.name === name);
    if (!attr) return unknown(v, `${h}.${String(path[1])}.${name} is computed by AWS (not written in code)`);
    const resolved = steps(attr.val, path, i + 1, v, scope, env, depth);
    if (resolved.k !== 'unknown' && !scope.origin.has(attr.val)) tagOrigin(scope, attr.val, res.file, `${h}.${String(path[1])}.${name}`);
    return resolved;
  }
  if (h === 'data') return unknown(v, `${v.text} is read from AWS at plan time`);
  if (h === 'module') return unknown(v, `${v.text} is an output of another module`);
  return unknown(v, `${v.text} is only known at plan time`);
}

function listOf(v: Val): Val[] | null {
  return v.k === 'list' ? v.items : null;
}

function resolveFn(v: Extract<Val, { k: 'fn' }>, scope: TfScope, env: Env, depth: number): Val {
  if (v.name === '?:' && v.args.length === 3) {
    const c = resolve(v.args[0], scope, env, depth + 1);
    if (c.k === 'bool') return resolve(c.v ? v.args[1] : v.args[2], scope, env, depth + 1);
    return unknown(v, `the condition ${'text' in v.args[0] ? v.args[0].text : ''} is known only at plan time`);
  }
  const args = v.args.map((a) => resolve(a, scope, env, depth + 1));
  const bad = args.find((a) => a.k === 'unknown');
  switch (v.name) {
    case 'concat': {
      if (bad) return unknown(v, (bad.k === 'unknown' && bad.why) || 'an argument is not static');
      const items: Val[] = [];
      for (const a of args) {
        const l = listOf(a);
        if (!l) return unknown(v, 'concat of a non-list');
        items.push(...l);
      }
      return { k: 'list', items, r: v.r };
    }
    case 'tolist':
    case 'toset':
    case 'distinct':
    case 'compact':
    case 'sort':
    case 'tostring':
    case 'tonumber':
      if (args.length !== 1 || bad) return unknown(v, (bad?.k === 'unknown' && bad.why) || `${v.name}() argument is not static`);
      if (v.name === 'compact' && args[0].k === 'list') return { k: 'list', items: args[0].items.filter((i) => !(i.k === 'str' && i.v === '') && i.k !== 'null'), r: args[0].r };
      return args[0];
    case 'flatten': {
      if (args.length !== 1 || bad) return unknown(v, (bad?.k === 'unknown' && bad.why) || 'flatten() argument is not static');
      const out: Val[] = [];
      const walk = (x: Val): void => {
        if (x.k === 'list') x.items.forEach((i) => walk(resolve(i, scope, env, depth + 1)));
        else out.push(x);
      };
      walk(args[0]);
      return { k: 'list', items: out, r: v.r };
    }
    case 'split': {
      if (args.length !== 2 || args[0].k !== 'str' || args[1].k !== 'str') return unknown(v, 'split() arguments are not static');
      const sep = args[0].v;
      return { k: 'list', items: args[1].v.split(sep).map((s) => ({ k: 'str', v: s, r: v.r }) as Val), r: v.r };
    }
    default:
      return unknown(v, `${v.name}() is not evaluated statically`);
  }
}

export function originOf(scope: TfScope, v: Val): { file: string; via: string } | undefined {
  return scope.origin.get(v);
}

export function attr(b: HclBlock, name: string): HclAttr | undefined {
  return b.attrs.find((a) => a.name === name);
}

/** Where a resolved value was written, when that is not the use site. */
export function definedAt(scope: TfScope, v: Val): Located | undefined {
  const o = scope.origin.get(v);
  return o ? { file: o.file, range: v.r } : undefined;
}
