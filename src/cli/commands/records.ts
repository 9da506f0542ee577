// `egress-lens records`: every flow-log record as one JSON object per line (contract: docs/cli.md).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { EXIT_OK, EXIT_USAGE, InputError, UsageError, type Command } from '../command';
import { readRecords, type RecordsSummary, type TimeWindow } from '../../core/flowlogs';
import { parseFieldsFlag, parseFlags, parseTimeFlag } from '../options';

const HELP = `egress-lens records [options] <file|dir>...

Prints every VPC flow-log record as one JSON object per line (JSON Lines). Reads plain text,
.gz and Parquet files; directories are walked recursively, including the S3 delivery layouts
(AWSLogs/{account}/vpcflowlogs/{region}/{yyyy}/{mm}/{dd}/ and the Hive-compatible form).

Each object's keys are the AWS field names exactly (version, account-id, interface-id, srcaddr,
dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log-status, ... and any
unknown field as written); numbers are JSON numbers (start/end in Unix seconds, milliseconds
converted), "-" is null; "_file" and "_line" say where the record came from. NODATA and SKIPDATA
records are printed too. The last line is a summary:
  {"_summary": true, "counts": {"lines", "parsed", "skipped", "nodata", "skipdata"},
   "skipped": [{"file", "line", "reason", "text"}], "errors": [{"file", "message"}], ...}
where parsed + skipped + nodata + skipdata = lines.

Options:
  --format jsonl       output format (jsonl is the only one)
  --fields LIST        field order for files without a header line, comma- or space-separated,
                       or a LogFormat string ('\${version} \${srcaddr} ...'); default: version 2
  --start ISO          only records that end at or after this time (ISO 8601 or Unix seconds)
  --end ISO            only records that start at or before this time; files whose S3 path
                       time is outside the window are not opened
  --max-skipped N      unparsable lines listed in the summary (all are counted; default 100)
  -h, --help           this text

Exit codes: 0 ok; 2 usage error, a path that cannot be read, or a file that is not a flow log
(the records of the other files are still printed).
`;


export const recordsCommand: Command = {
  name: 'records',
  summary: 'every flow-log record as JSON Lines (AWS field names), then the counts',
  help: HELP,
  async run(argv, io) {
    const parsed = parseFlags(argv, {
      format: { type: 'string', default: 'jsonl' },
      fields: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      'max-skipped': { type: 'string' },
    });
    const { values, positionals } = parsed;
    if (values.format !== 'jsonl') throw new UsageError(`--format: '${values.format}' is not supported (use jsonl)`);
    if (positionals.length === 0) throw new UsageError('give at least one flow-log file or directory');
    const fields = parseFieldsFlag(values.fields);
    const window: TimeWindow = { start: parseTimeFlag('--start', values.start), end: parseTimeFlag('--end', values.end) };
    if (window.start !== undefined && window.end !== undefined && window.start > window.end) {
      throw new UsageError('--start is after --end');
    }
    let maxSkippedKept: number | undefined;
    if (values['max-skipped'] !== undefined) {
      if (!/^\d+$/.test(values['max-skipped'])) throw new UsageError('--max-skipped: expected a whole number');
      maxSkippedKept = Number(values['max-skipped']);
    }
    const paths = positionals.map((p) => path.resolve(io.cwd, p));
    const missing = positionals.filter((_, i) => !existsSync(paths[i]));
    if (missing.length > 0) throw new InputError(`cannot read ${missing.map((m) => `'${m}'`).join(', ')}: no such file or directory`);

    const rel = (p: string) => {
      const r = path.relative(io.cwd, p);
      return r.startsWith('..') || path.isAbsolute(r) ? p : r;
    };
    let out = '';
    let summary: RecordsSummary | null = null;
    for await (const item of readRecords(paths, { fields, window, maxSkippedKept })) {
      if ('_summary' in item) {
        summary = item as RecordsSummary;
        break;
      }
      const rec = item as Record<string, unknown>;
      rec._file = rel(String(rec._file));
      out += JSON.stringify(rec) + '\n';
      if (out.length > 1 << 16) {
        io.stdout(out);
        out = '';
      }
    }
    if (!summary) throw new Error('records: no summary');
    summary.skipped = summary.skipped.map((s) => ({ ...s, file: rel(s.file) }));
    summary.errors = summary.errors.map((e) => ({ ...e, file: rel(e.file) }));
    io.stdout(out + JSON.stringify(summary) + '\n');
    const c = summary.counts;
    io.stderr(
      `egress-lens records: ${c.lines} lines: ${c.parsed} parsed + ${c.skipped} skipped + ${c.nodata} NODATA + ${c.skipdata} SKIPDATA` +
        ` (${summary.files} files${summary.filesSkippedByWindow ? `, ${summary.filesSkippedByWindow} outside the window not opened` : ''})\n`,
    );
    if (c.skipdata > 0) io.stderr(`egress-lens records: warning: ${c.skipdata} SKIPDATA records — AWS dropped flow records upstream\n`);
    for (const e of summary.errors) io.stderr(`egress-lens records: ${e.file}: ${e.message}\n`);
    return summary.errors.length > 0 ? EXIT_USAGE : EXIT_OK;
  },
};
