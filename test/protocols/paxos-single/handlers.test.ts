// The handlers of single-decree Paxos, driven directly (Lamport, "Paxos Made Simple",
// §2.2-2.4), table by table: what an acceptor promises and accepts, what it syncs before
// it answers, which value a proposer proposes, when a quorum is reached, how a pre-empted
// proposer backs off, and when a learner learns.
import { describe, expect, it } from 'vitest';
import { NO_BALLOT, type Ballot } from '../../../protocols/paxos/ballot.js';
import { ACCEPTOR_KEY, PROPOSER_KEY, type AcceptorState } from '../../../protocols/paxos/single/types.js';
import { ACCEPTORS, FakeStorage, SHARED, ScriptedRandom, b, makeNode, sentOfType } from './fake-context.js';

/** An acceptor (n3) that has promised `promised` and accepted `accepted` = `value`. */
function acceptor(promised: Ballot, accepted: Ballot = NO_BALLOT, value: string | null = null, bugs: string[] = []) {
  const storage = new FakeStorage();
  storage.put(ACCEPTOR_KEY, { promised, accepted, value } satisfies AcceptorState);
  storage.sync();
  return makeNode({ id: 2, storage, bugs });
}

describe('acceptor, phase 1b (§2.2: respond to prepare(n) only if n is above every prepare answered; P1a)', () => {
  const cases: Array<{ name: string; promised: Ballot; prepare: Ballot; reply: 'promise' | 'nack'; after: Ballot }> = [
    { name: 'nothing promised yet', promised: NO_BALLOT, prepare: b(0, 0), reply: 'promise', after: b(0, 0) },
    { name: 'a higher round', promised: b(1, 1), prepare: b(2, 0), reply: 'promise', after: b(2, 0) },
    { name: 'the same round, a higher node', promised: b(1, 0), prepare: b(1, 1), reply: 'promise', after: b(1, 1) },
    { name: 'the ballot already promised (a duplicate)', promised: b(1, 1), prepare: b(1, 1), reply: 'promise', after: b(1, 1) },
    { name: 'the same round, a lower node', promised: b(1, 1), prepare: b(1, 0), reply: 'nack', after: b(1, 1) },
    { name: 'a lower round', promised: b(3, 0), prepare: b(2, 1), reply: 'nack', after: b(3, 0) },
  ];
  it.each(cases)('$name: $reply', ({ promised, prepare, reply, after }) => {
    const { node, ctx } = acceptor(promised, b(0, 0), 'x');
    node.onMessage(0, { type: 'prepare', ballot: prepare });
    const sent = ctx.drain();
    expect(sent.map((s) => [s.to, s.msg.type])).toEqual([[0, reply]]);
    expect(node.promised).toEqual(after);
    if (reply === 'promise') expect(sent[0].msg).toEqual({ type: 'promise', ballot: prepare, accepted: b(0, 0), value: 'x' });
    else expect(sent[0].msg).toEqual({ type: 'nack', ballot: prepare, promised });
  });
});

describe('acceptor, phase 2b (§2.2 P1a: accept(n, v) unless a prepare above n was answered)', () => {
  const cases: Array<{ name: string; promised: Ballot; accept: Ballot; accepted: boolean }> = [
    { name: 'at the promised ballot', promised: b(2, 1), accept: b(2, 1), accepted: true },
    { name: 'above the promised ballot', promised: b(2, 1), accept: b(3, 0), accepted: true },
    { name: 'nothing promised', promised: NO_BALLOT, accept: b(0, 0), accepted: true },
    { name: 'below the promised ballot', promised: b(2, 1), accept: b(2, 0), accepted: false },
  ];
  it.each(cases)('$name: accepted=$accepted', ({ promised, accept, accepted }) => {
    const { node, ctx } = acceptor(promised);
    node.onMessage(0, { type: 'accept', ballot: accept, value: 'y' });
    const sent = ctx.drain();
    if (accepted) {
      // To the proposer and to the learner (n6).
      expect(sent.map((s) => [s.to, s.msg.type])).toEqual([[0, 'accepted'], [5, 'accepted']]);
      expect([node.accepted, node.acceptedValue, node.promised]).toEqual([accept, 'y', accept]);
      expect(ctx.notes.map((n) => n.kind)).toEqual(['accept']);
    } else {
      expect(sent.map((s) => s.msg)).toEqual([{ type: 'nack', ballot: accept, promised }]);
      expect([node.accepted, node.acceptedValue]).toEqual([NO_BALLOT, null]);
    }
  });
});

