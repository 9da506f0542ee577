// Opens the code-server workbench in Debian's Chromium through playwright-core, and runs an
// extension test suite in it: the workbench (started with --enable-smoke-test-driver) reads the
// test payload from the URL, starts an extension host with the extension under development, runs
// `extensionTestsPath`'s `run()`, and reports through two page functions we expose:
//   codeAutomationLog(type, args)  the extension host's console (mocha's output arrives here)
//   codeAutomationExit(code)       the tests finished; the only reliable pass/fail signal
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { onExit } from './cleanup';

export const CHROMIUM = process.env.EGRESS_LENS_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Closes the browser and removes its profile dir. Safe to call twice. */
  close(): Promise<void>;
}

export async function openBrowser(
  options: { headless?: boolean; width?: number; height?: number; deviceScaleFactor?: number } = {},
): Promise<Browser> {
  const profileDir = mkdtempSync(join(tmpdir(), 'egress-lens-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: options.headless ?? true,
    args: CHROMIUM_ARGS,
    viewport: { width: options.width ?? 1400, height: options.height ?? 900 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const unregister = onExit(() => rmSync(profileDir, { recursive: true, force: true }));
  let closed = false;
  return {
    context,
    page,
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      unregister();
      rmSync(profileDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** `vscode-remote://remote/<abs path>`: the remote authority of a code-server workbench is the word `remote`. */
export const remoteUri = (absPath: string): string => `vscode-remote://remote${encodeURI(absPath)}`;

export interface WorkbenchPayload {
  /** Folder to open (absolute path on the server). */
  folder?: string;
  /** Extension under development (absolute path of the folder holding package.json). */
  extensionDevelopmentPath?: string;
  /** Module exporting `run(): Promise<void>`, run in the extension host. */
  extensionTestsPath?: string;
  /** Environment variables for the extension host. */
  extensionEnvironment?: Record<string, string>;
}

export function workbenchUrl(serverUrl: string, p: WorkbenchPayload): string {
  const payload: [string, string][] = [];
  if (p.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteUri(p.extensionDevelopmentPath)]);
  if (p.extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(p.extensionTestsPath)]);
  if (p.extensionEnvironment) payload.push(['extensionEnvironment', JSON.stringify(p.extensionEnvironment)]);
  payload.push(['skipWelcome', 'true'], ['skipReleaseNotes', 'true']);
  const q = new URLSearchParams();
  if (p.folder) q.set('folder', remoteUri(p.folder));
  q.set('payload', JSON.stringify(payload));
  return `${serverUrl}/?${q.toString()}`;
}

export interface SuiteRunOptions extends WorkbenchPayload {
  extensionTestsPath: string;
  /** Whole-run limit; on expiry the run counts as failed (exit code 124). */
  timeoutMs?: number;
  /**
   * Receives each log line of the workbench and the extension host (console.log in a suite
   * arrives with type "info"; default: process.stdout).
   */
  onOutput?: (text: string, type: string) => void;
  /** Also forward the workbench page's own console errors (noisy; for debugging). */
  verbose?: boolean;
  /** Saves a screenshot of the workbench here when the run fails or times out. */
  failureScreenshot?: string;
}

/**
 * Runs one suite in a new tab of an opened browser; resolves to the exit code the tests reported
 * (124 on timeout). The tab is closed afterwards, so several runs can share one browser.
 */
export async function runSuite(browser: Browser, serverUrl: string, o: SuiteRunOptions): Promise<number> {
  const page = await browser.context.newPage();
  try {
    return await runInPage(page, serverUrl, o);
  } finally {
    await page.close().catch(() => undefined);
  }
}

async function runInPage(page: Page, serverUrl: string, o: SuiteRunOptions): Promise<number> {
  const out = o.onOutput ?? ((t: string) => void process.stdout.write(t + '\n'));
  let resolveExit!: (code: number) => void;
  const exit = new Promise<number>((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    void type; // log | warn | error: all go to the same stream, in order
    out(format(...(Array.isArray(args) ? args : [args])), type);
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(Number(code)));
  if (o.verbose) {
    page.on('console', (m) => {
      if (m.type() === 'error') out(`[workbench console] ${m.text()}`, 'error');
    });
  }
  page.on('pageerror', (e) => out(`[workbench page error] ${e.message}`, 'error'));

  const timeoutMs = o.timeoutMs ?? 5 * 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<number>((r) => {
    timer = setTimeout(() => {
      out(`extension tests did not finish within ${timeoutMs / 1000} s`, 'error');
      r(124);
    }, timeoutMs);
  });
  await page.goto(workbenchUrl(serverUrl, o));
  const code = await Promise.race([exit, timeout]);
  clearTimeout(timer);
  if (code !== 0 && o.failureScreenshot) await page.screenshot({ path: o.failureScreenshot }).catch(() => undefined);
  return code;
}
