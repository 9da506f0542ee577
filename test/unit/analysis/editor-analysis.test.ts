import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze, loadFlowFiles, loadInventoryPath, priceOverridesFromSetting } from '../../../src/core/analysis/editor-load';
import { ruleCovers } from '../../../src/core/analysis/editor-analysis';
import { explainRule, portsText, usageForRule } from '../../../src/core/analysis/editor-explain';
import type { SgRule } from '../../../src/core/iac';
import { formatBytes } from '../../../src/core/analysis/editor-format';

const demo = join(__dirname, '..', '..', '..', 'samples', 'demo');

test('demo data → editor analysis: totals, timeline and per-group figures agree', async () => {
  const inv = await loadInventoryPath(join(demo, 'inventory'));
  const flows = await loadFlowFiles([join(demo, 'flowlogs')]);
  const a = analyze(flows.aggregates, inv.inventory);
  assert.ok(a.flows.length > 0 && a.totals.costUsd > 0);
  const timelineCost = a.timeline.reduce((n, t) => n + t.costUsd, 0);
  assert.ok(Math.abs(timelineCost - a.totals.costUsd) < 1e-6 * Math.max(1, a.totals.costUsd), `timeline ${timelineCost} vs total ${a.totals.costUsd}`);
  const classCost = Object.values(a.totals.byClass).reduce((n, c) => n + (c?.costUsd ?? 0), 0);
  assert.ok(Math.abs(classCost - a.totals.costUsd) < 1e-6);
  for (const g of Object.values(a.groups)) {
    const byClass = Object.values(g.costByClass).reduce((n, v) => n + (v ?? 0), 0);
    assert.ok(Math.abs(byClass - g.costUsd) < 1e-9, `${g.groupId}: class split adds up`);
    assert.ok(g.monthlyUsd >= g.costUsd);
  }
  for (const u of a.unusedRules) assert.equal(u.flows, 0);
  assert.ok(a.unusedRules.length > 0 && a.groups[a.unusedRules[0].groupId].rules.some((r) => r.key === a.unusedRules[0].key));
  const worker = Object.values(a.groups).find((g) => g.name === 'demo-worker');
  assert.ok(worker && worker.natToS3Bytes > 0 && worker.natToS3Usd > 0, 'the story: the worker reaches S3 through the NAT gateway');
});

test('price setting: flat keys apply to all regions, per-region form, unknown keys reported', async () => {
  const inv = await loadInventoryPath(join(demo, 'inventory'));
  const flows = await loadFlowFiles([join(demo, 'flowlogs')]);
  const base = analyze(flows.aggregates, inv.inventory);
  const doubled = analyze(flows.aggregates, inv.inventory, { prices: { natGatewayPerGb: 0.09 } });
  const w = (a: typeof base) => Object.values(a.groups).find((g) => g.name === 'demo-worker')!.natToS3Usd;
  assert.ok(Math.abs(w(doubled) - 2 * w(base)) < 1e-9, 'the NAT price override doubles the NAT processing cost');
  assert.match(analyze(flows.aggregates, inv.inventory, { prices: { nope: 1 } }).notes[0], /unknown price key/);
  assert.deepEqual(priceOverridesFromSetting({ natGatewayPerGb: 0.05 }), { overrides: { all: { natGatewayPerGb: 0.05 } }, problems: [] });
  assert.deepEqual(priceOverridesFromSetting({ regions: { 'eu-west-1': { natGatewayPerGb: 0.048 } } }).overrides, { regions: { 'eu-west-1': { natGatewayPerGb: 0.048 } } });
  assert.equal(priceOverridesFromSetting({}).overrides, undefined);
  const bad = priceOverridesFromSetting({ internetEgressPerGb: 0.08 });
  assert.match(bad.problems[0], /egressLens\.prices.*internetEgressPerGb: unknown price key/);
});

