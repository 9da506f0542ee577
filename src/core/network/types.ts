/**
 * Output types of the network analysis (`analyzeFlows`). Times are Unix seconds; the CLI turns
 * them into ISO 8601. Bytes and packets are relative to `localAddr`: `bytesOut` went from the
 * local side to the peer, `bytesIn` from the peer to the local side. For an ordinary interface the
 * local side is the interface's own address; for traffic that a NAT gateway / VPC endpoint
 * interface forwards on behalf of another host (`transit`), it is that inside host.
 */
import type { Direction, FlowAction, PeerClass, TrafficPathKind } from '../model/flows';
import type { CostBreakdown } from '../pricing/cost';
import type { InterfaceKind } from './inventory-index';

export type Initiator = 'local' | 'peer';

/** Which rule decided who started the conversation (DOMAIN.md §1, in this order). */
export type InitiatorRule = 'tcp-flags' | 'listening-port' | 'port' | 'one-sided' | 'none';

/** One security-group rule, flattened to one source/destination like EC2's SecurityGroupRule. */
export interface SgRuleRef {
  /** Stable key: `<groupId>/<direction>/<protocol>/<from>-<to>/<source>`. */
  id: string;
  groupId: string;
  groupName: string | null;
  direction: 'ingress' | 'egress';
  /** As EC2 writes it: '-1' (all), 'tcp', 'udp', 'icmp', 'icmpv6' or a protocol number. */
  protocol: string;
  /** -1 when the rule covers all ports (or the protocol has none). */
  fromPort: number;
  toPort: number;
  /** 0.0.0.0/0, ::/0, a prefix-list id (pl-…) or a security-group id (sg-…). */
  source: string;
  sourceKind: 'cidr' | 'prefix-list' | 'security-group';
  description: string | null;
}

export type SgVerdict =
  /** Accepted, and a rule on the initiating direction allows it. */
  | 'allowed'
  /** Accepted, but no rule of the interface's groups allows it (stale inventory?). */
  | 'no-matching-rule'
  /** Rejected and no rule allows it: the security group did its job. */
  | 'rejected-no-rule'
  /** Rejected although a rule allows it: a network ACL or Block Public Access did. */
  | 'rejected-despite-rule'
  /** Initiator unknown, so it is not known which direction's rules apply. */
  | 'not-evaluated'
  /** Forwarded by a NAT gateway / endpoint interface; security groups of the hosts apply. */
  | 'not-applicable'
  /** The interface or its groups are not in the inventory. */
  | 'no-inventory';

/** One direction of a conversation as logged: the summed records of that direction. */
export interface FlowSide {
  bytes: number;
  packets: number;
  records: number;
  tcpFlags: number;
  start: number;
  end: number;
  /** Raw record addresses (srcaddr/dstaddr) — differ from the packet addresses through a NAT gateway. */
  srcaddr: string;
  dstaddr: string;
  /** v5 `flow-direction` of the records relative to the interface, when logged. */
  flowDirection: 'ingress' | 'egress' | null;
  trafficPath: number | null;
  awsService: string | null;
}

export interface LabelledFlow {
  /** Conversation key: interface, local, peer, protocol, action. */
  id: string;
  interfaceId: string;
  interfaceKind: InterfaceKind;
  localAddr: string;
  localPort: number;
  peerAddr: string;
  peerPort: number;
  protocol: number;
  direction: Direction;
  initiator: Initiator | null;
  initiatorRule: InitiatorRule;
  directionEvidence: string;
  action: FlowAction | null;
  bytesOut: number;
  bytesIn: number;
  packetsOut: number;
  packetsIn: number;
  records: number;
  firstSeen: number;
  lastSeen: number;
  /** Both directions were logged and paired. */
  paired: boolean;
  /** Seen on a NAT gateway / VPC endpoint interface on behalf of `localAddr`. */
  transit: boolean;
  out: FlowSide | null;
  in: FlowSide | null;
  peerClass: PeerClass;
  peerClassEvidence: string;
  path: TrafficPathKind;
  pathEvidence: string;
  /** AWS service of the peer (S3, DYNAMODB …) when known. */
  awsService: string | null;
  peerRegion: string | null;
  peerInterfaceId: string | null;
  /** The peer address is the public IP of this interface of the inventory (same region). */
  peerPublicIpInterfaceId: string | null;
  vpcId: string | null;
  localAz: string | null;
  peerAz: string | null;
  /** NAT gateway the flow goes through (nat-…) and its AZ, when known. */
  viaId: string | null;
  viaAz: string | null;
  /** The local side reaches that NAT gateway in another AZ: cross-AZ transfer is charged too. */
  viaCrossAz: boolean;
  securityGroupIds: string[];
  matchedRule: SgRuleRef | null;
  matchedRules: SgRuleRef[];
  sgVerdict: SgVerdict;
  cost: CostBreakdown;
  costUsd: number;
  /** Why the cost is what it is when it is not obvious (counted elsewhere, unpriced …). */
  costNote: string | null;
  /**
   * Another flow in the data already carries these bytes (a NAT gateway's copy of traffic also
   * logged on the inside host): not priced here, and left out of `totals.uniqueBytesOut/In`.
   */
  countedElsewhere: boolean;
}

export interface RuleUsage {
  rule: SgRuleRef;
  flows: number;
  bytes: number;
  distinctPeers: number;
  lastSeen: number | null;
  /**
   * 'used': accepted flows matched it (with an unknown initiator, rules of either direction that
   * match are credited). 'unknown': nothing matched, but the group has accepted flows whose
   * attribution could not be evaluated (`unevaluatedFlows`) — never report such a rule unused.
   * 'unused': every accepted flow of the group was attributed and none matched it.
   */
  status: 'used' | 'unused' | 'unknown';
  /** Accepted flows of the rule's group with sgVerdict not-evaluated / no-inventory. */
  unevaluatedFlows: number;
}

/**
 * A grouped sum. In the by-direction, by-peer-class, by-peer and by-security-group groups,
 * `flows`, `bytesOut` and `bytesIn` leave out the copies a NAT gateway logs of traffic already
 * counted on the inside host (`countedElsewhere`), which `copies` counts instead; so the groups of
 * one kind add up to `totals.uniqueBytesOut/In`. In `byInterface` they are what each interface
 * logged, copies included (a NAT gateway's interface did carry them), and `copies` says how many.
 */
export interface CostGroup {
  key: string;
  flows: number;
  /** Flows of this group counted elsewhere (listed, but not in flows/bytes except by interface). */
  copies: number;
  bytesOut: number;
  bytesIn: number;
  costUsd: number;
  monthlyCostUsd: number;
}

export interface SavingsHint {
  kind: 'gateway-endpoint' | 'interface-endpoint' | 'cross-az' | 'nat-gateway';
  message: string;
  monthlySavingsUsd: number;
  /** What the hint is about: VPC id, interface id, service. */
  subjects: string[];
}

export interface AnalysisWindow {
  start: number;
  end: number;
  seconds: number;
  /** Where the window came from: the records' times or the caller's --start/--end. */
  source: 'records' | 'options';
}

export interface Projection {
  /** Hours in the billing month the projection uses (AWS prices per month of 730 hours). */
  monthHours: number;
  /** monthHours * 3600 / window.seconds: how many observed windows make a month. */
  factor: number;
  monthlyCostUsd: number;
  /** GB of internet egress projected over a month, which selects the tier. */
  monthlyInternetEgressGb: number;
  /** The average per-GB rate the tiers give for that volume (what every flow pays). */
  internetEffectiveRateUsdPerGb: number;
  statement: string;
}
