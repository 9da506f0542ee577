/**
 * moto server for the AWS integration tests: found on PATH (or MOTO_SERVER), else in the
 * git-ignored virtualenv .venv/, else installed there with pip (`moto[server]`, pinned). Started
 * on 127.0.0.1 on a free port in its own process group; stopped by that group's id in an `after`
 * hook and, as a last resort, in a process 'exit' handler so no emulator outlives a failed run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';

export const MOTO_VERSION = '5.2.1';
const ROOT = resolve(__dirname, '..', '..');
const VENV = join(ROOT, '.venv');

/** Dummy credentials: moto accepts any. */
export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
export const TEST_REGION = 'us-east-1';

export interface MotoServer {
  endpoint: string;
  port: number;
  pid: number;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<number>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

let handlersInstalled = false;
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const pid of running) killGroup(pid, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const pid of running) killGroup(pid, 'SIGKILL');
      process.exit(130);
    });
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

function venvBin(name: string): string {
  return process.platform === 'win32' ? join(VENV, 'Scripts', `${name}.exe`) : join(VENV, 'bin', name);
}

/** Path of a moto_server executable, or null when there is none yet. */
export function findMotoServer(): string | null {
  if (process.env.MOTO_SERVER && existsSync(process.env.MOTO_SERVER)) return process.env.MOTO_SERVER;
  const sys = onPath('moto_server');
  if (sys) return sys;
  const venv = venvBin('moto_server');
  return existsSync(venv) ? venv : null;
}

/**
 * Finds moto_server or installs it into .venv with pip (needs python3 and network to PyPI).
 * Throws a clear error when neither works.
 */
export function ensureMotoServer(): string {
  const found = findMotoServer();
  if (found) return found;
  const python = onPath('python3') ?? onPath('python');
  if (!python) throw new Error('moto_server not found and no python3 to install it: install moto[server] (pip install "moto[server]") or set MOTO_SERVER.');
  const steps: [string, string[]][] = [];
  if (!existsSync(venvBin('python')) && !existsSync(venvBin('python3'))) steps.push([python, ['-m', 'venv', VENV]]);
  const venvPython = () => (existsSync(venvBin('python3')) ? venvBin('python3') : venvBin('python'));
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`Could not create the virtualenv ${VENV} (${cmd} ${args.join(' ')} exited ${r.status}).`);
  }
  const pip = spawnSync(venvPython(), ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', `moto[server]==${MOTO_VERSION}`], { stdio: 'inherit' });
  if (pip.status !== 0) throw new Error(`pip could not install moto[server]==${MOTO_VERSION} into ${VENV} (exit ${pip.status}).`);
  const bin = venvBin('moto_server');
  if (!existsSync(bin)) throw new Error(`moto[server] installed but ${bin} is missing.`);
  return bin;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`moto_server exited early (${child.exitCode ?? child.signalCode})`);
    try {
      const r = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

export async function startMoto(opts: { logFile?: string } = {}): Promise<MotoServer> {
  const bin = ensureMotoServer();
  installExitHandlers();
  let lastErr: unknown;
  for (let tries = 0; tries < 3; tries++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    let out: number | 'ignore' = 'ignore';
    if (opts.logFile) {
      mkdirSync(resolve(opts.logFile, '..'), { recursive: true });
      out = openSync(opts.logFile, 'a');
    }
    const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
      detached: true, // own process group: killing -pid also kills what a shim (pyenv) started
      stdio: ['ignore', out, out],
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_DEFAULT_REGION: TEST_REGION },
    });
    if (typeof out === 'number') closeSync(out);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${bin}`);
    running.add(pid);
    child.unref();
    try {
      await waitUntilUp(endpoint, child, 30_000);
    } catch (err) {
      lastErr = err;
      killGroup(pid, 'SIGKILL');
      running.delete(pid);
      continue;
    }
    const stop = async () => {
      if (!running.has(pid)) return;
      running.delete(pid);
      killGroup(pid, 'SIGTERM');
      const t0 = Date.now();
      while (child.exitCode === null && child.signalCode === null && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 50));
      if (child.exitCode === null && child.signalCode === null) killGroup(pid, 'SIGKILL');
    };
    const reset = async () => {
      const r = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`moto reset failed: HTTP ${r.status}`);
    };
    return { endpoint, port, pid, reset, stop };
  }
  throw lastErr instanceof Error ? lastErr : new Error(String(lastErr));
}
