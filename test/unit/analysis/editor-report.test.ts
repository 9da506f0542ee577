import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCostReport, buildExposureReport, buildUnusedRulesReport, reportToCsv, reportToJson, reportToMarkdown } from '../../../src/core/analysis/editor-report';
import type { EditorAnalysis, EditorFinding } from '../../../src/core/analysis/editor-model';

const analysis: EditorAnalysis = {
  flows: [],
  window: { start: 1_800_000_000, end: 1_800_003_600 },
  totals: { flows: 3, egressBytes: 5e9, ingressBytes: 1e8, costUsd: 0.5, monthlyUsd: 365, byClass: { internet: { bytes: 5e9, costUsd: 0.45, monthlyUsd: 328.5 }, 'cross-az': { bytes: 1e8, costUsd: 0.05, monthlyUsd: 36.5 } } },
  groups: {
    'sg-1': { groupId: 'sg-1', name: 'web, "public"', interfaces: 2, egressBytes: 5e9, ingressBytes: 1e8, costUsd: 0.5, monthlyUsd: 365, costByClass: {}, monthlyByClass: {}, natToS3Bytes: 0, natToS3Usd: 0, natToDynamoBytes: 0, natToDynamoUsd: 0, rejectedInbound: 4, rules: [] },
  },
  peers: [{ addr: '203.0.113.9', peerClass: 'internet', bytes: 5e9, costUsd: 0.45 }],
  timeline: [{ start: 1_800_000_000, bytes: 5e9, costUsd: 0.5 }],
  bucketSeconds: 300,
  unusedRules: [{ key: 'k', groupId: 'sg-1', direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, source: '0.0.0.0/0', flows: 0, bytes: 0, distinctSources: 0, topPeers: [], rejected: 3, lastSeen: null, status: 'unused', unevaluatedFlows: 0 }],
  savings: [],
  notes: ['projected over 730 h'],
};

test('cost report: charts by class (sorted), group table with links back to flows', () => {
  const r = buildCostReport(analysis);
  assert.deepEqual(r.charts.find((c) => c.id === 'byClass')!.bars.map((b) => b.label), ['Internet', 'Cross-AZ']);
  const groups = r.tables.find((t) => t.id === 'groups')!;
  assert.equal(groups.rows[0].cost.link?.securityGroupId, 'sg-1');
  assert.equal(groups.rows[0].monthly.display, '$365');
  assert.equal(buildCostReport(undefined).subtitle, 'No flow data loaded.');
});

