// The composition of one run: kernel (sim/) + protocol + checkers. `run` uses it today;
// fuzz, replay and shrink reuse it. Synchronous, so it can run inside a worker thread.
import { checkHistory, getModel } from '../checkers/index.js';
import { IncrementalLinearizability } from '../checkers/linearizability/index.js';
import type { HistoryRetention } from '../sim/history.js';
import type { RunResult, Violation } from '../sim/result.js';
import { runSimulation } from '../sim/world.js';
import { InternalRunError } from './errors.js';
import { applyOverrides, extraBugs, type LoadedScenario, type ScenarioOverrides } from './load.js';
import { checkTransactional, type TransactionalResult } from './history-checks.js';
import { LINEARIZABILITY } from './registry.js';
import { shellQuote } from './shell.js';

export { InternalRunError };

export type Verdict = 'pass' | 'fail' | 'undecided';

export type LinearizabilityVerdict = 'linearizable' | 'not-linearizable' | 'unknown';

export interface ScenarioRun {
  /** The scenario as it ran (overrides applied). */
  loaded: LoadedScenario;
  result: RunResult;
  /** fail if any violation; else undecided if the run or a checker ran out of budget; else pass. */
  verdict: Verdict;
  /** Why the verdict is undecided (the event budget, the wall-clock timeout, or the linearizability checker's budget). */
  undecided?: string;
  /** The kernel's violations (safety, liveness) followed by the linearizability one, if any. */
  violations: Violation[];
  /** Undefined when the scenario does not select the linearizability checker. */
  linearizability: LinearizabilityVerdict | undefined;
  /** The paste-back command that reproduces this run. */
  replay: string;
  /** The linearizability checker's whole result (its counterexample, for reports), when it ran. */
  linearizabilityResult?: LinearizabilityResult;
  /** The transactional history checker's result (serializability or conservation), when it ran. */
  transactional?: TransactionalResult;
  /** Operations the clients invoked (`result.history` may keep only some of them: RunLimits.history). */
  operations: number;
  /** What `result.history` holds: every event, or (RunLimits.history 'bounded') those from faults stopping on. */
  historyKept: 'all' | 'from-faults-stop';
}

export interface RunLimits {
  /** Wall-clock limit of the simulation, in milliseconds: when it expires the run stops, undecided. */
  timeoutMs?: number;
  /**
   * `bounded`: at fuzz level, check linearizability as the run goes (the incremental check)
   * and keep in `result.history` only the events from faults stopping on (what the liveness
   * checks read), and keep no fault log (`result.faultLog` is empty), so that memory stays
   * flat on long runs. Applies when the history checker
   * is linearizability with a model the incremental check supports (kv, zk, registers,
   * mutex...) or there is none; otherwise, and at full level, the whole history is kept.
   * Default `all`: the whole history, checked at the end (as before). Verdicts and hashes
   * are the same either way; the counterexample of a bounded run comes from the failing
   * key's operations since its last cut.
   */
  history?: 'all' | 'bounded';
}

/** Run a loaded scenario once: simulate, then check the history for linearizability when selected. */
export function runScenario(scenario: LoadedScenario, overrides: ScenarioOverrides = {}, limits: RunLimits = {}): ScenarioRun {
  const loaded = applyOverrides(scenario, overrides);
  const replay = replayCommand(loaded);
  try {
    // The wall clock is read here, never in sim/: the kernel only asks whether to stop.
    const timeoutMs = limits.timeoutMs;
    let timedOut = false;
    const deadline = timeoutMs !== undefined ? performance.now() + timeoutMs : undefined;
    const shouldStop = deadline !== undefined ? () => (timedOut = performance.now() >= deadline) : undefined;
    const bounded = limits.history === 'bounded' ? boundedHistory(loaded) : undefined;
    // A bounded run keeps no fault log either: it grows with the run, and only shrinking and
    // reports (which run their own fuzz- and full-level runs) read it.
    const result = runSimulation(loaded.config, { ...(shouldStop ? { shouldStop } : {}), ...(bounded ? { history: bounded.retention, keepFaultLog: false } : {}) });
    const violations = [...result.violations];
    let linearizability: LinearizabilityVerdict | undefined;
    let linearizabilityResult: LinearizabilityResult | undefined;
    if (loaded.linearizability) {
      const checked = bounded?.incremental ? bounded.incremental.finish() : checkHistory(result.history, loaded.protocol.model);
      linearizabilityResult = checked;
      linearizability = checked.verdict;
      if (checked.verdict === 'not-linearizable') violations.push(linearizabilityViolation(result, checked));
    }
    let transactional: TransactionalResult | undefined;
    if (loaded.historyChecker !== undefined && loaded.historyChecker !== LINEARIZABILITY) {
      const lastEvent = Math.max(0, result.events - 1);
      const checked = checkTransactional(loaded.historyChecker, result.history, loaded.config.clients.workload, { atUs: result.simulatedUs, event: lastEvent });
      transactional = checked.checked;
      if (checked.violation) violations.push(placeAtHistoryEvent(checked.violation, result, checked.historyIndex));
    }
    const verdict = decideVerdict(violations, linearizability, result.undecided);
    let undecided: string | undefined;
    if (verdict === 'undecided') {
      undecided =
        result.undecided !== undefined
          ? timedOut
            ? `the run could not be judged within its budget: the --timeout of ${timeoutMs}ms expired after ${result.events} events, at ${result.simulatedUs}us of ${loaded.config.durationUs}us simulated`
            : result.undecided
          : 'the linearizability checker ran out of its budget; the history is neither confirmed nor refuted';
    }
    return {
      loaded,
      result,
      verdict,
      violations,
      linearizability,
      replay,
      operations: bounded ? bounded.invokes() : result.history.reduce((n, e) => (e.type === 'invoke' ? n + 1 : n), 0),
      historyKept: bounded ? 'from-faults-stop' : 'all',
      ...(undecided !== undefined ? { undecided } : {}),
      ...(linearizabilityResult !== undefined ? { linearizabilityResult } : {}),
      ...(transactional !== undefined ? { transactional } : {}),
    };
  } catch (error) {
    throw new InternalRunError(error, loaded.config.seed, replay);
  }
}

