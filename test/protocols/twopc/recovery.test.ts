// Recovery from each log state: a new incarnation over what survived the crash (every
// unsynced write lost), as onStart sees it.
import { describe, expect, it } from 'vitest';
import { Coordinator } from '../../../protocols/twopc/coordinator.js';
import { commitRecords, outcomeKey, preparedRecords, PREPARED } from '../../../protocols/twopc/log.js';
import type { TwoPcMsg, TxnOp } from '../../../protocols/twopc/messages.js';
import { FakeStorage, RecordingContext, sentOfType } from '../recording-context.js';
import { CLIENT, COORD, coordinator, crashed, LAYOUT, options, participant } from './fake-context.js';

const debitA1: TxnOp[] = [{ f: 'add', key: 'a1', delta: -30 }];
const ALL = [1, 2, 3];
const transfer: TxnOp[] = [{ f: 'add', key: 'a1', delta: -1 }, { f: 'add', key: 'a2', delta: 1 }];

describe('participant recovery', () => {
  it('nothing logged: no locks, nothing to ask; an unknown transaction is one it may abort', () => {
    const { p, ctx } = participant(1, [], crashed(new FakeStorage()));
    expect(p.prepared.size).toBe(0);
    expect(ctx.timers.size).toBe(0);
    p.onMessage(2, { type: 'peer-inquire', txn: 't1' });
    expect(sentOfType(ctx.drain(), 'peer-status')[0].msg.status).toBe('abort');
  });

  it('prepared: prepared again, with its locks, and it asks at once (it may not decide alone); unknown PREPAREs get no for the quiet period', () => {
    const first = participant(1);
    first.p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    const { p, ctx } = participant(1, [], crashed(first.ctx.storage));
    expect([...p.prepared.keys()]).toEqual(['t1']);
    expect(p.locks.lockOn('a1')).toEqual({ mode: 'exclusive', holders: ['t1'] });
    expect(ctx.timers.get('inquire:t1')).toBeLessThanOrEqual(options.inquireUs);
    p.onMessage(COORD, { type: 'prepare', txn: 't2', ops: [{ f: 'get', key: 'a2' }], participants: ALL });
    expect(sentOfType(ctx.drain(), 'vote')[0].msg).toMatchObject({ txn: 't2', vote: 'no', reason: 'recovering' });
    p.onTimer('quiet');
    p.onMessage(COORD, { type: 'prepare', txn: 't3', ops: [{ f: 'get', key: 'a1' }], participants: ALL });
    expect(sentOfType(ctx.drain(), 'vote')[0].msg).toMatchObject({ txn: 't3', vote: 'no', reason: 'conflict' });
    p.onMessage(COORD, { type: 'prepare', txn: 't4', ops: [{ f: 'get', key: 'a4' }], participants: ALL });
    expect(sentOfType(ctx.drain(), 'vote')[0].msg).toMatchObject({ txn: 't4', vote: 'yes' });
    p.onMessage(COORD, { type: 'decision', txn: 't1', decision: 'commit' });
    expect(p.read('a1')).toBe(70);
  });

  it('committed: the commit survives, and it tells a peer commit', () => {
    const first = participant(1);
    first.p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    first.p.onMessage(COORD, { type: 'decision', txn: 't1', decision: 'commit' });
    const { p, ctx } = participant(1, [], crashed(first.ctx.storage));
    expect(p.prepared.size).toBe(0);
    expect(p.read('a1')).toBe(70);
    p.onMessage(2, { type: 'peer-inquire', txn: 't1' });
    expect(sentOfType(ctx.drain(), 'peer-status')[0].msg.status).toBe('commit');
  });

  it('a commit record whose data and prepared-list writes were lost: redone from the record', () => {
    const first = participant(1);
    first.p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    // What a crash keeps of the commit's writes when only the first (the commit record) reached the disk.
    const storage = first.ctx.storage;
    storage.synced.set(outcomeKey('t1'), { outcome: 'commit', writes: [['a1', 70]] });
    const { p, ctx } = participant(1, [], storage);
    expect(p.prepared.size).toBe(0);
    expect(p.read('a1')).toBe(70);
    expect(preparedRecords(ctx.storage)).toEqual([]);
    expect(ctx.notes).toContainEqual({ kind: 'txn-outcome', data: { txn: 't1', outcome: 'commit', recovered: true } });
  });

  it('aborted after voting yes (not forced, lost): prepared again, asks, and hears abort', () => {
    const first = participant(1);
    first.p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    first.p.onMessage(COORD, { type: 'decision', txn: 't1', decision: 'abort' });
    expect(first.ctx.storage.unsynced.has(PREPARED)).toBe(true);
    const { p, ctx } = participant(1, [], crashed(first.ctx.storage));
    expect(p.prepared.has('t1')).toBe(true);
    p.onTimer('inquire:t1');
    expect(sentOfType(ctx.drain(), 'inquire').map((s) => s.to)).toEqual([COORD]);
    p.onMessage(COORD, { type: 'decision', txn: 't1', decision: 'abort' });
    expect(p.locks.size).toBe(0);
    expect(p.read('a1')).toBe(100);
  });

  it('aborted unilaterally (never voted): the abort record survives, and a late PREPARE is answered no', () => {
    const first = participant(1);
    first.p.onMessage(2, { type: 'peer-inquire', txn: 't1' });
    const { p, ctx } = participant(1, [], crashed(first.ctx.storage));
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    expect(sentOfType(ctx.drain(), 'vote')[0].msg.vote).toBe('no');
  });
});

