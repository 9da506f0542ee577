/**
 * Plain-words explanations of the IaC model for hovers and lenses: what a rule allows, who a
 * source is, and which deployed rule usage (from flow data) belongs to a written rule. Pure.
 */
import type { RuleSource, SecurityGroupModel, SgRule } from '../iac/model';
import type { GroupSummary, RuleUsage } from './editor-model';

const WELL_KNOWN: Record<number, string> = {
  20: 'FTP data', 21: 'FTP', 22: 'SSH', 23: 'Telnet', 25: 'SMTP', 53: 'DNS', 80: 'HTTP', 110: 'POP3', 135: 'MS RPC', 143: 'IMAP',
  443: 'HTTPS', 445: 'SMB', 1433: 'SQL Server', 1521: 'Oracle', 2049: 'NFS', 3000: 'dev servers', 3306: 'MySQL', 3389: 'RDP',
  5432: 'PostgreSQL', 5601: 'Kibana', 6379: 'Redis', 8080: 'HTTP alt', 8443: 'HTTPS alt', 9092: 'Kafka', 9200: 'Elasticsearch',
  11211: 'Memcached', 27017: 'MongoDB',
};

export function portsText(rule: Pick<SgRule, 'protocol' | 'fromPort' | 'toPort'>): string {
  const p = rule.protocol;
  if (p === null) return 'an unresolved protocol';
  if (p === 'all') return 'all traffic (every protocol and port)';
  const proto = p === 'tcp' || p === 'udp' ? p.toUpperCase() : p === 'icmp' || p === 'icmpv6' ? p.toUpperCase() : `protocol ${p}`;
  if (p === 'icmp' || p === 'icmpv6') return `${proto}${rule.fromPort !== null && rule.fromPort >= 0 ? ` type ${rule.fromPort}` : ''}`;
  if (rule.fromPort === null || rule.toPort === null) return `${proto} on unresolved ports`;
  if ((rule.fromPort === 0 || rule.fromPort === -1) && (rule.toPort === 65535 || rule.toPort === -1)) return `${proto} on every port`;
  if (rule.fromPort === rule.toPort) {
    const name = WELL_KNOWN[rule.fromPort];
    return `${proto} port ${rule.fromPort}${name ? ` (${name})` : ''}`;
  }
  return `${proto} ports ${rule.fromPort}–${rule.toPort} (${(rule.toPort - rule.fromPort + 1).toLocaleString('en-US')} ports)`;
}

export function sourceText(s: RuleSource, groupName?: (ref: string) => string | undefined): string {
  switch (s.kind) {
    case 'cidr':
    case 'ipv6': {
      const len = Number(s.value.split('/')[1] ?? (s.kind === 'cidr' ? 32 : 128));
      const via = s.via ? ` (via ${s.via})` : '';
      if (len === 0) return `**anywhere on the internet** (\`${s.value}\`)${via}`;
      if ((s.kind === 'cidr' && len === 32) || (s.kind === 'ipv6' && len === 128)) return `the single address \`${s.value}\`${via}`;
      const size = s.kind === 'cidr' ? 2 ** (32 - len) : undefined;
      return `\`${s.value}\`${size ? ` (${size.toLocaleString('en-US')} addresses)` : ''}${via}`;
    }
    case 'group':
      return `members of security group \`${groupName?.(s.value) ?? s.value}\``;
    case 'self':
      return 'other members of this same group';
    case 'prefix-list':
      return `prefix list \`${s.value}\``;
    default:
      return `\`${s.value}\` (not known before deploy${s.reason ? `: ${s.reason}` : ''})`;
  }
}

/** "Allows inbound HTTPS port 443 from anywhere on the internet (0.0.0.0/0)." */
export function explainRule(rule: SgRule, groupName?: (ref: string) => string | undefined): string {
  const dir = rule.direction === 'ingress' ? 'inbound' : 'outbound';
  const prep = rule.direction === 'ingress' ? 'from' : 'to';
  const sources = rule.sources.length ? rule.sources.map((s) => sourceText(s, groupName)).join(', ') : 'no source (the rule allows nothing)';
  const desc = rule.description ? ` Description: “${rule.description}”.` : rule.descriptionState === 'missing' ? ' No description.' : '';
  return `Allows ${dir} ${portsText(rule)} ${prep} ${sources}.${desc}`;
}

export function isWorldOpen(rule: SgRule): boolean {
  return rule.sources.some((s) => (s.kind === 'cidr' || s.kind === 'ipv6') && Number(s.value.split('/')[1]) === 0);
}

/** Inbound rules open to the whole internet, for the lens ("2 open inbound rules"). */
export function openInboundRules(rules: SgRule[]): SgRule[] {
  return rules.filter((r) => r.direction === 'ingress' && isWorldOpen(r));
}

function normProto(p: string | null): string {
  if (p === null) return '?';
  if (p === 'all' || p === '-1') return '-1';
  return p.toLowerCase();
}

/**
 * The deployed rule usages (from flow data) that correspond to a written rule: same direction,
 * protocol, ports and source (CIDR value, or any group source when the rule names a group).
 */
export function usageForRule(rule: SgRule, group: GroupSummary | undefined): RuleUsage[] {
  if (!group) return [];
  const proto = normProto(rule.protocol);
  const cidrs = new Set(rule.sources.filter((s) => s.kind === 'cidr' || s.kind === 'ipv6').map((s) => s.value));
  const groupRefs = rule.sources.some((s) => s.kind === 'group' || s.kind === 'self');
  return group.rules.filter((u) => {
    if (u.direction !== rule.direction) return false;
    if (normProto(u.protocol) !== proto) return false;
    if (proto !== '-1' && (u.fromPort !== rule.fromPort || u.toPort !== rule.toPort)) return false;
    if (u.source.startsWith('sg-')) return groupRefs;
    return cidrs.has(u.source);
  });
}

/**
 * What the flow data says about a written rule, from its deployed usages (usageForRule):
 * 'not-deployed' (no deployed rule matches it), 'used', 'unknown' (nothing matched, but some of
 * the group's accepted flows could not be attributed), 'unused' (the only verdict that may offer
 * to remove the rule).
 */
export function ruleUsageVerdict(usage: RuleUsage[]): 'not-deployed' | 'used' | 'unknown' | 'unused' {
  if (!usage.length) return 'not-deployed';
  if (usage.some((u) => u.status === 'used' || u.flows > 0)) return 'used';
  if (usage.some((u) => u.status !== 'unused')) return 'unknown';
  return 'unused';
}

export function groupLabel(g: SecurityGroupModel): string {
  return g.name ? `${g.address} (“${g.name}”)` : g.address;
}
