// One seed of a campaign, the same function in the main thread and in every worker: draw
// the knobs, run the scenario (safety phase, then the liveness phase once faults stop),
// check the history, and, on the sampled seeds, run it a second time to check that the
// hash is the same. Synchronous; returns plain data that crosses a worker boundary.
import type { LoadedScenario } from '../scenario/load.js';
import { runScenario, violationJson, type Verdict, type ViolationJson } from '../scenario/runner.js';
import { canonicalJson } from '../sim/hash.js';
import type { TraceEvent } from '../sim/result.js';
import type { HistoryEvent, Micros } from '../sim/types.js';
import { applyKnobs, drawKnobs, type SwarmKnobs } from './swarm.js';

/** A verdict, or `error` when faultline itself threw (a kernel assertion: our bug; an exception in protocol code is a `fail`). */
export type SeedVerdict = Verdict | 'error';

/** A violation as failure files and results store it (a protocol exception names its node and keeps its stack). */
export type ViolationRecord = ViolationJson;

/** Where two runs of one seed first differ (both re-run at the full recording level). */
export interface Divergence {
  hashes: [string, string];
  /** Index of the first trace event that differs, or undefined when the full re-runs agreed. */
  index?: number;
  first?: string;
  second?: string;
  /** Events that agree before it, for context (canonical JSON). */
  before?: string[];
}

export interface SeedOutcome {
  seed: string;
  hash: string;
  verdict: SeedVerdict;
  violations: ViolationRecord[];
  knobs?: SwarmKnobs;
  events: number;
  simulatedUs: Micros;
  /** Client operations invoked. */
  ops: number;
  /** Set when the seed was run twice for the determinism self-check. */
  determinismChecked: boolean;
  /** Set when the two runs disagreed. */
  divergence?: Divergence;
  /** Why the verdict is undecided (the event budget, or the per-seed `--timeout`). */
  undecided?: string;
  /**
   * Set when the per-seed wall-clock limit cut the run short: undecided, and its hash is
   * empty (where a wall clock stops a run is not a property of the seed, so the hash of a
   * cut-short run identifies nothing, and a determinism check of it means nothing).
   */
  timedOut?: boolean;
  /** Guided fuzzing: the abstract states and transitions the run visited. */
  coverage?: string[];
  /** The last history events up to the failure (failures only). */
  historyExcerpt?: HistoryEvent[];
  error?: { message: string; stack?: string };
}

export interface SeedOptions {
  /** Draw the fault knobs from the seed (swarm testing); otherwise run the scenario's own. */
  swarm: boolean;
  /** Run the seed twice and compare hashes. */
  checkDeterminism: boolean;
  /** The knobs to run with, instead of drawing them from the seed (guided fuzzing's mutants). */
  knobs?: SwarmKnobs;
  /** Collect the run's coverage (guided fuzzing). */
  coverage?: boolean;
  /** Wall-clock limit of each run of the seed, in milliseconds (`fuzz --timeout`): a run out of time is undecided, never a failure. */
  timeoutMs?: number;
}

export const HISTORY_EXCERPT_MAX = 20;

/** The scenario exactly as one seed runs it: seed set, knobs applied. */
export function seedScenario(loaded: LoadedScenario, seed: string, knobs: SwarmKnobs | undefined): LoadedScenario {
  const config = { ...loaded.config, seed };
  return { ...loaded, config: knobs ? applyKnobs(config, knobs) : config };
}

