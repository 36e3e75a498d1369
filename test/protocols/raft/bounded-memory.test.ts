// Issue #16 (flat memory over a long run): the per-index records of state-machine-safety,
// committed-never-lost and snapshot-committed span only the snapshot floor (the lowest
// snapshot in the cluster, log-view.ts) to the highest index, not the whole log; the
// per-term records of election-safety, vote-once and leader-quorum only the term floor (the
// lowest term) up. Counted in indexes and terms held, over a long nemesis run whose log and
// terms grow far beyond that.
import { describe, expect, it } from 'vitest';
import { raft } from '../../../protocols/raft/index.js';
import { CommittedNeverLost, ElectionSafety, LeaderQuorum, SnapshotCommitted, StateMachineSafety, VoteOnce } from '../../../protocols/raft/invariants.js';
import type { RaftNode } from '../../../protocols/raft/node.js';
import { SENTINEL, SNAPSHOT_KEY, snapshotBase, type Snapshot } from '../../../protocols/raft/types.js';
import type { ClusterView, DurableStorage, Invariant, Note, Protocol } from '../../../sim/types.js';
import { runSimulation } from '../../../sim/world.js';
import { FakeStorage } from './fake-context.js';
import { raftConfig, standardNemesis } from './sim-config.js';

type Held = { readonly held: number };

describe('Raft invariants hold per-index records only above the snapshot floor', () => {
  it('over 300 s simulated under the nemesis: a few hundred indexes and terms each, while the log passes ten thousand and the term hundreds', () => {
    let invariants: Invariant<RaftNode>[] = [];
    let highest = 0;
    let term = 0;
    const probe: Invariant<RaftNode> = {
      name: 'highest-applied',
      notes: ['apply', 'become-leader'],
      onNote: (note) => {
        if (note.kind === 'apply') highest = Math.max(highest, note.data.index as number);
        else term = Math.max(term, note.data.term as number);
        return undefined;
      },
    };
    const watched = { ...raft, invariants: (o: Record<string, unknown>) => [...(invariants = raft.invariants(o)), probe] } as Protocol<unknown, RaftNode>;
    const r = runSimulation(raftConfig({ protocol: watched, durationUs: 300_000_000, faultsStopUs: 296_000_000, nemesis: standardNemesis }));
    expect(r.violations).toEqual([]);
    const held = (cls: abstract new () => Held): number => (invariants.find((i) => i instanceof cls) as unknown as Held).held;
    // Without forgetting, each would hold `highest` indexes.
    expect(highest).toBeGreaterThan(10_000);
    for (const cls of [StateMachineSafety, CommittedNeverLost, SnapshotCommitted]) {
      expect(held(cls)).toBeGreaterThan(0);
      expect(held(cls)).toBeLessThan(1_500);
    }
    // Without forgetting: a term each for election-safety and leader-quorum, about one per node per term for vote-once.
    expect(term).toBeGreaterThan(200);
    for (const cls of [ElectionSafety, LeaderQuorum]) {
      expect(held(cls)).toBeGreaterThan(0);
      expect(held(cls)).toBeLessThan(140);
    }
    expect(held(VoteOnce)).toBeLessThan(5 * 140);
  }, 120_000);
});

// Hand-built: five nodes whose snapshots (live and durable) all reach 600.
function compactedView(snapIndex: number): ClusterView<RaftNode> {
  const storages = Array.from({ length: 5 }, () => new FakeStorage());
  const snap: Snapshot = { index: snapIndex, term: 1, state: null };
  for (const s of storages) s.put(SNAPSHOT_KEY, snap);
  const actors = storages.map(() => ({ role: 'follower', term: 1, commitIndex: snapIndex, lastApplied: snapIndex, snapIndex, log: [snapshotBase(snapIndex, 1)] }));
  return {
    nowUs: 0,
    nodeCount: 5,
    inLivenessPhase: false,
    clientCount: 0,
    actor: (n) => actors[n] as unknown as RaftNode,
    storage: (n): DurableStorage => storages[n],
    rolesOf: () => ['server'],
    nodesWith: () => [0, 1, 2, 3, 4],
    clientActor: () => undefined,
  };
}
const note = (node: number, kind: string, data: Record<string, unknown>): Note => ({ node, kind, data, timeUs: 0 });

