// Zab's handlers, driven one message at a time with a recording context. References:
// Junqueira, Reed & Serafini, DSN 2011 (§IV, Algorithms 1-3); Medeiros 2012 (§3, §4.2:
// ZooKeeper's synchronisation with DIFF, TRUNC and SNAP).
import { describe, expect, it } from 'vitest';
import type { ZabNode } from '../../../protocols/zab/node.js';
import { syncPlan } from '../../../protocols/zab/sync.js';
import { zxid, type Txn, type ZabMsg } from '../../../protocols/zab/types.js';
import { FakeStorage, makeNode, sentOfType, storageWith, txn, type FakeContext } from './fake-context.js';

const vote = (leader: number, z = 0) => ({ leader, zxid: z });

/** n3 (id 2) elected by n1's vote: it leads, in discovery. */
function makeLeader(storage = new FakeStorage(), bugs: string[] = []): { node: ZabNode; ctx: FakeContext } {
  const made = makeNode({ id: 2, storage, bugs });
  const { node, ctx } = made;
  node.onMessage(0, { type: 'NOTIFY', round: 1, vote: vote(2, node.durable.lastZxid()), state: 'looking' });
  node.onTimer('finalize');
  expect(node.role).toBe('leading');
  ctx.drain();
  return made;
}

/** n1 (id 0) following n3 (id 2), in discovery (CEPOCH sent). */
function makeFollower(storage = new FakeStorage(), bugs: string[] = []): { node: ZabNode; ctx: FakeContext } {
  const made = makeNode({ id: 0, storage, bugs });
  made.node.onMessage(2, { type: 'NOTIFY', round: 1, vote: vote(2, made.node.durable.lastZxid() + 1), state: 'looking' });
  made.node.onTimer('finalize');
  expect(made.node.role).toBe('following');
  return made;
}

/** Drive a leader (n3) through discovery and sync with n1 (id 0): established. */
function establish(node: ZabNode, ctx: FakeContext, follower: { acceptedEpoch?: number; currentEpoch?: number; history?: readonly Txn[] } = {}): number {
  node.onMessage(0, { type: 'CEPOCH', acceptedEpoch: follower.acceptedEpoch ?? 0 });
  const [ne] = sentOfType(ctx.drain(), 'NEWEPOCH');
  node.onMessage(0, { type: 'ACK-E', epoch: ne.msg.epoch, currentEpoch: follower.currentEpoch ?? 0, history: follower.history ?? [] });
  const sync = sentOfType(ctx.drain(), 'NEWLEADER');
  node.onMessage(0, { type: 'ACK-LD', epoch: ne.msg.epoch, zxid: sync[0].msg.zxid });
  expect(node.leading?.established).toBe(true);
  return ne.msg.epoch;
}

