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

describe('each bug variant is found by a nemesis over seeds, by the checker BUGS.md names', () => {
  const cases: Array<{ bug: string; config: Partial<SimConfig>; checker: string; maxSeeds: number }> = [
    { bug: 'figure-8', config: figure8Nemesis, checker: 'committed-never-lost', maxSeeds: 400 },
    { bug: 'volatile-vote', config: volatileVoteNemesis, checker: 'election-safety', maxSeeds: 200 },
    { bug: 'no-prevote', config: noPrevoteNemesis, checker: 'liveness', maxSeeds: 50 },
    { bug: 'ack-before-persist', config: ackBeforePersistNemesis, checker: 'committed-never-lost', maxSeeds: 200 },
  ];
  it.each(cases)('$bug ($checker)', ({ bug, config, checker, maxSeeds }) => {
    let first: RunResult | undefined;
    let seed = 0;
    for (; seed < maxSeeds && first === undefined; seed++) {
      const r = runSimulation(raftConfig({ ...config, seed: String(seed), bugs: [bug] }));
      if (r.violations.length > 0) first = r;
    }
    expect(first, `no failure in ${maxSeeds} seeds`).toBeDefined();
    expect(first!.violations[0].checker).toBe(checker);
    console.info(`${bug}: first failure at seed ${seed - 1} (${seed} seeds): ${first!.violations[0].message}`);
    // The correct Raft survives the same seeds.
    for (let s = 0; s < seed; s++) {
      const ok = runSimulation(raftConfig({ ...config, seed: String(s) }));
      expect(ok.violations, `correct Raft, seed ${s}`).toEqual([]);
    }
  });
});
