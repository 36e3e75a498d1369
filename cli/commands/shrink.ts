// faultline shrink <failure file> [--out FILE] [--max-runs N] [--max-time 5m] [--json]
// Searches for a smaller scenario that fails the same way (the same checker) and writes it
// as a scenario file for `faultline run`.
// The search and the file it writes are explore/shrink-failure.ts, loaded when the command runs.
import chalk from 'chalk';
import { commandHeads } from './heads.js';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { ShrinkOutcome } from '../../explore/shrink-failure.js';
import { ExitCode, InputError } from '../../scenario/errors.js';
import { displayPath } from '../../scenario/registry.js';
import { shellQuote } from '../../scenario/shell.js';
import { formatDuration, parseDuration } from '../../scenario/units.js';
import { io } from '../io.js';

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
  ...commandHeads.shrink,
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('failure', { type: 'string', demandOption: true, describe: 'A failure file written by faultline fuzz' })
      .option('out', { type: 'string', requiresArg: true, describe: 'Where to write the scenario (default: <failure>.shrunk.yaml beside the file)' })
      .option('max-runs', { type: 'number', requiresArg: true, default: DEFAULT_MAX_RUNS, describe: 'At most this many candidate runs' })
      .option('max-time', { type: 'string', requiresArg: true, default: DEFAULT_MAX_TIME, describe: 'Stop searching after this long' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' })
      .example('$0 shrink .faultline/failures/nemesis--seed-1234.json', '') as unknown as Argv<ShrinkArgs>,
  handler: async (args: ArgumentsCamelCase<ShrinkArgs>) => {
    process.exitCode = await shrinkHandler(args);
  },
};

export async function shrinkHandler(args: ShrinkArgs): Promise<ExitCode> {
  let maxTimeMs: number | undefined;
  {
    const parsed = parseDuration(args['max-time'] ?? DEFAULT_MAX_TIME);
    if (!parsed.ok || parsed.value === 0) throw new InputError('--max-time', undefined, undefined, `expected ${parsed.ok ? 'a duration above zero' : parsed.error}`);
    maxTimeMs = Math.round(parsed.value / 1000);
  }
  const maxRuns = args['max-runs'] ?? DEFAULT_MAX_RUNS;
  if (!Number.isSafeInteger(maxRuns) || maxRuns < 1) throw new InputError('--max-runs', undefined, undefined, `expected a positive integer (got ${maxRuns})`);
  // Loaded lazily: the shrinker, the kernel and the checkers are needed only once there is something to run.
  const { shrinkFailure, sizeText } = await import('../../explore/shrink-failure.js');
  const { ShrinkError } = await import('../../explore/shrink.js');
  let outcome: ShrinkOutcome;
  try {
    outcome = await shrinkFailure(args.failure, { out: args.out, maxRuns, maxTimeMs, onLog: args.json ? undefined : (line) => io.err(line) });
  } catch (error) {
    if (error instanceof ShrinkError && !error.message.startsWith('internal:')) {
      io.err(chalk.yellow(`shrink: ${error.message}`));
      return ExitCode.undecided;
    }
    throw error;
  }
  const { result, path } = outcome;
  if (args.json) {
    io.out(JSON.stringify({ file: displayPath(path), checker: result.checker, before: result.before, after: result.after, runs: result.runs, elapsedMs: Math.round(result.elapsedMs), exhausted: result.exhausted, steps: result.steps }));
  } else {
    io.out(`${chalk.bold('shrunk')} ${displayPath(args.failure)} · fails ${chalk.bold(result.checker)} · ${result.runs} runs in ${formatDuration(Math.round(result.elapsedMs) * 1000)}${result.exhausted ? chalk.yellow(' (run budget reached)') : ''}`);
    io.out(`  before: ${sizeText(result.before)}`);
    io.out(`  after:  ${sizeText(result.after)}`);
    io.out(`scenario: ${displayPath(path)}`);
    io.out(`run it: faultline run ${shellQuote(displayPath(path))}`);
  }
  return ExitCode.checkFailed;
}
