// Multi-Paxos in the simulator: whole runs, many seeds of the generic nemesis (with its
// swarm knobs, as `faultline fuzz` draws them), determinism, and a fast-check property.
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

const nemesisFile = 'scenarios/paxos/nemesis.yaml';
const linearizable = (r: RunResult): string => checkHistory(r.history, 'kv', { budgetSteps: 20_000_000 }).verdict;

/** One fuzz seed of the nemesis: the scenario with the seed's swarm knobs. */
function fuzzConfig(loaded: LoadedScenario, seed: number, bugs: string[] = []): SimConfig {
  const config: SimConfig = { ...loaded.config, seed: String(seed), bugs };
  return applyKnobs(config, drawKnobs(String(seed), loaded.config, loaded.swarm));
}

describe('the correct Multi-Paxos under the generic nemesis', () => {
  const seeds = 500;
  it(`passes every invariant, liveness and linearizability on ${seeds} seeds (swarm knobs, 6 s of faults, 4 s of calm)`, async () => {
    const loaded = await loadScenario(nemesisFile);
    const failures: string[] = [];
    let events = 0;
    const t0 = performance.now();
    for (let s = 0; s < seeds; s++) {
      const r = runSimulation(fuzzConfig(loaded, s));
      events += r.events;
      for (const v of r.violations) failures.push(`seed ${s}: ${v.checker}: ${v.message}`);
      const lin = linearizable(r);
      if (lin !== 'linearizable') failures.push(`seed ${s}: linearizability: ${lin}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    console.info(`multipaxos nemesis: ${seeds} seeds in ${seconds.toFixed(1)} s (with linearizability), ${(events / seconds / 1e6).toFixed(2)} M events/s`);
    expect(failures).toEqual([]);
  }, 60_000);

  itReplaysFromItsSeed(nemesisFile, fuzzConfig);
});

describe('each bug variant is found by the generic nemesis within a few seeds', () => {
  const cases = [
    { bug: 'volatile-acceptor', checkers: ['monotonic-ballots', 'chosen-unique'] },
    { bug: 'ignore-accepted', checkers: ['chosen-unique'] },
    { bug: 'bad-quorum', checkers: ['chosen-unique', 'executed-prefix'] },
    { bug: 'no-backoff', checkers: ['liveness'] },
    { bug: 'new-leader-at-own-end', checkers: ['chosen-unique'] },
  ];
  itFindsEachBug(nemesisFile, fuzzConfig, cases);
});

describe('fast-check: any schedule of crashes, partitions and pauses', () => {
  it('the correct protocol holds (safety, liveness and linearizability) on the kv-churn scenario without its scripted faults', async () => {
    const loaded = await loadScenario('scenarios/paxos/kv-churn.yaml');
    const scripted = (faults: ScriptedFault[]): LoadedScenario => {
      const config = { ...loaded.config, faults, nodes: 3 };
      delete config.nemesis;
      return { ...loaded, config };
    };
    fc.assert(
      fc.property(faultScheduleArb(3, loaded.config.faultsStopUs, { kinds: ['crash', 'partition', 'pause'] }), seedArb, (faults, seed) => simulate(scripted(faults), seed).verdict === 'pass'),
      { seed: fcSeed, numRuns: 100 },
    );
  }, 60_000);

  it('finds ignore-accepted from a schedule of faults', async () => {
    const loaded = await loadScenario('scenarios/paxos/kv-churn.yaml', { bugs: ['ignore-accepted'] });
    const property = fc.property(faultScheduleArb(loaded.config.nodes, loaded.config.faultsStopUs, { kinds: ['crash', 'partition'] }), seedArb, (faults, seed) => {
      const config = { ...loaded.config, faults };
      delete config.nemesis;
      return simulate({ ...loaded, config }, seed).verdict === 'pass';
    });
    const details = fc.check(property, { seed: fcSeed, numRuns: 200 });
    expect(details.failed).toBe(true);
  }, 60_000);
});
