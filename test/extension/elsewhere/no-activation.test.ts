// Runs on a workspace with no infrastructure files (package.json, README, TypeScript, a compose
// file, a JSON file): the extension must not activate — no cost for users outside IaC projects.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { getExtension, sleep } from '../suite/helpers';

describe('no activation cost elsewhere', () => {
  it('is installed but not active on an unrelated workspace', async () => {
    await sleep(1000); // leave time for workspaceContains activation to (wrongly) happen
    assert.equal(getExtension().isActive, false);
  });

  it('stays inactive after opening YAML, JSON and Markdown files', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    for (const f of ['docker-compose.yml', 'settings.json', 'README.md']) {
      await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, f));
    }
    await sleep(1000);
    assert.equal(getExtension().isActive, false);
  });
});
