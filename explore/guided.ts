// Guided fuzzing: seeds are not all equal. A campaign with --guided keeps a corpus of the
// runs that reached new coverage (abstract protocol states and transitions, with the fault
// kinds active: sim/coverage.ts) and spends most of its runs on mutants of them — a knob
// changed, a fault added or removed, one seeded stream re-seeded — as P's feedback-guided
// scheduler and Antithesis do; the rest are fresh seeds, so the search never stops
// exploring.
//
// Runs go in generations of a fixed size, planned from the corpus as it stood after the
// previous generation and learned from in plan order, so a guided campaign is the same
// whatever the number of workers. Every mutant is plain data (a seed label and its knobs,
// stream overrides and extra faults included): its failure file replays it exactly.
import type { LoadedScenario, SwarmBounds } from '../scenario/load.js';
import type { FaultAction, NemesisKind, ScriptedFault, SimConfig } from '../sim/config.js';
import { stream, type Prng } from '../sim/prng.js';
import type { SeedOutcome } from './execute.js';
import { compareStrings, type SwarmKnobs } from './swarm.js';

/** Runs per generation: fixed, so that planning does not depend on the worker count. */
export const GENERATION_SIZE = 32;
/** Share of each generation (after the first) given to fresh seeds, in percent. */
export const FRESH_PCT = 25;
/** The corpus keeps at most this many runs (the oldest go first). */
export const CORPUS_MAX = 4096;

export interface GuidedTask {
  /** Dispatch order, from 0. */
  id: number;
  /** The run's seed: an integer for a fresh seed, `<parent>.<id>` for a mutant. */
  seed: string;
  /** The fresh seed's number (fresh seeds only). */
  fresh?: number;
  /** A mutant's knobs (a fresh seed draws its own, or runs the scenario's). */
  knobs?: SwarmKnobs;
  /** What was changed, for humans: `faults+isolate`, `reseed:network`... */
  mutation?: string;
}

interface CorpusEntry {
  seed: string;
  knobs: SwarmKnobs;
  /** Mutants planned from it: the least used entries are picked first. */
  children: number;
}

export interface CoverageReport {
  /** Distinct coverage keys reached. */
  keys: number;
  corpus: number;
  /** Keys after each generation: [runs done, keys]. */
  growth: Array<[number, number]>;
}

export class GuidedPlanner {
  private readonly keys = new Set<string>();
  private corpus: CorpusEntry[] = [];
  private readonly random: Prng;
  private nextId = 0;
  private runs = 0;
  private readonly growth: Array<[number, number]> = [];

  constructor(
    private readonly loaded: LoadedScenario,
    private readonly fresh: Iterator<number>,
    private readonly fromSeed: number,
    campaignSeed: string,
  ) {
    this.random = stream(`guided:${campaignSeed}`, 'planner');
  }

  /** The next generation's tasks (at most `limit`; none when fresh seeds ran out and the corpus is empty). */
  plan(limit: number): GuidedTask[] {
    const size = Math.min(limit, GENERATION_SIZE);
    const tasks: GuidedTask[] = [];
    for (let i = 0; i < size; i++) {
      const mutate = this.corpus.length > 0 && this.random.int(1, 100) > FRESH_PCT;
      const task = mutate ? this.mutant() : this.freshTask();
      if (task === undefined) break;
      tasks.push(task);
    }
    return tasks;
  }

  /** Take in one run's outcome (in plan order); the number of new coverage keys it reached. */
  learn(task: GuidedTask, outcome: SeedOutcome): number {
    this.runs++;
    let added = 0;
    for (const key of outcome.coverage ?? []) {
      if (this.keys.has(key)) continue;
      this.keys.add(key);
      added++;
    }
    if (added > 0 && outcome.verdict !== 'error') {
      this.corpus.push({ seed: task.seed, knobs: task.knobs ?? outcome.knobs ?? knobsOf(this.loaded.config), children: 0 });
      if (this.corpus.length > CORPUS_MAX) this.corpus = this.corpus.slice(this.corpus.length - CORPUS_MAX);
    }
    return added;
  }

  /** Record a point of the growth curve (after each generation). */
  endGeneration(): void {
    this.growth.push([this.runs, this.keys.size]);
  }

  get coverageKeys(): number {
    return this.keys.size;
  }

  report(): CoverageReport {
    return { keys: this.keys.size, corpus: this.corpus.length, growth: [...this.growth] };
  }

