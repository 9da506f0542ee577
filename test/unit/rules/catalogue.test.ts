import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { rules, describeRule } from '../../../src/core/rules';
import { ruleDocMarkdown } from '../../../src/core/rules/docs';
import { check, findingsOf, ready } from './check';

before(async () => {
  await ready;
});

describe('rule catalogue: every rule fires on its bad examples and not on its good ones', () => {
  for (const rule of rules) {
    it(`${rule.id} Terraform bad → finding`, () => {
      assert.ok(check('main.tf', rule.examples.terraform.bad, rule.id).length >= 1, `${rule.id} bad example produced no finding`);
    });
    it(`${rule.id} Terraform good → no finding`, () => {
      assert.deepEqual(check('main.tf', rule.examples.terraform.good, rule.id), []);
    });
    if (rule.examples.cloudformation) {
      const cfn = rule.examples.cloudformation;
      it(`${rule.id} CloudFormation bad → finding`, () => {
        assert.ok(check('template.yaml', cfn.bad, rule.id).length >= 1, `${rule.id} CFN bad example produced no finding`);
      });
      it(`${rule.id} CloudFormation good → no finding`, () => {
        assert.deepEqual(check('template.yaml', cfn.good, rule.id), []);
      });
    } else {
      it(`${rule.id} says why it has no CloudFormation example`, () => {
        assert.match(rule.examples.note ?? '', /CloudFormation/);
      });
    }
  }
});

describe('rule metadata', () => {
  it('ids are unique ELnnn, each with a doc page, rationale, remediation', () => {
    const ids = rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const r of rules) {
      assert.match(r.id, /^EL\d{3}$/);
      assert.ok(r.rationale.length > 40 && r.remediation.length > 20, r.id);
      assert.ok(existsSync(`docs/rules/${r.id}.md`), `docs/rules/${r.id}.md missing`);
      const page = readFileSync(`docs/rules/${r.id}.md`, 'utf8');
      assert.equal(page, ruleDocMarkdown(r), `docs/rules/${r.id}.md is out of date: node --import tsx test/unit/rules/write-docs.ts`);
    }
  });
  it('describeRule explains in words with the fix and peer ids', () => {
    const text = describeRule('EL001');
    assert.match(text, /EL001/);
    assert.match(text, /Fix:/);
    assert.match(text, /CKV_AWS_24/);
  });
  it('findings carry the rule metadata and docs link', () => {
    const [f] = findingsOf('main.tf', rules[0].examples.terraform.bad, 'EL001');
    assert.equal(f.title, rules[0].title);
    // a finding cites the peer checks of the ports it covers (SSH here), all from the catalogue list
    assert.ok(f.references.includes('CKV_AWS_24') && !f.references.includes('CKV_AWS_25'));
    for (const r of f.references) assert.ok(rules[0].references.includes(r), r);
    assert.equal(f.docs, 'docs/rules/EL001.md');
    assert.equal(f.severity, 'high');
  });
});
