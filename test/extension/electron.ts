// Desktop route of the extension-host suite, for contributors with internet access:
//   npm run test:electron [-- --group suite,restricted] [--grep text] [--version 1.139.1]
// @vscode/test-electron downloads VS Code (cached in .vscode-test/); each bundled mocha group of
// the offline route (test/extension/run.ts) then runs in one VS Code launch. VS Code is started
// here rather than through test-electron's runTests(), which always adds --disable-workspace-trust
// and so cannot run the restricted-mode group.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { downloadAndUnzipVSCode } from '@vscode/test-electron';
import { startAwsTripwire } from './harness/awsTripwire';
import { buildExtension, bundleSuites, suiteGroups } from './harness/bundle';
import { RESULT_MARKER, groupEnvironment, groupOptions, groupSettings, unrelatedWorkspace, type GroupResult } from './harness/groups';
import { cacheDir, demoWorkspace, fixtureWorkspace, repoRoot } from './harness/paths';

/** Same VS Code as the offline route's code-server 4.139.1. */
const DEFAULT_VERSION = '1.139.1';

/** Passes output through to stdout and picks out the result line. */
function outputSink(onResult: (r: GroupResult) => void): Writable {
  let pending = '';
  return new Writable({
    write(chunk, _enc, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const at = line.indexOf(RESULT_MARKER);
        if (at >= 0) onResult(JSON.parse(line.slice(at + RESULT_MARKER.length)));
        else process.stdout.write(line + '\n');
      }
      done();
    },
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { group: { type: 'string' }, grep: { type: 'string' }, version: { type: 'string', default: DEFAULT_VERSION } },
  });
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode(values.version);
  } catch (e) {
    console.error(`could not download VS Code ${values.version} (${e instanceof Error ? e.message : e});`);
    console.error('without internet, use the offline route: npm run test:extension');
    return 1;
  }
  buildExtension();
  const testsPath = await bundleSuites();
  const groups = values.group ? values.group.split(',') : suiteGroups();
  const demo = existsSync(demoWorkspace) ? demoWorkspace : fixtureWorkspace;
  const scratch = mkdtempSync(join(tmpdir(), 'egress-lens-electron-'));
  const tripwire = await startAwsTripwire();
  let passes = 0;
  let failures = 0;
  try {
    for (const group of groups) {
      const opts = groupOptions(group);
      const dir = join(scratch, group);
      const userDataDir = join(dir, 'user-data');
      mkdirSync(join(userDataDir, 'User'), { recursive: true });
      writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(groupSettings(group), null, 2));
      const folder = opts.workspace === 'unrelated' ? unrelatedWorkspace(join(dir, 'workspace')) : demo;
      console.log(`\n--- ${group} (${opts.workspaceTrust ? 'restricted mode' : 'trusted'}, ${folder}) ---`);
      let result: GroupResult | undefined;
      const sink = outputSink((r) => (result = r));
      const args = [
        folder,
        '--no-sandbox',
        '--disable-gpu-sandbox',
        '--disable-updates',
        '--disable-extensions',
        '--skip-welcome',
        '--skip-release-notes',
        '--no-cached-data',
        `--user-data-dir=${userDataDir}`,
        `--extensions-dir=${join(dir, 'extensions')}`,
        `--extensionDevelopmentPath=${repoRoot}`,
        `--extensionTestsPath=${testsPath}`,
        ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
      ];
      const env = { ...process.env, ...groupEnvironment(group, dir, tripwire, values.grep) };
      for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
      const code = await new Promise<number>((resolve) => {
        const child = spawn(vscodeExecutablePath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.pipe(sink, { end: false });
        child.stderr.pipe(sink, { end: false });
        child.on('error', (e) => {
          console.error(e.message);
          resolve(1);
        });
        child.on('close', (c) => resolve(c ?? 1));
      });
      if (code !== 0 && !result) failures += 1; // crashed before mocha reported
      if (result) {
        passes += result.passes;
        failures += result.failures;
      }
    }
  } finally {
    await tripwire.close();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(join(testsPath, '..', '..'), { recursive: true, force: true });
  }
  console.log(`\nextension host (desktop, VS Code ${values.version}, cache ${cacheDir}): ${passes} passing, ${failures} failing`);
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
