// Wiring only: the editor layer builds the features; this file hands them the extension context.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // features are registered from src/editor as they arrive
}

export function deactivate(): void {}
