// Public API of the network analysis: conversations, ingress/egress labels, peer class and path,
// security-group attribution and (through ../pricing) cost. See analyze.ts for the entry point.
export { analyzeFlows, savingsHints } from './analyze';
export type { AnalyzeOptions, FlowAnalysis, FlowTotals } from './analyze';
export { buildConversations } from './conversations';
export type { Conversation } from './conversations';
export { decideInitiator, byTcpFlags, TCP_FIN, TCP_SYN, TCP_RST, TCP_SYN_ACK, WELL_KNOWN_MAX, EPHEMERAL_MIN } from './initiator';
export type { InitiatorDecision } from './initiator';
export { NetworkIndex, interfaceKind, regionOfAz, shortServiceName } from './inventory-index';
export type { InterfaceInfo, InterfaceKind, SubnetInfo, PrivateNet, IndexOptions } from './inventory-index';
export { classifyPeer } from './peer';
export { RuleBook, compileGroup, protocolNumber, protocolName } from './security-groups';
export type { CompiledRule } from './security-groups';
export { AwsIpRanges, parseAwsIpRanges } from './aws-ip-ranges';
export type { AwsServiceMatch } from './aws-ip-ranges';
export { CidrTable, parseCidr, parseIp, normalizeIp, isRfcPrivate, cidrContains } from './ip';
export type * from './types';
