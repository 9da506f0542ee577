/** Shared predicates for the rules: who is "the world", which ports a rule opens, message pieces. */
import { cidrBounds, isPrivateCidr, isWorldCidr, parseSourceCidr, prefixLength } from '../iac/common';
import type { RuleSource, SgRule } from '../iac/model';
import type { RawFinding } from './types';

/** A service port the rules name. Services are TCP unless `udp` says they also listen on UDP. */
export interface ServicePort {
  port: number;
  name: string;
  udp?: boolean;
  /** Peer checks for this port (Checkov, Prowler); a finding cites those of the ports it covers. */
  refs: string[];
}

const PROWLER = 'prowler:ec2_securitygroup_allow_ingress_from_internet_to_';

export const ADMIN_PORTS: ServicePort[] = [
  { port: 22, name: 'SSH', refs: ['CKV_AWS_24', `${PROWLER}tcp_port_22`] },
  { port: 3389, name: 'RDP', udp: true, refs: ['CKV_AWS_25', `${PROWLER}tcp_port_3389`] },
];

/** Prowler's database, cache, search and queue ports. */
export const DATA_PORTS: ServicePort[] = [
  { port: 3306, name: 'MySQL', refs: [`${PROWLER}tcp_port_mysql_3306`] },
  { port: 5432, name: 'PostgreSQL', refs: [`${PROWLER}tcp_port_postgres_5432`] },
  { port: 1433, name: 'SQL Server', refs: [`${PROWLER}tcp_port_sql_server_1433_1434`] },
  { port: 1434, name: 'SQL Server browser', udp: true, refs: [`${PROWLER}tcp_port_sql_server_1433_1434`] },
  { port: 1521, name: 'Oracle', refs: [`${PROWLER}tcp_port_oracle_1521_2483`] },
  { port: 2483, name: 'Oracle', refs: [`${PROWLER}tcp_port_oracle_1521_2483`] },
  { port: 2484, name: 'Oracle (TLS)', refs: [] },
  { port: 6379, name: 'Redis', refs: [`${PROWLER}tcp_port_redis_6379`] },
  { port: 11211, name: 'Memcached', udp: true, refs: [`${PROWLER}tcp_port_memcached_11211`] },
  { port: 27017, name: 'MongoDB', refs: [`${PROWLER}port_mongodb_27017_27018`] },
  { port: 27018, name: 'MongoDB', refs: [`${PROWLER}port_mongodb_27017_27018`] },
  { port: 7199, name: 'Cassandra JMX', refs: [`${PROWLER}tcp_port_cassandra_7199_9160_8888`] },
  { port: 9160, name: 'Cassandra Thrift', refs: [`${PROWLER}tcp_port_cassandra_7199_9160_8888`] },
  { port: 8888, name: 'Cassandra OpsCenter', refs: [`${PROWLER}tcp_port_cassandra_7199_9160_8888`] },
  { port: 9200, name: 'Elasticsearch', refs: [`${PROWLER}tcp_port_elasticsearch_kibana_9200_9300_5601`] },
  { port: 9300, name: 'Elasticsearch transport', refs: [`${PROWLER}tcp_port_elasticsearch_kibana_9200_9300_5601`] },
  { port: 5601, name: 'Kibana', refs: [`${PROWLER}tcp_port_elasticsearch_kibana_9200_9300_5601`] },
  { port: 9092, name: 'Kafka', refs: [`${PROWLER}tcp_port_kafka_9092`] },
];

