/**
 * The VPC flow-log field catalogue (DOMAIN.md §2) and format handling: which fields exist, in
 * which version they appeared, how each is typed, and how a file's field order is found (S3 header
 * line, a flow log's `LogFormat`, or a user-given list). Pure, no IO.
 */

/** How a field's text is typed. `-` is always allowed and means absent (null). */
export type FieldType = 'number' | 'address' | 'string' | 'enum';

export interface FieldSpec {
  name: string;
  /** Flow-log version that introduced the field (later ones are UNCONFIRMED, see DOMAIN.md). */
  version: number;
  type: FieldType;
  /** Allowed values of an enum. */
  values?: readonly string[];
  /** Open enums accept other values too (AWS adds values); closed ones reject them. */
  open?: boolean;
}

const f = (name: string, version: number, type: FieldType, values?: readonly string[], open?: boolean): FieldSpec => ({
  name,
  version,
  type,
  ...(values ? { values } : {}),
  ...(open ? { open } : {}),
});

/** Every known field, in catalogue order. Unknown names are carried through as strings. */
export const FIELD_CATALOGUE: readonly FieldSpec[] = [
  // v2 (the default format)
  f('version', 2, 'number'),
  f('account-id', 2, 'string'),
  f('interface-id', 2, 'string'),
  f('srcaddr', 2, 'address'),
  f('dstaddr', 2, 'address'),
  f('srcport', 2, 'number'),
  f('dstport', 2, 'number'),
  f('protocol', 2, 'number'),
  f('packets', 2, 'number'),
  f('bytes', 2, 'number'),
  f('start', 2, 'number'),
  f('end', 2, 'number'),
  f('action', 2, 'enum', ['ACCEPT', 'REJECT']),
  f('log-status', 2, 'enum', ['OK', 'NODATA', 'SKIPDATA']),
  // v3
  f('vpc-id', 3, 'string'),
  f('subnet-id', 3, 'string'),
  f('instance-id', 3, 'string'),
  f('tcp-flags', 3, 'number'),
  f('type', 3, 'enum', ['IPv4', 'IPv6', 'EFA'], true),
  f('pkt-srcaddr', 3, 'address'),
  f('pkt-dstaddr', 3, 'address'),
  // v4
  f('region', 4, 'string'),
  f('az-id', 4, 'string'),
  f('sublocation-type', 4, 'enum', ['wavelength', 'outpost', 'localzone'], true),
  f('sublocation-id', 4, 'string'),
  // v5
  f('pkt-src-aws-service', 5, 'string'),
  f('pkt-dst-aws-service', 5, 'string'),
  f('flow-direction', 5, 'enum', ['ingress', 'egress']),
  f('traffic-path', 5, 'number'),
  // v6: Transit Gateway flow logs
  f('resource-type', 6, 'enum', ['TransitGateway'], true),
  f('tgw-id', 6, 'string'),
  f('tgw-attachment-id', 6, 'string'),
  f('tgw-src-vpc-account-id', 6, 'string'),
  f('tgw-dst-vpc-account-id', 6, 'string'),
  f('tgw-src-vpc-id', 6, 'string'),
  f('tgw-dst-vpc-id', 6, 'string'),
  f('tgw-src-subnet-id', 6, 'string'),
  f('tgw-dst-subnet-id', 6, 'string'),
  f('tgw-src-eni', 6, 'string'),
  f('tgw-dst-eni', 6, 'string'),
  f('tgw-src-az-id', 6, 'string'),
  f('tgw-dst-az-id', 6, 'string'),
  f('tgw-pair-attachment-id', 6, 'string'),
  f('packets-lost-no-route', 6, 'number'),
  f('packets-lost-blackhole', 6, 'number'),
  f('packets-lost-mtu-exceeded', 6, 'number'),
  f('packets-lost-ttl-expired', 6, 'number'),
  // v7: ECS
  f('ecs-cluster-arn', 7, 'string'),
  f('ecs-cluster-name', 7, 'string'),
  f('ecs-container-instance-arn', 7, 'string'),
  f('ecs-container-instance-id', 7, 'string'),
  f('ecs-container-id', 7, 'string'),
  f('ecs-second-container-id', 7, 'string'),
  f('ecs-service-name', 7, 'string'),
  f('ecs-task-definition-arn', 7, 'string'),
  f('ecs-task-arn', 7, 'string'),
  f('ecs-task-id', 7, 'string'),
  // Later additions; version numbers UNCONFIRMED (DOMAIN.md). Enums kept open.
  f('reject-reason', 8, 'enum', ['BPA'], true),
  f('encryption-status', 10, 'number'),
  f('resource-id', 10, 'string'),
  f('interface-type', 11, 'string'),
  f('next-hop-interface-id', 11, 'string'),
  f('next-hop-subnet-id', 11, 'string'),
  f('next-hop-az-id', 11, 'string'),
  f('next-hop-vpc-id', 11, 'string'),
  f('next-hop-interface-type', 11, 'string'),
  f('instance-tag', 11, 'string'),
  f('interface-tag', 11, 'string'),
];

