// Snapshots and compaction in Multi-Paxos: a replica snapshots its KV store at its executed
// slot, its acceptor forgets the slots the snapshot covers and its learner drops them; a
// restart loads the snapshot and the slots above it; a promise to a candidate that executed
// less carries the snapshot (state transfer), and so does a leader's answer to a learner
// behind it; chosen-unique and executed-prefix drop what no note can touch any more. Then,
// over seeds under the nemesis, compacted Multi-Paxos passes every check, and what the
// replicas and the invariants hold stays bounded on a long run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../../checkers/linearizability/index.js';
import { applyKnobs, drawKnobs } from '../../../explore/swarm.js';
import type { Ballot } from '../../../protocols/paxos/ballot.js';
import { multipaxos } from '../../../protocols/paxos/multi/index.js';
import { ChosenUnique, ExecutedPrefix, multiPaxosInvariants } from '../../../protocols/paxos/multi/invariants.js';
import type { MultiPaxosReplica } from '../../../protocols/paxos/multi/node.js';
import type { Cmd, ReplicaSnapshot, Segment } from '../../../protocols/paxos/multi/types.js';
import { KvStore } from '../../../protocols/raft/kv.js';
import { loadScenario, type LoadedScenario } from '../../../scenario/load.js';
import type { SimConfig } from '../../../sim/config.js';
import type { Note } from '../../../sim/types.js';
import { runSimulation } from '../../../sim/world.js';
import { FakeStorage, makeReplica, sentOfType } from './fake-context.js';

const b = (round: number, node: number): Ballot => ({ round, node });
const cmd = (slot: number): Cmd => Object.freeze({ id: `c${slot}`, clientId: 7, seq: slot, op: { f: 'append', key: 'k', value: `${slot}` } });
const cmds = (from: number, to: number): Cmd[] => Array.from({ length: to - from + 1 }, (_, i) => cmd(from + i));

/** The snapshot of slots 1..slot (each appends its number to k). */
function snapshotOf(slot: number): ReplicaSnapshot {
  const kv = new KvStore(true);
  for (const c of cmds(1, slot)) kv.apply({ clientId: c.clientId, seq: c.seq, op: c.op! });
  return Object.freeze({ slot, state: kv.snapshot() });
}

/** A follower (n1) that accepted slots 1..7 at ballot 1.n2 and learned 1..6 from the leader's decisions: with snapshotEvery 4, a snapshot at 6. */
function compacted(storage = new FakeStorage()) {
  const made = makeReplica({ id: 0, storage, options: { snapshotEvery: 4 } });
  made.node.onMessage(1, { type: 'accept', ballot: b(1, 1), proposals: cmds(1, 7).map((c) => ({ slot: c.seq, cmd: c })) });
  made.node.onMessage(1, { type: 'decisions', ballot: b(1, 1), from: 1, cmds: cmds(1, 6), executed: 6 });
  made.ctx.drain();
  return made;
}

