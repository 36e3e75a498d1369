// RunLimits.history 'bounded' (the incremental linearizability check, and only the events
// from faults stopping on kept) against the default (the whole history, checked at the end):
// the same hash, verdict, violations and linearizability verdict on every shipped
// scenario of the protocols with a linearizability model, over several seeds.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/load.js';
import { runScenario } from '../../scenario/runner.js';

const files = ['raft', 'paxos', 'zab', 'lock'].flatMap((dir) =>
  readdirSync(`scenarios/${dir}`)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => `scenarios/${dir}/${f}`),
);
const SEEDS = 3;
let failures = 0;
let faultsLogged = 0;

describe('bounded history = whole history, at fuzz level', () => {
  it.each(files)('%s', async (file) => {
    const loaded = await loadScenario(file);
    for (let s = 0; s < SEEDS; s++) {
      const overrides = { seed: String(s), record: 'fuzz' as const };
      const whole = runScenario(loaded, overrides);
      const bounded = runScenario(loaded, overrides, { history: 'bounded' });
      const at = `${file} seed ${s}`;
      expect(bounded.result.hash, at).toBe(whole.result.hash);
      expect(bounded.verdict, at).toBe(whole.verdict);
      expect(bounded.linearizability, at).toBe(whole.linearizability);
      expect(bounded.operations, at).toBe(whole.operations);
      expect(bounded.violations.map((v) => `${v.kind} ${v.checker}`), at).toEqual(whole.violations.map((v) => `${v.kind} ${v.checker}`));
      const others = (run: typeof whole) => run.violations.filter((v) => v.kind !== 'linearizability').map((v) => v.message);
      expect(others(bounded), at).toEqual(others(whole));
      if (whole.linearizability === 'not-linearizable') {
        // The counterexample names the same partition.
        failures++;
        expect(bounded.linearizabilityResult?.counterexample, at).toBeDefined();
        expect(bounded.linearizabilityResult?.counterexample?.partition, at).toBe(whole.linearizabilityResult?.counterexample?.partition);
      }
      if (bounded.historyKept === 'from-faults-stop') {
        expect(bounded.result.history.every((e) => e.timeUs >= loaded.config.faultsStopUs), at).toBe(true);
        expect(bounded.result.history.length, at).toBeLessThanOrEqual(whole.result.history.length);
        // Nor does it keep the fault log, which grows with the run.
        expect(bounded.result.faultLog, at).toEqual([]);
        faultsLogged += whole.result.faultLog.length;
      }
    }
  }, 120_000);

  it('the scenarios above include linearizability failures, and faults the whole run logged', () => {
    expect(failures).toBeGreaterThan(3);
    expect(faultsLogged).toBeGreaterThan(100);
  });

  it('keeps the whole history at full level', async () => {
    const loaded = await loadScenario('scenarios/raft/nemesis.yaml');
    const run = runScenario(loaded, { seed: '1', record: 'full' }, { history: 'bounded' });
    expect(run.historyKept).toBe('all');
    expect(run.result.history.length).toBeGreaterThan(0);
    expect(run.result.history[0].index).toBe(0);
  });
});

describe('100-client Raft (test/fixtures/scenarios/raft-100-clients.yaml)', () => {
  it('decides, whole history and bounded alike, within the default budget', async () => {
    const loaded = await loadScenario('test/fixtures/scenarios/raft-100-clients.yaml');
    expect(loaded.config.clients.clients).toBe(100);
    for (const seed of ['1', '2']) {
      const whole = runScenario(loaded, { seed, record: 'fuzz' });
      const bounded = runScenario(loaded, { seed, record: 'fuzz' }, { history: 'bounded' });
      expect(whole.linearizability, `seed ${seed}`).toBe('linearizable');
      expect(bounded.linearizability, `seed ${seed}`).toBe('linearizable');
      expect(bounded.result.hash).toBe(whole.result.hash);
    }
  }, 120_000);
});
