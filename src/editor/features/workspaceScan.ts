/**
 * Background scan of the workspace's infrastructure files, so the Findings tree, the exposure
 * report, SARIF export and "Reveal in code" cover files that are not open. Diagnostics stay with
 * open documents (documents.ts); an open document's live analysis wins over the scan.
 */
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EditorServices } from '../services';
import type { IacDocuments } from './documents';
import { loadIacCore, toRange, linkGroups } from './documents';
import { rulesById, toEditorFinding } from '../../core/analysis/editor-findings';
import { readSettings } from '../settings';
import type { AnalysisResult, DeployLink, Finding } from '../../core/iac';
import type { StackLinks } from '../stacks';

const GLOB = '**/*.{tf,tfvars,yaml,yml,json,template}';
const EXCLUDE = '**/{node_modules,.terraform,.git,out,dist,.vscode-test}/**';
const MAX_FILES = 2000;

export interface ScannedFile {
  uri: string;
  findings: Finding[];
  links: DeployLink[];
}

export class WorkspaceScan implements vscode.Disposable {
  readonly files = new Map<string, ScannedFile>();
  private running?: Promise<void>;
  private readonly subs: vscode.Disposable[];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly s: EditorServices,
    private readonly docs: IacDocuments,
    private readonly stacks?: StackLinks,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(GLOB);
    this.subs = [
      watcher,
      watcher.onDidChange(() => this.soon()),
      watcher.onDidCreate(() => this.soon()),
      watcher.onDidDelete((u) => this.forget(u.toString())),
      docs.onDidChange((a) => 'removed' in a && this.restore(a.uri)),
      s.state.onDidChange((t) => t === 'inventory' && this.soon()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('egressLens.rules') && this.soon()),
      ...(stacks ? [stacks.onDidChange(() => this.soon(0))] : []),
    ];
  }

  private soon(delay = 1500): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.scan(), delay);
  }

  /** Scans every infrastructure file of the workspace (one run at a time). */
  scan(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<void> {
    const t0 = Date.now();
    const core = await loadIacCore(this.s.context.extensionUri);
    const uris = await vscode.workspace.findFiles(GLOB, EXCLUDE, MAX_FILES);
    const texts: { uri: vscode.Uri; path: string; text: string }[] = [];
    for (const u of uris) {
      if (u.scheme !== 'file') continue;
      try {
        const text = await readFile(u.fsPath, 'utf8');
        if (core.detectIacKind(u.fsPath, text)) texts.push({ uri: u, path: u.fsPath, text });
      } catch {
        // unreadable: skipped (the document analysis reports problems for open files)
      }
    }
    const settings = readSettings();
    const opts = { rules: { disabled: settings.rules.disabled, severity: settings.rules.severity } };
    const results: { files: typeof texts; result: AnalysisResult }[] = [];
    const byDir = new Map<string, typeof texts>();
    for (const t of texts) {
      const kind = core.detectIacKind(t.path, t.text);
      if (kind === 'terraform' || kind === 'tfvars') byDir.set(dirname(t.path), [...(byDir.get(dirname(t.path)) ?? []), t]);
      else results.push({ files: [t], result: core.analyzeCloudFormation(t.path, t.text, opts) });
    }
    for (const group of byDir.values()) results.push({ files: group, result: core.analyzeTerraformModule(group.map((g) => ({ path: g.path, text: g.text })), opts) });
    const seen = new Set<string>();
    const batch: [string, ReturnType<typeof toEditorFinding>[]][] = [];
    for (const { files, result } of results) {
      const rules = rulesById(result.model);
      for (const f of files) {
        const key = f.uri.toString();
        seen.add(key);
        const links = linkGroups(core, result, f.path, this.s.state.inventory, this.stacks);
        const entry: ScannedFile = { uri: key, findings: result.findings.filter((x) => x.file === f.path), links };
        this.files.set(key, entry);
        this.models.set(key, result);
        if (!this.docs.get(key)) {
          this.publishLinks(entry);
          batch.push([key, entry.findings.map((x) => toEditorFinding(x, entry.links, rules))]);
        }
      }
    }
    this.s.state.setFindingsBatch(batch);
    for (const key of [...this.files.keys()]) if (!seen.has(key)) this.forget(key);
    this.s.log.info('iac.scan', { files: texts.length, findings: [...this.files.values()].reduce((n, f) => n + f.findings.length, 0), ms: Date.now() - t0 });
  }

  private readonly models = new Map<string, AnalysisResult>();

  private publish(entry: ScannedFile): void {
    const rules = rulesById(this.models.get(entry.uri)?.model);
    this.s.state.setFindings(entry.uri, entry.findings.map((f) => toEditorFinding(f, entry.links, rules)));
    this.publishLinks(entry);
  }

  private publishLinks(entry: ScannedFile): void {
    const model = this.models.get(entry.uri);
    if (!model) return;
    this.s.links.set(
      entry.uri,
      new Map(
        entry.links.map((l) => {
          const g = model.model.groups.find((x) => x.id === l.groupId)!;
          return [l.deployedId, [{ uri: entry.uri, address: l.address, range: toRange(g.headerRange) }]] as const;
        }),
      ),
    );
  }

  /** A closed document falls back to its scanned findings. */
  private restore(uri: string): void {
    const entry = this.files.get(uri);
    if (entry) this.publish(entry);
  }

  private forget(uri: string): void {
    this.files.delete(uri);
    this.models.delete(uri);
    if (!this.docs.get(uri)) {
      this.s.state.setFindings(uri, undefined);
      this.s.links.set(uri, undefined);
    }
  }

  /** Findings of every file: open documents' live analysis first, else the scan. */
  allFindings(): Finding[] {
    const out: Finding[] = [];
    const open = new Set<string>();
    for (const a of this.docs.all()) {
      open.add(a.uri);
      out.push(...a.result.findings.filter((f) => f.file === a.path));
    }
    for (const f of this.files.values()) if (!open.has(f.uri)) out.push(...f.findings);
    return out;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.subs) d.dispose();
  }
}
