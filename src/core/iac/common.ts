/** Helpers both adapters share: protocol and CIDR normalisation, suppression comments. */
import type { SourceRange } from '../model/flows';
import type { SourceKind, Suppression } from './model';

/** 'all' | 'tcp' | 'udp' | 'icmp' | 'icmpv6' | IANA number as string; null if not recognisable. */
export function normaliseProtocol(v: string | number | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim().toLowerCase();
  switch (s) {
    case '-1':
    case 'all':
    case '-1.0':
      return 'all';
    case 'tcp':
    case '6':
      return 'tcp';
    case 'udp':
    case '17':
      return 'udp';
    case 'icmp':
    case '1':
      return 'icmp';
    case 'icmpv6':
    case 'icmp6':
    case '58':
      return 'icmpv6';
    default:
      return /^\d+$/.test(s) ? s : null;
  }
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(\/(\d{1,2}))?$/;

/** Classifies a written source string: IPv4 CIDR, IPv6 CIDR, or neither. */
export function cidrKind(s: string): Extract<SourceKind, 'cidr' | 'ipv6'> | null {
  const t = s.trim();
  if (IPV4.test(t)) return 'cidr';
  if (t.includes(':') && /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(t)) return 'ipv6';
  return null;
}

/** Prefix length of a CIDR (a bare address counts as /32 or /128); null when not a CIDR. */
export function prefixLength(s: string): number | null {
  const t = s.trim();
  const kind = cidrKind(t);
  if (!kind) return null;
  const slash = t.indexOf('/');
  if (slash < 0) return kind === 'cidr' ? 32 : 128;
  return Number(t.slice(slash + 1));
}

export function isWorldCidr(s: string): boolean {
  const t = s.trim();
  return prefixLength(t) === 0;
}

/** IPv4 as a number, or null. */
export function ipv4ToInt(s: string): number | null {
  const m = IPV4.exec(s.trim());
  if (!m) return null;
  const parts = [m[1], m[2], m[3], m[4]].map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** True when the whole CIDR lies in RFC 1918, CGNAT (100.64/10) or link-local space. */
export function isPrivateIpv4Cidr(s: string): boolean {
  const ip = ipv4ToInt(s.split('/')[0]);
  const len = prefixLength(s);
  if (ip === null || len === null) return false;
  const within = (base: string, baseLen: number): boolean => {
    const b = ipv4ToInt(base)!;
    if (len < baseLen) return false;
    const mask = baseLen === 0 ? 0 : (~0 << (32 - baseLen)) >>> 0;
    return ((ip & mask) >>> 0) === ((b & mask) >>> 0);
  };
  return within('10.0.0.0', 8) || within('172.16.0.0', 12) || within('192.168.0.0', 16) || within('100.64.0.0', 10);
}

/** Splits "a,b , c" (module inputs) into pieces with their offsets inside the string. */
export function splitComma(s: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  let i = 0;
  for (const piece of s.split(',')) {
    const lead = piece.length - piece.trimStart().length;
    const t = piece.trim();
    if (t) out.push({ text: t, offset: i + lead });
    i += piece.length + 1;
  }
  return out;
}

/** The range of a substring inside a single-line string literal that starts with a quote. */
export function subRange(literal: SourceRange, offset: number, length: number, quoted = true): SourceRange {
  if (literal.start.line !== literal.end.line) return literal;
  const base = literal.start.column + (quoted ? 1 : 0) + offset;
  return { start: { line: literal.start.line, column: base }, end: { line: literal.start.line, column: base + length } };
}

export const IGNORE_MARKER = /egress-lens:ignore\s+([A-Za-z0-9*,\s]+?)(?:\s+(.*))?$/;

/**
 * Reads `egress-lens:ignore EL001[,EL002] reason` from a comment's text. Ids are ELnnn or `*`.
 * Returns null when the comment carries no marker.
 */
export function parseIgnoreComment(text: string): { ruleIds: string[]; reason: string } | null {
  const body = text.replace(/^\s*(#|\/\/|\/\*)\s?/, '').replace(/\*\/\s*$/, '').trim();
  const at = body.indexOf('egress-lens:ignore');
  if (at < 0) return null;
  const rest = body.slice(at + 'egress-lens:ignore'.length).trim();
  const ids: string[] = [];
  let reasonStart = 0;
  const tokenRe = /\s*([A-Za-z]+\d+|\*)\s*(,)?/y;
  let m: RegExpExecArray | null;
  tokenRe.lastIndex = 0;
  while ((m = tokenRe.exec(rest))) {
    ids.push(m[1].toUpperCase());
    reasonStart = tokenRe.lastIndex;
    if (!m[2]) {
      // a space-separated list continues only with another id
      const next = /^\s*([A-Za-z]{2}\d+)(\s|,|:|$)/.exec(rest.slice(reasonStart));
      if (!next) break;
    }
  }
  if (!ids.length) return null;
  return { ruleIds: ids, reason: rest.slice(reasonStart).replace(/^[\s:—–-]+/, '').trim() };
}

export function suppressionMatches(s: Suppression, ruleId: string): boolean {
  return s.ruleIds.includes('*') || s.ruleIds.includes(ruleId.toUpperCase());
}