describe('below the snapshot floor', () => {
  it('an apply there is a violation: every state machine already held that index', () => {
    const view = compactedView(600);
    const inv = new StateMachineSafety();
    for (let i = 1; i <= 600; i++) expect(inv.onNote(note(i % 5, 'apply', { index: i, term: 1, 'command-id': `c1:${i}` }), view)).toBeUndefined();
    expect(inv.held).toBe(601);
    expect(inv.onNote(note(0, 'snapshot-taken', { index: 600, term: 1, 'commit-index': 600 }), view)).toBeUndefined();
    expect(inv.held).toBe(1); // the floor's own index stays: a snapshot's boundary is still compared
    expect(inv.onNote(note(2, 'apply', { index: 5, term: 1, 'command-id': 'c1:5' }), view)).toMatch(/n3 applied index 5 .* below 600/);
    // Above the floor, the comparison goes on.
    expect(inv.onNote(note(1, 'apply', { index: 601, term: 1, 'command-id': 'c1:601' }), view)).toBeUndefined();
    expect(inv.onNote(note(2, 'apply', { index: 601, term: 2, 'command-id': 'c2:1' }), view)).toMatch(/index 601 applied as c1:601/);
  });

  it('a commit there is a violation, and one above the floor is still compared', () => {
    const view = compactedView(600);
    const inv = new CommittedNeverLost();
    for (let i = 1; i <= 600; i++) expect(inv.onNote(note(0, 'commit', { index: i, term: 1 }), view)).toBeUndefined();
    expect(inv.onNote(note(0, 'snapshot-taken', { index: 600, term: 1, 'commit-index': 600 }), view)).toBeUndefined();
    expect(inv.held).toBe(1);
    expect(inv.onNote(note(0, 'commit', { index: 3, term: 1 }), view)).toMatch(/n1 noted index 3 committed .* below 600/);
    expect(inv.onNote(note(0, 'commit', { index: 601, term: 1 }), view)).toBeUndefined();
    expect(inv.onNote(note(1, 'commit', { index: 601, term: 2 }), view)).toMatch(/index 601 committed with term 1, then n2 committed term 2/);
  });

  it('a floor held down by one node keeps everything above it', () => {
    const view = compactedView(600);
    (view.actor(3) as unknown as { snapIndex: number; log: unknown[] }).snapIndex = 0;
    (view.actor(3) as unknown as { log: unknown[] }).log = [SENTINEL];
    const inv = new SnapshotCommitted();
    for (let i = 1; i <= 600; i++) inv.onNote(note(0, 'commit', { index: i, term: 1 }), view);
    expect(inv.onNote(note(0, 'snapshot-taken', { index: 600, term: 1, 'commit-index': 600 }), view)).toBeUndefined();
    expect(inv.held).toBe(601);
    expect(inv.onNote(note(3, 'snapshot-installed', { index: 300, term: 2, 'commit-index': 300 }), view)).toMatch(/n4 installed a snapshot through index 300 of term 2, where term 1 was committed/);
  });
});

describe('one snapshot floor per run', () => {
  it('state-machine-safety, committed-never-lost and snapshot-committed read the cluster once per snapshot note, and all forget below it', () => {
    const view = compactedView(600);
    let reads = 0;
    const counted: ClusterView<RaftNode> = { ...view, actor: view.actor, storage: (n) => (reads++, view.storage(n)) };
    const invariants = raft.invariants({}).filter((i) => i instanceof StateMachineSafety || i instanceof CommittedNeverLost || i instanceof SnapshotCommitted);
    expect(invariants).toHaveLength(3);
    // As the kernel does: each gets the note kinds it reads.
    const send = (n: Note) => invariants.filter((i) => i.notes!.includes(n.kind)).map((i) => i.onNote!(n, counted));
    for (let i = 1; i <= 600; i++) {
      send(note(0, 'commit', { index: i, term: 1 }));
      send(note(0, 'apply', { index: i, term: 1, 'command-id': `c1:${i}` }));
    }
    expect(reads).toBe(0);
    const taken = note(0, 'snapshot-taken', { index: 600, term: 1, 'commit-index': 600 });
    expect(send(taken)).toEqual([undefined, undefined, undefined]);
    expect(reads).toBe(5);
    expect(invariants.map((i) => (i as unknown as Held).held)).toEqual([1, 1, 1]);
    // Invariants built alone each have their own floor.
    const alone = new StateMachineSafety();
    alone.onNote(taken, counted);
    expect(reads).toBe(10);
  });
});

describe('below the term floor', () => {
  it('an election or a vote there is a violation: every node had a higher term', () => {
    const view = compactedView(600);
    for (let n = 0; n < 5; n++) {
      (view.actor(n) as unknown as { term: number }).term = 200;
      (view.storage(n) as FakeStorage).put('raft:hs', { term: 200, votedFor: -1 });
    }
    const es = new ElectionSafety();
    for (let t = 1; t <= 64; t++) expect(es.onNote(note(t % 5, 'become-leader', { term: t }), view)).toBeUndefined();
    expect(es.held).toBe(0);
    expect(es.onNote(note(1, 'become-leader', { term: 199 }), view)).toMatch(/n2 became leader of term 199, below 200/);
    expect(es.onNote(note(1, 'become-leader', { term: 200 }), view)).toBeUndefined();
    expect(es.onNote(note(2, 'become-leader', { term: 200 }), view)).toMatch(/two leaders in term 200: n2 and n3/);
    const vo = new VoteOnce();
    for (let t = 1; t <= 64; t++) expect(vo.onNote(note(0, 'vote', { term: t, candidate: 1 }), view)).toBeUndefined();
    expect(vo.held).toBe(0);
    expect(vo.onNote(note(0, 'vote', { term: 3, candidate: 2 }), view)).toMatch(/n1 voted in term 3, below 200/);
    const lq = new LeaderQuorum();
    for (let t = 1; t <= 64; t++) expect(lq.onNote(note(0, 'vote', { term: t, candidate: 0 }), view)).toBeUndefined();
    expect(lq.held).toBe(0);
    expect(lq.onNote(note(3, 'vote', { term: 5, candidate: 0 }), view)).toMatch(/n4 voted for n1 in term 5, below 200/);
  });

  it('a node that never persisted its term (volatile-vote) holds the floor at 0: nothing is forgotten', () => {
    const view = compactedView(600);
    for (let n = 0; n < 5; n++) (view.actor(n) as unknown as { term: number }).term = 200;
    const es = new ElectionSafety();
    for (let t = 1; t <= 128; t++) es.onNote(note(t % 5, 'become-leader', { term: t }), view);
    expect(es.held).toBe(128);
    expect(es.onNote(note(4, 'become-leader', { term: 3 }), view)).toMatch(/two leaders in term 3: n4 and n5/);
  });
});
