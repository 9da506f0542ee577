/**
 * CloudFormation adapter: one template → the normalised IacModel. Reads AWS::EC2::SecurityGroup
 * (SecurityGroupIngress / SecurityGroupEgress; a group without egress keeps AWS's allow-all
 * default, modelled as an 'implicit-default' rule), AWS::EC2::SecurityGroupIngress/Egress, and the
 * VPC/NAT/route/endpoint resources the cost rule needs. Resolves Ref to Parameters' Default,
 * Fn::GetAtt X.CidrBlock of a VPC in the template, Fn::FindInMap, Fn::Select, Fn::Join, Fn::Sub of
 * parameters. `Fn::If [Cond, a, b]` (on a source or on a whole rule item) gives both branches as
 * alternative sources labelled `via: Fn::If Cond=true|false`; `AWS::NoValue` branches give none.
 * The rest is 'unresolved' with the reason.
 */
import type { SourceRange } from '../../model/flows';
import { literalCidrSource, normaliseProtocol, parseIgnoreComment } from '../common';
import type { IacModel, NetworkElement, RuleSource, SecurityGroupModel, SgRule, Suppression } from '../model';
import { emptyModel } from '../model';
import { objEntry, objGet, rangeContains, type ObjEntry, type Val } from '../value';
import { parseCloudFormation, type CfnText } from './parse';

type PendingSource = Omit<RuleSource, 'id'>;

interface Resource {
  id: string;
  type: string;
  props: Val | undefined;
  metadata: Val | undefined;
  range: SourceRange;
  headerRange: SourceRange;
}

interface Ctx {
  file: string;
  params: Map<string, { val: Val; range: SourceRange }>;
  /** Every declared parameter (with or without a Default). */
  declared: Set<string>;
  mappings: Val | undefined;
  resources: Map<string, Resource>;
  origin: WeakMap<object, string>;
  model: IacModel;
}

function unknown(v: Val, why: string): Val {
  return { k: 'unknown', text: 'text' in v ? v.text : '', r: v.r, why };
}

const PSEUDO = /^AWS::/;

