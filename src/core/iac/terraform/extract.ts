/**
 * Terraform adapter: one module directory (its .tf files and .tfvars, or their JSON forms lowered
 * by json.ts into the same IR) → the normalised IacModel.
 * Reads aws_security_group (inline and `dynamic` ingress/egress, attribute form too),
 * aws_default_security_group, aws_security_group_rule, aws_vpc_security_group_{ingress,egress}_rule,
 * the terraform-aws-modules/security-group module, and the VPC/NAT/route/endpoint resources the
 * cost rule needs. Pure: the caller hands in parsed files.
 */
import type { SourceRange } from '../../model/flows';
import { literalCidrSource, normaliseProtocol, parseIgnoreComment, splitComma, subRange } from '../common';
import type { IacModel, NetworkElement, RuleOrigin, RuleSource, SecurityGroupModel, SgRule, SourceKind, Suppression } from '../model';
import { emptyModel } from '../model';
import { objGet, comparePos, rangeContains, type Val } from '../value';
import type { HclAttr, HclBlock, HclFile } from './parser';
import { isTfJsonFile, jsonSuppressions } from './json';
import { MODULE_NAMED_RULES, MODULE_PRESETS, securityGroupModulePreset } from './module-rules';
import { attr, buildScope, isTfvarsPath, NO_ENV, resolve, type Env, type TfFileInput, type TfScope } from './resolve';

type PendingSource = Omit<RuleSource, 'id'>;

interface Ctx {
  scope: TfScope;
  file: string;
  model: IacModel;
}

const SG_TYPES = new Set(['aws_security_group', 'aws_default_security_group']);

function span(a: SourceRange, b: SourceRange): SourceRange {
  return { start: a.start, end: b.end };
}

/** `aws_vpc.main.id` → `aws_vpc.main`; `module.sg.security_group_id` → `module.sg`; else null. */
function refIdentity(v: Val): string | null {
  if (v.k !== 'ref') return null;
  const [h, n] = v.path;
  if (typeof h === 'string' && h.startsWith('aws_') && typeof n === 'string') return `${h}.${n}`;
  if (h === 'module' && typeof n === 'string') return `module.${n}`;
  return null;
}

/** Identity of a referenced thing (VPC, group, route table): address, literal id, or the text. */
function identityOf(v: Val | undefined, ctx: Ctx, env: Env = NO_ENV): string | null {
  if (!v) return null;
  const direct = refIdentity(v);
  if (direct) return direct;
  const r = resolve(v, ctx.scope, env);
  if (r.k === 'str') return r.v;
  if (r.k === 'null') return null;
  return 'text' in v ? v.text : null;
}

function asString(v: Val | undefined, ctx: Ctx, env: Env = NO_ENV): { state: 'present' | 'missing' | 'unresolved'; value: string | null } {
  if (!v) return { state: 'missing', value: null };
  const r = resolve(v, ctx.scope, env);
  if (r.k === 'str') return r.v.trim() ? { state: 'present', value: r.v } : { state: 'missing', value: null };
  if (r.k === 'null') return { state: 'missing', value: null };
  if (r.k === 'num' || r.k === 'bool') return { state: 'present', value: String(r.v) };
  return { state: 'unresolved', value: null };
}

function asNumber(v: Val | undefined, ctx: Ctx, env: Env): number | null {
  if (!v) return null;
  const r = resolve(v, ctx.scope, env);
  if (r.k === 'num') return r.v;
  if (r.k === 'str' && /^-?\d+$/.test(r.v.trim())) return Number(r.v);
  return null;
}

function tagsOf(v: Val | undefined, ctx: Ctx): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v) return out;
  const r = resolve(v, ctx.scope);
  if (r.k !== 'obj') return out;
  for (const e of r.entries) if (e.val.k === 'str') out[e.key] = e.val.v;
  return out;
}

