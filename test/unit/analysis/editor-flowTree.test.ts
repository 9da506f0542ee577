import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFlowTree, flowsOfNode, flowsToTsv, type EditorFlow } from '../../../src/core/analysis/editor-flowTree';

function flow(p: Partial<EditorFlow>): EditorFlow {
  return {
    interfaceId: 'eni-1', localAddr: '10.0.1.10', localPort: 40000, peerAddr: '203.0.113.5', peerPort: 443, protocol: 6,
    direction: 'egress', action: 'ACCEPT', bytesOut: 1000, bytesIn: 100, packetsOut: 10, packetsIn: 5, firstSeen: 100, lastSeen: 200,
    peerClass: 'internet', path: 'igw', securityGroupIds: ['sg-web'], costUsd: 1, ...p,
  };
}

const flows: EditorFlow[] = [
  flow({}),
  flow({ peerPort: 80, bytesOut: 5000, costUsd: 3 }),
  flow({ peerAddr: '198.51.100.7', bytesOut: 50, costUsd: 0.1 }),
  flow({ direction: 'ingress', localPort: 22, peerPort: 51000, peerAddr: '192.0.2.9', action: 'REJECT', bytesOut: 0, bytesIn: 60, costUsd: 0, securityGroupIds: ['sg-bastion'] }),
  flow({ direction: 'internal', interfaceId: 'eni-9', securityGroupIds: [], peerAddr: '10.0.2.20', peerClass: 'cross-az', path: 'local', localPort: 5432, peerPort: 41000, bytesOut: 10, costUsd: 0.5 }),
];

test('tree: fixed direction order, owner → peer → port with totals that add up', () => {
  const t = buildFlowTree(flows);
  assert.deepEqual(t.map((n) => n.label), ['Egress', 'Ingress', 'Internal']);
  const egress = t[0];
  assert.equal(egress.flows, 3);
  assert.equal(egress.bytes, 1100 + 5100 + 150);
  assert.equal(egress.children.length, 1);
  const owner = egress.children[0];
  assert.equal(owner.label, 'sg-web');
  assert.deepEqual(owner.children.map((p) => p.label), ['203.0.113.5', '198.51.100.7'], 'peers sorted by bytes');
  const ports = owner.children[0].children;
  assert.deepEqual(ports.map((p) => p.label), ['TCP 80', 'TCP 443']);
  assert.ok(Math.abs(owner.costUsd - 4.1) < 1e-9);
  const ingress = t[1];
  assert.equal(ingress.rejected, 1);
  assert.equal(ingress.children[0].children[0].children[0].label, 'TCP 22', 'ingress names the local listening port');
  assert.equal(t[2].children[0].label, 'eni-9', 'no group: keyed by interface');
});

test('tree: filters by action, class, min bytes, group and time; sort by cost', () => {
  assert.deepEqual(buildFlowTree(flows, { action: 'REJECT' }).map((n) => n.label), ['Ingress']);
  assert.deepEqual(buildFlowTree(flows, { classes: ['cross-az'] }).map((n) => n.label), ['Internal']);
  assert.equal(buildFlowTree(flows, { minBytes: 1000 })[0].flows, 2);
  assert.deepEqual(buildFlowTree(flows, { securityGroupId: 'sg-bastion' }).map((n) => n.label), ['Ingress']);
  assert.equal(buildFlowTree(flows, { start: 300 }).length, 0);
  const byName = buildFlowTree(flows, {}, 'name')[0].children[0].children.map((p) => p.label);
  assert.deepEqual(byName, ['198.51.100.7', '203.0.113.5']);
});

test('flowsOfNode returns exactly the flows under a node; TSV has a header and one row each', () => {
  const t = buildFlowTree(flows);
  const peer = t[0].children[0].children[0];
  const under = flowsOfNode(flows, peer);
  assert.equal(under.length, 2);
  assert.equal(under.reduce((n, f) => n + f.bytesOut + f.bytesIn, 0), peer.bytes);
  const tsv = flowsToTsv(under).split('\n');
  assert.equal(tsv.length, 3);
  assert.match(tsv[0], /^direction\tinterfaceId/);
});

test('long child lists are capped with a "more" node carrying the rest of the totals', async () => {
  const { capChildren } = await import('../../../src/core/analysis/editor-flowTree');
  const many = Array.from({ length: 50 }, (_, i) => flow({ peerAddr: `198.51.100.${i}`, bytesOut: 1000 - i, costUsd: 0.01 }));
  const owner = buildFlowTree(many)[0].children[0];
  const shown = capChildren(owner, 10);
  assert.equal(shown.length, 11);
  const more = shown[10];
  assert.equal(more.kind, 'more');
  assert.equal(more.flows, 40);
  assert.equal(shown.reduce((n, c) => n + c.bytes, 0), owner.bytes);
  assert.equal(capChildren(owner, 100).length, 50);
});

test('demo: direction totals leave out NAT gateway copies and equal the core byDirection; the copies stay listed', async () => {
  const { join } = await import('node:path');
  const { loadFlowFiles, loadInventoryPath } = await import('../../../src/core/analysis/editor-load');
  const { analyzeFlows } = await import('../../../src/core/network');
  const demo = join(__dirname, '..', '..', '..', 'samples', 'demo');
  const inv = await loadInventoryPath(join(demo, 'inventory'));
  const fa = analyzeFlows((await loadFlowFiles([join(demo, 'flowlogs')])).aggregates, inv.inventory);
  const roots = buildFlowTree(fa.flows);
  for (const r of roots) {
    const d = fa.totals.byDirection[r.direction];
    assert.deepEqual([r.flows, r.bytes, r.copies ?? 0], [d.flows, d.bytesOut + d.bytesIn, d.copies], r.direction);
  }
  const egress = roots.find((r) => r.direction === 'egress')!;
  assert.ok((egress.copies ?? 0) > 0, 'the demo has copies');
  assert.equal(egress.children.reduce((n, c) => n + c.flows, 0), egress.flows + egress.copies!, 'copies listed under the gateway interface');
  assert.equal(egress.children.reduce((n, c) => n + c.bytes, 0), egress.bytes + egress.copiesBytes!);
});
