/**
 * The rule catalogue and the runner. `runRules(model, options)` applies every enabled rule to the
 * normalised model, applies severity overrides and suppressions, and returns findings sorted by
 * file and position. `describeRule` explains a rule in plain words (editor hovers).
 */
import { resolvePrices } from '../pricing/prices';
import type { Severity } from '../model/flows';
import { SEVERITIES } from '../model/flows';
import { suppressionMatches } from '../iac/common';
import type { Finding, IacModel } from '../iac/model';
import { comparePos, rangeContains } from '../iac/value';
import { EL001 } from './EL001-admin-ports-open';
import { EL002 } from './EL002-all-ports-open';
import { EL003 } from './EL003-data-ports-open';
import { EL004 } from './EL004-other-ports-open';
import { EL005 } from './EL005-wide-private-source';
import { EL006 } from './EL006-egress-anywhere';
import { EL007 } from './EL007-missing-description';
import { EL008 } from './EL008-default-group-rules';
import { EL009 } from './EL009-nat-without-gateway-endpoint';
import { EL010 } from './EL010-cidr-notation';
import type { RuleContext, RuleDefinition } from './types';

export type { RuleDefinition, RuleContext, RawFinding, RuleExamples } from './types';

export const rules: readonly RuleDefinition[] = [EL001, EL002, EL003, EL004, EL005, EL006, EL007, EL008, EL009, EL010];

export function getRule(id: string): RuleDefinition | undefined {
  return rules.find((r) => r.id === id.toUpperCase());
}

/** NAT gateway processing and gateway-endpoint prices per GB come from the pricing data (src/core/pricing). */
export function natPrices(region?: string | null): { natPerGbUsd: number; gatewayEndpointPerGbUsd: number } {
  const p = resolvePrices(region ?? null).prices;
  return { natPerGbUsd: p.natGatewayPerGb, gatewayEndpointPerGbUsd: p.gatewayEndpointPerGb };
}

export interface RuleOptions {
  /** Rule ids to skip. */
  disabled?: string[];
  /** When given, only these rule ids run. */
  enabled?: string[];
  /** Per-rule severity overrides, e.g. { EL004: 'medium' }. */
  severity?: Record<string, Severity>;
  /** Region whose prices the cost rule quotes (default us-east-1; see src/core/pricing). */
  region?: string;
  /** Explicit prices for the cost rule (override the region's). */
  natPerGbUsd?: number;
  gatewayEndpointPerGbUsd?: number;
}

export function docsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}

export function isRuleEnabled(id: string, o: RuleOptions = {}): boolean {
  const up = id.toUpperCase();
  if (o.enabled && o.enabled.length && !o.enabled.map((x) => x.toUpperCase()).includes(up)) return false;
  return !(o.disabled ?? []).map((x) => x.toUpperCase()).includes(up);
}

/** Runs the enabled rules over one model; suppressed findings are kept with `suppressed: true`. */
export function runRules(model: IacModel, o: RuleOptions = {}): Finding[] {
  const prices = o.natPerGbUsd !== undefined && o.gatewayEndpointPerGbUsd !== undefined ? null : natPrices(o.region);
  const ctx: RuleContext = {
    groupsById: new Map(model.groups.map((g) => [g.id, g])),
    natPerGbUsd: o.natPerGbUsd ?? prices!.natPerGbUsd,
    gatewayEndpointPerGbUsd: o.gatewayEndpointPerGbUsd ?? prices!.gatewayEndpointPerGbUsd,
  };
  const out: Finding[] = [];
  const sups = model.suppressions;
  for (const rule of rules) {
    if (!isRuleEnabled(rule.id, o)) continue;
    const override = o.severity?.[rule.id];
    const docs = docsPath(rule.id);
    for (const raw of rule.check(model, ctx)) {
      let sup: (typeof sups)[number] | undefined;
      for (const s of sups) {
        if (!suppressionMatches(s, rule.id) || s.file !== raw.file) continue;
        if (s.resource !== undefined ? s.resource === raw.resource : rangeContains(s.scope, raw.range)) {
          sup = s;
          break;
        }
      }
      const f: Finding = {
        ruleId: rule.id,
        severity: override ?? raw.severity ?? rule.severity,
        title: rule.title,
        message: raw.message,
        file: raw.file,
        range: raw.range,
        resource: raw.resource,
        references: (raw.references ?? rule.references).slice(),
        suppressed: sup !== undefined,
        elementIds: raw.elementIds,
        docs,
      };
      if (sup) f.suppressionReason = sup.reason || '(no reason given)';
      if (raw.groupId !== undefined) f.groupId = raw.groupId;
      if (raw.sgRuleId !== undefined) f.sgRuleId = raw.sgRuleId;
      if (raw.sourceId !== undefined) f.sourceId = raw.sourceId;
      out.push(f);
    }
  }
  return sortFindings(out);
}

export function sortFindings(f: Finding[]): Finding[] {
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return f.sort((a, b) => cmp(a.file, b.file) || comparePos(a.range.start, b.range.start) || cmp(a.ruleId, b.ruleId));
}

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

/** True when `s` is at or above `threshold` (critical > high > medium > low > info). */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(s) <= SEVERITIES.indexOf(threshold);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

/** A rule explained in plain words (Markdown), for hovers and `--explain`. */
export function describeRule(ruleOrId: RuleDefinition | string): string {
  const r = typeof ruleOrId === 'string' ? getRule(ruleOrId) : ruleOrId;
  if (!r) return `Unknown rule ${String(ruleOrId)}.`;
  const refs = r.references.length ? `\n\nSame as: ${r.references.filter((x) => !x.startsWith('prowler:')).join(', ') || r.references.join(', ')}.` : '';
  return `**${r.id} — ${r.title}** (${r.severity})\n\n${r.rationale}\n\n**Fix:** ${r.remediation}${refs}`;
}