/** One leaf of a source list, classified. `use` is where it is written in the rule. */
function leafSource(orig: Val, resolved: Val, use: SourceRange, kind: 'cidr' | 'ipv6' | 'prefix-list' | 'group', ctx: Ctx): PendingSource | null {
  const o = ctx.scope.origin.get(resolved);
  // Built key by key (range, file, [definedAt, via], kind, value, …: the order spreads gave):
  // objects made by spreads are slower to build and for every rule to read.
  const base = (k: PendingSource['kind'], value: string): PendingSource => {
    const s = { range: use, file: ctx.file } as PendingSource;
    if (o) {
      s.definedAt = { file: o.file, range: resolved.r };
      s.via = o.via;
    }
    s.kind = k;
    s.value = value;
    return s;
  };
  if (kind === 'group') {
    const id = refIdentity(orig);
    if (id) return base('group', id);
    if (resolved.k === 'null') return null;
    return base('group', resolved.k === 'str' ? resolved.v : 'text' in orig ? orig.text : '?');
  }
  if (kind === 'prefix-list') {
    if (resolved.k === 'null') return null;
    return base('prefix-list', resolved.k === 'str' ? resolved.v : 'text' in orig ? orig.text : '?');
  }
  if (resolved.k === 'null') return null;
  if (resolved.k === 'str') {
    const lit = literalCidrSource(resolved.v);
    const s = base(lit.kind, lit.value);
    if (lit.kind === 'unresolved') {
      s.reason = lit.reason;
      s.invalid = lit.invalid;
    }
    s.field = kind === 'ipv6' ? 6 : 4;
    return s;
  }
  const text = 'text' in orig ? orig.text : resolved.k;
  const why = resolved.k === 'unknown' ? resolved.why : undefined;
  const s = base('unresolved', text);
  s.reason = why ?? `${text} is not a static list of CIDRs`;
  return s;
}

/** `c ? a : b` whose condition is not static → both branches, labelled; null otherwise. */
function conditionalBranches(v: Val, ctx: Ctx, env: Env): { val: Val; label: string }[] | null {
  if (v.k !== 'fn' || v.name !== '?:' || v.args.length !== 3) return null;
  if (resolve(v.args[0], ctx.scope, env).k === 'bool') return null;
  const cond = 'text' in v.args[0] ? v.args[0].text : 'the condition';
  return [
    { val: v.args[1], label: `${cond} is true` },
    { val: v.args[2], label: `${cond} is false` },
  ];
}

function labelled(list: PendingSource[], label: string): PendingSource[] {
  return list.map((s) => ({ ...s, via: s.via ? `${label}, ${s.via}` : label }));
}

/** Sources from a list-valued attribute (cidr_blocks = [...], var.list, concat(...)). */
function listSources(v: Val | undefined, kind: 'cidr' | 'ipv6' | 'prefix-list' | 'group', ctx: Ctx, env: Env, depth = 0, out: PendingSource[] = []): PendingSource[] {
  if (!v) return out;
  const whole = depth < 8 ? conditionalBranches(v, ctx, env) : null;
  if (whole) {
    for (const b of whole) out.push(...labelled(listSources(b.val, kind, ctx, env, depth + 1), b.label));
    return out;
  }
  const push = (s: PendingSource | null): void => {
    if (s) out.push(s);
  };
  if (v.k === 'list') {
    for (const item of v.items) {
      const branches = depth < 8 ? conditionalBranches(item, ctx, env) : null;
      if (branches) {
        for (const b of branches) out.push(...labelled(listSources({ k: 'list', items: [b.val], r: v.r }, kind, ctx, env, depth + 1), b.label));
        continue;
      }
      const r = resolve(item, ctx.scope, env);
      if (r.k === 'list') for (const x of r.items) push(leafSource(item, resolve(x, ctx.scope, env), item.r, kind, ctx));
      else push(leafSource(item, r, item.r, kind, ctx));
    }
    return out;
  }
  const r = resolve(v, ctx.scope, env);
  if (r.k === 'list') {
    for (const x of r.items) {
      const rx = resolve(x, ctx.scope, env);
      const sameFileLiteral = !ctx.scope.origin.has(rx) && v.k !== 'ref' && v.k !== 'fn';
      push(leafSource(kind === 'group' ? x : x, rx, sameFileLiteral ? rx.r : v.r, kind, ctx));
    }
    return out;
  }
  if (r.k === 'null') return out;
  if (kind === 'group' || kind === 'prefix-list') {
    push(leafSource(v, r, v.r, kind, ctx));
    return out;
  }
  push(leafSource(v, r.k === 'str' ? { k: 'unknown', text: 'text' in v ? v.text : r.v, r: v.r, why: 'a string where a list of CIDRs is expected' } : r, v.r, kind, ctx));
  return out;
}

function singleSource(v: Val | undefined, kind: 'cidr' | 'ipv6' | 'prefix-list' | 'group', ctx: Ctx, env: Env, depth = 0, out: PendingSource[] = []): PendingSource[] {
  if (!v) return out;
  const branches = depth < 8 ? conditionalBranches(v, ctx, env) : null;
  if (branches) {
    for (const b of branches) out.push(...labelled(singleSource(b.val, kind, ctx, env, depth + 1), b.label));
    return out;
  }
  const r = resolve(v, ctx.scope, env);
  const s = leafSource(v, r, v.r, kind, ctx);
  if (s) out.push(s);
  return out;
}