describe('acceptor durability (§2.4: it remembers its promise and acceptance across a restart)', () => {
  const steps: Array<{ name: string; msg: Parameters<ReturnType<typeof makeNode>['node']['onMessage']>[1] }> = [
    { name: 'promise', msg: { type: 'prepare', ballot: b(4, 0) } },
    { name: 'accepted', msg: { type: 'accept', ballot: b(4, 0), value: 'x' } },
  ];
  it.each(steps)('synced before its $name goes out, and read back after a crash', ({ msg }) => {
    const storage = new FakeStorage();
    const { node, ctx } = makeNode({ id: 2, storage });
    node.onMessage(0, msg);
    const sent = ctx.drain();
    expect(sent.length).toBeGreaterThan(0);
    for (const s of sent) {
      expect(s.syncsBefore).toBeGreaterThan(0);
      expect(s.unsyncedBefore).toBe(0);
    }
    storage.crash();
    const { node: again } = makeNode({ id: 2, storage });
    expect(again.promised).toEqual(b(4, 0));
    if (msg.type === 'accept') expect([again.accepted, again.acceptedValue]).toEqual([b(4, 0), 'x']);
  });

  it('volatile-acceptor: nothing is written, and a restart comes back blank', () => {
    const storage = new FakeStorage();
    const { node } = makeNode({ id: 2, storage, bugs: ['volatile-acceptor'] });
    node.onMessage(0, { type: 'accept', ballot: b(4, 0), value: 'x' });
    expect(storage.get(ACCEPTOR_KEY)).toBeUndefined();
    const { node: again } = makeNode({ id: 2, storage, bugs: ['volatile-acceptor'] });
    expect([again.promised, again.accepted, again.acceptedValue]).toEqual([NO_BALLOT, NO_BALLOT, null]);
  });
});

/** A proposer (n1) in phase 1 of round 0, handed these promises from n3, n4, n5. */
function proposeWith(promises: Array<{ accepted: Ballot; value: string | null }>, bugs: string[] = []) {
  const { node, ctx } = makeNode({ id: 0, bugs });
  node.startBallot();
  ctx.drain();
  promises.forEach((p, i) => node.onMessage(ACCEPTORS[i], { type: 'promise', ballot: node.ballot, ...p }));
  return { node, ctx, accepts: sentOfType(ctx.drain(), 'accept') };
}

describe('proposer, phase 2a (§2.2 P2c: the value of the highest-numbered proposal reported, else its own)', () => {
  const none = { accepted: NO_BALLOT, value: null };
  const cases: Array<{ name: string; promises: Array<{ accepted: Ballot; value: string | null }>; value: string }> = [
    { name: 'no acceptor accepted anything: its own value', promises: [none, none], value: 'v-n1-0' },
    { name: 'one reports x: x', promises: [none, { accepted: b(0, 1), value: 'x' }], value: 'x' },
    { name: 'the higher round wins', promises: [{ accepted: b(1, 1), value: 'x' }, { accepted: b(2, 0), value: 'y' }], value: 'y' },
    { name: 'in one round, the higher node wins', promises: [{ accepted: b(3, 1), value: 'x' }, { accepted: b(3, 0), value: 'y' }], value: 'x' },
  ];
  it.each(cases)('$name', ({ promises, value }) => {
    const { node, accepts } = proposeWith(promises);
    expect(node.phase).toBe('accept');
    expect(accepts.map((s) => s.to)).toEqual(ACCEPTORS);
    for (const s of accepts) expect(s.msg).toEqual({ type: 'accept', ballot: node.ballot, value });
  });

  it('waits for a majority of promises (one of three is not enough)', () => {
    const { node, accepts } = proposeWith([{ accepted: NO_BALLOT, value: null }]);
    expect([node.phase, accepts.length]).toEqual(['prepare', 0]);
  });

  it('ignore-accepted: proposes its own value whatever the promises report', () => {
    const { accepts } = proposeWith([{ accepted: b(1, 1), value: 'x' }, { accepted: NO_BALLOT, value: null }], ['ignore-accepted']);
    expect(accepts[0].msg).toMatchObject({ value: 'v-n1-0' });
  });

  it('decides once a majority of acceptors accepted its ballot', () => {
    const { node, ctx } = proposeWith([{ accepted: NO_BALLOT, value: null }, { accepted: NO_BALLOT, value: null }]);
    node.onMessage(2, { type: 'accepted', ballot: node.ballot, value: 'v-n1-0' });
    expect(node.phase).toBe('accept');
    node.onMessage(2, { type: 'accepted', ballot: node.ballot, value: 'v-n1-0' }); // a duplicate counts once
    expect(node.phase).toBe('accept');
    node.onMessage(3, { type: 'accepted', ballot: node.ballot, value: 'v-n1-0' });
    expect([node.phase, node.decided]).toEqual(['decided', 'v-n1-0']);
    expect(ctx.notes.at(-1)).toEqual({ kind: 'decide', data: { ballot: '0.n1', value: 'v-n1-0' } });
  });
});

