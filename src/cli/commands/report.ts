import type { Command } from '../command';

// Placeholder until the owning issue fills it in; the contract is in docs/cli.md.
export const reportCommand: Command = {
  name: 'report',
  summary: '(not implemented yet)',
  help: 'egress-lens report: not implemented yet',
  async run(_argv, io) {
    io.stderr('egress-lens report: not implemented yet\n');
    return 2;
  },
};
