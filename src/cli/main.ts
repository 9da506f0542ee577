// Entry point of the `egress-lens` CLI (bundled to dist/cli.js). Dispatch and exit codes only.
import { type CliIO, type Command, EXIT_USAGE, InputError, UsageError } from './command';
import { recordsCommand } from './commands/records';
import { flowsCommand } from './commands/flows';
import { scanCommand } from './commands/scan';
import { reportCommand } from './commands/report';

export const commands: Command[] = [flowsCommand, scanCommand, reportCommand, recordsCommand];

export function topLevelHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'egress-lens — VPC flow logs labelled ingress/egress and priced, security-group findings in IaC',
    '',
    'Usage: egress-lens <command> [options] <paths>...',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `egress-lens <command> --help` for the options of one command.',
    'Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(topLevelHelp());
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version') {
    io.stdout(`${process.env.EGRESS_LENS_VERSION ?? 'dev'}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`egress-lens: unknown command '${name}'\n\n${topLevelHelp()}`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.help.endsWith('\n') ? command.help : command.help + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`egress-lens ${name}: ${err.message}\nRun 'egress-lens ${name} --help' for usage.\n`);
      return EXIT_USAGE;
    }
    if (err instanceof InputError) {
      io.stderr(`egress-lens ${name}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

if (require.main === module) {
  const io: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`egress-lens: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
