// The shipped Zab scenario files: each loads, the correct protocol passes it linearizably,
// each recovery case produces its sync mode, each bug variant's file fails with the checker
// its description names, and follower reads are flagged as not linearizable.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../../checkers/linearizability/index.js';
import { loadScenario } from '../../../scenario/load.js';
import type { RunResult } from '../../../sim/result.js';
import { runSimulation } from '../../../sim/world.js';
import { itFailsWithItsChecker, type BugScenarios } from '../bug-scenarios.js';

const dir = 'scenarios/zab';
const correct = ['nemesis.yaml', 'diff.yaml', 'trunc.yaml', 'snap.yaml', 'diff-without-trunc.yaml', 'volatile-epoch.yaml', 'snapshot-uncommitted.yaml'];

const expected: BugScenarios = {
  'diff-without-trunc.yaml': { bug: 'diff-without-trunc', caughtBy: 'delivered-prefix' },
  'volatile-epoch.yaml': { bug: 'volatile-epoch', caughtBy: 'monotonic-epochs' },
  'snapshot-uncommitted.yaml': { bug: 'snapshot-uncommitted', caughtBy: 'snapshot-committed' },
};

const zkVerdict = (r: RunResult): string => checkHistory(r.history, 'zk', { budgetSteps: 50_000_000 }).verdict;

/** The sync modes the leaders' `sync` notes name, in order. */
function syncModes(r: RunResult): string[] {
  const modes: string[] = [];
  for (const e of r.trace ?? []) if (e.k === 'note' && e.kind === 'sync') modes.push(e.data.mode as string);
  return modes;
}

describe('scenarios/zab', () => {
  it('snapshot-uncommitted.yaml, correct: servers take snapshots, n2 restarts from one and the cut-off n1 catches up', async () => {
    const loaded = await loadScenario(`${dir}/snapshot-uncommitted.yaml`);
    const r = runSimulation({ ...loaded.config, bugs: [], record: 'full' });
    expect(r.violations).toEqual([]);
    const notes = (kind: string) => (r.trace ?? []).filter((e) => e.k === 'note' && e.kind === kind);
    expect(notes('snapshot-taken').length).toBeGreaterThan(10);
    expect(notes('snapshot-loaded').map((e) => e.k === 'note' && e.node)).toContain(1);
    expect(notes('synced').some((e) => e.k === 'note' && e.node === 0)).toBe(true);
  });

  it('ships the nemesis, the recovery cases and one file per bug variant', () => {
    const files = readdirSync(dir);
    for (const f of [...correct, 'follower-reads.yaml']) expect(files).toContain(f);
  });

  it.each(correct)('%s: the correct protocol passes, linearizably', async (file) => {
    const loaded = await loadScenario(`${dir}/${file}`);
    expect(loaded.config.protocol.name).toBe('zab');
    const r = runSimulation({ ...loaded.config, bugs: [] });
    expect(r.violations).toEqual([]);
    expect(zkVerdict(r)).toBe('linearizable');
    expect(r.history.some((e) => e.type === 'ok')).toBe(true);
  });

  it.each([
    { file: 'diff.yaml', mode: 'DIFF', not: ['TRUNC', 'SNAP'] },
    { file: 'trunc.yaml', mode: 'TRUNC', not: ['SNAP'] },
    { file: 'snap.yaml', mode: 'SNAP', not: ['TRUNC'] },
  ])('$file: the rejoining follower is synchronised with $mode', async ({ file, mode, not }) => {
    const loaded = await loadScenario(`${dir}/${file}`);
    const r = runSimulation({ ...loaded.config, record: 'full' });
    const modes = syncModes(r);
    expect(modes).toContain(mode);
    for (const m of not) expect(modes).not.toContain(m);
    // The follower applied it too.
    expect((r.trace ?? []).some((e) => e.k === 'note' && e.kind === 'synced' && e.data.mode === mode)).toBe(true);
  });

  it('diff-without-trunc.yaml: the correct leader TRUNCs the ghost proposals the variant keeps', async () => {
    const loaded = await loadScenario(`${dir}/diff-without-trunc.yaml`);
    expect(syncModes(runSimulation({ ...loaded.config, bugs: [], record: 'full' }))).toContain('TRUNC');
    expect(syncModes(runSimulation({ ...loaded.config, record: 'full' }))).not.toContain('TRUNC');
  });

  itFailsWithItsChecker(dir, expected);

  it('follower-reads.yaml: no invariant fails, and the checker says not linearizable; reads through the leader are linearizable', async () => {
    const loaded = await loadScenario(`${dir}/follower-reads.yaml`);
    expect(loaded.config.protocolOptions.followerReads).toBe(true);
    const r = runSimulation(loaded.config);
    expect(r.violations).toEqual([]);
    const result = checkHistory(r.history, 'zk', { budgetSteps: 50_000_000 });
    expect(result.verdict).toBe('not-linearizable');
    expect(result.counterexample?.op.f).toBe('get');
    const viaLeader = runSimulation({ ...loaded.config, protocolOptions: { ...loaded.config.protocolOptions, followerReads: false }, clients: { ...loaded.config.clients, pin: undefined } });
    expect(viaLeader.violations).toEqual([]);
    expect(zkVerdict(viaLeader)).toBe('linearizable');
  });
});
