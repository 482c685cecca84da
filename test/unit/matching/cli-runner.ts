// Runs the match/similar commands the way the ipclue CLI will, for cli.test.ts.
import { Command } from 'commander';
import { registerMatchCommands } from '../../../src/cli/commands/match.ts';

const program = new Command('ipclue');
registerMatchCommands(program);
program.parseAsync(process.argv).catch((e) => {
  console.error(e);
  process.exit(1);
});
