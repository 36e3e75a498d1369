// faultline shrink <failure file> [--out FILE] [--max-runs N] [--max-time 5m] [--json]
// Searches for a smaller scenario that fails the same way (the same checker) and writes it
// as a scenario file for `faultline run`.
// The command module only: the work lives in cli/fuzz/shrink-main.ts, loaded when it runs.
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';

export interface ShrinkArgs {
  failure: string;
  out?: string;
  'max-runs'?: number;
  'max-time'?: string;
  json?: boolean;
}

export const DEFAULT_MAX_RUNS = 5000;
export const DEFAULT_MAX_TIME = '2m';

export const shrinkCommand: CommandModule<object, ShrinkArgs> = {
  command: 'shrink <failure>',
  describe: 'Find a smaller scenario that fails the same way (fewer faults, operations, nodes; shorter) and write it as YAML',
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('failure', { type: 'string', demandOption: true, describe: 'A failure file written by faultline fuzz' })
      .option('out', { type: 'string', requiresArg: true, describe: 'Where to write the scenario (default: <failure>.shrunk.yaml beside the file)' })
      .option('max-runs', { type: 'number', requiresArg: true, default: DEFAULT_MAX_RUNS, describe: 'At most this many candidate runs' })
      .option('max-time', { type: 'string', requiresArg: true, default: DEFAULT_MAX_TIME, describe: 'Stop searching after this long' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' })
      .example('$0 shrink .faultline/failures/nemesis--seed-1234.json', '') as unknown as Argv<ShrinkArgs>,
  handler: async (args: ArgumentsCamelCase<ShrinkArgs>) => {
    const { shrinkHandler } = await import('../fuzz/shrink-main.js');
    process.exitCode = await shrinkHandler(args);
  },
};