test('exports: markdown table, CSV with quoting and raw numbers, JSON rows', () => {
  const r = buildCostReport(analysis);
  const md = reportToMarkdown(r);
  assert.match(md, /^# Egress cost\n/);
  assert.match(md, /\| Security group \| Interfaces \| Egress \| Ingress \| Cost \(window\) \| Per month \|\n\|---\|---:\|---:\|---:\|---:\|---:\|/);
  const csv = reportToCsv(r);
  assert.match(csv, /"web, ""public"" \(sg-1\)",2,5000000000,100000000,0\.5,365/);
  const json = JSON.parse(reportToJson(r));
  assert.equal(json.tables.groups[0].monthly, 365);
  const unused = buildUnusedRulesReport(analysis);
  assert.equal(unused.tables[0].rows[0].rule.display, 'tcp 22 from 0.0.0.0/0');
  assert.equal(unused.tables[0].rows[0].rejected.value, 3);
  const all = buildUnusedRulesReport({ ...analysis, unusedRules: [{ ...analysis.unusedRules[0], direction: 'egress', protocol: '-1', fromPort: -1, toPort: -1, source: '::/0' }] });
  assert.equal(all.tables[0].rows[0].rule.display, 'all traffic to ::/0');
});

test('unused-rules report: rules of unknown use are not listed, a note counts them', () => {
  const unknownRule = { ...analysis.unusedRules[0], key: 'u', status: 'unknown' as const, unevaluatedFlows: 7 };
  const r = buildUnusedRulesReport({ ...analysis, groups: { 'sg-1': { ...analysis.groups['sg-1'], rules: [analysis.unusedRules[0], unknownRule] } } });
  assert.deepEqual(r.tables[0].rows.map((x) => x.rule.display), ['tcp 22 from 0.0.0.0/0']);
  assert.match(r.notes.join('\n'), /1 more rule is not listed: .*use is unknown/);
  assert.equal(buildUnusedRulesReport(analysis).notes.length, 1);
});

test('exposure report: rejected attempts are those on the finding rule\'s protocol and ports, "—" for egress or portless findings', () => {
  const flow = (port: number, over: Partial<EditorAnalysis['flows'][number]> = {}): EditorAnalysis['flows'][number] => ({
    interfaceId: 'eni-1', localAddr: '10.0.0.5', localPort: port, peerAddr: '198.51.100.7', peerPort: 40000, protocol: 6, direction: 'ingress', action: 'REJECT',
    bytesOut: 0, bytesIn: 60, packetsOut: 0, packetsIn: 1, firstSeen: 1_800_000_000, lastSeen: 1_800_000_010, peerClass: 'internet', path: 'igw', securityGroupIds: ['sg-1'], costUsd: 0, ...over,
  });
  const flows = [
    ...Array.from({ length: 5 }, () => flow(22)),
    flow(80),
    flow(25),
    flow(22, { protocol: 17 }),
    flow(22, { action: 'ACCEPT' }),
    flow(22, { direction: 'egress' }),
    flow(22, { securityGroupIds: ['sg-2'] }),
  ];
  const a: EditorAnalysis = { ...analysis, flows };
  const at = (line: number) => ({ start: { line, column: 0 }, end: { line, column: 1 } });
  const finding = (line: number, ruleId: string, rule?: EditorFinding['rule']): EditorFinding => ({
    ruleId, severity: 'high', title: ruleId, message: `line ${line}`, range: at(line), resource: 'r', references: [], suppressed: false, related: [], tags: [], groupId: 'sg-1', rule,
  });
  const r = buildExposureReport([{ uri: 'file:///main.tf', file: 'main.tf', findings: [
    finding(1, 'EL001', { direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22 }),
    finding(2, 'EL004', { direction: 'ingress', protocol: 'tcp', fromPort: 80, toPort: 80 }),
    finding(3, 'EL001', { direction: 'ingress', protocol: 'tcp', fromPort: 20, toPort: 30 }),
    finding(4, 'EL002', { direction: 'ingress', protocol: '-1', fromPort: 0, toPort: 65535 }),
    finding(5, 'EL002', { direction: 'ingress', protocol: 'udp', fromPort: 0, toPort: 65535 }),
    finding(6, 'EL006', { direction: 'egress', protocol: '-1', fromPort: 0, toPort: 65535 }),
    finding(7, 'EL008'),
    finding(8, 'EL001', { direction: 'ingress', protocol: 'tcp', fromPort: null, toPort: null }),
    { ...finding(9, 'EL001', { direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22 }), groupId: undefined }, // not linked to a deployed group
  ] }], a);
  const byLine = Object.fromEntries(r.tables[0].rows.map((row) => [row.message.display, row.rejected.display]));
  assert.deepEqual(byLine, {
    'line 1': '5', // SSH only: not the 80/25 rejects, not udp/22, not accepted, egress or other groups
    'line 2': '1',
    'line 3': '6', // 22 and 25 are in 20-30
    'line 4': '8', // all traffic: every inbound reject of the group
    'line 5': '1',
    'line 6': '—',
    'line 7': '—',
    'line 8': '—',
    'line 9': '—',
  });
  const ssh = r.tables[0].rows.find((row) => row.message.display === 'line 1')!;
  assert.deepEqual(ssh.rejected.link, { type: 'flows', securityGroupId: 'sg-1', action: 'REJECT' });
});
