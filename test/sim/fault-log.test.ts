// RunOptions.keepFaultLog false (what a bounded run asks, issue #16): the run is the same
// run, hash and events and violations alike, only its concrete fault log is not kept.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/load.js';
import { runSimulation } from '../../sim/world.js';

describe('keepFaultLog: false', () => {
  it('changes nothing but the fault log, over seeds and recording levels', async () => {
    const loaded = await loadScenario('test/fixtures/scenarios/raft-nemesis-classic.yaml');
    let logged = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom('fuzz' as const, 'full' as const), (seed, record) => {
        const config = { ...loaded.config, seed: String(seed), record };
        const kept = runSimulation(config);
        const dropped = runSimulation(config, { keepFaultLog: false });
        expect(dropped.hash).toBe(kept.hash);
        expect(dropped.events).toBe(kept.events);
        expect(dropped.violations).toEqual(kept.violations);
        expect(dropped.faultLog).toEqual([]);
        logged += kept.faultLog.length;
      }),
      { numRuns: 12 },
    );
    // The nemesis applied faults, so there was a log to drop.
    expect(logged).toBeGreaterThan(12);
  }, 60_000);
});
