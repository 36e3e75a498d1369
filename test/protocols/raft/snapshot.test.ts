// Log compaction (Raft paper §7): snapshots, restart from a snapshot, the AppendEntries
// boundary, InstallSnapshot, and the snapshot-uncommitted variant; then, over seeds under
// the nemesis, compacted and uncompacted Raft both pass every check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KvStore } from '../../../protocols/raft/kv.js';
import type { RaftNode } from '../../../protocols/raft/node.js';
import type { AppendMsg, RaftMsg, Snapshot, SnapshotMsg } from '../../../protocols/raft/types.js';
import { runSimulation } from '../../../sim/world.js';
import { kvVerdict } from '../bug-scenarios.js';
import { electLeader, entry, FakeStorage, makeNode, sentOfType, type FakeContext } from './fake-context.js';
import { raftConfig, standardNemesis } from './sim-config.js';

const append = (m: Partial<AppendMsg> & Pick<AppendMsg, 'term' | 'prevIndex' | 'prevTerm'>): AppendMsg => ({ type: 'append', entries: [], commit: 0, ...m });
const entries = (from: number, to: number, term = 1) => Array.from({ length: to - from + 1 }, (_, i) => entry(term, from + i));
const ids = (node: RaftNode): string[] => node.log.slice(1).map((e) => e.id);
const lastReply = (ctx: FakeContext) => ctx.sent[ctx.sent.length - 1].msg as Extract<RaftMsg, { type: 'append-reply' | 'snapshot-reply' }>;

/** A follower (n2) of term 1 that accepted entries 1..6 and committed 1..5: with snapshotEvery 4, a snapshot at 5. */
function compactedFollower(): { node: RaftNode; ctx: FakeContext } {
  const made = makeNode({ id: 1, term: 1, options: { snapshotEvery: 4 } });
  made.node.onMessage(0, append({ term: 1, prevIndex: 0, prevTerm: 0, entries: entries(1, 6), commit: 5 }));
  return made;
}

describe('the state machine snapshot', () => {
  it('restores data and sessions, and later applies do not change it', () => {
    const kv = new KvStore(true);
    kv.apply({ clientId: 1, seq: 1, op: { f: 'put', key: 'a', value: 'x' } });
    kv.apply({ clientId: 2, seq: 4, op: { f: 'append', key: 'b', value: 'y' } });
    const snap = kv.snapshot();
    kv.apply({ clientId: 1, seq: 2, op: { f: 'put', key: 'a', value: 'z' } });
    const copy = new KvStore(true);
    copy.restore(snap);
    expect([...copy.data]).toEqual([['a', 'x'], ['b', 'y']]);
    // The session table came with it: a retry of (2, 4) is answered, not applied again.
    expect(copy.lookup(2, 4)).toEqual({ type: 'ok' });
    expect(copy.lookup(1, 1)).toEqual({ type: 'ok' });
    expect(copy.lookup(1, 2)).toBeUndefined();
    copy.apply({ clientId: 3, seq: 1, op: { f: 'put', key: 'c', value: 'w' } });
    const again = new KvStore(true);
    again.restore(snap);
    expect(again.data.has('c')).toBe(false);
  });
});

