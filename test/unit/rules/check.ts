// The one helper every rule test goes through: analyse a snippet, return the findings of a rule.
import { analyzeText, initIac, type Finding } from '../../../src/core/iac';
import type { RuleOptions } from '../../../src/core/rules';

export const ready = initIac();

export function findingsOf(path: string, text: string, ruleId?: string, rules?: RuleOptions): Finding[] {
  const r = analyzeText(path, text, rules ? { rules } : {});
  return r.findings.filter((f) => !ruleId || f.ruleId === ruleId);
}

/** Unsuppressed findings of `ruleId` as "resource@line:col" strings (1-based), sorted. */
export function check(path: string, text: string, ruleId: string, rules?: RuleOptions): string[] {
  return findingsOf(path, text, ruleId, rules)
    .filter((f) => !f.suppressed)
    .map((f) => `${f.resource}@${f.range.start.line + 1}:${f.range.start.column + 1}`)
    .sort();
}
