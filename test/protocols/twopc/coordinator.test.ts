// The coordinator's handlers (Gray & Lamport §3; TLA+ TwoPhase: TMRcvPrepared, TMCommit,
// TMAbort; presumed abort), driven directly.
import { describe, expect, it } from 'vitest';
import { commitRecords } from '../../../protocols/twopc/log.js';
import type { TxnOp } from '../../../protocols/twopc/messages.js';
import { sentOfType } from '../recording-context.js';
import { CLIENT, coordinator } from './fake-context.js';

// a1 lives on n2 (node 1), a2 on n3 (node 2); a read of a1..a3 touches all three participants.
const transfer: TxnOp[] = [
  { f: 'add', key: 'a1', delta: -5 },
  { f: 'add', key: 'a2', delta: 5 },
];
const read: TxnOp[] = [{ f: 'get', key: 'a1' }, { f: 'get', key: 'a2' }, { f: 'get', key: 'a3' }, { f: 'get', key: 'a4' }];

function begun(ops: TxnOp[], bugs: string[] = []) {
  const h = coordinator(bugs);
  h.c.onMessage(CLIENT, { type: 'begin', txn: 't1', ops });
  return h;
}

describe('coordinator: phase 1', () => {
  it('sends each participant its part of the transaction, in order, with every participant named', () => {
    const { ctx } = begun(read);
    const prepares = sentOfType(ctx.drain(), 'prepare');
    expect(prepares.map((s) => s.to)).toEqual([1, 2, 3]);
    expect(prepares[0].msg.ops).toEqual([{ f: 'get', key: 'a1' }, { f: 'get', key: 'a4' }]);
    expect(prepares[2].msg.ops).toEqual([{ f: 'get', key: 'a3' }]);
    expect(prepares.every((s) => s.msg.participants.join() === '1,2,3')).toBe(true);
    expect(ctx.notes).toContainEqual({ kind: 'txn-begin', data: { txn: 't1', participants: [1, 2, 3] } });
    expect(ctx.timers.has('vote:t1')).toBe(true);
  });

  it('ignores a duplicate BEGIN', () => {
    const { c, ctx } = begun(transfer);
    ctx.drain();
    c.onMessage(CLIENT, { type: 'begin', txn: 't1', ops: transfer });
    expect(ctx.drain()).toEqual([]);
  });
});