describe('taking a snapshot (§7)', () => {
  it('once snapshotEvery entries are applied: durable, the covered prefix discarded in storage and memory', () => {
    const { node, ctx } = compactedFollower();
    expect([node.commitIndex, node.lastApplied, node.snapIndex, node.snapTerm, node.lastIndex]).toEqual([5, 5, 5, 1, 6]);
    expect(ids(node)).toEqual(['e6@1']);
    expect(node.entryAt(4)).toBeUndefined();
    expect(node.entryAt(6)?.id).toBe('e6@1');
    const st = ctx.storage;
    expect(st.synced.get('raft:snap')).toMatchObject({ index: 5, term: 1 });
    expect([st.logStart, st.syncedStart, st.logLength]).toEqual([5, 5, 6]);
    expect(ctx.notes.filter((n) => n.kind === 'snapshot-taken').map((n) => n.data)).toEqual([{ index: 5, term: 1, 'commit-index': 5 }]);
  });

  it('never with snapshotEvery 0', () => {
    const { node, ctx } = makeNode({ id: 1, term: 1, options: { snapshotEvery: 0 } });
    node.onMessage(0, append({ term: 1, prevIndex: 0, prevTerm: 0, entries: entries(1, 6), commit: 6 }));
    expect([node.snapIndex, node.log.length, ctx.storage.logStart]).toEqual([0, 7, 0]);
  });

  it('a restart restores the state machine from it and applies only the entries above', () => {
    const { node: before, ctx } = compactedFollower();
    ctx.storage.crash();
    const { node, ctx: ctx2 } = makeNode({ id: 1, storage: ctx.storage, options: { snapshotEvery: 4 } });
    expect([node.snapIndex, node.commitIndex, node.lastApplied, node.lastIndex]).toEqual([5, 5, 5, 6]);
    expect(node.kv.data.get('k')).toBe('v5');
    expect(node.kv.lookup(100, 5)).toEqual({ type: 'ok' });
    expect(ids(node)).toEqual(ids(before));
    // The leader commits 6: only index 6 is applied.
    node.onMessage(0, append({ term: 1, prevIndex: 6, prevTerm: 1, commit: 6 }));
    expect(ctx2.notes.filter((n) => n.kind === 'apply').map((n) => n.data.index)).toEqual([6]);
    expect(node.kv.data.get('k')).toBe('v6');
  });

  it('a crash between the synced snapshot and the compaction keeps the whole log: the restart starts above the snapshot anyway', () => {
    const st = new FakeStorage();
    st.logAppend(entries(1, 6));
    st.put('raft:snap', { index: 4, term: 1, state: new KvStore(true).snapshot() } satisfies Snapshot);
    st.sync();
    const { node } = makeNode({ id: 1, storage: st, options: { snapshotEvery: 4 } });
    expect([node.snapIndex, node.lastIndex, node.commitIndex]).toEqual([4, 6, 4]);
    expect(ids(node)).toEqual(['e5@1', 'e6@1']);
  });
});

describe('AppendEntries at the compaction boundary', () => {
  it('prevIndex at lastIncludedIndex matches on lastIncludedTerm', () => {
    const { node, ctx } = compactedFollower();
    ctx.drain();
    node.onMessage(0, append({ term: 1, prevIndex: 5, prevTerm: 1, entries: [entry(1, 6), entry(1, 7)] }));
    expect(lastReply(ctx)).toMatchObject({ type: 'append-reply', success: true, matchIndex: 7 });
    expect(ids(node)).toEqual(['e6@1', 'e7@1']);
    node.onMessage(0, append({ term: 2, prevIndex: 5, prevTerm: 2 }));
    expect(lastReply(ctx)).toMatchObject({ success: false, conflictTerm: 1, conflictIndex: 5 });
  });

  it('entries below the snapshot are skipped (they are committed), the rest appended', () => {
    const { node, ctx } = compactedFollower();
    node.onMessage(0, append({ term: 1, prevIndex: 2, prevTerm: 1, entries: entries(3, 8) }));
    expect(lastReply(ctx)).toMatchObject({ success: true, matchIndex: 8 });
    expect(ids(node)).toEqual(['e6@1', 'e7@1', 'e8@1']);
    // Wholly below the snapshot: nothing to do, still a success.
    node.onMessage(0, append({ term: 1, prevIndex: 1, prevTerm: 1, entries: entries(2, 3) }));
    expect(lastReply(ctx)).toMatchObject({ success: true, matchIndex: 3 });
    expect(node.lastIndex).toBe(8);
  });
});

