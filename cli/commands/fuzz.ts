// faultline fuzz <scenario> [--seeds N | --duration 60s] [--from-seed S] [--workers K]
//   [--shard K/N] [--bug NAME]... [--out DIR] [--json] [--check-determinism] [--no-swarm]
//   [--max-failures N]
// The command module only: the work lives in cli/fuzz/fuzz-main.ts, loaded when it runs.
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { DETERMINISM_EVERY } from '../../explore/seeds.js';

export interface FuzzArgs {
  scenario: string;
  seeds?: number;
  duration?: string;
  'from-seed'?: number;
  workers?: number;
  shard?: string;
  bug?: string[];
  out?: string;
  json?: boolean;
  'check-determinism'?: boolean;
  swarm?: boolean;
  'max-failures'?: number;
}

export const DEFAULT_SEEDS = 1000;
export const DEFAULT_FAILURES_DIR = '.faultline/failures';

export const fuzzCommand: CommandModule<object, FuzzArgs> = {
  command: 'fuzz <scenario>',
  describe: 'Run a scenario over many seeds, on every core; save each failure with its replay command (exit 1 if any seed fails)',
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (YAML), usually one with a nemesis' })
      .option('seeds', { type: 'number', requiresArg: true, describe: `How many seeds (default ${DEFAULT_SEEDS} unless --duration)` })
      .option('duration', { type: 'string', requiresArg: true, describe: 'Run seeds for this long instead, like 60s or 10m' })
      .option('from-seed', { type: 'number', requiresArg: true, default: 0, describe: 'First seed (seeds are from-seed, from-seed+1, ...): resume a killed campaign here' })
      .option('workers', { type: 'number', requiresArg: true, describe: 'Worker threads (default: every core); 1 runs in this thread' })
      .option('shard', { type: 'string', requiresArg: true, describe: 'K/N: only seeds s with s mod N = K (K from 0), for CI matrices and indexed jobs' })
      .option('bug', { type: 'string', array: true, nargs: 1, describe: "Enable a bug variant on top of the scenario's (repeatable)" })
      .option('out', { type: 'string', requiresArg: true, default: DEFAULT_FAILURES_DIR, describe: 'Folder for failure files and results.jsonl' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON summary object on stdout' })
      .option('check-determinism', { type: 'boolean', default: false, describe: `Run every seed twice and compare hashes (default: one seed in ${DETERMINISM_EVERY})` })
      .option('max-failures', { type: 'number', requiresArg: true, describe: 'Stop after this many failing seeds (seeds in flight finish)' })
      .option('swarm', { type: 'boolean', default: true, describe: 'Draw fault knobs per seed within the scenario bounds (--no-swarm: the scenario as written)' })
      .example('$0 fuzz scenarios/raft/nemesis.yaml --seeds 10000', '')
      .example('$0 fuzz scenarios/raft/nemesis.yaml --bug figure-8 --duration 60s', '')
      .example('$0 fuzz scenarios/raft/nemesis.yaml --seeds 100000 --shard 3/8 --out out/shard-3', '') as unknown as Argv<FuzzArgs>,
  handler: async (args: ArgumentsCamelCase<FuzzArgs>) => {
    const { fuzzHandler } = await import('../fuzz/fuzz-main.js');
    process.exitCode = await fuzzHandler(args);
  },
};
