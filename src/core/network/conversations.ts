/**
 * From aggregates (one direction of packets on one interface each) to conversations: both
 * directions of one exchange on the same interface — swapped endpoints and ports, same protocol
 * and action, overlapping times — paired; the rest kept one-sided.
 *
 * Each aggregate is first oriented: which of its two endpoints is the local side. Packet
 * addresses (`pkt-srcaddr`/`pkt-dstaddr`) are used when logged, so that on a NAT gateway's
 * interface the inside host and the real far end appear rather than the gateway's own address.
 * The orientation uses, in order: the interface's addresses from the inventory; the raw record
 * address being the interface's own while the packet address differs (traffic forwarded by a NAT
 * gateway or endpoint); the v5 `flow-direction`; the private address / the address with the most
 * distinct peers on that interface. When none decides, the conversation says the orientation is
 * unknown (`orientationUnknown`) rather than picking silently.
 */
import type { FlowAggregate } from '../model/flows';
import type { NetworkIndex } from './inventory-index';
import { normalizeIp } from './ip';
import type { FlowSide } from './types';

export interface Conversation {
  key: string;
  interfaceId: string;
  localAddr: string;
  localPort: number;
  peerAddr: string;
  peerPort: number;
  protocol: number;
  action: FlowAggregate['action'];
  /** Packets from local to peer. */
  out: FlowSide | null;
  /** Packets from peer to local. */
  in: FlowSide | null;
  transit: boolean;
  /**
   * Set when nothing (inventory, flow-direction, a private or most-connected address) told which
   * end is the interface's own: local/peer are then only a canonical order, and this says why.
   */
  orientationUnknown?: string;
  /** First non-null of the optional record fields over both sides. */
  vpcId: string | null;
  subnetId: string | null;
  azId: string | null;
  region: string | null;
}

interface Oriented {
  agg: FlowAggregate;
  localAddr: string;
  localPort: number;
  peerAddr: string;
  peerPort: number;
  /** 'out' when the packets went local → peer. */
  side: 'out' | 'in';
  transit: boolean;
  /** Nothing told which end is the interface's own. */
  unknown?: boolean;
}

/** Slack when deciding whether two directions' time ranges overlap (one aggregation interval). */
const OVERLAP_SLACK_SECONDS = 600;

/**
 * Addresses of interfaces not in the inventory, inferred from the records themselves: the
 * v5 `flow-direction` when logged; else, per interface, the address with the most distinct
 * peers, preferring private ones (RFC 1918, VPC or declared CIDRs — an interface's record address
 * is its private IP). A tie leaves the set empty: the orientation is then unknown and said so.
 */
function inferOwnAddresses(aggs: FlowAggregate[], isPrivate: (addr: string) => boolean): Map<string, Set<string>> {
  const peers = new Map<string, Map<string, Set<string>>>();
  const byFlowDir = new Map<string, Set<string>>();
  for (const a of aggs) {
    if (a.flowDirection) {
      const own = a.flowDirection === 'egress' ? a.srcaddr : a.dstaddr;
      let s = byFlowDir.get(a.interfaceId);
      if (!s) byFlowDir.set(a.interfaceId, (s = new Set()));
      s.add(normalizeIp(own));
    }
  }
  const addPeer = (m: Map<string, Set<string>>, x: string, y: string) => {
    let p = m.get(x);
    if (!p) m.set(x, (p = new Set()));
    p.add(y);
  };
  // Peer counts only for interfaces flow-direction did not settle (v2–v4 records).
  for (const a of aggs) {
    if (byFlowDir.has(a.interfaceId)) continue;
    let m = peers.get(a.interfaceId);
    if (!m) peers.set(a.interfaceId, (m = new Map()));
    const src = normalizeIp(a.srcaddr);
    const dst = normalizeIp(a.dstaddr);
    addPeer(m, src, dst);
    addPeer(m, dst, src);
  }
  for (const eni of byFlowDir.keys()) peers.set(eni, new Map());
  const out = new Map<string, Set<string>>();
  for (const [eni, m] of peers) {
    const fromDir = byFlowDir.get(eni);
    if (fromDir && fromDir.size > 0) {
      out.set(eni, fromDir);
      continue;
    }
    const all = [...m.keys()];
    const priv = all.filter(isPrivate);
    const candidates = priv.length > 0 ? priv : all;
    let best: string[] = [];
    let bestN = -1;
    for (const addr of candidates) {
      const n = m.get(addr)!.size;
      if (n > bestN) {
        best = [addr];
        bestN = n;
      } else if (n === bestN) best.push(addr);
    }
    out.set(eni, new Set(best.length === 1 ? best : []));
  }
  return out;
}

