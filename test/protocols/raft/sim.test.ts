// Raft in the simulator: SimConfigs built directly, whole runs, many seeds.
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../../checkers/linearizability/index.js';
import type { SimConfig } from '../../../sim/config.js';
import type { RunResult } from '../../../sim/result.js';
import { runSimulation } from '../../../sim/world.js';
import {
  ackBeforePersistNemesis,
  figure8Nemesis,
  noPrevoteNemesis,
  raftConfig,
  standardNemesis,
  volatileVoteNemesis,
} from './sim-config.js';

const linearizable = (r: RunResult): string => checkHistory(r.history, 'kv', { budgetSteps: 20_000_000 }).verdict;

describe('a healthy cluster', () => {
  it('elects exactly one leader and serves every client operation, linearizably', () => {
    const r = runSimulation(raftConfig({ record: 'full', faultsStopUs: 0 }));
    expect(r.violations).toEqual([]);
    const notes = r.trace!.filter((e) => e.k === 'note');
    expect(notes.filter((e) => e.kind === 'become-leader')).toHaveLength(1);
    const done = r.history.filter((e) => e.type !== 'invoke');
    expect(done.filter((e) => e.type === 'ok').length).toBeGreaterThan(500);
    expect(done.filter((e) => e.type === 'info')).toEqual([]);
    // Fails are cas mismatches only: definite answers.
    for (const e of done.filter((x) => x.type === 'fail')) expect([e.f, e.error]).toEqual(['cas', 'cas mismatch']);
    expect(linearizable(r)).toBe('linearizable');
  });

  it('replays bit for bit from its seed', () => {
    const a = runSimulation(raftConfig({ seed: '42', nemesis: standardNemesis }));
    const b = runSimulation(raftConfig({ seed: '42', nemesis: standardNemesis }));
    expect(a.hash).toBe(b.hash);
    expect(a.history).toEqual(b.history);
  });
});

describe('the correct Raft under the random nemesis', () => {
  const seeds = 500;
  it(`passes every invariant, liveness and linearizability on ${seeds} seeds (5 nodes, 6 s of faults, 4 s of calm)`, () => {
    const failures: string[] = [];
    let events = 0;
    const t0 = performance.now();
    for (let s = 0; s < seeds; s++) {
      const r = runSimulation(raftConfig({ seed: String(s), nemesis: standardNemesis }));
      events += r.events;
      for (const v of r.violations) failures.push(`seed ${s}: ${v.checker}: ${v.message}`);
      const lin = linearizable(r);
      if (lin !== 'linearizable') failures.push(`seed ${s}: linearizability: ${lin}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    console.info(`raft nemesis: ${seeds} seeds in ${seconds.toFixed(1)} s (with linearizability), ${(events / seconds / 1e6).toFixed(2)} M events/s`);
    expect(failures).toEqual([]);
  });
});

/** The checkers BUGS.md names, without the ones that catch a bug at its first wrong step (monotonic-commit, committed-prefix-stable, vote-once, leader-quorum). */
const classicChecks = ['election-safety', 'log-matching', 'state-machine-safety', 'committed-never-lost', 'monotonic-term', 'liveness'];

function firstFailure(bug: string, config: Partial<SimConfig>, maxSeeds: number, checks?: string[]): { seed: number; result: RunResult | undefined } {
  for (let seed = 0; seed < maxSeeds; seed++) {
    const r = runSimulation(raftConfig({ ...config, seed: String(seed), bugs: [bug], checks }));
    if (r.violations.length > 0) return { seed, result: r };
  }
  return { seed: maxSeeds, result: undefined };
}

describe('each bug variant is found by a nemesis over seeds: first by the check that sees its first wrong step, and by the checker BUGS.md names without it', () => {
  const cases: Array<{ bug: string; config: Partial<SimConfig>; checker: string; classic?: string; maxSeeds: number }> = [
    { bug: 'figure-8', config: figure8Nemesis, checker: 'commit-current-term', classic: 'committed-never-lost', maxSeeds: 400 },
    { bug: 'volatile-vote', config: volatileVoteNemesis, checker: 'vote-once', classic: 'election-safety', maxSeeds: 200 },
    { bug: 'no-prevote', config: noPrevoteNemesis, checker: 'liveness', maxSeeds: 50 },
    { bug: 'ack-before-persist', config: ackBeforePersistNemesis, checker: 'committed-prefix-stable', classic: 'committed-never-lost', maxSeeds: 200 },
  ];
  it.each(cases)('$bug ($checker)', ({ bug, config, checker, classic, maxSeeds }) => {
    const { seed, result: first } = firstFailure(bug, config, maxSeeds);
    expect(first, `no failure in ${maxSeeds} seeds`).toBeDefined();
    expect(first!.violations[0].checker).toBe(checker);
    console.info(`${bug}: first failure at seed ${seed} (${seed + 1} seeds): ${checker}: ${first!.violations[0].message}`);
    let seeds = seed + 1;
    if (classic !== undefined) {
      // The classic checker still finds the bug on its own, later: on its seed, the run with
      // every check stopped no later (the checks do not change the run, only where it stops).
      const late = firstFailure(bug, config, maxSeeds, classicChecks);
      expect(late.result, `${classic}: no failure in ${maxSeeds} seeds`).toBeDefined();
      expect(late.result!.violations[0].checker).toBe(classic);
      const all = runSimulation(raftConfig({ ...config, seed: String(late.seed), bugs: [bug] }));
      expect(all.violations[0].event).toBeLessThanOrEqual(late.result!.violations[0].event);
      console.info(`${bug}: ${classic} alone first at seed ${late.seed}, event ${late.result!.violations[0].event}; with every check, ${all.violations[0].checker} at event ${all.violations[0].event}`);
      seeds = Math.max(seeds, late.seed + 1);
    }
    // The correct Raft survives the same seeds.
    for (let s = 0; s < seeds; s++) {
      const ok = runSimulation(raftConfig({ ...config, seed: String(s) }));
      expect(ok.violations, `correct Raft, seed ${s}`).toEqual([]);
    }
  });
});