describe('coordinator recovery', () => {
  it('nothing logged (first start): it takes transactions at once', () => {
    const { c, ctx } = coordinator();
    expect(c.recovering).toBe(false);
    c.onMessage(CLIENT, { type: 'begin', txn: 't1', ops: debitA1 });
    expect(sentOfType(ctx.drain(), 'prepare')).toHaveLength(1);
  });

  it('in progress at the crash (nothing logged): forgotten, so presumed aborted; new work is refused for the quiet period', () => {
    const first = coordinator();
    first.c.onMessage(CLIENT, { type: 'begin', txn: 't1', ops: transfer });
    first.c.onMessage(1, { type: 'vote', txn: 't1', vote: 'yes' });
    const { c, ctx } = coordinator([], crashed(first.ctx.storage));
    expect(c.recovering).toBe(true);
    expect(ctx.timers.get('quiet')).toBe(options.recoveryQuietUs);
    c.onMessage(1, { type: 'inquire', txn: 't1' });
    expect(sentOfType(ctx.drain(), 'decision')[0].msg.decision).toBe('abort');
    c.onMessage(CLIENT, { type: 'begin', txn: 't2', ops: debitA1 });
    expect(sentOfType(ctx.drain(), 'result')[0].msg).toMatchObject({ decision: 'abort', reason: 'recovering' });
    c.onTimer('quiet');
    c.onMessage(CLIENT, { type: 'begin', txn: 't2', ops: debitA1 });
    expect(ctx.drain()).toEqual([]); // t2 was refused once: never started later
    c.onMessage(CLIENT, { type: 'begin', txn: 't3', ops: debitA1 });
    expect(sentOfType(ctx.drain(), 'prepare')).toHaveLength(1);
  });

  it('commit logged: COMMIT re-sent to every participant, an inquiry answered commit, the record dropped after the acks', () => {
    const first = coordinator();
    first.c.onMessage(CLIENT, { type: 'begin', txn: 't1', ops: transfer });
    first.c.onMessage(1, { type: 'vote', txn: 't1', vote: 'yes' });
    first.c.onMessage(2, { type: 'vote', txn: 't1', vote: 'yes' });
    const ctx = new RecordingContext<TwoPcMsg>(COORD, LAYOUT, [], crashed(first.ctx.storage));
    const c = new Coordinator(ctx, options);
    c.onStart();
    expect(sentOfType(ctx.drain(), 'decision').map((s) => [s.to, s.msg.decision])).toEqual([[1, 'commit'], [2, 'commit']]);
    expect(ctx.timers.has('resend')).toBe(true);
    c.onMessage(2, { type: 'inquire', txn: 't1' });
    expect(sentOfType(ctx.drain(), 'decision')[0].msg.decision).toBe('commit');
    c.onMessage(1, { type: 'ack', txn: 't1' });
    c.onMessage(2, { type: 'ack', txn: 't1' });
    expect(commitRecords(ctx.storage)).toEqual([]);
  });

  it('done (every ack in, record dropped): nothing to re-send', () => {
    const first = coordinator();
    first.c.onMessage(CLIENT, { type: 'begin', txn: 't1', ops: debitA1 });
    first.c.onMessage(1, { type: 'vote', txn: 't1', vote: 'yes' });
    first.c.onMessage(1, { type: 'ack', txn: 't1' });
    first.ctx.storage.sync(); // the removal reached the disk (a later sync, say)
    const { c, ctx } = coordinator([], crashed(first.ctx.storage));
    expect(c.active.size).toBe(0);
    expect(sentOfType(ctx.drain(), 'decision')).toEqual([]);
  });

  it('done, but the unforced removal was lost: COMMIT is re-sent, and acked again by a participant that has it', () => {
    const first = coordinator();
    first.c.onMessage(CLIENT, { type: 'begin', txn: 't1', ops: debitA1 });
    first.c.onMessage(1, { type: 'vote', txn: 't1', vote: 'yes' });
    first.c.onMessage(1, { type: 'ack', txn: 't1' });
    const { ctx } = coordinator([], crashed(first.ctx.storage));
    expect(sentOfType(ctx.drain(), 'decision').map((s) => s.to)).toEqual([1]);
  });
});
