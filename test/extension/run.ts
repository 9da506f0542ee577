// Offline route of the extension-host suite (used by `npm test` and CI):
//   node --import tsx test/extension/run.ts [--group suite,restricted] [--grep regexp] [--headed] [--verbose]
// Builds the extension, bundles the suites, installs code-server once into .vscode-test/, starts it,
// and runs each suite group in Chromium (one workbench page per group, see harness/groups.ts). Mocha's
// output goes to stdout; the closing line sums all groups ("N passing, N failing"); the exit code
// is non-zero when any test fails or a run does not finish.
//
// Add a suite: drop `foo.test.ts` into test/extension/suite/ (trusted workspace) or
// test/extension/restricted/ (restricted mode). A new folder with *.test.ts is a new group; give
// it options in harness/groups.ts (GROUP_OPTIONS) if it needs restricted mode or another workspace.
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startAwsTripwire, type AwsTripwire } from './harness/awsTripwire';
import { openBrowser, runSuite, type Browser } from './harness/browser';
import { buildExtension, bundleSuites, suiteGroups } from './harness/bundle';
import { onExit } from './harness/cleanup';
import { startCodeServer, type CodeServer } from './harness/codeServer';
import { RESULT_MARKER, START_MARKER, groupEnvironment, groupOptions, groupSettings, unrelatedWorkspace, type GroupResult } from './harness/groups';
import { ensureCodeServer } from './harness/install';
import { demoWorkspace, fixtureWorkspace, repoRoot } from './harness/paths';

/** Workbench chatter that arrives on the same channel as mocha's output. */
const WORKBENCH_NOISE = [
  /^Ignoring fetching additional builtin extensions/,
  /^Updating additional builtin extensions cache/,
  /^\[AccountPolicyGate\]/,
  /^Creating a socket \(renderer-/,
  /^\[remote-connection\]/, // reconnect chatter when the extension host is busy; kept in the workbench log
];

const OVERALL_TIMEOUT_MS = 5 * 60_000;

const secs = (t0: number): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      group: { type: 'string' },
      grep: { type: 'string' },
      headed: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  const t0 = Date.now();
  const timings: string[] = [];
  const step = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    const t = Date.now();
    const r = await f();
    timings.push(`${name} ${secs(t)}`);
    return r;
  };

  const install = await step('code-server install check', () => ensureCodeServer());
  await step('build', () => buildExtension());
  const testsPath = await step('bundle', () => bundleSuites());
  const groups = values.group ? values.group.split(',') : suiteGroups();
  const demo = existsSync(demoWorkspace) ? demoWorkspace : fixtureWorkspace;
  console.log(`workspace: ${demo}; groups: ${groups.join(', ')}`);

  const scratch = mkdtempSync(join(tmpdir(), 'egress-lens-ext-test-'));
  const bundleDir = join(testsPath, '..', '..');
  const unregister = onExit(() => {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(bundleDir, { recursive: true, force: true });
  });
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let tripwire: AwsTripwire | undefined;
  let passes = 0;
  let failures = 0;
  let exitCode = 0;
  try {
    tripwire = await startAwsTripwire();
    // Trust is on at the server; trusted groups switch it off through the user setting, so one
    // server serves every group.
    server = await step('code-server start', () => startCodeServer(install, { workspaceTrust: true }));
    browser = await step('chromium start', () => openBrowser({ headless: !values.headed }));
    const tRuns = Date.now();
    for (const group of groups) {
      const opts = groupOptions(group);
      const trust = opts.workspaceTrust ?? false;
      server.writeUserSettings(groupSettings(group));
      const groupScratch = join(scratch, group);
      mkdirSync(groupScratch, { recursive: true });
      const folder = opts.workspace === 'unrelated' ? unrelatedWorkspace(join(scratch, `${group}-workspace`)) : demo;
      console.log(`\n--- ${group} (${trust ? 'restricted mode' : 'trusted'}, ${folder}) ---`);
      let result: GroupResult | undefined;
      let inMocha = false;
      const workbenchLog: string[] = [];
      const t = Date.now();
      const code = await runSuite(browser, server.url, {
        folder,
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: testsPath,
        extensionEnvironment: groupEnvironment(group, groupScratch, tripwire, values.grep),
        timeoutMs: Math.max(10_000, OVERALL_TIMEOUT_MS - (Date.now() - tRuns)),
        verbose: values.verbose,
        failureScreenshot: join(repoRoot, 'out', `extension-test-failure-${group}.png`),
        // Mocha's lines (between the markers) go to stdout; the workbench's own log is kept and
        // shown when the group fails (or always, with --verbose).
        onOutput: (text, type) => {
          if (text.startsWith(START_MARKER)) inMocha = true;
          else if (text.startsWith(RESULT_MARKER)) {
            result = JSON.parse(text.slice(RESULT_MARKER.length));
            inMocha = false;
          } else if (values.verbose || (inMocha && type === 'info' && !WORKBENCH_NOISE.some((re) => re.test(text)))) {
            console.log(text);
          } else workbenchLog.push(`[${type}] ${text}`);
        },
      });
      timings.push(`${group} ${secs(t)}`);
      if (result) {
        passes += result.passes;
        failures += result.failures;
      } else if (code !== 0) {
        failures += 1; // crashed or timed out before mocha reported
      }
      if (code !== 0) {
        exitCode = 1;
        console.log(`group "${group}" exited with ${code}${result ? '' : ' before mocha reported results'}`);
        console.log(`workbench log (tail):\n${workbenchLog.join('\n').slice(-3000)}`);
        if (!result) console.log(`code-server log (tail):\n${server.log().slice(-3000)}`);
      }
    }
  } finally {
    await browser?.close();
    await server?.stop();
    await tripwire?.close();
    unregister();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(bundleDir, { recursive: true, force: true });
  }
  console.log(`\ntimings: ${timings.join(', ')}; total ${secs(t0)}`);
  console.log(`extension host: ${passes} passing, ${failures} failing`);
  return failures > 0 ? 1 : exitCode;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
