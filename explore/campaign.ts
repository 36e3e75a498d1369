// The campaign engine: seeds from `fromSeed` upwards (this shard's share of them), run on a
// pool of worker threads (or in this thread with one worker), each failure written to its
// own file the moment it is found, results appended as JSON lines in seed order, and a
// sample of seeds run twice to check that the simulator is still deterministic.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { InputError } from '../scenario/errors.js';
import { loadScenario, type LoadedScenario } from '../scenario/load.js';
import { packageVersion } from '../scenario/registry.js';
import { divergenceText, executeSeed, type Divergence, type SeedOutcome, type ViolationRecord } from './execute.js';
import { buildFailure, failureFileName, writeJsonAtomic, type FailureContext } from './failure-file.js';
import { GuidedPlanner, type CoverageReport } from './guided.js';
import { sameInit, WorkerPool, type WarmUp, type WorkerInit } from './pool.js';
import type { ProgressState } from './progress.js';
import { compareSeeds, resultLine } from './results.js';
import { DETERMINISM_EVERY, plannedSeeds, seedNumbers, type Shard } from './seeds.js';
import { outputError, type OutputError } from './write-output.js';

export { DETERMINISM_EVERY, parseShard, plannedSeeds, type Shard } from './seeds.js';

export interface CampaignOptions {
  scenarioPath: string;
  /** Bug variants on top of the scenario's. */
  bugs: readonly string[];
  /** How many seeds (before sharding): fromSeed .. fromSeed + seeds - 1. */
  seeds?: number;
  /** Or run until this much wall-clock time has passed. */
  durationMs?: number;
  fromSeed: number;
  workers: number;
  shard?: Shard;
  outDir: string;
  swarm: boolean;
  /** Every seed twice, or one seed in `determinismEvery` (the campaign's first seed, then every n-th it runs). */
  checkDeterminism: 'all' | 'sample' | 'off';
  determinismEvery?: number;
  /** Stop dispatching seeds once this many have failed (seeds in flight still finish). */
  maxFailures?: number;
  /** Progress reports (seeds done, failures found). */
  onProgress?: (state: ProgressState) => void;
  /** A line for the human watching: a failure found, a determinism mismatch. */
  onLog?: (line: string) => void;
  /** Stop dispatching seeds (Ctrl-C): in-flight seeds are abandoned, results stay contiguous. */
  signal?: AbortSignal;
  /** Coverage-guided: most runs are mutants of the runs that reached new coverage (explore/guided.ts). */
  guided?: boolean;
  /** Wall-clock limit of each seed's run, in milliseconds (`--timeout`): a seed out of time is undecided, never a failure. */
  timeoutMs?: number;
}

export interface CampaignFailure {
  seed: string;
  verdict: 'fail' | 'error';
  violations: ViolationRecord[];
  error?: string;
  replay: string;
  file: string;
}

export interface DeterminismMismatch {
  seed: string;
  divergence: Divergence;
  text: string;
  file: string;
}

export interface CampaignSummary {
  scenario: string;
  protocol: string;
  bugs: string[];
  runs: number;
  failures: CampaignFailure[];
  errors: number;
  undecided: number;
  /** Of the undecided seeds, those the per-seed `--timeout` stopped. */
  timedOut: number;
  seedsPerSecond: number;
  elapsedMs: number;
  firstFailureSeed: string | null;
  /** Every seed below this one (in this shard) has a result line: resume with --from-seed nextSeed. */
  nextSeed: number;
  interrupted: boolean;
  /** Stopped after --max-failures failures. */
  stoppedEarly: boolean;
  determinism: { checked: number; mismatches: DeterminismMismatch[] };
  resultsFile: string;
  workers: number;
  /** Guided campaigns: coverage reached, corpus size and the growth curve. */
  coverage?: CoverageReport;
}

export function runCampaign(options: CampaignOptions): Promise<CampaignSummary> {
  return campaign(options, undefined);
}

