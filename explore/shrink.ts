// Shrinking a failure to a scenario a person can read: the nemesis becomes the concrete
// script it played (RunResult.faultLog); the run is cut to the violation; faults after the
// decisive moment go (a bisection on the tail), then single faults latest first, then
// delta debugging (ddmin); heals and restarts move earlier, fewer clients, fewer
// operations, fewer nodes, and the network's background loss goes. Every candidate runs
// deterministically with the failure's seed and is kept only if it fails the same way
// (the same checker) and, when the scenario enables bug variants, only if the correct
// protocol passes it (a control run): a candidate that any protocol would fail, such as a
// liveness phase too short for any election, is not a witness of the bug. The liveness
// phase keeps its length. The number of candidate runs is bounded.
//
// Runs under faults are chaotic: removing an early fault changes everything after it. So
// the cheap, exact cuts come first (after the violation nothing matters), and removals
// start from the end of the schedule, where they disturb the least.
import type { LoadedScenario } from '../scenario/load.js';
import { runScenario, type ScenarioRun } from '../scenario/runner.js';
import type { FaultAction, NodeTarget, ScriptedFault, SimConfig } from '../sim/config.js';
import type { Micros } from '../sim/types.js';
import { remap, remapKeeping, withoutDanglingNames } from './remap.js';

export interface ShrinkSize {
  faults: number;
  /** Client operations invoked in the failing run. */
  ops: number;
  durationUs: Micros;
  faultsStopUs: Micros;
  nodes: number;
  clients: number;
  nemesis: boolean;
}

export interface ShrinkOptions {
  /** The checker the failure must keep failing (default: the first violation's). */
  checker?: string;
  maxRuns: number;
  /** Wall-clock bound, in ms (optional). */
  maxTimeMs?: number;
  /**
   * Keep a candidate only if the same scenario without its bug variants does not fail the
   * same checker. Default: on when the scenario enables bug variants.
   */
  control?: boolean;
  /**
   * How many other seeds a candidate may try when the failure's own seed no longer fails
   * with it (default 4). A run under faults is chaotic: removing one fault reshuffles what
   * follows, so a smaller schedule often shows the same bug under a neighbouring seed. The
   * result names the seed it fails with; 0 keeps the original seed throughout.
   */
  seedTries?: number;
  onLog?: (line: string) => void;
}

export interface ShrinkResult {
  checker: string;
  /** The smallest scenario found (it fails the same way). */
  loaded: LoadedScenario;
  run: ScenarioRun;
  before: ShrinkSize;
  after: ShrinkSize;
  runs: number;
  elapsedMs: number;
  /** What each accepted step changed. */
  steps: string[];
  /** The run budget ran out before the search ended. */
  exhausted: boolean;
  /** Candidates rejected because the correct protocol failed them too. */
  controlRejections: number;
}

export class ShrinkError extends Error {
  override name = 'ShrinkError';
}

const TIME_RESOLUTION_US = 1_000;

export function sizeOf(config: SimConfig, run: ScenarioRun): ShrinkSize {
  return {
    faults: config.nemesis ? run.result.faultLog.length : config.faults.length,
    ops: run.operations,
    durationUs: config.durationUs,
    faultsStopUs: config.faultsStopUs,
    nodes: config.nodes,
    clients: config.clients.clients,
    nemesis: config.nemesis !== undefined,
  };
}

export function shrink(start: LoadedScenario, options: ShrinkOptions): ShrinkResult {
  return new Shrinker(start, options).shrink();
}

class Shrinker {
  private runs = 0;
  private readonly t0 = performance.now();
  private best: SimConfig;
  private bestRun!: ScenarioRun;
  private checker!: string;
  private readonly steps: string[] = [];
  private exhausted = false;
  /** The second phase: candidates may fail under a neighbouring seed. */
  private flexibleSeeds = false;
  private controlRejections = 0;
  private readonly control: boolean;
  /** Length of the liveness phase (duration - faultsStop): kept while shrinking. */
  private readonly livenessWindowUs: Micros;

