// Two-phase commit in the simulator: many seeds of the generic nemesis (as `faultline fuzz`
// draws them), each bug variant found by it, determinism, and a fast-check property over
// fault schedules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyKnobs, drawKnobs } from '../../../explore/swarm.js';
import { itFindsEachBug, itReplaysFromItsSeed } from '../bug-scenarios.js';
import { loadScenario, type LoadedScenario } from '../../../scenario/load.js';
import type { ScriptedFault, SimConfig } from '../../../sim/config.js';
import { runSimulation } from '../../../sim/world.js';
import { faultScheduleArb, seedArb } from '../../../testing.js';
import { fcSeed } from '../../sim/fc-seed.js';
import { conservation, okReads, runObserved } from './helpers.js';

const nemesisFile = 'scenarios/twopc/nemesis.yaml';

/** One fuzz seed of the nemesis: the scenario with the seed's swarm knobs. */
function fuzzConfig(loaded: LoadedScenario, seed: number, bugs: string[] = [], durationUs?: number): SimConfig {
  const config: SimConfig = { ...loaded.config, seed: String(seed), bugs };
  if (durationUs !== undefined) Object.assign(config, { durationUs, faultsStopUs: durationUs - 3_500_000 });
  return applyKnobs(config, drawKnobs(String(seed), loaded.config, loaded.swarm));
}

describe('the correct two-phase commit under the generic nemesis', () => {
  const seeds = 500;
  it(`holds atomicity, lock-conflict, liveness and conservation on ${seeds} seeds (7 s: 3.5 s of faults, 3.5 s of calm)`, async () => {
    const loaded = await loadScenario(nemesisFile);
    const failures: string[] = [];
    let blocked = 0;
    let reads = 0;
    const t0 = performance.now();
    for (let s = 0; s < seeds; s++) {
      const config = fuzzConfig(loaded, s, [], 7_000_000);
      const r = runObserved(config);
      for (const v of r.violations) failures.push(`seed ${s}: ${v.checker}: ${v.message}`);
      const bad = conservation(r.history, config);
      if (bad !== undefined) failures.push(`seed ${s}: conservation: ${bad}`);
      if (r.finding !== undefined) blocked++;
      reads += okReads(r.history);
    }
    const seconds = (performance.now() - t0) / 1000;
    console.info(`twopc nemesis: ${seeds} seeds in ${seconds.toFixed(1)} s; ${blocked} with blocked transactions (all finished: liveness); ${reads} ok reads conserved`);
    expect(failures).toEqual([]);
    // Not vacuous: the nemesis does crash the coordinator between votes and decisions, and reads do succeed.
    expect(blocked).toBeGreaterThan(10);
    expect(reads).toBeGreaterThan(seeds * 5);
  }, 120_000);

  itReplaysFromItsSeed(nemesisFile, fuzzConfig);
});

describe('each bug variant is found by the generic nemesis', () => {
  // First failing seeds (10 s runs, as `faultline fuzz` runs them); the bound leaves room.
  const cases = [
    { bug: 'abort-when-uncertain', checkers: ['atomicity'], within: 20 },
    { bug: 'unlogged-decision', checkers: ['atomicity'], within: 1000 },
    { bug: 'commit-on-timeout', checkers: ['atomicity'], within: 20 },
  ];
  itFindsEachBug(nemesisFile, fuzzConfig, cases, 60_000);
});

describe('fast-check: any schedule of crashes, partitions and pauses', () => {
  const scripted = async (): Promise<(faults: ScriptedFault[], seed: string) => SimConfig> => {
    const loaded = await loadScenario('scenarios/twopc/bank.yaml');
    return (faults, seed) => ({ ...loaded.config, faults, seed });
  };

  it('the correct protocol holds atomicity, lock-conflict, liveness and conservation', async () => {
    const config = await scripted();
    const loaded = await loadScenario('scenarios/twopc/bank.yaml');
    fc.assert(
      fc.property(faultScheduleArb(4, loaded.config.faultsStopUs, { kinds: ['crash', 'partition', 'pause'] }), seedArb, (faults, seed) => {
        const c = config(faults, seed);
        const r = runSimulation(c);
        return r.violations.length === 0 && conservation(r.history, c) === undefined;
      }),
      { seed: fcSeed, numRuns: 100 },
    );
  }, 60_000);

  it('finds abort-when-uncertain from a schedule of faults', async () => {
    const config = await scripted();
    const loaded = await loadScenario('scenarios/twopc/bank.yaml');
    const property = fc.property(faultScheduleArb(4, loaded.config.faultsStopUs, { kinds: ['crash', 'partition'] }), seedArb, (faults, seed) => {
      return runSimulation({ ...config(faults, seed), bugs: ['abort-when-uncertain'] }).violations.length === 0;
    });
    expect(fc.check(property, { seed: fcSeed, numRuns: 100, endOnFailure: true }).failed).toBe(true);
  }, 60_000);
});
