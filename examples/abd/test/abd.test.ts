// Property tests of the ABD register with fast-check and faultline/testing: fast-check
// draws the fault schedule and the seed, faultline runs it deterministically, and a
// failure shrinks to a few faults and one seed that `faultline run` replays.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario, type SimConfig } from 'faultline';
import { faultScheduleArb, seedArb, simulate, toYaml } from 'faultline/testing';

const scenario = new URL('../scenarios/abd.yaml', import.meta.url).pathname;
const FC_SEED = Number(process.env.FAULTLINE_FC_SEED ?? 20261123);

async function baseConfig(): Promise<SimConfig> {
  const { config } = await loadScenario(scenario);
  // The scripted schedule is fast-check's to draw: no nemesis, 1.5s of faults, then quiet.
  return { ...config, nemesis: undefined, durationUs: 2_000_000, faultsStopUs: 1_500_000 };
}

describe('ABD', () => {
  it('stays linearizable under any crash, partition and delay schedule', async () => {
    const base = await baseConfig();
    const faults = faultScheduleArb(base.nodes, base.faultsStopUs, { kinds: ['crash', 'partition', 'isolate', 'delay-burst', 'pause'], maxFaults: 6 });
    fc.assert(
      fc.property(faults, seedArb, (schedule, seed) => simulate({ ...base, faults: schedule }, seed).verdict === 'pass'),
      { seed: FC_SEED, numRuns: 50 },
    );
  }, 120_000);

  it('without write-back it is not, and fast-check shrinks the counterexample to a scenario file', async () => {
    const base = { ...(await baseConfig()), bugs: ['no-write-back'] };
    const faults = faultScheduleArb(base.nodes, base.faultsStopUs, { kinds: ['partition', 'delay-burst'], maxFaults: 4 });
    const details = fc.check(
      fc.property(faults, seedArb, (schedule, seed) => simulate({ ...base, faults: schedule }, seed).verdict === 'pass'),
      { seed: FC_SEED, numRuns: 200 },
    );
    expect(details.failed).toBe(true);
    const [schedule, seed] = details.counterexample!;
    const run = simulate({ ...base, faults: schedule }, seed);
    expect(run.verdict).toBe('fail');
    expect(run.violations[0].checker).toBe('linearizability');
    // The counterexample as a scenario file for `faultline run`.
    const yaml = toYaml({ ...base, faults: schedule, seed }, { name: 'abd-counterexample', protocolRef: '../abd.ts' });
    expect(yaml).toContain('bugs: [no-write-back]');
  }, 120_000);
});
