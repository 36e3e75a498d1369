// faultline replay <failure file> [--json] [--trace-out FILE] [--trace-format jsonl|perfetto] [--report FILE | --no-report] [--timeout D]
// Re-runs the failing seed exactly (scenario text, bugs, seed and knobs from the file) at
// the full recording level, prints the verdict, checks the hash against the file's, and
// writes the trace (JSON lines, or Chrome Trace Event JSON for Perfetto) and the HTML
// report beside the failure file.
import chalk from 'chalk';
import { commandHeads } from './heads.js';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { FailureFile } from '../../explore/failure-file.js';
import { ExitCode, InternalRunError } from '../../scenario/errors.js';
import { displayPath, packageVersion } from '../../scenario/registry.js';
import type { ScenarioRun } from '../../scenario/runner.js';
import { shellQuote } from '../../scenario/shell.js';
import { io, runJson, runLines, TRACE_FORMATS, writeTrace, type TraceFormat } from '../output.js';
import type { ReportSource } from '../../reports/write-report.js';
import { parseTimeoutFlag } from './fuzz.js';
import { formatBytes } from './run.js';

/** `x.json` -> `x.report.html` (as reports/sources.ts, without loading the report code for --help). */
const reportPathFor = (failurePath: string): string => `${failurePath.replace(/\.json$/, '')}.report.html`;

export interface ReplayArgs {
  failure: string;
  json?: boolean;
  'trace-out'?: string;
  'trace-format'?: TraceFormat;
  /** A path, or false (--no-report). */
  report?: string | false;
  timeout?: string;
}

