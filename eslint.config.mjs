// Lint runs inside `npm test`. Its one architectural rule: only the editor layer
// (src/editor/**) and the thin wiring file src/extension.ts may import `vscode`.
import tseslint from 'typescript-eslint';

export const vscodeImportRestriction = {
  paths: [
    {
      name: 'vscode',
      message:
        "The core must run without an editor: only src/editor/** and src/extension.ts may import 'vscode' (see ARCHITECTURE.md).",
    },
  ],
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'samples/**', '.cache/**', '.venv/**', 'bench/data/**'],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', vscodeImportRestriction],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['src/editor/**/*.ts', 'src/extension.ts', 'test/extension/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
