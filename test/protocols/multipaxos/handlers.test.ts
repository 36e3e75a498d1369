// Multi-Paxos handlers, driven one message at a time. References: Lamport, "Paxos Made
// Simple" (PMS) §2.2-§3; van Renesse & Altinbuken, "Paxos Made Moderately Complex" (PMMC).
import { describe, expect, it } from 'vitest';
import { NO_BALLOT, type Ballot } from '../../../protocols/paxos/ballot.js';
import { recoveryPlan, type RecoveryInput } from '../../../protocols/paxos/multi/recovery.js';
import type { Accepted, Cmd } from '../../../protocols/paxos/multi/types.js';
import { FakeStorage, makeReplica, sentOfType } from './fake-context.js';

const b = (round: number, node: number): Ballot => ({ round, node });
const cmd = (id: string): Cmd => Object.freeze({ id, clientId: 7, seq: Number(id.slice(1)) || 1, op: { f: 'put', key: 'k', value: id } });
const acc = (slot: number, ballot: Ballot, id: string): Accepted => ({ slot, ballot, cmd: cmd(id) });

describe('acceptor: prepare (PMS §2.2, P1a: promise only above every ballot promised)', () => {
  const cases = [
    { name: 'promises a ballot above its promise', promised: b(2, 1), prepare: b(3, 2), promised_after: b(3, 2), ok: true },
    { name: 'promises the same ballot again (a retried prepare)', promised: b(3, 2), prepare: b(3, 2), promised_after: b(3, 2), ok: true },
    { name: 'refuses a lower round', promised: b(3, 2), prepare: b(2, 2), promised_after: b(3, 2), ok: false },
    { name: 'refuses the same round from a lower node (ballots are (round, node))', promised: b(3, 2), prepare: b(3, 1), promised_after: b(3, 2), ok: false },
  ];
  it.each(cases)('$name', ({ promised, prepare, promised_after, ok }) => {
    const storage = new FakeStorage();
    storage.put('mp:promised', promised);
    storage.sync();
    const { node, ctx } = makeReplica({ id: 0, storage });
    node.onMessage(prepare.node, { type: 'prepare', ballot: prepare, from: 0 });
    const [out] = ctx.drain();
    expect(out.msg.type).toBe(ok ? 'promise' : 'nack');
    expect(node.acceptor.promised).toEqual(promised_after);
    // Durable before the reply leaves.
    expect(out.unsyncedBefore).toBe(0);
    expect(storage.synced.get('mp:promised')).toEqual(promised_after);
  });

  it('reports every accepted (slot, ballot, value) above the prepare\'s `from`', () => {
    const { node, ctx } = makeReplica({ id: 0 });
    node.onMessage(1, { type: 'accept', ballot: b(1, 1), proposals: [1, 2, 3].map((slot) => ({ slot, cmd: cmd(`c${slot}`) })) });
    ctx.drain();
    node.onMessage(2, { type: 'prepare', ballot: b(2, 2), from: 1 });
    const [p] = sentOfType(ctx.drain(), 'promise');
    expect(p.msg.accepted.map((a) => [a.slot, a.ballot, a.cmd.id])).toEqual([
      [2, b(1, 1), 'c2'],
      [3, b(1, 1), 'c3'],
    ]);
  });
});

describe('acceptor: accept (PMS §2.2, P2a: accept at or above the promised ballot)', () => {
  const cases = [
    { name: 'accepts at the promised ballot', promised: b(3, 1), accept: b(3, 1), ok: true },
    { name: 'accepts above the promised ballot (and raises the promise)', promised: b(3, 1), accept: b(4, 2), ok: true },
    { name: 'refuses below the promised ballot', promised: b(3, 1), accept: b(2, 2), ok: false },
  ];
  it.each(cases)('$name', ({ promised, accept, ok }) => {
    const storage = new FakeStorage();
    storage.put('mp:promised', promised);
    storage.sync();
    const { node, ctx } = makeReplica({ id: 0, storage });
    node.onMessage(accept.node, { type: 'accept', ballot: accept, proposals: [{ slot: 1, cmd: cmd('c1') }] });
    const [out] = ctx.drain();
    expect(out.msg.type).toBe(ok ? 'accepted' : 'nack');
    if (ok) {
      expect(node.acceptor.accepted.get(1)?.ballot).toEqual(accept);
      expect(node.acceptor.promised).toEqual(accept);
      // Durable before the acknowledgement: a restart still holds the value.
      expect(out.unsyncedBefore).toBe(0);
      storage.crash();
      const again = makeReplica({ id: 0, storage });
      expect(again.node.acceptor.accepted.get(1)?.cmd.id).toBe('c1');
      expect(again.node.acceptor.promised).toEqual(accept);
    } else {
      expect(node.acceptor.accepted.size).toBe(0);
      expect(out.msg).toMatchObject({ type: 'nack', promised });
    }
  });

  it('volatile-acceptor: nothing reaches storage, so a restart forgets promise and values', () => {
    const storage = new FakeStorage();
    const { node } = makeReplica({ id: 0, storage, bugs: ['volatile-acceptor'] });
    node.onMessage(1, { type: 'accept', ballot: b(5, 1), proposals: [{ slot: 1, cmd: cmd('c1') }] });
    const again = makeReplica({ id: 0, storage, bugs: ['volatile-acceptor'] });
    expect(again.node.acceptor.promised).toEqual(NO_BALLOT);
    expect(again.node.acceptor.accepted.size).toBe(0);
  });
});

