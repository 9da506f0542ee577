/**
 * Egress Lens — infrastructure-as-code analysis (security groups in Terraform and CloudFormation).
 *
 * Pipeline: syntax (tree-sitter for Terraform, jsonc-parser for its JSON syntax .tf.json /
 * .tfvars.json, yaml/jsonc-parser for CloudFormation) → one
 * normalised model (model.ts: SecurityGroupModel, SgRule, RuleSource, NetworkElement) → rules
 * (src/core/rules, one file per rule) → findings (0-based ranges) → links to deployed ids.
 *
 * API:
 *   await initIac(opts?)                      load the tree-sitter wasm once (required before Terraform parsing)
 *   analyzeText(path, text, opts?)            one file → { model, findings, problems }
 *   analyzeTerraformModule(files, opts?)      a Terraform directory's .tf/.tfvars (and .tf.json/.tfvars.json) texts → same
 *   parseTerraformJson(text, { tfvars? })    Terraform JSON syntax → the HCL parser's IR (same model after extraction)
 *   analyzeCloudFormation(path, text, opts?)  a template (YAML or JSON) → same
 *   analyzeFiles(files, opts?)                any mix; Terraform grouped by directory
 *   new IacDocumentCache()                    the editor's incremental documents:
 *        .update(path, text, changes?)  on each change (VS Code contentChanges → TextChange)
 *        .analyze(path, text, siblings, opts?)  findings of that file, resolved with its directory
 *        .close(path) / .dispose()
 *   new TerraformDocument(path, text)         a single incremental Terraform parse (`.update`, `.file`)
 *   scanPaths(paths, opts?) → ScanResult      IO: walk, read, analyse, link (the CLI's `scan`)
 *   rules, getRule(id), runRules(model, opts), describeRule(rule|id), ruleDocMarkdown(rule)  the catalogue
 *   linkDeployed(groups, inputs), linkFromTerraformState, linkFromStackResources, linkByInventory,
 *        linkCloudFormationStack(groups, stack, fetch)  code → sg-… ids with the match method
 *   stackBindingInput(binding, resources), stackBindingProblems(groups, binding, resources)
 *        a template bound to its stack ({ template, stack }): the link input, and what it cannot link
 *   toSarif(findings, rules, opts?)           SARIF 2.1.0
 *   findElement(model, id)                    a model element by the id carried in Finding.elementIds
 *
 * Options: { rules: { disabled?, enabled?, severity?: { EL004: 'medium' }, natPerGbUsd? } }.
 * Ranges: SourceRange is 0-based line/column in UTF-16 units (the editor's). Quick fixes get the
 * exact ranges of CIDR strings (RuleSource.range, with quotes), rule blocks (SgRule.range/headerRange)
 * and resources (SecurityGroupModel.range/headerRange).
 * Suppression: `# egress-lens:ignore EL001 reason` (also `//`) on the line above a block or inside
 * it; Terraform JSON `"//": "egress-lens:ignore EL001 reason"` inside the resource or rule block;
 * CloudFormation `Metadata: { egress-lens: { ignore: [{ id: EL001, reason: ... }] } }`.
 */
import type { IacModel, NetworkElement, RuleSource, SecurityGroupModel, SgRule } from './model';

export { initTerraform as initIac, isTerraformReady as isIacReady, TerraformDocument, parseTerraform } from './terraform/parser';
export type { TextChange, HclFile, IacInitOptions } from './terraform/parser';
export { analyzeText, analyzeTerraformModule, analyzeCloudFormation, analyzeFiles, detectIacKind, parseTerraformFile, IacDocumentCache } from './analyze';
export { parseTerraformJson, isTerraformJsonPath } from './terraform/json';
export type { TfJsonFile, TerraformJsonOptions } from './terraform/json';
export type { AnalysisResult, AnalyzeOptions, SourceText, IacFileKind } from './analyze';
export { scanPaths, relativePath } from './scan';
export type { ScanOptions, ScanResult } from './scan';
export { linkDeployed, linkFromTerraformState, linkFromStackResources, linkByInventory, linkCloudFormationStack, stackBindingInput, stackBindingProblems, stateInstances } from './links';
export type { DeployLink, LinkMethod, LinkInputs, TerraformStateInput, StackResourcesInput, StackResource, StackBinding } from './links';
export { isCloudFormationText } from './cloudformation/parse';
export { rules, getRule, runRules, describeRule, atLeast, isSeverity, docsPath, natPrices } from '../rules';
export { ruleDocMarkdown } from '../rules/docs';
export type { RuleOptions, RuleDefinition } from '../rules';
export { toSarif } from '../report/sarif';
export * from './model';

/** Finds a group, rule, source or network element by the id carried in Finding.elementIds. */
export function findElement(model: IacModel, id: string): SecurityGroupModel | SgRule | RuleSource | NetworkElement | undefined {
  for (const g of model.groups) if (g.id === id) return g;
  for (const r of model.rules) {
    if (r.id === id) return r;
    for (const s of r.sources) if (s.id === id) return s;
  }
  return model.network.find((n) => n.id === id);
}
