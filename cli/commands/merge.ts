// faultline merge <results.jsonl>... [--json] [--out FILE]
// One summary over the results of many shards or resumed campaigns.
// The command module only: the work lives in cli/fuzz/merge-main.ts, loaded when it runs.
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';

export interface MergeArgs {
  files: string[];
  json?: boolean;
  out?: string;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <files..>',
  describe: 'Merge fuzz results (results.jsonl of shards or resumed campaigns) into one summary (exit 1 if any seed failed)',
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'results.jsonl files' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' })
      .option('out', { type: 'string', requiresArg: true, describe: 'Also write the merged lines (deduplicated, in seed order) to FILE' })
      .example('$0 merge shard-*/results.jsonl', '') as unknown as Argv<MergeArgs>,
  handler: async (args: ArgumentsCamelCase<MergeArgs>) => {
    const { mergeHandler } = await import('../fuzz/merge-main.js');
    process.exitCode = await mergeHandler(args);
  },
};
