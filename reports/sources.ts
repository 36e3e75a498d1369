// The runs a report shows, from what users have: a failure file (replayed exactly: its
// scenario text, seed and knobs) or a scenario file (with a seed), recorded at the full level.
import { failureScenario, readFailureFile, type FailureFile } from '../explore/failure-file.js';
import { loadScenario } from '../scenario/load.js';
import { displayPath } from '../scenario/registry.js';
import { runScenario, type ScenarioRun } from '../scenario/runner.js';
import { shellQuote } from '../scenario/shell.js';
import type { ReportSource } from './write-report.js';

/** `x.json` -> `x.report.html`, beside it. */
export function reportPathFor(failurePath: string): string {
  return `${failurePath.replace(/\.json$/, '')}.report.html`;
}

/** A failure file or a scenario? Failure files are JSON (`.json`); anything else is read as a scenario. */
export function isFailureFile(path: string): boolean {
  return /\.json$/i.test(path);
}

export interface ReplayedFailure {
  failure: FailureFile;
  run: ScenarioRun;
  source: ReportSource;
}

/** Replay a failure file at the full level: the run and its report source (replay and shrink commands of the file). */
export async function replayForReport(path: string, title?: string, limits: { timeoutMs?: number } = {}): Promise<ReplayedFailure> {
  const failure = readFailureFile(path);
  const loaded = await failureScenario(failure);
  const run = runScenario(loaded, { record: 'full' }, limits);
  const shown = shellQuote(displayPath(path));
  const source: ReportSource = {
    run,
    replay: `faultline replay ${shown}`,
    shrink: `faultline shrink ${shown}`,
    figures: { 'failure file': displayPath(path), 'hash in the file': `${failure.hash}${failure.hash === run.result.hash ? ' (matches)' : ' (DIFFERS: see replay)'}`, ...(failure.knobsText ? { knobs: failure.knobsText } : {}) },
  };
  if (title !== undefined) source.title = title;
  return { failure, run, source };
}

/** Run a scenario file at the full level (its seed, or `seed`), as a report source. */
export async function scenarioForReport(path: string, options: { seed?: string; bugs?: readonly string[]; title?: string; timeoutMs?: number } = {}): Promise<ReportSource> {
  const loaded = await loadScenario(path, { seed: options.seed, bugs: options.bugs ?? [], record: 'full' });
  const run = runScenario(loaded, {}, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
  const source: ReportSource = { run };
  if (options.title !== undefined) source.title = options.title;
  return source;
}

/** A report source from either kind of input. */
export async function sourceFor(path: string, options: { seed?: string; bugs?: readonly string[]; title?: string; timeoutMs?: number } = {}): Promise<ReportSource> {
  if (isFailureFile(path)) return (await replayForReport(path, options.title, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {})).source;
  return scenarioForReport(path, options);
}
