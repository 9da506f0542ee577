// Flag values shared by the commands, parsed one way everywhere (errors name the flag).
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command';
import { isKnownField, parseFieldList } from '../core/flowlogs';
import { isStackName } from '../core/sources/aws/cloudformation';

/** node:util parseArgs with positionals allowed; an unknown or malformed flag is a UsageError (exit 2). */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `--start` / `--end`: ISO 8601, or Unix seconds. */
export function parseTimeFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`${flag} '${value}' is not an ISO 8601 time (e.g. 2026-11-20T10:00:00Z) or Unix seconds`);
  return Math.floor(ms / 1000);
}

const FIELD_NAME = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;

/**
 * `--fields a,b,...` (or a LogFormat `${a} ${b}`). Unknown names are allowed — AWS keeps adding
 * fields and they are carried through — but they must look like field names, and `required`
 * fields (what the command cannot work without) must be there.
 */
export function parseFieldsFlag(value: string | undefined, required: readonly string[] = []): string[] | undefined {
  if (value === undefined) return undefined;
  const fields = parseFieldList(value);
  if (fields.length === 0) throw new UsageError('--fields: no field names given');
  const bad = fields.filter((f) => !FIELD_NAME.test(f));
  if (bad.length) throw new UsageError(`--fields: '${bad[0]}' is not a field name (lower-case words joined by '-', e.g. pkt-srcaddr)`);
  const missing = required.filter((r) => !fields.includes(r));
  if (missing.length) throw new UsageError(`--fields lacks ${missing.join(', ')} (needed to label flows)`);
  const unknown = fields.filter((f) => !isKnownField(f));
  if (unknown.length === fields.length) throw new UsageError(`--fields: none of ${fields.join(', ')} is a known flow-log field`);
  return fields;
}

/** What labelling a flow cannot do without. */
export const FLOW_REQUIRED_FIELDS = ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'bytes', 'start', 'end'] as const;


/**
 * `--cfn-stack TEMPLATE=STACK` (repeatable): a template file bound to the stack deployed from it.
 * The last '=' splits, so a template path may contain '='. Paths stay as given (relative to the
 * working directory `cwd`); the same template twice is an error however its path is written
 * (`t.yaml`, `./t.yaml`, absolute: compared resolved against `cwd`), as one template has one stack.
 */
export function parseCfnStackFlags(values: string[] | undefined, cwd: string): { template: string; stack: string }[] {
  const out: { template: string; stack: string }[] = [];
  const seen = new Map<string, string>();
  for (const v of values ?? []) {
    const i = v.lastIndexOf('=');
    const template = i > 0 ? v.slice(0, i).trim() : '';
    const stack = i > 0 ? v.slice(i + 1).trim() : '';
    if (!template || !stack) throw new UsageError(`--cfn-stack: expected TEMPLATE=STACK (e.g. infra/app.yaml=app-prod), got '${v}'`);
    if (!isStackName(stack)) throw new UsageError(`--cfn-stack ${v}: '${stack}' is not a CloudFormation stack name (letters, digits and '-', starting with a letter) or stack ARN`);
    const abs = path.resolve(cwd, template);
    const earlier = seen.get(abs);
    if (earlier !== undefined) throw new UsageError(`--cfn-stack: ${template} is bound to a stack twice${earlier === template ? '' : ` (also as ${earlier})`}`);
    seen.set(abs, template);
    out.push({ template, stack });
  }
  return out;
}