export const replayCommand: CommandModule<object, ReplayArgs> = {
  ...commandHeads.replay,
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('failure', { type: 'string', demandOption: true, describe: 'A failure file written by faultline fuzz' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' })
      .option('trace-out', { type: 'string', requiresArg: true, describe: 'Where to write the trace (default: <failure>.trace.jsonl beside the file, .trace.json for perfetto)' })
      .option('trace-format', { type: 'string', choices: TRACE_FORMATS, default: 'jsonl', describe: 'jsonl: one trace entry per line; perfetto: Chrome Trace Event JSON (ui.perfetto.dev, chrome://tracing)' })
      .option('report', { type: 'string', describe: 'Where to write the HTML report (default: <failure>.report.html beside the file; --no-report: none)' })
      .option('timeout', { type: 'string', requiresArg: true, describe: 'Wall-clock limit of the replay, like 30s: when it expires the run stops, undecided (exit 3), its hash not compared' })
      .example('$0 replay .faultline/failures/nemesis--seed-1234.json', '') as unknown as Argv<ReplayArgs>,
  handler: async (args: ArgumentsCamelCase<ReplayArgs>) => {
    process.exitCode = await replayHandler(args);
  },
};

const VERDICT_EXIT = { pass: ExitCode.pass, fail: ExitCode.checkFailed, undecided: ExitCode.undecided } as const;

/** `x.json` -> `x.trace.jsonl` (perfetto: `x.trace.json`), in the same folder. */
export function tracePathFor(failurePath: string, format: TraceFormat = 'jsonl'): string {
  return `${failurePath.replace(/\.json$/, '')}.trace.${format === 'perfetto' ? 'json' : 'jsonl'}`;
}

export interface ReplayOutcome {
  run: ScenarioRun;
  failure: FailureFile;
  hashMatches: boolean;
  tracePath: string;
  report?: { path: string; bytes: number };
  /** The --timeout stopped the run: undecided, and its hash is not comparable with the file's. */
  timedOut: boolean;
}

/** Replay a failure file: the run at full level, its trace written. Throws InputError for a bad file. */
export async function replayFailure(path: string, tracePath?: string, options: { format?: TraceFormat; reportPath?: string; timeoutMs?: number } = {}): Promise<ReplayOutcome> {
  // Loaded lazily: the kernel, the checkers and the report are needed only once there is something to run.
  const format = options.format ?? 'jsonl';
  const { run, failure, source, timedOut } = options.timeoutMs === undefined ? { ...(await (await import('../../reports/sources.js')).replayForReport(path)), timedOut: false } : await replayWithin(path, options.timeoutMs);
  const tracePathUsed = tracePath ?? tracePathFor(path, format);
  // An OutputError (exit 2) names the path and the errno.
  await writeTrace(tracePathUsed, run, format);
  const outcome: ReplayOutcome = { run, failure, hashMatches: run.result.hash === failure.hash, tracePath: tracePathUsed, timedOut };
  if (options.reportPath !== undefined) {
    const { writeReport } = await import('../../reports/write-report.js');
    outcome.report = { path: options.reportPath, bytes: (await writeReport(options.reportPath, [source])).bytes };
  }
  return outcome;
}

/** As reports/sources.ts replayForReport, with a wall-clock limit on the run (`--timeout`). */
async function replayWithin(path: string, timeoutMs: number): Promise<{ run: ScenarioRun; failure: FailureFile; source: ReportSource; timedOut: boolean }> {
  const { failureScenario, readFailureFile } = await import('../../explore/failure-file.js');
  const { ranOutOfTime } = await import('../../explore/execute.js');
  const { runScenario } = await import('../../scenario/runner.js');
  const failure = readFailureFile(path);
  const loaded = await failureScenario(failure);
  const startMs = performance.now();
  const run = runScenario(loaded, { record: 'full' }, { timeoutMs });
  const timedOut = ranOutOfTime(run, timeoutMs, performance.now() - startMs);
  const shown = shellQuote(displayPath(path));
  const hash = timedOut ? `${failure.hash} (not compared: the replay was stopped by --timeout)` : `${failure.hash}${failure.hash === run.result.hash ? ' (matches)' : ' (DIFFERS: see replay)'}`;
  const source: ReportSource = {
    run,
    replay: `faultline replay ${shown}`,
    shrink: `faultline shrink ${shown}`,
    figures: { 'failure file': displayPath(path), 'hash in the file': hash, ...(failure.knobsText ? { knobs: failure.knobsText } : {}) },
  };
  return { run, failure, source, timedOut };
}

export async function replayHandler(args: ReplayArgs): Promise<ExitCode> {
  let outcome: ReplayOutcome;
  const timeoutMs = args.timeout !== undefined ? parseTimeoutFlag(args.timeout) : undefined;
  try {
    const reportPath = args.report === false ? undefined : args.report !== undefined && args.report !== '' ? args.report : reportPathFor(args.failure);
    outcome = await replayFailure(args.failure, args['trace-out'], { format: args['trace-format'] ?? 'jsonl', ...(reportPath !== undefined ? { reportPath } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  } catch (error) {
    // A failure file that recorded an internal error: the replay throws it again.
    if (error instanceof InternalRunError) {
      const { readFailureFile } = await import('../../explore/failure-file.js');
      const failure = readFailureFile(args.failure);
      if (failure.verdict === 'error') {
        const same = failure.error !== undefined && (error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : String(error.cause)) === failure.error.message;
        io.err(chalk.red(`internal error reproduced${same ? '' : ' (a different message)'}: ${error.message}`));
        if (failure.error) io.err(`the failure file says: ${failure.error.message}`);
        return ExitCode.internalError;
      }
    }
    throw error;
  }
  const { run, failure, tracePath, timedOut } = outcome;
  const { failureEdited } = await import('../../explore/failure-file.js');
  // A file edited since faultline wrote it describes another run: a different hash is expected, not our bug.
  const edited = !outcome.hashMatches && failureEdited(failure);
  // A run stopped by --timeout is cut short where the wall clock said: its hash is not the seed's.
  const notCompared = timedOut ? `--timeout ${args.timeout} stopped the replay before its end` : edited ? 'the failure file was edited since faultline wrote it (its seed, knobs, bugs, scenario or hash differ from its digest): this is another run' : undefined;
  const hashMatches = outcome.hashMatches || notCompared !== undefined;
  const version = packageVersion();
  const mismatch = hashMatches
    ? undefined
    : `replay gave hash ${run.result.hash}, the failure file says ${failure.hash}${failure.faultline !== version ? ` (found by faultline ${failure.faultline}, replayed by ${version}: a new version may change runs)` : ' (the same version number: either the code changed since, or a determinism bug in faultline)'}`;
  if (args.json) {
    io.out(JSON.stringify({ ...runJson(run), replay: failure.replay, expectedHash: failure.hash, hashMatches: notCompared !== undefined ? null : hashMatches, ...(timedOut ? { timedOut: true } : {}), ...(edited ? { edited: true } : {}), trace: displayPath(tracePath), report: outcome.report ? displayPath(outcome.report.path) : null, knobs: failure.knobs ?? null }));
  } else {
    // The runner's own replay line names `faultline run`, which cannot repeat swarm knobs: ours replaces it.
    for (const line of runLines(run).filter((l) => !l.startsWith('replay: '))) io.out(line);
    if (failure.knobsText) io.out(chalk.dim(`  knobs: ${failure.knobsText}`));
    if (notCompared !== undefined) io.out(chalk.yellow(`  hash not compared: ${notCompared}`));
    else io.out(hashMatches ? chalk.green(`  hash ${run.result.hash} matches the failure file`) : chalk.red(`  ${mismatch}`));
    io.out(`trace: ${displayPath(tracePath)} (${run.result.trace?.length ?? 0} events${args['trace-format'] === 'perfetto' ? ', Chrome Trace Event JSON' : ''})`);
    if (outcome.report) io.out(`report: ${displayPath(outcome.report.path)} (${formatBytes(outcome.report.bytes)})`);
    io.out(`replay: faultline replay ${shellQuote(displayPath(args.failure))}`);
  }
  if (!hashMatches) {
    if (args.json) io.err(chalk.red(`internal error: ${mismatch}`));
    return ExitCode.internalError;
  }
  return VERDICT_EXIT[run.verdict];
}
