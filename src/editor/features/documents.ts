/**
 * Open infrastructure documents and their analysis: Terraform (.tf/.tfvars, parsed incrementally
 * as you type through the core's IacDocumentCache, resolved with the files of the same
 * directory; .tf.json/.tfvars.json the same, as Terraform JSON, never as CloudFormation) and
 * CloudFormation templates (recognised by content). Debounced per document; `ensure()` analyses
 * on demand so providers never see a stale version. Links each group in code to its deployed id
 * (terraform.tfstate beside the files, the template's bound stack, else the inventory) for the
 * flow views.
 */
import * as vscode from 'vscode';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EditorServices } from '../services';
import { readSettings } from '../settings';
import type { AnalysisResult, DeployLink, StackResourcesInput, TextChange } from '../../core/iac';
import { STACKS_SETTING, type StackLinks } from '../stacks';
import { syntaxOf, type Syntax } from '../../core/analysis/editor-fixes';
import { rulesById, toEditorFinding } from '../../core/analysis/editor-findings';

type IacCore = typeof import('../../core/iac');

let corePromise: Promise<IacCore> | undefined;
let core: IacCore | undefined;

/** Loads the IaC core (tree-sitter wasm) once, on first use. */
export function loadIacCore(extensionUri: vscode.Uri): Promise<IacCore> {
  corePromise ??= (async () => {
    const m = await import('../../core/iac');
    await m.initIac({ wasmDir: vscode.Uri.joinPath(extensionUri, 'dist', 'wasm').fsPath });
    core = m;
    return m;
  })();
  corePromise.catch(() => (corePromise = undefined));
  return corePromise;
}

export interface DocAnalysis {
  uri: string;
  path: string;
  version: number;
  syntax: Syntax;
  text: string;
  result: AnalysisResult;
  /** Groups in this file linked to deployed ids. */
  links: DeployLink[];
  /** Why groups of this file are not linked by the stack it is bound to (one line each), if it is. */
  linkNotes: string[];
  ms: number;
}

const IAC_PATH = /\.(tf|tfvars|ya?ml|json|template)$/i;

export class IacDocuments implements vscode.Disposable {
  private readonly cache = new Map<string, DocAnalysis>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly emitter = new vscode.EventEmitter<DocAnalysis | { uri: string; removed: true }>();
  readonly onDidChange = this.emitter.event;
  private docCache?: InstanceType<IacCore['IacDocumentCache']>;
  private readonly subs: vscode.Disposable[] = [];
  private readonly diskTexts = new Map<string, { mtime: number; text: string }>();
  /** Times of the last analyses (ms), newest last, for the log and tests. */
  readonly timings: number[] = [];

