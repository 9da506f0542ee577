// `egress-lens scan`: security-group findings in Terraform and CloudFormation (contract: docs/cli.md).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { EXIT_FINDINGS, EXIT_OK, InputError, UsageError, type Command } from '../command';
import { parseCfnStackFlags, parseFlags } from '../options';
import { atLeast, isSeverity, rules, scanPaths, toSarif, type Finding, type ScanOptions, type ScanResult, type StackBinding } from '../../core/iac';
import type { RuleOptions } from '../../core/rules';
import type { Severity } from '../../core/model/flows';
import { loadInventoryFiles } from '../../core/sources/inventory-files';
import { connectionFromFlags, fetchStackResources } from '../../core/sources/aws';

const FORMATS = ['json', 'table', 'csv', 'sarif', 'md'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `egress-lens scan [options] <file|dir>...

Security-group findings in Terraform (.tf, .tfvars, their JSON forms .tf.json and .tfvars.json,
terraform-aws-modules/security-group) and
CloudFormation templates (YAML or JSON, recognised by content). Directories are searched
recursively (node_modules, .terraform and dot-folders skipped). terraform.tfstate,
\`terraform show -json\` output and \`aws cloudformation describe-stack-resources\` exports found
there link groups to their deployed sg-… ids.

Options:
  --format F           json | table | csv | sarif | md (default: table)
  --fail-on SEV        exit 1 when an unsuppressed finding is at or above SEV
                       (critical | high | medium | low | info)
  --disable IDS        rules to skip, e.g. --disable EL006,EL007
  --enable IDS         run only these rules
  --severity ID=SEV,…  override severities, e.g. --severity EL004=medium,EL007=info
  --hide-suppressed    leave suppressed findings out of the output
  --region R           region whose prices EL009 quotes (default us-east-1)
  --inventory PATH     \`aws ec2 describe-security-groups\` output (file or folder): link groups
                       that state files do not cover by name + VPC + tags
  --no-links           do not read state files / stack exports for deployed ids
  -h, --help           this text

CloudFormation stacks (AWS credentials from the SDK default chain: environment, ~/.aws, SSO, role):
  --cfn-stack T=STACK  link the security groups of template T to the stack deployed from it:
                       each AWS::EC2::SecurityGroup logical id → the stack's sg-… id
                       (cloudformation:ListStackResources); repeatable, one per template
  --profile NAME       AWS profile;  --region R  also selects the AWS region
  --endpoint-url URL   endpoint override (LocalStack, moto); AWS_ENDPOINT_URL works too

Suppress a finding in code with a reason:
  Terraform        # egress-lens:ignore EL001 bastion is reachable only through the VPN
  CloudFormation   Metadata: { egress-lens: { ignore: [{ id: EL001, reason: "…" }] } }

Rules: ${rules.map((r) => `${r.id} ${r.title} (${r.severity})`).join('\n       ')}
Docs: docs/rules/<id>.md

Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error.
`;

function ids(list: string | undefined, flag: string): string[] {
  if (!list) return [];
  const out = list.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const id of out) if (!rules.some((r) => r.id === id)) throw new UsageError(`${flag}: unknown rule '${id}' (known: ${rules.map((r) => r.id).join(', ')})`);
  return out;
}

function severities(list: string | undefined): Record<string, Severity> {
  const out: Record<string, Severity> = {};
  if (!list) return out;
  for (const part of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+\d+)\s*=\s*([a-z]+)$/.exec(part);
    if (!m) throw new UsageError(`--severity: expected ID=SEVERITY, got '${part}'`);
    const id = m[1].toUpperCase();
    if (!rules.some((r) => r.id === id)) throw new UsageError(`--severity: unknown rule '${id}'`);
    if (!isSeverity(m[2])) throw new UsageError(`--severity: '${m[2]}' is not one of critical, high, medium, low, info`);
    out[id] = m[2];
  }
  return out;
}

/** 1-based range for the JSON/CSV/SARIF outputs (the core is 0-based). */
function oneBased(f: Finding): { start: { line: number; column: number }; end: { line: number; column: number } } {
  return { start: { line: f.range.start.line + 1, column: f.range.start.column + 1 }, end: { line: f.range.end.line + 1, column: f.range.end.column + 1 } };
}