describe('phase 0: leader election (votes ordered by (last zxid, server id))', () => {
  it('a starting server is looking and sends every peer its own vote, round 1', () => {
    const storage = storageWith({ history: [txn(1, 1), txn(1, 2)] });
    const { node, ctx } = makeNode({ id: 1, storage });
    expect(node.role).toBe('looking');
    node.onTimer('tick');
    const sent = sentOfType(ctx.drain(), 'NOTIFY');
    expect(sent.map((s) => s.to)).toEqual([0, 2]);
    expect(sent[0].msg).toEqual({ type: 'NOTIFY', round: 1, vote: vote(1, zxid(1, 2)), state: 'looking' });
  });

  const cases = [
    { name: 'adopts a vote with a higher zxid', heard: vote(0, zxid(2, 1)), adopts: true },
    { name: 'adopts the same zxid from a higher id', heard: vote(2, zxid(1, 2)), adopts: true },
    { name: 'keeps its vote over a lower zxid', heard: vote(2, zxid(1, 1)), adopts: false },
    { name: 'keeps its vote over the same zxid from a lower id', heard: vote(0, zxid(1, 2)), adopts: false },
  ];
  it.each(cases)('$name', ({ heard, adopts }) => {
    const { node, ctx } = makeNode({ id: 1, storage: storageWith({ history: [txn(1, 1), txn(1, 2)] }) });
    node.onMessage(heard.leader === 1 ? 0 : heard.leader, { type: 'NOTIFY', round: 1, vote: heard, state: 'looking' });
    expect(node.election!.vote).toEqual(adopts ? heard : vote(1, zxid(1, 2)));
    expect(sentOfType(ctx.drain(), 'NOTIFY').length).toBe(adopts ? 2 : 0);
  });

  it('a quorum sharing a vote decides after the finalize wait: the winner leads, the other follows', () => {
    const { node, ctx } = makeNode({ id: 0 });
    node.onMessage(2, { type: 'NOTIFY', round: 1, vote: vote(2), state: 'looking' });
    expect(ctx.timers.has('finalize')).toBe(true);
    expect(node.role).toBe('looking');
    node.onTimer('finalize');
    expect(node.role).toBe('following');
    expect(sentOfType(ctx.drain(), 'CEPOCH')).toMatchObject([{ to: 2, msg: { acceptedEpoch: 0 } }]);
    const { node: leader } = makeLeader();
    expect(leader.leading?.phase).toBe('discovery');
  });

  it('a higher round resets the votes heard; an older round is answered with ours', () => {
    const { node, ctx } = makeNode({ id: 0 });
    node.onMessage(1, { type: 'NOTIFY', round: 5, vote: vote(1), state: 'looking' });
    expect(node.election!.round).toBe(5);
    ctx.drain();
    node.onMessage(2, { type: 'NOTIFY', round: 3, vote: vote(2), state: 'looking' });
    expect(sentOfType(ctx.drain(), 'NOTIFY')).toMatchObject([{ to: 2, msg: { round: 5, vote: vote(1) } }]);
    expect(node.election!.vote).toEqual(vote(1));
  });

  it('a looking server joins a leader that says it leads once a quorum names it', () => {
    const { node } = makeNode({ id: 0, nodes: 5 });
    node.onMessage(3, { type: 'NOTIFY', round: 2, vote: vote(3), state: 'leading' });
    expect(node.role).toBe('looking');
    node.onMessage(4, { type: 'NOTIFY', round: 2, vote: vote(3), state: 'following' });
    expect(node.role).toBe('following');
    expect(node.following!.leader).toBe(3);
  });

  it('a server out of the election tells a looking peer whom it follows', () => {
    const { node, ctx } = makeFollower();
    ctx.drain();
    node.onMessage(1, { type: 'NOTIFY', round: 1, vote: vote(1), state: 'looking' });
    expect(sentOfType(ctx.drain(), 'NOTIFY')).toMatchObject([{ to: 1, msg: { state: 'following', vote: { leader: 2 } } }]);
  });
});