function finishRule(
  ctx: Ctx,
  p: Omit<SgRule, 'id' | 'sources'> & { sources: PendingSource[] },
  id: string,
): SgRule {
  // Every caller builds its pending sources afresh for this rule (none is shared with another
  // rule), so each gets its id in place: the same keys in the same order as a copy `{ ...s, id }`.
  const sources = p.sources as RuleSource[];
  for (let i = 0; i < sources.length; i++) sources[i].id = `${id}/src[${i}]`;
  // `p` is a fresh literal at every call: completed in place (same keys, same order as a copy
  // `{ ...p, id, sources }` would have) instead of copying its sixteen fields.
  const rule = p as unknown as SgRule;
  rule.id = id;
  rule.sources = sources;
  ctx.model.rules.push(rule);
  return rule;
}

interface RuleFields {
  direction: 'ingress' | 'egress';
  attrs: HclAttr[];
  env: Env;
  range: SourceRange;
  headerRange: SourceRange;
  resource: string;
  groupId: string | null;
  groupRef: string | null;
  origin: RuleOrigin;
  id: string;
}

/** A rule from attributes (inline block, attribute-form object, standalone resource). */
function ruleFromAttrs(ctx: Ctx, f: RuleFields, vpcStyle: boolean): SgRule {
  const get = (n: string): HclAttr | undefined => f.attrs.find((a) => a.name === n);
  const protoAttr = get(vpcStyle ? 'ip_protocol' : 'protocol');
  const protoVal = protoAttr ? resolve(protoAttr.val, ctx.scope, f.env) : undefined;
  const protocol = protoVal && (protoVal.k === 'str' || protoVal.k === 'num') ? normaliseProtocol(protoVal.v) : null;
  let fromPort = asNumber(get('from_port')?.val, ctx, f.env);
  let toPort = asNumber(get('to_port')?.val, ctx, f.env);
  if (protocol === 'all') {
    fromPort = 0;
    toPort = 65535;
  }
  const fp = get('from_port');
  const tp = get('to_port');
  const portsRange = fp && tp ? span(fp.range, tp.range) : (fp?.range ?? tp?.range ?? f.headerRange);
  const sources: PendingSource[] = [];
  if (vpcStyle) {
    singleSource(get('cidr_ipv4')?.val, 'cidr', ctx, f.env, 0, sources);
    singleSource(get('cidr_ipv6')?.val, 'ipv6', ctx, f.env, 0, sources);
    singleSource(get('prefix_list_id')?.val, 'prefix-list', ctx, f.env, 0, sources);
    singleSource(get('referenced_security_group_id')?.val, 'group', ctx, f.env, 0, sources);
  } else {
    listSources(get('cidr_blocks')?.val, 'cidr', ctx, f.env, 0, sources);
    listSources(get('ipv6_cidr_blocks')?.val, 'ipv6', ctx, f.env, 0, sources);
    listSources(get('prefix_list_ids')?.val, 'prefix-list', ctx, f.env, 0, sources);
    listSources(get('security_groups')?.val, 'group', ctx, f.env, 0, sources);
    singleSource(get('source_security_group_id')?.val, 'group', ctx, f.env, 0, sources);
    const self = get('self');
    if (self) {
      const sv = resolve(self.val, ctx.scope, f.env);
      if (sv.k === 'bool' && sv.v) sources.push({ kind: 'self', value: 'self', range: self.range, file: ctx.file });
    }
  }
  const d = asString(get('description')?.val, ctx, f.env);
  return finishRule(
    ctx,
    {
      direction: f.direction,
      protocol: protoAttr ? protocol : vpcStyle ? null : null,
      fromPort,
      toPort,
      sources,
      description: d.value,
      descriptionState: d.state,
      range: f.range,
      headerRange: f.headerRange,
      portsRange,
      file: ctx.file,
      resource: f.resource,
      groupId: f.groupId,
      groupRef: f.groupRef,
      origin: f.origin,
    },
    f.id,
  );
}

function objAsAttrs(o: Extract<Val, { k: 'obj' }>): HclAttr[] {
  return o.entries.map((e) => ({ name: e.key, nameRange: e.keyRange, val: e.val, range: span(e.keyRange, e.val.r) }));
}

function firstLine(r: SourceRange): SourceRange {
  if (r.start.line === r.end.line) return r;
  return { start: r.start, end: { line: r.start.line, column: r.start.column + 1 } };
}