export function scanJson(result: ScanResult): unknown {
  return {
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      title: f.title,
      message: f.message,
      file: f.file,
      range: oneBased(f),
      resource: f.resource,
      references: f.references,
      suppressed: f.suppressed,
      ...(f.suppressed ? { suppressionReason: f.suppressionReason ?? '' } : {}),
      docs: f.docs,
    })),
    files: result.files.length,
    resources: result.resources,
    errors: result.errors,
    links: result.links.map((l) => ({ resource: l.address, file: result.model.groups.find((g) => g.id === l.groupId)?.file ?? null, deployedId: l.deployedId, method: l.method, source: l.source, ...(l.detail ? { detail: l.detail } : {}) })),
  };
}

function csvCell(v: string | number | boolean): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function scanCsv(result: ScanResult): string {
  const head = ['ruleId', 'severity', 'file', 'line', 'column', 'endLine', 'endColumn', 'resource', 'title', 'message', 'references', 'suppressed', 'suppressionReason'];
  const rows = result.findings.map((f) => {
    const r = oneBased(f);
    return [f.ruleId, f.severity, f.file, r.start.line, r.start.column, r.end.line, r.end.column, f.resource, f.title, f.message, f.references.join(' '), f.suppressed, f.suppressionReason ?? ''].map(csvCell).join(',');
  });
  return [head.join(','), ...rows].join('\n') + '\n';
}