export function executeSeed(loaded: LoadedScenario, seed: string, options: SeedOptions): SeedOutcome {
  const knobs = options.knobs ?? (options.swarm ? drawKnobs(seed, loaded.config, loaded.swarm) : undefined);
  const picked = seedScenario(loaded, seed, knobs);
  const scenario = options.coverage ? { ...picked, config: { ...picked.config, coverage: true } } : picked;
  const base = { seed, knobs, determinismChecked: options.checkDeterminism };
  const limits = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  let run;
  let timedOut = false;
  try {
    const startMs = performance.now();
    run = runScenario(scenario, { record: 'fuzz' }, limits);
    timedOut = ranOutOfTime(run, options.timeoutMs, performance.now() - startMs);
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    return {
      ...base,
      hash: '',
      verdict: 'error',
      violations: [],
      events: 0,
      simulatedUs: 0,
      ops: 0,
      error: { message: describe(cause), stack: cause instanceof Error ? cause.stack : undefined },
    };
  }
  const { result } = run;
  const outcome: SeedOutcome = {
    ...base,
    ...(timedOut ? { determinismChecked: false, timedOut: true } : {}),
    hash: timedOut ? '' : result.hash,
    verdict: run.verdict,
    ...(run.undecided !== undefined ? { undecided: run.undecided } : {}),
    violations: run.violations.map((v) => violationJson(v, scenario.config.nodes)),
    events: result.events,
    simulatedUs: result.simulatedUs,
    ops: run.operations,
    ...(result.coverage !== undefined ? { coverage: result.coverage } : {}),
  };
  if (run.verdict === 'fail') outcome.historyExcerpt = result.history.slice(-HISTORY_EXCERPT_MAX);
  if (options.checkDeterminism && !timedOut) {
    let again: string | undefined;
    try {
      const startMs = performance.now();
      const second = runScenario(scenario, { record: 'fuzz' }, limits);
      // The second run out of time proves nothing either way: the seed counts as not checked.
      again = ranOutOfTime(second, options.timeoutMs, performance.now() - startMs) ? undefined : second.result.hash;
    } catch (error) {
      again = `threw: ${describe((error as { cause?: unknown }).cause ?? error)}`;
    }
    if (again === undefined) outcome.determinismChecked = false;
    else if (again !== result.hash) outcome.divergence = findDivergence(scenario, [result.hash, again]);
  }
  return outcome;
}

/**
 * Whether the wall-clock limit stopped this run: it was cut short (the kernel's `undecided`)
 * with no violation, and the limit had passed when it returned. (A run that reached its
 * `maxEvents` is cut short too, but deterministically: its hash still stands.)
 */
export function ranOutOfTime(run: { verdict: string; result: { undecided?: string } }, timeoutMs: number | undefined, elapsedMs: number): boolean {
  return timeoutMs !== undefined && run.verdict === 'undecided' && run.result.undecided !== undefined && elapsedMs >= timeoutMs;
}

/** Re-run the seed twice at the full recording level and name the first trace event that differs. */
export function findDivergence(scenario: LoadedScenario, hashes: [string, string]): Divergence {
  const traces: TraceEvent[][] = [];
  for (let i = 0; i < 2; i++) {
    try {
      traces.push(runScenario(scenario, { record: 'full' }).result.trace ?? []);
    } catch {
      traces.push([]);
    }
  }
  const [a, b] = traces;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = i < a.length ? canonicalJson(a[i]) : '(trace ended)';
    const y = i < b.length ? canonicalJson(b[i]) : '(trace ended)';
    if (x !== y) {
      const before = a.slice(Math.max(0, i - 3), i).map((e) => canonicalJson(e));
      return { hashes, index: i, first: x, second: y, before };
    }
  }
  return { hashes };
}

/** One line naming the first diverging event, for humans. */
export function divergenceText(seed: string, d: Divergence): string {
  if (d.index === undefined) return `seed ${seed}: hashes ${d.hashes[0]} and ${d.hashes[1]} differ, but two full re-runs agreed (the non-determinism comes and goes)`;
  return `seed ${seed}: hashes ${d.hashes[0]} and ${d.hashes[1]} differ; first diverging trace event #${d.index}:\n  run 1: ${clip(d.first!)}\n  run 2: ${clip(d.second!)}`;
}

function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

export function describe(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}
