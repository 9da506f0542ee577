/**
 * Groups labelled flows into the sidebar's Flows tree: direction → security group (or interface)
 * → peer → port/protocol, with totals at every level, filters and sorting. Pure data; the editor
 * only turns nodes into TreeItems.
 *
 * `EditorFlow` is the subset of the labelled-flow contract (docs/cli.md, `flows --format json`)
 * that the views read; any labelled flow satisfies it structurally.
 */
import type { Direction, FlowAction, PeerClass, TrafficPathKind } from '../model/flows';
import { protocolName } from './editor-format';

export interface EditorFlow {
  interfaceId: string;
  localAddr: string;
  localPort: number;
  peerAddr: string;
  peerPort: number;
  protocol: number;
  direction: Direction;
  action: FlowAction | null;
  bytesOut: number;
  bytesIn: number;
  packetsOut: number;
  packetsIn: number;
  /** Unix seconds (the CLI prints them as ISO). */
  firstSeen: number | string;
  lastSeen: number | string;
  peerClass: PeerClass;
  path: TrafficPathKind;
  securityGroupIds: string[];
  costUsd: number;
  /** What the interface is (instance, nat-gateway, vpc-endpoint …) when the inventory says. */
  interfaceKind?: string;
  /** A NAT gateway's copy of traffic already counted on the inside host (LabelledFlow.countedElsewhere). */
  countedElsewhere?: boolean;
}

export interface FlowFilter {
  action?: FlowAction;
  classes?: PeerClass[];
  minBytes?: number;
  /** Only flows of interfaces in this security group. */
  securityGroupId?: string;
  /** Only flows with this peer address. */
  peerAddr?: string;
  /** Unix seconds; a flow is kept when its [firstSeen, lastSeen] overlaps. */
  start?: number;
  end?: number;
}

export type FlowSort = 'bytes' | 'cost' | 'packets' | 'name';

/** `more` stands for the children cut off below the first N (views cap long lists). */
export type FlowNodeKind = 'direction' | 'owner' | 'peer' | 'port' | 'more';

export interface FlowTotals {
  bytes: number;
  packets: number;
  costUsd: number;
  flows: number;
  rejected: number;
}

export interface FlowNode extends FlowTotals {
  /** Stable id: the path of keys from the root, e.g. `egress/sg-1/203.0.113.9/tcp:443`. */
  id: string;
  kind: FlowNodeKind;
  label: string;
  direction: Direction;
  /** owner: security-group ids (or empty when keyed by interface). */
  securityGroupIds: string[];
  interfaceIds: string[];
  interfaceKind?: string;
  peerAddr?: string;
  peerClass?: PeerClass;
  path?: TrafficPathKind;
  port?: number;
  protocol?: number;
  /**
   * Direction nodes: NAT gateway copies of flows counted on the inside host. They are listed below
   * (under the gateway's interface, which did carry them) but left out of the direction's totals,
   * so those equal the core's byDirection (the CLI's `flows` JSON).
   */
  copies?: number;
  /** Their bytes (both ways): the children's bytes add up to `bytes + copiesBytes`. */
  copiesBytes?: number;
  children: FlowNode[];
}

export const DIRECTION_ORDER: readonly Direction[] = ['egress', 'ingress', 'internal', 'unknown'];
const DIRECTION_LABEL: Record<Direction, string> = { egress: 'Egress', ingress: 'Ingress', internal: 'Internal', unknown: 'Unknown' };

export function toSeconds(t: number | string): number {
  return typeof t === 'number' ? t : Math.floor(Date.parse(t) / 1000);
}

export function flowBytes(f: EditorFlow): number {
  return f.bytesOut + f.bytesIn;
}

export function matchesFilter(f: EditorFlow, filter: FlowFilter): boolean {
  if (filter.action && f.action !== filter.action) return false;
  if (filter.classes && filter.classes.length && !filter.classes.includes(f.peerClass)) return false;
  if (filter.minBytes && flowBytes(f) < filter.minBytes) return false;
  if (filter.securityGroupId && !f.securityGroupIds.includes(filter.securityGroupId)) return false;
  if (filter.peerAddr && f.peerAddr !== filter.peerAddr) return false;
  if (filter.start !== undefined && toSeconds(f.lastSeen) < filter.start) return false;
  if (filter.end !== undefined && toSeconds(f.firstSeen) > filter.end) return false;
  return true;
}

