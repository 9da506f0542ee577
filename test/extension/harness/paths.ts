// Where the extension-host harness keeps things. Everything generated is git-ignored:
// `.vscode-test/` (code-server, Node 24, caches) and `out/extension-tests/` (bundled suites).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const cacheDir = process.env.EGRESS_LENS_VSCODE_TEST_CACHE ?? join(repoRoot, '.vscode-test');
export const testsOutDir = join(repoRoot, 'out', 'extension-tests');
/** Workspace opened by the suites: the demo when it exists, else the small fixture beside the suites. */
export const fixtureWorkspace = join(repoRoot, 'test', 'extension', 'workspace');
export const demoWorkspace = join(repoRoot, 'samples', 'demo');