/** Prowler's other risky internet-facing service ports (EL004 calls them out by name). */
export const RISKY_PORTS: ServicePort[] = [
  { port: 20, name: 'FTP data', refs: [`${PROWLER}tcp_ftp_port_20_21`] },
  { port: 21, name: 'FTP', refs: [`${PROWLER}tcp_ftp_port_20_21`] },
  { port: 23, name: 'Telnet', refs: [`${PROWLER}tcp_port_telnet_23`] },
  { port: 25, name: 'SMTP', refs: [`${PROWLER}high_risk_tcp_ports`] },
  { port: 110, name: 'POP3', refs: [`${PROWLER}high_risk_tcp_ports`] },
  { port: 135, name: 'MS RPC', udp: true, refs: [`${PROWLER}high_risk_tcp_ports`] },
  { port: 143, name: 'IMAP', refs: [`${PROWLER}high_risk_tcp_ports`] },
  { port: 445, name: 'SMB', refs: [`${PROWLER}high_risk_tcp_ports`] },
  { port: 3000, name: 'dev server / Grafana', refs: [`${PROWLER}high_risk_tcp_ports`] },
  { port: 4333, name: 'mSQL', refs: [`${PROWLER}high_risk_tcp_ports`] },
  { port: 5000, name: 'dev server', refs: [`${PROWLER}high_risk_tcp_ports`] },
  { port: 5500, name: 'VNC', refs: [`${PROWLER}high_risk_tcp_ports`] },
  { port: 8080, name: 'HTTP alternate', refs: [`${PROWLER}high_risk_tcp_ports`] },
  { port: 8088, name: 'HTTP alternate', refs: [`${PROWLER}high_risk_tcp_ports`] },
];

export const WEB_PORTS: ServicePort[] = [
  { port: 80, name: 'HTTP', refs: ['CKV_AWS_260'] },
  { port: 443, name: 'HTTPS', refs: [] },
];

/** Ordered, de-duplicated references: the ports' ids, then the rule's base ids (Prowler's last). */
export function portReferences(base: readonly string[], ports: readonly ServicePort[]): string[] {
  // The same few combinations recur for every rule: computed once per (base, ports). Callers only
  // read the list (runRules copies it into each finding).
  let byPorts = referencesMemo.get(base);
  if (!byPorts) referencesMemo.set(base, (byPorts = new Map()));
  let key = '';
  for (const p of ports) {
    let id = portIds.get(p);
    if (id === undefined) portIds.set(p, (id = portIds.size));
    key += `${id},`;
  }
  let refs = byPorts.get(key);
  if (!refs) byPorts.set(key, (refs = computePortReferences(base, ports)));
  return refs;
}

const referencesMemo = new WeakMap<readonly string[], Map<string, string[]>>();
const portIds = new Map<ServicePort, number>();

function computePortReferences(base: readonly string[], ports: readonly ServicePort[]): string[] {
  const all = [...new Set([...ports.flatMap((p) => p.refs), ...base])];
  return [...all.filter((r) => !r.startsWith('prowler:')), ...all.filter((r) => r.startsWith('prowler:'))];
}

export interface ExposedPorts {
  rule: SgRule;
  /** The table's ports this rule opens (for its protocol). */
  ports: ServicePort[];
  source: RuleSource;
  /** How the internet exposure is worded; null for a source that could not be resolved. */
  text: string | null;
}

/**
 * EL001/EL003's common loop: ingress rules (all-traffic ones are EL002's) that open any port of
 * `table` to the internet, one entry per internet source, plus one per source not known statically.
 */
export function exposedPorts(rules: SgRule[], table: readonly ServicePort[]): ExposedPorts[] {
  const out: ExposedPorts[] = [];
  for (const rule of ingressRules(rules)) {
    if (isAllTraffic(rule)) continue;
    const ports = coveredPorts(rule, table);
    if (!ports.length) continue;
    for (const e of internetSources(rule)) out.push({ rule, ports, source: e.source, text: e.text });
    for (const s of rule.sources) if (isUnknownSource(s)) out.push({ rule, ports, source: s, text: null });
  }
  return out;
}

/**
 * A source whose value is not known statically (a variable without a value, a data source…). A
 * literal that is not a valid CIDR (`invalid`) is known — and wrong: EL010 reports it, once.
 */
export function isUnknownSource(s: RuleSource): boolean {
  return s.kind === 'unresolved' && !s.invalid;
}

/** The rest of a sentence "<ports> is open to …" for a source not known statically, e.g. "… on G. Make sure it is not the internet." */
export function unresolvedTail(s: RuleSource, resource: string): string {
  return `a source that could not be resolved statically (${s.value}${s.reason ? `: ${s.reason}` : ''}) on ${resource}. Make sure it is not the internet.`;
}