  constructor(
    private readonly start: LoadedScenario,
    private readonly options: ShrinkOptions,
  ) {
    this.best = { ...start.config, record: 'fuzz' };
    this.control = options.control ?? start.config.bugs.length > 0;
    this.livenessWindowUs = start.config.durationUs - start.config.faultsStopUs;
  }

  private log(line: string): void {
    this.options.onLog?.(line);
  }

  private outOfBudget(): boolean {
    if (this.runs >= this.options.maxRuns) return true;
    return this.options.maxTimeMs !== undefined && performance.now() - this.t0 >= this.options.maxTimeMs;
  }

  /**
   * Run a candidate, with its own seed and then with a few alternative seeds; true (and it
   * becomes the best, with the seed that failed) when it fails the same way.
   */
  private test(proposed: SimConfig): boolean {
    // A fault aimed at a name whose fault went names nobody: it goes too (a file may not hold it).
    const faults = withoutDanglingNames(proposed.faults);
    const candidate = faults.length === proposed.faults.length ? proposed : { ...proposed, faults };
    const tries = this.flexibleSeeds ? (this.options.seedTries ?? 4) : 0;
    if (this.testSeed(candidate)) return true;
    for (let k = 1; k <= tries && !this.exhausted; k++) {
      const seed = `${this.start.config.seed}-${k}`;
      // A neighbouring seed re-seeds every stream (stream overrides from guided fuzzing go with it).
      if (seed !== candidate.seed && this.testSeed({ ...candidate, seed, streams: undefined })) return true;
    }
    return false;
  }

  private testSeed(candidate: SimConfig): boolean {
    // A candidate may need its control run too: both must fit in the budget.
    if (this.outOfBudget() || (this.control && this.runs + 2 > this.options.maxRuns)) {
      this.exhausted = true;
      return false;
    }
    this.runs++;
    let run: ScenarioRun;
    try {
      run = runScenario({ ...this.start, config: candidate }, { record: 'fuzz' });
    } catch {
      return false; // a candidate the protocol cannot run (too few nodes, say) is not the same failure
    }
    if (!run.violations.some((v) => v.checker === this.checker)) return false;
    if (this.control && this.correctFails(candidate)) {
      this.controlRejections++;
      return false;
    }
    this.best = candidate;
    this.bestRun = run;
    return true;
  }

  /** The control run: the candidate without bug variants fails the same checker too. */
  private correctFails(candidate: SimConfig): boolean {
    this.runs++;
    try {
      const run = runScenario({ ...this.start, config: { ...candidate, bugs: [] } }, { record: 'fuzz' });
      return run.violations.some((v) => v.checker === this.checker);
    } catch {
      return true;
    }
  }

  private accept(what: string, ok: boolean): boolean {
    if (ok) {
      this.steps.push(what);
      this.log(`  ✓ ${what} (${this.runs} runs)`);
    }
    return ok;
  }