describe('phase 1: discovery (CEPOCH, NEWEPOCH, ACK-E)', () => {
  it('the leader proposes an epoch above every acceptedEpoch of its quorum, durably accepted by itself first', () => {
    const storage = storageWith({ acceptedEpoch: 3, currentEpoch: 3 });
    const { node, ctx } = makeLeader(storage);
    node.onMessage(0, { type: 'CEPOCH', acceptedEpoch: 7 });
    const [ne] = sentOfType(ctx.drain(), 'NEWEPOCH');
    expect(ne.msg.epoch).toBe(8);
    expect(ne.unsyncedBefore).toBe(0);
    expect(storage.synced.get('zab:acceptedEpoch')).toBe(8);
    // A late CEPOCH gets the decided epoch.
    node.onMessage(1, { type: 'CEPOCH', acceptedEpoch: 0 });
    expect(sentOfType(ctx.drain(), 'NEWEPOCH')).toMatchObject([{ to: 1, msg: { epoch: 8 } }]);
  });

  it('a follower accepts a new epoch durably before ACK-E, which carries its currentEpoch and history', () => {
    const storage = storageWith({ acceptedEpoch: 2, currentEpoch: 2, history: [txn(2, 1)] });
    const { node, ctx } = makeFollower(storage);
    ctx.drain();
    node.onMessage(2, { type: 'NEWEPOCH', epoch: 3 });
    const [ack] = sentOfType(ctx.drain(), 'ACK-E');
    expect(ack.msg).toMatchObject({ epoch: 3, currentEpoch: 2 });
    expect(ack.msg.history.map((t) => t.id)).toEqual(['t2.1']);
    expect(ack.unsyncedBefore).toBe(0);
    expect(storage.synced.get('zab:acceptedEpoch')).toBe(3);
    // The same epoch from the same leader again (a lost ACK-E): acknowledged again.
    node.onMessage(2, { type: 'NEWEPOCH', epoch: 3 });
    expect(sentOfType(ctx.drain(), 'ACK-E')).toHaveLength(1);
  });

  it.each([
    { name: 'an older epoch', accepted: 5, from: 2, epoch: 4 },
    { name: 'the epoch it accepted from another leader', accepted: 5, from: 1, epoch: 5 },
  ])('a follower offered $name goes back to election', ({ accepted, from, epoch }) => {
    const { node, ctx } = makeFollower(storageWith({ acceptedEpoch: accepted, acceptedFrom: from }));
    ctx.drain();
    node.onMessage(2, { type: 'NEWEPOCH', epoch });
    expect(node.role).toBe('looking');
    expect(sentOfType(ctx.drain(), 'ACK-E')).toEqual([]);
  });

  it('the leader adopts the most up-to-date history of its quorum, by (currentEpoch, last zxid)', () => {
    const storage = storageWith({ acceptedEpoch: 1, currentEpoch: 1, history: [txn(1, 1), txn(1, 2), txn(1, 3)] });
    const { node, ctx } = makeLeader(storage);
    node.onMessage(0, { type: 'CEPOCH', acceptedEpoch: 2 });
    ctx.drain();
    // n1 has a shorter history but a newer currentEpoch: it took epoch 2's history.
    node.onMessage(0, { type: 'ACK-E', epoch: 3, currentEpoch: 2, history: [txn(1, 1), txn(2, 1)] });
    expect(node.durable.history.map((t) => t.id)).toEqual(['t1.1', 't2.1']);
    expect(node.durable.currentEpoch).toBe(3);
    expect((storage.syncedLog as Array<{ id: string }>).map((t) => t.id)).toEqual(['t1.1', 't2.1']);
    expect(ctx.notes.find((n) => n.kind === 'adopt')?.data).toMatchObject({ epoch: 3, from: 0 });
  });
});

