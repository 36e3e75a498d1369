// The lock services' step functions, driven directly with hand-built contexts (no scheduler):
// the lease and lock-zk state machines, the resource's fencing, the Redis-style server.
import { describe, expect, it } from 'vitest';
import { LeaseMachine } from '../../../protocols/lock/lease.js';
import { RedisServer } from '../../../protocols/lock/redis.js';
import { ResourceNode } from '../../../protocols/lock/resource.js';
import type { LockCommand, LockMsg } from '../../../protocols/lock/types.js';
import { ZkMachine } from '../../../protocols/lock/zk.js';
import { RecordingContext, sentOfType } from '../recording-context.js';

let seq = 0;
const entry = (cmd: LockCommand, clientId = 1) => ({ clientId, seq: ++seq, op: { f: cmd.f, value: cmd } });

describe('lock-lease state machine', () => {
  it.each([
    { name: 'a free lock is granted with the next token', steps: [{ f: 'acquire', owner: 'a' }], want: [{ type: 'ok', value: 1 }] },
    {
      name: 'a held lock is refused to another, granted again to its owner (a retry)',
      steps: [{ f: 'acquire', owner: 'a' }, { f: 'acquire', owner: 'b' }, { f: 'acquire', owner: 'a' }],
      want: [{ type: 'ok', value: 1 }, { type: 'fail', error: 'held' }, { type: 'ok', value: 1 }],
    },
    {
      name: 'release is checked by owner and token',
      steps: [{ f: 'acquire', owner: 'a' }, { f: 'release', owner: 'b', token: 1 }, { f: 'release', owner: 'a', token: 2 }, { f: 'release', owner: 'a', token: 1 }],
      want: [{ type: 'ok', value: 1 }, { type: 'fail', error: 'not-holder' }, { type: 'fail', error: 'not-holder' }, { type: 'ok' }],
    },
    {
      name: 'tokens only grow: after a release the next grant is token 2',
      steps: [{ f: 'acquire', owner: 'a' }, { f: 'release', owner: 'a', token: 1 }, { f: 'acquire', owner: 'b' }],
      want: [{ type: 'ok', value: 1 }, { type: 'ok' }, { type: 'ok', value: 2 }],
    },
    {
      name: 'renew only by the holder',
      steps: [{ f: 'acquire', owner: 'a' }, { f: 'renew', owner: 'b', token: 1 }, { f: 'renew', owner: 'a', token: 1 }],
      want: [{ type: 'ok', value: 1 }, { type: 'fail', error: 'not-holder' }, { type: 'ok' }],
    },
  ] as Array<{ name: string; steps: LockCommand[]; want: unknown[] }>)('$name', ({ steps, want }) => {
    const m = new LeaseMachine(false);
    expect(steps.map((c) => m.apply(entry(c)))).toEqual(want);
  });

  it('expire frees the lease only at the epoch the leader timed (a renewal starts a new count)', () => {
    const m = new LeaseMachine(false);
    m.apply(entry({ f: 'acquire', owner: 'a' }));
    const [timed] = m.expiring();
    m.apply(entry({ f: 'renew', owner: 'a', token: 1 }));
    m.apply(entry({ f: 'expire', owner: 'a', epoch: timed.epoch }, -2));
    expect(m.holder?.owner).toBe('a');
    m.apply(entry({ f: 'expire', owner: 'a', epoch: m.expiring()[0].epoch }, -2));
    expect(m.holder).toBeNull();
    expect(m.expiring()).toEqual([]);
  });

  it('sessions: a retried command gets its first answer; the leader\'s own commands are never deduplicated', () => {
    const m = new LeaseMachine(false);
    const e = entry({ f: 'acquire', owner: 'a' }, 7);
    expect(m.apply(e)).toEqual({ type: 'ok', value: 1 });
    m.apply(entry({ f: 'release', owner: 'a', token: 1 }, 8));
    expect(m.apply(e)).toEqual({ type: 'ok', value: 1 });
    expect(m.holder).toBeNull();
    expect(m.lookup(-2, 1)).toBeUndefined();
  });

  it('bug unconditional-release: release frees another owner\'s lease', () => {
    const m = new LeaseMachine(true);
    m.apply(entry({ f: 'acquire', owner: 'a' }));
    expect(m.apply(entry({ f: 'release', owner: 'old', token: 0 }))).toEqual({ type: 'ok' });
    expect(m.holder).toBeNull();
  });
});

