// The shipped Multi-Paxos scenario files: each loads, the correct protocol passes it, and
// each bug variant's file fails with the checker its description names.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { itFailsWithItsChecker, kvVerdict, type BugScenarios } from '../bug-scenarios.js';
import { loadScenario } from '../../../scenario/load.js';
import { runSimulation } from '../../../sim/world.js';

const dir = 'scenarios/paxos';
// The other Paxos (single-decree) shares this folder: only multipaxos files here.
const mine = ['nemesis.yaml', 'kv-churn.yaml', 'volatile-acceptor.yaml', 'ignore-accepted.yaml', 'bad-quorum.yaml', 'no-backoff.yaml', 'new-leader-at-own-end.yaml'];

const expected: BugScenarios = {
  'volatile-acceptor.yaml': { bug: 'volatile-acceptor', caughtBy: 'chosen-unique' },
  'ignore-accepted.yaml': { bug: 'ignore-accepted', caughtBy: 'chosen-unique' },
  'bad-quorum.yaml': { bug: 'bad-quorum', caughtBy: 'chosen-unique' },
  'no-backoff.yaml': { bug: 'no-backoff', caughtBy: 'liveness' },
  'new-leader-at-own-end.yaml': { bug: 'new-leader-at-own-end', caughtBy: 'chosen-unique' },
};

const verdict = kvVerdict;

describe('scenarios/paxos (multipaxos)', () => {
  it('ships the examples and one file per bug variant', () => {
    const files = readdirSync(dir);
    for (const f of mine) expect(files).toContain(f);
  });

  it.each(mine)('%s: the correct protocol passes, linearizably', async (file) => {
    const loaded = await loadScenario(`${dir}/${file}`);
    expect(loaded.config.protocol.name).toBe('multipaxos');
    const r = runSimulation({ ...loaded.config, bugs: [] });
    expect(r.violations).toEqual([]);
    expect(verdict(r.history)).toBe('linearizable');
    expect(r.history.some((e) => e.type === 'ok')).toBe(true);
  });

  itFailsWithItsChecker(dir, expected);
});
