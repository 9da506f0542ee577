// Helpers for extension-host suites, in the style of hashicorp/vscode-terraform's integration
// tests: open a document, ask VS Code's own provider commands (`vscode.execute*Provider`), assert
// on what a user would see. Every helper goes through the real `vscode` API.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'egress-lens.egress-lens';

/** The repository root (the extension under development), passed by the runner. */
export const repoRoot = (): string => required('EGRESS_LENS_REPO');

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite through test/extension/run.ts`);
  return v;
}

/** The opened workspace folder (samples/demo, or the fixture when the demo is absent). */
export function workspaceFolder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder is open');
  return f;
}

/** A file in the opened workspace, e.g. `workspaceUri('network.tf')`. */
export const workspaceUri = (...segments: string[]): vscode.Uri => vscode.Uri.joinPath(workspaceFolder().uri, ...segments);

/** A file anywhere in the repository, e.g. `repoUri('samples', 'demo', 'main.tf')`. */
export const repoUri = (...segments: string[]): vscode.Uri => vscode.Uri.file(join(repoRoot(), ...segments));

/** The extension's package.json as shipped. */
export function manifest(): { activationEvents?: string[]; contributes?: Record<string, unknown>; [k: string]: unknown } {
  return JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8'));
}

export function getExtension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this extension host`);
  return ext;
}

/** Activates the extension (a no-op when it already is) and returns its exports (the test API, if any). */
export async function activate<T = unknown>(): Promise<T> {
  const ext = getExtension();
  return (ext.isActive ? ext.exports : await ext.activate()) as T;
}

/** Polls `probe` until `ok` holds; fails with `message` and the last value after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  ok: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 100, message = 'condition' }: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${message}; last value: ${inspect(last)}`);
    await sleep(intervalMs);
    last = await probe();
  }
  return last;
}

/** A glob as VS Code reads it (`**`, `*`, `?`, `{a,b}`), as an anchored RegExp over relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function inspect(v: unknown): string {
  try {
    return JSON.stringify(v, null, 1)?.slice(0, 2000) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Opens (and shows) a document. */
export async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/**
 * Position of the `occurrence`-th (0-based) match of `text` in the document, plus `offset`
 * characters — lets suites point at "cidr_blocks" instead of hard-coding line numbers.
 */
export async function positionOf(uri: vscode.Uri, text: string, occurrence = 0, offset = 0): Promise<vscode.Position> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const src = doc.getText();
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = src.indexOf(text, at + 1);
    assert.notEqual(at, -1, `"${text}" (occurrence ${occurrence}) not found in ${uri.fsPath}`);
  }
  return doc.positionAt(at + offset);
}

/** Plain text of hover contents (markdown and strings joined). */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

/** Hovers at `position`, through VS Code's hover command (all providers, like the UI). */
export async function getHovers(uri: vscode.Uri, position: vscode.Position): Promise<vscode.Hover[]> {
  await open(uri);
  return (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
}

/**
 * Asserts the hover at `position` contains every expected piece (strings or patterns), like
 * vscode-terraform's testHover. Returns the hover text for further checks.
 */
export async function testHover(uri: vscode.Uri, position: vscode.Position, expected: (string | RegExp)[]): Promise<string> {
  const text = hoverText(await getHovers(uri, position));
  for (const e of expected) {
    if (typeof e === 'string') assert.ok(text.includes(e), `hover at ${position.line}:${position.character} lacks "${e}":\n${text}`);
    else assert.match(text, e, `hover at ${position.line}:${position.character}`);
  }
  return text;
}

/**
 * Opens `uri` and waits until its diagnostics (from `source`, default all) satisfy `ok`
 * (default: at least one). Diagnostics arrive asynchronously (debounced), hence the wait.
 */
export async function waitForDiagnostics(
  uri: vscode.Uri,
  { source, ok = (d) => d.length > 0, timeoutMs = 10_000 }: { source?: string; ok?: (d: vscode.Diagnostic[]) => boolean; timeoutMs?: number } = {},
): Promise<vscode.Diagnostic[]> {
  await open(uri);
  const get = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => !source || d.source === source);
  return waitFor(get, ok, { timeoutMs, message: `diagnostics on ${uri.fsPath}` });
}

/** The rule id of a diagnostic (`code` may be a string or `{ value, target }`). */
export function diagnosticCode(d: vscode.Diagnostic): string {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : String(c ?? '');
}

/** Compact "ruleId@line:col" strings for exact-set assertions: `assert.deepEqual(summarize(ds), [...])`. */
export function summarize(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return diagnostics
    .map((d) => `${diagnosticCode(d)}@${d.range.start.line}:${d.range.start.character}`)
    .sort();
}

/** Code lenses in a document, resolved (titles filled in), like the editor shows them. */
export async function getCodeLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  await open(uri);
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}

/** Code actions (quick fixes by default) for a range. */
export async function getCodeActions(
  uri: vscode.Uri,
  range: vscode.Range | vscode.Selection,
  kind: string = vscode.CodeActionKind.QuickFix.value,
): Promise<vscode.CodeAction[]> {
  await open(uri);
  const get = async () => (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind, 100)) ?? [];
  // A diagnostic in hand yet no action at all: the document's diagnostics or analysis are being
  // replaced at that moment (a re-analysis after a data change). Ask again for a while (a clean
  // CI run once got none here); a range that really has no fix still answers [] in the end.
  const deadline = Date.now() + 5000;
  let actions = await get();
  while (!actions.length && Date.now() < deadline) {
    await sleep(100);
    actions = await get();
  }
  return actions;
}

/** Applies a code action the way the lightbulb does (edit first, then its command). */
export async function applyCodeAction(action: vscode.CodeAction): Promise<void> {
  if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit), `could not apply "${action.title}"`);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

/** Reverts and closes every editor (use in afterEach so suites do not leak edits into each other). */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor').then(undefined, () => undefined);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Whether a command is registered (contributed and, after activation, implemented). */
export async function hasCommand(id: string): Promise<boolean> {
  return (await vscode.commands.getCommands(true)).includes(id);
}

/**
 * The AWS tripwire: a localhost HTTP server started by the runner, set as AWS_ENDPOINT_URL for the
 * extension host, that records every request. Returns the requests seen so far.
 */
export async function awsRequests(): Promise<{ method: string; url: string; target?: string }[]> {
  const res = await fetch(`${required('EGRESS_LENS_TEST_AWS_TRIPWIRE')}/__requests`);
  return (await res.json()) as { method: string; url: string; target?: string }[];
}
