// The replay command's work (loaded only when the command runs).
import chalk from 'chalk';
import { failureScenario, readFailureFile, type FailureFile } from '../../explore/failure-file.js';
import { ExitCode, InputError } from '../../scenario/errors.js';
import { displayPath, packageVersion } from '../../scenario/registry.js';
import { InternalRunError, runScenario, type ScenarioRun } from '../../scenario/runner.js';
import { shellQuote } from '../../scenario/shell.js';
import type { ReplayArgs } from '../commands/replay.js';
import { io, runJson, runLines, writeTraceFile } from '../output.js';

const VERDICT_EXIT = { pass: ExitCode.pass, fail: ExitCode.checkFailed, undecided: ExitCode.undecided } as const;

/** `x.json` -> `x.trace.jsonl`, in the same folder. */
export function tracePathFor(failurePath: string): string {
  return `${failurePath.replace(/\.json$/, '')}.trace.jsonl`;
}

export interface ReplayOutcome {
  run: ScenarioRun;
  failure: FailureFile;
  hashMatches: boolean;
  tracePath: string;
}

/** Replay a failure file: the run at full level, its trace written. Throws InputError for a bad file. */
export async function replayFailure(path: string, tracePath = tracePathFor(path)): Promise<ReplayOutcome> {
  const failure = readFailureFile(path);
  const loaded = await failureScenario(failure);
  const run = runScenario(loaded, { record: 'full' });
  try {
    await writeTraceFile(tracePath, run.result.trace ?? []);
  } catch (error) {
    throw new InputError(tracePath, undefined, undefined, `expected a writable trace file: ${(error as Error).message}`);
  }
  return { run, failure, hashMatches: run.result.hash === failure.hash, tracePath };
}

export async function replayHandler(args: ReplayArgs): Promise<ExitCode> {
  let outcome: ReplayOutcome;
  try {
    outcome = await replayFailure(args.failure, args['trace-out']);
  } catch (error) {
    // A failure file that recorded an internal error: the replay throws it again.
    if (error instanceof InternalRunError) {
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
  const { run, failure, hashMatches, tracePath } = outcome;
  const version = packageVersion();
  const mismatch = hashMatches
    ? undefined
    : `replay gave hash ${run.result.hash}, the failure file says ${failure.hash}${failure.faultline !== version ? ` (found by faultline ${failure.faultline}, replayed by ${version}: a new version may change runs)` : ' (the same version number: either the code changed since, or a determinism bug in faultline)'}`;
  if (args.json) {
    io.out(JSON.stringify({ ...runJson(run), replay: failure.replay, expectedHash: failure.hash, hashMatches, trace: displayPath(tracePath), knobs: failure.knobs ?? null }));
  } else {
    // The runner's own replay line names `faultline run`, which cannot repeat swarm knobs: ours replaces it.
    for (const line of runLines(run).filter((l) => !l.startsWith('replay: '))) io.out(line);
    if (failure.knobsText) io.out(chalk.dim(`  knobs: ${failure.knobsText}`));
    io.out(hashMatches ? chalk.green(`  hash ${run.result.hash} matches the failure file`) : chalk.red(`  ${mismatch}`));
    io.out(`trace: ${displayPath(tracePath)} (${run.result.trace?.length ?? 0} events)`);
    io.out(`replay: faultline replay ${shellQuote(displayPath(args.failure))}`);
  }
  if (!hashMatches) {
    if (args.json) io.err(chalk.red(`internal error: ${mismatch}`));
    return ExitCode.internalError;
  }
  return VERDICT_EXIT[run.verdict];
}
