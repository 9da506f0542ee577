// Starts code-server (VS Code Server) on a free localhost port in its own process group, with all
// its state (user data, extensions, XDG dirs, TMPDIR sockets) in one temp dir, and stops it by
// killing the whole group (it spawns extension hosts, file watchers, pty hosts…).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onExit } from './cleanup';
import type { CodeServerInstall } from './install';

export interface CodeServerOptions {
  /**
   * Workspace trust on (the folder opens in restricted mode unless trusted). Default false:
   * the server gets `--disable-workspace-trust` and every folder is trusted.
   */
  workspaceTrust?: boolean;
  /** User settings written to `<user-data-dir>/User/settings.json` before start (see writeUserSettings). */
  userSettings?: Record<string, unknown>;
  /** Extra command-line arguments (e.g. `--install-extension x.vsix`). */
  extraArgs?: string[];
  /** Called with every line the server prints (default: kept, shown on failure). */
  onLog?: (line: string) => void;
}

export interface CodeServer {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Temp dir holding user data, extensions, XDG dirs and TMPDIR; removed by stop(). */
  stateDir: string;
  userDataDir: string;
  extensionsDir: string;
  /** Everything the server printed so far. */
  log(): string;
  /** Rewrites the user settings (the workbench reads them when a page loads). */
  writeUserSettings(settings: Record<string, unknown>): void;
  /** Kills the process group and removes the state dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Settings that keep the workbench quiet and deterministic for tests and screenshots. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'files.watcherExclude': { '**/node_modules/**': true },
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealthz(url: string, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}) before it was ready:\n${log()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms:\n${log()}`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // group already gone
  }
}

export async function startCodeServer(install: CodeServerInstall, options: CodeServerOptions = {}): Promise<CodeServer> {
  const stateDir = mkdtempSync(join(tmpdir(), 'egress-lens-code-server-'));
  const userDataDir = join(stateDir, 'user-data');
  const extensionsDir = join(stateDir, 'extensions');
  const tmp = join(stateDir, 'tmp');
  for (const d of [userDataDir, extensionsDir, tmp, join(stateDir, 'config'), join(stateDir, 'data'), join(userDataDir, 'User')]) {
    mkdirSync(d, { recursive: true });
  }
  const writeUserSettings = (settings: Record<string, unknown>): void =>
    writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  writeUserSettings(options.userSettings ?? QUIET_SETTINGS);
  writeFileSync(join(stateDir, 'config.yaml'), 'auth: none\n');

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    install.entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--vscode-option', 'enable-smoke-test-driver',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--config', join(stateDir, 'config.yaml'),
    ...(options.extraArgs ?? []),
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: join(stateDir, 'config'),
    XDG_DATA_HOME: join(stateDir, 'data'),
    XDG_CACHE_HOME: join(stateDir, 'cache'),
    TMPDIR: tmp,
    // No extension gallery: the workbench would otherwise query open-vsx.org (no network in tests).
    EXTENSIONS_GALLERY: '{}',
  };
  // The runner's own VS Code variables (when launched from a VS Code terminal) must not leak in, nor
  // real AWS credentials/profiles: tests get fake ones through extensionEnvironment.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k.startsWith('AWS_')) delete env[k];

  let output = '';
  // detached: the child calls setsid() and leads a new process group, killed as a whole by stop().
  const child = spawn(install.node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  // never leave a server or its state behind, even when the runner is interrupted
  const unregister = onExit(() => {
    killGroup(child, 'SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  });
  const onData = (d: Buffer): void => {
    const text = d.toString();
    output += text;
    if (options.onLog) for (const line of text.split('\n')) if (line) options.onLog(line);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((r) => child.once('close', () => r()));

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    killGroup(child, 'SIGTERM');
    const t = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
    killGroup(child, 'SIGKILL'); // stragglers that ignored SIGTERM after the leader exited
    unregister();
    rmSync(stateDir, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    await waitForHealthz(url, child, 30_000, () => output);
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, url, stateDir, userDataDir, extensionsDir, log: () => output, writeUserSettings, stop };
}
