/**
 * The IO edge of the IaC analysis: walks files and directories, reads Terraform (.tf, .tfvars and
 * their JSON forms .tf.json, .tfvars.json),
 * CloudFormation templates (found by content), Terraform state / `terraform show -json` output and
 * `describe-stack-resources` exports, then analyses (analyze.ts) and links (links.ts), with the
 * stacks of templates bound to one (`stackBindings`, read through a callback). Paths in
 * the result are relative to `cwd` when they lie under it. Cancellable with `signal`.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Inventory } from '../model/inventory';
import type { SourceError } from '../model/flows';
import type { RuleOptions } from '../rules';
import { analyzeFiles, detectIacKind, dirOf, type SourceText } from './analyze';
import {
  isStackResourcesJson,
  isTerraformStateJson,
  linkDeployed,
  stackBindingInput,
  stackBindingProblems,
  type DeployLink,
  type StackBinding,
  type StackResource,
  type StackResourcesInput,
  type TerraformStateInput,
} from './links';
import type { Finding, IacModel } from './model';
import { initTerraform, type IacInitOptions } from './terraform/parser';

export interface ScanOptions {
  /** Base for relative paths in the result (default process.cwd()). */
  cwd?: string;
  rules?: RuleOptions;
  /** Link groups to deployed ids using state files / stack exports found beside the code (default true). */
  links?: boolean;
  /** Extra link inputs (e.g. a live inventory, stack resources fetched by the caller). */
  inventory?: Inventory;
  stackResources?: StackResourcesInput[];
  terraformStates?: TerraformStateInput[];
  /** Templates bound to the stacks deployed from them (paths relative to `cwd` or absolute). */
  stackBindings?: StackBinding[];
  /** Reads a stack's resources (the CLI passes the AWS source's fetchStackResources); needed with stackBindings. Its errors propagate. */
  fetchStackResources?: (stackName: string, signal?: AbortSignal) => Promise<StackResource[]>;
  signal?: AbortSignal;
  onProgress?: (p: { files: number; path: string }) => void;
  init?: IacInitOptions;
  /** Files larger than this are skipped with an error (default 10 MB). */
  maxFileBytes?: number;
}

export interface ScanResult {
  findings: Finding[];
  /** IaC files analysed (relative). */
  files: string[];
  /** Resources and module calls seen in those files. */
  resources: number;
  errors: SourceError[];
  links: DeployLink[];
  model: IacModel;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.terraform', 'dist', 'out', '.vscode-test', 'cdk.out', '.venv']);
const CANDIDATE = /\.(tf|tfvars|ya?ml|json|template|tfstate)$/i;
/** Terraform configuration (.tf, .tf.json) and variable files (.tfvars, .tfvars.json). */
const TF_FILE = /\.tf(\.json)?$/i;
const TF_OR_VARS = /\.(tf|tfvars)(\.json)?$/i;

async function walk(p: string, out: string[], signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const st = await fsp.stat(p);
  if (st.isFile()) {
    out.push(p);
    return;
  }
  if (!st.isDirectory()) return;
  const entries = await fsp.readdir(p, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = path.join(p, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(full, out, signal);
    } else if (e.isFile() && CANDIDATE.test(e.name)) out.push(full);
  }
}

export function relativePath(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p).split(path.sep).join('/');
}