/** The port that names the service: the peer's for egress, ours for ingress, the lower otherwise. */
export function servicePort(f: EditorFlow): number {
  if (f.direction === 'egress') return f.peerPort;
  if (f.direction === 'ingress') return f.localPort;
  return Math.min(f.localPort, f.peerPort);
}

function emptyNode(id: string, kind: FlowNodeKind, label: string, direction: Direction): FlowNode {
  return { id, kind, label, direction, bytes: 0, packets: 0, costUsd: 0, flows: 0, rejected: 0, securityGroupIds: [], interfaceIds: [], children: [] };
}

function add(n: FlowNode, f: EditorFlow, ifaces: Map<FlowNode, Set<string>>): void {
  n.bytes += f.bytesOut + f.bytesIn;
  n.packets += f.packetsOut + f.packetsIn;
  n.costUsd += f.costUsd;
  n.flows += 1;
  if (f.action === 'REJECT') n.rejected += 1;
  if (n.kind === 'peer' || n.kind === 'port') {
    // usually one interface: a short array beats a Set per node (hundreds of thousands of nodes)
    if (!n.interfaceIds.includes(f.interfaceId)) n.interfaceIds.push(f.interfaceId);
    return;
  }
  let set = ifaces.get(n);
  if (!set) ifaces.set(n, (set = new Set()));
  set.add(f.interfaceId);
}

function child(parent: FlowNode, index: Map<string, FlowNode>, key: string, make: () => FlowNode): FlowNode {
  const id = `${parent.id}/${key}`;
  let n = index.get(id);
  if (!n) {
    n = make();
    n.id = id;
    index.set(id, n);
    parent.children.push(n);
  }
  return n;
}

// Ties broken by plain string order (localeCompare is far slower on 100k-item lists).
const byLabel = (a: FlowNode, b: FlowNode) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
const collator = new Intl.Collator(undefined, { numeric: true });
const COMPARE: Record<FlowSort, (a: FlowNode, b: FlowNode) => number> = {
  bytes: (a, b) => b.bytes - a.bytes || byLabel(a, b),
  cost: (a, b) => b.costUsd - a.costUsd || b.bytes - a.bytes || byLabel(a, b),
  packets: (a, b) => b.packets - a.packets || byLabel(a, b),
  name: (a, b) => collator.compare(a.label, b.label),
};

function sortNodes(nodes: FlowNode[], sort: FlowSort): void {
  if (nodes.length > 1) nodes.sort(COMPARE[sort]);
  for (const n of nodes) if (n.children.length) sortNodes(n.children, sort);
}

/**
 * The tree. Direction nodes come in a fixed order (Egress, Ingress, Internal, Unknown) and only
 * when they hold flows; below them nodes are sorted by `sort`. A flow whose interface has several
 * security groups sits under one owner node naming all of them, so totals never double count.
 */
