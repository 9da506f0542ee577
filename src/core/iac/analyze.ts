/**
 * Pure analysis entry points (no IO): text in, model + findings + problems out. Terraform is
 * analysed per module directory (variables, locals and tfvars of sibling files resolve together);
 * CloudFormation per template. `IacDocumentCache` keeps incremental Terraform parse trees for the
 * editor's open documents.
 */
import type { RuleOptions } from '../rules';
import { runRules } from '../rules';
import type { Finding, IacModel, IacProblem } from './model';
import { mergeModels } from './model';
import { extractCloudFormation } from './cloudformation/extract';
import { isCloudFormationText } from './cloudformation/parse';
import { extractTerraform } from './terraform/extract';
import { isTerraformJsonPath, parseTerraformJson } from './terraform/json';
import { isTfvarsPath } from './terraform/resolve';
import { parseTerraform, TerraformDocument, type HclFile, type TextChange } from './terraform/parser';

export type IacFileKind = 'terraform' | 'tfvars' | 'cloudformation' | null;

/**
 * Terraform by extension (.tf, .tfvars and their JSON forms .tf.json, .tfvars.json — never taken
 * for CloudFormation); CloudFormation by content (any .yaml/.yml/.json/.template/.txt).
 */
export function detectIacKind(path: string, text?: string): IacFileKind {
  if (/\.tf(\.json)?$/i.test(path)) return 'terraform';
  if (/\.tfvars(\.json)?$/i.test(path)) return 'tfvars';
  if (/\.(ya?ml|json|template|cfn|txt)$/i.test(path) || text !== undefined) {
    if (/\.tfstate$/i.test(path)) return null;
    if (text !== undefined && isCloudFormationText(text)) return 'cloudformation';
  }
  return null;
}

export interface AnalyzeOptions {
  rules?: RuleOptions;
}

export interface AnalysisResult {
  model: IacModel;
  findings: Finding[];
  problems: IacProblem[];
}

export interface SourceText {
  path: string;
  text: string;
}

/** A Terraform file's text in the shared IR: HCL through tree-sitter, `.tf.json`/`.tfvars.json` through json.ts. */
export function parseTerraformFile(path: string, text: string): HclFile {
  return isTerraformJsonPath(path) ? parseTerraformJson(text, { tfvars: isTfvarsPath(path) }) : parseTerraform(text);
}

export function dirOf(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? '.' : p.slice(0, i) || '/';
}

/**
 * Analyses one Terraform module directory. `files` are its .tf and .tfvars texts, .json forms
 * included (or already parsed HclFiles, e.g. from a TerraformDocument). Requires `initIac()` to
 * have resolved.
 */
export function analyzeTerraformModule(files: (SourceText | { path: string; hcl: HclFile })[], opts: AnalyzeOptions = {}): AnalysisResult {
  const parsed = files.map((f) => ('hcl' in f ? f : { path: f.path, hcl: parseTerraformFile(f.path, f.text) }));
  const model = extractTerraform(parsed);
  return { model, findings: runRules(model, opts.rules), problems: model.problems };
}

export function analyzeCloudFormation(path: string, text: string, opts: AnalyzeOptions = {}): AnalysisResult {
  const model = extractCloudFormation(path, text);
  return { model, findings: runRules(model, opts.rules), problems: model.problems };
}

/**
 * One file on its own (a Terraform file without its siblings, or a template). For Terraform in
 * a real workspace prefer `analyzeTerraformModule` with the whole directory so variables resolve.
 */
export function analyzeText(path: string, text: string, opts: AnalyzeOptions = {}): AnalysisResult {
  const kind = detectIacKind(path, text);
  if (kind === 'terraform' || kind === 'tfvars') return analyzeTerraformModule([{ path, text }], opts);
  if (kind === 'cloudformation') return analyzeCloudFormation(path, text, opts);
  const model = mergeModels([]);
  return { model, findings: [], problems: [{ file: path, message: 'not Terraform or CloudFormation', severity: 'warning' }] };
}

