import type { Command } from '../command';

// Placeholder until the owning issue fills it in; the contract is in docs/cli.md.
export const scanCommand: Command = {
  name: 'scan',
  summary: '(not implemented yet)',
  help: 'egress-lens scan: not implemented yet',
  async run(_argv, io) {
    io.stderr('egress-lens scan: not implemented yet\n');
    return 2;
  },
};