  private freshTask(): GuidedTask | undefined {
    const next = this.fresh.next();
    if (next.done) return undefined;
    this.lastFresh = next.value;
    return { id: this.nextId++, seed: String(next.value), fresh: next.value };
  }
  private lastFresh: number | undefined;

  /** The fresh seed a resumed campaign would start from. */
  get nextFresh(): number {
    return this.lastFresh === undefined ? this.fromSeed : this.lastFresh + 1;
  }

  private mutant(): GuidedTask {
    // A tournament of two: the entry with fewer mutants so far (the later one on a tie).
    const a = this.random.int(0, this.corpus.length - 1);
    const b = this.random.int(0, this.corpus.length - 1);
    const parent = this.corpus[this.corpus[a].children < this.corpus[b].children ? a : b];
    parent.children++;
    const id = this.nextId++;
    let knobs = cloneKnobs(parent.knobs);
    // The parent's streams, unless a mutation re-seeds one: a mutant is its parent with a change.
    knobs.streams = { base: parent.knobs.streams?.base ?? parent.seed, ...(parent.knobs.streams?.reseed ? { reseed: { ...parent.knobs.streams.reseed } } : {}) };
    const names: string[] = [];
    const count = this.random.int(1, 2);
    for (let m = 0; m < count; m++) {
      const applied = mutate(knobs, this.loaded.config, this.random, id, this.loaded.swarm);
      knobs = applied.knobs;
      names.push(applied.name);
    }
    return { id, seed: `${parent.seed}.${id}`, knobs, mutation: names.join(' ') };
  }
}

/** The scenario's own settings as knobs (a campaign without swarm). */
export function knobsOf(config: SimConfig): SwarmKnobs {
  const knobs: SwarmKnobs = { lossPpm: config.network.lossPpm, duplicatePpm: config.network.duplicatePpm };
  const nem = config.nemesis;
  if (nem !== undefined) {
    knobs.nemesis = {
      weights: { ...nem.weights },
      intervalUs: [nem.intervalUs[0], nem.intervalUs[1]],
      durationUs: [nem.durationUs[0], nem.durationUs[1]],
      maxCrashed: nem.maxCrashed,
      clockJumpMaxUs: nem.clockJumpMaxUs,
      clockDriftMaxPpm: nem.clockDriftMaxPpm,
    };
  }
  return knobs;
}

function cloneKnobs(k: SwarmKnobs): SwarmKnobs {
  return JSON.parse(JSON.stringify(k)) as SwarmKnobs;
}

/** The mutation operators, in a fixed order (the draw picks one by index). */
const OPERATORS = ['reseed', 'weights', 'interval', 'duration', 'max-crashed', 'loss', 'add-fault', 'remove-fault', 'swarm'] as const;

