/**
 * Plain-data contracts between the layers (no IO, no vscode). Everything downstream of the
 * flow-log engine speaks these types: the CLI's JSON (docs/cli.md) is built from them and the
 * editor renders them. Times inside the core are Unix seconds; the CLI turns them into ISO 8601.
 */

/** Counts kept by every reader. Invariant: parsed + skipped + nodata + skipdata === lines. */
export interface RecordCounts {
  /** Data lines read (header lines are not counted). */
  lines: number;
  parsed: number;
  /** Lines that could not be parsed; each is described in `skipped` (the first N kept, all counted). */
  skipped: number;
  nodata: number;
  skipdata: number;
}

export interface SkippedLine {
  file: string;
  /** 1-based line number in the file (or event index in a CloudWatch stream). */
  line: number;
  reason: string;
  text: string;
}

export interface SourceError {
  file: string;
  message: string;
}

export interface Progress {
  records: number;
  bytes: number;
  files: number;
}

export type FlowAction = 'ACCEPT' | 'REJECT';

/**
 * Records with the same 7-tuple (interface, src, dst, srcport, dstport, protocol, action) summed.
 * This is what the engine hands to the labeller; it never holds individual records.
 */
export interface FlowAggregate {
  interfaceId: string;
  srcaddr: string;
  dstaddr: string;
  srcport: number;
  dstport: number;
  /** IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...). */
  protocol: number;
  action: FlowAction | null;
  packets: number;
  bytes: number;
  /** How many records were summed into this aggregate. */
  records: number;
  /** tcp-flags OR-ed over all records (0 when the field is absent). */
  tcpFlags: number;
  /** Earliest `start` and latest `end`, Unix seconds. */
  start: number;
  end: number;
  /** Optional fields, first non-null value seen (null when the format lacks them). */
  accountId: string | null;
  vpcId: string | null;
  subnetId: string | null;
  instanceId: string | null;
  azId: string | null;
  region: string | null;
  pktSrcaddr: string | null;
  pktDstaddr: string | null;
  pktSrcAwsService: string | null;
  pktDstAwsService: string | null;
  /** Packet direction relative to the interface (v5 `flow-direction`). */
  flowDirection: 'ingress' | 'egress' | null;
  /** v5 `traffic-path` code (1..8), egress records only. */
  trafficPath: number | null;
}

/** The optional fields of a FlowAggregate, all absent. */
export type FlowAggregateExtras = Pick<
  FlowAggregate,
  | 'accountId' | 'vpcId' | 'subnetId' | 'instanceId' | 'azId' | 'region' | 'pktSrcaddr' | 'pktDstaddr'
  | 'pktSrcAwsService' | 'pktDstAwsService' | 'flowDirection' | 'trafficPath'
>;

/**
 * A FlowAggregate from its 7-tuple and sums, every optional field null unless given. For the
 * places that build aggregates outside the engine (Logs Insights rows, tests); the engine's hot
 * path writes its literal itself so V8 sees one object shape.
 */
export function flowAggregate(
  core: Omit<FlowAggregate, keyof FlowAggregateExtras | 'tcpFlags'> & Partial<FlowAggregateExtras & Pick<FlowAggregate, 'tcpFlags'>>,
): FlowAggregate {
  return {
    tcpFlags: 0,
    accountId: null,
    vpcId: null,
    subnetId: null,
    instanceId: null,
    azId: null,
    region: null,
    pktSrcaddr: null,
    pktDstaddr: null,
    pktSrcAwsService: null,
    pktDstAwsService: null,
    flowDirection: null,
    trafficPath: null,
    ...core,
  };
}

export type Direction = 'ingress' | 'egress' | 'internal' | 'unknown';

export type PeerClass =
  | 'internet'
  | 'same-az'
  | 'cross-az'
  | 'other-region'
  | 'peered-vpc'
  | 'on-prem'
  | 'aws-service'
  | 'unknown';

export type TrafficPathKind =
  | 'local'
  | 'igw'
  | 'nat-gateway'
  | 'gateway-endpoint'
  | 'interface-endpoint'
  | 'peering'
  | 'tgw'
  | 'vpn'
  | 'unknown';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** 0-based, like the editor. The CLI's JSON converts to 1-based (docs/cli.md). */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}
