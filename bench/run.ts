// `npm run bench`: runs every bench/*.bench.ts in its own process, one after another, and prints
// their figures. Extra arguments (e.g. `--quick`, or a name filter like `flowlogs`) are passed on /
// used to select. Exit code: non-zero if any benchmark failed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('--'));
const names = args.filter((a) => !a.startsWith('--'));
const benches = readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => names.length === 0 || names.some((n) => f.includes(n)))
  .sort();
let failed = 0;
for (const f of benches) {
  console.log(`\n=== ${f} ===`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, f), ...flags], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
  console.log(`=== ${f}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s ===`);
}
if (benches.length === 0) console.log('no bench/*.bench.ts matched');
process.exitCode = failed > 0 ? 1 : 0;
