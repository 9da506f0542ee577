/** Helpers both adapters share: protocol and CIDR normalisation, suppression comments. */
import type { SourceRange } from '../model/flows';
import { formatIp, isRfcPrivate, parseCidr, parseIp, type ParsedCidr, type ParsedIp } from '../network/ip';
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

/** A written source string parsed by the shared network parser (trimmed); null when not a valid CIDR or address. */
export function parseSourceCidr(s: string): ParsedCidr | null {
  // The same few strings are parsed many times (extraction, then several rules per source).
  // Callers only read the result; the memo is bounded.
  const hit = cidrMemo.get(s);
  if (hit !== undefined) return hit;
  const t = s.trim();
  const c = t ? parseCidr(t) : null;
  if (cidrMemo.size >= 4096) cidrMemo.clear();
  cidrMemo.set(s, c);
  return c;
}

const cidrMemo = new Map<string, ParsedCidr | null>();

/** Classifies a written source string: IPv4 CIDR, IPv6 CIDR, or neither (invalid octets/prefixes are neither). */
export function cidrKind(s: string): Extract<SourceKind, 'cidr' | 'ipv6'> | null {
  const c = parseSourceCidr(s);
  return c ? (c.family === 4 ? 'cidr' : 'ipv6') : null;
}

/** Why a string is not a CIDR, in words, for problems (e.g. "octet 300 is over 255"). */
export function invalidCidrReason(s: string): string {
  const t = s.trim();
  const slash = t.indexOf('/');
  const addr = slash >= 0 ? t.slice(0, slash) : t;
  const pfx = slash >= 0 ? t.slice(slash + 1) : null;
  const ip = parseIp(addr);
  if (!ip) {
    if (/^\d+(\.\d+)*$/.test(addr)) {
      const parts = addr.split('.');
      if (parts.length !== 4) return `'${addr}' does not have four octets`;
      const big = parts.find((x) => Number(x) > 255);
      if (big) return `octet ${big} is over 255`;
    }
    return `'${addr}' is not an IP address`;
  }
  const max = ip.family === 4 ? 32 : 128;
  if (pfx === '') return "nothing follows the '/'";
  if (pfx !== null && !/^\d+$/.test(pfx)) return `'/${pfx}' is not a prefix length`;
  if (pfx !== null && Number(pfx) > max) return `prefix /${pfx} is not between /0 and /${max}`;
  return 'not a CIDR';
}

/**
 * How a written CIDR differs from what AWS accepts: the Terraform AWS provider takes only a
 * network address with a prefix in plain notation (it parses with Go's net.ParseCIDR and compares
 * with the network's own text), cfn-lint checks CidrIp/CidrIpv6 the same way.
 */
export interface CidrNotationIssue {
  /** Not a CIDR at all: why, in words (the other fields are then false/null). */
  malformed: string | null;
  /** The address part is not the first address of its block (10.0.0.5/8). */
  hostBits: boolean;
  /** A bare address (10.0.0.5): AWS wants a prefix length. */
  noPrefix: boolean;
  /** IPv4 octets written with a leading zero (010): Go's parser rejects them, others read octal. */
  leadingZeros: string[];
  /** The network the text denotes, canonical (10.0.0.0/8): the provider's "did you mean". */
  network: string | null;
  /** The written address as a single host (10.0.0.5/32, 2001:db8::1/128). */
  host: string | null;
  /** Prefix length written (or implied by a bare address); null when malformed. */
  prefix: number | null;
  family: 4 | 6 | null;
}

/** Null when `text` is a CIDR AWS accepts as written; else what is wrong with it (see CidrNotationIssue). */
export function cidrNotationIssue(text: string): CidrNotationIssue | null {
  const hit = notationMemo.get(text);
  if (hit !== undefined) return hit;
  const issue = computeNotationIssue(text);
  if (notationMemo.size >= 4096) notationMemo.clear();
  notationMemo.set(text, issue);
  return issue;
}

const notationMemo = new Map<string, CidrNotationIssue | null>();

function computeNotationIssue(text: string): CidrNotationIssue | null {
  const t = text.trim();
  const bad = (why: string): CidrNotationIssue => ({ malformed: why, hostBits: false, noPrefix: false, leadingZeros: [], network: null, host: null, prefix: null, family: null });
  if (!t) return bad('it is empty');
  const c = parseSourceCidr(t);
  if (!c) return bad(invalidCidrReason(t));
  // parseCidr is lenient where AWS is not: blanks around the parts, a zone index.
  if (/\s/.test(t)) return bad('it contains a blank');
  const slash = t.indexOf('/');
  const addr = slash >= 0 ? t.slice(0, slash) : t;
  if (addr.includes('%')) return bad(`'${addr.slice(addr.indexOf('%'))}' (a zone index) is not allowed in a CIDR`);
  const ip = parseIp(addr)!;
  const leadingZeros = c.family === 4 ? addr.split('.').filter((o) => o.length > 1 && o[0] === '0') : [];
  const hostBits = ip.value !== c.network;
  const noPrefix = slash < 0;
  if (!hostBits && !noPrefix && !leadingZeros.length) return null;
  const max = c.family === 4 ? 32 : 128;
  return { malformed: null, hostBits, noPrefix, leadingZeros, network: c.text, host: `${formatIp(ip)}/${max}`, prefix: c.prefix, family: c.family };
}

/** Prefix length of a CIDR (a bare address counts as /32 or /128); null when not a CIDR. */
export function prefixLength(s: string): number | null {
  return parseSourceCidr(s)?.prefix ?? null;
}

export function isWorldCidr(s: string): boolean {
  return prefixLength(s) === 0;
}

/** The first and last address of a block. */
export function cidrBounds(c: ParsedCidr): { first: ParsedIp; last: ParsedIp } {
  if (c.family === 4) {
    const first = c.network as number;
    return { first: { family: 4, value: first }, last: { family: 4, value: first + 2 ** (32 - c.prefix) - 1 } };
  }
  const first = c.network as bigint;
  return { first: { family: 6, value: first }, last: { family: 6, value: first + (1n << BigInt(128 - c.prefix)) - 1n } };
}

/**
 * True when the whole CIDR lies in private space (RFC 1918, 100.64/10, IPv6 ULA fc00::/7; see
 * network/ip.ts isRfcPrivate). Private blocks are aligned and far apart, so a block whose first and
 * last addresses are both private lies inside one of them.
 */
export function isPrivateCidr(s: string): boolean {
  const c = parseSourceCidr(s);
  if (!c) return false;
  const { first, last } = cidrBounds(c);
  return isRfcPrivate(first) && isRfcPrivate(last);
}

/**
 * A source literal in a CIDR field: the CIDR, or an 'unresolved' source flagged `invalid` (rule
 * EL010 reports it, with the reason).
 */
export function literalCidrSource(text: string): { kind: 'cidr' | 'ipv6'; value: string } | { kind: 'unresolved'; value: string; reason: string; invalid: true } {
  const k = cidrKind(text);
  if (k) return { kind: k, value: text.trim() };
  return { kind: 'unresolved', value: text, reason: `'${text}' is not a valid CIDR (${invalidCidrReason(text)})`, invalid: true };
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