test('rule coverage and plain-words explanations', () => {
  assert.ok(ruleCovers({ protocol: 'tcp', fromPort: 22, toPort: 22 }, 6, 22));
  assert.ok(!ruleCovers({ protocol: 'tcp', fromPort: 22, toPort: 22 }, 17, 22));
  assert.ok(ruleCovers({ protocol: '-1', fromPort: -1, toPort: -1 }, 17, 53));
  const rule = {
    id: 'r', direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, description: null, descriptionState: 'missing', origin: 'inline',
    sources: [{ id: 's', kind: 'cidr', value: '0.0.0.0/0', range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } }, file: 'f', via: 'var.admin_cidrs' }],
  } as unknown as SgRule;
  assert.equal(explainRule(rule), 'Allows inbound TCP port 22 (SSH) from **anywhere on the internet** (`0.0.0.0/0`) (via var.admin_cidrs). No description.');
  assert.equal(portsText({ protocol: 'tcp', fromPort: 1000, toPort: 2000 }), 'TCP ports 1000–2000 (1,001 ports)');
  assert.equal(portsText({ protocol: 'all', fromPort: 0, toPort: 65535 }), 'all traffic (every protocol and port)');
  const usage = usageForRule(rule, {
    groupId: 'sg-1', interfaces: 1, egressBytes: 0, ingressBytes: 0, costUsd: 0, monthlyUsd: 0, costByClass: {}, monthlyByClass: {}, natToS3Bytes: 0, natToS3Usd: 0, natToDynamoBytes: 0, natToDynamoUsd: 0, rejectedInbound: 0,
    rules: [
      { key: 'a', groupId: 'sg-1', direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, source: '0.0.0.0/0', flows: 3, bytes: 9, distinctSources: 2, topPeers: [], rejected: 0, lastSeen: 1, status: 'used', unevaluatedFlows: 0 },
      { key: 'b', groupId: 'sg-1', direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, source: '0.0.0.0/0', flows: 5, bytes: 9, distinctSources: 2, topPeers: [], rejected: 0, lastSeen: 1, status: 'used', unevaluatedFlows: 0 },
    ],
  });
  assert.deepEqual(usage.map((u) => u.key), ['a']);
});

test('demo: the editor/report byte sums equal the CLI flows JSON (NAT gateway copies left out)', async () => {
  const { parseFlowsArgs, runFlows } = await import('../../../src/cli/commands/flows');
  const { buildCostReport } = await import('../../../src/core/analysis/editor-report');
  const cli = await runFlows(parseFlowsArgs(['--inventory', join(demo, 'inventory'), join(demo, 'flowlogs'), '--format', 'json']), process.cwd());
  type Group = { key: string; flows: number; copies: number; bytesOut: number; bytesIn: number };
  type FlowRow = { direction: string; countedElsewhere: boolean; securityGroupIds: string[]; bytesOut: number; bytesIn: number };
  // As the JSON output reads it (the flows list is made item by item when written).
  const doc = JSON.parse(JSON.stringify(cli.document)) as { totals: { byDirection: Record<string, Group> }; bySecurityGroup: Group[]; flows: FlowRow[] };
  const byDir = doc.totals.byDirection;
  assert.ok(byDir.egress.copies > 0, 'the demo has NAT gateway copies');

  const inv = await loadInventoryPath(join(demo, 'inventory'));
  const a = analyze((await loadFlowFiles([join(demo, 'flowlogs')])).aggregates, inv.inventory);
  // Egress/Ingress = bytes to/from peers outside the private network: every direction but internal.
  const sent = (k: 'bytesOut' | 'bytesIn') => byDir.ingress[k] + byDir.egress[k] + byDir.unknown[k];
  assert.equal(a.totals.egressBytes, sent('bytesOut'));
  assert.equal(a.totals.ingressBytes, sent('bytesIn'));
  const cards = buildCostReport(a).cards;
  assert.equal(cards.find((c) => c.label === 'Egress')!.value, formatBytes(sent('bytesOut')));

  // One byte formatter: the CLI table, the report and the editor print the same text for a flow.
  const { renderTable } = await import('../../../src/cli/commands/flows');
  const top = cli.listed[0];
  assert.ok(renderTable(cli).includes(`  ${formatBytes(top.bytesOut)}  `), 'flows table uses the core formatter');
  const g0 = doc.bySecurityGroup[0];
  const row = buildCostReport(a).tables.find((t) => t.id === 'groups')!.rows.find((r) => r.group.display.includes(g0.key))!;
  assert.equal(row.egress.display, formatBytes(a.groups[g0.key].egressBytes));

  // Per group: the CLI's bySecurityGroup minus the group's internal flows (listed in the JSON).
  assert.equal(doc.flows.length, cli.analysis.flows.length, 'the JSON lists every flow');
  for (const g of doc.bySecurityGroup) {
    const internal = doc.flows.filter((f) => f.direction === 'internal' && !f.countedElsewhere && f.securityGroupIds.includes(g.key));
    const s = a.groups[g.key];
    assert.ok(s, g.key);
    assert.equal(s.egressBytes, g.bytesOut - internal.reduce((n, f) => n + f.bytesOut, 0), `${g.key} egress`);
    assert.equal(s.ingressBytes, g.bytesIn - internal.reduce((n, f) => n + f.bytesIn, 0), `${g.key} ingress`);
  }
});

