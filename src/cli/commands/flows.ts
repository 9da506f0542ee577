// `egress-lens flows`: flow-log files → aggregates (core/flowlogs) → labelled, priced flows
// (core/network + core/pricing) → JSON (docs/cli.md), a terminal table, CSV or Markdown.
import { readFile } from 'node:fs/promises';
import { type Command, type CliIO, InputError, UsageError } from '../command';
import { FLOW_REQUIRED_FIELDS, parseFieldsFlag, parseFlags, parseTimeFlag } from '../options';
import { aggregateFiles, type AggregateResult } from '../../core/flowlogs';
import { mergeAggregateResults } from '../../core/flowlogs/merge';
import { aggregateFromCloudWatch, aggregateFromS3, connectionFromFlags, fetchInventoryFromAws } from '../../core/sources/aws';
import { analyzeFlows, type FlowAnalysis } from '../../core/network/analyze';
import { parseAwsIpRanges, type AwsIpRanges } from '../../core/network/aws-ip-ranges';
import { byCostThenBytes, flowToJson, flowsDocument, iso } from '../../core/network/json';
import type { LabelledFlow } from '../../core/network/types';
import { parseCidr } from '../../core/network/ip';
import { type PriceOverrides, parsePriceOverrides } from '../../core/pricing/prices';
import { loadInventoryFiles } from '../../core/sources/inventory-files';
import type { Inventory } from '../../core/model/inventory';
import { resolve } from 'node:path';
import { formatBytes, formatUsd } from '../../core/analysis/editor-format';
import { writeJson } from '../../core/report/json-stream';