function resolve(v: Val, ctx: Ctx, depth = 0): Val {
  if (depth > 16) return unknown(v, 'nesting too deep');
  if (v.k === 'list') return { k: 'list', items: v.items.map((i) => resolve(i, ctx, depth + 1)), r: v.r };
  if (v.k !== 'fn') return v;
  const a = v.args.map((x) => x);
  switch (v.name) {
    case 'Ref': {
      const name = a[0]?.k === 'str' ? a[0].v : null;
      if (!name) return unknown(v, 'Ref of a non-string');
      const p = ctx.params.get(name);
      if (p) {
        ctx.origin.set(p.val, `Parameter ${name}`);
        if (p.val.k === 'list') for (const i of p.val.items) ctx.origin.set(i, `Parameter ${name}`);
        // CommaDelimitedList defaults are one string
        return p.val;
      }
      if (ctx.resources.has(name)) return { k: 'ref', path: [name], text: `!Ref ${name}`, r: v.r };
      if (ctx.declared.has(name)) return unknown(v, `Parameter ${name} has no Default; its value is given at deploy time`);
      if (PSEUDO.test(name)) return unknown(v, `${name} is known only at deploy time`);
      return unknown(v, `Ref ${name}: no such parameter or resource in this template`);
    }
    case 'Fn::GetAtt': {
      const res = a[0]?.k === 'str' ? a[0].v : null;
      const att = a[1] ? resolve(a[1], ctx, depth + 1) : undefined;
      if (!res || !att || att.k !== 'str') return unknown(v, 'Fn::GetAtt with non-literal arguments');
      const r = ctx.resources.get(res);
      if (!r) return unknown(v, `Fn::GetAtt ${res}: not in this template`);
      if (att.v === 'GroupId' || att.v === 'Id') return { k: 'ref', path: [res], text: `!GetAtt ${res}.${att.v}`, r: v.r };
      if (r.type === 'AWS::EC2::VPC' && att.v === 'CidrBlock') {
        const c = objGet(r.props, 'CidrBlock');
        if (c) {
          const rc = resolve(c, ctx, depth + 1);
          if (rc.k === 'str') ctx.origin.set(rc, `${res}.CidrBlock`);
          return rc;
        }
      }
      return unknown(v, `${res}.${att.v} is known only after deployment`);
    }
    case 'Fn::Sub': {
      const tpl = a[0] ? resolve(a[0], ctx, depth + 1) : undefined;
      if (!tpl || tpl.k !== 'str') return unknown(v, 'Fn::Sub with a non-literal template');
      const vars = a[1] && a[1].k === 'obj' ? a[1] : undefined;
      let failed: string | null = null;
      const out = tpl.v.replace(/\$\{([^}!]+)\}/g, (m, name: string) => {
        const local = vars ? objGet(vars, name) : undefined;
        const val = local ? resolve(local, ctx, depth + 1) : ctx.params.has(name) ? resolve(ctx.params.get(name)!.val, ctx, depth + 1) : undefined;
        if (val && val.k === 'str') return val.v;
        if (val && val.k === 'num') return String(val.v);
        failed = failed ?? `\${${name}} is known only at deploy time`;
        return m;
      });
      return failed ? unknown(v, failed) : { k: 'str', v: out, r: v.r };
    }
    case 'Fn::FindInMap': {
      const keys = a.slice(0, 3).map((x) => resolve(x, ctx, depth + 1));
      if (keys.length < 3 || keys.some((k) => k.k !== 'str')) return unknown(v, 'Fn::FindInMap with keys known only at deploy time');
      const [m, top, second] = keys.map((k) => (k.k === 'str' ? k.v : ''));
      const found = objGet(objGet(objGet(ctx.mappings, m), top), second);
      if (!found) return unknown(v, `Mappings ${m}.${top}.${second} not found`);
      ctx.origin.set(found, `Mappings ${m}.${top}.${second}`);
      return resolve(found, ctx, depth + 1);
    }
    case 'Fn::Select': {
      const idx = a[0] ? resolve(a[0], ctx, depth + 1) : undefined;
      const list = a[1] ? resolve(a[1], ctx, depth + 1) : undefined;
      const i = idx?.k === 'num' ? idx.v : idx?.k === 'str' && /^\d+$/.test(idx.v) ? Number(idx.v) : null;
      if (i === null || !list) return unknown(v, 'Fn::Select with a non-literal index');
      if (list.k === 'list') return list.items[i] ? resolve(list.items[i], ctx, depth + 1) : unknown(v, 'Fn::Select index out of range');
      if (list.k === 'str') {
        const parts = list.v.split(',');
        return parts[i] !== undefined ? { k: 'str', v: parts[i].trim(), r: list.r } : unknown(v, 'Fn::Select index out of range');
      }
      return unknown(v, 'Fn::Select of a list known only at deploy time');
    }
    case 'Fn::Join': {
      const sep = a[0] ? resolve(a[0], ctx, depth + 1) : undefined;
      const list = a[1] ? resolve(a[1], ctx, depth + 1) : undefined;
      if (!sep || sep.k !== 'str' || !list || list.k !== 'list' || list.items.some((x) => x.k !== 'str')) return unknown(v, 'Fn::Join of values known only at deploy time');
      return { k: 'str', v: list.items.map((x) => (x.k === 'str' ? x.v : '')).join(sep.v), r: v.r };
    }
    case 'Fn::If':
      return unknown(v, 'Fn::If depends on a condition evaluated at deploy time');
    case 'Fn::ImportValue':
      return unknown(v, 'Fn::ImportValue comes from another stack');
    default:
      return unknown(v, `${v.name} is not evaluated statically`);
  }
}

function identity(v: Val | undefined, ctx: Ctx): string | null {
  if (!v) return null;
  const r = resolve(v, ctx);
  if (r.k === 'ref') return String(r.path[0]);
  if (r.k === 'str') return r.v;
  return 'text' in v ? v.text : null;
}

function str(v: Val | undefined, ctx: Ctx): { state: 'present' | 'missing' | 'unresolved'; value: string | null } {
  if (!v) return { state: 'missing', value: null };
  const r = resolve(v, ctx);
  if (r.k === 'str') return r.v.trim() ? { state: 'present', value: r.v } : { state: 'missing', value: null };
  if (r.k === 'num') return { state: 'present', value: String(r.v) };
  if (r.k === 'null') return { state: 'missing', value: null };
  return { state: 'unresolved', value: null };
}