test('a copy counted elsewhere adds nothing to a group or the totals', async () => {
  const { toEditorAnalysis } = await import('../../../src/core/analysis/editor-analysis');
  const { analyzeFlows } = await import('../../../src/core/network');
  const inv = await loadInventoryPath(join(demo, 'inventory'));
  const fa = analyzeFlows((await loadFlowFiles([join(demo, 'flowlogs')])).aggregates, inv.inventory);
  const before = toEditorAnalysis(fa, inv.inventory);
  const out = fa.flows.find((f) => f.direction !== 'internal' && f.securityGroupIds.length > 0 && f.bytesOut > 0)!;
  const copy = { ...out, countedElsewhere: true, costUsd: 0 };
  const after = toEditorAnalysis({ ...fa, flows: [...fa.flows, copy] }, inv.inventory);
  const g = out.securityGroupIds[0];
  assert.equal(after.groups[g].egressBytes, before.groups[g].egressBytes);
  assert.equal(after.groups[g].ingressBytes, before.groups[g].ingressBytes);
  assert.equal(after.totals.egressBytes, before.totals.egressBytes);
  assert.equal(after.timeline.reduce((n, t) => n + t.bytes, 0), before.timeline.reduce((n, t) => n + t.bytes, 0));
});

test('rule status from the core: unknown rules are never unused (no diagnostic, no remove fix)', async () => {
  const { ruleUsageVerdict } = await import('../../../src/core/analysis/editor-explain');
  const { analyzeFlows } = await import('../../../src/core/network');
  const { toEditorAnalysis } = await import('../../../src/core/analysis/editor-analysis');
  const inv = await loadInventoryPath(join(demo, 'inventory'));
  const fa = analyzeFlows((await loadFlowFiles([join(demo, 'flowlogs')])).aggregates, inv.inventory);
  const a = toEditorAnalysis(fa, inv.inventory);
  const core = new Map(fa.ruleUsage.map((u) => [u.rule.id, u]));
  for (const g of Object.values(a.groups)) {
    for (const r of g.rules) {
      assert.equal(r.status, core.get(r.key)!.status, r.key);
      assert.equal(r.unevaluatedFlows, core.get(r.key)!.unevaluatedFlows, r.key);
    }
  }
  assert.ok(a.unusedRules.length > 0 && a.unusedRules.every((u) => u.status === 'unused'));

  const base = { key: 'k', groupId: 'sg-1', direction: 'ingress' as const, protocol: 'tcp', fromPort: 22, toPort: 22, source: '0.0.0.0/0', flows: 0, bytes: 0, distinctSources: 0, topPeers: [], rejected: 0, lastSeen: null };
  assert.equal(ruleUsageVerdict([]), 'not-deployed');
  assert.equal(ruleUsageVerdict([{ ...base, status: 'unused', unevaluatedFlows: 0 }]), 'unused');
  assert.equal(ruleUsageVerdict([{ ...base, status: 'unknown', unevaluatedFlows: 4 }]), 'unknown');
  assert.equal(ruleUsageVerdict([{ ...base, status: 'unused', unevaluatedFlows: 0 }, { ...base, key: 'k2', status: 'unknown', unevaluatedFlows: 4 }]), 'unknown');
  assert.equal(ruleUsageVerdict([{ ...base, status: 'unknown', unevaluatedFlows: 4 }, { ...base, key: 'k2', flows: 2, status: 'used', unevaluatedFlows: 0 }]), 'used');
});
