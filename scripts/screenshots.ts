// Screenshots of the real UI for README: code-server (the same install as the extension-host
// suite) with the extension under development, samples/demo open, driven through Chromium.
//   npm run screenshots [-- --only hover,sidebar] [--headed] [--strict]
// Each scene below is data: a list of steps done the way a user would (command palette, quick
// open, clicks), ending in `shot`, saved as docs/images/<name>.png. A scene whose step fails
// (e.g. a command that does not exist yet) is reported and skipped; --strict makes that an error.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { openBrowser, workbenchUrl } from '../test/extension/harness/browser';
import { buildExtension } from '../test/extension/harness/bundle';
import { QUIET_SETTINGS, startCodeServer } from '../test/extension/harness/codeServer';
import { ensureCodeServer } from '../test/extension/harness/install';
import { demoWorkspace, repoRoot } from '../test/extension/harness/paths';

type Step =
  /** Quick-open a workspace-relative file. */
  | { do: 'open'; file: string }
  /** Put the cursor on the `occurrence`-th match of `text` in `file` (+ `offset` characters). */
  | { do: 'goto'; file: string; text: string; occurrence?: number; offset?: number }
  /** Run a command from the palette by its title as shown there ("Egress Lens: Refresh"). */
  | { do: 'command'; title: string }
  /** Press keys in order (Playwright key names, e.g. "Escape", "Control+B"). */
  | { do: 'keys'; keys: string[] }
  | { do: 'click'; selector: string }
  | { do: 'hover'; selector: string }
  /** Wait until `selector` is visible (or only in the DOM, with state 'attached'). */
  | { do: 'waitFor'; selector: string; timeoutMs?: number; state?: 'visible' | 'attached' }
  /** Wait until nothing matches `selector` (e.g. progress bars gone). */
  | { do: 'waitForHidden'; selector: string; timeoutMs?: number }
  | { do: 'wait'; ms: number }
  /** Save docs/images/<name>.png: the window, or only the element matching `selector`. */
  | { do: 'shot'; name: string; selector?: string };

interface Scene {
  name: string;
  steps: Step[];
}

const EXTENSION_ID = 'egress-lens.egress-lens';

/** The activity-bar entry of the Egress Lens view container. */
const ACTIVITY_ITEM = '.part.activitybar .action-item a[aria-label^="Egress Lens"], .part.activitybar .action-item[aria-label^="Egress Lens"]';

const SCENES: Scene[] = [
  {
    name: 'hover',
    steps: [
      { do: 'open', file: 'terraform/security.tf' },
      { do: 'goto', file: 'terraform/security.tf', text: 'cidr_blocks       = var.admin_cidrs', offset: 2 },
      { do: 'waitFor', selector: '.codelens-decoration', state: 'attached', timeoutMs: 90_000 }, // analysis ready
      { do: 'wait', ms: 1000 },
      { do: 'command', title: 'Show or Focus Hover' },
      { do: 'waitFor', selector: '.monaco-hover:not(.hidden) .hover-contents' },
      { do: 'wait', ms: 500 },
      { do: 'shot', name: 'hover' },
    ],
  },
  {
    name: 'sidebar',
    steps: [
      { do: 'click', selector: ACTIVITY_ITEM },
      { do: 'waitFor', selector: '.part.sidebar .monaco-list-row' },
      { do: 'waitForHidden', selector: '.part.sidebar .monaco-progress-container.active' },
      { do: 'wait', ms: 1000 },
      { do: 'shot', name: 'sidebar' },
    ],
  },
  {
    name: 'cost-report',
    steps: [
      { do: 'command', title: 'Egress Lens: Show Egress Cost Report' },
      { do: 'waitFor', selector: 'iframe.webview.ready' },
      { do: 'wait', ms: 2000 },
      { do: 'shot', name: 'cost-report' },
    ],
  },
];

const OUT_DIR = join(repoRoot, 'docs', 'images');

/** User settings for the pictures (on top of the harness's quiet defaults). */
const SCREENSHOT_SETTINGS: Record<string, unknown> = {
  'workbench.colorTheme': 'Default Dark Modern',
  'editor.minimap.enabled': false,
  'editor.stickyScroll.enabled': false,
  'breadcrumbs.enabled': false,
};