function num(v: Val | undefined, ctx: Ctx): number | null {
  if (!v) return null;
  const r = resolve(v, ctx);
  if (r.k === 'num') return r.v;
  if (r.k === 'str' && /^-?\d+$/.test(r.v.trim())) return Number(r.v);
  return null;
}

/** `Fn::If [Cond, a, b]` → its two branches with their labels; null when `v` is not one. */
function ifBranches(v: Val): { val: Val; label: string }[] | null {
  if (v.k !== 'fn' || v.name !== 'Fn::If' || v.args.length !== 3) return null;
  const cond = v.args[0].k === 'str' ? v.args[0].v : 'condition';
  return [
    { val: v.args[1], label: `Fn::If ${cond}=true` },
    { val: v.args[2], label: `Fn::If ${cond}=false` },
  ].filter((b) => !isNoValue(b.val));
}

function isNoValue(v: Val): boolean {
  return v.k === 'fn' && v.name === 'Ref' && v.args[0]?.k === 'str' && v.args[0].v === 'AWS::NoValue';
}

function withVia<T extends { via?: string }>(x: T, label: string): T {
  return { ...x, via: x.via ? `${label}, ${x.via}` : label };
}

function source(v: Val | undefined, kind: 'cidr' | 'ipv6' | 'group' | 'prefix-list', ctx: Ctx, depth = 0): PendingSource[] {
  if (!v || isNoValue(v)) return [];
  // A condition evaluated at deploy time: each branch is a possible source (rules see both).
  const branches = depth < 8 ? ifBranches(v) : null;
  if (branches) return branches.flatMap((b) => source(b.val, kind, ctx, depth + 1).map((x) => withVia(x, b.label)));
  const r = resolve(v, ctx);
  const via = ctx.origin.get(r);
  const base = { range: v.r, file: ctx.file, ...(via ? { definedAt: { file: ctx.file, range: r.r }, via } : {}) };
  if (r.k === 'null') return [];
  if (kind === 'group' || kind === 'prefix-list') {
    const value = r.k === 'ref' ? String(r.path[0]) : r.k === 'str' ? r.v : 'text' in v ? v.text : '?';
    return [{ ...base, kind, value }];
  }
  if (r.k === 'str') {
    return [{ ...base, ...literalCidrSource(r.v), field: kind === 'ipv6' ? 6 : 4 }];
  }
  return [{ ...base, kind: 'unresolved', value: 'text' in v ? v.text : r.k, reason: r.k === 'unknown' && r.why ? r.why : 'not a literal CIDR' }];
}

function firstLine(r: SourceRange): SourceRange {
  if (r.start.line === r.end.line) return r;
  return { start: r.start, end: { line: r.start.line, column: r.start.column + 1 } };
}

function ruleFrom(ctx: Ctx, o: Val, direction: 'ingress' | 'egress', meta: { id: string; resource: string; groupId: string | null; groupRef: string | null; origin: SgRule['origin']; range: SourceRange; headerRange: SourceRange }): SgRule {
  const g = (k: string): Val | undefined => objGet(o, k);
  const pv = g('IpProtocol') ? resolve(g('IpProtocol')!, ctx) : undefined;
  const protocol = pv && (pv.k === 'str' || pv.k === 'num') ? normaliseProtocol(pv.v) : null;
  let fromPort = num(g('FromPort'), ctx);
  let toPort = num(g('ToPort'), ctx);
  if (protocol === 'all') {
    fromPort = 0;
    toPort = 65535;
  }
  const fp = objEntry(o, 'FromPort');
  const tp = objEntry(o, 'ToPort');
  const sources: PendingSource[] = [];
  sources.push(...source(g('CidrIp'), 'cidr', ctx));
  sources.push(...source(g('CidrIpv6'), 'ipv6', ctx));
  if (direction === 'ingress') {
    sources.push(...source(g('SourceSecurityGroupId') ?? g('SourceSecurityGroupName'), 'group', ctx));
    sources.push(...source(g('SourcePrefixListId'), 'prefix-list', ctx));
  } else {
    sources.push(...source(g('DestinationSecurityGroupId'), 'group', ctx));
    sources.push(...source(g('DestinationPrefixListId'), 'prefix-list', ctx));
  }
  const d = str(g('Description'), ctx);
  const rule: SgRule = {
    id: meta.id,
    direction,
    protocol,
    fromPort,
    toPort,
    sources: sources.map((s, i) => ({ ...s, id: `${meta.id}/src[${i}]` })),
    description: d.value,
    descriptionState: d.state,
    range: meta.range,
    headerRange: meta.headerRange,
    portsRange: fp && tp ? { start: fp.keyRange.start, end: tp.val.r.end } : meta.headerRange,
    file: ctx.file,
    resource: meta.resource,
    groupId: meta.groupId,
    groupRef: meta.groupRef,
    origin: meta.origin,
  };
  ctx.model.rules.push(rule);
  return rule;
}