  shrink(): ShrinkResult {
    const first = runScenario({ ...this.start, config: this.best }, { record: 'fuzz' });
    this.runs++;
    const checker = this.options.checker ?? first.violations[0]?.checker;
    if (checker === undefined || !first.violations.some((v) => v.checker === checker)) {
      throw new ShrinkError(`the failure does not reproduce: seed ${this.best.seed} gives ${first.verdict}${first.violations.length ? ` (${first.violations.map((v) => v.checker).join(', ')})` : ''}, not a ${checker ?? 'violation'}`);
    }
    this.checker = checker;
    this.bestRun = first;
    const before = sizeOf(this.best, first);

    this.toScript();
    this.shorterRun();
    this.dropTail();
    // The cheap steps (a few runs each) before the ones whose cost grows with the schedule.
    this.simplifyNetwork();
    this.fewerClients();
    this.fewerOps();
    this.fewerNodes();
    this.dropWindows();
    this.dropSingles();
    this.passes();
    // Then the same passes again, where a candidate may also fail under a neighbouring seed:
    // every accepted step is still a smaller scenario, so this phase only improves.
    if ((this.options.seedTries ?? 4) > 0 && !this.outOfBudget()) {
      this.flexibleSeeds = true;
      this.dropWindows();
      this.dropSingles();
      this.passes();
    }
    return {
      checker,
      loaded: { ...this.start, config: { ...this.best, record: this.start.config.record } },
      run: this.bestRun,
      before,
      after: sizeOf(this.best, this.bestRun),
      runs: this.runs,
      elapsedMs: performance.now() - this.t0,
      steps: this.steps,
      exhausted: this.exhausted || this.outOfBudget(),
      controlRejections: this.controlRejections,
    };
  }

  private passes(): void {
    for (let pass = 1; pass <= 4 && !this.outOfBudget(); pass++) {
      const mark = this.steps.length;
      this.ddminFaults();
      this.earlierEnds();
      this.shorterFaults();
      this.fewerClients();
      this.fewerOps();
      this.shorterRun();
      this.fewerNodes();
      if (this.steps.length === mark) break;
      this.dropWindows();
      this.dropSingles();
    }
  }

  /** The faults as applied, concrete, and no nemesis: a script to cut down. */
  private toScript(): void {
    const log = this.bestRun.result.faultLog;
    // A scripted crash-restart logs its restart separately: keep the crash, and the restart as its own fault.
    const faults = log.map((f): ScriptedFault => (f.action.kind === 'crash-restart' ? { atUs: f.atUs, action: { kind: 'crash', node: f.action.node } } : f));
    const candidate: SimConfig = { ...this.best, faults, nemesis: undefined };
    delete candidate.nemesis;
    const had = this.best.nemesis !== undefined;
    if (!this.accept(`${had ? 'nemesis replaced by its' : 'faults replaced by their'} ${faults.length} concrete faults`, this.test(candidate)) && had) {
      this.log('  the concrete script does not fail the same way: keeping the nemesis (faults cannot be cut down)');
    }
  }

  private simplifyNetwork(): void {
    const net = this.best.network;
    if (net.lossPpm > 0) this.accept('no background message loss', this.test({ ...this.best, network: { ...net, lossPpm: 0 } }));
    const now = this.best.network;
    if (now.duplicatePpm > 0) this.accept('no message duplication', this.test({ ...this.best, network: { ...now, duplicatePpm: 0 } }));
  }

