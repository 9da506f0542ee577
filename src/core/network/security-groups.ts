/**
 * Security-group rules flattened to one source each (like EC2's SecurityGroupRule), and matching
 * of a flow against them: protocol, port range, and source — an IPv4/IPv6 CIDR, a managed prefix
 * list's entries, or membership of a referenced group (the peer's interface carries that group and
 * the address is one of its private ones — AWS does not apply group references to public IPs).
 */
import type { IpPermission } from '@aws-sdk/client-ec2';
import type { SecurityGroup } from '../model/inventory';
import { type ParsedCidr, cidrContains, parseCidr } from './ip';
import type { NetworkIndex } from './inventory-index';
import type { SgRuleRef } from './types';

export interface CompiledRule extends SgRuleRef {
  /** IANA protocol number, or -1 for all. */
  protocolNumber: number;
  cidr: ParsedCidr | null;
}

const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58, '-1': -1, all: -1 };

export function protocolNumber(p: string | undefined): number {
  if (p === undefined) return -1;
  const k = p.toLowerCase();
  if (k in PROTOCOLS) return PROTOCOLS[k];
  const n = Number(k);
  return Number.isInteger(n) ? n : -1;
}

export function protocolName(n: number): string {
  return n === 6 ? 'tcp' : n === 17 ? 'udp' : n === 1 ? 'icmp' : n === 58 ? 'icmpv6' : n === -1 ? 'all' : String(n);
}

function compilePermission(sg: SecurityGroup, perm: IpPermission, direction: 'ingress' | 'egress'): CompiledRule[] {
  const groupId = sg.GroupId ?? '?';
  const protocol = perm.IpProtocol ?? '-1';
  const pn = protocolNumber(protocol);
  const portless = pn === -1 || !(pn === 6 || pn === 17 || pn === 132);
  const fromPort = portless ? (pn === 1 || pn === 58 ? (perm.FromPort ?? -1) : -1) : (perm.FromPort ?? -1);
  const toPort = portless ? (pn === 1 || pn === 58 ? (perm.ToPort ?? -1) : -1) : (perm.ToPort ?? -1);
  const base = { groupId, groupName: sg.GroupName ?? null, direction, protocol, fromPort, toPort, protocolNumber: pn };
  const mk = (source: string, sourceKind: SgRuleRef['sourceKind'], description: string | undefined, cidr: ParsedCidr | null): CompiledRule => ({
    ...base,
    id: `${groupId}/${direction}/${protocol}/${fromPort}-${toPort}/${source}`,
    source,
    sourceKind,
    description: description ?? null,
    cidr,
  });
  const out: CompiledRule[] = [];
  for (const r of perm.IpRanges ?? []) if (r.CidrIp) out.push(mk(r.CidrIp, 'cidr', r.Description, parseCidr(r.CidrIp)));
  for (const r of perm.Ipv6Ranges ?? []) if (r.CidrIpv6) out.push(mk(r.CidrIpv6, 'cidr', r.Description, parseCidr(r.CidrIpv6)));
  for (const r of perm.PrefixListIds ?? []) if (r.PrefixListId) out.push(mk(r.PrefixListId, 'prefix-list', r.Description, null));
  for (const r of perm.UserIdGroupPairs ?? []) if (r.GroupId) out.push(mk(r.GroupId, 'security-group', r.Description, null));
  return out;
}

/** All rules of a group, inbound then outbound. */
export function compileGroup(sg: SecurityGroup): CompiledRule[] {
  return [
    ...(sg.IpPermissions ?? []).flatMap((p) => compilePermission(sg, p, 'ingress')),
    ...(sg.IpPermissionsEgress ?? []).flatMap((p) => compilePermission(sg, p, 'egress')),
  ];
}

export function toRef(r: CompiledRule): SgRuleRef {
  return {
    id: r.id,
    groupId: r.groupId,
    groupName: r.groupName,
    direction: r.direction,
    protocol: r.protocol,
    fromPort: r.fromPort,
    toPort: r.toPort,
    source: r.source,
    sourceKind: r.sourceKind,
    description: r.description,
  };
}