function securityGroup(ctx: Ctx, b: HclBlock): void {
  const type = b.labels[0];
  const address = `${type}.${b.labels[1]}`;
  const id = `${ctx.file}#${address}`;
  const isDefault = type === 'aws_default_security_group';
  const name = asString(attr(b, 'name')?.val, ctx);
  const desc = asString(attr(b, 'description')?.val, ctx);
  const group: SecurityGroupModel = {
    id,
    format: 'terraform',
    address,
    resourceType: type,
    file: ctx.file,
    name: name.value,
    namePrefix: asString(attr(b, 'name_prefix')?.val, ctx).value,
    description: desc.value,
    descriptionState: isDefault ? 'present' : desc.state,
    vpc: identityOf(attr(b, 'vpc_id')?.val, ctx),
    isDefault,
    tags: tagsOf(attr(b, 'tags')?.val, ctx),
    range: b.range,
    headerRange: b.headerRange,
    ruleIds: [],
  };
  ctx.model.groups.push(group);
  const counters = { ingress: 0, egress: 0 };
  const next = (d: 'ingress' | 'egress'): string => `${id}/${d}[${counters[d]++}]`;
  for (const nb of b.blocks) {
    if (nb.type === 'ingress' || nb.type === 'egress') {
      const r = ruleFromAttrs(ctx, { direction: nb.type, attrs: nb.attrs, env: NO_ENV, range: nb.range, headerRange: nb.headerRange, resource: address, groupId: id, groupRef: null, origin: 'inline', id: next(nb.type) }, false);
      group.ruleIds.push(r.id);
    } else if (nb.type === 'dynamic' && (nb.labels[0] === 'ingress' || nb.labels[0] === 'egress')) {
      const dir = nb.labels[0];
      const content = nb.blocks.find((x) => x.type === 'content');
      if (!content) continue;
      const it = attr(nb, 'iterator');
      const iterName = it && it.val.k === 'ref' && it.val.path.length === 1 ? String(it.val.path[0]) : dir;
      const fe = attr(nb, 'for_each');
      const coll = fe ? resolve(fe.val, ctx.scope) : undefined;
      const elements: { key: Val; value: Val }[] = [];
      if (coll?.k === 'list') coll.items.forEach((v, i) => elements.push({ key: { k: 'num', v: i, r: v.r }, value: resolve(v, ctx.scope) }));
      else if (coll?.k === 'obj') for (const e of coll.entries) elements.push({ key: { k: 'str', v: e.key, r: e.keyRange }, value: resolve(e.val, ctx.scope) });
      if (coll && (coll.k === 'list' || coll.k === 'obj')) {
        for (const el of elements) {
          const env: Env = new Map([[iterName, el]]);
          const r = ruleFromAttrs(ctx, { direction: dir, attrs: content.attrs, env, range: nb.range, headerRange: nb.headerRange, resource: address, groupId: id, groupRef: null, origin: 'dynamic', id: next(dir) }, false);
          group.ruleIds.push(r.id);
        }
      } else {
        // for_each not static: one rule whose iterator-dependent parts stay unresolved.
        const why = coll?.k === 'unknown' && coll.why ? coll.why : 'for_each is not static';
        const env: Env = new Map([[iterName, { key: { k: 'unknown', text: `${iterName}.key`, r: nb.range, why }, value: { k: 'unknown', text: `${iterName}.value`, r: nb.range, why } }]]);
        const r = ruleFromAttrs(ctx, { direction: dir, attrs: content.attrs, env, range: nb.range, headerRange: nb.headerRange, resource: address, groupId: id, groupRef: null, origin: 'dynamic', id: next(dir) }, false);
        group.ruleIds.push(r.id);
      }
    }
  }
  // Attribute form: ingress = [{ ... }]
  for (const dir of ['ingress', 'egress'] as const) {
    const a = attr(b, dir);
    if (!a) continue;
    const v = resolve(a.val, ctx.scope);
    if (v.k !== 'list') continue;
    for (const item of v.items) {
      if (item.k !== 'obj') continue;
      const r = ruleFromAttrs(ctx, { direction: dir, attrs: objAsAttrs(item), env: NO_ENV, range: item.r, headerRange: firstLine(item.r), resource: address, groupId: id, groupRef: null, origin: 'inline', id: next(dir) }, false);
      group.ruleIds.push(r.id);
    }
  }
}

function standaloneRule(ctx: Ctx, b: HclBlock): void {
  const type = b.labels[0];
  const address = `${type}.${b.labels[1]}`;
  const vpcStyle = type !== 'aws_security_group_rule';
  let direction: 'ingress' | 'egress';
  if (vpcStyle) direction = type.endsWith('ingress_rule') ? 'ingress' : 'egress';
  else {
    const t = asString(attr(b, 'type')?.val, ctx);
    direction = t.value === 'egress' ? 'egress' : 'ingress';
  }
  const target = attr(b, 'security_group_id')?.val;
  const groupRef = target ? identityOf(target, ctx) : null;
  ruleFromAttrs(ctx, { direction, attrs: b.attrs, env: NO_ENV, range: b.range, headerRange: b.headerRange, resource: address, groupId: null, groupRef, origin: 'standalone', id: `${ctx.file}#${address}` }, vpcStyle);
}

