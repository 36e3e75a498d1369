// The four checks that see a Raft bug at its first wrong step (monotonic-commit,
// committed-prefix-stable, vote-once, leader-quorum), end to end: each catches a
// deliberately broken Raft (./broken-raft.ts) or a shipped bug variant in a simulation
// run, where the classic checkers see nothing, or see it later; and the correct Raft
// trips none of them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RaftNode } from '../../../protocols/raft/node.js';
import { applyKnobs, drawKnobs } from '../../../explore/swarm.js';
import { loadScenario } from '../../../scenario/load.js';
import type { SimConfig } from '../../../sim/config.js';
import type { Protocol } from '../../../sim/types.js';
import { runSimulation } from '../../../sim/world.js';
import type { RaftMsg } from '../../../protocols/raft/types.js';
import { fcSeed } from '../../sim/fc-seed.js';
import { doubleCountRaft, staleCommitRaft, truncatingRaft } from './broken-raft.js';
import { ackBeforePersistNemesis, raftConfig, standardNemesis, volatileVoteNemesis } from './sim-config.js';

const newChecks = ['monotonic-commit', 'committed-prefix-stable', 'vote-once', 'leader-quorum'];
const classicChecks = ['election-safety', 'log-matching', 'state-machine-safety', 'committed-never-lost', 'monotonic-term', 'liveness'];

describe('each new check catches a deliberately broken Raft in a simulation run', () => {
  const cases: Array<{ protocol: Protocol<RaftMsg, RaftNode>; checker: string; message: RegExp; without: 'nothing' | RegExp }> = [
    // A follower's commitIndex goes back on a reordered older AppendEntries: nothing else notices.
    { protocol: staleCommitRaft, checker: 'monotonic-commit', message: /^n\d's commitIndex went from \d+ down to \d+, within one incarnation$/, without: 'nothing' },
    // A follower cuts off entries it had committed: without the invariant, the node's own
    // assertion stops the run later, as a protocol exception.
    { protocol: truncatingRaft, checker: 'committed-prefix-stable', message: /^n\d no longer holds log entry \d+ .*, at or below its commit index \d+/, without: /a committed entry is never overwritten/ },
    // A candidate counts each grant twice and leads with two votes of five.
    { protocol: doubleCountRaft, checker: 'leader-quorum', message: /^n\d became leader of term \d+ with the votes of n\d, n\d \(2 of 5; a majority is 3\)$/, without: 'nothing' },
  ];
  it.each(cases)('$protocol.name: $checker', ({ protocol, checker, message, without }) => {
    const config = (seed: number, checks?: string[]): SimConfig => raftConfig({ protocol, seed: String(seed), nemesis: standardNemesis, checks });
    let seed = 0;
    let found: ReturnType<typeof runSimulation> | undefined;
    for (; seed < 30 && found === undefined; seed++) {
      const r = runSimulation(config(seed));
      if (r.violations.length > 0) found = r;
    }
    seed--;
    expect(found, 'caught within 30 seeds').toBeDefined();
    expect(found!.violations[0].checker).toBe(checker);
    expect(found!.violations[0].message).toMatch(message);
    console.info(`${protocol.name}: seed ${seed}, event ${found!.violations[0].event}: ${found!.violations[0].message}`);
    // The same run without the new checks.
    if (without === 'nothing') expect(runSimulation(config(seed, classicChecks)).violations).toEqual([]);
    else {
      const later = runSimulation(config(seed, classicChecks)).violations;
      expect(later.map((v) => v.checker)).toEqual(['protocol-exception']);
      expect(later[0].message).toMatch(without);
      expect(later[0].event).toBeGreaterThan(found!.violations[0].event);
    }
    // The correct Raft survives that seed.
    expect(runSimulation(raftConfig({ seed: String(seed), nemesis: standardNemesis })).violations).toEqual([]);
  });
});

describe('vote-once catches volatile-vote at the second vote, before election-safety sees two leaders', () => {
  it('scenarios/raft/volatile-vote.yaml (its own seed, 38): the same run, stopped earlier', async () => {
    const { config } = await loadScenario('scenarios/raft/volatile-vote.yaml');
    // The file lists its checkers (the classic ones); add the new ones.
    const classic = runSimulation(config);
    const all = runSimulation({ ...config, checks: [...(config.checks ?? []), ...newChecks] });
    expect(classic.violations.map((v) => [v.checker, v.message])).toEqual([['election-safety', 'two leaders in term 16: n3 and n2']]);
    expect(all.violations[0].checker).toBe('vote-once');
    expect(all.violations[0].message).toMatch(/^n\d voted twice in term 16: for n\d, then after a restart for n\d$/);
    expect(all.violations[0].event).toBeLessThan(classic.violations[0].event);
  });

  it('over 100 seeds: every seed election-safety fails, vote-once fails no later, and it fails many more', async () => {
    const { config } = await loadScenario('scenarios/raft/volatile-vote.yaml');
    let classicFails = 0;
    let voteOnceFails = 0;
    for (let s = 0; s < 100; s++) {
      const classic = runSimulation({ ...config, seed: String(s) });
      const all = runSimulation({ ...config, seed: String(s), checks: [...(config.checks ?? []), ...newChecks] });
      if (all.violations[0]?.checker === 'vote-once') voteOnceFails++;
      if (classic.violations.length === 0) continue;
      classicFails++;
      expect(all.violations[0].checker, `seed ${s}`).toBe('vote-once');
      expect(all.violations[0].event).toBeLessThanOrEqual(classic.violations[0].event);
    }
    console.info(`volatile-vote.yaml, seeds 0..99: election-safety alone fails ${classicFails}, vote-once ${voteOnceFails}`);
    expect(classicFails).toBeGreaterThan(0);
    expect(voteOnceFails).toBeGreaterThan(5 * classicFails);
  });
});

describe('the correct Raft trips none of the new checks', () => {
  it('under crash-heavy nemeses, any seed (fast-check, 200 runs)', () => {
    const nemeses: Array<Partial<SimConfig>> = [{ nemesis: standardNemesis }, volatileVoteNemesis, ackBeforePersistNemesis];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: nemeses.length - 1 }), (seed, which) => {
        const r = runSimulation(raftConfig({ ...nemeses[which], seed: String(seed), durationUs: 4_000_000, faultsStopUs: 3_000_000, checks: newChecks }));
        expect(r.violations).toEqual([]);
      }),
      { seed: fcSeed, numRuns: 200 },
    );
  });
});

