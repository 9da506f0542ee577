// Suite groups and how each one's workbench is set up, shared by the offline route (run.ts) and
// the desktop route (electron.ts). A group is a folder under test/extension holding *.test.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsTestEnvironment, type AwsTripwire } from './awsTripwire';
import { QUIET_SETTINGS } from './codeServer';
import { repoRoot } from './paths';

export { RESULT_MARKER, START_MARKER, type GroupResult } from './markers';

export interface GroupOptions {
  /** Restricted mode: workspace trust on and the folder untrusted. Default false (trusted). */
  workspaceTrust?: boolean;
  /** Folder to open: 'demo' (samples/demo, else the fixture beside the suites) or 'unrelated'. */
  workspace?: 'demo' | 'unrelated';
}

/** Per-group setup; groups not listed run trusted on the demo workspace. */
export const GROUP_OPTIONS: Record<string, GroupOptions> = {
  restricted: { workspaceTrust: true },
  elsewhere: { workspace: 'unrelated' },
};

export const groupOptions = (group: string): GroupOptions => GROUP_OPTIONS[group] ?? {};

/** User settings for a group: quiet workbench, trust on or off. */
export function groupSettings(group: string): Record<string, unknown> {
  return { ...QUIET_SETTINGS, 'security.workspace.trust.enabled': groupOptions(group).workspaceTrust ?? false };
}

/** A workspace with no infrastructure files, where the extension must stay inactive. */
export function unrelatedWorkspace(dir: string): string {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "name": "unrelated", "version": "1.0.0" }\n');
  writeFileSync(join(dir, 'README.md'), '# Unrelated project\n');
  writeFileSync(join(dir, 'src', 'index.ts'), 'export const x = 1;\n');
  writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx\n');
  writeFileSync(join(dir, 'settings.json'), '{ "a": 1 }\n');
  return dir;
}

/** Environment of the extension host for one group (read by test/extension/suite/helpers.ts). */
export function groupEnvironment(group: string, scratchDir: string, tripwire: AwsTripwire, grep?: string): Record<string, string> {
  return {
    EGRESS_LENS_TEST: '1',
    EGRESS_LENS_TEST_GROUP: group,
    EGRESS_LENS_REPO: repoRoot,
    EGRESS_LENS_TEST_SCRATCH: scratchDir,
    ...(grep ? { EGRESS_LENS_TEST_GREP: grep } : {}),
    ...awsTestEnvironment(tripwire, scratchDir),
  };
}