// --- terraform-aws-modules/security-group ------------------------------------------------------

interface ModuleCidrs {
  cidr: PendingSource[];
  ipv6: PendingSource[];
  prefix: PendingSource[];
}

function moduleGroup(ctx: Ctx, b: HclBlock, preset: string): void {
  const address = `module.${b.labels[0]}`;
  const id = `${ctx.file}#${address}`;
  const create = attr(b, 'create');
  if (create) {
    const c = resolve(create.val, ctx.scope);
    if (c.k === 'bool' && !c.v) return;
  }
  const desc = asString(attr(b, 'description')?.val, ctx);
  const group: SecurityGroupModel = {
    id,
    format: 'terraform',
    address,
    resourceType: 'module:terraform-aws-modules/security-group/aws',
    file: ctx.file,
    name: asString(attr(b, 'name')?.val, ctx).value,
    namePrefix: null,
    description: desc.value,
    descriptionState: desc.state,
    vpc: identityOf(attr(b, 'vpc_id')?.val, ctx),
    isDefault: false,
    tags: tagsOf(attr(b, 'tags')?.val, ctx),
    range: b.range,
    headerRange: b.headerRange,
    ruleIds: [],
  };
  const unp = attr(b, 'use_name_prefix') ? resolve(attr(b, 'use_name_prefix')!.val, ctx.scope) : undefined;
  if (group.name && !(unp?.k === 'bool' && !unp.v)) {
    group.namePrefix = `${group.name}-`;
    group.name = null;
  }
  ctx.model.groups.push(group);
  const counters = { ingress: 0, egress: 0 };
  const env: Env = NO_ENV;

  for (const dir of ['ingress', 'egress'] as const) {
    const inAttr = (n: string): HclAttr | undefined => attr(b, `${dir}_${n}`) ?? attr(b, `computed_${dir}_${n}`);
    const cidrAttr = inAttr('cidr_blocks');
    const ipv6Attr = inAttr('ipv6_cidr_blocks');
    const defaults: ModuleCidrs = {
      cidr: cidrAttr ? listSources(cidrAttr.val, 'cidr', ctx, env) : dir === 'egress' ? [{ kind: 'cidr', value: '0.0.0.0/0', range: b.headerRange, file: ctx.file, via: 'module default egress_cidr_blocks' }] : [],
      ipv6: ipv6Attr ? listSources(ipv6Attr.val, 'ipv6', ctx, env) : dir === 'egress' ? [{ kind: 'ipv6', value: '::/0', range: b.headerRange, file: ctx.file, via: 'module default egress_ipv6_cidr_blocks' }] : [],
      prefix: listSources(inAttr('prefix_list_ids')?.val, 'prefix-list', ctx, env),
    };
    const add = (named: { from: number | null; to: number | null; protocol: string | null; description: string | null; descState: 'present' | 'missing' | 'unresolved'; namedRule?: string }, sources: PendingSource[], range: SourceRange, portsRange?: SourceRange): void => {
      const proto = named.protocol === null ? null : normaliseProtocol(named.protocol);
      const all = proto === 'all';
      const rid = `${id}/${dir}[${counters[dir]++}]`;
      const r = finishRule(ctx, {
        direction: dir,
        protocol: proto,
        fromPort: all ? 0 : named.from,
        toPort: all ? 65535 : named.to,
        sources,
        description: named.description,
        descriptionState: named.descState,
        range,
        headerRange: firstLine(range),
        portsRange: portsRange ?? range,
        file: ctx.file,
        resource: address,
        groupId: id,
        groupRef: null,
        origin: 'module',
        ...(named.namedRule ? { namedRule: named.namedRule } : {}),
      }, rid);
      group.ruleIds.push(r.id);
    };
    const namedRuleAt = (name: string): { from: number; to: number; protocol: string; description: string; descState: 'present'; namedRule: string } | null => {
      const n = MODULE_NAMED_RULES[name];
      return n ? { from: n.from, to: n.to, protocol: n.protocol, description: n.description, descState: 'present', namedRule: name } : null;
    };
    const allDefaults = [...defaults.cidr, ...defaults.ipv6, ...defaults.prefix];

    // ingress_rules = ["ssh-tcp", ...] (and the preset submodule's auto rules)
    const rulesAttr = inAttr('rules');
    const named: { name: string; range: SourceRange; unresolved?: string }[] = [];
    if (rulesAttr) {
      const rv = resolve(rulesAttr.val, ctx.scope);
      const items = rulesAttr.val.k === 'list' ? rulesAttr.val.items.map((i) => ({ orig: i, r: resolve(i, ctx.scope) })) : rv.k === 'list' ? rv.items.map((i) => ({ orig: rulesAttr.val, r: i })) : [];
      if (rv.k !== 'list') named.push({ name: '', range: rulesAttr.val.r, unresolved: rv.k === 'unknown' ? rv.why : 'not a list' });
      for (const it of items) {
        if (it.r.k === 'str') named.push({ name: it.r.v, range: it.orig.k === 'list' || it.orig === rulesAttr.val ? rulesAttr.val.r : it.orig.r });
        else named.push({ name: '', range: it.orig.r, unresolved: it.r.k === 'unknown' ? it.r.why : 'not a string' });
      }
      // fix ranges for literal list items
      if (rulesAttr.val.k === 'list') rulesAttr.val.items.forEach((i, k) => named[k] && (named[k].range = i.r));
    }
    if (dir === 'ingress' && preset && MODULE_PRESETS[preset]) for (const n of MODULE_PRESETS[preset]) named.push({ name: n, range: b.headerRange });
    if (dir === 'egress' && preset && !attr(b, 'egress_rules')) named.push({ name: 'all-all', range: b.headerRange });
    for (const n of named) {
      const nr = n.unresolved ? null : namedRuleAt(n.name);
      const srcs = allDefaults.map((s) => ({ ...s, range: s.range === b.headerRange ? n.range : s.range }));
      if (nr) add(nr, srcs, n.range);
      else add({ from: null, to: null, protocol: null, description: null, descState: 'unresolved' }, srcs, n.range);
    }

    // *_with_* lists of objects
    const kinds: [string, 'cidr' | 'ipv6' | 'group' | 'self' | 'prefix-list'][] = [
      ['with_cidr_blocks', 'cidr'],
      ['with_ipv6_cidr_blocks', 'ipv6'],
      ['with_source_security_group_id', 'group'],
      ['with_self', 'self'],
      ['with_prefix_list_ids', 'prefix-list'],
    ];
    for (const [suffix, kind] of kinds) {
      const a = inAttr(suffix);
      if (!a) continue;
      const lv = resolve(a.val, ctx.scope);
      if (lv.k !== 'list') {
        if (lv.k !== 'null') add({ from: null, to: null, protocol: null, description: null, descState: 'unresolved' }, [{ kind: 'unresolved', value: 'text' in a.val ? a.val.text : '?', range: a.val.r, file: ctx.file, reason: lv.k === 'unknown' ? lv.why : 'not a list' }], a.range);
        continue;
      }
      for (const item of lv.items) {
        const o = resolve(item, ctx.scope);
        if (o.k !== 'obj') continue;
        const g = (k: string): Val | undefined => objGet(o, k);
        const ruleName = g('rule');
        let base: { from: number | null; to: number | null; protocol: string | null; description: string | null; descState: 'present' | 'missing' | 'unresolved'; namedRule?: string };
        const rn = ruleName ? resolve(ruleName, ctx.scope) : undefined;
        if (rn && rn.k === 'str' && MODULE_NAMED_RULES[rn.v]) base = namedRuleAt(rn.v)!;
        else if (rn) base = { from: null, to: null, protocol: null, description: null, descState: 'unresolved' };
        else {
          const pv = g('protocol') ? resolve(g('protocol')!, ctx.scope) : undefined;
          base = {
            from: asNumber(g('from_port'), ctx, env),
            to: asNumber(g('to_port'), ctx, env),
            protocol: pv && (pv.k === 'str' || pv.k === 'num') ? String(pv.v) : null,
            description: null,
            descState: 'missing',
          };
        }
        const d = asString(g('description'), ctx);
        if (d.state !== 'missing') {
          base.description = d.value;
          base.descState = d.state;
        } else if (!rn) {
          base.descState = 'missing';
        }
        let sources: PendingSource[] = [];
        if (kind === 'cidr' || kind === 'ipv6') {
          const key = kind === 'cidr' ? 'cidr_blocks' : 'ipv6_cidr_blocks';
          const cv = g(key);
          if (!cv) sources = (kind === 'cidr' ? defaults.cidr : defaults.ipv6).map((s) => ({ ...s }));
          else {
            const rv = resolve(cv, ctx.scope);
            if (rv.k === 'str') {
              const o2 = ctx.scope.origin.get(rv);
              for (const piece of splitComma(rv.v)) {
                const range = o2 ? cv.r : subRange(rv.r, piece.offset, piece.text.length);
                sources.push({ ...literalCidrSource(piece.text), range, file: ctx.file, ...(o2 ? { definedAt: { file: o2.file, range: rv.r }, via: o2.via } : {}), field: kind === 'ipv6' ? 6 : 4 });
              }
            } else sources = listSources(cv, kind, ctx, env);
          }
        } else if (kind === 'group') sources = singleSource(g('source_security_group_id'), 'group', ctx, env);
        else if (kind === 'prefix-list') {
          const pv = g('prefix_list_ids');
          if (pv) {
            const rv = resolve(pv, ctx.scope);
            if (rv.k === 'str') for (const piece of splitComma(rv.v)) sources.push({ kind: 'prefix-list', value: piece.text, range: subRange(rv.r, piece.offset, piece.text.length), file: ctx.file });
            else sources = listSources(pv, 'prefix-list', ctx, env);
          } else sources = defaults.prefix.map((s) => ({ ...s }));
        } else {
          const sv = g('self');
          sources = [{ kind: 'self', value: 'self', range: sv ? sv.r : item.r, file: ctx.file }];
        }
        const fp = objGet(o, 'from_port');
        const tp = objGet(o, 'to_port');
        add(base, sources, item.r, fp && tp ? span(fp.r, tp.r) : undefined);
      }
    }
  }
}