function tags(v: Val | undefined, ctx: Ctx): Record<string, string> {
  const out: Record<string, string> = {};
  const r = v ? resolve(v, ctx) : undefined;
  if (r?.k !== 'list') return out;
  for (const t of r.items) {
    const k = str(objGet(t, 'Key'), ctx).value;
    const val = str(objGet(t, 'Value'), ctx).value;
    if (k && val !== null) out[k] = val;
  }
  return out;
}

function group(ctx: Ctx, res: Resource): SecurityGroupModel {
  const p = res.props;
  const id = `${ctx.file}#${res.id}`;
  const desc = str(objGet(p, 'GroupDescription'), ctx);
  const g: SecurityGroupModel = {
    id,
    format: 'cloudformation',
    address: res.id,
    resourceType: res.type,
    file: ctx.file,
    name: str(objGet(p, 'GroupName'), ctx).value,
    namePrefix: null,
    description: desc.value,
    descriptionState: desc.state,
    vpc: identity(objGet(p, 'VpcId'), ctx),
    isDefault: false,
    tags: tags(objGet(p, 'Tags'), ctx),
    range: res.range,
    headerRange: res.headerRange,
    ruleIds: [],
  };
  ctx.model.groups.push(g);
  for (const [key, dir] of [['SecurityGroupIngress', 'ingress'], ['SecurityGroupEgress', 'egress']] as const) {
    const list = objGet(p, key);
    if (!list) continue;
    const rl = resolve(list, ctx);
    let n = 0;
    if (rl.k !== 'list') {
      const r = ruleFrom(ctx, { k: 'obj', entries: [], r: list.r }, dir, { id: `${id}/${dir}[${n++}]`, resource: res.id, groupId: id, groupRef: null, origin: 'inline', range: list.r, headerRange: firstLine(list.r) });
      r.sources.push({ id: `${r.id}/src[0]`, kind: 'unresolved', value: 'text' in list ? list.text : key, range: list.r, file: ctx.file, reason: rl.k === 'unknown' && rl.why ? rl.why : `${key} is not a literal list` });
      r.descriptionState = 'unresolved';
      g.ruleIds.push(r.id);
      continue;
    }
    // Items as written (a resolved Fn::If item would already be 'unknown').
    for (const item of list.k === 'list' ? list.items : rl.items) {
      // `- !If [Cond, {rule}, !Ref AWS::NoValue]`: each object branch is a rule of its own, its sources labelled.
      const alternatives = ifBranches(item)?.map((b) => ({ val: resolve(b.val, ctx), label: b.label as string | null })) ?? [{ val: item, label: null }];
      for (const alt of alternatives) {
        if (alt.val.k !== 'obj') continue;
        const r = ruleFrom(ctx, alt.val, dir, { id: `${id}/${dir}[${n++}]`, resource: res.id, groupId: id, groupRef: null, origin: 'inline', range: alt.val.r, headerRange: firstLine(alt.val.r) });
        if (alt.label) r.sources = r.sources.map((x) => withVia(x, alt.label!));
        g.ruleIds.push(r.id);
      }
    }
  }
  return g;
}

