// The Raft bug variants (shared/BUGS.md): a fuzz campaign over random seeds finds each one
// in its scenario, the failure replays to the same hash, and shrink reduces it to a
// scenario that still fails the same checker, which the correct Raft passes.
import { afterAll, describe, expect, it } from 'vitest';
import { replayFailure } from '../../cli/commands/replay.js';
import { shrinkFailure } from '../../explore/shrink-failure.js';
import { runCampaign } from '../../explore/campaign.js';
import { runScenario } from '../../scenario/runner.js';
import { loadScenario } from '../../scenario/load.js';
import { tempDir } from './helpers.js';

const dir = tempDir('raft');
afterAll(() => dir.remove());

const variants = [
  { bug: 'figure-8', scenario: 'scenarios/raft/figure-8-nemesis.yaml', checkers: ['committed-never-lost', 'state-machine-safety', 'linearizability'] },
  { bug: 'volatile-vote', scenario: 'scenarios/raft/volatile-vote.yaml', checkers: ['election-safety', 'committed-never-lost', 'linearizability'] },
  { bug: 'no-prevote', scenario: 'scenarios/raft/no-prevote.yaml', checkers: ['liveness'] },
];

describe('fuzz finds and shrink reduces each Raft bug variant', () => {
  for (const v of variants) {
    it(`${v.bug} (${v.scenario})`, async () => {
      const loaded = await loadScenario(v.scenario);
      expect(loaded.config.bugs).toContain(v.bug);
      const summary = await runCampaign({
        scenarioPath: v.scenario,
        bugs: [],
        seeds: 3000,
        fromSeed: 0,
        workers: 2,
        outDir: `${dir.path}/${v.bug}`,
        swarm: true,
        checkDeterminism: 'sample',
        maxFailures: 1,
      });
      expect(summary.determinism.mismatches).toEqual([]);
      expect(summary.failures.length).toBeGreaterThan(0);
      const failure = summary.failures[0];
      expect(v.checkers).toContain(failure.violations[0].checker);

      const replayed = await replayFailure(failure.file);
      expect(replayed.hashMatches).toBe(true);

      const { result } = await shrinkFailure(failure.file, { maxRuns: 600 });
      const smaller = result.after.faults < result.before.faults || result.after.durationUs < result.before.durationUs || result.after.ops < result.before.ops;
      expect(smaller).toBe(true);
      expect(result.after.nemesis).toBe(false);
      const shrunk = await loadScenario(`${failure.file.replace(/\.json$/, '')}.shrunk.yaml`);
      const again = runScenario(shrunk);
      expect(again.violations.map((x) => x.checker)).toContain(result.checker);
      // The bug, not the schedule: the correct Raft passes the shrunk scenario.
      const correct = runScenario({ ...shrunk, config: { ...shrunk.config, bugs: [] } });
      expect(correct.violations.map((x) => x.checker)).not.toContain(result.checker);
    });
  }

  it('the correct Raft passes the nemesis scenario over a few hundred seeds', async () => {
    const summary = await runCampaign({
      scenarioPath: 'scenarios/raft/nemesis.yaml',
      bugs: [],
      seeds: 200,
      fromSeed: 0,
      workers: 2,
      outDir: `${dir.path}/correct`,
      swarm: true,
      checkDeterminism: 'sample',
    });
    expect(summary.failures.map((f) => `${f.seed}: ${f.violations.map((x) => x.checker).join(', ')}${f.error ?? ''}`)).toEqual([]);
    expect(summary.determinism.mismatches).toEqual([]);
  });
});
