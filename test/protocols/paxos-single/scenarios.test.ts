// The shipped single-decree scenarios: each loads, the correct protocol passes it, and each
// bug variant's file fails at the checker its description names.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { itFailsWithItsChecker, type BugScenarios } from '../bug-scenarios.js';
import { loadScenario } from '../../../scenario/load.js';
import { runSimulation } from '../../../sim/world.js';

const dir = 'scenarios/paxos';
const ours = (f: string) => f === 'two-proposers.yaml' || f.startsWith('single-');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && ours(f)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

const expected: BugScenarios = {
  'single-volatile-acceptor.yaml': { bug: 'volatile-acceptor', caughtBy: 'chosen-unique' },
  'single-ignore-accepted.yaml': { bug: 'ignore-accepted', caughtBy: 'chosen-unique' },
  'single-bad-quorum.yaml': { bug: 'bad-quorum', caughtBy: 'chosen-unique' },
  'single-no-backoff.yaml': { bug: 'no-backoff', caughtBy: 'liveness' },
};

describe('scenarios/paxos (single-decree)', () => {
  it('ships two-proposers, the nemesis and one file per bug variant', () => {
    expect(files).toEqual(['single-bad-quorum.yaml', 'single-ignore-accepted.yaml', 'single-nemesis.yaml', 'single-no-backoff.yaml', 'single-volatile-acceptor.yaml', 'two-proposers.yaml']);
  });

  it.each(files)('%s: the correct protocol passes, and every live learner learns one value', async (file) => {
    const loaded = await loadScenario(`${dir}/${file}`);
    expect(loaded.config.protocol.name).toBe('paxos');
    const r = runSimulation({ ...loaded.config, bugs: [], checks: undefined });
    expect(r.violations).toEqual([]);
  });

  itFailsWithItsChecker(dir, expected);

  it('volatile-acceptor: monotonic-ballots stops the run earlier, at the blank acceptor\'s restart', async () => {
    const loaded = await loadScenario(`${dir}/single-volatile-acceptor.yaml`);
    const late = runSimulation(loaded.config);
    const early = runSimulation({ ...loaded.config, checks: undefined });
    expect(early.violations.map((v) => v.checker)).toEqual(['monotonic-ballots']);
    expect(early.violations[0].message).toMatch(/^n4's promised went from \d+\.n\d down to -, across a restart/);
    expect(early.violations[0].event).toBeLessThan(late.violations[0].event);
  });

  it('two-proposers: the learner learns the value a proposer decided, and both proposers decide it', async () => {
    const loaded = await loadScenario(`${dir}/two-proposers.yaml`);
    const r = runSimulation({ ...loaded.config, record: 'full' });
    const notes = r.trace!.filter((e) => e.k === 'note');
    const learned = notes.filter((e) => e.kind === 'learn').map((e) => e.data.value);
    const decided = notes.filter((e) => e.kind === 'decide').map((e) => [e.node, e.data.value]);
    expect(learned).toHaveLength(1);
    expect(decided.map(([n]) => n).sort()).toEqual([0, 1]);
    for (const [, v] of decided) expect(v).toBe(learned[0]);
    // Both proposed, and one of them adopted the other's value (P2c) or was pre-empted.
    expect(notes.filter((e) => e.kind === 'prepare').length).toBeGreaterThan(2);
  });
});