describe('InstallSnapshot (§7)', () => {
  const state = (() => {
    const kv = new KvStore(true);
    kv.apply({ clientId: 7, seq: 1, op: { f: 'put', key: 'k', value: 'snap' } });
    return kv.snapshot();
  })();
  const install = (index: number, lastTerm: number, term = 3): SnapshotMsg => ({ type: 'snapshot', term, index, lastTerm, state });

  it('a follower behind the snapshot installs it: state machine, indices, durable storage', () => {
    const { node, ctx } = makeNode({ id: 1, term: 2, logTerms: [1, 1] });
    node.onMessage(0, install(10, 3));
    expect([node.snapIndex, node.snapTerm, node.commitIndex, node.lastApplied, node.lastIndex, node.term]).toEqual([10, 3, 10, 10, 10, 3]);
    expect(node.kv.data.get('k')).toBe('snap');
    expect(node.kv.lookup(7, 1)).toEqual({ type: 'ok' });
    expect(ctx.storage.synced.get('raft:snap')).toMatchObject({ index: 10, term: 3 });
    expect([ctx.storage.syncedStart, ctx.storage.logLength]).toEqual([10, 10]);
    expect(lastReply(ctx)).toEqual({ type: 'snapshot-reply', term: 3, index: 10 });
    expect(ctx.notes.filter((n) => n.kind === 'snapshot-installed').map((n) => n.data.index)).toEqual([10]);
    // The next AppendEntries continues from the boundary.
    node.onMessage(0, append({ term: 3, prevIndex: 10, prevTerm: 3, entries: [entry(3, 11)] }));
    expect(lastReply(ctx)).toMatchObject({ success: true, matchIndex: 11 });
    expect(ctx.storage.logAt<{ id: string }>(10)?.id).toBe('e11@3');
  });

  it('a follower whose entry at lastIncludedIndex conflicts discards its whole log', () => {
    const { node, ctx } = makeNode({ id: 1, term: 2, logTerms: [1, 1, 2, 2, 2, 2] });
    node.onMessage(0, install(4, 3));
    expect([node.snapIndex, node.lastIndex]).toEqual([4, 4]);
    expect(ids(node)).toEqual([]);
    expect([ctx.storage.logStart, ctx.storage.logLength]).toEqual([4, 4]);
    expect(node.logCuts.length).toBeGreaterThan(0);
  });

  it('a follower holding the entry at lastIncludedIndex keeps the entries that follow', () => {
    const { node, ctx } = makeNode({ id: 1, term: 3, logTerms: [1, 1, 3, 3, 3, 3] });
    node.onMessage(0, install(4, 3));
    expect([node.snapIndex, node.lastIndex, node.commitIndex]).toEqual([4, 6, 4]);
    expect(ids(node)).toEqual(['e5@3', 'e6@3']);
    expect([ctx.storage.logStart, ctx.storage.logLength]).toEqual([4, 6]);
  });

  it('a stale snapshot (at or below the commit index) is ignored: the state machine and lastApplied never move back', () => {
    const { node, ctx } = compactedFollower();
    node.onMessage(0, append({ term: 1, prevIndex: 6, prevTerm: 1, entries: entries(7, 8), commit: 8 }));
    const before = [...node.kv.data];
    node.onMessage(0, { type: 'snapshot', term: 1, index: 7, lastTerm: 1, state });
    expect([node.lastApplied, node.commitIndex, node.snapIndex, node.lastIndex]).toEqual([8, 8, 5, 8]);
    expect([...node.kv.data]).toEqual(before);
    expect(lastReply(ctx)).toEqual({ type: 'snapshot-reply', term: 1, index: 7 });
    expect(ctx.notes.some((n) => n.kind === 'snapshot-installed')).toBe(false);
  });

  it('a snapshot from a stale leader is refused with our term', () => {
    const { node, ctx } = makeNode({ id: 1, term: 5 });
    node.onMessage(0, install(4, 3, 4));
    expect(node.snapIndex).toBe(0);
    expect(lastReply(ctx)).toEqual({ type: 'snapshot-reply', term: 5, index: 0 });
  });

  it('a leader sends its snapshot to a follower whose next entry it has discarded, and moves on at the reply', () => {
    const { node, ctx } = makeNode({ id: 0, term: 1, logTerms: [1, 1, 1, 1, 1, 1], options: { snapshotEvery: 4 } });
    electLeader(node, ctx);
    // Two followers acknowledge everything (the no-op at 7): committed, applied, compacted.
    for (const p of [1, 2]) node.onMessage(p, { type: 'append-reply', term: 2, success: true, prevIndex: 6, matchIndex: 7, conflictTerm: -1, conflictIndex: 0 });
    expect([node.commitIndex, node.snapIndex]).toEqual([7, 7]);
    ctx.drain();
    // n4 is far behind: its rejection backs nextIndex below the snapshot.
    node.onMessage(3, { type: 'append-reply', term: 2, success: false, prevIndex: 6, matchIndex: 0, conflictTerm: -1, conflictIndex: 1 });
    const sent = sentOfType(ctx.drain(), 'snapshot');
    expect(sent.map((s) => [s.to, s.msg.index, s.msg.lastTerm])).toEqual([[3, 7, 2]]);
    node.onMessage(3, { type: 'snapshot-reply', term: 2, index: 7 });
    expect([node.matchIndex[3], node.nextIndex[3]]).toEqual([7, 8]);
  });
});