describe('phase 2: synchronisation (DIFF, TRUNC, SNAP; NEWLEADER, ACK-LD, COMMIT-LD)', () => {
  const h = [txn(1, 1), txn(1, 2), txn(1, 3), txn(2, 1), txn(2, 2)];
  const ids = (ts: readonly Txn[]) => ts.map((t) => t.id);
  const cases = [
    { name: 'up to date: an empty DIFF', last: zxid(2, 2), window: 10, mode: 'DIFF', truncTo: zxid(2, 2), txns: [] as string[] },
    { name: 'behind, in the window: DIFF', last: zxid(1, 2), window: 10, mode: 'DIFF', truncTo: zxid(1, 2), txns: ['t1.3', 't2.1', 't2.2'] },
    { name: 'empty, all in the window: DIFF of everything', last: 0, window: 10, mode: 'DIFF', truncTo: 0, txns: ids(h) },
    { name: 'ahead of the leader: TRUNC', last: zxid(2, 5), window: 10, mode: 'TRUNC', truncTo: zxid(2, 2), txns: [] },
    { name: 'an uncommitted tail of an old epoch: TRUNC then the rest', last: zxid(1, 4), window: 10, mode: 'TRUNC', truncTo: zxid(1, 3), txns: ['t2.1', 't2.2'] },
    { name: 'below the window: SNAP', last: zxid(1, 1), window: 2, mode: 'SNAP', truncTo: 0, txns: ids(h) },
  ];
  it.each(cases)('$name', ({ last, window, mode, truncTo, txns }) => {
    const plan = syncPlan(h, last, window, false);
    expect(plan.mode).toBe(mode);
    expect(plan.truncTo).toBe(truncTo);
    expect(ids(plan.txns)).toEqual(txns);
  });

  it('diff-without-trunc (ZOOKEEPER-1154): the diverged follower gets DIFF only', () => {
    const plan = syncPlan(h, zxid(1, 4), 10, true);
    expect(plan.mode).toBe('DIFF');
    expect(ids(plan.txns)).toEqual(['t2.1', 't2.2']);
    // Only the diverged case changes.
    expect(syncPlan(h, zxid(1, 2), 10, true)).toEqual(syncPlan(h, zxid(1, 2), 10, false));
  });

  it('a follower applies TRUNC durably, takes the epoch on NEWLEADER durably, ACK-LDs, and delivers on COMMIT-LD', () => {
    const storage = storageWith({ acceptedEpoch: 1, currentEpoch: 1, history: [txn(1, 1), txn(1, 2), txn(1, 3)] });
    const { node, ctx } = makeFollower(storage);
    node.onMessage(2, { type: 'NEWEPOCH', epoch: 2 });
    ctx.drain();
    // A plan for another state of ours is ignored.
    node.onMessage(2, { type: 'SYNC', epoch: 2, mode: 'DIFF', forZxid: zxid(1, 1), truncTo: zxid(1, 1), txns: [] });
    expect(node.following!.phase).toBe('sync');
    node.onMessage(2, { type: 'SYNC', epoch: 2, mode: 'TRUNC', forZxid: zxid(1, 3), truncTo: zxid(1, 2), txns: [txn(2, 1)] });
    expect(ids(node.durable.history)).toEqual(['t1.1', 't1.2', 't2.1']);
    expect(storage.unsynced.size).toBe(0);
    node.onMessage(2, { type: 'NEWLEADER', epoch: 2, zxid: zxid(2, 1) });
    const [ack] = sentOfType(ctx.drain(), 'ACK-LD');
    expect(ack.msg).toEqual({ type: 'ACK-LD', epoch: 2, zxid: zxid(2, 1) });
    expect(ack.unsyncedBefore).toBe(0);
    expect(storage.synced.get('zab:currentEpoch')).toBe(2);
    expect(node.delivered).toBe(0);
    node.onMessage(2, { type: 'COMMIT-LD', epoch: 2, committed: zxid(2, 1) });
    expect(node.following!.phase).toBe('broadcast');
    expect(node.delivered).toBe(3);
    expect(ctx.notes.filter((n) => n.kind === 'deliver').map((n) => n.data.id)).toEqual(['t1.1', 't1.2', 't2.1']);
  });

  it('SNAP replaces the history; DIFF appends', () => {
    const a = makeFollower(storageWith({ history: [txn(1, 1), txn(1, 9)] }));
    a.node.onMessage(2, { type: 'NEWEPOCH', epoch: 2 });
    a.node.onMessage(2, { type: 'SYNC', epoch: 2, mode: 'SNAP', forZxid: zxid(1, 9), truncTo: 0, txns: [txn(1, 1), txn(1, 2)] });
    expect(ids(a.node.durable.history)).toEqual(['t1.1', 't1.2']);
    const b = makeFollower(storageWith({ history: [txn(1, 1)] }));
    b.node.onMessage(2, { type: 'NEWEPOCH', epoch: 2 });
    b.node.onMessage(2, { type: 'SYNC', epoch: 2, mode: 'DIFF', forZxid: zxid(1, 1), truncTo: zxid(1, 1), txns: [txn(1, 2)] });
    expect(ids(b.node.durable.history)).toEqual(['t1.1', 't1.2']);
  });

  it('the leader sends SYNC then NEWLEADER, and is established by a quorum of ACK-LD: it delivers its history and sends COMMIT-LD', () => {
    const { node, ctx } = makeLeader(storageWith({ acceptedEpoch: 1, currentEpoch: 1, history: [txn(1, 1), txn(1, 2)] }));
    node.onMessage(0, { type: 'CEPOCH', acceptedEpoch: 1 });
    ctx.drain();
    node.onMessage(0, { type: 'ACK-E', epoch: 2, currentEpoch: 1, history: [txn(1, 1)] });
    const sent = ctx.drain();
    expect(sent.map((s) => s.msg.type)).toEqual(['SYNC', 'NEWLEADER']);
    expect(sent[0].msg).toMatchObject({ mode: 'DIFF', forZxid: zxid(1, 1) });
    expect(ctx.notes.find((n) => n.kind === 'sync')?.data).toMatchObject({ mode: 'DIFF', follower: 0 });
    node.onMessage(0, { type: 'ACK-LD', epoch: 2, zxid: zxid(1, 2) });
    expect(node.leading!.established).toBe(true);
    expect(ctx.notes.find((n) => n.kind === 'become-leader')?.data).toMatchObject({ epoch: 2 });
    expect(node.delivered).toBe(2);
    expect(sentOfType(ctx.drain(), 'COMMIT-LD')).toMatchObject([{ to: 0, msg: { epoch: 2, committed: zxid(1, 2) } }]);
  });
});

