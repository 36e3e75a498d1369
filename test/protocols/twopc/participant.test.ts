// A participant's handlers (Gray & Lamport §3; TLA+ TwoPhase: RMPrepare, RMRcvCommitMsg,
// RMRcvAbortMsg, RMChooseToAbort), driven directly.
import { describe, expect, it } from 'vitest';
import { outcomeKey, preparedRecords } from '../../../protocols/twopc/log.js';
import type { TxnOp } from '../../../protocols/twopc/messages.js';
import { sentOfType } from '../recording-context.js';
import { COORD, participant } from './fake-context.js';

// On n2 (participant 1): accounts a1 and a4.
const debitA1: TxnOp[] = [{ f: 'add', key: 'a1', delta: -30 }];
const readA1A4: TxnOp[] = [{ f: 'get', key: 'a1' }, { f: 'get', key: 'a4' }];
const ALL = [1, 2, 3];

describe('participant: PREPARE', () => {
  it('takes its locks, logs the prepared record and syncs it before voting yes (with what it read)', () => {
    const { p, ctx } = participant(1);
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: readA1A4, participants: ALL });
    const [vote] = sentOfType(ctx.drain(), 'vote');
    expect(vote.msg).toMatchObject({ txn: 't1', vote: 'yes', results: [100, 100] });
    expect(vote.syncsBefore).toBe(2); // `started` at the first start, then the prepared record
    expect(vote.unsyncedBefore).toBe(0);
    expect(preparedRecords(ctx.storage).map((r) => r.txn)).toEqual(['t1']);
    expect(p.locks.lockOn('a1')).toEqual({ mode: 'shared', holders: ['t1'] });
    expect(ctx.notes).toContainEqual({ kind: 'txn-vote', data: { txn: 't1', vote: 'yes' } });
    expect(ctx.timers.has('inquire:t1')).toBe(true);
  });

  it('votes no at once on a lock conflict (no-wait), and logs nothing', () => {
    const { p, ctx } = participant(1);
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    ctx.drain();
    const syncs = ctx.storage.syncs;
    p.onMessage(COORD, { type: 'prepare', txn: 't2', ops: readA1A4, participants: ALL });
    expect(sentOfType(ctx.drain(), 'vote')[0].msg).toMatchObject({ txn: 't2', vote: 'no', reason: 'conflict' });
    expect(ctx.storage.syncs).toBe(syncs);
    expect(p.prepared.has('t2')).toBe(false);
  });

  it('shares read locks between readers', () => {
    const { p, ctx } = participant(1);
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: readA1A4, participants: ALL });
    p.onMessage(COORD, { type: 'prepare', txn: 't2', ops: readA1A4, participants: ALL });
    expect(sentOfType(ctx.drain(), 'vote').map((s) => s.msg.vote)).toEqual(['yes', 'yes']);
  });

  it('votes no when a debit would overdraw the account', () => {
    const { ctx, p } = participant(1);
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: [{ f: 'add', key: 'a1', delta: -101 }], participants: ALL });
    expect(sentOfType(ctx.drain(), 'vote')[0].msg).toMatchObject({ vote: 'no', reason: 'insufficient-funds' });
    expect(p.locks.size).toBe(0);
  });

  it('answers a duplicate PREPARE with the same vote, logging nothing new', () => {
    const { p, ctx } = participant(1);
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    expect(sentOfType(ctx.drain(), 'vote').map((s) => s.msg.vote)).toEqual(['yes', 'yes']);
    expect(ctx.storage.syncs).toBe(2);
    expect(ctx.notes.filter((n) => n.kind === 'txn-vote')).toHaveLength(1);
  });
});

