// Builds a release bundle and packages the extension as a .vsix with @vscode/vsce.
// Dependencies are bundled by esbuild, so the package carries no node_modules.
import { execFileSync } from 'node:child_process';
import { statSync, readFileSync } from 'node:fs';

execFileSync(process.execPath, ['scripts/build.mjs', '--release'], { stdio: 'inherit' });
const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = `${name}-${version}.vsix`;
execFileSync('npx', ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '-o', out], {
  stdio: 'inherit',
});
const size = statSync(out).size;
console.log(`${out}: ${(size / 1024 / 1024).toFixed(2)} MB (${size} bytes)${size > 4 * 1024 * 1024 ? ' — over the 4 MB aim' : ''}`);