// --- network (for the cost rule) ---------------------------------------------------------------

function serviceOf(v: Val | undefined, ctx: Ctx): string | null {
  if (!v) return null;
  const r = resolve(v, ctx.scope);
  let text: string | null = null;
  if (r.k === 'str') text = r.v;
  else if (v.k === 'tpl') {
    const last = v.parts[v.parts.length - 1];
    if (last && last.k === 'str') text = last.v;
  }
  if (!text) return null;
  const m = /\.([a-z0-9-]+)$/.exec(text);
  return m ? m[1] : text;
}

function network(ctx: Ctx, b: HclBlock): void {
  const type = b.labels[0];
  const address = `${type}.${b.labels[1]}`;
  const base = { id: `${ctx.file}#${address}`, format: 'terraform' as const, address, file: ctx.file, range: b.range, headerRange: b.headerRange };
  const a = (n: string): Val | undefined => attr(b, n)?.val;
  switch (type) {
    case 'aws_vpc':
    case 'aws_default_vpc': {
      const c = a('cidr_block') ? resolve(a('cidr_block')!, ctx.scope) : undefined;
      ctx.model.network.push({ ...base, kind: 'vpc', vpc: address, cidr: c?.k === 'str' ? c.v : null });
      break;
    }
    case 'aws_subnet':
      ctx.model.network.push({ ...base, kind: 'subnet', vpc: identityOf(a('vpc_id'), ctx) });
      break;
    case 'aws_internet_gateway':
      ctx.model.network.push({ ...base, kind: 'internet-gateway', vpc: identityOf(a('vpc_id'), ctx) });
      break;
    case 'aws_nat_gateway': {
      const ct = asString(a('connectivity_type'), ctx);
      if (ct.value === 'private') break;
      ctx.model.network.push({ ...base, kind: 'nat-gateway', vpc: null, subnet: identityOf(a('subnet_id'), ctx) });
      break;
    }
    case 'aws_route_table':
    case 'aws_default_route_table': {
      const nats: string[] = [];
      const routes: Val[] = [];
      for (const rb of b.blocks) if (rb.type === 'route') {
        const n = attr(rb, 'nat_gateway_id');
        if (n) routes.push(n.val);
      }
      const ra = a('route');
      const rv = ra ? resolve(ra, ctx.scope) : undefined;
      if (rv?.k === 'list') for (const it of rv.items) {
        const n = objGet(it, 'nat_gateway_id');
        if (n) routes.push(n);
      }
      for (const n of routes) {
        const idn = identityOf(n, ctx);
        if (idn) nats.push(idn);
      }
      let vpc = identityOf(a('vpc_id'), ctx);
      const drt = a('default_route_table_id');
      if (!vpc && drt) vpc = refIdentity(drt);
      ctx.model.network.push({ ...base, kind: 'route-table', vpc, natGateways: nats });
      break;
    }
    case 'aws_route':
      ctx.model.network.push({ ...base, kind: 'route', vpc: null, routeTable: identityOf(a('route_table_id'), ctx), natGateway: a('nat_gateway_id') ? identityOf(a('nat_gateway_id'), ctx) : null });
      break;
    case 'aws_route_table_association':
      ctx.model.network.push({ ...base, kind: 'route-table-association', vpc: null, routeTable: identityOf(a('route_table_id'), ctx), subnet: identityOf(a('subnet_id'), ctx) });
      break;
    case 'aws_vpc_endpoint': {
      const t = asString(a('vpc_endpoint_type'), ctx);
      const rts = a('route_table_ids');
      const tables: string[] = [];
      if (rts) {
        if (rts.k === 'list') for (const i of rts.items) tables.push(identityOf(i, ctx) ?? '?');
        else {
          const r = resolve(rts, ctx.scope);
          if (r.k === 'list') for (const i of r.items) tables.push(identityOf(i, ctx) ?? '?');
          else tables.push('?');
        }
      }
      ctx.model.network.push({ ...base, kind: 'vpc-endpoint', vpc: identityOf(a('vpc_id'), ctx), service: serviceOf(a('service_name'), ctx), endpointType: t.value ?? (t.state === 'missing' ? 'Gateway' : null), routeTables: tables });
      break;
    }
    case 'aws_vpc_endpoint_route_table_association': {
      const ep = identityOf(a('vpc_endpoint_id'), ctx);
      const rt = identityOf(a('route_table_id'), ctx);
      ctx.model.network.push({ ...base, kind: 'route-table-association', vpc: null, routeTable: rt, endpoint: ep });
      break;
    }
    default:
      break;
  }
}