describe('quorums (§2.2: a majority of the acceptors; bad-quorum counts acks*2 >= n-1)', () => {
  const cases: Array<{ acceptors: number; acks: number; correct: boolean; bad: boolean }> = [
    { acceptors: 3, acks: 1, correct: false, bad: true },
    { acceptors: 3, acks: 2, correct: true, bad: true },
    { acceptors: 5, acks: 2, correct: false, bad: true },
    { acceptors: 5, acks: 3, correct: true, bad: true },
    { acceptors: 5, acks: 1, correct: false, bad: false },
    { acceptors: 3, acks: 0, correct: false, bad: false },
  ];
  it.each(cases)('$acks of $acceptors: correct $correct, bad-quorum $bad', ({ acceptors, acks, correct, bad }) => {
    const layout = [['proposer'], ...Array.from({ length: acceptors }, () => ['acceptor'])];
    expect(makeNode({ id: 0, layout }).node.quorum(acks)).toBe(correct);
    expect(makeNode({ id: 0, layout, bugs: ['bad-quorum'] }).node.quorum(acks)).toBe(bad);
  });
});

describe('proposer ballots (§2.2: proposals numbered from disjoint sets, never reused)', () => {
  it('syncs its round before the prepare goes out, and a restart goes above it', () => {
    const storage = new FakeStorage();
    const { node, ctx } = makeNode({ id: 1, storage });
    node.startBallot();
    node.startBallot();
    const prepares = sentOfType(ctx.drain(), 'prepare');
    expect(prepares.map((s) => s.msg.ballot)).toEqual([b(0, 1), b(0, 1), b(0, 1), b(1, 1), b(1, 1), b(1, 1)]);
    for (const s of prepares) expect(s.unsyncedBefore).toBe(0);
    expect(storage.get(PROPOSER_KEY)).toEqual({ round: 1 });
    storage.crash();
    const { node: again, ctx: ctx2 } = makeNode({ id: 1, storage });
    again.startBallot();
    expect(sentOfType(ctx2.drain(), 'prepare')[0].msg.ballot).toEqual(b(2, 1));
  });

  it('a nack names a higher ballot: the retry goes above it', () => {
    const { node, ctx } = makeNode({ id: 0 });
    node.startBallot();
    node.onMessage(2, { type: 'nack', ballot: node.ballot, promised: b(7, 1) });
    expect(node.phase).toBe('backoff');
    node.onTimer('backoff');
    expect(sentOfType(ctx.drain(), 'prepare').at(-1)!.msg.ballot).toEqual(b(8, 0));
  });
});

