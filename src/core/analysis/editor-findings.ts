/**
 * IaC findings (core/iac) → EditorFinding, the shape the editor's views and the report builders
 * take. One conversion for the editor (open documents, workspace scan) and the CLI's `report`. Pure.
 */
import type { DeployLink, Finding, SgRule } from '../iac';
import type { EditorFinding } from './editor-model';

/** The model's rules by id, for toEditorFinding. */
export type RulesById = ReadonlyMap<string, Pick<SgRule, 'direction' | 'protocol' | 'fromPort' | 'toPort'>>;

export function rulesById(model: { rules: readonly SgRule[] } | undefined): RulesById {
  return new Map((model?.rules ?? []).map((r) => [r.id, r]));
}

/**
 * One finding; `links` map the finding's model group to its deployed security-group id, `rules`
 * (the model's rules by id) give the traffic of the rule it is about.
 */
export function toEditorFinding(f: Finding, links: readonly DeployLink[], rules?: RulesById): EditorFinding {
  const deployed = f.groupId ? links.find((l) => l.groupId === f.groupId)?.deployedId : undefined;
  const rule = f.sgRuleId ? rules?.get(f.sgRuleId) : undefined;
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    title: f.title,
    message: f.message,
    range: f.range,
    resource: f.resource,
    references: f.references,
    suppressed: f.suppressed,
    related: [],
    tags: [],
    groupId: deployed,
    sgRuleId: f.sgRuleId,
    sourceId: f.sourceId,
    rule: rule ? { direction: rule.direction, protocol: rule.protocol, fromPort: rule.fromPort, toPort: rule.toPort } : undefined,
  };
}

/** Findings grouped by file, as the exposure report takes them (`uriOf` turns a file into its uri). */
export function findingsByFile(findings: readonly Finding[], links: readonly DeployLink[], uriOf: (file: string) => string, rules?: RulesById): { uri: string; file: string; findings: EditorFinding[] }[] {
  const byFile = new Map<string, EditorFinding[]>();
  for (const f of findings) {
    const list = byFile.get(f.file) ?? [];
    list.push(toEditorFinding(f, links, rules));
    byFile.set(f.file, list);
  }
  return [...byFile].map(([file, list]) => ({ uri: uriOf(file), file, findings: list }));
}