describe('phase 3: broadcast (PROPOSE, ACK, COMMIT)', () => {
  it('the leader logs a client command durably, proposes it with zxid (epoch, 1), commits on a quorum of ACKs, and answers once delivered', () => {
    const storage = new FakeStorage();
    const { node, ctx } = makeLeader(storage);
    const epoch = establish(node, ctx);
    ctx.drain();
    const req = { clientId: 7, seq: 1, op: { f: 'create', key: '/a', value: 'x' } };
    node.onRequest(req);
    const [p] = sentOfType(ctx.drain(), 'PROPOSE');
    expect(p.msg.txns.map((t) => t.zxid)).toEqual([zxid(epoch, 1)]);
    expect(p.unsyncedBefore).toBe(0);
    expect(ctx.replies).toEqual([]);
    node.onMessage(0, { type: 'ACK', epoch, zxid: zxid(epoch, 1) });
    expect(sentOfType(ctx.drain(), 'COMMIT')).toMatchObject([{ to: 0, msg: { zxid: zxid(epoch, 1) } }]);
    expect(ctx.replies).toEqual([{ req, response: { type: 'ok' } }]);
    // A retry of the same command is answered from the session table, not proposed again.
    node.onRequest(req);
    expect(sentOfType(ctx.drain(), 'PROPOSE')).toEqual([]);
    expect(ctx.replies).toHaveLength(2);
  });

  it('a follower appends a proposal that follows its last zxid, durably before the ACK; a gap or a duplicate is acknowledged with its last zxid', () => {
    const storage = new FakeStorage();
    const { node, ctx } = makeFollower(storage);
    node.onMessage(2, { type: 'NEWEPOCH', epoch: 1 });
    node.onMessage(2, { type: 'SYNC', epoch: 1, mode: 'DIFF', forZxid: 0, truncTo: 0, txns: [] });
    node.onMessage(2, { type: 'NEWLEADER', epoch: 1, zxid: 0 });
    node.onMessage(2, { type: 'COMMIT-LD', epoch: 1, committed: 0 });
    ctx.drain();
    node.onMessage(2, { type: 'PROPOSE', epoch: 1, prev: zxid(1, 1), txns: [txn(1, 2)] }); // a gap
    expect(node.durable.history).toEqual([]);
    node.onMessage(2, { type: 'PROPOSE', epoch: 1, prev: 0, txns: [txn(1, 1)] });
    node.onMessage(2, { type: 'PROPOSE', epoch: 1, prev: 0, txns: [txn(1, 1)] }); // a duplicate
    const acks = sentOfType(ctx.drain(), 'ACK');
    expect(acks.map((a) => a.msg.zxid)).toEqual([0, zxid(1, 1), zxid(1, 1)]);
    expect(acks[1].unsyncedBefore).toBe(0);
    expect(node.delivered).toBe(0);
    node.onMessage(2, { type: 'COMMIT', epoch: 1, zxid: zxid(1, 1) });
    expect(node.delivered).toBe(1);
    // Another leader's messages, or another epoch's, do not count.
    node.onMessage(1, { type: 'PROPOSE', epoch: 1, prev: zxid(1, 1), txns: [txn(1, 2)] });
    node.onMessage(2, { type: 'PROPOSE', epoch: 9, prev: zxid(1, 1), txns: [txn(1, 2)] });
    expect(node.durable.history).toHaveLength(1);
  });

  it('a follower that hears nothing for syncLimit goes back to election; a leader without a quorum steps down (limits counted in ticks)', () => {
    const ticks = (node: ZabNode, n: number) => {
      for (let i = 0; i < n; i++) node.onTimer('tick');
    };
    const f = makeFollower();
    f.node.onMessage(2, { type: 'NEWEPOCH', epoch: 1 });
    f.node.onMessage(2, { type: 'SYNC', epoch: 1, mode: 'DIFF', forZxid: 0, truncTo: 0, txns: [] });
    f.node.onMessage(2, { type: 'NEWLEADER', epoch: 1, zxid: 0 });
    f.node.onMessage(2, { type: 'COMMIT-LD', epoch: 1, committed: 0 });
    // A clock jump does not count: only ticks (20ms each; syncLimit 200ms) do.
    f.ctx.nowUs = 10_000_000;
    ticks(f.node, 10);
    expect(f.node.role).toBe('following');
    ticks(f.node, 1);
    expect(f.node.role).toBe('looking');
    const l = makeLeader();
    establish(l.node, l.ctx);
    ticks(l.node, 11);
    expect(l.node.role).toBe('looking');
  });

  it('a session the leader has not heard from for sessionTimeout is closed by a transaction: its ephemeral nodes go', () => {
    const { node, ctx } = makeLeader();
    const epoch = establish(node, ctx);
    node.onRequest({ clientId: 7, seq: 1, op: { f: 'createEphemeral', key: '/e', value: 'x' } });
    node.onRequest({ clientId: 8, seq: 1, op: { f: 'create', key: '/p', value: 'y' } });
    node.onMessage(0, { type: 'ACK', epoch, zxid: zxid(epoch, 2) });
    expect([...node.tree.nodes.keys()]).toEqual(['/e', '/p']);
    ctx.drain();
    // 1s default timeout, 20ms ticks; the follower keeps acknowledging pings.
    for (let i = 0; i < 52; i++) {
      node.onTimer('tick');
      node.onMessage(0, { type: 'ACK', epoch, zxid: node.durable.lastZxid() });
    }
    expect(ctx.notes.filter((n) => n.kind === 'session-expired').map((n) => n.data.session)).toEqual([7]);
    expect(node.durable.history.at(-1)?.op.f).toBe('closeSession');
    expect([...node.tree.nodes.keys()]).toEqual(['/p']);
  });

  it('followerReads: a follower answers get from its own tree and forwards writes to the leader', () => {
    const { node, ctx } = makeFollower(new FakeStorage(), []);
    const r = makeNode({ id: 0, options: { followerReads: true } });
    r.node.onMessage(2, { type: 'NOTIFY', round: 1, vote: vote(2, 1), state: 'looking' });
    r.node.onTimer('finalize');
    for (const m of [
      { type: 'NEWEPOCH', epoch: 1 },
      { type: 'SYNC', epoch: 1, mode: 'DIFF', forZxid: 0, truncTo: 0, txns: [txn(1, 1)] },
      { type: 'NEWLEADER', epoch: 1, zxid: zxid(1, 1) },
      { type: 'COMMIT-LD', epoch: 1, committed: zxid(1, 1) },
    ] as ZabMsg[])
      r.node.onMessage(2, m);
    r.ctx.drain();
    r.node.onRequest({ clientId: 5, seq: 1, op: { f: 'get', key: '/t1.1' } });
    expect(r.ctx.replies.map((x) => x.response)).toEqual([{ type: 'ok', value: ['t1.1', 0] }]);
    r.node.onRequest({ clientId: 5, seq: 2, op: { f: 'set', key: '/t1.1', value: [-1, 'y'] } });
    expect(sentOfType(r.ctx.drain(), 'REQUEST')).toMatchObject([{ to: 2 }]);
    // Without the option, a follower redirects every operation.
    node.onRequest({ clientId: 5, seq: 1, op: { f: 'get', key: '/a' } });
    expect(ctx.replies.map((x) => x.response)).toEqual([{ type: 'redirect', leader: 2 }]);
  });
});

