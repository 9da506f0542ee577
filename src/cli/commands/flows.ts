import type { Command } from '../command';

// Placeholder until the owning issue fills it in; the contract is in docs/cli.md.
export const flowsCommand: Command = {
  name: 'flows',
  summary: '(not implemented yet)',
  help: 'egress-lens flows: not implemented yet',
  async run(_argv, io) {
    io.stderr('egress-lens flows: not implemented yet\n');
    return 2;
  },
};