const FORMATS = ['json', 'table', 'csv', 'md'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `egress-lens flows [options] <file|dir>...
       egress-lens flows --cloudwatch all|LOG-GROUP [--s3 s3://bucket/prefix/] [--aws-inventory] [options]

Labelled, aggregated, priced flows from VPC flow-log files (plain, .gz, Parquet; directories in
the S3 layout). Each conversation gets its direction by initiator (ingress | egress | internal |
unknown) with the evidence, peer class, path, the security-group rule that allowed it, bytes each
way and its data-transfer cost; totals, a monthly projection and savings hints follow.

Options:
  --inventory PATH       directory (or file) of 'aws ec2 describe-…' JSON: security groups,
                         network interfaces, subnets, VPCs, NAT gateways, endpoints, peering …
  --private-cidr CIDR    a network to treat as private (on-prem, VPN); repeatable
  --prices FILE          price overrides (JSON: flat keys, or {"regions": {"us-east-1": {…}}})
  --region R             region for prices (default: records' region, inventory's, us-east-1)
  --aws-ip-ranges FILE   AWS ip-ranges.json, to recognise AWS services when the logs lack
                         pkt-*-aws-service
  --start T, --end T     time window (ISO 8601 or Unix seconds); with both, the projection
                         uses this window
  --fields a,b,...       field order for files without a header line (default: version 2)
  --format F             table (default) | json | csv | md
  --top N                list only the N most expensive flows (default: 25 for table/md, all
                         for json/csv); totals always cover every flow
  --direction D,...      list only these directions (ingress, egress, internal, unknown)
  -h, --help             this text

AWS sources (credentials from the SDK default chain: environment, ~/.aws, SSO, instance role):
  --cloudwatch GROUP     read flow logs from a CloudWatch Logs group (repeatable); \`all\` reads
                         every flow log DescribeFlowLogs finds, each with its LogFormat
  --s3 URL               read flow-log objects under s3://bucket/prefix/ (S3 layout, window-skipped)
  --aws-inventory        fetch the inventory with the EC2 API instead of --inventory files
  --profile NAME         AWS profile;  --region R  also selects the AWS region
  --endpoint-url URL     endpoint override (LocalStack, moto); AWS_ENDPOINT_URL works too
  --since DURATION       window for AWS reads when --start is not given: 15m, 6h, 2d (default 1h)

JSON (docs/cli.md): {"counts", "skipped", "errors", "window", "flows": [{interfaceId, localAddr,
localPort, peerAddr, peerPort, protocol, direction, directionEvidence, action, bytesOut, bytesIn,
packetsOut, packetsIn, firstSeen, lastSeen, peerClass, path, securityGroupIds, matchedRule,
costUsd, …}], "totals", "projection", "savings", "ruleUsage", "unusedRules", …}.

Exit codes: 0 ok; 2 usage or input error (bad flag, unreadable inventory or price file, no
readable flow-log file, AWS errors such as missing credentials or a missing IAM permission).
`;


export interface FlowsOptions {
  paths: string[];
  inventory?: string;
  privateCidrs: string[];
  prices?: string;
  region?: string;
  awsIpRanges?: string;
  start?: number;
  end?: number;
  fields?: string[];
  format: Format;
  top?: number;
  directions?: string[];
  /** CloudWatch log groups; [] = every flow log DescribeFlowLogs finds; undefined = none. */
  cloudwatch?: string[];
  s3?: string[];
  awsInventory?: boolean;
  profile?: string;
  endpointUrl?: string;
  /** Seconds before now for AWS reads without --start. */
  since: number;
}

function parseDuration(v: string | undefined): number {
  if (v === undefined) return 3600;
  const m = /^(\d+)\s*(s|m|h|d)$/.exec(v.trim());
  if (!m) throw new UsageError(`--since '${v}': use a number and a unit, e.g. 15m, 6h, 2d`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

export function parseFlowsArgs(argv: string[]): FlowsOptions {
  const parsed = parseFlags(argv, {
    inventory: { type: 'string' },
    'private-cidr': { type: 'string', multiple: true },
    prices: { type: 'string' },
    region: { type: 'string' },
    'aws-ip-ranges': { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    fields: { type: 'string' },
    format: { type: 'string' },
    top: { type: 'string' },
    direction: { type: 'string' },
    cloudwatch: { type: 'string', multiple: true },
    s3: { type: 'string', multiple: true },
    'aws-inventory': { type: 'boolean' },
    profile: { type: 'string' },
    'endpoint-url': { type: 'string' },
    since: { type: 'string' },
  });
  const v = parsed.values;
  // `--cloudwatch all` discovers every flow log; otherwise the values are log-group names.
  const cw = { groups: v.cloudwatch ? (v.cloudwatch.includes('all') ? [] : v.cloudwatch) : undefined };
  if (parsed.positionals.length === 0 && !cw.groups && !v.s3?.length) {
    throw new UsageError('give at least one flow-log file or directory (or --cloudwatch / --s3)');
  }
  for (const u of v.s3 ?? []) if (!/^s3:\/\/[^/]+/.test(u)) throw new UsageError(`--s3 '${u}' is not an s3://bucket/prefix/ URL`);
  if (v['aws-inventory'] && v.inventory) throw new UsageError('use either --inventory (files) or --aws-inventory (EC2 API), not both');
  const format = (v.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got '${v.format}')`);
  const privateCidrs = v['private-cidr'] ?? [];
  for (const c of privateCidrs) if (!parseCidr(c) || !c.includes('/')) throw new UsageError(`--private-cidr '${c}' is not a CIDR block (e.g. 192.168.0.0/16)`);
  let top: number | undefined;
  if (v.top !== undefined) {
    top = Number(v.top);
    if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a positive integer (got '${v.top}')`);
  }
  const start = parseTimeFlag('--start', v.start);
  const end = parseTimeFlag('--end', v.end);
  if (start !== undefined && end !== undefined && end <= start) throw new UsageError('--end must be after --start');
  let directions: string[] | undefined;
  if (v.direction) {
    directions = v.direction.split(',').map((d) => d.trim()).filter(Boolean);
    for (const d of directions) if (!['ingress', 'egress', 'internal', 'unknown'].includes(d)) throw new UsageError(`--direction '${d}': use ingress, egress, internal or unknown`);
  }
  const fields = parseFieldsFlag(v.fields, FLOW_REQUIRED_FIELDS);
  if (v.region !== undefined && !/^[a-z]{2}(-gov)?-[a-z]+-\d+$/.test(v.region)) throw new UsageError(`--region '${v.region}' does not look like an AWS region (e.g. us-east-1)`);
  return {
    paths: parsed.positionals,
    inventory: v.inventory,
    privateCidrs,
    prices: v.prices,
    region: v.region,
    awsIpRanges: v['aws-ip-ranges'],
    start,
    end,
    fields,
    format,
    top,
    directions,
    cloudwatch: cw.groups,
    s3: v.s3,
    awsInventory: v['aws-inventory'] ?? false,
    profile: v.profile,
    endpointUrl: v['endpoint-url'],
    since: parseDuration(v.since),
  };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

export interface FlowsRun {
  options: FlowsOptions;
  analysis: FlowAnalysis;
  document: Record<string, unknown>;
  listed: LabelledFlow[];
  warnings: string[];
}

/** Everything but the printing; `report` can reuse it. Throws InputError for unusable input. */
export async function runFlows(o: FlowsOptions, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<FlowsRun> {
  const warnings: string[] = [];
  const abs = (p: string) => resolve(cwd, p);

  let inventory: Inventory | null = null;
  let inventoryInfo: { source: string; files: number; warnings: string[] } | null = null;
  const conn = connectionFromFlags({ profile: o.profile, region: o.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION, endpointUrl: o.endpointUrl }, env);
  if (o.awsInventory) {
    try {
      const r = await fetchInventoryFromAws(conn, {});
      inventory = r.inventory;
      inventoryInfo = { source: r.inventory.source, files: 0, warnings: [] };
    } catch (err) {
      throw new InputError(`inventory from AWS: ${(err as Error).message}`);
    }
  }
  if (o.inventory) {
    const r = await loadInventoryFiles(abs(o.inventory));
    if (r.errors.length) throw new InputError(r.errors.map((e) => `inventory ${e.file}: ${e.message}`).join('\n'));
    if (r.files.length === 0) throw new InputError(`inventory ${o.inventory}: no 'aws ec2 describe-…' JSON found${r.warnings.length ? ` (${r.warnings.join('; ')})` : ''}`);
    inventory = r.inventory;
    inventoryInfo = { source: r.inventory.source, files: r.files.length, warnings: r.warnings };
    warnings.push(...r.warnings.map((w) => `inventory: ${w}`));
  }

  let priceOverrides: PriceOverrides | undefined;
  if (o.prices) {
    const r = parsePriceOverrides(await readText(abs(o.prices), 'price file'), o.prices);
    if (r.problems.length) throw new InputError(r.problems.join('\n'));
    priceOverrides = r.overrides;
  }

  let awsIpRanges: AwsIpRanges | null = null;
  if (o.awsIpRanges) {
    const r = parseAwsIpRanges(await readText(abs(o.awsIpRanges), 'AWS ip-ranges file'), o.awsIpRanges);
    if (!r.ranges) throw new InputError(r.problems.join('\n'));
    warnings.push(...r.problems.slice(0, 5));
    awsIpRanges = r.ranges;
  }

  const window = o.start !== undefined || o.end !== undefined ? { start: o.start, end: o.end } : undefined;
  const results: AggregateResult[] = [];
  if (o.paths.length) {
    const fromFiles = await aggregateFiles(o.paths.map(abs), { fields: o.fields, window });
    // Nothing readable at all (every file missing, binary, not a flow log): an input error.
    if (fromFiles.counts.lines === 0 && fromFiles.errors.length > 0) {
      throw new InputError(fromFiles.errors.map((e) => `${e.file}: ${e.message}`).join('\n'));
    }
    if (fromFiles.files === 0 && fromFiles.filesSkippedByWindow === 0) {
      throw new InputError(`no flow-log files (.log, .txt, .gz, .parquet) found in ${o.paths.join(', ')}`);
    }
    results.push(fromFiles);
  }
  if (o.cloudwatch || o.s3?.length) {
    // AWS reads need a bounded window: --start/--end, or the last --since seconds.
    const end = o.end ?? Math.floor(Date.now() / 1000);
    const start = o.start ?? end - o.since;
    try {
      if (o.cloudwatch) {
        const r = await aggregateFromCloudWatch(conn, {
          logGroupNames: o.cloudwatch.length ? o.cloudwatch : undefined,
          fields: o.fields,
          startTime: start * 1000,
          endTime: end * 1000,
        });
        results.push(r.result);
      }
      for (const url of o.s3 ?? []) results.push(await aggregateFromS3(conn, { url, fields: o.fields, window: { start, end } }));
    } catch (err) {
      throw new InputError(err instanceof Error ? err.message : String(err));
    }
  }
  const agg = mergeAggregateResults(results);

  const analysis = analyzeFlows(agg.aggregates, inventory, {
    privateCidrs: o.privateCidrs,
    region: o.region ?? null,
    priceOverrides,
    awsIpRanges,
    window: o.start !== undefined && o.end !== undefined ? { start: o.start, end: o.end } : undefined,
  });
  warnings.push(...analysis.problems);

  let listed = [...analysis.flows].sort(byCostThenBytes);
  if (o.directions) listed = listed.filter((f) => o.directions!.includes(f.direction));
  const top = o.top ?? (o.format === 'table' || o.format === 'md' ? 25 : undefined);
  if (top !== undefined) listed = listed.slice(0, top);

  const document = flowsDocument({
    counts: agg.counts,
    skipped: agg.skipped,
    errors: agg.errors,
    analysis,
    flows: listed,
    inventory: inventoryInfo,
    extra: { files: agg.files, outsideWindow: agg.outsideWindow, filesSkippedByWindow: agg.filesSkippedByWindow },
  });
  return { options: o, analysis, document, listed, warnings };
}

// ---------- rendering ----------

// Bytes and dollars: the one formatter pair of the core (1024-based GB, as AWS bills), shared
// with `report` and the editor.

const PROTO: Record<number, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmp6' };
const proto = (n: number) => PROTO[n] ?? String(n);
const endpoint = (addr: string, port: number, protocol: number) => (protocol === 6 || protocol === 17 ? (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`) : addr);
const ruleText = (f: LabelledFlow) =>
  f.matchedRule
    ? `${f.matchedRule.groupName ?? f.matchedRule.groupId} ${f.matchedRule.protocol === '-1' ? 'all' : f.matchedRule.protocol}${f.matchedRule.fromPort === -1 ? '' : `/${f.matchedRule.fromPort === f.matchedRule.toPort ? f.matchedRule.fromPort : `${f.matchedRule.fromPort}-${f.matchedRule.toPort}`}`} ${f.matchedRule.source}`
    : f.sgVerdict === 'rejected-no-rule'
      ? 'no rule (rejected)'
      : f.sgVerdict === 'allowed'
        ? ''
        : f.sgVerdict === 'no-inventory' || f.sgVerdict === 'not-applicable' || f.sgVerdict === 'not-evaluated'
          ? '–'
          : f.sgVerdict;

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function table(headers: string[], rows: string[][], right: Set<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

function flowRow(f: LabelledFlow, factor: number): string[] {
  return [
    f.direction,
    f.action === 'REJECT' ? 'REJECT' : 'ok',
    f.interfaceId,
    endpoint(f.localAddr, f.localPort, f.protocol),
    endpoint(f.peerAddr, f.peerPort, f.protocol),
    proto(f.protocol),
    formatBytes(f.bytesOut),
    formatBytes(f.bytesIn),
    f.peerClass + (f.awsService && f.peerClass === 'aws-service' ? `:${f.awsService}` : ''),
    f.path,
    truncate(ruleText(f), 32),
    formatUsd(f.costUsd),
    formatUsd(f.costUsd * factor),
    truncate(f.directionEvidence, 56),
  ];
}

const HEAD = ['DIRECTION', 'ACT', 'INTERFACE', 'LOCAL', 'PEER', 'PROTO', 'OUT', 'IN', 'PEER CLASS', 'PATH', 'SG RULE', 'COST', '/MONTH', 'EVIDENCE'];

function summaryLines(run: FlowsRun, md: boolean): string[] {
  const a = run.analysis;
  const doc = run.document as { counts: { lines: number; parsed: number; skipped: number; nodata: number; skipdata: number }; errors: unknown[] };
  const c = doc.counts;
  const b = md ? '**' : '';
  const out: string[] = [];
  out.push(`${b}Records${b}: ${c.lines} lines, ${c.parsed} parsed, ${c.skipped} skipped, ${c.nodata} NODATA, ${c.skipdata} SKIPDATA; ${doc.errors.length} file error(s).`);
  if (a.totals.flows === 0 && a.window.source === 'records') out.push(`${b}Window${b}: no records.`);
  else out.push(`${b}Window${b}: ${iso(a.window.start)} – ${iso(a.window.end)} (${(a.window.seconds / 3600).toFixed(2)} h, from ${a.window.source}).`);
  out.push(
    `${b}Flows${b}: ${a.totals.flows} conversations (${a.paired} paired), ${formatBytes(a.totals.uniqueBytesOut)} out, ${formatBytes(a.totals.uniqueBytesIn)} in` +
      (a.totals.uniqueBytesOut !== a.totals.bytesOut || a.totals.uniqueBytesIn !== a.totals.bytesIn
        ? ` (plus ${formatBytes(a.totals.bytesOut - a.totals.uniqueBytesOut + a.totals.bytesIn - a.totals.uniqueBytesIn)} of NAT gateway copies counted on the hosts)`
        : '') +
      '. ' +
      `${b}Cost${b}: ${formatUsd(a.totals.costUsd)} in the window, ${formatUsd(a.totals.monthlyCostUsd)}/month projected.`,
  );
  const dirs = (['ingress', 'egress', 'internal', 'unknown'] as const).map((d) => `${d} ${a.totals.byDirection[d].flows} (${formatUsd(a.totals.byDirection[d].monthlyCostUsd)}/mo)`);
  out.push(`${b}By direction${b}: ${dirs.join(', ')}.`);
  out.push(`${b}By peer class${b}: ${a.byClass.map((g) => `${g.key} ${g.flows} (${formatUsd(g.monthlyCostUsd)}/mo)`).join(', ') || 'none'}.`);
  const comp = Object.entries(a.totals.cost)
    .filter(([k, v]) => k !== 'total' && v > 0)
    .map(([k, v]) => `${k} ${formatUsd(v * a.projection.factor)}`);
  if (comp.length) out.push(`${b}Monthly by charge${b}: ${comp.join(', ')}.`);
  if (a.totals.flows > 0 || a.window.source === 'options') out.push(`${b}Projection${b}: ${a.projection.statement}`);
  if (Object.keys(a.prices.unconfirmed).length) out.push(`${b}Unconfirmed prices${b} (override with --prices): ${Object.keys(a.prices.unconfirmed).join(', ')}.`);
  if (a.savings.length) {
    out.push(`${b}Savings${b}:`);
    for (const s of a.savings) out.push(`${md ? '- ' : '  • '}${s.message}`);
  }
  if (a.unusedRules.length) {
    out.push(`${b}Rules that matched nothing${b} in the window (${a.unusedRules.length} of ${a.ruleUsage.length}):`);
    for (const u of a.unusedRules.slice(0, 15)) {
      const r = u.rule;
      out.push(`${md ? '- ' : '  • '}${r.groupId}${r.groupName ? ` (${r.groupName})` : ''} ${r.direction} ${r.protocol === '-1' ? 'all' : r.protocol}${r.fromPort === -1 ? '' : `/${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`}`} ${r.direction === 'ingress' ? 'from' : 'to'} ${r.source}`);
    }
    if (a.unusedRules.length > 15) out.push(`${md ? '- ' : '  '}… ${a.unusedRules.length - 15} more (see --format json)`);
  }
  return out;
}

export function renderTable(run: FlowsRun): string {
  const factor = run.analysis.projection.factor;
  const rows = run.listed.map((f) => flowRow(f, factor));
  const shown = run.listed.length < run.analysis.flows.length ? `${run.listed.length} of ${run.analysis.flows.length} flows, most expensive first` : `${run.listed.length} flows, most expensive first`;
  return [shown, '', table(HEAD, rows, new Set([6, 7, 11, 12])), '', ...summaryLines(run, false), ''].join('\n');
}

export function renderMarkdown(run: FlowsRun): string {
  const factor = run.analysis.projection.factor;
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const rows = run.listed.map((f) => `| ${flowRow(f, factor).map(esc).join(' | ')} |`);
  return [
    '## Flows',
    '',
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map((_, i) => ([6, 7, 11, 12].includes(i) ? '---:' : '---')).join('|')}|`,
    ...rows,
    '',
    ...summaryLines(run, true).map((l) => (l.startsWith('- ') ? l : `${l}\n`)),
    '',
  ].join('\n');
}

const CSV_FIELDS = [
  'interfaceId', 'localAddr', 'localPort', 'peerAddr', 'peerPort', 'protocol', 'direction', 'directionEvidence', 'initiator', 'action',
  'bytesOut', 'bytesIn', 'packetsOut', 'packetsIn', 'firstSeen', 'lastSeen', 'peerClass', 'path', 'awsService', 'securityGroupIds',
  'matchedRule', 'sgVerdict', 'costUsd', 'monthlyCostUsd', 'costNote',
] as const;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? (Array.isArray(v) ? v.join(' ') : (v as { id?: string }).id ?? JSON.stringify(v)) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(run: FlowsRun): string {
  let text = '';
  writeCsv(run, (t) => (text += t));
  return text;
}

/** The CSV in pieces of about 1 MB (millions of flows do not fit one string). */
export function writeCsv(run: FlowsRun, write: (text: string) => void): void {
  const factor = run.analysis.projection.factor;
  let lines = [CSV_FIELDS.join(',')];
  let size = 0;
  for (const f of run.listed) {
    const j = flowToJson(f, factor) as unknown as Record<string, unknown>;
    const line = CSV_FIELDS.map((k) => csvCell(j[k])).join(',');
    lines.push(line);
    size += line.length;
    if (size >= 1 << 20) {
      write(lines.join('\n') + '\n');
      lines = [];
      size = 0;
    }
  }
  if (lines.length) write(lines.join('\n') + '\n');
}

export const flowsCommand: Command = {
  name: 'flows',
  summary: 'labelled, aggregated flows (ingress / egress / internal / unknown), priced',
  help: HELP,
  async run(argv: string[], io: CliIO) {
    const o = parseFlowsArgs(argv);
    const run = await runFlows(o, io.cwd);
    for (const w of run.warnings) io.stderr(`egress-lens flows: warning: ${w}\n`);
    const errors = (run.document as { errors: Array<{ file: string; message: string }> }).errors;
    if (o.format !== 'json') for (const e of errors) io.stderr(`egress-lens flows: ${e.file}: ${e.message}\n`);
    switch (o.format) {
      case 'json':
        // In pieces, flows made one at a time: millions of flows do not fit one string.
        writeJson(run.document, io.stdout);
        io.stdout('\n');
        break;
      case 'csv':
        writeCsv(run, io.stdout);
        break;
      case 'md':
        io.stdout(renderMarkdown(run));
        break;
      default:
        io.stdout(renderTable(run));
    }
    return 0;
  },
};
