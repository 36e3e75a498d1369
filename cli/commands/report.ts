// faultline report <failure|scenario> [--out FILE] [--seed S] [--bug NAME]... [--timeout D]
// faultline report --diff A B [--out FILE] [--seed-a S] [--seed-b S]
// Writes the HTML trace report of one run, or of two runs side by side with their first
// divergence marked (a failure beside its shrunk scenario, or beside a passing seed).
// A failure file (.json) is replayed exactly; a scenario file runs with its seed or --seed.
import { basename } from 'node:path';
import { commandHeads } from './heads.js';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { ExitCode, InputError } from '../../scenario/errors.js';
import { displayPath } from '../../scenario/registry.js';
import { io } from '../io.js';
import { performance } from 'node:perf_hooks';
import { parseTimeoutFlag } from './fuzz.js';
import { formatBytes } from './run.js';

export interface ReportArgs {
  inputs: string[];
  diff?: boolean;
  out?: string;
  seed?: string;
  'seed-a'?: string;
  'seed-b'?: string;
  bug?: string[];
  timeout?: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  ...commandHeads.report,
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'A failure file (.json) or a scenario file; two with --diff' })
      .option('diff', { type: 'boolean', default: false, describe: 'Compare two runs: aligned on time and event kind, the first divergence marked' })
      .option('out', { type: 'string', requiresArg: true, describe: 'The report file (default: beside a failure file, else in the current folder)' })
      .option('seed', { type: 'string', requiresArg: true, describe: "A scenario input's seed (default: the scenario's)" })
      .option('seed-a', { type: 'string', requiresArg: true, describe: "With --diff: the first scenario input's seed" })
      .option('seed-b', { type: 'string', requiresArg: true, describe: "With --diff: the second scenario input's seed" })
      .option('bug', { type: 'string', array: true, nargs: 1, describe: 'Enable a bug variant on scenario inputs (repeatable)' })
      .option('timeout', { type: 'string', requiresArg: true, describe: 'Wall-clock limit of each run, like 30s: a run stopped by it is undecided (exit 3) and no report is written' })
      .example('$0 report .faultline/failures/nemesis--seed-12.json', '')
      .example('$0 report scenarios/raft/figure-8.yaml --seed 3 --out figure-8.html', '')
      .example('$0 report --diff .faultline/failures/nemesis--seed-12.json nemesis--seed-12.shrunk.yaml', '')
      .example('$0 report --diff scenarios/raft/figure-8.yaml scenarios/raft/figure-8.yaml --seed-b 2', '') as unknown as Argv<ReportArgs>,
  handler: async (args: ArgumentsCamelCase<ReportArgs>) => {
    process.exitCode = await reportHandler(args);
  },
};

/** Scenario file -> `<name>.seed-<S>.report.html` in the current folder. */
function defaultScenarioOut(path: string, seed: string): string {
  return `${basename(path).replace(/\.ya?ml$/i, '')}.seed-${seed.replace(/[^A-Za-z0-9_.-]/g, '_')}.report.html`;
}

export async function reportHandler(args: ReportArgs): Promise<ExitCode> {
  const inputs = args.inputs;
  if (args.diff ? inputs.length !== 2 : inputs.length !== 1) {
    throw new InputError('inputs', undefined, undefined, args.diff ? `expected two inputs to compare with --diff (got ${inputs.length})` : `expected one input (got ${inputs.length}); compare two with --diff`);
  }
  if (!args.diff && (args['seed-a'] !== undefined || args['seed-b'] !== undefined)) throw new InputError('--seed-a', undefined, undefined, 'expected --diff: --seed-a and --seed-b choose the seeds of the two runs compared');
  if (args.diff && args.seed !== undefined) throw new InputError('--seed', undefined, undefined, 'expected --seed-a or --seed-b with --diff');
  const { sourceFor, isFailureFile, reportPathFor } = await import('../../reports/sources.js');
  const { writeReport } = await import('../../reports/write-report.js');
  const { ranOutOfTime } = await import('../../explore/execute.js');
  const bugs = args.bug ?? [];
  const timeoutMs = args.timeout !== undefined ? parseTimeoutFlag(args.timeout) : undefined;
  const limit = timeoutMs !== undefined ? { timeoutMs } : {};
  const started = performance.now();
  /** A run the --timeout stopped: say so, write nothing (a report of a cut run would pass for the whole one). */
  const outOfTime = (source: { run: { verdict: string; result: { undecided?: string; events: number } } }, input: string): boolean => {
    if (!ranOutOfTime(source.run, timeoutMs, performance.now() - started)) return false;
    io.err(`undecided: the run of ${displayPath(input)} was stopped by --timeout ${args.timeout} after ${source.run.result.events.toLocaleString('en-US')} events; no report written`);
    return true;
  };
  if (!args.diff) {
    const input = inputs[0];
    const source = await sourceFor(input, { seed: args.seed, bugs, ...limit });
    if (outOfTime(source, input)) return ExitCode.undecided;
    const out = args.out ?? (isFailureFile(input) ? reportPathFor(input) : defaultScenarioOut(input, source.run.loaded.config.seed));
    const { bytes } = await writeReport(out, [source]);
    io.out(`${source.run.verdict.toUpperCase()}  ${source.run.loaded.name} · seed ${source.run.loaded.config.seed}`);
    io.out(`report: ${displayPath(out)} (${formatBytes(bytes)}, ${(source.run.result.trace?.length ?? 0).toLocaleString('en-US')} trace rows)`);
    return ExitCode.pass;
  }
  const [a, b] = inputs;
  const sourceA = await sourceFor(a, { seed: args['seed-a'], bugs, title: `A: ${displayPath(a)}`, ...limit });
  if (outOfTime(sourceA, a)) return ExitCode.undecided;
  const sourceB = await sourceFor(b, { seed: args['seed-b'], bugs, title: `B: ${displayPath(b)}`, ...limit });
  if (outOfTime(sourceB, b)) return ExitCode.undecided;
  const out = args.out ?? 'diff.report.html';
  const { bytes, data } = await writeReport(out, [sourceA, sourceB]);
  const divergence = data.divergence;
  io.out(`A ${sourceA.run.verdict.toUpperCase()}  ${sourceA.run.loaded.name} · seed ${sourceA.run.loaded.config.seed} · ${sourceA.run.result.events.toLocaleString('en-US')} events`);
  io.out(`B ${sourceB.run.verdict.toUpperCase()}  ${sourceB.run.loaded.name} · seed ${sourceB.run.loaded.config.seed} · ${sourceB.run.result.events.toLocaleString('en-US')} events`);
  io.out(divergence ? `first divergence: ${divergence.why}` : 'the runs do not diverge: same events in the same order');
  io.out(`report: ${displayPath(out)} (${formatBytes(bytes)})`);
  return ExitCode.pass;
}
