// Desktop route of the extension-host suite, for contributors with internet access:
//   npm run test:electron [-- --group suite,restricted] [--grep text] [--version 1.139.1]
// @vscode/test-electron downloads VS Code (cached in .vscode-test/) and runs the same bundled
// mocha groups as the offline route (test/extension/run.ts), one VS Code launch per group.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
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
      try {
        await runTests({
          vscodeExecutablePath,
          extensionDevelopmentPath: repoRoot,
          extensionTestsPath: testsPath,
          extensionTestsEnv: groupEnvironment(group, dir, tripwire, values.grep),
          launchArgs: [
            folder,
            '--disable-extensions',
            '--skip-welcome',
            '--skip-release-notes',
            `--user-data-dir=${userDataDir}`,
            `--extensions-dir=${join(dir, 'extensions')}`,
            ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
          ],
          stdout: sink,
          stderr: sink,
        });
      } catch (e) {
        if (!result) {
          console.error(e instanceof Error ? e.message : e);
          failures += 1;
        }
      }
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