  constructor(
    private readonly s: EditorServices,
    private readonly stacks?: StackLinks,
  ) {
    this.subs.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.remove(d.uri)),
      // A closed editor tab does not close its document right away: drop its diagnostics as soon
      // as no tab shows it, and analyse again when it becomes visible.
      vscode.window.tabGroups.onDidChangeTabs((e) => this.tabsClosed(e.closed)),
      vscode.window.onDidChangeVisibleTextEditors((eds) => eds.forEach((ed) => !this.cache.has(ed.document.uri.toString()) && this.schedule(ed.document, 0))),
      vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((u) => this.remove(u))),
      vscode.workspace.onDidRenameFiles((e) => e.files.forEach((f) => this.remove(f.oldUri))),
      vscode.workspace.onDidSaveTextDocument((d) => this.siblingsChanged(d)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('egressLens.rules')) this.reanalyzeAll();
      }),
      s.state.onDidChange((t) => t === 'inventory' && this.reanalyzeAll()),
    );
    if (stacks) this.subs.push(stacks.onDidChange(() => this.reanalyzeAll()));
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  isCandidate(doc: vscode.TextDocument): boolean {
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled' && doc.uri.scheme !== 'vscode-remote') return false;
    return doc.languageId === 'terraform' || IAC_PATH.test(doc.uri.path);
  }

  get(uri: vscode.Uri | string): DocAnalysis | undefined {
    return this.cache.get(uri.toString());
  }

  all(): DocAnalysis[] {
    return [...this.cache.values()];
  }

  /** The analysis of the document's current version (analysing now if needed). */
  async ensure(doc: vscode.TextDocument): Promise<DocAnalysis | undefined> {
    if (!this.isCandidate(doc)) return undefined;
    const a = this.cache.get(doc.uri.toString());
    if (a && a.version === doc.version) return a;
    try {
      await loadIacCore(this.s.context.extensionUri);
      return this.analyze(doc);
    } catch (err) {
      // Never let a core failure break the editor's providers: log it once per message.
      const message = err instanceof Error ? err.message : String(err);
      this.s.log.error('iac.failed', { file: vscode.workspace.asRelativePath(doc.uri), error: message });
      if (!this.s.state.errors.some((e) => e.source === 'iac' && e.message === message)) this.s.state.addError('iac', message);
      return undefined;
    }
  }

  private changed(e: vscode.TextDocumentChangeEvent): void {
    if (!this.isCandidate(e.document) || !e.contentChanges.length) return;
    // Keep the incremental parse tree in step with every edit; analysis itself is debounced.
    if (core && this.docCache && /\.(tf|tfvars)$/i.test(e.document.uri.path) && this.docCache.get(e.document.uri.fsPath)) {
      const changes: TextChange[] = e.contentChanges.map((c) => ({
        range: { start: { line: c.range.start.line, column: c.range.start.character }, end: { line: c.range.end.line, column: c.range.end.character } },
        rangeOffset: c.rangeOffset,
        rangeLength: c.rangeLength,
        text: c.text,
      }));
      this.docCache.update(e.document.uri.fsPath, e.document.getText(), changes);
    }
    this.schedule(e.document, readSettings().diagnostics.debounceMs);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!this.isCandidate(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.ensure(doc);
      }, delay),
    );
  }

  private readDisk(path: string): string | undefined {
    try {
      const st = statSync(path);
      const hit = this.diskTexts.get(path);
      if (hit && hit.mtime === st.mtimeMs) return hit.text;
      const text = readFileSync(path, 'utf8');
      this.diskTexts.set(path, { mtime: st.mtimeMs, text });
      return text;
    } catch {
      return undefined;
    }
  }

  /** The other .tf/.tfvars files of a Terraform document's directory (open text wins over disk). */
  private siblings(path: string): { path: string; text: string }[] {
    const dir = dirname(path);
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => /\.(tf|tfvars)(\.json)?$/i.test(n));
    } catch {
      return [];
    }
    const open = new Map(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => [d.uri.fsPath, d]));
    const out: { path: string; text: string }[] = [];
    for (const n of names) {
      const p = join(dir, n);
      if (p === path) continue;
      const text = open.get(p)?.getText() ?? this.readDisk(p);
      if (text === undefined) continue;
      // Keep a parsed tree for siblings too, so a keystroke does not re-parse the whole directory
      // (the JSON forms have no incremental tree: the cache re-parses them when their text changes).
      if (!/\.json$/i.test(n)) this.docCache?.update(p, text);
      out.push({ path: p, text });
    }
    return out;
  }

  private linksFor(result: AnalysisResult, path: string): DeployLink[] {
    if (!core) return [];
    return linkGroups(core, result, path, this.s.state.inventory, this.stacks);
  }

  private analyze(doc: vscode.TextDocument): DocAnalysis | undefined {
    if (!core) return undefined;
    const path = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.path;
    const text = doc.getText();
    const kind = core.detectIacKind(path, text);
    if (!kind && doc.languageId !== 'terraform') {
      this.drop(doc.uri.toString());
      return undefined;
    }
    const t0 = performance.now();
    this.docCache ??= new core.IacDocumentCache();
    const settings = readSettings();
    const isTf = kind === 'terraform' || kind === 'tfvars' || doc.languageId === 'terraform';
    const result = this.docCache.analyze(path, text, isTf ? this.siblings(path) : [], { rules: { disabled: settings.rules.disabled, severity: settings.rules.severity } });
    const links = this.linksFor(result, path);
    const ms = performance.now() - t0;
    this.timings.push(ms);
    if (this.timings.length > 50) this.timings.shift();
    const format = result.model.groups.find((g) => g.file === path)?.format ?? (isTf ? 'terraform' : 'cloudformation');
    const linkNotes = stackLinkNotes(core, result, path, this.stacks);
    const a: DocAnalysis = { uri: doc.uri.toString(), path, version: doc.version, syntax: syntaxOf(path, format), text, result, links, linkNotes, ms };
    this.cache.set(a.uri, a);
    this.s.links.set(
      a.uri,
      new Map(
        groupBy(links, (l) => l.deployedId, (l) => {
          const g = result.model.groups.find((x) => x.id === l.groupId)!;
          return { uri: a.uri, address: l.address, range: toRange(g.headerRange) };
        }),
      ),
    );
    this.s.log.debug('iac.analyzed', { file: vscode.workspace.asRelativePath(doc.uri), findings: result.findings.length, groups: result.model.groups.length, linked: links.length, ms: +ms.toFixed(1) });
    const rules = rulesById(result.model);
    this.s.state.setFindings(a.uri, result.findings.map((f) => toEditorFinding(f, links, rules)));
    this.emitter.fire(a);
    return a;
  }

  /** Settings or inventory changed: every analysed document is stale whatever its version. */
  private reanalyzeAll(): void {
    for (const a of this.cache.values()) a.version = -1;
    for (const d of vscode.workspace.textDocuments) if (this.cache.has(d.uri.toString())) this.schedule(d, 0);
  }

  /** A saved .tf file changes the resolution of its siblings (variables, tfvars). */
  private siblingsChanged(doc: vscode.TextDocument): void {
    if (!/\.(tf|tfvars)(\.json)?$/i.test(doc.uri.path)) return;
    const dir = dirname(doc.uri.fsPath);
    for (const d of vscode.workspace.textDocuments) {
      const a = this.cache.get(d.uri.toString());
      if (d === doc || !a || dirname(d.uri.fsPath) !== dir) continue;
      a.version = -1;
      this.schedule(d, 0);
    }
  }

  private drop(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (!this.cache.delete(key)) return;
    this.s.links.set(key, undefined);
    this.s.state.setFindings(key, undefined);
    this.emitter.fire({ uri: key, removed: true });
  }

  private tabsClosed(closed: readonly vscode.Tab[]): void {
    const shown = new Set(
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).flatMap((t) => (t.input instanceof vscode.TabInputText ? [t.input.uri.toString()] : t.input instanceof vscode.TabInputTextDiff ? [t.input.modified.toString()] : [])),
    );
    for (const t of closed) {
      if (!(t.input instanceof vscode.TabInputText)) continue;
      const key = t.input.uri.toString();
      if (!shown.has(key)) this.drop(key);
    }
  }

  private remove(uri: vscode.Uri): void {
    this.docCache?.close(uri.fsPath);
    this.drop(uri.toString());
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.subs) d.dispose();
    this.docCache?.dispose();
    this.emitter.dispose();
  }
}