/** Opens the command palette (F1) and accepts the first item for `text` (with its prefix). */
async function quickInput(page: Page, text: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 5000 });
  await input.fill(text);
  // wait for the list to reflect the query, then accept
  await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: 5000 });
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
}

function lineColumn(file: string, text: string, occurrence = 0, offset = 0): { line: number; column: number } {
  const src = readFileSync(join(demoWorkspace, file), 'utf8');
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = src.indexOf(text, at + 1);
    if (at < 0) throw new Error(`"${text}" not found in ${file}`);
  }
  const before = src.slice(0, at + offset);
  const line = before.split('\n').length;
  return { line, column: at + offset - before.lastIndexOf('\n') };
}

async function runStep(page: Page, step: Step): Promise<void> {
  switch (step.do) {
    case 'open':
      await quickInput(page, step.file);
      await page.locator(`.tab[aria-label^="${step.file.split('/').pop()}"]`).first().waitFor({ timeout: 10_000 });
      return;
    case 'goto': {
      const { line, column } = lineColumn(step.file, step.text, step.occurrence, step.offset);
      await quickInput(page, `:${line}:${column}`);
      return;
    }
    case 'command':
      await quickInput(page, `>${step.title}`);
      return;
    case 'keys':
      for (const k of step.keys) await page.keyboard.press(k);
      return;
    case 'click':
      await page.locator(step.selector).first().click({ timeout: 10_000 });
      return;
    case 'hover':
      await page.locator(step.selector).first().hover({ timeout: 10_000 });
      return;
    case 'waitFor':
      await page.locator(step.selector).first().waitFor({ state: step.state ?? 'visible', timeout: step.timeoutMs ?? 30_000 });
      return;
    case 'waitForHidden':
      await page.locator(step.selector).first().waitFor({ state: 'hidden', timeout: step.timeoutMs ?? 30_000 });
      return;
    case 'wait':
      await page.waitForTimeout(step.ms);
      return;
    case 'shot': {
      const path = join(OUT_DIR, `${step.name}.png`);
      if (step.selector) await page.locator(step.selector).first().screenshot({ path });
      else await page.screenshot({ path });
      console.log(`  saved ${join('docs', 'images', `${step.name}.png`)}`);
      return;
    }
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      headed: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
    },
  });
  if (!existsSync(demoWorkspace)) throw new Error(`${demoWorkspace} is missing (npm run sample)`);
  const scenes = values.only ? SCENES.filter((s) => values.only!.split(',').includes(s.name)) : SCENES;
  const t0 = Date.now();
  const install = await ensureCodeServer();
  buildExtension();
  mkdirSync(OUT_DIR, { recursive: true });
  const server = await startCodeServer(install, { userSettings: { ...QUIET_SETTINGS, ...SCREENSHOT_SETTINGS } });
  const browser = await openBrowser({ headless: !values.headed, width: 1280, height: 960 });
  const failed: string[] = [];
  try {
    const { page } = browser;
    await page.goto(workbenchUrl(server.url, { folder: demoWorkspace, extensionDevelopmentPath: repoRoot }));
    await page.locator('.monaco-workbench .part.editor').waitFor({ timeout: 30_000 });
    // the extension is active once its status-bar item is up
    await page.locator(`.part.statusbar [id^="${EXTENSION_ID}"]`).first().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(2000); // first analysis and notifications settle
    for (const scene of scenes) {
      console.log(`scene ${scene.name}`);
      // each scene starts from a clean editor area and no open quick input / hover
      await page.keyboard.press('Escape');
      await quickInput(page, '>View: Close All Editors').catch(() => undefined);
      for (const [i, step] of scene.steps.entries()) {
        try {
          await runStep(page, step);
        } catch (e) {
          const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
          console.log(`  step ${i + 1} (${JSON.stringify(step)}) failed: ${message} — scene skipped`);
          failed.push(scene.name);
          await page.screenshot({ path: join(repoRoot, 'out', `screenshot-failed-${scene.name}.png`) }).catch(() => undefined);
          break;
        }
      }
      await page.keyboard.press('Escape');
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  console.log(`${scenes.length - failed.length}/${scenes.length} scenes saved in ${((Date.now() - t0) / 1000).toFixed(1)} s${failed.length ? `; skipped: ${failed.join(', ')}` : ''}`);
  return values.strict && failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
