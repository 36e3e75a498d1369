// faultline replay <failure file> [--json] [--trace-out FILE]
// Re-runs the failing seed exactly (scenario text, bugs, seed and knobs from the file) at
// the full recording level, prints the verdict, checks the hash against the file's, and
// writes the trace as JSON lines beside the failure file.
// The command module only: the work lives in cli/fuzz/replay-main.ts, loaded when it runs.
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';

export interface ReplayArgs {
  failure: string;
  json?: boolean;
  'trace-out'?: string;
}

export const replayCommand: CommandModule<object, ReplayArgs> = {
  command: 'replay <failure>',
  describe: 'Re-run a failure file exactly, at the full recording level; check its hash and write its trace',
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('failure', { type: 'string', demandOption: true, describe: 'A failure file written by faultline fuzz' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' })
      .option('trace-out', { type: 'string', requiresArg: true, describe: 'Where to write the trace (default: <failure>.trace.jsonl beside the file)' })
      .example('$0 replay .faultline/failures/nemesis--seed-1234.json', '') as unknown as Argv<ReplayArgs>,
  handler: async (args: ArgumentsCamelCase<ReplayArgs>) => {
    const { replayHandler } = await import('../fuzz/replay-main.js');
    process.exitCode = await replayHandler(args);
  },
};
