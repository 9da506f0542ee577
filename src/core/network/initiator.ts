/**
 * Who started a conversation (DOMAIN.md §1). Evidence, strongest first:
 *  1. TCP flags: SYN without SYN-ACK marks the initiator's direction; SYN-ACK (18) the responder's.
 *     Flow logs OR the flags over the aggregation interval and report ACK only as part of SYN-ACK.
 *  2. Listening ports: a port on which SYNs were seen arriving (in any conversation), or which an
 *     inbound security-group rule opens specifically (not "all ports"), is a server port.
 *  3. Unanswered inbound: only the peer's packets were logged, and they were REJECTed or the
 *     interface logs both directions — the peer started it, whatever its port (scans, probes).
 *  4. Port numbers: a well-known port (≤ 1023) against a higher one; else a port below the Linux
 *     ephemeral range (32768–65535) against one inside it.
 *  5. One-sided conversations: only one direction was logged on an interface that logs both, so
 *     nothing answered — the sender started it (typical of rejected scans).
 *  6. Otherwise unknown, with the reason.
 */
import type { Conversation } from './conversations';
import type { NetworkIndex } from './inventory-index';
import type { RuleBook } from './security-groups';
import { protocolName } from './security-groups';
import type { Initiator, InitiatorRule } from './types';

export const TCP_FIN = 1;
export const TCP_SYN = 2;
export const TCP_RST = 4;
export const TCP_SYN_ACK = 18;

export const WELL_KNOWN_MAX = 1023;
export const EPHEMERAL_MIN = 32768;

export interface InitiatorDecision {
  initiator: Initiator | null;
  rule: InitiatorRule;
  evidence: string;
}

const hasPorts = (protocol: number) => protocol === 6 || protocol === 17 || protocol === 132;

const isSyn = (f: number) => (f & TCP_SYN) !== 0 && (f & TCP_SYN_ACK) !== TCP_SYN_ACK;
const isSynAck = (f: number) => (f & TCP_SYN_ACK) === TCP_SYN_ACK;

export function endpointKey(addr: string, port: number, protocol: number): string {
  return `${addr}|${port}|${protocol}`;
}

/** Rule 1 only: the decision from TCP flags, or null. */
export function byTcpFlags(c: Conversation): InitiatorDecision | null {
  if (c.protocol !== 6) return null;
  const outF = c.out?.tcpFlags ?? 0;
  const inF = c.in?.tcpFlags ?? 0;
  if (outF === 0 && inF === 0) return null;
  const localStarted = isSyn(outF) || isSynAck(inF);
  const peerStarted = isSyn(inF) || isSynAck(outF);
  if (localStarted === peerStarted) return null;
  if (localStarted) {
    return {
      initiator: 'local',
      rule: 'tcp-flags',
      evidence: isSyn(outF) ? `tcp-flags: SYN from ${c.localAddr}` : `tcp-flags: SYN-ACK from ${c.peerAddr} (responder)`,
    };
  }
  return {
    initiator: 'peer',
    rule: 'tcp-flags',
    evidence: isSyn(inF) ? `tcp-flags: SYN from ${c.peerAddr}` : `tcp-flags: SYN-ACK from ${c.localAddr} (responder)`,
  };
}

export interface InitiatorContext {
  index: NetworkIndex;
  rules: RuleBook;
  /** Server endpoints (addr|port|protocol) proven by TCP flags anywhere in the data. */
  learnedListening: Set<string>;
  /** Security groups of the local side (the interface, or the inside host for transit flows). */
  localGroups: string[];
  /** Security groups of the peer when it is an interface in the inventory. */
  peerGroups: string[];
  /** Interfaces with both sent and received packets in the data (they log both directions). */
  bothDirectionsLogged?: Set<string>;
}