  /** Faults after the decisive moment do not matter: bisect for the shortest prefix of the schedule that still fails. */
  private dropTail(): void {
    if (this.best.nemesis !== undefined || this.best.faults.length === 0) return;
    const all = this.best.faults;
    const before = all.length;
    const withPrefix = (k: number) => this.test({ ...this.best, faults: all.slice(0, k) });
    let lo = -1; // prefixes of length <= lo are not known to fail
    let hi = all.length; // the whole list fails
    if (withPrefix(0)) hi = 0;
    else lo = 0;
    while (hi - lo > 1 && !this.outOfBudget()) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (withPrefix(mid)) hi = mid;
      else lo = mid;
    }
    // test() made the last failing prefix the best; a bisection that ended on a passing
    // probe leaves it there too.
    this.accept(`faults ${before} → ${this.best.faults.length} (the schedule's tail after the decisive fault)`, this.best.faults.length < before);
  }

  /**
   * Remove whole fault windows (a crash with its restart, a partition with its heal), the
   * latest first. Removing only one end of a window leaves the other to reshape the run,
   * so windows go far more often than their ends do one at a time.
   */
  private dropWindows(): void {
    if (this.best.nemesis !== undefined) return;
    const before = this.best.faults.length;
    for (let i = this.best.faults.length - 1; i >= 0 && !this.outOfBudget(); i--) {
      if (i >= this.best.faults.length) continue;
      const start = windowOpenerIndex(this.best.faults, i);
      if (start === undefined) continue;
      const faults = this.best.faults.filter((_, j) => j !== i && j !== start);
      if (this.test({ ...this.best, faults })) i--; // the opener, before i, went too
    }
    this.accept(`faults ${before} → ${this.best.faults.length} (whole windows, latest first)`, this.best.faults.length < before);
  }

  /** Remove single faults, the latest first: late faults disturb the least. */
  private dropSingles(): void {
    if (this.best.nemesis !== undefined) return;
    const before = this.best.faults.length;
    for (let i = this.best.faults.length - 1; i >= 0 && !this.outOfBudget(); i--) {
      const faults = this.best.faults.filter((_, j) => j !== i);
      this.test({ ...this.best, faults });
    }
    this.accept(`faults ${before} → ${this.best.faults.length} (one at a time, latest first)`, this.best.faults.length < before);
  }

  /** Zeller's ddmin over the fault list (the empty list first: maybe no fault is needed). */
  private ddminFaults(): void {
    if (this.best.nemesis !== undefined) return;
    const before = this.best.faults.length;
    if (before === 0) return;
    const withFaults = (faults: ScriptedFault[]) => this.test({ ...this.best, faults });
    if (withFaults([])) {
      this.accept(`faults ${before} → 0`, true);
      return;
    }
    let list = this.best.faults;
    let n = 2;
    // ddmin pays off when chunks can go; on a chaotic run (any removal changes everything
    // after it) it would spend the whole budget on failed chunks: stop after a few rounds' worth.
    const stopAt = this.runs + 4 * list.length + 8;
    while (list.length >= 2 && !this.outOfBudget() && this.runs < stopAt) {
      const chunks = split(list, n);
      let reduced = false;
      for (const chunk of chunks) {
        if (withFaults(chunk)) {
          list = chunk;
          n = 2;
          reduced = true;
          break;
        }
      }
      if (!reduced && n > 2) {
        for (let i = 0; i < chunks.length; i++) {
          const complement = chunks.filter((_, j) => j !== i).flat();
          if (withFaults(complement)) {
            list = complement;
            n = Math.max(n - 1, 2);
            reduced = true;
            break;
          }
        }
      }
      if (!reduced) {
        if (n >= list.length) break;
        n = Math.min(list.length, n * 2);
      }
    }
    if (list.length === 1 && withFaults([])) list = [];
    this.accept(`faults ${before} → ${this.best.faults.length} (ddmin)`, this.best.faults.length < before);
  }

  /** Heals and restarts as early as the failure allows: shorter fault windows. */
  private earlierEnds(): void {
    if (this.best.nemesis !== undefined) return;
    for (let i = 0; i < this.best.faults.length && !this.outOfBudget(); i++) {
      const f = this.best.faults[i];
      const startAt = windowStart(this.best.faults, i);
      if (startAt === undefined || f.atUs - startAt <= TIME_RESOLUTION_US) continue;
      const original = f.atUs;
      const at = this.searchDown(startAt, original, (t) => this.withFault(i, { atUs: t, action: f.action }));
      if (at < original) this.accept(`${f.action.kind} at ${ms(original)} → ${ms(at)}`, true);
    }
  }

  /** Pauses, loss, delay and reorder bursts and crash-restarts as short as the failure allows. */
  private shorterFaults(): void {
    if (this.best.nemesis !== undefined) return;
    for (let i = 0; i < this.best.faults.length && !this.outOfBudget(); i++) {
      const f = this.best.faults[i];
      const a = f.action;
      let current: Micros;
      let rebuild: (us: Micros) => FaultAction;
      if (a.kind === 'pause' || a.kind === 'loss-burst' || a.kind === 'delay-burst' || a.kind === 'reorder-burst') {
        current = a.durationUs;
        rebuild = (us) => ({ ...a, durationUs: us });
      } else if (a.kind === 'crash-restart') {
        current = a.downUs;
        rebuild = (us) => ({ ...a, downUs: us });
      } else continue;
      if (current <= TIME_RESOLUTION_US) continue;
      const us = this.searchDown(TIME_RESOLUTION_US - 1, current, (t) => this.withFault(i, { atUs: f.atUs, action: rebuild(t) }));
      if (us < current) this.accept(`${a.kind} at ${ms(f.atUs)} lasts ${ms(current)} → ${ms(us)}`, true);
    }
  }

  private withFault(i: number, fault: ScriptedFault): boolean {
    const faults = this.best.faults.slice();
    faults[i] = fault;
    return this.test({ ...this.best, faults });
  }

  /**
   * The smallest value in (lo, hi] for which `fails` holds, assuming it holds at hi:
   * a bisection, at millisecond resolution. `fails` makes the candidate the best when true.
   */
  private searchDown(lo: Micros, hi: Micros, fails: (t: Micros) => boolean): Micros {
    while (hi - lo > TIME_RESOLUTION_US && !this.outOfBudget()) {
      const mid = roundMs(lo + Math.floor((hi - lo) / 2), lo, hi);
      if (mid <= lo || mid >= hi) break;
      if (fails(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  private fewerClients(): void {
    const current = this.best.clients.clients;
    for (let k = 0; k < current && !this.outOfBudget(); k++) {
      if (this.test(remap(this.best, this.best.nodes, k))) {
        this.accept(`clients ${current} → ${k}`, true);
        return;
      }
    }
  }

  /** Clients stop issuing operations earlier. */
  private fewerOps(): void {
    if (this.best.clients.clients === 0) return;
    const current = this.best.clients.stopUs ?? this.best.durationUs;
    const withStop = (t: Micros) => this.test({ ...this.best, clients: { ...this.best.clients, stopUs: t } });
    if (current > 0 && withStop(0)) {
      this.accept(`clients stop at ${ms(current)} → 0 (no operations)`, true);
      return;
    }
    const stop = this.searchDown(0, current, withStop);
    if (stop < current) this.accept(`clients stop at ${ms(current)} → ${ms(stop)}`, true);
  }

  /**
   * A shorter run. A safety violation stops the run, so cutting the run (and faultsStop) just
   * after it changes nothing before it: one exact run. Then faults stop earlier, with the
   * liveness phase keeping its length (a shorter one is no evidence against a protocol).
   */
  private shorterRun(): void {
    const lastFaultAt = () => this.best.faults.reduce((m, f) => Math.max(m, f.atUs), 0);
    const withTimes = (faultsStopUs: Micros, durationUs: Micros) => {
      const clients = { ...this.best.clients };
      if (clients.stopUs !== undefined && clients.stopUs > durationUs) clients.stopUs = durationUs;
      const faults = this.best.faults.filter((f) => f.atUs <= durationUs);
      return this.test({ ...this.best, faultsStopUs, durationUs, clients, faults });
    };
    const original = { stop: this.best.faultsStopUs, end: this.best.durationUs };
    const v = this.bestRun.violations.find((x) => x.checker === this.checker);
    const safety = v !== undefined && v.kind !== 'liveness';
    if (safety) {
      const end = ceilMs(v.atUs + 1);
      if (end < this.best.durationUs) withTimes(Math.min(this.best.faultsStopUs, end), end);
    }
    const floor = this.best.nemesis ? 0 : lastFaultAt();
    if (this.best.faultsStopUs > floor) {
      const window = safety ? this.best.durationUs - this.best.faultsStopUs : this.livenessWindowUs;
      this.searchDown(floor, this.best.faultsStopUs, (t) => withTimes(t, Math.min(this.best.durationUs, t + window)));
    }
    if (safety && this.best.durationUs > this.best.faultsStopUs) this.searchDown(this.best.faultsStopUs, this.best.durationUs, (t) => withTimes(this.best.faultsStopUs, t));
    if (this.best.faultsStopUs < original.stop || this.best.durationUs < original.end) {
      this.accept(`duration ${ms(original.end)} → ${ms(this.best.durationUs)}, faults stop ${ms(original.stop)} → ${ms(this.best.faultsStopUs)}`, true);
    }
  }

  /** Smaller clusters, smallest first; faults naming removed nodes go. With roles, one role's nodes at a time. */
  private fewerNodes(): void {
    const roles = this.best.roles;
    const current = this.best.nodes;
    if (roles === undefined) {
      for (let k = 1; k < current && !this.outOfBudget(); k++) {
        if (this.test(remap(this.best, k, this.best.clients.clients))) {
          this.accept(`nodes ${current} → ${k}`, true);
          return;
        }
      }
      return;
    }
    const groups = [...new Set(roles.map((r) => r.join('+')))];
    for (const group of groups) {
      const members = roles.flatMap((r, id) => (r.join('+') === group ? [id] : []));
      for (let k = 0; k < members.length && !this.outOfBudget(); k++) {
        const dropped = new Set(members.slice(k));
        const keep = roles.flatMap((_, id) => (dropped.has(id) ? [] : [id]));
        if (keep.length > 0 && this.test(remapKeeping(this.best, keep, this.best.clients.clients))) {
          this.accept(`${group} nodes ${members.length} → ${k}`, true);
          return;
        }
      }
    }
  }
}

function ms(us: Micros): string {
  return us % 1000 === 0 ? `${us / 1000}ms` : `${us}us`;
}

function ceilMs(us: Micros): Micros {
  return Math.ceil(us / TIME_RESOLUTION_US) * TIME_RESOLUTION_US;
}

/** A round millisecond inside (lo, hi) near `t`, when there is one (shrunk files read better). */
function roundMs(t: Micros, lo: Micros, hi: Micros): Micros {
  const r = Math.round(t / TIME_RESOLUTION_US) * TIME_RESOLUTION_US;
  return r > lo && r < hi ? r : t;
}

function split<T>(list: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  const size = Math.ceil(list.length / n);
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** When the fault a heal or restart ends began: the latest matching start before it. */
function windowStart(faults: readonly ScriptedFault[], i: number): Micros | undefined {
  const j = windowOpenerIndex(faults, i);
  return j === undefined ? undefined : faults[j].atUs;
}

/** The index of the fault that the heal or restart at `i` ends, if any. */
export function windowOpenerIndex(faults: readonly ScriptedFault[], i: number): number | undefined {
  const end = faults[i].action;
  for (let j = i - 1; j >= 0; j--) {
    const a = faults[j].action;
    if (end.kind === 'heal' && end.node !== undefined) {
      // A heal of one node ends the isolate of that node.
      if (a.kind === 'isolate' && (sameNode(a.node, end.node) || isNamed(end.node, a.as))) return j;
      continue;
    }
    if (end.kind === 'heal' && (a.kind === 'partition' || a.kind === 'isolate' || a.kind === 'one-way' || a.kind === 'bridge' || a.kind === 'partition-halves' || a.kind === 'partition-majority')) return j;
    if (end.kind === 'restart' && a.kind === 'crash' && (end.node === 'all' || sameNode(a.node, end.node) || isNamed(end.node, a.as))) return j;
  }
  return undefined;
}

function sameNode(x: NodeTarget, y: NodeTarget): boolean {
  return typeof x === 'object' && typeof y === 'object' ? JSON.stringify(x) === JSON.stringify(y) : x === y;
}

/** Does `target` aim at the name `as` gives? */
function isNamed(target: NodeTarget | 'all', as: string | undefined): boolean {
  return as !== undefined && typeof target === 'object' && 'ref' in target && target.ref === as;
}
