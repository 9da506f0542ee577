/** Shared predicates for the rules: who is "the world", which ports a rule opens, message pieces. */
import { isWorldCidr, prefixLength } from '../iac/common';
import type { RuleSource, SgRule } from '../iac/model';
import type { RawFinding } from './types';

export const ADMIN_PORTS: Record<number, string> = { 22: 'SSH', 3389: 'RDP' };

/** Prowler's database, cache, search and queue ports. */
export const DATA_PORTS: Record<number, string> = {
  3306: 'MySQL',
  5432: 'PostgreSQL',
  1433: 'SQL Server',
  1434: 'SQL Server browser',
  1521: 'Oracle',
  2483: 'Oracle',
  2484: 'Oracle (TLS)',
  6379: 'Redis',
  11211: 'Memcached',
  27017: 'MongoDB',
  27018: 'MongoDB',
  7199: 'Cassandra JMX',
  9160: 'Cassandra Thrift',
  8888: 'Cassandra OpsCenter',
  9200: 'Elasticsearch',
  9300: 'Elasticsearch transport',
  5601: 'Kibana',
  9092: 'Kafka',
};

/** Prowler's other risky internet-facing service ports (EL004 calls them out by name). */
export const RISKY_PORTS: Record<number, string> = {
  20: 'FTP data',
  21: 'FTP',
  23: 'Telnet',
  25: 'SMTP',
  110: 'POP3',
  135: 'MS RPC',
  143: 'IMAP',
  445: 'SMB',
  3000: 'dev server / Grafana',
  4333: 'mSQL',
  5000: 'dev server',
  5500: 'VNC',
  8080: 'HTTP alternate',
  8088: 'HTTP alternate',
};

export const WEB_PORTS = new Set([80, 443]);

export function worldSources(rule: SgRule): RuleSource[] {
  return rule.sources.filter((s) => (s.kind === 'cidr' || s.kind === 'ipv6') && isWorldCidr(s.value));
}

/** TCP/UDP-like: the rule has a port range (unresolved protocol counts, to be safe when ports are known). */
function hasPorts(rule: SgRule): boolean {
  return rule.protocol === 'tcp' || rule.protocol === 'udp' || (rule.protocol === null && rule.fromPort !== null);
}

export function isAllTraffic(rule: SgRule): boolean {
  if (rule.protocol === 'all') return true;
  if (!hasPorts(rule) || rule.fromPort === null || rule.toPort === null) return false;
  return rule.fromPort <= 1 && rule.toPort >= 65535;
}

export function coversPort(rule: SgRule, port: number): boolean {
  if (rule.protocol === 'all') return true;
  if (!hasPorts(rule) || rule.fromPort === null || rule.toPort === null) return false;
  return rule.fromPort <= port && port <= rule.toPort;
}

const entriesCache = new WeakMap<Record<number, string>, [number, string][]>();

export function coveredPorts(rule: SgRule, table: Record<number, string>): [number, string][] {
  if (rule.protocol !== 'all' && (rule.fromPort === null || rule.toPort === null)) return [];
  let entries = entriesCache.get(table);
  if (!entries) {
    entries = Object.entries(table).map(([p, name]) => [Number(p), name] as [number, string]);
    entriesCache.set(table, entries);
  }
  return entries.filter(([p]) => coversPort(rule, p));
}

export function portsText(rule: SgRule): string {
  if (rule.protocol === 'all') return 'all traffic';
  const proto = rule.protocol ?? 'protocol ?';
  if (rule.fromPort === null || rule.toPort === null) return `${proto} (ports not resolved)`;
  if (rule.protocol === 'icmp' || rule.protocol === 'icmpv6') return proto.toUpperCase();
  return rule.fromPort === rule.toPort ? `${proto}/${rule.fromPort}` : `${proto}/${rule.fromPort}-${rule.toPort}`;
}

export function sourceText(s: RuleSource): string {
  return s.via ? `${s.value}, from ${s.via}` : s.value;
}

export function describePorts(list: [number, string][]): string {
  return list.map(([p, n]) => `${n} (${p})`).join(', ');
}

export function addressCount(cidr: string): string {
  const len = prefixLength(cidr);
  if (len === null) return '?';
  const bits = (cidr.includes(':') ? 128 : 32) - len;
  if (bits > 40) return `2^${bits}`;
  return (2 ** bits).toLocaleString('en-US');
}

/** A finding on one source of one rule (the CIDR string is the range). */
export function onSource(rule: SgRule, s: RuleSource, message: string): RawFinding {
  return {
    message,
    file: s.file,
    range: s.range,
    resource: rule.resource,
    elementIds: [rule.groupId, rule.id, s.id].filter((x): x is string => !!x),
    ...(rule.groupId ? { groupId: rule.groupId } : {}),
    sgRuleId: rule.id,
    sourceId: s.id,
  };
}

export function ingressRules(rules: SgRule[]): SgRule[] {
  return rules.filter((r) => r.direction === 'ingress');
}