describe('snapshot-uncommitted', () => {
  it('a node with the bug snapshots its uncommitted tail; snapshot-committed catches it at that note', () => {
    const { node, ctx } = makeNode({ id: 1, term: 1, bugs: ['snapshot-uncommitted'], options: { snapshotEvery: 4 } });
    node.onMessage(0, append({ term: 1, prevIndex: 0, prevTerm: 0, entries: entries(1, 8), commit: 5 }));
    expect([node.commitIndex, node.snapIndex, node.lastApplied]).toEqual([5, 8, 8]);
    expect(ctx.notes.find((n) => n.kind === 'snapshot-taken')?.data).toEqual({ index: 8, term: 1, 'commit-index': 5 });
  });

  it('is found under the nemesis by snapshot-committed; the correct Raft passes the same seeds', () => {
    const config = (seed: number, bugs: string[]) =>
      raftConfig({ seed: String(seed), bugs, nemesis: standardNemesis, protocolOptions: { snapshotEvery: 16 }, durationUs: 4_000_000, faultsStopUs: 3_000_000 });
    let found = -1;
    for (let seed = 0; seed < 10 && found < 0; seed++) {
      const r = runSimulation(config(seed, ['snapshot-uncommitted']));
      if (r.violations.length > 0) {
        expect(r.violations[0].checker).toBe('snapshot-committed');
        found = seed;
      }
    }
    expect(found).toBeGreaterThanOrEqual(0);
    expect(runSimulation(config(found, [])).violations).toEqual([]);
  });
});

describe('compacted and uncompacted Raft under the nemesis', () => {
  it('pass every invariant and give linearizable histories, snapshots being taken and installed (fast-check over seeds)', () => {
    let installed = 0;
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.constantFrom(0, 3, 16), (seed, snapshotEvery) => {
        const r = runSimulation(
          raftConfig({ seed: String(seed), nemesis: standardNemesis, protocolOptions: { snapshotEvery }, record: 'full', durationUs: 6_000_000, faultsStopUs: 4_000_000 }),
        );
        expect(r.violations).toEqual([]);
        expect(kvVerdict(r.history)).toBe('linearizable');
        const snapshots = r.trace!.filter((e) => e.k === 'note' && e.kind.startsWith('snapshot-'));
        if (snapshotEvery === 0) expect(snapshots).toEqual([]);
        installed += snapshots.filter((e) => e.k === 'note' && e.kind === 'snapshot-installed').length;
      }),
      { seed: 14, numRuns: 12 },
    );
    expect(installed).toBeGreaterThan(0);
  });
});