describe('pre-emption and backoff (§2.4: dueling proposers; a randomised wait lets one through)', () => {
  it.each([
    { why: 'a nack', preempt: (n: ReturnType<typeof makeNode>['node']) => n.onMessage(2, { type: 'nack', ballot: n.ballot, promised: b(5, 1) }) },
    { why: 'a phase timeout', preempt: (n: ReturnType<typeof makeNode>['node']) => n.onTimer('phase') },
  ])('after $why the wait is drawn from ctx.random, in the backoff range, and grows per attempt', ({ preempt }) => {
    const random = new ScriptedRandom([7_000, 9_000, 11_000, 13_000, 15_000]);
    const { node, ctx } = makeNode({ id: 0, random, options: { backoffUs: [5_000, 50_000] } });
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      node.startBallot();
      preempt(node);
      expect(node.phase).toBe('backoff');
      waits.push(ctx.timers.get('backoff')!);
    }
    expect(random.asked).toEqual(Array.from({ length: 5 }, () => [5_000, 50_000]));
    expect(waits).toEqual([7_000, 18_000, 44_000, 104_000, 120_000]);
  });

  it('two proposers drawing different numbers wait different times', () => {
    const wait = (pick: number) => {
      const { node, ctx } = makeNode({ id: 0, random: new ScriptedRandom([pick]) });
      node.startBallot();
      node.onTimer('phase');
      return ctx.timers.get('backoff');
    };
    expect(wait(6_000)).not.toBe(wait(30_000));
  });

  it('no-backoff: a pre-empted proposer prepares a higher ballot at once', () => {
    const { node, ctx } = makeNode({ id: 0, bugs: ['no-backoff'] });
    node.startBallot();
    ctx.drain();
    node.onMessage(2, { type: 'nack', ballot: node.ballot, promised: b(3, 1) });
    expect(node.phase).toBe('prepare');
    expect(ctx.timers.has('backoff')).toBe(false);
    expect(sentOfType(ctx.drain(), 'prepare').map((s) => s.msg.ballot)).toEqual([b(4, 0), b(4, 0), b(4, 0)]);
  });

  it('a proposer sharing a node with an acceptor abandons its ballot when a higher one is promised there', () => {
    const { node, ctx } = makeNode({ id: 0, layout: SHARED });
    node.startBallot();
    ctx.drain();
    node.onMessage(1, { type: 'prepare', ballot: b(0, 1) });
    expect(sentOfType(ctx.drain(), 'promise').map((s) => s.to)).toEqual([1]);
    expect(node.phase).toBe('backoff');
    expect(ctx.notes.at(-1)).toEqual({ kind: 'preempted', data: { ballot: '0.n1', why: 'local' } });
  });

  it('a stale nack (an older ballot) changes nothing', () => {
    const { node } = makeNode({ id: 0 });
    node.startBallot();
    node.startBallot();
    node.onMessage(2, { type: 'nack', ballot: b(0, 0), promised: b(0, 1) });
    expect(node.phase).toBe('prepare');
  });
});

describe('learner (§2.3: chosen once a majority of acceptors accepted one proposal)', () => {
  type Heard = [from: number, round: number, value: string];
  const cases: Array<{ name: string; heard: Heard[]; learned: string | null }> = [
    { name: 'two of three at one ballot', heard: [[2, 0, 'x'], [3, 0, 'x']], learned: 'x' },
    { name: 'one acceptor twice', heard: [[2, 0, 'x'], [2, 0, 'x']], learned: null },
    { name: 'two acceptors at different ballots', heard: [[2, 0, 'x'], [3, 1, 'x']], learned: null },
    { name: 'a later ballot reaching a majority', heard: [[2, 0, 'x'], [3, 1, 'y'], [4, 1, 'y']], learned: 'y' },
    { name: 'from a node that is no acceptor', heard: [[0, 0, 'x'], [2, 0, 'x']], learned: null },
  ];
  it.each(cases)('$name: learns $learned', ({ heard, learned }) => {
    const { node, ctx } = makeNode({ id: 5 });
    for (const [from, round, value] of heard) node.onMessage(from, { type: 'accepted', ballot: b(round, 0), value });
    expect(node.learned).toBe(learned);
    expect(ctx.notes.filter((n) => n.kind === 'learn').length).toBe(learned === null ? 0 : 1);
  });

  it('queries the acceptors until it learns; an acceptor answers with its last acceptance', () => {
    const { node, ctx } = makeNode({ id: 5 });
    node.onTimer('poll');
    expect(sentOfType(ctx.drain(), 'query').map((s) => s.to)).toEqual(ACCEPTORS);
    const { node: a, ctx: actx } = acceptor(b(2, 1), b(2, 1), 'x');
    a.onMessage(5, { type: 'query' });
    expect(actx.drain().map((s) => s.msg)).toEqual([{ type: 'accepted', ballot: b(2, 1), value: 'x' }]);
    node.onMessage(2, { type: 'accepted', ballot: b(2, 1), value: 'x' });
    node.onMessage(3, { type: 'accepted', ballot: b(2, 1), value: 'x' });
    node.onTimer('poll');
    expect(ctx.drain()).toEqual([]);
  });
});

describe('summary (shown along each lane of the report)', () => {
  it('names the roles, the proposer\'s ballot and phase, the decision, the promise, the acceptance and what was learned', () => {
    const { node } = makeNode({ id: 0, layout: SHARED });
    node.startBallot();
    node.onMessage(0, { type: 'prepare', ballot: node.ballot });
    node.onMessage(0, { type: 'accept', ballot: node.ballot, value: 'x' });
    expect(node.summary()).toEqual({ role: 'proposer+acceptor+learner', ballot: '0.n1 prepare', promised: '0.n1', accepted: '0.n1=x', learned: '-' });
    expect(makeNode({ id: 5 }).node.summary()).toEqual({ role: 'learner', learned: '-' });
  });
});