describe('coordinator: phase 2', () => {
  it('all yes: logs the commit record and syncs it before any COMMIT leaves; the client gets ok with the reads in order', () => {
    const { c, ctx } = begun(read);
    ctx.drain();
    c.onMessage(1, { type: 'vote', txn: 't1', vote: 'yes', results: [10, 40] });
    c.onMessage(2, { type: 'vote', txn: 't1', vote: 'yes', results: [20] });
    expect(sentOfType(ctx.sent, 'decision')).toEqual([]);
    c.onMessage(3, { type: 'vote', txn: 't1', vote: 'yes', results: [30] });
    const sent = ctx.drain();
    const commits = sentOfType(sent, 'decision');
    expect(commits.map((s) => [s.to, s.msg.decision])).toEqual([[1, 'commit'], [2, 'commit'], [3, 'commit']]);
    expect(commits.every((s) => s.syncsBefore === 2 && s.unsyncedBefore === 0)).toBe(true); // started, then the commit record
    expect(commitRecords(ctx.storage)).toEqual([{ txn: 't1', participants: [1, 2, 3] }]);
    expect(sentOfType(sent, 'result')[0]).toMatchObject({ to: CLIENT, msg: { decision: 'commit', results: [10, 20, 30, 40] } });
    expect(ctx.notes).toContainEqual({ kind: 'txn-decide', data: { txn: 't1', decision: 'commit' } });
  });

  it('acks: the record is dropped after the last one (not forced)', () => {
    const { c, ctx } = begun(transfer);
    c.onMessage(1, { type: 'vote', txn: 't1', vote: 'yes' });
    c.onMessage(2, { type: 'vote', txn: 't1', vote: 'yes' });
    const syncs = ctx.storage.syncs;
    c.onMessage(1, { type: 'ack', txn: 't1' });
    expect(commitRecords(ctx.storage)).toHaveLength(1);
    c.onMessage(2, { type: 'ack', txn: 't1' });
    expect(commitRecords(ctx.storage)).toEqual([]);
    expect(c.active.size).toBe(0);
    expect(ctx.storage.syncs).toBe(syncs);
  });

  it('re-sends COMMIT to those that have not acked', () => {
    const { c, ctx } = begun(transfer);
    c.onMessage(1, { type: 'vote', txn: 't1', vote: 'yes' });
    c.onMessage(2, { type: 'vote', txn: 't1', vote: 'yes' });
    c.onMessage(1, { type: 'ack', txn: 't1' });
    ctx.drain();
    c.onTimer('resend');
    expect(sentOfType(ctx.drain(), 'decision').map((s) => s.to)).toEqual([2]);
  });

  it('a no vote: abort, nothing logged, the client gets fail with the reason', () => {
    const { c, ctx } = begun(transfer);
    ctx.drain();
    const syncs = ctx.storage.syncs;
    c.onMessage(1, { type: 'vote', txn: 't1', vote: 'no', reason: 'insufficient-funds' });
    const sent = ctx.drain();
    expect(sentOfType(sent, 'decision').map((s) => s.msg.decision)).toEqual(['abort', 'abort']);
    expect(sentOfType(sent, 'result')[0].msg).toMatchObject({ decision: 'abort', reason: 'insufficient-funds' });
    expect(ctx.storage.syncs).toBe(syncs);
    expect(commitRecords(ctx.storage)).toEqual([]);
  });

  it('a vote missing at the timeout: abort', () => {
    const { c, ctx } = begun(transfer);
    c.onMessage(1, { type: 'vote', txn: 't1', vote: 'yes' });
    ctx.drain();
    c.onTimer('vote:t1');
    expect(sentOfType(ctx.drain(), 'decision').map((s) => s.msg.decision)).toEqual(['abort', 'abort']);
  });

  it('with commit-on-timeout, a missing vote counts as yes', () => {
    const { c, ctx } = begun(transfer, ['commit-on-timeout']);
    c.onMessage(1, { type: 'vote', txn: 't1', vote: 'yes' });
    ctx.drain();
    c.onTimer('vote:t1');
    expect(sentOfType(ctx.drain(), 'decision').map((s) => s.msg.decision)).toEqual(['commit', 'commit']);
  });

  it('with unlogged-decision, COMMIT leaves before the commit record is written, and it is never forced', () => {
    const { c, ctx } = begun(transfer, ['unlogged-decision']);
    c.onMessage(1, { type: 'vote', txn: 't1', vote: 'yes' });
    c.onMessage(2, { type: 'vote', txn: 't1', vote: 'yes' });
    const commits = sentOfType(ctx.drain(), 'decision');
    expect(commits.every((s) => s.unsyncedBefore === 0 && s.syncsBefore === 1)).toBe(true);
    expect(ctx.storage.unsynced.has('c')).toBe(true);
    ctx.storage.crash();
    expect(commitRecords(ctx.storage)).toEqual([]);
  });
});

describe('coordinator: inquiries (presumed abort)', () => {
  it('an unknown transaction: abort', () => {
    const { c, ctx } = coordinator();
    c.onMessage(2, { type: 'inquire', txn: 't9' });
    expect(sentOfType(ctx.drain(), 'decision')[0]).toMatchObject({ to: 2, msg: { txn: 't9', decision: 'abort' } });
  });

  it('still voting: no answer yet; committed: commit', () => {
    const { c, ctx } = begun(transfer);
    ctx.drain();
    c.onMessage(1, { type: 'inquire', txn: 't1' });
    expect(ctx.drain()).toEqual([]);
    c.onMessage(1, { type: 'vote', txn: 't1', vote: 'yes' });
    c.onMessage(2, { type: 'vote', txn: 't1', vote: 'yes' });
    ctx.drain();
    c.onMessage(1, { type: 'inquire', txn: 't1' });
    expect(sentOfType(ctx.drain(), 'decision')[0].msg.decision).toBe('commit');
  });

  it('a yes vote for a transaction it does not know is answered abort', () => {
    const { c, ctx } = coordinator();
    c.onMessage(3, { type: 'vote', txn: 't9', vote: 'yes' });
    expect(sentOfType(ctx.drain(), 'decision')[0]).toMatchObject({ to: 3, msg: { decision: 'abort' } });
  });
});