/**
 * Deployed ids of the groups written in `path`: terraform.tfstate beside a Terraform file, the
 * stack a CloudFormation template is bound to (egressLens.cloudFormation.stacks), else a unique
 * name/tag match in the inventory (the core's linkDeployed decides).
 */
export function linkGroups(
  c: IacCore,
  result: AnalysisResult,
  path: string,
  inventory: import('../../core/model/inventory').Inventory | undefined,
  stacks?: StackLinks,
): DeployLink[] {
  const groups = result.model.groups.filter((g) => g.file === path);
  if (!groups.length) return [];
  const states = [];
  const statePath = join(dirname(path), 'terraform.tfstate');
  if (/\.(tf|tfvars)(\.json)?$/i.test(path) && existsSync(statePath)) {
    try {
      states.push({ source: statePath, json: JSON.parse(readFileSync(statePath, 'utf8')), dir: dirname(path) });
    } catch {
      // unreadable or invalid state: fall back to the inventory
    }
  }
  const stackResources: StackResourcesInput[] = [];
  // Only CloudFormation templates are bound to stacks: a Terraform file never starts a read.
  const bound = stacks?.active && !isTerraformPath(path) ? stacks.boundStack(path) : undefined;
  if (bound?.resources) stackResources.push(c.stackBindingInput({ template: path, stack: bound.stack }, bound.resources));
  return c.linkDeployed(groups, { terraformStates: states, stackResources, inventory });
}

/** For a template bound to a stack: what the stack could not link (one line per group), or why it was not read. */
export function stackLinkNotes(c: IacCore, result: AnalysisResult, path: string, stacks: StackLinks | undefined): string[] {
  if (isTerraformPath(path)) {
    const stack = stacks?.active ? stacks.stackNameFor(path) : undefined;
    return stack ? [`stack ${stack} is configured for this file in ${STACKS_SETTING}, but it is not a CloudFormation template (it is read as Terraform)`] : [];
  }
  const bound = stacks?.active ? stacks.boundStack(path) : undefined;
  if (!bound) return [];
  if (!bound.resources) return bound.problem ? [bound.problem] : [];
  return c.stackBindingProblems(result.model.groups, { template: path, stack: bound.stack }, bound.resources).map((p) => p.message);
}

function isTerraformPath(path: string): boolean {
  return /\.(tf|tfvars)(\.json)?$/i.test(path);
}

export function toRange(r: { start: { line: number; column: number }; end: { line: number; column: number } }): vscode.Range {
  return new vscode.Range(r.start.line, r.start.column, r.end.line, r.end.column);
}

function groupBy<T, V>(items: T[], key: (t: T) => string, value: (t: T) => V): Map<string, V[]> {
  const m = new Map<string, V[]>();
  for (const i of items) {
    const k = key(i);
    const list = m.get(k) ?? [];
    list.push(value(i));
    m.set(k, list);
  }
  return m;
}
