// Shared by the `egress-lens scan` CLI tests (HCL and Terraform JSON workspaces).
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/command';

/** Runs `egress-lens scan ARGS` in process, capturing stdout, stderr and the exit code. */
export async function runScan(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: process.cwd(), env: {} };
  const code = await main(['scan', ...args], io);
  return { code, out, err };
}

/** One finding of `scan --format json` (docs/cli.md). */
export interface JsonFinding {
  ruleId: string;
  severity: string;
  file: string;
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
  resource: string;
  references: string[];
  suppressed: boolean;
  suppressionReason?: string;
  message: string;
  title: string;
}

/** The `scan --format json` document, as far as the tests read it. */
export interface ScanJson {
  findings: JsonFinding[];
  files: number;
  resources: number;
  errors: { file: string; message: string }[];
  links: { resource: string; deployedId: string; method: string }[];
}