// --- suppressions ------------------------------------------------------------------------------

function allBlocks(blocks: HclBlock[], out: HclBlock[] = []): HclBlock[] {
  for (const b of blocks) {
    out.push(b);
    allBlocks(b.blocks, out);
  }
  return out;
}

export function terraformSuppressions(file: string, hcl: HclFile): Suppression[] {
  const out: Suppression[] = [];
  const blocks = allBlocks(hcl.blocks);
  const commentLines = new Set(hcl.comments.map((c) => c.range.start.line));
  for (const c of hcl.comments) {
    const parsed = parseIgnoreComment(c.text);
    if (!parsed) continue;
    let line = c.range.end.line + 1;
    while (commentLines.has(line)) line++;
    const below = blocks.filter((b) => b.range.start.line === line).sort((x, y) => comparePos(x.range.start, y.range.start))[0];
    const trailing = blocks.some((b) => b.range.start.line === c.range.start.line && comparePos(b.range.start, c.range.start) < 0 && b.range.end.line > c.range.start.line);
    let scope: SourceRange | undefined;
    if (below && !trailing) scope = below.range;
    else {
      const inner = blocks.filter((b) => rangeContains(b.range, c.range)).sort((x, y) => (rangeContains(x.range, y.range) ? 1 : -1))[0];
      scope = inner?.range;
    }
    if (!scope) scope = { start: { line, column: 0 }, end: { line: line + 1, column: 0 } };
    out.push({ file, range: c.range, scope, ruleIds: parsed.ruleIds, reason: parsed.reason });
  }
  return out;
}

