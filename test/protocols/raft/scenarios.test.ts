// The shipped scenario files: each loads, the correct Raft passes it, and each bug
// variant's file fails the way BUGS.md says (an invariant, liveness, or linearizability).
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { itFailsWithItsChecker, kvVerdict, type BugScenarios } from '../bug-scenarios.js';
import { loadScenario } from '../../../scenario/load.js';
import { runSimulation } from '../../../sim/world.js';

const dir = 'scenarios/raft';
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** What each bug scenario's variant must trip: an invariant or liveness check, or the history checker. */
const expected: BugScenarios = {
  // The wrong commit itself, before the overwrite that committed-never-lost sees (below).
  'figure-8.yaml': { bug: 'figure-8', caughtBy: 'commit-current-term' },
  'figure-8-nemesis.yaml': { bug: 'figure-8', caughtBy: 'committed-never-lost' },
  'volatile-vote.yaml': { bug: 'volatile-vote', caughtBy: 'election-safety' },
  'no-prevote.yaml': { bug: 'no-prevote', caughtBy: 'liveness' },
  // The follower that lost acknowledged entries had committed them: seen at its restart.
  'ack-before-persist.yaml': { bug: 'ack-before-persist', caughtBy: 'committed-prefix-stable' },
  'local-read.yaml': { bug: 'local-read', caughtBy: 'linearizability' },
  'no-dedup.yaml': { bug: 'no-dedup', caughtBy: 'linearizability' },
  // The first snapshot a node takes while its log runs ahead of its commit index.
  'snapshot-uncommitted.yaml': { bug: 'snapshot-uncommitted', caughtBy: 'snapshot-committed' },
};

const verdict = kvVerdict;

describe('scenarios/raft', () => {
  it('ships the examples and one file per bug variant', () => {
    for (const f of ['happy.yaml', 'leader-partition.yaml', 'crash-restart.yaml', 'nemesis.yaml', ...Object.keys(expected)]) expect(files).toContain(f);
  });

  it.each(files)('%s: the correct Raft passes', async (file) => {
    const loaded = await loadScenario(`${dir}/${file}`);
    const r = runSimulation({ ...loaded.config, bugs: [] });
    expect(r.violations).toEqual([]);
    expect(verdict(r.history)).toBe('linearizable');
    expect(r.history.some((e) => e.type === 'ok')).toBe(true);
  });

  itFailsWithItsChecker(dir, expected);

  it('figure-8.yaml follows the paper: the term-4 leader overwrites an entry committed in term 3', async () => {
    const loaded = await loadScenario(`${dir}/figure-8.yaml`);
    // Without the check that stops it at the wrong commit, the run goes on to the overwrite.
    const checks = loaded.available.invariants.filter((name) => name !== 'commit-current-term');
    const r = runSimulation({ ...loaded.config, checks: [...checks, ...loaded.available.liveness], record: 'full' });
    expect(r.violations[0].message).toBe('new leader n2 (term 4) has term 2 at index 160, where term 1 was committed in term 3');
    const leaders = r.trace!.flatMap((e) => (e.k === 'note' && e.kind === 'become-leader' ? [`n${e.node + 1}@${e.data.term as number}`] : []));
    expect(leaders).toEqual(['n4@1', 'n2@2', 'n1@3', 'n2@4']);
  });
});