const BY_NAME = new Map(FIELD_CATALOGUE.map((s) => [s.name, s]));

/** The spec of a field; unknown names get a string spec with version 0 (carried through). */
export function fieldSpec(name: string): FieldSpec {
  return BY_NAME.get(name) ?? { name, version: 0, type: 'string' };
}

export function isKnownField(name: string): boolean {
  return BY_NAME.has(name);
}

/** The version-2 default format, 14 fields. Used when a file has no header and no format is given. */
export const DEFAULT_FIELDS: readonly string[] = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
];

/** All fields of versions 2..5 in AWS's documented order (a common "all fields" custom format). */
export const V5_FIELDS: readonly string[] = [
  ...DEFAULT_FIELDS,
  'vpc-id',
  'subnet-id',
  'instance-id',
  'tcp-flags',
  'type',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'region',
  'az-id',
  'sublocation-type',
  'sublocation-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'flow-direction',
  'traffic-path',
];

/** The highest version among a format's known fields (DOMAIN.md: a record's version is that). */
export function formatVersion(fields: readonly string[]): number {
  let v = 2;
  for (const name of fields) v = Math.max(v, BY_NAME.get(name)?.version ?? 2);
  return v;
}

/**
 * Field names of a flow log's `LogFormat` (`${version} ${srcaddr} ...`). Accepts a plain
 * space-separated list too. Never throws: text that is neither gives the names it can read.
 */
export function parseLogFormat(logFormat: string): string[] {
  const text = logFormat.trim();
  if (text.includes('${')) {
    const out: string[] = [];
    for (const m of text.matchAll(/\$\{\s*([^}\s]+)\s*\}/g)) out.push(m[1]);
    return out;
  }
  return text.split(/[\s,]+/).filter((t) => t.length > 0);
}

/** Parses a user-given list (`--fields a,b` or `a b` or a LogFormat string). */
export function parseFieldList(text: string): string[] {
  return parseLogFormat(text);
}

const NAME_RE = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;

/**
 * Header detection for the first line of a file. A header is a line whose every token looks like
 * a field name (lower-case words joined by `-`) and at least one of them is a known field.
 * Returns 'header', 'not-header' (probably data), or 'bad-header' (looks like a header of
 * something else: names, but none known).
 */
export function classifyFirstLine(line: string): 'header' | 'not-header' | 'bad-header' {
  const tokens = line.trim().split(/\s+/);
  if (tokens.length === 0 || tokens[0] === '') return 'not-header';
  let known = 0;
  for (const t of tokens) {
    if (!NAME_RE.test(t)) return 'not-header';
    if (BY_NAME.has(t) || BY_NAME.has(t.replace(/_/g, '-'))) known++;
  }
  return known > 0 ? 'header' : 'bad-header';
}

/** Normalises a header/column name: Parquet and Athena spell `log_status` for `log-status`. */
export function normaliseFieldName(name: string): string {
  if (BY_NAME.has(name)) return name;
  const dashed = name.replace(/_/g, '-');
  return BY_NAME.has(dashed) ? dashed : name;
}

const PROTOCOLS: Record<number, string> = {
  0: 'HOPOPT',
  1: 'ICMP',
  2: 'IGMP',
  4: 'IPv4',
  6: 'TCP',
  8: 'EGP',
  17: 'UDP',
  27: 'RDP',
  41: 'IPv6',
  43: 'IPv6-Route',
  44: 'IPv6-Frag',
  46: 'RSVP',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPv6',
  59: 'IPv6-NoNxt',
  60: 'IPv6-Opts',
  88: 'EIGRP',
  89: 'OSPF',
  94: 'IPIP',
  103: 'PIM',
  112: 'VRRP',
  115: 'L2TP',
  132: 'SCTP',
  136: 'UDPLite',
  137: 'MPLS-in-IP',
};

/** IANA protocol name (`TCP`, `UDP`, `ICMP`, `ICMPv6`, ...), or the number as text when not in the table. */
export function protocolName(protocol: number): string {
  return PROTOCOLS[protocol] ?? String(protocol);
}
