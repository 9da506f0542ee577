// Builds the extension (scripts/build.mjs) and bundles the extension-host suites with esbuild into
// out/extension-tests/ (CommonJS, `vscode` and `mocha` left to the extension host's require):
//   out/extension-tests/run-<pid>/suite/index.js        the extensionTestsPath module (mocha runner)
//   out/extension-tests/run-<pid>/<group>/*.test.js     one bundle per suite file (suite/, restricted/…)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { repoRoot, testsOutDir } from './paths';

const SOURCE_DIR = join(repoRoot, 'test', 'extension');

export function buildExtension(): void {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`scripts/build.mjs failed (exit ${r.status})`);
}

/** Suite groups: folders under test/extension holding *.test.ts (suite, restricted, …). */
export function suiteGroups(): string[] {
  return readdirSync(SOURCE_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !['harness', 'workspace'].includes(d.name))
    .filter((d) => readdirSync(join(SOURCE_DIR, d.name)).some((f) => f.endsWith('.test.ts')))
    .map((d) => d.name)
    .sort();
}

/**
 * Bundles index + every suite into `outDir` (default: a folder of this process under
 * out/extension-tests, so concurrent runs do not clobber each other; it must stay inside the
 * repository for `require('mocha')` to resolve); returns the path of the extensionTestsPath module.
 */
export async function bundleSuites(outDir = join(testsOutDir, `run-${process.pid}`)): Promise<string> {
  rmSync(outDir, { recursive: true, force: true });
  const entryPoints = [join(SOURCE_DIR, 'suite', 'index.ts')];
  for (const group of suiteGroups()) {
    for (const f of readdirSync(join(SOURCE_DIR, group)).sort()) {
      if (f.endsWith('.test.ts')) entryPoints.push(join(SOURCE_DIR, group, f));
    }
  }
  await esbuild.build({
    entryPoints: entryPoints.map((e) => relative(repoRoot, e)),
    absWorkingDir: repoRoot,
    outbase: 'test/extension',
    outdir: relative(repoRoot, outDir),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  const index = join(outDir, 'suite', 'index.js');
  if (!existsSync(index)) throw new Error(`bundling did not produce ${index}`);
  return index;
}