describe('recovery from each durable state', () => {
  it('a restart reads acceptedEpoch, currentEpoch and the history back', () => {
    const storage = storageWith({ acceptedEpoch: 4, acceptedFrom: 2, currentEpoch: 3, history: [txn(3, 1), txn(3, 2)] });
    const { node } = makeNode({ id: 0, storage });
    expect([node.durable.acceptedEpoch, node.durable.acceptedFrom, node.durable.currentEpoch]).toEqual([4, 2, 3]);
    expect(node.durable.history.map((t) => t.id)).toEqual(['t3.1', 't3.2']);
    // Volatile state starts afresh: looking, nothing delivered.
    expect(node.role).toBe('looking');
    expect(node.delivered).toBe(0);
  });

  it('a restart after accepting an epoch (discovery) still refuses that epoch from another leader', () => {
    const storage = new FakeStorage();
    const a = makeFollower(storage);
    a.node.onMessage(2, { type: 'NEWEPOCH', epoch: 1 });
    storage.crash();
    const b = makeNode({ id: 0, storage });
    expect(b.node.durable.acceptedEpoch).toBe(1);
    b.node.onMessage(1, { type: 'NOTIFY', round: 1, vote: vote(1, 1), state: 'looking' });
    b.node.onTimer('finalize');
    b.node.onMessage(1, { type: 'NEWEPOCH', epoch: 1 });
    expect(b.node.role).toBe('looking');
  });

  it('a restart after TRUNC holds the truncated history (synced before ACK-LD)', () => {
    const storage = storageWith({ acceptedEpoch: 1, currentEpoch: 1, history: [txn(1, 1), txn(1, 2), txn(1, 3)] });
    const f = makeFollower(storage);
    f.node.onMessage(2, { type: 'NEWEPOCH', epoch: 2 });
    f.node.onMessage(2, { type: 'SYNC', epoch: 2, mode: 'TRUNC', forZxid: zxid(1, 3), truncTo: zxid(1, 1), txns: [txn(2, 1)] });
    storage.crash();
    const again = makeNode({ id: 0, storage });
    expect(again.node.durable.history.map((t) => t.id)).toEqual(['t1.1', 't2.1']);
  });

  it('volatile-epoch: the epochs are not stored; a restart derives them from the last zxid', () => {
    const storage = storageWith({ history: [txn(1, 1)] });
    const f = makeFollower(storage, ['volatile-epoch']);
    f.node.onMessage(2, { type: 'NEWEPOCH', epoch: 5 });
    expect(f.node.durable.acceptedEpoch).toBe(5);
    expect(storage.get('zab:acceptedEpoch')).toBeUndefined();
    const again = makeNode({ id: 0, storage, bugs: ['volatile-epoch'] });
    expect(again.node.durable.acceptedEpoch).toBe(1);
  });
});