export function buildFlowTree(flows: readonly EditorFlow[], filter: FlowFilter = {}, sort: FlowSort = 'bytes'): FlowNode[] {
  const roots = new Map<Direction, FlowNode>();
  const index = new Map<string, FlowNode>();
  const ifaces = new Map<FlowNode, Set<string>>();
  for (const f of flows) {
    if (!matchesFilter(f, filter)) continue;
    let root = roots.get(f.direction);
    if (!root) {
      root = emptyNode(f.direction, 'direction', DIRECTION_LABEL[f.direction] ?? f.direction, f.direction);
      roots.set(f.direction, root);
    }
    const sgs = [...f.securityGroupIds].sort();
    const ownerKey = sgs.length ? sgs.join('+') : f.interfaceId;
    const owner = child(root, index, ownerKey, () => {
      const n = emptyNode('', 'owner', sgs.length ? sgs.join(' + ') : f.interfaceId, f.direction);
      n.securityGroupIds = sgs;
      if (!sgs.length && f.interfaceKind && f.interfaceKind !== 'unknown') n.interfaceKind = f.interfaceKind;
      return n;
    });
    const peer = child(owner, index, f.peerAddr, () => {
      const n = emptyNode('', 'peer', f.peerAddr, f.direction);
      n.peerAddr = f.peerAddr;
      n.peerClass = f.peerClass;
      n.path = f.path;
      n.securityGroupIds = sgs;
      return n;
    });
    const port = servicePort(f);
    const leaf = child(peer, index, `${f.protocol}:${port}`, () => {
      const n = emptyNode('', 'port', `${protocolName(f.protocol)} ${port}`, f.direction);
      n.port = port;
      n.protocol = f.protocol;
      n.peerAddr = f.peerAddr;
      n.peerClass = f.peerClass;
      n.path = f.path;
      n.securityGroupIds = sgs;
      return n;
    });
    if (f.countedElsewhere) {
      root.copies = (root.copies ?? 0) + 1;
      root.copiesBytes = (root.copiesBytes ?? 0) + f.bytesOut + f.bytesIn;
    } else {
      add(root, f, ifaces);
    }
    add(owner, f, ifaces);
    add(peer, f, ifaces);
    add(leaf, f, ifaces);
  }
  for (const [n, set] of ifaces) n.interfaceIds = [...set];
  const out = DIRECTION_ORDER.map((d) => roots.get(d)).filter((n): n is FlowNode => !!n);
  for (const r of out) sortNodes(r.children, sort);
  return out;
}

/**
 * At most `max` children, the rest summed into one `more` node (a tree of 100k peers is no use,
 * and a filter by bytes narrows it).
 */
export function capChildren(node: FlowNode, max: number): FlowNode[] {
  if (node.children.length <= max) return node.children;
  const shown = node.children.slice(0, max);
  const rest = node.children.slice(max);
  const more = emptyNode(`${node.id}/…more`, 'more', `… ${rest.length.toLocaleString('en-US')} more`, node.direction);
  for (const r of rest) {
    more.bytes += r.bytes;
    more.packets += r.packets;
    more.costUsd += r.costUsd;
    more.flows += r.flows;
    more.rejected += r.rejected;
  }
  more.securityGroupIds = node.securityGroupIds;
  return [...shown, more];
}

/** Flows behind a node (for "copy", "show in report" and the report's links back). */
export function flowsOfNode(flows: readonly EditorFlow[], node: Pick<FlowNode, 'direction' | 'securityGroupIds' | 'interfaceIds' | 'peerAddr' | 'port' | 'protocol' | 'kind'>): EditorFlow[] {
  return flows.filter((f) => {
    if (f.direction !== node.direction) return false;
    if (node.kind === 'direction') return true;
    const sgs = [...f.securityGroupIds].sort().join('+');
    if (node.securityGroupIds.length ? sgs !== [...node.securityGroupIds].sort().join('+') : !node.interfaceIds.includes(f.interfaceId)) return false;
    if (node.kind === 'owner') return true;
    if (f.peerAddr !== node.peerAddr) return false;
    if (node.kind === 'peer') return true;
    return f.protocol === node.protocol && servicePort(f) === node.port;
  });
}

/** Tab-separated rows with a header, for "Copy" on a tree item. */
export function flowsToTsv(flows: readonly EditorFlow[]): string {
  const head = ['direction', 'interfaceId', 'localAddr', 'localPort', 'peerAddr', 'peerPort', 'protocol', 'action', 'bytesOut', 'bytesIn', 'packetsOut', 'packetsIn', 'peerClass', 'path', 'securityGroupIds', 'costUsd'];
  const rows = flows.map((f) =>
    [f.direction, f.interfaceId, f.localAddr, f.localPort, f.peerAddr, f.peerPort, protocolName(f.protocol), f.action ?? '', f.bytesOut, f.bytesIn, f.packetsOut, f.packetsIn, f.peerClass, f.path, f.securityGroupIds.join(' '), f.costUsd.toFixed(4)].join('\t'),
  );
  return [head.join('\t'), ...rows].join('\n');
}
