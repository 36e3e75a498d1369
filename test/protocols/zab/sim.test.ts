// Zab in the simulator: whole runs, many seeds of the generic nemesis (with its swarm knobs,
// as `faultline fuzz` draws them), determinism, each bug variant found by the nemesis, and
// fast-check properties over seeds and fault schedules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../../checkers/linearizability/index.js';
import { applyKnobs, drawKnobs } from '../../../explore/swarm.js';
import { itFindsEachBug, itReplaysFromItsSeed } from '../bug-scenarios.js';
import { loadScenario, type LoadedScenario } from '../../../scenario/load.js';
import type { ScriptedFault, SimConfig } from '../../../sim/config.js';
import type { RunResult } from '../../../sim/result.js';
import { runSimulation } from '../../../sim/world.js';
import { faultScheduleArb, seedArb, simulate } from '../../../testing.js';
import { fcSeed } from '../../sim/fc-seed.js';

const nemesisFile = 'scenarios/zab/nemesis.yaml';
const linearizable = (r: RunResult): string => checkHistory(r.history, 'zk', { budgetSteps: 20_000_000 }).verdict;

/** One fuzz seed of the nemesis: the scenario with the seed's swarm knobs. */
function fuzzConfig(loaded: LoadedScenario, seed: number, bugs: string[] = []): SimConfig {
  const config: SimConfig = { ...loaded.config, seed: String(seed), bugs };
  return applyKnobs(config, drawKnobs(String(seed), loaded.config, loaded.swarm));
}

describe('the correct Zab under the generic nemesis', () => {
  const seeds = 500;
  it(`passes every invariant, liveness and linearizability on ${seeds} seeds (swarm knobs, 6 s of faults, 4 s of calm)`, async () => {
    const loaded = await loadScenario(nemesisFile);
    const failures: string[] = [];
    let events = 0;
    let oks = 0;
    const t0 = performance.now();
    for (let s = 0; s < seeds; s++) {
      const r = runSimulation(fuzzConfig(loaded, s));
      events += r.events;
      for (const e of r.history) if (e.type === 'ok') oks++;
      for (const v of r.violations) failures.push(`seed ${s}: ${v.checker}: ${v.message}`);
      const lin = linearizable(r);
      if (lin !== 'linearizable') failures.push(`seed ${s}: linearizability: ${lin}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    console.info(`zab nemesis: ${seeds} seeds in ${seconds.toFixed(1)} s (with linearizability), ${(events / seconds / 1e6).toFixed(2)} M events/s, ${oks} ok operations`);
    expect(failures).toEqual([]);
    // Not vacuous: clients get served.
    expect(oks).toBeGreaterThan(seeds * 50);
  }, 90_000);

  itReplaysFromItsSeed(nemesisFile, fuzzConfig);
});

describe('each bug variant is found by the generic nemesis within a few seeds', () => {
  const cases = [
    { bug: 'volatile-epoch', checkers: ['monotonic-epochs', 'one-leader-per-epoch'] },
    { bug: 'diff-without-trunc', checkers: ['delivered-prefix', 'primary-order', 'primary-integrity'] },
  ];
  itFindsEachBug(nemesisFile, fuzzConfig, cases);
});

describe('fast-check', () => {
  it('any seed of the nemesis: the correct protocol passes (safety, liveness, linearizability)', async () => {
    const loaded = await loadScenario(nemesisFile);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        const r = runSimulation(fuzzConfig(loaded, seed));
        return r.violations.length === 0 && linearizable(r) === 'linearizable';
      }),
      { seed: fcSeed, numRuns: 60 },
    );
  }, 60_000);

  it('any schedule of crashes, partitions and pauses on three servers: the correct protocol passes', async () => {
    const loaded = await loadScenario('scenarios/zab/diff.yaml');
    const scripted = (faults: ScriptedFault[]): LoadedScenario => ({ ...loaded, config: { ...loaded.config, faults } });
    fc.assert(
      fc.property(faultScheduleArb(3, loaded.config.faultsStopUs, { kinds: ['crash', 'partition', 'pause'] }), seedArb, (faults, seed) => simulate(scripted(faults), seed).verdict === 'pass'),
      { seed: fcSeed, numRuns: 100 },
    );
  }, 60_000);

  it('finds volatile-epoch from a schedule of crashes (the property can fail)', async () => {
    const loaded = await loadScenario('scenarios/zab/diff.yaml', { bugs: ['volatile-epoch'] });
    const property = fc.property(faultScheduleArb(3, loaded.config.faultsStopUs, { kinds: ['crash', 'partition'] }), seedArb, (faults, seed) =>
      simulate({ ...loaded, config: { ...loaded.config, faults } }, seed).verdict === 'pass',
    );
    expect(fc.check(property, { seed: fcSeed, numRuns: 200 }).failed).toBe(true);
  }, 60_000);
});
