// The lock services in the simulator: the correct lease lock under 500 nemesis seeds, each
// bug variant found by its service's nemesis, fast-check properties over seeds and fault
// schedules, and determinism (same seed, same hash, in this process and another).
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenario/load.js';
import { runSimulation } from '../../../sim/world.js';
import { faultScheduleArb, seedArb, simulate } from '../../../testing.js';
import { fcSeed } from '../../sim/fc-seed.js';
import { hashes } from '../../support/hashes.js';

const dir = 'scenarios/lock';

describe('the correct lease lock (lock-lease) under the random nemesis', () => {
  const seeds = 500;
  it(`passes resource-exclusion, one-holder and lock-liveness on ${seeds} seeds (client and server pauses, clock jumps and drift, crashes, partitions)`, async () => {
    const loaded = await loadScenario(`${dir}/nemesis.yaml`);
    const failures: string[] = [];
    let events = 0;
    let grants = 0;
    const t0 = performance.now();
    for (let s = 0; s < seeds; s++) {
      const r = runSimulation({ ...loaded.config, seed: String(s) });
      events += r.events;
      grants += r.history.filter((e) => e.type === 'ok' && e.f === 'acquire').length;
      for (const v of r.violations) failures.push(`seed ${s}: ${v.checker}: ${v.message}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    console.info(`lock-lease nemesis: ${seeds} seeds in ${seconds.toFixed(1)} s, ${(events / seconds / 1e6).toFixed(2)} M events/s, ${grants} grants`);
    expect(failures).toEqual([]);
    // Not vacuous: the lock changes hands many times per run.
    expect(grants / seeds).toBeGreaterThan(10);
  });
});

/** Each bug on its service's nemesis file, as written (no swarm): the first seed that fails, and the check that must say so. */
const bugs = [
  { file: 'nemesis.yaml', bug: 'no-fencing', caughtBy: 'resource-exclusion', within: 200 },
  { file: 'nemesis.yaml', bug: 'unconditional-release', caughtBy: 'one-holder', within: 200 },
  { file: 'zk-nemesis.yaml', bug: 'no-fencing', caughtBy: 'resource-exclusion', within: 200 },
  { file: 'redlock-nemesis.yaml', bug: 'redlock-clock-jump', caughtBy: 'one-holder', within: 200 },
  { file: 'redlock-nemesis.yaml', bug: 'redlock-volatile', caughtBy: 'one-holder', within: 200 },
  { file: 'redlock-nemesis.yaml', bug: 'unconditional-release', caughtBy: 'one-holder', within: 20 },
  { file: 'redis-nemesis.yaml', bug: 'unconditional-release', caughtBy: 'one-holder', within: 20 },
];

describe('each bug variant is found by its service\'s nemesis', () => {
  it.each(bugs)('$bug on $file, by $caughtBy, within $within seeds', async ({ file, bug, caughtBy, within }) => {
    const loaded = await loadScenario(`${dir}/${file}`);
    let found: { seed: number; message: string } | undefined;
    for (let s = 0; s < within && found === undefined; s++) {
      const r = runSimulation({ ...loaded.config, seed: String(s), bugs: [bug] });
      if (r.violations.length > 0) {
        expect(r.violations.map((v) => v.checker)).toEqual([caughtBy]);
        found = { seed: s, message: r.violations[0].message };
      }
    }
    expect(found).toBeDefined();
    console.info(`${bug} (${file}): first at seed ${found!.seed}: ${found!.message}`);
  });
});

describe('properties (fast-check)', () => {
  it('lock-lease and lock-zk: the correct services pass their nemesis for any seed', async () => {
    const lease = await loadScenario(`${dir}/nemesis.yaml`);
    const zk = await loadScenario(`${dir}/zk-nemesis.yaml`);
    fc.assert(
      fc.property(seedArb, fc.boolean(), (seed, useZk) => {
        const r = runSimulation({ ...(useZk ? zk : lease).config, seed });
        if (r.violations.length > 0) throw new Error(`seed ${seed}: ${r.violations[0].checker}: ${r.violations[0].message}`);
        return true;
      }),
      { seed: fcSeed, numRuns: 40 },
    );
  });

  it('no-fencing breaks the resource and nothing else: a run is clean or fails resource-exclusion', async () => {
    const lease = await loadScenario(`${dir}/nemesis.yaml`);
    fc.assert(
      fc.property(seedArb, (seed) => {
        const r = runSimulation({ ...lease.config, seed, bugs: ['no-fencing'] });
        return r.violations.every((v) => v.checker === 'resource-exclusion');
      }),
      { seed: fcSeed, numRuns: 40 },
    );
  });

  it('lock-lease without client faults: any fault schedule of the servers keeps the history a mutex history', async () => {
    const loaded = await loadScenario(`${dir}/server-faults.yaml`);
    fc.assert(
      fc.property(faultScheduleArb(loaded.config.nodes, loaded.config.faultsStopUs, { maxFaults: 6, clockDriftMaxPpm: 10_000 }), seedArb, (faults, seed) => {
        const scripted = { ...loaded, config: { ...loaded.config, faults, nemesis: undefined } };
        const r = simulate(scripted, seed);
        if (r.verdict !== 'pass') throw new Error(`seed ${seed}: ${r.violations.map((v) => `${v.checker}: ${v.message}`).join('; ')}`);
        return r.linearizability === 'linearizable';
      }),
      { seed: fcSeed, numRuns: 25 },
    );
  });
});

describe('determinism', () => {
  it('the same seed gives the same hash and history; different seeds differ', async () => {
    for (const file of ['nemesis.yaml', 'zk-nemesis.yaml', 'redlock-nemesis.yaml']) {
      const loaded = await loadScenario(`${dir}/${file}`);
      const a = runSimulation({ ...loaded.config, seed: '7' });
      const b = runSimulation({ ...loaded.config, seed: '7' });
      expect(a.hash).toBe(b.hash);
      expect(a.history).toEqual(b.history);
      expect(runSimulation({ ...loaded.config, seed: '8' }).hash).not.toBe(a.hash);
    }
  });

  it('is identical in a separate process', async () => {
    for (const file of [`${dir}/nemesis.yaml`, `${dir}/zk-nemesis.yaml`]) {
      const here = await hashes(file, 0, 20);
      const child = execFileSync(process.execPath, ['--import', 'tsx', 'test/support/hashes.ts', file, '0', '20'], { encoding: 'utf8' }).trim().split('\n');
      expect(child).toEqual(here);
    }
  });
});
