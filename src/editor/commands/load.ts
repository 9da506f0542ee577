/** Load flow logs (files, CloudWatch), load inventory, refresh. */
import * as vscode from 'vscode';
import { CommandId } from './ids';
import type { EditorServices } from '../services';

function toPaths(arg: unknown): string[] | undefined {
  if (typeof arg === 'string') return [arg];
  if (arg instanceof vscode.Uri) return [arg.fsPath];
  if (Array.isArray(arg)) return arg.flatMap((a) => toPaths(a) ?? []);
  return undefined;
}

export function registerLoadCommands(s: EditorServices): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.LoadFromFiles, async (arg?: unknown): Promise<boolean> => {
      if (!s.trust.allow('Load flow logs')) return false;
      let paths = toPaths(arg);
      if (!paths) {
        const uris = await vscode.window.showOpenDialog({
          title: 'Load VPC flow logs (files or folders: .log, .log.gz, .parquet)',
          canSelectFiles: true,
          canSelectFolders: true,
          canSelectMany: true,
          openLabel: 'Load',
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        });
        if (!uris?.length) return false;
        paths = uris.map((u) => u.fsPath);
      }
      return s.data.loadFiles(paths);
    }),
    vscode.commands.registerCommand(CommandId.LoadInventory, async (arg?: unknown): Promise<boolean> => {
      if (!s.trust.allow('Load inventory')) return false;
      let path = toPaths(arg)?.[0];
      if (!path) {
        const uris = await vscode.window.showOpenDialog({
          title: 'Load inventory (JSON of aws ec2 describe-security-groups / -network-interfaces / -subnets / -vpcs)',
          canSelectFiles: true,
          canSelectFolders: true,
          canSelectMany: false,
          filters: { JSON: ['json'] },
          openLabel: 'Load',
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        });
        if (!uris?.length) return false;
        path = uris[0].fsPath;
      }
      return s.data.loadInventory(path);
    }),
    vscode.commands.registerCommand(CommandId.LoadFromCloudWatch, async (logGroup?: string): Promise<boolean> => {
      if (!s.trust.allow('Load flow logs from CloudWatch')) return false;
      return s.data.loadCloudWatch({ logGroup: typeof logGroup === 'string' ? logGroup : undefined });
    }),
    vscode.commands.registerCommand(CommandId.Refresh, () => s.data.refresh()),
  ];
}