/**
 * Findings of a sensitive-port rule: high (the rule's severity) for internet sources, info for
 * sources that could not be resolved. `named` words the ports; `advice` ends the message.
 */
export function portExposureFindings(rules: SgRule[], table: readonly ServicePort[], base: readonly string[], named: (ports: ServicePort[]) => string, advice: string): RawFinding[] {
  return exposedPorts(rules, table).map(({ rule, ports, source, text }) => {
    const subject = portsPhrase(rule, named(ports));
    const references = portReferences(base, ports);
    if (text === null) return onSource(rule, source, `${subject} is open to ${unresolvedTail(source, rule.resource)}`, references, 'info');
    return onSource(rule, source, `${subject} is open to ${text} on ${rule.resource}. ${advice}`, references);
  });
}

/** Sources that are exactly 0.0.0.0/0 or ::/0 (EL006 and the AWS default egress rule). */
export function worldSources(rule: SgRule): RuleSource[] {
  return rule.sources.filter((s) => (s.kind === 'cidr' || s.kind === 'ipv6') && isWorldCidr(s.value));
}

/** Public sources with a prefix shorter than this (/0../7) count as the internet for EL001–EL004. */
export const NEAR_WORLD_PREFIX = 8;

export interface InternetSource {
  source: RuleSource;
  /** How the exposure is worded in messages: "the whole internet (0.0.0.0/0)" and variants. */
  text: string;
}

function spaceFraction(prefix: number): string {
  return prefix === 1 ? 'half' : prefix === 2 ? 'a quarter' : `1/${2 ** prefix}`;
}

/** True when the blocks together cover every address of their family (0.0.0.0/0 or ::/0). */
function coversFamily(list: { first: bigint; last: bigint }[], max: bigint): boolean {
  const sorted = [...list].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  let next = 0n;
  for (const b of sorted) {
    if (b.first > next) return false;
    if (b.last + 1n > next) next = b.last + 1n;
    if (next > max) return true;
  }
  return next > max;
}

/**
 * The rule's sources that amount to the internet: 0.0.0.0/0 or ::/0; a public block wider than
 * /8 (64.0.0.0/2 is a quarter of all IPv4 addresses); or blocks that together cover a whole
 * family (0.0.0.0/1 + 128.0.0.0/1). Private blocks never count.
 */
export function internetSources(rule: SgRule): readonly InternetSource[] {
  // EL001–EL005 each ask for the same rules: computed once per sources list (a model is not
  // changed once built; the length check catches a list that grew since).
  const memo = internetMemo.get(rule.sources);
  if (memo && memo.n === rule.sources.length) return memo.out;
  const out = computeInternetSources(rule);
  internetMemo.set(rule.sources, { n: rule.sources.length, out });
  return out;
}

const internetMemo = new WeakMap<readonly RuleSource[], { n: number; out: readonly InternetSource[] }>();

