// Price data files and overrides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinRegions, parsePriceOverrides, resolvePrices, tieredCost } from '../../../src/core/pricing/prices';

const DIR = join(__dirname, '../../../src/core/pricing/prices');

test('every price file records region, USD, date, sources and valid tiers; UNCONFIRMED keys exist', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 4);
  for (const f of files) {
    const p = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
    assert.equal(`${p.region}.json`, f);
    assert.equal(p.currency, 'USD');
    assert.match(p.date, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(p.source.length > 0 && p.source.every((s: string) => s.startsWith('https://aws.amazon.com/')));
    assert.equal(p.internetEgressTiers.at(-1).upToGb, null);
    assert.equal(p.internetEgressTiers[0].usdPerGb, 0, 'first 100 GB free');
    for (const k of Object.keys(p.unconfirmed)) assert.ok(k in p, `${f}: unconfirmed key ${k} is a price key`);
    assert.equal(p.gatewayEndpointPerGb, 0);
  }
  assert.deepEqual(builtinRegions(), files.map((f) => f.replace('.json', '')).sort());
});

test('us-east-1 holds the DOMAIN.md §4 figures', () => {
  const p = resolvePrices('us-east-1').prices;
  assert.deepEqual(p.internetEgressTiers.map((t) => t.usdPerGb), [0, 0.09, 0.085, 0.07, 0.05]);
  assert.equal(p.crossAzPerGbEachDirection, 0.01);
  assert.equal(p.natGatewayPerGb, 0.045);
  assert.equal(p.tgwPerGb, 0.02);
  assert.equal(p.interRegionPerGb['us-east-2'], 0.01);
  assert.ok('interRegionPerGb' in p.unconfirmed);
});

test('tiered cost: 12 TB crosses the 10 TB tier; 200 TB reaches the last', () => {
  const t = resolvePrices('us-east-1').prices.internetEgressTiers;
  assert.equal(tieredCost(50, t), 0);
  assert.equal(Math.round(tieredCost(12288, t) * 100) / 100, 1086.68); // 10140×0.09 + 2048×0.085
  // 10140×0.09 + 40960×0.085 + 102400×0.07 + 51200×0.05 = 912.6 + 3481.6 + 7168 + 2560
  assert.equal(Math.round(tieredCost(204800, t) * 100) / 100, 14122.2);
});

test('unknown region falls back to us-east-1 and says so; overrides apply per region', () => {
  const r = resolvePrices('sa-east-1');
  assert.equal(r.fallbackFrom, 'sa-east-1');
  assert.match(r.prices.notes[0], /stand-in/);
  const o = resolvePrices('eu-west-1', { all: { natGatewayPerGb: 0.05 }, regions: { 'eu-west-1': { crossAzPerGbEachDirection: 0.02 } } });
  assert.equal(o.prices.natGatewayPerGb, 0.05);
  assert.equal(o.prices.crossAzPerGbEachDirection, 0.02);
  assert.ok(!('natGatewayPerGb' in o.prices.unconfirmed));
});

test('price file parsing: flat or per region; bad values and unknown keys are problems naming the file', () => {
  const flat = parsePriceOverrides('{"natGatewayPerGb": 0.05}', 'p.json');
  assert.deepEqual(flat.problems, []);
  assert.equal(flat.overrides.all?.natGatewayPerGb, 0.05);
  const per = parsePriceOverrides('{"regions": {"us-west-2": {"tgwPerGb": 0.03}}}', 'p.json');
  assert.equal(per.overrides.regions?.['us-west-2'].tgwPerGb, 0.03);
  const bad = parsePriceOverrides('{"natGatewayPerGb": "cheap", "natPerGb": 1, "internetEgressTiers": [{"upToGb": null, "usdPerGb": 1}, {"upToGb": 5, "usdPerGb": 1}]}', 'p.json');
  assert.equal(bad.problems.length, 3);
  assert.match(bad.problems.join('\n'), /p\.json\.natGatewayPerGb: expected a non-negative number/);
  assert.match(bad.problems.join('\n'), /natPerGb: unknown price key/);
  assert.match(parsePriceOverrides('{oops', 'x.json').problems[0], /^x\.json: not valid JSON/);
});