/** Scans files and directories for security groups and returns findings, links and errors. */
export async function scanPaths(paths: string[], opts: ScanOptions = {}): Promise<ScanResult> {
  const cwd = opts.cwd ?? process.cwd();
  const errors: SourceError[] = [];
  await initTerraform(opts.init);
  const found: string[] = [];
  const explicitTf = new Set<string>();
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    try {
      const st = await fsp.stat(abs);
      if (st.isFile() && TF_FILE.test(abs)) {
        explicitTf.add(abs);
        // Siblings for variables/locals/tfvars.
        for (const e of await fsp.readdir(path.dirname(abs))) if (TF_OR_VARS.test(e)) found.push(path.join(path.dirname(abs), e));
      }
      await walk(abs, found, opts.signal);
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      errors.push({ file: relativePath(cwd, abs), message: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message });
    }
  }
  const unique = [...new Set(found)];
  const sources: SourceText[] = [];
  /** Files read as CloudFormation templates (relative): the only ones a stack can be bound to. */
  const templates = new Set<string>();
  const states: TerraformStateInput[] = [...(opts.terraformStates ?? [])];
  const stacks: StackResourcesInput[] = [...(opts.stackResources ?? [])];
  const maxBytes = opts.maxFileBytes ?? 10 * 1024 * 1024;
  let n = 0;
  for (const abs of unique) {
    opts.signal?.throwIfAborted();
    const rel = relativePath(cwd, abs);
    let text: string;
    try {
      const st = await fsp.stat(abs);
      if (st.size > maxBytes) {
        if (TF_OR_VARS.test(abs)) errors.push({ file: rel, message: `skipped: ${st.size} bytes is over the ${maxBytes}-byte limit` });
        continue;
      }
      text = await fsp.readFile(abs, 'utf8');
    } catch (err) {
      errors.push({ file: rel, message: (err as Error).message });
      continue;
    }
    opts.onProgress?.({ files: ++n, path: rel });
    if (/\.(tfstate|json)$/i.test(abs) && !TF_OR_VARS.test(abs) && opts.links !== false && /^\s*\{/.test(text)) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (json !== undefined && isTerraformStateJson(json)) {
        states.push({ source: rel, json, dir: dirOf(rel) });
        continue;
      }
      if (json !== undefined && isStackResourcesJson(json)) {
        stacks.push({ source: rel, json });
        continue;
      }
    }
    if (/\.tfstate$/i.test(abs)) continue;
    const kind = detectIacKind(rel, text);
    if (kind) sources.push({ path: rel, text });
    if (kind === 'cloudformation') templates.add(rel);
  }
  const result = analyzeFiles(sources, opts.rules ? { rules: opts.rules } : {});
  // A .tf named explicitly: report its findings only (siblings were read for resolution).
  const explicitRel = new Set([...explicitTf].map((a) => relativePath(cwd, a)));
  const dirsRequested = paths.some((p) => !TF_FILE.test(p));
  const keep = (file: string): boolean => dirsRequested || !explicitRel.size || explicitRel.has(file) || !TF_OR_VARS.test(file);
  const findings = result.findings.filter((f) => keep(f.file));
  for (const p of result.problems) if (p.severity === 'error') errors.push({ file: p.file, message: p.range ? `line ${p.range.start.line + 1}: ${p.message}` : p.message });
  if (opts.links !== false && opts.stackBindings?.length) {
    if (!opts.fetchStackResources) throw new Error('scanPaths: stackBindings given without fetchStackResources');
    const fetched = new Map<string, Promise<StackResource[]>>();
    const analysed = new Set(result.model.files);
    for (const b of opts.stackBindings) {
      const binding = { template: relativePath(cwd, path.resolve(cwd, b.template)), stack: b.stack };
      if (!analysed.has(binding.template)) {
        errors.push({ file: binding.template, message: `stack ${b.stack} is configured for this file, but it is not a CloudFormation template among the scanned files` });
        continue;
      }
      if (!templates.has(binding.template)) {
        // Terraform (.tf, .tfvars and their JSON forms): nothing of a stack can link to it, so no AWS call.
        errors.push({ file: binding.template, message: `stack ${b.stack} is configured for this file, but it is not a CloudFormation template (it is read as Terraform)` });
        continue;
      }
      if (!fetched.has(b.stack)) fetched.set(b.stack, opts.fetchStackResources(b.stack, opts.signal));
      const resources = await fetched.get(b.stack)!;
      stacks.push(stackBindingInput(binding, resources));
      errors.push(...stackBindingProblems(result.model.groups, binding, resources));
    }
  }
  const links = opts.links === false ? [] : linkDeployed(result.model.groups, { terraformStates: states, stackResources: stacks, ...(opts.inventory ? { inventory: opts.inventory } : {}) });
  const files = result.model.files.filter((f) => keep(f));
  return { findings, files, resources: result.model.resourceCount, errors, links, model: result.model };
}
