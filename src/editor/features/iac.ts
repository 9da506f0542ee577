/**
 * The infrastructure-file features together: one document analysis (documents.ts) feeding
 * diagnostics, hover, code lens and code actions, registered for Terraform and CloudFormation.
 */
import * as vscode from 'vscode';
import type { EditorServices } from '../services';
import { IacDocuments, loadIacCore } from './documents';
import { Diagnostics } from './diagnostics';
import { HoverFeature } from './hover';
import { CodeLensFeature } from './codeLens';
import { CodeActionsFeature } from './codeActions';
import { WorkspaceScan } from './workspaceScan';
import { StackLinks } from '../stacks';

/** Terraform by extension or language; CloudFormation candidates by extension (confirmed by content). */
export const IAC_SELECTOR: vscode.DocumentSelector = [
  { language: 'terraform' },
  { scheme: 'file', pattern: '**/*.{tf,tfvars}' },
  { scheme: 'file', pattern: '**/*.{yaml,yml,json,template}' },
  { scheme: 'untitled', language: 'terraform' },
  { scheme: 'vscode-remote', pattern: '**/*.{tf,tfvars,yaml,yml,json,template}' },
];

export class IacFeatures implements vscode.Disposable {
  readonly documents: IacDocuments;
  readonly diagnostics: Diagnostics;
  readonly hover: HoverFeature;
  readonly codeLens: CodeLensFeature;
  readonly codeActions: CodeActionsFeature;
  readonly scan: WorkspaceScan;
  /** Templates bound to their CloudFormation stacks (egressLens.cloudFormation.stacks). */
  readonly stacks: StackLinks;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly s: EditorServices) {
    this.stacks = new StackLinks(s);
    this.documents = new IacDocuments(s, this.stacks);
    this.diagnostics = new Diagnostics(s, this.documents);
    this.hover = new HoverFeature(s, this.documents);
    this.codeLens = new CodeLensFeature(s, this.documents);
    this.codeActions = new CodeActionsFeature(s, this.documents, this.diagnostics);
    this.scan = new WorkspaceScan(s, this.documents, this.stacks);
    this.subs = [
      vscode.languages.registerHoverProvider(IAC_SELECTOR, this.hover),
      vscode.languages.registerCodeLensProvider(IAC_SELECTOR, this.codeLens),
      vscode.languages.registerCodeActionsProvider(IAC_SELECTOR, this.codeActions, CodeActionsFeature.metadata),
    ];
    // The workspace scan runs shortly after activation, off the activation path.
    if (vscode.workspace.workspaceFolders?.length) {
      const t = setTimeout(() => void this.scan.scan().catch((err) => s.log.error('iac.scan.failed', { error: String(err instanceof Error ? err.message : err) })), 1000);
      this.subs.push({ dispose: () => clearTimeout(t) });
    }
  }

  /** SARIF 2.1.0 of the findings in every analysed document. */
  async sarif(): Promise<string> {
    const core = await loadIacCore(this.s.context.extensionUri);
    await this.scan.scan();
    const findings = this.scan.allFindings().map((f) => ({ ...f, file: vscode.workspace.asRelativePath(f.file, false) }));
    const version = String(this.s.context.extension.packageJSON.version ?? '');
    return JSON.stringify(core.toSarif(findings, core.rules, { toolVersion: version }), null, 2) + '\n';
  }

  dispose(): void {
    for (const d of this.subs) d.dispose();
    this.codeLens.dispose();
    this.scan.dispose();
    this.diagnostics.dispose();
    this.documents.dispose();
    this.stacks.dispose();
  }
}