function orient(a: FlowAggregate, own: Set<string>, norm: (s: string) => string, isPrivate?: (s: string) => boolean): Oriented {
  const rawSrc = norm(a.srcaddr);
  const rawDst = norm(a.dstaddr);
  const src = a.pktSrcaddr ? norm(a.pktSrcaddr) : rawSrc;
  const dst = a.pktDstaddr ? norm(a.pktDstaddr) : rawDst;
  const outward = (): Oriented => ({ agg: a, localAddr: src, localPort: a.srcport, peerAddr: dst, peerPort: a.dstport, side: 'out', transit: false });
  const inward = (): Oriented => ({ agg: a, localAddr: dst, localPort: a.dstport, peerAddr: src, peerPort: a.srcport, side: 'in', transit: false });

  const srcOwn = own.has(src);
  const dstOwn = own.has(dst);
  if (srcOwn && !dstOwn) return outward();
  if (dstOwn && !srcOwn) return inward();
  if (!srcOwn && !dstOwn) {
    // Forwarded traffic: the record's own address was replaced by the real far end.
    if (own.has(rawDst) && dst !== rawDst) return { ...outward(), transit: true };
    if (own.has(rawSrc) && src !== rawSrc) return { ...inward(), transit: true };
  }
  if (a.flowDirection === 'egress') return outward();
  if (a.flowDirection === 'ingress') return inward();
  // For an interface we know nothing about: its side is the private address.
  if (isPrivate && !srcOwn && !dstOwn) {
    const sp = isPrivate(src);
    const dp = isPrivate(dst);
    if (dp && !sp) return inward();
    if (sp && !dp) return outward();
  }
  // Nothing tells which end is the interface's: a canonical order (the smaller address and port
  // is shown as local) so that both directions still pair, and the conversation says it is unknown.
  const srcFirst = src < dst || (src === dst && a.srcport <= a.dstport);
  return { ...(srcFirst ? outward() : inward()), unknown: true };
}

function newSide(o: Oriented): FlowSide {
  const a = o.agg;
  return {
    bytes: 0,
    packets: 0,
    records: 0,
    tcpFlags: 0,
    start: a.start,
    end: a.end,
    srcaddr: a.srcaddr,
    dstaddr: a.dstaddr,
    flowDirection: a.flowDirection,
    trafficPath: a.trafficPath,
    awsService: o.side === 'out' ? a.pktDstAwsService : a.pktSrcAwsService,
  };
}

function addToSide(s: FlowSide, o: Oriented): void {
  const a = o.agg;
  s.bytes += a.bytes;
  s.packets += a.packets;
  s.records += a.records;
  s.tcpFlags |= a.tcpFlags;
  s.start = Math.min(s.start, a.start);
  s.end = Math.max(s.end, a.end);
  s.flowDirection ??= a.flowDirection;
  s.trafficPath ??= a.trafficPath;
  s.awsService ??= o.side === 'out' ? a.pktDstAwsService : a.pktSrcAwsService;
}

/** Builds conversations from aggregates. Order of the result follows first appearance. */
export function buildConversations(aggregates: FlowAggregate[], index: NetworkIndex): Conversation[] {
  const isPrivate = (x: string) => index.isPrivate(x);
  const inferred = inferOwnAddresses(
    aggregates.filter((a) => !index.interfaces.has(a.interfaceId)),
    isPrivate,
  );
  const ownOf = (eni: string): Set<string> => {
    const info = index.interfaces.get(eni);
    if (info) return new Set([...info.privateIps, ...info.publicIps, ...info.ipv6]);
    return inferred.get(eni) ?? new Set();
  };
  const ownCache = new Map<string, Set<string>>();
  const norm = (addr: string) => index.facts(addr).text;
  const byKey = new Map<string, Conversation>();
  const extra: Conversation[] = [];

  for (const a of aggregates) {
    let own = ownCache.get(a.interfaceId);
    if (!own) ownCache.set(a.interfaceId, (own = ownOf(a.interfaceId)));
    const o = orient(a, own, norm, isPrivate);
    // Joined, not a template literal: a template makes a rope of ~12 cons strings that the flow
    // keeps as its id (~315 bytes a flow, a quarter of the analysis); join makes one flat string.
    // String() keeps the template's text for null ("null", where join would write nothing).
    const key = [a.interfaceId, o.localAddr, String(o.localPort), o.peerAddr, String(o.peerPort), String(a.protocol), a.action ?? '-'].join('|');
    let c = byKey.get(key);
    if (!c) {
      c = {
        key,
        interfaceId: a.interfaceId,
        localAddr: o.localAddr,
        localPort: o.localPort,
        peerAddr: o.peerAddr,
        peerPort: o.peerPort,
        protocol: a.protocol,
        action: a.action,
        out: null,
        in: null,
        transit: o.transit,
        vpcId: a.vpcId,
        subnetId: a.subnetId,
        azId: a.azId,
        region: a.region,
      };
      byKey.set(key, c);
    }
    c.transit ||= o.transit;
    if (o.unknown && !c.orientationUnknown) {
      c.orientationUnknown = index.interfaces.has(a.interfaceId)
        ? `neither ${o.localAddr} nor ${o.peerAddr} is an address of ${a.interfaceId} in the inventory`
        : `${a.interfaceId} is not in the inventory and neither address stands out as its own (no flow-direction, both ${isPrivate(o.localAddr) ? 'private' : 'public'}, equally connected)`;
    }
    c.vpcId ??= a.vpcId;
    c.subnetId ??= a.subnetId;
    c.azId ??= a.azId;
    c.region ??= a.region;
    const side = o.side === 'out' ? (c.out ??= newSide(o)) : (c.in ??= newSide(o));
    addToSide(side, o);
  }

  // Directions whose times do not overlap are two separate exchanges: split them.
  for (const c of byKey.values()) {
    if (c.out && c.in) {
      const overlap = c.in.start <= c.out.end + OVERLAP_SLACK_SECONDS && c.out.start <= c.in.end + OVERLAP_SLACK_SECONDS;
      if (!overlap) {
        extra.push({ ...c, key: `${c.key}|in`, out: null });
        c.in = null;
        c.key = `${c.key}|out`;
      }
    }
  }
  return [...byKey.values(), ...extra];
}