// --- entry point -------------------------------------------------------------------------------

const STANDALONE = new Set(['aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']);

/** Builds the model of one Terraform module directory from its parsed files (.tf, .tfvars and their .json forms). */
export function extractTerraform(files: TfFileInput[]): IacModel {
  const model = emptyModel();
  const scope = buildScope(files);
  for (const f of files) {
    model.files.push(f.path);
    for (const p of f.hcl.problems) model.problems.push({ file: f.path, message: p.message, range: p.range, severity: 'error' });
    if (isTfvarsPath(f.path)) continue;
    const ctx: Ctx = { scope, file: f.path, model };
    for (const b of f.hcl.blocks) {
      if (b.type === 'resource' || b.type === 'module') model.resourceCount++;
      if (b.type === 'resource' && b.labels.length >= 2) {
        const t = b.labels[0];
        if (SG_TYPES.has(t)) securityGroup(ctx, b);
        else if (STANDALONE.has(t)) standaloneRule(ctx, b);
        else network(ctx, b);
      } else if (b.type === 'module' && b.labels[0]) {
        const src = attr(b, 'source');
        const sv = src ? resolve(src.val, scope) : undefined;
        const preset = sv?.k === 'str' ? securityGroupModulePreset(sv.v) : null;
        if (preset !== null) moduleGroup(ctx, b, preset);
      }
    }
    model.suppressions.push(...(isTfJsonFile(f.hcl) ? jsonSuppressions(f.path, f.hcl) : terraformSuppressions(f.path, f.hcl)));
  }
  attachStandalone(model);
  return model;
}

/** Standalone rule resources join the group they name (by address or, failing that, by literal id). */
export function attachStandalone(model: IacModel): void {
  const byAddress = new Map(model.groups.map((g) => [g.address, g]));
  for (const r of model.rules) {
    if (r.groupId || !r.groupRef) continue;
    const g = byAddress.get(r.groupRef);
    if (g) {
      r.groupId = g.id;
      r.groupRef = null;
      g.ruleIds.push(r.id);
    }
  }
}

export type { SourceKind, NetworkElement };
