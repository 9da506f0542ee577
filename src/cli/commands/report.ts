// `egress-lens report <workspace>`: exposure findings and labelled, priced flows together.
// The workspace is searched for infrastructure files; `inventory/` and `flowlogs/` folders in it
// (or --inventory / --flowlogs) supply the deployed view and the traffic.
import { appendFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeJson } from '../../core/report/json-stream';
import { EXIT_FINDINGS, EXIT_OK, InputError, UsageError, type Command } from '../command';
import { parseCfnStackFlags, parseFlags } from '../options';
import { atLeast, isSeverity, scanPaths, type ScanResult, type StackBinding } from '../../core/iac';
import type { Severity } from '../../core/model/flows';
import { loadInventoryFiles } from '../../core/sources/inventory-files';
import { toEditorAnalysis } from '../../core/analysis/editor-analysis';
import type { EditorAnalysis } from '../../core/analysis/editor-model';
import { findingsByFile, rulesById } from '../../core/analysis/editor-findings';
import {
  buildCostReport,
  buildExposureReport,
  buildUnusedRulesReport,
  reportToMarkdown,
  type ReportModel,
} from '../../core/analysis/editor-report';
import { reportsToHtml } from '../../core/report/html';
import { parseFlowsArgs, runFlows, type FlowsRun } from './flows';
import { scanJson, stackOptions } from './scan';