/**
 * The same campaign on a pool the caller started and keeps (it is not closed here): warm
 * workers reused across campaigns, as the main thread is when it runs them itself (bench/
 * fuzz.ts warms both before it measures). The pool must have been started for the same
 * scenario, bug variants, swarm and `--timeout` (startCampaignPool with these options);
 * `options.workers` is ignored (the pool's size counts).
 */
export function runCampaignOnPool(pool: WorkerPool, options: CampaignOptions): Promise<CampaignSummary> {
  const init = workerInit(options);
  if (!sameInit(pool.init, init)) throw new Error(`runCampaignOnPool: the pool was started for ${JSON.stringify(pool.init)}, not ${JSON.stringify(init)}`);
  return campaign({ ...options, workers: pool.size }, pool);
}

/** What a campaign's pool is started for: the options its workers load the scenario with, and how many workers. */
export type CampaignPoolOptions = Pick<CampaignOptions, 'scenarioPath' | 'bugs' | 'swarm' | 'timeoutMs' | 'workers'>;

/**
 * The JIT warm-up of a fresh campaign's workers, before its clock starts: a fresh worker runs
 * its first ten seeds of nemesis.yaml at about five times the CPU of later ones (bench/fuzz.ts).
 */
export const WARM_UP: WarmUp = { seeds: 10, budgetMs: 1_000 };
/** A campaign of fewer seeds per worker than this is not warmed up (the warm-up would cost more than it saves). */
export const WARM_UP_MIN_SEEDS_PER_WORKER = 50;

/**
 * Start `options.workers` workers for campaigns of these options (runCampaignOnPool), each
 * with the scenario loaded and, unless `warmUp` is false, its JIT warmed up (WARM_UP).
 */
export async function startCampaignPool(options: CampaignPoolOptions, warmUp: WarmUp | false = WARM_UP): Promise<WorkerPool> {
  const pool = await WorkerPool.start(options.workers, workerInit(options));
  if (warmUp === false) return pool;
  try {
    await pool.warmUp(warmUp);
  } catch (error) {
    await pool.close();
    throw error;
  }
  return pool;
}

/** Whether a fresh pool for this campaign is worth warming up: a --duration campaign, or enough seeds per worker. */
export function warmUpFor(options: CampaignOptions): WarmUp | false {
  const planned = plannedSeeds(options);
  return planned === undefined || planned >= WARM_UP_MIN_SEEDS_PER_WORKER * options.workers ? WARM_UP : false;
}

/** What every worker of a campaign loads once. */
function workerInit(options: CampaignPoolOptions): WorkerInit {
  return { scenarioPath: options.scenarioPath, bugs: [...options.bugs], swarm: options.swarm, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) };
}

/** The campaign's scenario, loaded, and its output folder and results file, ready. */
async function prepare(options: CampaignOptions): Promise<{ loaded: LoadedScenario; state: CampaignState }> {
  const loaded = await loadScenario(options.scenarioPath, { bugs: options.bugs });
  const text = readFileSync(options.scenarioPath, 'utf8');
  const version = packageVersion();
  const outDir = resolve(options.outDir);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw outputError(outDir, error);
  }
  const extraBugs = loaded.config.bugs.filter((b) => !loaded.scenarioBugs.includes(b));
  const ctx: FailureContext = { loaded, text, extraBugs, swarm: options.swarm, version, outDir };
  return { loaded, state: new CampaignState(options, ctx, join(outDir, 'results.jsonl')) };
}

