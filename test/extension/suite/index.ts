// The extensionTestsPath module: the extension host calls run() after the workbench has started
// with the extension under development. It runs mocha over one group of bundled suites
// (out/extension-tests/<group>/*.test.js) chosen by EGRESS_LENS_TEST_GROUP (default "suite").
// Mocha's spec output goes to console.log, which the workbench forwards to the runner's stdout.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RESULT_MARKER, START_MARKER, type GroupResult } from '../harness/markers';

// mocha 12's package entry is ESM; its CommonJS build is the one to require in the extension host.
const Mocha = require('mocha/lib/mocha.cjs') as typeof import('mocha');

export function run(): Promise<void> {
  const group = process.env.EGRESS_LENS_TEST_GROUP ?? 'suite';
  const dir = join(__dirname, '..', group);
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.EGRESS_LENS_TEST_TIMEOUT ?? 20_000),
    grep: process.env.EGRESS_LENS_TEST_GREP ? new RegExp(process.env.EGRESS_LENS_TEST_GREP) : undefined, // a regular expression
  });
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.test.js')) mocha.addFile(join(dir, f));

  return new Promise((resolve, reject) => {
    console.log(`${START_MARKER} ${group}`);
    try {
      const runner = mocha.run((failures) => {
        const s = runner.stats;
        const result: GroupResult = { group, passes: s?.passes ?? 0, failures, pending: s?.pending ?? 0 };
        console.log(`${RESULT_MARKER} ${JSON.stringify(result)}`);
        if (failures > 0) reject(new Error(`${failures} extension test(s) failed`));
        else resolve();
      });
    } catch (e) {
      console.error(e);
      reject(e);
    }
  });
}