function network(ctx: Ctx, res: Resource): void {
  const p = res.props;
  const base = { id: `${ctx.file}#${res.id}`, format: 'cloudformation' as const, address: res.id, file: ctx.file, range: res.range, headerRange: res.headerRange };
  const g = (k: string): Val | undefined => objGet(p, k);
  const push = (n: Omit<NetworkElement, keyof typeof base>): void => {
    ctx.model.network.push({ ...base, ...n });
  };
  switch (res.type) {
    case 'AWS::EC2::VPC': {
      const c = g('CidrBlock') ? resolve(g('CidrBlock')!, ctx) : undefined;
      push({ kind: 'vpc', vpc: res.id, cidr: c?.k === 'str' ? c.v : null });
      break;
    }
    case 'AWS::EC2::Subnet':
      push({ kind: 'subnet', vpc: identity(g('VpcId'), ctx) });
      break;
    case 'AWS::EC2::InternetGateway':
      push({ kind: 'internet-gateway', vpc: null });
      break;
    case 'AWS::EC2::NatGateway':
      if (str(g('ConnectivityType'), ctx).value === 'private') break;
      push({ kind: 'nat-gateway', vpc: null, subnet: identity(g('SubnetId'), ctx) });
      break;
    case 'AWS::EC2::RouteTable':
      push({ kind: 'route-table', vpc: identity(g('VpcId'), ctx), natGateways: [] });
      break;
    case 'AWS::EC2::Route':
      push({ kind: 'route', vpc: null, routeTable: identity(g('RouteTableId'), ctx), natGateway: g('NatGatewayId') ? identity(g('NatGatewayId'), ctx) : null });
      break;
    case 'AWS::EC2::SubnetRouteTableAssociation':
      push({ kind: 'route-table-association', vpc: null, routeTable: identity(g('RouteTableId'), ctx), subnet: identity(g('SubnetId'), ctx) });
      break;
    case 'AWS::EC2::VPCEndpoint': {
      const sv = g('ServiceName');
      let service: string | null = null;
      if (sv) {
        const r = resolve(sv, ctx);
        const raw = r.k === 'str' ? r.v : sv.k === 'fn' && sv.args[0]?.k === 'str' ? sv.args[0].v : null;
        const m = raw ? /\.([a-z0-9-]+)$/.exec(raw) : null;
        service = m ? m[1] : raw;
      }
      const rts = g('RouteTableIds');
      const rl = rts ? resolve(rts, ctx) : undefined;
      const tables = rl?.k === 'list' ? rl.items.map((i) => identity(i, ctx) ?? '?') : rts ? ['?'] : [];
      const t = str(g('VpcEndpointType'), ctx);
      push({ kind: 'vpc-endpoint', vpc: identity(g('VpcId'), ctx), service, endpointType: t.value ?? (t.state === 'missing' ? 'Gateway' : null), routeTables: tables });
      break;
    }
    default:
      break;
  }
}

function suppressions(ctx: Ctx, text: CfnText, resources: Resource[]): Suppression[] {
  const out: Suppression[] = [];
  for (const r of resources) {
    const ign = objGet(objGet(r.metadata, 'egress-lens'), 'ignore');
    if (!ign || ign.k !== 'list') continue;
    for (const item of ign.items) {
      let ids: string[] = [];
      let reason = '';
      if (item.k === 'str') ids = [item.v];
      else if (item.k === 'obj') {
        const id = objGet(item, 'id') ?? objGet(item, 'Id');
        const rs = objGet(item, 'reason') ?? objGet(item, 'Reason');
        if (id?.k === 'str') ids = id.v.split(',').map((s) => s.trim());
        if (rs?.k === 'str') reason = rs.v;
      }
      if (ids.length) out.push({ file: ctx.file, range: item.r, scope: r.range, ruleIds: ids.map((s) => s.toUpperCase()), reason, resource: r.id });
    }
  }
  for (const c of text.comments) {
    const parsed = parseIgnoreComment(c.text);
    if (!parsed) continue;
    const next = c.range.end.line + 1;
    const holder = resources.find((r) => rangeContains(r.range, c.range)) ?? resources.find((r) => r.range.start.line === next);
    const scope = holder?.range ?? { start: { line: next, column: 0 }, end: { line: next + 1, column: 0 } };
    out.push({ file: ctx.file, range: c.range, scope, ruleIds: parsed.ruleIds, reason: parsed.reason });
  }
  return out;
}