function listening(addr: string, port: number, protocol: number, groups: string[], ctx: InitiatorContext): string | null {
  if (ctx.learnedListening.has(endpointKey(addr, port, protocol))) return `SYN seen arriving in another conversation`;
  const r = ctx.rules.listeningRule(groups, protocol, port);
  if (r) return `inbound rule ${r.groupId} allows ${protocolName(r.protocolNumber)}/${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`}`;
  return null;
}

/**
 * Only the peer's packets were logged and nothing went back: when REJECTed, or on an interface
 * seen logging both directions, that is an attempt by the peer whatever its port (a packet "from
 * port 53" to an ephemeral port with no query logged is not a DNS answer).
 */
function unansweredInbound(c: Conversation, ctx: InitiatorContext): InitiatorDecision | null {
  if (!c.in || c.out) return null;
  const rejected = c.action === 'REJECT';
  if (!rejected && !ctx.bothDirectionsLogged?.has(c.interfaceId)) return null;
  return {
    initiator: 'peer',
    rule: 'one-sided',
    evidence:
      `one-sided: only packets from ${c.peerAddr} logged, no reply` +
      (rejected ? ' (REJECT: an attempt that was blocked)' : ` although ${c.interfaceId} logs both directions`),
  };
}

export function decideInitiator(c: Conversation, ctx: InitiatorContext): InitiatorDecision {
  const flags = byTcpFlags(c);
  if (flags) return flags;

  const ports = hasPorts(c.protocol);
  if (ports) {
    const localWhy = listening(c.localAddr, c.localPort, c.protocol, ctx.localGroups, ctx);
    const peerWhy = listening(c.peerAddr, c.peerPort, c.protocol, ctx.peerGroups, ctx);
    if (localWhy && !peerWhy) {
      return { initiator: 'peer', rule: 'listening-port', evidence: `port: local ${c.localPort} is listening (${localWhy})` };
    }
    if (peerWhy && !localWhy) {
      return { initiator: 'local', rule: 'listening-port', evidence: `port: peer ${c.peerPort} is listening (${peerWhy})` };
    }

    const attempt = unansweredInbound(c, ctx);
    if (attempt) return attempt;

    const lw = c.localPort > 0 && c.localPort <= WELL_KNOWN_MAX;
    const pw = c.peerPort > 0 && c.peerPort <= WELL_KNOWN_MAX;
    if (lw && !pw) {
      return { initiator: 'peer', rule: 'port', evidence: `port: local ${c.localPort} well-known, peer ${c.peerPort} ephemeral` };
    }
    if (pw && !lw) {
      return { initiator: 'local', rule: 'port', evidence: `port: peer ${c.peerPort} well-known, local ${c.localPort} ephemeral` };
    }
    if (!lw && !pw) {
      const le = c.localPort >= EPHEMERAL_MIN;
      const pe = c.peerPort >= EPHEMERAL_MIN;
      if (pe && !le) {
        return { initiator: 'peer', rule: 'port', evidence: `port: local ${c.localPort} below the ephemeral range, peer ${c.peerPort} ephemeral` };
      }
      if (le && !pe) {
        return { initiator: 'local', rule: 'port', evidence: `port: peer ${c.peerPort} below the ephemeral range, local ${c.localPort} ephemeral` };
      }
    }
  }

  if (c.out && !c.in) {
    return { initiator: 'local', rule: 'one-sided', evidence: `one-sided: only packets from ${c.localAddr} logged, no reply` };
  }
  if (c.in && !c.out) {
    return { initiator: 'peer', rule: 'one-sided', evidence: `one-sided: only packets from ${c.peerAddr} logged, no reply` };
  }

  const anyFlags = c.protocol === 6 && ((c.out?.tcpFlags ?? 0) | (c.in?.tcpFlags ?? 0)) !== 0;
  const flagsNote = anyFlags ? 'tcp-flags inconclusive (SYN seen from both sides)' : 'no tcp-flags';
  let reason: string;
  if (!ports) reason = `${protocolName(c.protocol)} has no ports, ${flagsNote}, and both directions were logged`;
  else if (c.localPort <= WELL_KNOWN_MAX && c.peerPort <= WELL_KNOWN_MAX) reason = `both ports well-known (${c.localPort}, ${c.peerPort}), ${flagsNote}`;
  else reason = `${flagsNote}, no listening port known, ports ${c.localPort} and ${c.peerPort} are both ${c.localPort >= EPHEMERAL_MIN ? 'ephemeral' : 'registered'}`;
  return { initiator: null, rule: 'none', evidence: `unknown: ${reason}` };
}