describe('lock-zk state machine (ephemeral sequential nodes)', () => {
  it('queues creators in sequence order, names each one\'s predecessor, and hands over on release', () => {
    const m = new ZkMachine();
    expect(m.apply(entry({ f: 'create', owner: 'a' }))).toEqual({ type: 'ok', value: { token: 1, lowest: true, predecessor: null } });
    expect(m.apply(entry({ f: 'create', owner: 'b' }))).toEqual({ type: 'ok', value: { token: 2, lowest: false, predecessor: 1 } });
    expect(m.apply(entry({ f: 'create', owner: 'c' }))).toEqual({ type: 'ok', value: { token: 3, lowest: false, predecessor: 2 } });
    expect(m.apply(entry({ f: 'release', owner: 'b', token: 1 }))).toEqual({ type: 'fail', error: 'not-holder' });
    expect(m.apply(entry({ f: 'release', owner: 'a', token: 1 }))).toEqual({ type: 'ok' });
    expect(m.drainDeleted()).toEqual([1]);
    expect(m.apply(entry({ f: 'check', owner: 'b', token: 2 }))).toEqual({ type: 'ok', value: { token: 2, lowest: true, predecessor: null } });
  });

  it('a session that expires takes its node with it; heartbeats renew it; a closed session cannot create again', () => {
    const m = new ZkMachine();
    m.apply(entry({ f: 'create', owner: 'a' }));
    m.apply(entry({ f: 'create', owner: 'b' }));
    const epochA = m.expiring().find((s) => s.owner === 'a')!.epoch;
    m.apply(entry({ f: 'renew', owner: 'a', token: 0 }));
    m.apply(entry({ f: 'expire', owner: 'a', epoch: epochA }, -2));
    expect(m.children.map((c) => c.owner)).toEqual(['a', 'b']);
    m.apply(entry({ f: 'expire', owner: 'a', epoch: m.expiring().find((s) => s.owner === 'a')!.epoch }, -2));
    expect(m.children.map((c) => c.owner)).toEqual(['b']);
    expect(m.apply(entry({ f: 'renew', owner: 'a', token: 0 }))).toEqual({ type: 'fail', error: 'session-expired' });
    expect(m.apply(entry({ f: 'create', owner: 'a' }))).toEqual({ type: 'fail', error: 'session-closed' });
    expect(m.apply(entry({ f: 'check', owner: 'a', token: 1 }))).toEqual({ type: 'fail', error: 'no-node' });
  });
});

const layout = [['lock-server'], ['resource']];

function write(token: number | null, grant = 'g', step = 0): LockMsg {
  return { type: 'write', seq: step + 1, grant, token, step };
}

describe('the resource (fencing)', () => {
  it('accepts increasing tokens, refuses a lower one, and keeps the highest across a restart', () => {
    const ctx = new RecordingContext<LockMsg>(1, layout);
    const r = new ResourceNode(ctx);
    r.onStart();
    r.onMessage(2, write(33));
    r.onMessage(2, write(34));
    r.onMessage(2, write(33));
    const replies = sentOfType(ctx.drain(), 'write-reply').map((s) => s.msg.accepted);
    expect(replies).toEqual([true, true, false]);
    expect(ctx.notes.map((n) => n.data.accepted)).toEqual([true, true, false]);
    const again = new ResourceNode(new RecordingContext<LockMsg>(1, layout, [], ctx.storage));
    again.onStart();
    expect(again.highest).toBe(34);
    // Durable before the answer: the token was synced before the reply left.
    expect(ctx.storage.unsynced.size).toBe(0);
  });

  it('accepts writes without a token (Redis-style grants have none): it cannot tell', () => {
    const ctx = new RecordingContext<LockMsg>(1, layout);
    const r = new ResourceNode(ctx);
    r.onStart();
    r.onMessage(2, write(5));
    r.onMessage(2, write(null));
    expect(sentOfType(ctx.drain(), 'write-reply').map((s) => s.msg.accepted)).toEqual([true, true]);
  });

  it('bug no-fencing: the stale token is accepted', () => {
    const ctx = new RecordingContext<LockMsg>(1, layout, ['no-fencing']);
    const r = new ResourceNode(ctx);
    r.onStart();
    r.onMessage(2, write(34));
    r.onMessage(2, write(33));
    expect(sentOfType(ctx.drain(), 'write-reply').map((s) => s.msg.accepted)).toEqual([true, true]);
  });
});

