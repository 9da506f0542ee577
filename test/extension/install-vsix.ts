// Does the packaged extension install and run? Packages the .vsix (npm run package), installs it
// into a fresh code-server extensions dir with `code-server --install-extension`, then opens
// samples/demo in the workbench WITHOUT the development path and waits for the installed
// extension to show up (activity-bar container, status-bar item after activation).
//   node --import tsx test/extension/install-vsix.ts [--vsix path/to.vsix] [--headed]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openBrowser, workbenchUrl } from './harness/browser';
import { startCodeServer } from './harness/codeServer';
import { ensureCodeServer, type CodeServerInstall } from './harness/install';
import { demoWorkspace, fixtureWorkspace, repoRoot } from './harness/paths';

const EXTENSION_ID = 'egress-lens.egress-lens';

function packageVsix(): string {
  const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm run package failed (exit ${r.status})`);
  const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const vsix = join(repoRoot, `${name}-${version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`npm run package did not produce ${vsix}`);
  return vsix;
}

/** `code-server --install-extension` (a CLI run: installs and exits), state in a temp dir. */
function installVsix(install: CodeServerInstall, vsix: string, extensionsDir: string, stateDir: string): string {
  const env = { ...process.env, XDG_CONFIG_HOME: join(stateDir, 'config'), XDG_DATA_HOME: join(stateDir, 'data'), TMPDIR: stateDir, EXTENSIONS_GALLERY: '{}' };
  const common = ['--user-data-dir', join(stateDir, 'user-data'), '--extensions-dir', extensionsDir];
  const r = spawnSync(install.node, [install.entry, ...common, '--install-extension', vsix], { env, encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`code-server --install-extension failed (exit ${r.status}):\n${out}`);
  const list = spawnSync(install.node, [install.entry, ...common, '--list-extensions', '--show-versions'], { env, encoding: 'utf8' });
  return `${out.trim()}\n--list-extensions: ${list.stdout.trim()}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { vsix: { type: 'string' }, headed: { type: 'boolean', default: false } } });
  const t0 = Date.now();
  const install = await ensureCodeServer();
  const vsix = values.vsix ?? packageVsix();
  const scratch = mkdtempSync(join(tmpdir(), 'egress-lens-vsix-'));
  try {
    // 1. install into an empty extensions dir
    const installed = join(scratch, 'extensions');
    console.log(installVsix(install, vsix, installed, scratch));
    const dirs = readdirSync(installed).filter((d) => d.startsWith(`${EXTENSION_ID}-`));
    if (dirs.length !== 1) throw new Error(`expected one ${EXTENSION_ID}-* folder in ${installed}, found: ${readdirSync(installed).join(', ')}`);
    for (const f of ['package.json', 'dist/extension.js']) {
      if (!existsSync(join(installed, dirs[0]!, f))) throw new Error(`installed extension lacks ${f}`);
    }
    console.log(`installed: ${dirs[0]}`);

    // 2. run it: a server whose extensions dir holds the installed copy, no development path
    const server = await startCodeServer(install);
    rmSync(server.extensionsDir, { recursive: true, force: true });
    spawnSync('cp', ['-r', installed, server.extensionsDir]);
    const browser = await openBrowser({ headless: !values.headed });
    try {
      const folder = existsSync(demoWorkspace) ? demoWorkspace : fixtureWorkspace;
      await browser.page.goto(workbenchUrl(server.url, { folder }));
      await browser.page.locator('.part.activitybar .action-item [aria-label^="Egress Lens"], .part.activitybar [aria-label^="Egress Lens"]').first().waitFor({ timeout: 30_000 });
      console.log('workbench shows the Egress Lens view container');
      await browser.page.locator(`.part.statusbar [id^="${EXTENSION_ID}"]`).first().waitFor({ timeout: 30_000 });
      console.log('the installed extension activated (its status-bar item is up)');
      await browser.page.screenshot({ path: join(repoRoot, 'out', 'vsix-installed.png') });
    } finally {
      await browser.close();
      await server.stop();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`vsix OK: ${vsix} installs into code-server and activates (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
