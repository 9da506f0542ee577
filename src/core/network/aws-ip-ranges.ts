/**
 * AWS's published IP ranges (https://ip-ranges.amazonaws.com/ip-ranges.json), parsed from text the
 * caller read (a file or a cached download): `{"prefixes": [{"ip_prefix", "region", "service"}],
 * "ipv6_prefixes": [{"ipv6_prefix", "region", "service"}]}`. Every prefix appears once under the
 * umbrella service "AMAZON" and again under a specific service (S3, EC2, DYNAMODB …); a lookup
 * prefers the specific service when the address is in one.
 */
import { CidrTable, parseCidr } from './ip';

export interface AwsRange {
  cidr: string;
  region: string;
  /** Specific services covering this block, upper case (S3, DYNAMODB, EC2 …); AMAZON last. */
  services: string[];
}

export interface AwsServiceMatch {
  /** Most specific service: S3, DYNAMODB, EC2, CLOUDFRONT …, or AMAZON when nothing more is known. */
  service: string;
  region: string;
  cidr: string;
}

export interface AwsIpRangesParse {
  ranges: AwsIpRanges | null;
  problems: string[];
}

export class AwsIpRanges {
  private readonly table = new CidrTable<AwsRange>();
  /** Blocks that carry a specific service (not only AMAZON), so that a /24 inside AMAZON's /16 wins. */
  private readonly specific = new CidrTable<AwsRange>();
  readonly syncToken: string | null;

  constructor(entries: Array<{ cidr: string; region: string; service: string }>, syncToken: string | null = null) {
    this.syncToken = syncToken;
    const byCidr = new Map<string, AwsRange>();
    for (const e of entries) {
      const c = parseCidr(e.cidr);
      if (!c) continue;
      let r = byCidr.get(c.text);
      if (!r) {
        r = { cidr: c.text, region: e.region, services: [] };
        byCidr.set(c.text, r);
      }
      const svc = e.service.toUpperCase();
      if (!r.services.includes(svc)) r.services.push(svc);
    }
    for (const r of byCidr.values()) {
      r.services.sort((a, b) => (a === 'AMAZON' ? 1 : 0) - (b === 'AMAZON' ? 1 : 0) || a.localeCompare(b));
      this.table.add(r.cidr, r);
      if (r.services.some((s) => s !== 'AMAZON')) this.specific.add(r.cidr, r);
    }
  }

  get size(): number {
    return this.table.size;
  }

  lookup(addr: string): AwsServiceMatch | undefined {
    const r = this.specific.lookup(addr) ?? this.table.lookup(addr);
    if (!r) return undefined;
    return { service: r.services[0] ?? 'AMAZON', region: r.region, cidr: r.cidr };
  }
}

/** Parses the ip-ranges.json text. Never throws: a bad document gives `ranges: null` and a problem. */
export function parseAwsIpRanges(text: string, fileName = 'ip-ranges.json'): AwsIpRangesParse {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ranges: null, problems: [`${fileName}: not valid JSON (${(err as Error).message})`] };
  }
  if (!doc || typeof doc !== 'object' || (!Array.isArray((doc as Record<string, unknown>).prefixes) && !Array.isArray((doc as Record<string, unknown>).ipv6_prefixes))) {
    return { ranges: null, problems: [`${fileName}: expected AWS ip-ranges.json with "prefixes" and/or "ipv6_prefixes" arrays`] };
  }
  const d = doc as { prefixes?: unknown[]; ipv6_prefixes?: unknown[]; syncToken?: unknown };
  const problems: string[] = [];
  const entries: Array<{ cidr: string; region: string; service: string }> = [];
  const take = (list: unknown[] | undefined, key: 'ip_prefix' | 'ipv6_prefix') => {
    (list ?? []).forEach((p, i) => {
      const o = (p ?? {}) as Record<string, unknown>;
      const cidr = o[key];
      if (typeof cidr !== 'string' || !parseCidr(cidr)) {
        problems.push(`${fileName}: ${key === 'ip_prefix' ? 'prefixes' : 'ipv6_prefixes'}[${i}] has no valid ${key}`);
        return;
      }
      entries.push({ cidr, region: typeof o.region === 'string' ? o.region : 'GLOBAL', service: typeof o.service === 'string' ? o.service : 'AMAZON' });
    });
  };
  take(d.prefixes, 'ip_prefix');
  take(d.ipv6_prefixes, 'ipv6_prefix');
  return { ranges: new AwsIpRanges(entries, typeof d.syncToken === 'string' ? d.syncToken : null), problems };
}
