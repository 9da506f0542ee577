/** Open sample workspace, show log, show skipped lines, open a finding. */
import * as vscode from 'vscode';
import { cpSync, existsSync } from 'node:fs';
import { CommandId } from './ids';
import type { EditorServices } from '../services';

/** The bundled sample: `samples/demo` inside the extension (a development checkout or the .vsix). */
export function samplePath(s: EditorServices): vscode.Uri | undefined {
  const uri = vscode.Uri.joinPath(s.context.extensionUri, 'samples', 'demo');
  return existsSync(uri.fsPath) ? uri : undefined;
}

export function registerMiscCommands(s: EditorServices): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.OpenSample, async (opts?: { dryRun?: boolean }) => {
      const uri = samplePath(s);
      if (!uri) {
        void vscode.window.showErrorMessage('Egress Lens: the sample workspace is not bundled with this build. Clone the repository and open samples/demo.');
        return undefined;
      }
      // In a development checkout the sample opens in place; an installed extension copies it to
      // its storage first (the extension folder is not a place to edit files in).
      let target = uri;
      if (s.context.extensionMode === vscode.ExtensionMode.Production) {
        target = vscode.Uri.joinPath(s.context.globalStorageUri, 'sample-demo');
        if (!opts?.dryRun && !existsSync(target.fsPath)) cpSync(uri.fsPath, target.fsPath, { recursive: true });
      }
      s.log.info('sample.open', { path: target.fsPath });
      if (opts?.dryRun) return target.toString();
      await vscode.commands.executeCommand('vscode.openFolder', target, { forceNewWindow: !!vscode.workspace.workspaceFolders?.length });
      return target.toString();
    }),
    vscode.commands.registerCommand(CommandId.ShowOutput, () => s.log.show()),
    vscode.commands.registerCommand(CommandId.ShowSkippedLines, async (sourceId?: string) => {
      const id = sourceId ?? s.state.sources.find((x) => x.counts.skipped > 0)?.id;
      const text = id ? s.data.skippedText(id) : undefined;
      if (!text) {
        void vscode.window.showInformationMessage('Egress Lens: no skipped lines.');
        return;
      }
      const doc = await vscode.workspace.openTextDocument({ content: text, language: 'log' });
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    vscode.commands.registerCommand(CommandId.OpenFinding, async (uri: string, line = 0, column = 0, endLine?: number, endColumn?: number) => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      const start = new vscode.Position(line, column);
      const end = endLine !== undefined ? new vscode.Position(endLine, endColumn ?? 0) : start;
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(start, end) });
    }),
  ];
}