const FORMATS = ['md', 'html', 'json'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `egress-lens report [options] <workspace>

Exposure (security-group findings in Terraform/CloudFormation) and data-transfer cost (flow logs
labelled ingress/egress and priced) for one workspace, in one report.

Looks in the workspace for: infrastructure files (any depth), an inventory/ folder with
\`aws ec2 describe-…\` JSON, a flowlogs/ folder (S3 layout, .log/.log.gz/.parquet), and
terraform.tfstate for code → deployed links.

Options:
  --format F        md (default, for the terminal) | html | json
  --out FILE        write the report to FILE instead of standard output
  --inventory DIR   inventory folder (default: <workspace>/inventory when present)
  --flowlogs DIR    flow-log folder or file (default: <workspace>/flowlogs when present)
  --prices FILE     price overrides (see \`egress-lens flows --help\`)
  --region R        region for prices when records and inventory don't say
  --private-cidr C  extra private network (repeatable)
  --start ISO       window start;  --end ISO  window end
  --fail-on SEV     exit 1 when a finding is at or above SEV (critical|high|medium|low|info)
  --cfn-stack T=STACK  link template T's security groups to its deployed stack
                    (cloudformation:ListStackResources); repeatable. With --profile NAME,
                    --endpoint-url URL; --region R also selects the AWS region
  -h, --help        this text

Example: egress-lens report samples/demo --format html --out report.html
Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error.
`;

interface ReportOptions {
  workspace: string;
  format: Format;
  out?: string;
  inventory?: string;
  flowlogs?: string;
  failOn?: Severity;
  flowArgs: string[];
  stacks: StackBinding[];
  aws: { profile?: string; region?: string; endpointUrl?: string };
}

function parse(argv: string[], cwd: string): ReportOptions {
  const parsed = parseFlags(argv, {
    format: { type: 'string' },
    out: { type: 'string' },
    inventory: { type: 'string' },
    flowlogs: { type: 'string' },
    prices: { type: 'string' },
    region: { type: 'string' },
    'private-cidr': { type: 'string', multiple: true },
    start: { type: 'string' },
    end: { type: 'string' },
    'fail-on': { type: 'string' },
    'cfn-stack': { type: 'string', multiple: true },
    profile: { type: 'string' },
    'endpoint-url': { type: 'string' },
  });
  const v = parsed.values;
  if (parsed.positionals.length !== 1) throw new UsageError('give exactly one workspace folder');
  const format = (v.format ?? 'md') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got '${v.format}')`);
  if (v['fail-on'] !== undefined && !isSeverity(v['fail-on'])) throw new UsageError(`--fail-on must be one of critical, high, medium, low, info (got '${v['fail-on']}')`);
  const flowArgs: string[] = [];
  for (const k of ['prices', 'region', 'start', 'end'] as const) if (v[k] !== undefined) flowArgs.push(`--${k}`, v[k]!);
  for (const c of v['private-cidr'] ?? []) flowArgs.push('--private-cidr', c);
  return {
    workspace: parsed.positionals[0],
    format,
    out: v.out,
    inventory: v.inventory,
    flowlogs: v.flowlogs,
    failOn: v['fail-on'] as Severity | undefined,
    flowArgs,
    stacks: parseCfnStackFlags(v['cfn-stack'], cwd),
    aws: { profile: v.profile, region: v.region, endpointUrl: v['endpoint-url'] },
  };
}

export interface ReportRun {
  scan: ScanResult;
  flows: FlowsRun | null;
  analysis: EditorAnalysis | undefined;
  reports: ReportModel[];
  intro: string[];
}

export async function runReport(o: ReportOptions, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<ReportRun> {
  const ws = path.resolve(cwd, o.workspace);
  if (!existsSync(ws) || !statSync(ws).isDirectory()) throw new InputError(`workspace ${o.workspace}: not a folder`);
  const inventoryDir = o.inventory ?? (existsSync(path.join(ws, 'inventory')) ? path.join(ws, 'inventory') : undefined);
  const flowDir = o.flowlogs ?? (existsSync(path.join(ws, 'flowlogs')) ? path.join(ws, 'flowlogs') : undefined);

  const inventory = inventoryDir ? (await loadInventoryFiles(path.resolve(cwd, inventoryDir))).inventory : undefined;
  const scan = await scanPaths([ws], { cwd, inventory, ...stackOptions(o.stacks, o.aws, { cwd, env }) });

  let flows: FlowsRun | null = null;
  if (flowDir) {
    const args = [...o.flowArgs, '--format', 'json', ...(inventoryDir ? ['--inventory', inventoryDir] : []), flowDir];
    flows = await runFlows(parseFlowsArgs(args), cwd);
  }
  const analysis = flows ? toEditorAnalysis(flows.analysis, inventory) : undefined;
  const reports = [buildExposureReport(findingsByFile(scan.findings, scan.links, (file) => path.resolve(cwd, file), rulesById(scan.model)), analysis), buildCostReport(analysis), buildUnusedRulesReport(analysis)];

  const rel = (p: string) => path.relative(cwd, path.resolve(cwd, p)) || '.';
  const intro = [
    `Workspace ${rel(ws)}: ${scan.files.length} infrastructure files, ${scan.resources} resources, ${scan.findings.length} findings` +
      (scan.errors.length ? `, ${scan.errors.length} files with errors` : '') + '.',
    inventory ? `Inventory ${rel(inventoryDir!)}: ${inventory.securityGroups.length} security groups, ${inventory.networkInterfaces.length} network interfaces.` : 'No inventory folder: flows are labelled from addresses alone.',
  ];
  if (flows) {
    const c = flows.document.counts as { lines: number; parsed: number; skipped: number; nodata: number; skipdata: number };
    intro.push(
      `Flow logs ${rel(flowDir!)}: ${c.lines} lines = ${c.parsed} parsed + ${c.skipped} skipped + ${c.nodata} NODATA + ${c.skipdata} SKIPDATA.` +
        (c.skipped ? ' Skipped lines are listed by `egress-lens flows --format json`.' : ''),
    );
  } else {
    intro.push('No flow logs (no flowlogs/ folder and no --flowlogs): cost sections are empty.');
  }
  return { scan, flows, analysis, reports, intro };
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'exposure findings and egress cost of a workspace, as Markdown or HTML',
  help: HELP,
  async run(argv, io) {
    const o = parse(argv, io.cwd);
    const run = await runReport(o, io.cwd, io.env);
    const title = `Egress Lens report — ${path.basename(path.resolve(io.cwd, o.workspace))}`;
    let text: string;
    if (o.format === 'json') {
      // Written in pieces: the flows document can be larger than one string may be.
      const doc = { scan: scanJson(run.scan), flows: run.flows?.document ?? null };
      if (o.out) {
        const file = path.resolve(io.cwd, o.out);
        writeFileSync(file, '');
        writeJson(doc, (t) => appendFileSync(file, t));
        appendFileSync(file, '\n');
        io.stderr(`wrote ${o.out}\n`);
      } else {
        writeJson(doc, io.stdout);
        io.stdout('\n');
      }
      for (const e of run.scan.errors) io.stderr(`warning: ${e.file}: ${e.message}\n`);
      const failingJson = o.failOn ? run.scan.findings.filter((f) => !f.suppressed && atLeast(f.severity, o.failOn!)) : [];
      return failingJson.length ? EXIT_FINDINGS : EXIT_OK;
    } else if (o.format === 'html') {
      text = reportsToHtml(title, run.intro, run.reports);
    } else {
      text = [`# ${title}`, '', ...run.intro.map((l) => `${l}  `), '', ...run.reports.map((r) => reportToMarkdown(r).replace(/^# /, '## ').replace(/\n## /g, '\n### '))].join('\n');
    }
    if (o.out) {
      await writeFile(path.resolve(io.cwd, o.out), text);
      io.stderr(`wrote ${o.out}\n`);
    } else {
      io.stdout(text);
    }
    for (const e of run.scan.errors) io.stderr(`warning: ${e.file}: ${e.message}\n`);
    const failing = o.failOn ? run.scan.findings.filter((f) => !f.suppressed && atLeast(f.severity, o.failOn!)) : [];
    return failing.length ? EXIT_FINDINGS : EXIT_OK;
  },
};