async function campaign(options: CampaignOptions, given: WorkerPool | undefined): Promise<CampaignSummary> {
  assertOptions(options);
  // The workers start (load the scenario, warm up) while this thread loads it too; the clock starts once they are ready.
  const starting = given === undefined && options.workers > 1 ? startCampaignPool(options, warmUpFor(options)) : undefined;
  starting?.catch(() => undefined); // awaited below; a load error here is reported by this thread's own load first
  let prepared: { loaded: LoadedScenario; state: CampaignState };
  try {
    prepared = await prepare(options);
  } catch (error) {
    // Whatever failed before the pool is taken, the workers it started go too.
    await starting?.then((p) => p.close(), () => undefined);
    throw error;
  }
  const { loaded, state } = prepared;
  const every = options.determinismEvery ?? DETERMINISM_EVERY;
  // The first seed this campaign runs, then every `every`-th: each shard checks its own share.
  let dispatchedCount = 0;
  const checkFor = () => options.checkDeterminism === 'all' || (options.checkDeterminism === 'sample' && dispatchedCount++ % every === 0);
  const seeds = seedNumbers(options);
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};

  const pool: WorkerPool | undefined = given ?? (await starting);
  const startMs = performance.now();
  const deadline = options.durationMs !== undefined ? startMs + options.durationMs : Infinity;
  const more = () => !options.signal?.aborted && performance.now() < deadline && !state.enoughFailures() && state.writeError === undefined;
  let finished = false;
  let planner: GuidedPlanner | undefined;
  try {
    if (options.guided) {
      planner = new GuidedPlanner(loaded, seeds, options.fromSeed, `${options.fromSeed}/${options.shard ? `${options.shard.index}of${options.shard.count}` : 'all'}`);
      finished = await runGuided(planner, options, state, loaded, pool, checkFor, more);
    } else if (pool === undefined) {
      while (more()) {
        const next = seeds.next();
        if (next.done) {
          finished = true;
          break;
        }
        const n = next.value;
        state.dispatched(n);
        state.completed(n, executeSeed(loaded, String(n), { swarm: options.swarm, checkDeterminism: checkFor(), ...timeout }));
        await yieldToLoop(); // lets the progress timer and Ctrl-C through
      }
    } else {
      const inFlight = new Set<Promise<void>>();
      const stopped = aborted(options.signal);
      let exhausted = false;
      for (;;) {
        while (!exhausted && pool.capacity > 0 && more()) {
          const next = seeds.next();
          if (next.done) {
            exhausted = finished = true;
            break;
          }
          const n = next.value;
          state.dispatched(n);
          const p: Promise<void> = pool.run(String(n), checkFor()).then((outcome) => state.completed(n, outcome));
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p)).catch(() => undefined);
        }
        if (inFlight.size === 0 || options.signal?.aborted || state.writeError !== undefined) break;
        await Promise.race([...inFlight, stopped]);
      }
    }
  } finally {
    if (given === undefined) await pool?.close();
  }
  // A file that could not be written (a full disk, a folder removed): exit 2, naming it. The
  // results written before it stay (a contiguous run of seeds), nothing is written after it.
  if (state.writeError !== undefined) throw state.writeError;
  const elapsedMs = performance.now() - startMs;
  const summary = state.summary(elapsedMs, Boolean(options.signal?.aborted), pool?.size ?? 1, finished);
  if (planner !== undefined) {
    summary.coverage = planner.report();
    summary.nextSeed = planner.nextFresh;
  }
  return summary;
}

/**
 * The guided loop: plan a generation from the corpus, run it (on the pool or here), learn
 * from the outcomes in plan order. True when the campaign ran out of runs.
 */
