/**
 * The infrastructure-file features together: diagnostics, hover, code lens and code actions over
 * one per-document analysis cache. (Filled in as the IaC core lands.)
 */
import * as vscode from 'vscode';
import type { EditorServices } from '../services';

export class IacFeatures implements vscode.Disposable {
  constructor(private readonly s: EditorServices) {}
  async sarif(): Promise<string> {
    return JSON.stringify({ version: '2.1.0', runs: [] }, null, 2);
  }
  dispose(): void {}
}