function computeInternetSources(rule: SgRule): InternetSource[] {
  // Fast exit (most rules): with every block narrower than /8 nothing is "the internet" unless
  // 256+ of them together cover a family, so fewer than 256 such blocks give no entries.
  let blocks = 0;
  let wide = false;
  for (const s of rule.sources) {
    if (s.kind !== 'cidr' && s.kind !== 'ipv6') continue;
    blocks++;
    const c = parseSourceCidr(s.value);
    if (c && c.prefix < NEAR_WORLD_PREFIX) {
      wide = true;
      break;
    }
  }
  if (!wide && blocks < 256) return [];
  const out: InternetSource[] = [];
  for (const fam of [4, 6] as const) {
    const list: { s: RuleSource; c: NonNullable<ReturnType<typeof parseSourceCidr>> }[] = [];
    let hasWorld = false;
    for (const s of rule.sources) {
      if (s.kind !== 'cidr' && s.kind !== 'ipv6') continue;
      const c = parseSourceCidr(s.value);
      if (c === null || c.family !== fam) continue;
      list.push({ s, c });
      if (c.prefix === 0) hasWorld = true;
    }
    if (!list.length) continue;
    if (hasWorld) {
      // A /0 is the internet itself; no other block can complete the family then.
      for (const { s, c } of list) {
        if (c.prefix === 0) out.push({ source: s, text: `the whole internet (${sourceText(s)})` });
        else if (c.prefix < NEAR_WORLD_PREFIX && !isPrivateCidr(s.value)) out.push({ source: s, text: nearWorldText(s, c.prefix, fam) });
      }
      continue;
    }
    const bounded = list.map((x) => {
      const { first, last } = cidrBounds(x.c);
      return { ...x, first: BigInt(first.value), last: BigInt(last.value) };
    });
    const max = fam === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
    const whole = coversFamily(bounded, max);
    const maximal = (y: (typeof bounded)[number]): boolean =>
      !bounded.some((z) => z !== y && z.first <= y.first && y.last <= z.last && (z.first !== y.first || z.last !== y.last || bounded.indexOf(z) < bounded.indexOf(y)));
    for (const x of bounded) {
      const { s, c } = x;
      if (whole && maximal(x)) {
        const others = bounded.filter((y) => y !== x && maximal(y));
        const withText = others.length <= 3 ? others.map((y) => y.s.value).join(', ') : `${others.length} other blocks`;
        out.push({ source: s, text: `the whole internet (${sourceText(s)}: with ${withText} in the same rule it covers every IPv${fam} address)` });
        continue;
      }
      if (c.prefix < NEAR_WORLD_PREFIX && !isPrivateCidr(s.value)) out.push({ source: s, text: nearWorldText(s, c.prefix, fam) });
    }
  }
  return out;
}

function nearWorldText(s: RuleSource, prefix: number, fam: 4 | 6): string {
  return `the internet (${sourceText(s)}: ${addressCount(s.value)} public addresses, ${spaceFraction(prefix)} of all IPv${fam}, treated as the whole internet)`;
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

/** True when the rule opens `port` for the service's protocol (TCP, or UDP for services that use it). */
export function coversService(rule: SgRule, sp: ServicePort): boolean {
  if (rule.protocol === 'all') return true;
  if (!hasPorts(rule) || rule.fromPort === null || rule.toPort === null) return false;
  if (rule.protocol === 'udp' && !sp.udp) return false;
  return rule.fromPort <= sp.port && sp.port <= rule.toPort;
}

export function coveredPorts(rule: SgRule, table: readonly ServicePort[]): ServicePort[] {
  return table.filter((sp) => coversService(rule, sp));
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

export function describePorts(list: readonly ServicePort[]): string {
  return list.map((sp) => `${sp.name} (${sp.port})`).join(', ');
}

/**
 * The subject of an "is open" sentence: the named ports for a single-port rule ("SSH (22)"), or the
 * range with the named ports it includes ("tcp/20-30, which includes SSH (22),").
 */
export function portsPhrase(rule: SgRule, named: string): string {
  const single = rule.fromPort !== null && rule.fromPort === rule.toPort;
  return single ? named : `${portsText(rule)}, which includes ${named},`;
}

export function addressCount(cidr: string): string {
  const len = prefixLength(cidr);
  if (len === null) return '?';
  const bits = (cidr.includes(':') ? 128 : 32) - len;
  if (bits > 40) return `2^${bits}`;
  return (2 ** bits).toLocaleString('en-US');
}

/** A finding on one source of one rule (the CIDR string is the range). */
export function onSource(rule: SgRule, s: RuleSource, message: string, references?: string[], severity?: RawFinding['severity']): RawFinding {
  // Built in one go (no spreads, no filter): one object per finding.
  const elementIds: string[] = [];
  if (rule.groupId) elementIds.push(rule.groupId);
  if (rule.id) elementIds.push(rule.id);
  if (s.id) elementIds.push(s.id);
  const f: RawFinding = { message, file: s.file, range: s.range, resource: rule.resource, elementIds, sgRuleId: rule.id, sourceId: s.id };
  if (rule.groupId) f.groupId = rule.groupId;
  if (references) f.references = references;
  if (severity) f.severity = severity;
  return f;
}

export function ingressRules(rules: SgRule[]): SgRule[] {
  return rules.filter((r) => r.direction === 'ingress');
}