describe('commit-current-term catches figure-8 when it counts an older entry, before any commit is lost', () => {
  it('scenarios/raft/figure-8.yaml: the same run, stopped at the wrong commit rather than at the overwrite', async () => {
    const { config } = await loadScenario('scenarios/raft/figure-8.yaml');
    const classic = runSimulation({ ...config, checks: classicChecks });
    const all = runSimulation(config);
    expect(config.checks).toBeUndefined(); // the file runs every check
    expect(classic.violations[0].checker).toBe('committed-never-lost');
    expect(all.violations[0].checker).toBe('commit-current-term');
    expect(all.violations[0].message).toMatch(/^leader n\d of term \d+ advanced its commit index to \d+, an entry of term \d+: only an entry of its own term/);
    expect(all.violations[0].event).toBeLessThan(classic.violations[0].event);
  });

  it('is what the generic nemesis finds figure-8 by; the correct Raft never trips it', async () => {
    const loaded = await loadScenario('scenarios/raft/nemesis.yaml');
    let caught = 0;
    for (let s = 0; s < 40; s++) {
      // As fuzz runs each seed: with the knobs it draws.
      const config = applyKnobs({ ...loaded.config, seed: String(s) }, drawKnobs(String(s), loaded.config, loaded.swarm));
      const buggy = runSimulation({ ...config, bugs: ['figure-8'] });
      if (buggy.violations[0]?.checker === 'commit-current-term') caught++;
      expect(runSimulation(config).violations).toEqual([]);
    }
    expect(caught).toBeGreaterThan(3);
  });
});