describe('recovery: what a new leader proposes after phase 1 (PMMC §3 pmax; PMS §3)', () => {
  const base: RecoveryInput = {
    ballot: b(5, 0),
    from: 2,
    reports: [],
    known: () => undefined,
    ownEnd: 2,
    ignoreAccepted: false,
    ownAccepted: () => undefined,
    atOwnEnd: false,
  };
  const plan = (over: Partial<RecoveryInput>) => recoveryPlan({ ...base, ...over });

  it('adopts, per slot, the value with the highest ballot among the reports', () => {
    const p = plan({ reports: [[acc(3, b(1, 1), 'c1')], [acc(3, b(2, 2), 'c2')], [acc(3, b(1, 2), 'c3')]] });
    expect(p.proposals.map((x) => [x.slot, x.cmd.id])).toEqual([[3, 'c2']]);
  });

  it('fills holes below the highest reported slot with no-ops', () => {
    const p = plan({ reports: [[acc(4, b(1, 1), 'c4')], [acc(6, b(1, 1), 'c6')]] });
    expect(p.proposals.map((x) => [x.slot, x.cmd.op === null ? 'noop' : x.cmd.id])).toEqual([
      [3, 'noop'],
      [4, 'c4'],
      [5, 'noop'],
      [6, 'c6'],
    ]);
  });

  it('puts new commands above the highest reported slot, and never re-proposes slots at or below `from`', () => {
    const p = plan({ reports: [[acc(1, b(1, 1), 'old'), acc(7, b(1, 1), 'c7')]] });
    expect(p.proposals[0].slot).toBe(3);
    expect(p.nextSlot).toBe(8);
    expect(plan({}).nextSlot).toBe(3);
  });

  it('ignore-accepted: proposes its own values (no-ops here) over reported ones', () => {
    const p = plan({ ignoreAccepted: true, reports: [[acc(3, b(2, 2), 'c2')]] });
    expect(p.proposals[0].cmd.op).toBeNull();
  });

  it('new-leader-at-own-end: recovers only up to its own end, new commands from there', () => {
    const p = plan({ atOwnEnd: true, ownEnd: 3, reports: [[acc(3, b(1, 1), 'c3'), acc(5, b(1, 1), 'c5')]] });
    expect(p.proposals.map((x) => x.slot)).toEqual([3]);
    expect(p.nextSlot).toBe(4);
  });
});