const STANDALONE: Record<string, 'ingress' | 'egress'> = { 'AWS::EC2::SecurityGroupIngress': 'ingress', 'AWS::EC2::SecurityGroupEgress': 'egress' };

/** Builds the model of one CloudFormation template (YAML or JSON). */
export function extractCloudFormation(file: string, text: string | CfnText): IacModel {
  const parsed = typeof text === 'string' ? parseCloudFormation(text) : text;
  const model = emptyModel();
  model.files.push(file);
  for (const p of parsed.problems) model.problems.push({ file, message: p.message, range: p.range, severity: 'error' });
  const root = parsed.root;
  if (!root || root.k !== 'obj') {
    if (root) model.problems.push({ file, message: 'not a CloudFormation template: the top level is not a mapping', severity: 'error' });
    return model;
  }
  const ctx: Ctx = { file, params: new Map(), declared: new Set(), mappings: objGet(root, 'Mappings'), resources: new Map(), origin: new WeakMap(), model };
  const params = objGet(root, 'Parameters');
  if (params?.k === 'obj')
    for (const e of params.entries) {
      ctx.declared.add(e.key);
      const d = objGet(e.val, 'Default');
      if (d) ctx.params.set(e.key, { val: d, range: d.r });
    }
  const resEntries: ObjEntry[] = objGet(root, 'Resources')?.k === 'obj' ? (objGet(root, 'Resources') as Extract<Val, { k: 'obj' }>).entries : [];
  const resources: Resource[] = [];
  for (const e of resEntries) {
    const type = objGet(e.val, 'Type');
    const r: Resource = {
      id: e.key,
      type: type?.k === 'str' ? type.v : '',
      props: objGet(e.val, 'Properties'),
      metadata: objGet(e.val, 'Metadata'),
      range: { start: e.keyRange.start, end: e.val.r.end },
      headerRange: e.keyRange,
    };
    resources.push(r);
    ctx.resources.set(r.id, r);
  }
  model.resourceCount = resources.length;
  if (!resources.length && !parsed.problems.length) model.problems.push({ file, message: 'no Resources in the template', severity: 'warning' });
  const groups = new Map<string, SecurityGroupModel>();
  for (const r of resources) {
    if (r.type === 'AWS::EC2::SecurityGroup') groups.set(r.id, group(ctx, r));
    else if (STANDALONE[r.type]) {
      const dir = STANDALONE[r.type];
      const target = identity(objGet(r.props, 'GroupId') ?? objGet(r.props, 'GroupName'), ctx);
      const g = target ? groups.get(target) : undefined;
      void g;
      ruleFrom(ctx, r.props ?? { k: 'obj', entries: [], r: r.range }, dir, { id: `${file}#${r.id}`, resource: r.id, groupId: null, groupRef: target, origin: 'standalone', range: r.range, headerRange: r.headerRange });
    } else network(ctx, r);
  }
  // Standalone rules join their group.
  for (const rule of model.rules) {
    if (rule.groupId || !rule.groupRef) continue;
    const g = groups.get(rule.groupRef);
    if (g) {
      rule.groupId = g.id;
      rule.groupRef = null;
      g.ruleIds.push(rule.id);
    }
  }
  // Groups without any egress rule keep AWS's default "all traffic to 0.0.0.0/0".
  for (const g of groups.values()) {
    const hasEgress = g.ruleIds.some((id) => model.rules.find((r) => r.id === id)?.direction === 'egress');
    if (hasEgress) continue;
    const id = `${g.id}/egress[default]`;
    model.rules.push({
      id,
      direction: 'egress',
      protocol: 'all',
      fromPort: 0,
      toPort: 65535,
      sources: [{ id: `${id}/src[0]`, kind: 'cidr', value: '0.0.0.0/0', range: g.headerRange, file, via: 'AWS default egress rule' }],
      description: 'AWS default egress rule',
      descriptionState: 'present',
      range: g.headerRange,
      headerRange: g.headerRange,
      portsRange: g.headerRange,
      file,
      resource: g.address,
      groupId: g.id,
      groupRef: null,
      origin: 'implicit-default',
    });
    g.ruleIds.push(id);
  }
  model.suppressions.push(...suppressions(ctx, parsed, resources));
  return model;
}
