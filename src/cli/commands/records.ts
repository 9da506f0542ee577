import type { Command } from '../command';

// Placeholder until the owning issue fills it in; the contract is in docs/cli.md.
export const recordsCommand: Command = {
  name: 'records',
  summary: '(not implemented yet)',
  help: 'egress-lens records: not implemented yet',
  async run(_argv, io) {
    io.stderr('egress-lens records: not implemented yet\n');
    return 2;
  },
};
