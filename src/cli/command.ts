// The shape every CLI command has. Commands live one per file in src/cli/commands/ and use only
// the core; main.ts dispatches and turns errors into exit codes (0 ok, 1 findings at or above
// --fail-on, 2 usage or input error).

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  /** One line for the top-level help. */
  summary: string;
  /** Full text printed by `egress-lens <name> --help`. */
  help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Bad flags or arguments: main prints the message and the command's usage, exit 2. */
export class UsageError extends Error {}

/** Unreadable or invalid input (missing file, not a flow log, bad JSON): message naming it, exit 2. */
export class InputError extends Error {}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
