// simulate(): one run of a config (or a loaded scenario) with a seed, checked, for tests
// and scripts. faultline/testing and the main entry point both export it.
import type { LoadedScenario } from './load.js';
import { withDeterminismGuard } from './guard.js';
import { checkerNames, historyModelOf, LINEARIZABILITY } from './registry.js';
import { withStandardChecks } from './standard-checks.js';
import { decideVerdict, runScenario, type LinearizabilityVerdict, type Verdict } from './runner.js';
import { checkHistory, type Model } from '../checkers/index.js';
import type { SimConfig } from '../sim/config.js';
import type { RunResult, Violation } from '../sim/result.js';

export interface SimulateOptions {
  /** Check the client history for linearizability (default: as the scenario says; true for a bare config). */
  linearizability?: boolean;
  /** Keep the full trace (slower). Default: the config's own level. */
  record?: SimConfig['record'];
  /**
   * The determinism guard around the protocol's handlers (Math.random, Date.now, timers...
   * throw while a handler runs). Default true; the run's hash is the same either way.
   */
  guard?: boolean;
  /**
   * A linearizability model of your own (a `Model`): the client history is checked against
   * it, in place of the protocol's built-in model. The way to add a model to a test suite.
   */
  model?: Model;
}

export type SimulateResult = RunResult & {
  verdict: Verdict;
  /** The kernel's violations and the linearizability checker's. */
  violations: Violation[];
  linearizability: LinearizabilityVerdict | undefined;
};

function isLoaded(input: SimConfig | LoadedScenario): input is LoadedScenario {
  return (input as LoadedScenario).config !== undefined && (input as LoadedScenario).available !== undefined;
}

/** A bare config as a scenario the runner accepts. */
export function scenarioOf(bare: SimConfig, options: SimulateOptions = {}): LoadedScenario {
  const config = { ...bare, protocol: withStandardChecks(bare.protocol) };
  const historyModel = historyModelOf(config.protocol, config.clients.generator);
  const available = checkerNames(config.protocol, config.protocolOptions, historyModel);
  const check = options.linearizability ?? true;
  const linearizability = check && available.history === LINEARIZABILITY;
  const named = config.checks ?? [...available.invariants, ...available.liveness];
  return {
    file: `<${config.protocol.name} config>`,
    name: config.protocol.name,
    description: undefined,
    protocolRef: config.protocol.name,
    protocol: config.protocol,
    config,
    scenarioBugs: [...config.bugs],
    checkers: check ? [...named, available.history] : named,
    linearizability,
    historyModel,
    historyChecker: check ? available.history : undefined,
    available,
  };
}

/**
 * Run a config (or a loaded scenario) with a seed, check it, and return the run with its
 * verdict. Deterministic: the same input and seed give the same result, hash included.
 */
export function simulate(input: SimConfig | LoadedScenario, seed?: string | number, options: SimulateOptions = {}): SimulateResult {
  let loaded = isLoaded(input) ? input : scenarioOf(input, options);
  if (isLoaded(input) && options.linearizability !== undefined) loaded = { ...loaded, linearizability: options.linearizability };
  if (options.guard !== false) {
    const protocol = withDeterminismGuard(loaded.config.protocol);
    loaded = { ...loaded, protocol, config: { ...loaded.config, protocol } };
  }
  if (options.model !== undefined) loaded = { ...loaded, linearizability: false };
  const run = runScenario(loaded, { ...(seed !== undefined ? { seed: String(seed) } : {}), ...(options.record ? { record: options.record } : {}) });
  if (options.model === undefined) return { ...run.result, violations: run.violations, verdict: run.verdict, linearizability: run.linearizability };
  // The user's model: checked here as the runner checks a built-in one.
  const checked = checkHistory(run.result.history, options.model);
  const violations = [...run.violations];
  if (checked.verdict === 'not-linearizable') {
    const cx = checked.counterexample;
    const message = `the history is not linearizable against model ${options.model.name}${cx !== undefined ? ` (partition ${cx.partition}): ${cx.reason}` : ''}`;
    violations.push({ kind: 'linearizability', checker: LINEARIZABILITY, message, atUs: run.result.simulatedUs, event: Math.max(0, run.result.events - 1) });
  }
  return { ...run.result, violations, verdict: decideVerdict(violations, checked.verdict, run.result.undecided), linearizability: checked.verdict };
}
