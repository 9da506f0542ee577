/**
 * IPv4 / IPv6 addresses and CIDR blocks, and a longest-prefix-match table over both.
 *
 * Addresses are parsed once into numbers (IPv4: uint32 as a JS number; IPv6: a 128-bit bigint).
 * `CidrTable` keeps one Map per prefix length (network number → value), so a lookup costs at
 * most one Map probe per distinct prefix length present (typically a handful), independent of
 * the number of blocks.
 */

export type IpFamily = 4 | 6;

export interface ParsedIp {
  family: IpFamily;
  /** IPv4: 0..2^32-1 as a number. IPv6: bigint. */
  value: number | bigint;
}

export interface ParsedCidr {
  family: IpFamily;
  /** Network number with host bits cleared. */
  network: number | bigint;
  prefix: number;
  /** Canonical text, e.g. "10.0.0.0/16". */
  text: string;
}

export function parseIPv4(text: string): number | null {
  // Hand-rolled: this runs for every address of every flow.
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0) return null;
      v = v * 256 + part;
      part = 0;
      digits = 0;
      if (++dots > 3) return null;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return null;
      part = part * 10 + (c - 48);
      if (part > 255) return null;
    } else return null;
  }
  if (dots !== 3 || digits === 0) return null;
  return v * 256 + part;
}

export function parseIPv6(input: string): bigint | null {
  let text = input;
  const pct = text.indexOf('%');
  if (pct >= 0) text = text.slice(0, pct);
  if (text.length === 0 || !/^[0-9a-fA-F:.]+$/.test(text)) return null;
  // Embedded IPv4 tail (::ffff:1.2.3.4) → two hex groups.
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === null || lastColon < 0) return null;
    text = `${text.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const dbl = text.split('::');
  if (dbl.length > 2) return null;
  const parseGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (g.length === 0 || g.length > 4) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(dbl[0]);
  if (!head) return null;
  let groups: number[];
  if (dbl.length === 2) {
    const rest = parseGroups(dbl[1]);
    if (!rest) return null;
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

export function parseIp(text: string): ParsedIp | null {
  if (text.includes(':')) {
    const v = parseIPv6(text);
    return v === null ? null : { family: 6, value: v };
  }
  const v = parseIPv4(text);
  return v === null ? null : { family: 4, value: v };
}

function v4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff - (2 ** (32 - prefix) - 1));
}

function v6Mask(prefix: number): bigint {
  return prefix === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n);
}

function v4Text(v: number): string {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

function v6Text(v: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export function formatIp(ip: ParsedIp): string {
  return ip.family === 4 ? v4Text(ip.value as number) : v6Text(ip.value as bigint);
}

/** Parses "10.0.0.0/16", "2600:1f18::/56", or a bare address (a /32 or /128). Host bits are cleared. */
export function parseCidr(text: string): ParsedCidr | null {
  const slash = text.indexOf('/');
  const addr = slash >= 0 ? text.slice(0, slash).trim() : text.trim();
  const ip = parseIp(addr);
  if (!ip) return null;
  const max = ip.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > max) return null;
  }
  if (ip.family === 4) {
    const network = ((ip.value as number) & v4Mask(prefix)) >>> 0;
    return { family: 4, network, prefix, text: `${v4Text(network)}/${prefix}` };
  }
  const network = (ip.value as bigint) & v6Mask(prefix);
  return { family: 6, network, prefix, text: `${v6Text(network)}/${prefix}` };
}

export function cidrContains(cidr: ParsedCidr, ip: ParsedIp): boolean {
  if (cidr.family !== ip.family) return false;
  if (ip.family === 4) return (((ip.value as number) & v4Mask(cidr.prefix)) >>> 0) === cidr.network;
  return ((ip.value as bigint) & v6Mask(cidr.prefix)) === cidr.network;
}

/** Longest-prefix-match table from CIDR blocks to values, IPv4 and IPv6 together. */
export class CidrTable<T> {
  private readonly v4 = new Map<number, Map<number, T>>();
  private readonly v6 = new Map<number, Map<bigint, T>>();
  private v4Prefixes: number[] = [];
  private v6Prefixes: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a block; returns false when the text is not a CIDR. An existing identical block keeps its first value. */
  add(cidr: string | ParsedCidr, value: T): boolean {
    const c = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
    if (!c) return false;
    if (c.family === 4) {
      let m = this.v4.get(c.prefix);
      if (!m) {
        m = new Map();
        this.v4.set(c.prefix, m);
        this.v4Prefixes = [...this.v4.keys()].sort((a, b) => b - a);
      }
      if (!m.has(c.network as number)) {
        m.set(c.network as number, value);
        this.count++;
      }
    } else {
      let m = this.v6.get(c.prefix);
      if (!m) {
        m = new Map();
        this.v6.set(c.prefix, m);
        this.v6Prefixes = [...this.v6.keys()].sort((a, b) => b - a);
      }
      if (!m.has(c.network as bigint)) {
        m.set(c.network as bigint, value);
        this.count++;
      }
    }
    return true;
  }

  /** The value of the most specific block containing the address, or undefined. */
  lookup(addr: string | ParsedIp): T | undefined {
    return this.match(addr)?.value;
  }

  /** Like lookup, also returning the matching block's prefix length. */
  match(addr: string | ParsedIp): { value: T; prefix: number } | undefined {
    const ip = typeof addr === 'string' ? parseIp(addr) : addr;
    if (!ip) return undefined;
    if (ip.family === 4) {
      const v = ip.value as number;
      for (const p of this.v4Prefixes) {
        const hit = this.v4.get(p)!.get((v & v4Mask(p)) >>> 0);
        if (hit !== undefined) return { value: hit, prefix: p };
      }
      return undefined;
    }
    const v = ip.value as bigint;
    for (const p of this.v6Prefixes) {
      const hit = this.v6.get(p)!.get(v & v6Mask(p));
      if (hit !== undefined) return { value: hit, prefix: p };
    }
    return undefined;
  }

  has(addr: string | ParsedIp): boolean {
    return this.match(addr) !== undefined;
  }
}

const SPECIAL_PRIVATE = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10', // carrier-grade NAT, also used for secondary VPC CIDRs
  'fc00::/7', // unique local
];
const LINK_LOCAL = ['169.254.0.0/16', 'fe80::/10', '127.0.0.0/8', '::1/128'];

const rfcPrivate = new CidrTable<true>();
for (const c of SPECIAL_PRIVATE) rfcPrivate.add(c, true);
const linkLocal = new CidrTable<true>();
for (const c of LINK_LOCAL) linkLocal.add(c, true);

/** RFC 1918, RFC 6598 (100.64/10) and IPv6 ULA: addresses that cannot be on the internet. */
export function isRfcPrivate(addr: string | ParsedIp): boolean {
  return rfcPrivate.has(addr);
}

export function isLinkLocalOrLoopback(addr: string | ParsedIp): boolean {
  return linkLocal.has(addr);
}

/** Canonical text for an address (lower-case, compressed IPv6); the input when it does not parse. */
export function normalizeIp(text: string): string {
  if (!text.includes(':')) {
    // IPv4 is canonical already unless a part has a leading zero.
    const v = parseIPv4(text);
    if (v === null) return text;
    return /(^|\.)0\d/.test(text) ? v4Text(v) : text;
  }
  const ip = parseIp(text);
  return ip ? formatIp(ip) : text;
}