export function portMatches(r: CompiledRule, protocol: number, port: number): boolean {
  if (r.protocolNumber !== -1 && r.protocolNumber !== protocol) return false;
  if (r.protocolNumber === 6 || r.protocolNumber === 17 || r.protocolNumber === 132) {
    if (r.fromPort === -1) return true;
    return port >= r.fromPort && port <= r.toPort;
  }
  // ICMP rules name a type/code, which flow logs do not carry: any ICMP flow may match.
  return true;
}

/** True when the rule opens a specific service port (not all ports / all traffic / a wide range). */
export function opensSpecificPort(r: CompiledRule, protocol: number, port: number): boolean {
  if (r.protocolNumber !== protocol || !(protocol === 6 || protocol === 17)) return false;
  if (r.fromPort === -1 || r.toPort - r.fromPort >= 1024) return false;
  return port >= r.fromPort && port <= r.toPort;
}

export interface SourceContext {
  index: NetworkIndex;
  /** AWS service of the address when known (for AWS-managed prefix lists without entries). */
  awsService?: string | null;
}

export function sourceMatches(r: CompiledRule, addr: string, ctx: SourceContext): boolean {
  const facts = ctx.index.facts(addr);
  if (r.sourceKind === 'cidr') return !!(facts.ip && r.cidr && cidrContains(r.cidr, facts.ip));
  if (r.sourceKind === 'prefix-list') {
    const pl = ctx.index.prefixLists.get(r.source);
    if (!pl) return false;
    if (facts.ip && ctx.index.prefixListTables.get(r.source)?.has(facts.ip)) return true;
    // AWS-managed lists (com.amazonaws.<region>.s3) whose entries were not fetched.
    if (pl.cidrs.length === 0 && pl.name && ctx.awsService) {
      return pl.name.toLowerCase().endsWith(`.${ctx.awsService.toLowerCase()}`);
    }
    return false;
  }
  // AWS applies a group reference to the private addresses of the group's interfaces only: traffic
  // from one of their public IPs does not match it.
  return !!facts.iface && facts.iface.securityGroupIds.includes(r.source) && !facts.iface.publicIps.includes(facts.text);
}

/** Specificity for choosing the one `matchedRule` to show: group references, then longest prefix. */
export function specificity(r: CompiledRule): number {
  if (r.sourceKind === 'security-group') return 1000;
  if (r.sourceKind === 'prefix-list') return 500;
  return r.cidr ? r.cidr.prefix : 0;
}

/** Compiled rules per group id, cached for one analysis. */
export class RuleBook {
  private readonly cache = new Map<string, CompiledRule[]>();
  private readonly refs = new Map<string, SgRuleRef>();
  constructor(private readonly index: NetworkIndex) {}

  /** The plain reference of a rule, one shared object per rule (flows point at it). */
  refOf(r: CompiledRule): SgRuleRef {
    let ref = this.refs.get(r.id);
    if (!ref) this.refs.set(r.id, (ref = toRef(r)));
    return ref;
  }

  rulesOf(groupId: string): CompiledRule[] | undefined {
    let rules = this.cache.get(groupId);
    if (!rules) {
      const sg = this.index.securityGroups.get(groupId);
      if (!sg) return undefined;
      rules = compileGroup(sg);
      this.cache.set(groupId, rules);
    }
    return rules;
  }

  /** Rules of the given groups in one direction that allow (protocol, port, address). */
  matching(groupIds: string[], direction: 'ingress' | 'egress', protocol: number, port: number, addr: string, awsService: string | null): CompiledRule[] {
    const out: CompiledRule[] = [];
    for (const g of groupIds) {
      for (const r of this.rulesOf(g) ?? []) {
        if (r.direction !== direction) continue;
        if (!portMatches(r, protocol, port)) continue;
        if (!sourceMatches(r, addr, { index: this.index, awsService })) continue;
        out.push(r);
      }
    }
    return out.sort((a, b) => specificity(b) - specificity(a));
  }

  /** An inbound rule of these groups that opens this specific port (any source), if one does. */
  listeningRule(groupIds: string[], protocol: number, port: number): CompiledRule | undefined {
    for (const g of groupIds) {
      for (const r of this.rulesOf(g) ?? []) {
        if (r.direction === 'ingress' && opensSpecificPort(r, protocol, port)) return r;
      }
    }
    return undefined;
  }
}