describe('taking a snapshot', () => {
  it('at snapshotEvery executed slots: durable; the acceptor forgets the slots it covers, in storage too; the learner drops them', () => {
    const { node, ctx } = compacted();
    expect([node.executed, node.logBase, node.logEnd(), node.acceptor.forgotten]).toEqual([6, 6, 6, 6]);
    expect(node.snapshot?.slot).toBe(6);
    expect(ctx.storage.synced.get('mp:snap')).toBe(node.snapshot);
    expect([...node.acceptor.accepted.keys()]).toEqual([7]);
    expect(ctx.notes.filter((n) => n.kind === 'snapshot-taken').map((n) => n.data)).toEqual([{ slot: 6 }]);
    expect(node.kv.data.get('k')).toBe('123456');
  });

  it('storage: accepted values in segments of 64 slots; a segment the snapshot covers whole is freed, one it cuts stays', () => {
    const made = makeReplica({ id: 0, options: { snapshotEvery: 4 } });
    made.node.onMessage(1, { type: 'accept', ballot: b(1, 1), proposals: cmds(1, 70).map((c) => ({ slot: c.seq, cmd: c })) });
    const st = made.ctx.storage;
    expect(slotsIn(st.synced.get('mp:acc:0'))).toHaveLength(63);
    made.node.onMessage(1, { type: 'decisions', ballot: b(1, 1), from: 1, cmds: cmds(1, 66), executed: 66 });
    expect(made.node.acceptor.forgotten).toBe(66);
    expect(st.synced.get('mp:acc:0')).toBeUndefined();
    expect(slotsIn(st.synced.get('mp:acc:1'))).toEqual([64, 65, 66, 67, 68, 69, 70]);
    const again = makeReplica({ id: 0, storage: st, options: { snapshotEvery: 4 } });
    expect([...again.node.acceptor.accepted.keys()]).toEqual([67, 68, 69, 70]);
  });

  it('storage: a later accept never writes into a segment already stored (its chunks are copied, not shared, where it writes)', () => {
    const made = makeReplica({ id: 0 });
    made.node.onMessage(1, { type: 'accept', ballot: b(1, 1), proposals: cmds(1, 10).map((c) => ({ slot: c.seq, cmd: c })) });
    const st = made.ctx.storage;
    const first = st.synced.get('mp:acc:0') as Segment;
    const before = JSON.stringify(first);
    made.node.onMessage(1, { type: 'accept', ballot: b(2, 1), proposals: cmds(3, 12).map((c) => ({ slot: c.seq, cmd: c })) });
    expect(JSON.stringify(first)).toBe(before);
    const second = st.synced.get('mp:acc:0') as Segment;
    expect(slotsIn(second)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(second.flat().flatMap((a) => (a === undefined || a.slot < 3 ? [] : [a.ballot.round]))).toEqual(Array(10).fill(2));
    const again = makeReplica({ id: 0, storage: st });
    expect([...again.node.acceptor.accepted.values()].map((a) => [a.slot, a.ballot.round])).toEqual([[1, 1], [2, 1], ...Array.from({ length: 10 }, (_, i) => [i + 3, 2])]);
  });

  it('one sync for the snapshot and the forgetting; the highest accepted ballot is written only when it changed', () => {
    const made = makeReplica({ id: 0, options: { snapshotEvery: 4 } });
    const st = made.ctx.storage;
    const puts: string[] = [];
    const put = st.put.bind(st);
    st.put = (key, value) => (puts.push(key), put(key, value));
    made.node.onMessage(1, { type: 'accept', ballot: b(1, 1), proposals: cmds(1, 20).map((c) => ({ slot: c.seq, cmd: c })) });
    const snapshotAt = (to: number, ballot: Ballot) => {
      const syncs = st.syncs;
      puts.length = 0;
      made.node.onMessage(1, { type: 'decisions', ballot, from: 1, cmds: cmds(1, to), executed: to });
      return { syncs: st.syncs - syncs, puts: [...puts], synced: st.unsynced.size === 0 };
    };
    expect(snapshotAt(6, b(1, 1))).toEqual({ syncs: 1, puts: ['mp:snap', 'mp:maxAccepted'], synced: true });
    expect(snapshotAt(12, b(1, 1))).toEqual({ syncs: 1, puts: ['mp:snap'], synced: true }); // the ballot is as written
    made.node.onMessage(2, { type: 'accept', ballot: b(2, 2), proposals: [{ slot: 21, cmd: cmd(21) }] });
    expect(snapshotAt(18, b(2, 2))).toEqual({ syncs: 1, puts: ['mp:snap', 'mp:maxAccepted'], synced: true });
    expect(st.synced.get('mp:maxAccepted')).toBe(made.node.acceptor.maxAcceptedNumber);
    // A restart still comes back with the highest accepted ballot.
    const again = makeReplica({ id: 0, storage: st, options: { snapshotEvery: 4 } });
    expect(again.node.acceptor.maxAcceptedNumber).toBe(made.node.acceptor.maxAcceptedNumber);
  });

  it('never with snapshotEvery 0', () => {
    const made = makeReplica({ id: 0, options: { snapshotEvery: 0 } });
    made.node.onMessage(1, { type: 'decisions', ballot: b(1, 1), from: 1, cmds: cmds(1, 6), executed: 6 });
    expect([made.node.executed, made.node.logBase, made.node.log.length]).toEqual([6, 0, 7]);
    expect(made.ctx.notes.some((n) => n.kind.startsWith('snapshot-'))).toBe(false);
  });

  it('an accept at or below the forgotten slot is ignored (decided); above it, accepted', () => {
    const { node, ctx } = compacted();
    ctx.notes = [];
    node.onMessage(1, { type: 'accept', ballot: b(2, 1), proposals: [5, 8].map((s) => ({ slot: s, cmd: cmd(s) })) });
    const [reply] = sentOfType(ctx.drain(), 'accepted');
    expect(reply.msg.slots).toEqual([8]);
    expect(node.acceptor.accepted.has(5)).toBe(false);
    expect(ctx.notes.filter((n) => n.kind === 'accepted').map((n) => n.data.slot)).toEqual([8]);
  });
});

describe('a restart from the snapshot', () => {
  it('loads the KV store and the executed point; the acceptor holds only what lies above, and its highest accepted ballot', () => {
    const first = compacted();
    const maxBefore = first.node.acceptor.maxAcceptedNumber;
    const { node } = makeReplica({ id: 0, storage: first.ctx.storage, options: { snapshotEvery: 4 } });
    expect([node.executed, node.logBase, node.acceptor.forgotten, node.acceptor.top]).toEqual([6, 6, 6, 7]);
    expect(node.kv.data.get('k')).toBe('123456');
    expect([...node.acceptor.accepted.keys()]).toEqual([7]);
    expect(node.acceptor.maxAcceptedNumber).toBe(maxBefore);
  });
});

describe('state transfer', () => {
  it('a promise to a candidate that executed less than our snapshot carries it, with what we accepted above it', () => {
    const { node, ctx } = compacted();
    node.onMessage(2, { type: 'prepare', ballot: b(3, 2), from: 2 });
    const [p] = sentOfType(ctx.drain(), 'promise');
    expect(p.msg.snap?.slot).toBe(6);
    expect(p.msg.accepted.map((a) => a.slot)).toEqual([7]);
    node.onMessage(2, { type: 'prepare', ballot: b(4, 2), from: 6 });
    const [q] = sentOfType(ctx.drain(), 'promise');
    expect(q.msg.snap).toBeUndefined();
  });

  it('a new leader installs the newest snapshot of its quorum and recovers only the slots above it', () => {
    const r = makeReplica({ id: 0, nodes: 3 });
    r.node.onTimer('election');
    const [prep] = sentOfType(r.ctx.drain(), 'prepare');
    expect(prep.msg.from).toBe(0);
    r.node.onMessage(1, { type: 'promise', ballot: prep.msg.ballot, accepted: [{ slot: 7, ballot: b(1, 1), cmd: cmd(7) }], snap: snapshotOf(6) });
    expect(r.node.role).toBe('leader');
    expect([r.node.executed, r.node.logBase, r.node.nextSlot]).toEqual([6, 6, 8]);
    expect(r.node.kv.data.get('k')).toBe('123456');
    const accepts = sentOfType(r.ctx.drain(), 'accept');
    expect(accepts[0].msg.proposals.map((p) => [p.slot, p.cmd.id])).toEqual([[7, 'c7']]);
    expect(r.ctx.notes.filter((n) => n.kind === 'snapshot-installed').map((n) => n.data)).toEqual([{ slot: 6 }]);
    // A learner asking for slot 2 gets the snapshot and the slots above it.
    r.node.onMessage(2, { type: 'accepted', ballot: prep.msg.ballot, slots: [7] });
    r.ctx.drain();
    r.node.onMessage(2, { type: 'catchup', from: 2 });
    const [d] = sentOfType(r.ctx.drain(), 'decisions');
    expect([d.msg.snap?.slot, d.msg.from, d.msg.cmds.map((c) => c.id), d.msg.executed]).toEqual([6, 7, ['c7'], 7]);
  });

  it('a lagging learner installs the snapshot from decisions, then executes above it', () => {
    const { node, ctx } = makeReplica({ id: 2 });
    node.onMessage(0, { type: 'decisions', ballot: b(1, 0), from: 7, cmds: [cmd(7)], executed: 7, snap: snapshotOf(6) });
    expect([node.executed, node.logBase]).toEqual([7, 6]);
    expect(node.kv.data.get('k')).toBe('1234567');
    expect(ctx.storage.synced.get('mp:snap')).toMatchObject({ slot: 6 });
    expect(ctx.notes.filter((n) => n.kind === 'snapshot-installed' || n.kind === 'execute').map((n) => [n.kind, n.data.slot])).toEqual([
      ['snapshot-installed', 6],
      ['execute', 7],
    ]);
  });
});

const note = (node: number, kind: string, data: Record<string, unknown>): Note => ({ node, kind, data, timeUs: 0 }) as Note;

describe('the invariants with compaction', () => {
  // One actor object per node (an incarnation), whose acceptor forgot up to what the view says.
  const incarnations = [0, 1, 2].map(() => ({ acceptor: { forgotten: 0 } }));
  const actors = (forgotten: number[]) => ({
    nodeCount: forgotten.length,
    actor: (n: number) => {
      incarnations[n].acceptor.forgotten = forgotten[n];
      return incarnations[n] as unknown as MultiPaxosReplica;
    },
  });

  it('executed-prefix: a node that loaded a snapshot executes on from its slot; a snapshot above every executed slot fails', () => {
    const inv = new ExecutedPrefix();
    const view = actors([0, 0]);
    for (let s = 1; s <= 3; s++) expect(inv.onNote(note(0, 'execute', { slot: s, id: `c${s}` }), view)).toBeUndefined();
    expect(inv.onNote(note(1, 'snapshot-loaded', { slot: 3 }), view)).toBeUndefined();
    expect(inv.onNote(note(1, 'execute', { slot: 4, id: 'c4' }), view)).toBeUndefined();
    expect(inv.onNote(note(1, 'execute', { slot: 6, id: 'c6' }), view)).toMatch(/executed slot 6 after slot 4/);
    expect(inv.onNote(note(0, 'snapshot-installed', { slot: 9 }), view)).toMatch(/snapshot through slot 9, above every slot executed \(4\)/);
  });

  it('chosen-unique and executed-prefix drop the slots every acceptor forgot (executed-prefix in batches of 256), and still catch a second choice above them', () => {
    const cu = new ChosenUnique();
    const ep = new ExecutedPrefix();
    const accepted = (node: number, slot: number, ballot: number, id: string) => note(node, 'accepted', { slot, ballot, id });
    for (let s = 1; s <= 300; s++) {
      for (const n of [0, 1]) cu.onNote(accepted(n, s, 1, `c${s}`), actors([0, 0, 0]));
      ep.onNote(note(0, 'execute', { slot: s, id: `c${s}` }), actors([0, 0, 0]));
    }
    cu.onNote(accepted(2, 300, 2, 'x300'), actors([0, 0, 0])); // a vote for another value, at a higher ballot
    // executed-prefix spans slots 0..300.
    expect([cu.held, ep.held]).toEqual([301, 301]);
    // Every acceptor forgot up to 6: chosen-unique drops slots 1..6; executed-prefix waits for a batch.
    cu.onNote(note(0, 'snapshot-taken', { slot: 6 }), actors([6, 6, 6]));
    ep.onNote(note(0, 'snapshot-taken', { slot: 6 }), actors([6, 6, 6]));
    expect([cu.held, ep.held]).toEqual([295, 301]);
    // n1 and n2 forgot up to 280, n3 up to 270: only slots 1..270 go.
    cu.onNote(note(0, 'snapshot-taken', { slot: 280 }), actors([280, 280, 270]));
    ep.onNote(note(0, 'snapshot-taken', { slot: 280 }), actors([280, 280, 270]));
    expect([cu.held, ep.held]).toEqual([31, 30]);
    expect(cu.onNote(accepted(1, 300, 2, 'x300'), actors([280, 280, 270]))).toMatch(/slot 300: c300 was chosen .* then x300/);
    expect(ep.onNote(note(1, 'snapshot-loaded', { slot: 280 }), actors([280, 280, 270]))).toBeUndefined();
    expect(ep.onNote(note(1, 'execute', { slot: 281, id: 'x281' }), actors([280, 280, 270]))).toMatch(/slot 281 executed as c281 on n1 and as x281 on n2/);
  });

  it('chosen-unique counts each value apart at one ballot: votes for a and b do not add up to a majority for either', () => {
    const cu = new ChosenUnique();
    const view = actors([0, 0, 0]);
    const accepted = (node: number, ballot: number, id: string) => note(node, 'accepted', { slot: 1, ballot, id });
    expect(cu.onNote(accepted(0, 5, 'a'), view)).toBeUndefined();
    // Counted together with n1's vote for a, this would choose b here, and n3's vote for a below would be a second choice.
    expect(cu.onNote(accepted(1, 5, 'b'), view)).toBeUndefined();
    expect(cu.onNote(accepted(2, 5, 'a'), view)).toBeUndefined();
    // a is chosen (n1 and n3 at ballot 5): a majority for b at a later ballot is a second choice.
    expect(cu.onNote(accepted(1, 6, 'b'), view)).toBeUndefined();
    expect(cu.onNote(accepted(2, 6, 'b'), view)).toMatch(/slot 1: a was chosen \(accepted by a majority at ballot .*\), then b/);
  });

  it('one forgotten point serves both invariants of a run: the acceptors are read once per snapshot note', () => {
    let reads = 0;
    const view = {
      nodeCount: 3,
      actor: (n: number) => {
        reads++;
        return actors([4, 4, 4]).actor(n);
      },
    };
    const [cu, ep] = multiPaxosInvariants() as [ChosenUnique, ExecutedPrefix];
    for (let s = 1; s <= 4; s++) ep.onNote(note(0, 'execute', { slot: s, id: `c${s}` }), view);
    reads = 0;
    const taken = note(0, 'snapshot-taken', { slot: 4 });
    cu.onNote(taken, view);
    ep.onNote(taken, view);
    expect(reads).toBe(3);
  });
});

// ---------------------------------------------------------------------------------------
// Whole runs.

const nemesisFile = 'scenarios/paxos/nemesis.yaml';
const kvVerdict = (r: { history: Parameters<typeof checkHistory>[0] }) => checkHistory(r.history, 'kv', { budgetSteps: 20_000_000 }).verdict;

function fuzzConfig(loaded: LoadedScenario, seed: number, snapshotEvery: number, bugs: string[] = []): SimConfig {
  const config = applyKnobs({ ...loaded.config, seed: String(seed), bugs }, drawKnobs(String(seed), loaded.config, loaded.swarm));
  return { ...config, protocolOptions: { ...config.protocolOptions, snapshotEvery } };
}

describe('compacted and uncompacted Multi-Paxos under the nemesis', () => {
  it('pass every invariant and give linearizable histories, snapshots being taken, loaded and installed (fast-check over seeds)', async () => {
    const loaded = await loadScenario(nemesisFile);
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.constantFrom(0, 3, 16), (seed, snapshotEvery) => {
        const r = runSimulation({ ...fuzzConfig(loaded, seed, snapshotEvery), record: 'full' });
        expect(r.violations).toEqual([]);
        expect(kvVerdict(r)).toBe('linearizable');
        const snapshots = r.trace!.filter((e) => e.k === 'note' && e.kind.startsWith('snapshot-'));
        if (snapshotEvery === 0) expect(snapshots).toEqual([]);
        for (const e of snapshots) if (e.k === 'note') seen.set(e.kind, (seen.get(e.kind) ?? 0) + 1);
      }),
      { seed: 16, numRuns: 30 },
    );
    for (const kind of ['snapshot-taken', 'snapshot-loaded', 'snapshot-installed']) expect(seen.get(kind) ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it('every bug variant is still found with snapshots (snapshotEvery 16)', async () => {
    const loaded = await loadScenario(nemesisFile);
    const cases = [
      { bug: 'volatile-acceptor', checker: 'monotonic-ballots' },
      { bug: 'ignore-accepted', checker: 'chosen-unique' },
      { bug: 'bad-quorum', checker: 'chosen-unique' },
      { bug: 'new-leader-at-own-end', checker: 'chosen-unique' },
    ];
    for (const { bug, checker } of cases) {
      let found = false;
      for (let seed = 0; seed < 10 && !found; seed++) found = runSimulation(fuzzConfig(loaded, seed, 16, [bug])).violations.some((v) => v.checker === checker);
      expect({ bug, found }).toEqual({ bug, found: true });
    }
  }, 60_000);

  it('what replicas and invariants hold stays bounded over a long run with snapshots, and grows without them', async () => {
    const loaded = await loadScenario(nemesisFile);
    const durationUs = 40_000_000;
    const held = (snapshotEvery: number) => {
      const actors: MultiPaxosReplica[] = [];
      let invariants: ReturnType<typeof multiPaxosInvariants> = [];
      const protocol = {
        ...multipaxos,
        createActor: (ctx: Parameters<typeof multipaxos.createActor>[0], options: Record<string, unknown>) => (actors[ctx.id] = multipaxos.createActor(ctx, options)),
        invariants: () => (invariants = multiPaxosInvariants()),
      };
      let replicas = 0;
      let checks = 0;
      const sample = (): boolean => {
        for (const a of actors) if (a !== undefined) replicas = Math.max(replicas, a.acceptor.accepted.size + a.log.length);
        const [cu, ep] = invariants as [ChosenUnique, ExecutedPrefix];
        checks = Math.max(checks, cu.held + ep.held);
        return false;
      };
      const config = { ...fuzzConfig(loaded, 3, snapshotEvery), protocol, durationUs, faultsStopUs: durationUs - 4_000_000 };
      const r = runSimulation(config, { shouldStop: sample });
      sample();
      expect(r.violations).toEqual([]);
      return { replicas, checks, executed: Math.max(...actors.map((a) => a.executed)) };
    };
    const compactedRun = held(32);
    const whole = held(0);
    console.info(`multipaxos held over ${durationUs / 1e6} s: replicas ${whole.replicas}, invariants ${whole.checks} without snapshots (${whole.executed} executed); ${compactedRun.replicas} and ${compactedRun.checks} with snapshotEvery 32 (${compactedRun.executed} executed)`);
    expect(whole.executed).toBeGreaterThan(1_000);
    expect(compactedRun.executed).toBeGreaterThan(1_000);
    expect(whole.replicas).toBeGreaterThan(1_000);
    expect(whole.checks).toBeGreaterThan(1_000);
    expect(compactedRun.replicas).toBeLessThan(400);
    expect(compactedRun.checks).toBeLessThan(400);
  }, 60_000);
});

/** The slots a stored segment holds, in order (its chunks flattened). */
function slotsIn(segment: unknown): number[] {
  return (segment as Segment).flat().flatMap((a) => (a === undefined ? [] : [a.slot]));
}