/** Several files of any kind: Terraform grouped by directory, each template on its own. */
export function analyzeFiles(files: SourceText[], opts: AnalyzeOptions = {}): AnalysisResult {
  const byDir = new Map<string, SourceText[]>();
  const results: AnalysisResult[] = [];
  for (const f of files) {
    const kind = detectIacKind(f.path, f.text);
    if (kind === 'terraform' || kind === 'tfvars') {
      const d = dirOf(f.path);
      if (!byDir.has(d)) byDir.set(d, []);
      byDir.get(d)!.push(f);
    } else if (kind === 'cloudformation') results.push(analyzeCloudFormation(f.path, f.text, opts));
  }
  for (const group of byDir.values()) results.push(analyzeTerraformModule(group, opts));
  const model = mergeModels(results.map((r) => r.model));
  return { model, findings: results.flatMap((r) => r.findings), problems: model.problems };
}

/**
 * The editor's per-document cache: one incremental TerraformDocument per open .tf/.tfvars file
 * (the JSON forms are parsed again only when their text changed).
 * `update` on every change event (pass VS Code's contentChanges for an incremental reparse);
 * `analyze(path, siblings)` re-runs extraction + rules for the file's directory, using cached
 * trees for open documents and the given texts for the rest.
 */
export class IacDocumentCache {
  private readonly docs = new Map<string, TerraformDocument>();
  /** JSON-syntax files (.tf.json, .tfvars.json) by path: their last text and parse (no incremental tree). */
  private readonly jsonDocs = new Map<string, { text: string; hcl: HclFile }>();

  private json(path: string, text: string): HclFile {
    const hit = this.jsonDocs.get(path);
    if (hit && hit.text === text) return hit.hcl;
    const hcl = parseTerraformFile(path, text);
    this.jsonDocs.set(path, { text, hcl });
    return hcl;
  }

  update(path: string, text: string, changes?: readonly TextChange[]): TerraformDocument {
    const doc = this.docs.get(path);
    if (doc) {
      if (doc.text !== text) doc.update(text, changes);
      return doc;
    }
    const created = new TerraformDocument(path, text);
    this.docs.set(path, created);
    return created;
  }

  get(path: string): TerraformDocument | undefined {
    return this.docs.get(path);
  }

  close(path: string): void {
    this.docs.get(path)?.dispose();
    this.docs.delete(path);
    this.jsonDocs.delete(path);
  }

  /**
   * Analyses the file at `path`: a template on its own, a Terraform file together with its
   * directory (`siblings`: the other .tf/.tfvars texts of that directory, open or not).
   * Findings are those of `path` only.
   */
  analyze(path: string, text: string, siblings: SourceText[] = [], opts: AnalyzeOptions = {}): AnalysisResult {
    const kind = detectIacKind(path, text);
    if (kind === 'cloudformation') return analyzeCloudFormation(path, text, opts);
    if (kind !== 'terraform' && kind !== 'tfvars') return analyzeText(path, text, opts);
    const files = [
      { path, hcl: isTerraformJsonPath(path) ? this.json(path, text) : this.update(path, text).file },
      ...siblings.filter((s) => s.path !== path).map((s) => {
        if (isTerraformJsonPath(s.path)) return { path: s.path, hcl: this.json(s.path, s.text) };
        const d = this.docs.get(s.path);
        return d && d.text === s.text ? { path: s.path, hcl: d.file } : { path: s.path, hcl: parseTerraform(s.text) };
      }),
    ];
    const r = analyzeTerraformModule(files, opts);
    return { model: r.model, findings: r.findings.filter((f) => f.file === path), problems: r.problems.filter((p) => p.file === path) };
  }

  dispose(): void {
    for (const d of this.docs.values()) d.dispose();
    this.docs.clear();
    this.jsonDocs.clear();
  }
}