describe('the Redis-style server (SET NX PX, DEL)', () => {
  const setNx = (owner: string, s = 1): LockMsg => ({ type: 'set-nx', seq: s, owner, ttlUs: 500_000 });
  const del = (owner: string, s = 2): LockMsg => ({ type: 'del', seq: s, owner });
  const answers = (ctx: RecordingContext<LockMsg>) => sentOfType(ctx.drain(), 'redis-reply').map((s) => s.msg.ok);

  it('SET NX succeeds once; DEL only for the owner; PX runs on a timer', () => {
    const ctx = new RecordingContext<LockMsg>(0, layout);
    const s = new RedisServer(ctx);
    s.onStart();
    s.onMessage(2, setNx('a'));
    s.onMessage(2, setNx('b'));
    s.onMessage(2, del('b'));
    expect(answers(ctx)).toEqual([true, false, false]);
    expect(ctx.timers.get('px:1')).toBe(500_000);
    // A wall-clock jump does not expire the key; the timer does.
    ctx.nowUs = 10_000_000;
    s.onMessage(2, setNx('b'));
    expect(answers(ctx)).toEqual([false]);
    s.onTimer('px:1');
    s.onMessage(2, setNx('b'));
    expect(answers(ctx)).toEqual([true]);
  });

  it('the key is synced and survives a restart, which counts a full PX again', () => {
    const ctx = new RecordingContext<LockMsg>(0, layout);
    new RedisServer(ctx).onMessage(2, setNx('a'));
    ctx.storage.crash();
    const ctx2 = new RecordingContext<LockMsg>(0, layout, [], ctx.storage);
    const s2 = new RedisServer(ctx2);
    s2.onStart();
    expect(s2.key?.owner).toBe('a');
    expect(ctx2.timers.get('px:1')).toBe(500_000);
  });

  it('bug unconditional-release: DEL deletes another owner\'s key', () => {
    const ctx = new RecordingContext<LockMsg>(0, layout, ['unconditional-release']);
    const s = new RedisServer(ctx);
    s.onMessage(2, setNx('a'));
    s.onMessage(2, del('b'));
    expect(answers(ctx)).toEqual([true, true]);
    expect(s.key).toBeNull();
  });

  it('bug redlock-clock-jump: PX is judged on the wall clock, so a jump forward expires the key', () => {
    const ctx = new RecordingContext<LockMsg>(0, layout, ['redlock-clock-jump']);
    const s = new RedisServer(ctx);
    s.onMessage(2, setNx('a'));
    expect(ctx.timers.size).toBe(0);
    ctx.nowUs = 499_999;
    s.onMessage(2, setNx('b'));
    ctx.nowUs = 500_000;
    s.onMessage(2, setNx('b'));
    expect(answers(ctx)).toEqual([true, false, true]);
  });

  it('bug redlock-volatile: a restart forgets the key', () => {
    const ctx = new RecordingContext<LockMsg>(0, layout, ['redlock-volatile']);
    new RedisServer(ctx).onMessage(2, setNx('a'));
    const s2 = new RedisServer(new RecordingContext<LockMsg>(0, layout, ['redlock-volatile'], ctx.storage));
    s2.onStart();
    expect(s2.key).toBeNull();
  });
});

describe('the Raft host: the leader times leases on its timers', () => {
  async function leader() {
    const { RaftLockServer } = await import('../../../protocols/lock/raft-host.js');
    const { parseLockOptions } = await import('../../../protocols/lock/options.js');
    const ctx = new RecordingContext<LockMsg>(0, [['lock-server'], ['resource']]);
    const server = new RaftLockServer(ctx, parseLockOptions({}), new LeaseMachine(false));
    server.onStart();
    server.onTimer('election'); // one server: pre-vote, vote and lead at once
    expect(server.raft.role).toBe('leader');
    return { ctx, server };
  }
  const acquire: LockMsg = { type: 'lock-req', clientId: 4, seq: 2, cmd: { f: 'acquire', owner: 'p4.1' } };

  it('grants, answers the client, and arms the full TTL for the new lease', async () => {
    const { ctx, server } = await leader();
    ctx.drain();
    server.onMessage(5, acquire);
    expect(sentOfType(ctx.drain(), 'lock-resp').map((s) => [s.to, s.msg.response])).toEqual([[5, { type: 'ok', value: 1 }]]);
    expect(ctx.timers.get('expire:p4.1')).toBe(500_000);
  });

  it('when the timer fires with the same epoch, proposes expire through the log; a renewal re-arms instead', async () => {
    const { ctx, server } = await leader();
    server.onMessage(5, acquire);
    ctx.timers.delete('expire:p4.1');
    server.onMessage(5, { type: 'lock-req', clientId: 4, seq: 4, cmd: { f: 'renew', owner: 'p4.1', token: 1 } });
    expect(ctx.timers.get('expire:p4.1')).toBe(500_000);
    server.onTimer('expire:p4.1');
    expect(server.machine.holder).toBeNull();
    expect(server.raft.log.some((e) => e.op?.f === 'expire')).toBe(true);
  });

  it('a follower times nothing and redirects clients to the leader', async () => {
    const { RaftLockServer } = await import('../../../protocols/lock/raft-host.js');
    const { parseLockOptions } = await import('../../../protocols/lock/options.js');
    const ctx = new RecordingContext<LockMsg>(1, [['lock-server'], ['lock-server'], ['lock-server'], ['resource']]);
    const server = new RaftLockServer(ctx, parseLockOptions({}), new LeaseMachine(false));
    server.onStart();
    server.onMessage(0, { type: 'append', term: 1, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 });
    ctx.drain();
    server.onMessage(4, acquire);
    expect(sentOfType(ctx.drain(), 'lock-resp').map((s) => s.msg.response)).toEqual([{ type: 'redirect', leader: 0 }]);
    expect([...ctx.timers.keys()].filter((t) => t.startsWith('expire:'))).toEqual([]);
  });
});