async function runGuided(
  planner: GuidedPlanner,
  options: CampaignOptions,
  state: CampaignState,
  loaded: LoadedScenario,
  pool: WorkerPool | undefined,
  checkFor: () => boolean,
  more: () => boolean,
): Promise<boolean> {
  let budget = plannedSeeds(options) ?? Number.MAX_SAFE_INTEGER;
  while (more()) {
    const tasks = planner.plan(budget);
    if (tasks.length === 0) return true;
    budget -= tasks.length;
    const outcomes: SeedOutcome[] = [];
    for (const task of tasks) state.dispatched(task.id);
    if (pool === undefined) {
      for (const task of tasks) {
        outcomes.push(executeSeed(loaded, task.seed, { swarm: options.swarm, checkDeterminism: checkFor(), knobs: task.knobs, coverage: true, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) }));
        await yieldToLoop();
      }
    } else {
      outcomes.push(...(await Promise.all(tasks.map((task) => pool.run(task.seed, checkFor(), { knobs: task.knobs, coverage: true })))));
    }
    tasks.forEach((task, i) => {
      planner.learn(task, outcomes[i]);
      // Coverage keys are for the planner: the result line and failure file do not carry them.
      delete outcomes[i].coverage;
      state.completed(task.id, outcomes[i], planner.coverageKeys);
    });
    planner.endGeneration();
  }
  return false;
}