function summary(result: ScanResult): string {
  const active = result.findings.filter((f) => !f.suppressed);
  const counts = (['critical', 'high', 'medium', 'low', 'info'] as Severity[]).map((s) => [s, active.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const sup = result.findings.length - active.length;
  return `${active.length} finding${active.length === 1 ? '' : 's'}${counts.length ? ` (${counts.map(([s, n]) => `${n} ${s}`).join(', ')})` : ''}${sup ? `, ${sup} suppressed` : ''} in ${result.files.length} file${result.files.length === 1 ? '' : 's'}, ${result.resources} resources`;
}

export function scanTable(result: ScanResult): string {
  const rows = result.findings.map((f) => [f.suppressed ? `(${f.severity})` : f.severity.toUpperCase(), f.ruleId, `${f.file}:${f.range.start.line + 1}:${f.range.start.column + 1}`, f.resource, f.suppressed ? `${f.message} [suppressed: ${f.suppressionReason}]` : f.message]);
  const head = ['SEVERITY', 'RULE', 'LOCATION', 'RESOURCE', 'MESSAGE'];
  const widths = head.slice(0, 4).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.slice(0, 4).map((c, i) => c.padEnd(widths[i])).join('  ') + '  ' + r[4];
  const out = rows.length ? [line(head), ...rows.map(line)] : ['No findings.'];
  out.push('', summary(result));
  if (result.links.length) out.push(`Linked to deployed groups: ${result.links.map((l) => `${l.address} → ${l.deployedId} (${l.method})`).join(', ')}`);
  for (const e of result.errors) out.push(`error: ${e.file}: ${e.message}`);
  return out.join('\n') + '\n';
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function scanMarkdown(result: ScanResult): string {
  const out = ['# Egress Lens — security-group findings', '', summary(result) + '.', ''];
  if (result.findings.length) {
    out.push('| Severity | Rule | Location | Resource | Finding |', '|---|---|---|---|---|');
    for (const f of result.findings) {
      out.push(`| ${f.suppressed ? `~~${f.severity}~~` : f.severity} | [${f.ruleId}](${f.docs}) | \`${f.file}:${f.range.start.line + 1}\` | \`${f.resource}\` | ${mdCell(f.message)}${f.suppressed ? ` _(suppressed: ${mdCell(f.suppressionReason ?? '')})_` : ''} |`);
    }
    out.push('');
  }
  if (result.links.length) {
    out.push('## Deployed groups', '', '| Resource | Deployed id | Matched by |', '|---|---|---|');
    for (const l of result.links) out.push(`| \`${l.address}\` | \`${l.deployedId}\` | ${l.method}${l.detail ? ` (${mdCell(l.detail)})` : ''} |`);
    out.push('');
  }
  if (result.errors.length) {
    out.push('## Errors', '');
    for (const e of result.errors) out.push(`- \`${e.file}\`: ${mdCell(e.message)}`);
    out.push('');
  }
  return out.join('\n');
}

/**
 * The scan options of `--cfn-stack` bindings: templates must exist; stacks are read with the
 * flags' AWS connection, and an AWS failure (missing stack, missing IAM permission, no
 * credentials) is an input error naming the stack and the IAM action. `report` uses it too.
 */
export function stackOptions(
  bindings: StackBinding[],
  flags: { profile?: string; region?: string; endpointUrl?: string },
  io: { cwd: string; env: NodeJS.ProcessEnv },
): Pick<ScanOptions, 'stackBindings' | 'fetchStackResources'> {
  if (!bindings.length) return {};
  for (const b of bindings) if (!existsSync(path.resolve(io.cwd, b.template))) throw new InputError(`--cfn-stack ${b.template}=${b.stack}: ${b.template}: no such file`);
  const conn = connectionFromFlags(flags, io.env);
  return {
    stackBindings: bindings,
    fetchStackResources: async (stackName, signal) => {
      try {
        return await fetchStackResources(conn, { stackName, ...(signal ? { signal } : {}) });
      } catch (err) {
        throw new InputError(`--cfn-stack: ${(err as Error).message}`);
      }
    },
  };
}

export const scanCommand: Command = {
  name: 'scan',
  summary: 'security-group findings in Terraform and CloudFormation',
  help: HELP,
  async run(argv, io) {
    const parsed = parseFlags(argv, {
      format: { type: 'string', default: 'table' },
      'fail-on': { type: 'string' },
      disable: { type: 'string' },
      enable: { type: 'string' },
      severity: { type: 'string' },
      'hide-suppressed': { type: 'boolean', default: false },
      'no-links': { type: 'boolean', default: false },
      region: { type: 'string' },
      inventory: { type: 'string' },
      'cfn-stack': { type: 'string', multiple: true },
      profile: { type: 'string' },
      'endpoint-url': { type: 'string' },
    });
    const v = parsed.values;
    const format = v.format as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const failOn = v['fail-on'];
    if (failOn !== undefined && !isSeverity(failOn)) throw new UsageError(`--fail-on must be one of critical, high, medium, low, info (got '${failOn}')`);
    if (!parsed.positionals.length) throw new UsageError('give at least one file or directory to scan');
    for (const p of parsed.positionals) if (!existsSync(path.resolve(io.cwd, p))) throw new InputError(`${p}: no such file or directory`);
    const ruleOptions: RuleOptions = { disabled: ids(v.disable, '--disable'), enabled: ids(v.enable, '--enable'), severity: severities(v.severity), ...(v.region ? { region: v.region } : {}) };
    let inventory;
    if (v.inventory) {
      const loaded = await loadInventoryFiles(path.resolve(io.cwd, v.inventory));
      if (loaded.errors.length && !loaded.files.length) throw new InputError(`--inventory: ${loaded.errors.map((e) => `${e.file}: ${e.message}`).join('; ')}`);
      inventory = loaded.inventory;
    }
    const stacks = stackOptions(parseCfnStackFlags(v['cfn-stack'], io.cwd), { profile: v.profile, region: v.region, endpointUrl: v['endpoint-url'] }, io);
    if (stacks.stackBindings && v['no-links']) throw new UsageError('--cfn-stack links groups to deployed ids; it cannot go with --no-links');
    const result = await scanPaths(parsed.positionals, { cwd: io.cwd, rules: ruleOptions, links: !v['no-links'], ...(inventory ? { inventory } : {}), ...stacks });
    if (v['hide-suppressed']) result.findings = result.findings.filter((f) => !f.suppressed);
    if (!result.files.length) io.stderr(`egress-lens scan: no Terraform or CloudFormation files found in ${parsed.positionals.join(', ')}\n`);
    switch (format) {
      case 'json':
        io.stdout(JSON.stringify(scanJson(result), null, 2) + '\n');
        break;
      case 'csv':
        io.stdout(scanCsv(result));
        break;
      case 'sarif':
        io.stdout(JSON.stringify(toSarif(result.findings, rules, { ...(io.env.EGRESS_LENS_VERSION ? { toolVersion: io.env.EGRESS_LENS_VERSION } : {}) }), null, 2) + '\n');
        break;
      case 'md':
        io.stdout(scanMarkdown(result));
        break;
      default:
        io.stdout(scanTable(result));
    }
    if (format !== 'table' && result.errors.length) for (const e of result.errors) io.stderr(`egress-lens scan: ${e.file}: ${e.message}\n`);
    if (failOn && result.findings.some((f) => !f.suppressed && atLeast(f.severity, failOn as Severity))) return EXIT_FINDINGS;
    return EXIT_OK;
  },
};
