// The one test command (README, CI): lint, type-check, unit tests, AWS integration tests
// against moto server, and the extension-host suite inside a real VS Code (code-server).
//   node scripts/test.mjs                 everything
//   node scripts/test.mjs --only unit     one stage (lint | typecheck | unit | aws | extension)
//   node scripts/test.mjs --skip extension
// Prints one closing line "N passed, N failed" summing every stage; exits non-zero on any failure.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
const skip = args.includes('--skip') ? args[args.indexOf('--skip') + 1].split(',') : [];
const want = (s) => (!only || only.includes(s)) && !skip.includes(s);

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (/\.test\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** Runs a command with inherited stdio mirrored, returns {code, output}. */
function run(cmd, argv, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let output = '';
    child.stdout.on('data', (d) => { output += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { output += d; process.stderr.write(d); });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const lastNumber = (output, re) => {
  const m = [...output.matchAll(re)];
  return m.length ? Number(m[m.length - 1][1]) : 0;
};

let passed = 0;
let failed = 0;
const results = [];

async function stage(name, cmd, argv, count, opts) {
  if (!want(name)) return;
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  const { code, output } = await run(cmd, argv, opts);
  let p = 0, f = 0;
  if (count === 'node') {
    p = lastNumber(output, /^ℹ pass (\d+)/gm);
    f = lastNumber(output, /^ℹ fail (\d+)/gm);
  } else if (count === 'mocha') {
    p = lastNumber(output, /(\d+) passing/g);
    f = lastNumber(output, /(\d+) failing/g);
  } else {
    p = code === 0 ? 1 : 0;
  }
  if (code !== 0 && f === 0) f = 1;
  passed += p; failed += f;
  results.push(`${name}: ${code === 0 ? 'ok' : 'FAILED'} (${p} passed, ${f} failed, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

const nodeTest = (files) => ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files];

await stage('lint', 'npx', ['eslint', '.'], 'exit');
await stage('typecheck', 'npx', ['tsc', '-p', '.', '--noEmit'], 'exit');
const unit = findTests('test/unit');
if (unit.length) await stage('unit', process.execPath, nodeTest(unit), 'node');
const aws = findTests('test/aws');
if (aws.length) await stage('aws', process.execPath, nodeTest(aws), 'node');
if (existsSync('test/extension/run.ts')) {
  await stage('extension', process.execPath, ['--import', 'tsx', 'test/extension/run.ts'], 'mocha');
}

console.log('\n' + results.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
