// Single-decree Paxos in the simulator over many seeds: the correct protocol under the
// nemesis and under fast-check fault schedules; each variant found by the nemesis; and
// determinism (same seed, same hash).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenario/load.js';
import type { SimConfig } from '../../../sim/config.js';
import { runSimulation } from '../../../sim/world.js';
import { faultScheduleArb } from '../../../testing.js';

const nemesisFile = 'scenarios/paxos/single-nemesis.yaml';
const fcSeed = Number(process.env.FAULTLINE_FC_SEED ?? 20261123);

async function nemesis(): Promise<SimConfig> {
  return (await loadScenario(nemesisFile)).config;
}

describe('the correct single-decree Paxos under the random nemesis', () => {
  const seeds = 500;
  it(`passes chosen-unique, learned-chosen, monotonic-ballots and liveness on ${seeds} seeds`, async () => {
    const base = await nemesis();
    const failures: string[] = [];
    let events = 0;
    const t0 = performance.now();
    for (let s = 0; s < seeds; s++) {
      const r = runSimulation({ ...base, seed: String(s) });
      events += r.events;
      for (const v of r.violations) failures.push(`seed ${s}: ${v.checker}: ${v.message}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    console.info(`paxos single-nemesis: ${seeds} seeds, ${events} events in ${seconds.toFixed(2)} s, ${(events / seconds / 1e6).toFixed(2)} M events/s`);
    expect(failures).toEqual([]);
  });
});

describe('fast-check: no fault schedule makes the correct protocol choose two values', () => {
  it('chosen-unique (and every other check) holds over seeds and fault schedules', async () => {
    const base = await nemesis();
    // The nemesis off: the schedule is fast-check's, shrinkable.
    const config = { ...base, nemesis: undefined };
    fc.assert(
      fc.property(faultScheduleArb(config.nodes, config.faultsStopUs, { maxFaults: 8, maxWindowUs: 200_000 }), fc.nat(1_000_000), (faults, seed) => {
        const r = runSimulation({ ...config, faults, seed: String(seed) });
        const bad = r.violations.map((v) => `${v.checker}: ${v.message}`);
        if (bad.length > 0) throw new Error(`seed ${seed}: ${bad.join('; ')}`);
        return true;
      }),
      { seed: fcSeed, numRuns: 200 },
    );
  });

  it('the same property finds ignore-accepted (so it can fail)', async () => {
    const base = await nemesis();
    const config = { ...base, nemesis: undefined, bugs: ['ignore-accepted'] };
    const out = fc.check(
      fc.property(faultScheduleArb(config.nodes, config.faultsStopUs, { maxFaults: 4 }), fc.nat(1_000_000), (faults, seed) => {
        return runSimulation({ ...config, faults, seed: String(seed) }).violations.every((v) => v.checker !== 'chosen-unique');
      }),
      { seed: fcSeed, numRuns: 50 },
    );
    expect(out.failed).toBe(true);
  });
});

describe('each bug variant is found by the nemesis within a few seeds, and the correct protocol survives those seeds', () => {
  const cases: Array<{ bug: string; checker: string; checks?: string[]; maxSeeds: number }> = [
    // At its first wrong step (a restarted acceptor's ballots go back), and at the consequence without that check.
    { bug: 'volatile-acceptor', checker: 'monotonic-ballots', maxSeeds: 50 },
    { bug: 'volatile-acceptor', checker: 'chosen-unique', checks: ['chosen-unique', 'liveness'], maxSeeds: 400 },
    { bug: 'ignore-accepted', checker: 'chosen-unique', maxSeeds: 20 },
    { bug: 'bad-quorum', checker: 'learned-chosen', maxSeeds: 20 },
    { bug: 'bad-quorum', checker: 'chosen-unique', checks: ['chosen-unique', 'liveness'], maxSeeds: 100 },
    { bug: 'no-backoff', checker: 'liveness', maxSeeds: 20 },
  ];
  it.each(cases)('$bug: $checker', async ({ bug, checker, checks, maxSeeds }) => {
    const base = await nemesis();
    let found = -1;
    for (let s = 0; s < maxSeeds && found < 0; s++) {
      const r = runSimulation({ ...base, seed: String(s), bugs: [bug], checks });
      if (r.violations.length > 0) {
        expect(r.violations[0].checker, `seed ${s}: ${r.violations[0].message}`).toBe(checker);
        found = s;
      }
    }
    expect(found, `no failure in ${maxSeeds} seeds`).toBeGreaterThanOrEqual(0);
    console.info(`${bug}: ${checker} first at seed ${found} (${found + 1} seeds)`);
    for (let s = 0; s <= found; s++) expect(runSimulation({ ...base, seed: String(s), checks }).violations, `correct, seed ${s}`).toEqual([]);
  });
});

describe('determinism', () => {
  it('the same seed gives the same hash and trace; another seed another hash', async () => {
    const base = await nemesis();
    const a = runSimulation({ ...base, seed: '7', record: 'full' });
    const b = runSimulation({ ...base, seed: '7', record: 'full' });
    const c = runSimulation({ ...base, seed: '8' });
    expect(a.hash).toBe(b.hash);
    expect(a.trace).toEqual(b.trace);
    expect(c.hash).not.toBe(a.hash);
  });

  it('a livelocked run (no-backoff) replays bit for bit too', async () => {
    const loaded = await loadScenario('scenarios/paxos/single-no-backoff.yaml');
    expect(runSimulation(loaded.config).hash).toBe(runSimulation(loaded.config).hash);
  });
});
