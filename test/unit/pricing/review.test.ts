// Regression tests for review findings on the price data and tiers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePriceOverrides, tieredCost } from '../../../src/core/pricing/prices';

test('a tier override without an open-ended last tier is a problem naming the key, and is not applied', () => {
  const r = parsePriceOverrides('{"internetEgressTiers":[{"upToGb":10,"usdPerGb":0.1}]}', 'p2.json');
  assert.equal(r.problems.length, 1, r.problems.join('\n'));
  assert.match(r.problems[0], /^p2\.json\.internetEgressTiers: .*last tier must have "upToGb": null/);
  assert.equal(r.overrides.all?.internetEgressTiers, undefined);
  // Per-region overrides are checked the same way.
  const r2 = parsePriceOverrides('{"regions":{"eu-west-1":{"internetEgressTiers":[{"upToGb":10,"usdPerGb":0.1},{"upToGb":20,"usdPerGb":0.05}]}}}', 'p.json');
  assert.match(r2.problems.join('\n'), /p\.json: regions\.eu-west-1\.internetEgressTiers: .*null/);
  // A valid list still passes.
  const ok = parsePriceOverrides('{"internetEgressTiers":[{"upToGb":10,"usdPerGb":0.1},{"upToGb":null,"usdPerGb":0.05}]}', 'ok.json');
  assert.deepEqual(ok.problems, []);
});

test('tieredCost never makes traffic past a closed last tier free: the last rate continues', () => {
  assert.equal(tieredCost(30, [{ upToGb: 10, usdPerGb: 0.1 }]), 3);
  assert.equal(tieredCost(30, [{ upToGb: 10, usdPerGb: 0.1 }, { upToGb: null, usdPerGb: 0.05 }]), 1 + 1);
});