/** One mutation of `knobs`, within the scenario's bounds. Returns new knobs and what changed. */
export function mutate(knobs: SwarmKnobs, config: SimConfig, r: Prng, id: number, bounds?: SwarmBounds): { knobs: SwarmKnobs; name: string } {
  const k = cloneKnobs(knobs);
  const nem = config.nemesis;
  const op = OPERATORS[r.int(0, OPERATORS.length - 1)];
  switch (op) {
    case 'reseed': {
      const labels = ['network', 'faults', 'workload', 'disk', ...Array.from({ length: config.nodes }, (_, n) => `node:n${n + 1}`)];
      const label = r.pick(labels);
      k.streams = { ...k.streams, reseed: { ...k.streams?.reseed, [label]: `${label}#${id}` } };
      return { knobs: k, name: `reseed:${label}` };
    }
    case 'weights': {
      if (nem === undefined || k.nemesis === undefined) break;
      const kinds = (Object.keys(nem.weights) as NemesisKind[]).filter((x) => (nem.weights[x] ?? 0) > 0).sort(compareStrings);
      if (kinds.length < 2) break;
      const kind = r.pick(kinds);
      const on = (k.nemesis.weights[kind] ?? 0) > 0;
      const others = kinds.filter((x) => x !== kind && (k.nemesis!.weights[x] ?? 0) > 0);
      if (on && others.length === 0) break; // keep one kind on
      k.nemesis.weights[kind] = on ? 0 : nem.weights[kind]!;
      return { knobs: k, name: `${on ? '-' : '+'}${kind}` };
    }
    case 'interval':
    case 'duration': {
      if (nem === undefined || k.nemesis === undefined) break;
      const field = op === 'interval' ? 'intervalUs' : 'durationUs';
      const up = r.int(0, 1) === 1;
      // Doubled or halved, within the swarm's range: [a tenth of, twice] the scenario's bounds.
      const clamp = (us: number, i: number) => Math.max(1, Math.ceil(nem[field][i] / 10), Math.min(nem[field][i] * 2, us));
      const [a, b] = k.nemesis[field].map((us, i) => clamp(up ? us * 2 : Math.floor(us / 2), i));
      k.nemesis[field] = [Math.min(a, b), Math.max(a, b)];
      return { knobs: k, name: `${op}${up ? '×2' : '÷2'}` };
    }
    case 'max-crashed': {
      if (nem === undefined || k.nemesis === undefined || nem.maxCrashed === 0) break;
      k.nemesis.maxCrashed = r.int(1, nem.maxCrashed);
      return { knobs: k, name: `maxCrashed=${k.nemesis.maxCrashed}` };
    }
    case 'loss': {
      k.lossPpm = config.network.lossPpm === 0 ? 0 : r.int(0, config.network.lossPpm);
      k.duplicatePpm = config.network.duplicatePpm === 0 ? 0 : r.int(0, config.network.duplicatePpm);
      return { knobs: k, name: 'loss/dup' };
    }
    case 'add-fault': {
      const added = extraFault(config, r);
      if (added.length === 0) break;
      k.faults = [...(k.faults ?? []), ...added];
      return { knobs: k, name: `+${added[0].action.kind}` };
    }
    case 'swarm': {
      // Another value from one of the scenario's swarm: lists (a cluster size, an option value).
      const choices: string[] = [];
      if (bounds?.nodes !== undefined && bounds.nodes.length > 1) choices.push('nodes');
      for (const key of Object.keys(bounds?.options ?? {}).sort(compareStrings)) if (bounds!.options![key].length > 1) choices.push(`option:${key}`);
      if (choices.length === 0) break;
      const choice = r.pick(choices);
      if (choice === 'nodes') {
        k.nodes = r.pick(bounds!.nodes!);
        // A flaky node beyond the new size goes.
        if (k.flaky !== undefined && (k.flaky.node >= k.nodes || k.flaky.keeps.some((x) => x >= k.nodes!))) delete k.flaky;
        return { knobs: k, name: `nodes=${k.nodes}` };
      }
      const key = choice.slice('option:'.length);
      k.options = { ...k.options, [key]: r.pick(bounds!.options![key]) };
      return { knobs: k, name: `${key}=${JSON.stringify(k.options[key])}` };
    }
    case 'remove-fault': {
      if (k.faults === undefined || k.faults.length === 0) break;
      const i = r.int(0, k.faults.length - 1);
      const kind = k.faults[i].action.kind;
      k.faults = k.faults.filter((_, j) => j !== i);
      return { knobs: k, name: `-${kind}` };
    }
  }
  // The operator did not apply to this scenario: re-seed the faults stream instead.
  k.streams = { ...k.streams, reseed: { ...k.streams?.reseed, faults: `faults#${id}` } };
  return { knobs: k, name: 'reseed:faults' };
}

/** A fault aimed at the leader (or a majority), with its end, inside the fault phase. */
function extraFault(config: SimConfig, r: Prng): ScriptedFault[] {
  const stop = config.faultsStopUs;
  if (stop <= 1) return [];
  const at = r.int(0, stop - 1);
  const [lo, hi] = config.nemesis?.durationUs ?? [50_000, 1_000_000];
  const end = Math.min(stop, at + r.int(Math.max(1, lo), Math.max(1, hi)));
  const pick = r.int(0, 3);
  const start: FaultAction =
    pick === 0 ? { kind: 'isolate', node: 'leader' } : pick === 1 ? { kind: 'crash', node: 'leader' } : pick === 2 ? { kind: 'pause', node: 'leader', durationUs: Math.max(1, end - at) } : { kind: 'partition-majority' };
  if (start.kind === 'pause') return [{ atUs: at, action: start }];
  const finish: FaultAction = start.kind === 'crash' ? { kind: 'restart', node: 'all' } : { kind: 'heal' };
  return [
    { atUs: at, action: start },
    { atUs: end, action: finish },
  ];
}
