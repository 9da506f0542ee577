// The layering rule is enforced by ESLint (eslint.config.mjs). These tests prove the rule bites:
// a core file importing `vscode` fails lint, an editor file may import it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const lint = async (filePath: string, code: string) => {
  const eslint = new ESLint();
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports');
};

test('a core file that imports vscode fails lint', async () => {
  const msgs = await lint('src/core/flowlogs/leak.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n");
  assert.equal(msgs.length, 1);
  assert.match(msgs[0].message, /only src\/editor/);
});

test('a CLI file that requires vscode fails lint', async () => {
  const msgs = await lint('src/cli/leak.ts', "import { window } from 'vscode';\nexport const w = window;\n");
  assert.equal(msgs.length, 1);
});

test('the editor layer and extension.ts may import vscode', async () => {
  assert.equal((await lint('src/editor/x.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n")).length, 0);
  assert.equal((await lint('src/extension.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n")).length, 0);
});