describe('leader (PMS §3: phase 1 once for all slots, then phase 2 per slot)', () => {
  function elect(bugs: string[] = []) {
    const r = makeReplica({ id: 0, nodes: 3, bugs });
    r.node.onTimer('election');
    const [prep] = sentOfType(r.ctx.drain(), 'prepare');
    return { ...r, ballot: prep.msg.ballot };
  }

  it('campaigns with a ballot above its durable promise, promised to itself before the prepare leaves', () => {
    const { node, ctx, ballot } = elect();
    expect(node.role).toBe('candidate');
    expect(ballot).toEqual(b(0, 0));
    expect(ctx.storage.synced.get('mp:promised')).toEqual(ballot);
  });

  it('after a quorum of promises, re-proposes reported values and no-ops, then takes commands above them', () => {
    const { node, ctx, ballot } = elect();
    node.onMessage(1, { type: 'promise', ballot, accepted: [acc(2, b(0, 2), 'c2')] });
    expect(node.role).toBe('leader');
    const accepts = sentOfType(ctx.drain(), 'accept');
    expect(accepts[0].msg.proposals.map((p) => [p.slot, p.cmd.op === null ? 'noop' : p.cmd.id])).toEqual([
      [1, 'noop'],
      [2, 'c2'],
    ]);
    node.onRequest({ clientId: 9, seq: 1, op: { f: 'put', key: 'k', value: 'v' } });
    const [newOne] = sentOfType(ctx.drain(), 'accept');
    expect(newOne.msg.proposals[0].slot).toBe(3);
  });

  it('answers a client only once its slot is chosen and executed', () => {
    const { node, ctx, ballot } = elect();
    node.onMessage(1, { type: 'promise', ballot, accepted: [] });
    ctx.drain();
    node.onRequest({ clientId: 9, seq: 1, op: { f: 'put', key: 'k', value: 'v' } });
    expect(ctx.replies).toEqual([]);
    node.onMessage(2, { type: 'accepted', ballot, slots: [1] });
    expect(ctx.replies.map((r) => r.response)).toEqual([{ type: 'ok' }]);
    expect(node.executed).toBe(1);
  });

  it('steps down when pre-empted by a higher ballot, and waits a randomised timeout (backoff)', () => {
    const { node, ctx, ballot } = elect();
    node.onMessage(1, { type: 'promise', ballot, accepted: [] });
    ctx.drain();
    node.onMessage(2, { type: 'nack', ballot, promised: b(4, 2) });
    expect(node.role).toBe('follower');
    expect(sentOfType(ctx.drain(), 'prepare')).toEqual([]);
    expect(ctx.timers.has('election')).toBe(true);
  });

  it('no-backoff: a pre-empted proposer retries at once with a higher ballot', () => {
    const { node, ctx, ballot } = elect(['no-backoff']);
    node.onMessage(2, { type: 'nack', ballot, promised: b(4, 2) });
    expect(node.role).toBe('candidate');
    expect(sentOfType(ctx.drain(), 'prepare')[0].msg.ballot).toEqual(b(5, 0));
  });

  it('bad-quorum: one promise of three (its own) makes it leader', () => {
    const r = makeReplica({ id: 0, nodes: 3, bugs: ['bad-quorum'] });
    r.node.onTimer('election');
    expect(r.node.role).toBe('leader');
  });

  it('followers redirect clients to the leader they heard from', () => {
    const { node, ctx } = makeReplica({ id: 1, nodes: 3 });
    node.onMessage(0, { type: 'heartbeat', ballot: b(1, 0), executed: 0 });
    node.onRequest({ clientId: 9, seq: 1, op: { f: 'get', key: 'k' } });
    expect(ctx.replies[0].response).toEqual({ type: 'redirect', leader: 0 });
  });
});

describe('restarts and learners', () => {
  it('a restarted replica never reuses a ballot: its next one is above its durable promise', () => {
    const r = makeReplica({ id: 0, nodes: 3 });
    r.node.onTimer('election');
    r.node.onTimer('election');
    const used = r.node.ballot;
    r.ctx.storage.crash(); // every write was synced: nothing is lost
    const again = makeReplica({ id: 0, nodes: 3, storage: r.ctx.storage });
    again.node.onTimer('election');
    const [prep] = sentOfType(again.ctx.drain(), 'prepare');
    expect(prep.msg.ballot.round).toBeGreaterThan(used.round);
  });

  it('the leader re-sends unacknowledged accepts with its heartbeat', () => {
    const r = makeReplica({ id: 0, nodes: 3 });
    r.node.onTimer('election');
    const ballot = r.node.ballot;
    r.node.onMessage(1, { type: 'promise', ballot, accepted: [] });
    r.node.onRequest({ clientId: 9, seq: 1, op: { f: 'put', key: 'k', value: 'v' } });
    r.node.onMessage(1, { type: 'accepted', ballot, slots: [1] });
    r.ctx.drain();
    r.node.onTimer('heartbeat');
    const resent = sentOfType(r.ctx.drain(), 'accept');
    // Slot 1 is chosen (self + n2): nothing to re-send.
    expect(resent).toEqual([]);
    r.node.onRequest({ clientId: 9, seq: 2, op: { f: 'put', key: 'k', value: 'w' } });
    r.ctx.drain();
    r.node.onTimer('heartbeat');
    expect(sentOfType(r.ctx.drain(), 'accept').map((s) => [s.to, s.msg.proposals.map((p) => p.slot)])).toEqual([
      [1, [2]],
      [2, [2]],
    ]);
  });

  it('a lagging learner catches up from the leader and executes in slot order', () => {
    const { node, ctx } = makeReplica({ id: 1, nodes: 3 });
    node.onMessage(0, { type: 'heartbeat', ballot: b(1, 0), executed: 2 });
    const [ask] = sentOfType(ctx.drain(), 'catchup');
    expect(ask.msg.from).toBe(1);
    node.onMessage(0, { type: 'decisions', ballot: b(1, 0), from: 1, cmds: [cmd('c1'), cmd('c2')], executed: 2 });
    expect(node.executed).toBe(2);
    expect(ctx.notes.filter((n) => n.kind === 'execute').map((n) => n.data.slot)).toEqual([1, 2]);
    expect(node.kv.data.get('k')).toBe('c2');
    // A duplicated answer that moves nothing asks for nothing more.
    node.onMessage(0, { type: 'decisions', ballot: b(1, 0), from: 1, cmds: [cmd('c1')], executed: 2 });
    expect(sentOfType(ctx.drain(), 'catchup')).toEqual([]);
  });
});
