// Bundles the extension, the CLI and their worker threads with esbuild, and copies the tree-sitter
// grammars beside them.
//   node scripts/build.mjs            development build (source maps, not minified)
//   node scripts/build.mjs --release  minified, for `npm run package`
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, chmodSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const release = process.argv.includes('--release');
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const out = join(root, 'dist');
mkdirSync(join(out, 'wasm'), { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: release,
  logLevel: 'warning',
  absWorkingDir: root,
  // jsonc-parser's UMD main hides its requires from the bundler: take its ES module build.
  // ES-module dependencies (web-tree-sitter, hyparquet) read import.meta.url, which a CommonJS
  // bundle lacks: give them this file's URL.
  define: { 'import.meta.url': '__egressLensImportMetaUrl' },
  banner: { js: "const __egressLensImportMetaUrl = require('url').pathToFileURL(__filename).href;" },
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: "#!/usr/bin/env node\nconst __egressLensImportMetaUrl = require('url').pathToFileURL(__filename).href;" },
  }),
  ...(existsSync(join(root, 'src/core/flowlogs/worker.ts'))
    ? [esbuild.build({ ...common, entryPoints: ['src/core/flowlogs/worker.ts'], outfile: 'dist/flowlog-worker.js' })]
    : []),
  // The editor's analysis worker (src/core/analysis/analysis-host.ts starts it). It holds the flow
  // engine too, whose own workers it finds beside itself: dist/flowlog-worker.js.
  esbuild.build({ ...common, entryPoints: ['src/core/analysis/analysis-worker.ts'], outfile: 'dist/analysis-worker.js' }),
]);
chmodSync(join(out, 'cli.js'), 0o755);

// Grammars: web-tree-sitter's runtime and the Terraform/HCL grammars ship as .wasm files.
const wasm = [
  require.resolve('web-tree-sitter/tree-sitter.wasm'),
  join(dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json')), 'tree-sitter-terraform.wasm'),
  join(dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json')), 'tree-sitter-hcl.wasm'),
];
for (const f of wasm) cpSync(f, join(out, 'wasm', f.split('/').pop()));
console.log(`built dist/ (${release ? 'release' : 'dev'})`);