/**
 * The bounded history of a fuzz-level run (RunLimits.history 'bounded'): the incremental
 * check fed as events are recorded, and only the events from faults stopping on kept.
 * Undefined when the run must keep its whole history: full recording (reports, replays),
 * a transactional checker, or a model the incremental check does not support.
 */
function boundedHistory(loaded: LoadedScenario): { retention: HistoryRetention; incremental: IncrementalLinearizability | undefined; invokes: () => number } | undefined {
  if (loaded.config.record === 'full') return undefined;
  let incremental: IncrementalLinearizability | undefined;
  if (loaded.linearizability) {
    const model = getModel(loaded.protocol.model);
    if (!model || !IncrementalLinearizability.supports(model)) return undefined;
    incremental = new IncrementalLinearizability(model);
  } else if (loaded.historyChecker !== undefined) return undefined;
  let invokes = 0;
  const check = incremental;
  const sink = check
    ? (ev: Parameters<NonNullable<HistoryRetention['sink']>>[0]) => {
        if (ev.type === 'invoke') invokes++;
        check.add(ev);
      }
    : (ev: Parameters<NonNullable<HistoryRetention['sink']>>[0]) => {
        if (ev.type === 'invoke') invokes++;
      };
  return { retention: { sink, keepFromUs: loaded.config.faultsStopUs }, incremental, invokes: () => invokes };
}

/** A violation as reports, JSON output and files show it: the actor by name (n1, c2), and a protocol exception's stack. */
export interface ViolationJson {
  kind: string;
  checker: string;
  message: string;
  atUs: number;
  event: number;
  /** The node or client actor whose code threw (protocol exceptions). */
  node?: string;
  /** A protocol exception's stack frames. */
  stack?: string;
}

export function violationJson(v: Violation, nodes: number): ViolationJson {
  const out: ViolationJson = { kind: v.kind, checker: v.checker, message: v.message, atUs: v.atUs, event: v.event };
  if (v.node !== undefined) out.node = v.node < nodes ? `n${v.node + 1}` : `c${v.node - nodes + 1}`;
  if (v.stack !== undefined) out.stack = v.stack;
  return out;
}

/**
 * A violation of any kind is a failure (a bug was found); otherwise a run cut short by its
 * budget (`runUndecided`: maxEvents or a timeout) or a checker out of budget leaves it undecided.
 */
export function decideVerdict(violations: readonly Violation[], linearizability: LinearizabilityVerdict | undefined, runUndecided?: string): Verdict {
  if (violations.length > 0) return 'fail';
  return linearizability === 'unknown' || runUndecided !== undefined ? 'undecided' : 'pass';
}

/** `faultline run <scenario> --seed S [--bug X]...` (only the bugs the file does not set itself). */
export function replayCommand(loaded: LoadedScenario): string {
  const parts = ['faultline', 'run', shellQuote(loaded.file), '--seed', shellQuote(loaded.config.seed)];
  for (const bug of extraBugs(loaded)) parts.push('--bug', shellQuote(bug));
  return parts.join(' ');
}

type LinearizabilityResult = ReturnType<typeof checkHistory>;

/**
 * The linearizability failure as a Violation: at the completion of the operation that could
 * not be linearized. Its event index in the run is known from the trace (full recording);
 * without one, it is the run's last event (where the check ran).
 */
function linearizabilityViolation(result: RunResult, checked: LinearizabilityResult): Violation {
  const counterexample = checked.counterexample;
  const lastEvent = Math.max(0, result.events - 1);
  if (!counterexample) {
    return { kind: 'linearizability', checker: LINEARIZABILITY, message: `the client history is not linearizable (model ${checked.model})`, atUs: result.simulatedUs, event: lastEvent };
  }
  const op = counterexample.op;
  const after = counterexample.lastLinearized ? `after ${counterexample.lastLinearized.text}` : 'as the first operation';
  const message = `${counterexample.partition}: ${op.text} cannot be linearized ${after}: ${counterexample.reason} (model ${checked.model}, state ${counterexample.stateAtFailure})`;
  const historyIndex = op.completeIndex ?? op.invokeIndex;
  const traced = result.trace?.find((event) => event.k === 'history' && event.event.index === historyIndex);
  return { kind: 'linearizability', checker: LINEARIZABILITY, message, atUs: op.completeTimeUs ?? op.invokeTimeUs, event: traced?.i ?? lastEvent };
}

/** A history checker's violation at the history event it is about: its time, and its event in the trace when there is one. */
function placeAtHistoryEvent(v: Violation, result: RunResult, historyIndex: number | undefined): Violation {
  if (historyIndex === undefined) return v;
  const ev = result.history.find((e) => e.index === historyIndex);
  const traced = result.trace?.find((event) => event.k === 'history' && event.event.index === historyIndex);
  return { ...v, atUs: ev?.timeUs ?? v.atUs, event: traced?.i ?? v.event };
}