function aborted(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function assertOptions(o: CampaignOptions): void {
  const bad = (flag: string, expected: string) => new InputError(flag, undefined, undefined, expected);
  if (!Number.isSafeInteger(o.fromSeed) || o.fromSeed < 0) throw bad('--from-seed', `expected a non-negative integer (got ${o.fromSeed})`);
  if (o.seeds !== undefined && (!Number.isSafeInteger(o.seeds) || o.seeds < 1)) throw bad('--seeds', `expected a positive integer (got ${o.seeds})`);
  if (o.seeds !== undefined && o.durationMs !== undefined) throw bad('--seeds', 'expected either --seeds or --duration, not both');
  if (o.maxFailures !== undefined && (!Number.isSafeInteger(o.maxFailures) || o.maxFailures < 1)) throw bad('--max-failures', `expected a positive integer (got ${o.maxFailures})`);
  if (!Number.isSafeInteger(o.workers) || o.workers < 1) throw bad('--workers', `expected a positive integer (got ${o.workers})`);
}

/** Results in seed order, failures at once, counters for the summary. */
class CampaignState {
  /** Dispatched seeds whose result line is not written yet start at `head` (bounded: trimmed as lines are written). */
  private order: number[] = [];
  private head = 0;
  private lastDispatched: number | undefined;
  private readonly done = new Map<number, SeedOutcome>();
  private runs = 0;
  private errors = 0;
  private undecided = 0;
  private timedOut = 0;
  private checked = 0;
  private readonly failures: CampaignFailure[] = [];
  private readonly mismatches: DeterminismMismatch[] = [];
  private readonly fileOf = new Map<number, string>();
  /** The first write that failed: the campaign stops there. */
  writeError: OutputError | undefined;

  constructor(
    private readonly options: CampaignOptions,
    private readonly ctx: FailureContext,
    private readonly resultsFile: string,
  ) {}

  enoughFailures(): boolean {
    return this.options.maxFailures !== undefined && this.failures.length >= this.options.maxFailures;
  }

  dispatched(n: number): void {
    this.order.push(n);
    this.lastDispatched = n;
  }

  completed(n: number, outcome: SeedOutcome, coverage?: number): void {
    if (this.writeError !== undefined) return;
    try {
      this.record(n, outcome, coverage);
    } catch (error) {
      this.writeError = outputError(this.resultsFile, error);
    }
  }

  private record(n: number, outcome: SeedOutcome, coverage?: number): void {
    this.runs++;
    if (outcome.determinismChecked) this.checked++;
    if (outcome.verdict === 'undecided') this.undecided++;
    if (outcome.timedOut) this.timedOut++;
    if (outcome.verdict === 'fail' || outcome.verdict === 'error') this.recordFailure(n, outcome);
    if (outcome.divergence !== undefined) this.recordMismatch(outcome, outcome.divergence);
    this.done.set(n, outcome);
    this.flush();
    this.options.onProgress?.({ done: this.runs, failures: this.failures.length, ...(coverage !== undefined ? { coverage } : {}) });
  }

  private recordFailure(n: number, outcome: SeedOutcome): void {
    if (outcome.verdict === 'error') this.errors++;
    const name = failureFileName(this.ctx.loaded.name, this.ctx.extraBugs, outcome.seed);
    const path = join(this.ctx.outDir, name);
    const failure = buildFailure(this.ctx, outcome, path);
    writeJsonAtomic(path, failure);
    this.fileOf.set(n, name);
    this.failures.push({
      seed: outcome.seed,
      verdict: failure.verdict,
      violations: outcome.violations,
      ...(outcome.error ? { error: outcome.error.message } : {}),
      replay: failure.replay,
      file: path,
    });
    const what = outcome.error ? `internal error: ${outcome.error.message}` : outcome.violations.map((v) => `${v.checker} (${v.kind}): ${v.message}`).join('; ');
    this.options.onLog?.(`✗ seed ${outcome.seed} · ${what}\n  ${failure.replay}`);
  }

  private recordMismatch(outcome: SeedOutcome, divergence: Divergence): void {
    const path = join(this.ctx.outDir, `determinism--${failureFileName(this.ctx.loaded.name, this.ctx.extraBugs, outcome.seed)}`);
    const text = divergenceText(outcome.seed, divergence);
    writeJsonAtomic(path, { seed: outcome.seed, scenario: this.ctx.loaded.file, bugs: this.ctx.loaded.config.bugs, knobs: outcome.knobs, divergence, faultline: this.ctx.version });
    this.mismatches.push({ seed: outcome.seed, divergence, text, file: path });
    this.options.onLog?.(`internal error: the simulator is not deterministic: ${text}\n  details: ${path}`);
  }

  /** Append the result lines of the completed prefix of dispatched seeds. */
  private flush(): void {
    let chunk = '';
    while (this.head < this.order.length && this.done.has(this.order[this.head])) {
      const n = this.order[this.head++];
      const outcome = this.done.get(n)!;
      this.done.delete(n);
      const file = this.fileOf.get(n);
      this.fileOf.delete(n);
      chunk += `${JSON.stringify(resultLine(outcome, { scenario: this.ctx.loaded.name, bugs: this.ctx.loaded.config.bugs, version: this.ctx.version, file }))}\n`;
    }
    if (chunk !== '') {
      try {
        appendFileSync(this.resultsFile, chunk, 'utf8');
      } catch (error) {
        throw outputError(this.resultsFile, error);
      }
    }
    if (this.head >= 4096) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  summary(elapsedMs: number, interrupted: boolean, workers: number, finished: boolean): CampaignSummary {
    // The resume point: the first seed without a result line (dispatched but abandoned), else
    // the one after the last dispatched (seeds between that are not in this shard are skipped anyway).
    let nextSeed: number;
    if (this.head < this.order.length) nextSeed = this.order[this.head];
    else if (finished && this.options.seeds !== undefined) nextSeed = this.options.fromSeed + this.options.seeds;
    else nextSeed = this.lastDispatched !== undefined ? this.lastDispatched + 1 : this.options.fromSeed;
    const failures = [...this.failures].sort((a, b) => compareSeeds(a.seed, b.seed));
    const loaded: LoadedScenario = this.ctx.loaded;
    return {
      scenario: loaded.file,
      protocol: loaded.protocol.name,
      bugs: [...loaded.config.bugs],
      runs: this.runs,
      failures,
      errors: this.errors,
      undecided: this.undecided,
      timedOut: this.timedOut,
      seedsPerSecond: elapsedMs > 0 ? (this.runs * 1000) / elapsedMs : 0,
      elapsedMs,
      firstFailureSeed: failures[0]?.seed ?? null,
      nextSeed,
      interrupted,
      stoppedEarly: !finished && this.enoughFailures(),
      determinism: { checked: this.checked, mismatches: this.mismatches },
      resultsFile: this.resultsFile,
      workers,
    };
  }
}