describe('participant: the outcome', () => {
  it('COMMIT: applies, forces the commit record and the data before the ack, releases its locks', () => {
    const { p, ctx } = participant(1);
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    ctx.drain();
    p.onMessage(COORD, { type: 'decision', txn: 't1', decision: 'commit' });
    const [ack] = sentOfType(ctx.drain(), 'ack');
    expect(ack.to).toBe(COORD);
    expect(ack.unsyncedBefore).toBe(0);
    expect(ctx.storage.synced.get('d:a1')).toBe(70);
    expect(ctx.storage.synced.get(outcomeKey('t1'))).toMatchObject({ outcome: 'commit' });
    expect(preparedRecords(ctx.storage)).toEqual([]);
    expect(p.locks.size).toBe(0);
    expect(p.read('a1')).toBe(70);
    expect(ctx.notes).toContainEqual({ kind: 'txn-outcome', data: { txn: 't1', outcome: 'commit', from: 'coordinator' } });
    expect(ctx.timers.has('inquire:t1')).toBe(false);
  });

  it('a repeated COMMIT is acked again and applied once', () => {
    const { p, ctx } = participant(1);
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    p.onMessage(COORD, { type: 'decision', txn: 't1', decision: 'commit' });
    p.onMessage(COORD, { type: 'decision', txn: 't1', decision: 'commit' });
    expect(sentOfType(ctx.drain(), 'ack')).toHaveLength(2);
    expect(p.read('a1')).toBe(70);
  });

  it('ABORT: releases its locks, nothing applied, no ack, nothing forced', () => {
    const { p, ctx } = participant(1);
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    ctx.drain();
    const syncs = ctx.storage.syncs;
    p.onMessage(COORD, { type: 'decision', txn: 't1', decision: 'abort' });
    expect(ctx.drain()).toEqual([]);
    expect(ctx.storage.syncs).toBe(syncs);
    expect(p.locks.size).toBe(0);
    expect(p.read('a1')).toBe(100);
  });

  it('a COMMIT for a transaction it never prepared is not applied', () => {
    const { p, ctx } = participant(1);
    p.onMessage(COORD, { type: 'decision', txn: 't9', decision: 'commit' });
    expect(ctx.drain()).toEqual([]);
    expect(ctx.notes).toEqual([]);
    expect(p.read('a1')).toBe(100);
  });
});

describe('participant: uncertain (cooperative termination)', () => {
  it('its inquiry timer asks the coordinator and every other participant, and it stays prepared', () => {
    const { p, ctx } = participant(1);
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    ctx.drain();
    p.onTimer('inquire:t1');
    const sent = ctx.drain();
    expect(sentOfType(sent, 'inquire').map((s) => s.to)).toEqual([COORD]);
    expect(sentOfType(sent, 'peer-inquire').map((s) => s.to)).toEqual([2, 3]);
    expect(p.prepared.has('t1')).toBe(true);
    expect(ctx.timers.has('inquire:t1')).toBe(true);
    expect(ctx.notes.at(-1)).toEqual({ kind: 'txn-blocked', data: { txn: 't1', coordinator: COORD, round: 1 } });
  });

  it('with abort-when-uncertain, the timer aborts it instead', () => {
    const { p, ctx } = participant(1, ['abort-when-uncertain']);
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    p.onTimer('inquire:t1');
    expect(p.prepared.has('t1')).toBe(false);
    expect(ctx.notes.at(-1)).toMatchObject({ kind: 'txn-outcome', data: { txn: 't1', outcome: 'abort' } });
  });

  it('a peer that is prepared answers uncertain; one that knows answers the outcome', () => {
    const { p, ctx } = participant(1);
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    ctx.drain();
    p.onMessage(2, { type: 'peer-inquire', txn: 't1' });
    expect(sentOfType(ctx.drain(), 'peer-status')[0].msg.status).toBe('uncertain');
    p.onMessage(COORD, { type: 'decision', txn: 't1', decision: 'commit' });
    ctx.drain();
    p.onMessage(2, { type: 'peer-inquire', txn: 't1' });
    expect(sentOfType(ctx.drain(), 'peer-status')[0]).toMatchObject({ to: 2, msg: { status: 'commit' } });
  });

  it('a peer that never voted aborts unilaterally, durably, answers abort, and later votes no', () => {
    const { p, ctx } = participant(2);
    p.onMessage(1, { type: 'peer-inquire', txn: 't1' });
    const [status] = sentOfType(ctx.drain(), 'peer-status');
    expect(status.msg.status).toBe('abort');
    expect(status.unsyncedBefore).toBe(0);
    expect(ctx.storage.synced.get(outcomeKey('t1'))).toEqual({ outcome: 'abort' });
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: [{ f: 'get', key: 'a2' }], participants: ALL });
    expect(sentOfType(ctx.drain(), 'vote')[0].msg.vote).toBe('no');
  });

  it("a peer's answer settles it: commit is applied and acked to the coordinator", () => {
    const { p, ctx } = participant(1);
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: debitA1, participants: ALL });
    ctx.drain();
    p.onMessage(2, { type: 'peer-status', txn: 't1', status: 'uncertain' });
    expect(p.prepared.has('t1')).toBe(true);
    p.onMessage(2, { type: 'peer-status', txn: 't1', status: 'commit' });
    expect(sentOfType(ctx.drain(), 'ack').map((s) => s.to)).toEqual([COORD]);
    expect(p.read('a1')).toBe(70);
  });
});
