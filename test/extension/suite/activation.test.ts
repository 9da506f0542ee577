// The extension is present in a real extension host, activates on an infrastructure workspace,
// and declares only narrow activation events (no cost in unrelated workspaces).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, activate, getExtension, globToRegExp, manifest, repoRoot, waitFor, workspaceFolder } from './helpers';

describe('activation', () => {
  it('is installed in the extension host from the development path', () => {
    const ext = getExtension();
    assert.equal(ext.id, EXTENSION_ID);
    assert.equal(ext.packageJSON.name, 'egress-lens');
    assert.equal(ext.extensionUri.fsPath, repoRoot());
  });

  it('runs in a trusted workspace (the restricted group covers the other case)', () => {
    assert.equal(vscode.workspace.isTrusted, true);
  });

  it('opens a workspace holding Terraform or CloudFormation files', async () => {
    const iac = await vscode.workspace.findFiles('**/*.{tf,template,yaml,yml,json}', '**/node_modules/**', 50);
    assert.ok(iac.length > 0, `no infrastructure files in ${workspaceFolder().uri.fsPath}`);
  });

  it('activates by itself on that workspace (workspaceContains), without a command', async () => {
    const ext = getExtension();
    await waitFor(() => ext.isActive, (a) => a, { timeoutMs: 15_000, message: `${EXTENSION_ID} to activate` });
  });

  it('activate() resolves without throwing', async () => {
    await activate();
    assert.ok(getExtension().isActive);
  });

  it('declares only narrow activation events', async () => {
    const events = manifest().activationEvents ?? [];
    assert.ok(events.length > 0, 'no activation events: the extension would activate only via contributions');
    const broad = events.filter((e) => e === '*' || e === 'onStartupFinished' || /^onLanguage:(json|jsonc|yaml|plaintext|markdown)$/.test(e));
    assert.deepEqual(broad, [], 'activation events that fire in unrelated workspaces');
    const globs = events.filter((e) => e.startsWith('workspaceContains:')).map((e) => e.slice('workspaceContains:'.length));
    // The globs match infrastructure files and nothing a typical non-IaC project holds.
    const unrelated = ['package.json', 'tsconfig.json', '.vscode/settings.json', 'docker-compose.yml', 'config/app.yaml', 'README.md', 'src/index.ts'];
    for (const g of globs) {
      const re = globToRegExp(g);
      const hits = unrelated.filter((f) => re.test(f));
      assert.deepEqual(hits, [], `workspaceContains:${g} matches unrelated files`);
    }
    const iac = (await vscode.workspace.findFiles('**/*.{tf,template,yaml,yml,json}', '**/node_modules/**', 200)).map((u) =>
      vscode.workspace.asRelativePath(u, false),
    );
    assert.ok(
      iac.some((f) => globs.some((g) => globToRegExp(g).test(f))),
      `no workspaceContains glob (${globs.join(', ')}) matches this workspace's files (${iac.join(', ')})`,
    );
  });
});
