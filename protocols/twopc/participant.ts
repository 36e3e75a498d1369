// A participant (resource manager): holds a shard of the keys, votes on each transaction's
// part, and applies the outcome.
//
// PREPARE: take every lock of the part at once (no-wait, ./locks.ts) and check it (a debit
// may not take a balance below 0). Either fails: vote no, and forget (presumed abort). (So
// a participant never sits between PREPARE and its vote: the unilateral abort the protocol
// allows before a vote is the no vote itself, or the answer to a peer below.) Both
// hold: log the prepared record, sync, and only then vote yes; from here on the participant
// is uncertain and may not decide alone. It holds its locks until it learns the outcome: a
// COMMIT (apply, log the commit with the values written, sync, release, ack), an ABORT
// (release; nothing forced). While uncertain it asks, every `inquireUs`, the coordinator
// (INQUIRE) and every other participant of the transaction (cooperative termination: a peer
// that knows the outcome says it; one that never voted yes aborts unilaterally, durably,
// and says abort; a prepared peer is uncertain too). If every peer is uncertain and the
// coordinator is down, the participant is blocked until the coordinator returns.
//
// Recovery (onStart): each prepared record whose commit record is on disk is redone (the
// crash came between the commit's writes and their sync); every other prepared record is
// prepared again: its locks are taken back and the inquiries resume. For `recoveryQuietUs`
// after a restart it votes no on transactions it does not know: a no vote is not logged, so
// a late copy of a PREPARE it refused before the crash must not now get a yes.
import type { Actor, ClientRequest, NodeContext, NodeId } from '../../sim/types.js';
import { bankWorkload } from '../../workloads/bank.js';
import { LockTable } from './locks.js';
import { dataKey, outcomeKey, PREPARED, preparedRecords, without, withRecord, type OutcomeRecord, type PreparedRecord, beginIncarnation, QUIET } from './log.js';
import type { AbortReason, Decision, TwoPcMsg, TxnOp } from './messages.js';
import type { TwoPcOptions } from './options.js';
import { blockedNote, outcomeNote, recoveredOutcomeNote, recoveredStateNote, unilateralAbortNote, voteNoNote, voteYesNote } from './notes.js';
import { evaluate, locksOf, type Value } from './txn.js';

const inquireTimer = (txn: string): string => `inquire:${txn}`;
const INQUIRE_PREFIX = 'inquire:';

export class Participant implements Actor<TwoPcMsg> {
  readonly kind = 'participant' as const;
  readonly locks = new LockTable();
  /** Prepared and uncertain: the volatile mirror of the durable `p` list. */
  readonly prepared = new Map<string, PreparedRecord>();
  /** Outcomes learned in this incarnation (commits are also on disk as o:<txn>). */
  private readonly outcomes = new Map<string, Decision>();
  /** Committed values read or written in this incarnation (the disk holds them all). */
  private readonly values = new Map<string, Value>();
  /** Inquiry rounds per uncertain transaction (for the notes). */
  private readonly rounds = new Map<string, number>();
  /** Restarted less than recoveryQuietUs ago: PREPAREs of unknown transactions are answered no. */
  recovering = false;

  constructor(
    readonly ctx: NodeContext<TwoPcMsg>,
    readonly options: TwoPcOptions,
  ) {}

  onStart(): void {
    const storage = this.ctx.storage;
    this.recovering = beginIncarnation(this.ctx, this.options.recoveryQuietUs);
    for (const rec of preparedRecords(storage)) {
      const outcome = storage.get<OutcomeRecord>(outcomeKey(rec.txn));
      if (outcome?.outcome === 'commit') {
        // The commit record reached the disk before the crash, maybe not all that followed it: redo.
        for (const [key, value] of outcome.writes) storage.put(dataKey(key), value);
        storage.put(PREPARED, without(preparedRecords(storage), rec.txn));
        this.outcomes.set(rec.txn, 'commit');
        this.ctx.note('txn-outcome', recoveredOutcomeNote, rec.txn);
        continue;
      }
      if (outcome?.outcome === 'abort') {
        // Cannot happen: a participant aborts unilaterally only when it never voted yes.
        storage.put(PREPARED, without(preparedRecords(storage), rec.txn));
        continue;
      }
      const granted = this.locks.acquire(rec.txn, locksOf(rec.ops));
      if (!granted) throw new Error(`twopc: prepared records of ${rec.txn} conflict with another prepared transaction's locks`);
      this.prepared.set(rec.txn, rec);
      this.ctx.note('txn-recovered', recoveredStateNote, rec.txn);
      // Ask at once: the coordinator may have decided long ago.
      this.ctx.setTimer(inquireTimer(rec.txn), 1);
    }
  }

  onMessage(from: NodeId, msg: TwoPcMsg): void {
    switch (msg.type) {
      case 'prepare':
        return this.onPrepare(from, msg.txn, msg.ops, msg.participants);
      case 'decision':
        return this.learn(msg.txn, msg.decision, 'coordinator', from);
      case 'peer-status':
        if (msg.status !== 'uncertain') this.learn(msg.txn, msg.status, `peer n${from + 1}`);
        return;
      case 'peer-inquire':
        return this.ctx.send(from, { type: 'peer-status', txn: msg.txn, status: this.statusForPeer(msg.txn) });
      default:
        return;
    }
  }

  /** The outcome this participant knows, from memory or disk. */
  outcomeOf(txn: string): Decision | undefined {
    return this.outcomes.get(txn) ?? this.ctx.storage.get<OutcomeRecord>(outcomeKey(txn))?.outcome;
  }

  read(key: string): Value {
    let v = this.values.get(key);
    if (v !== undefined) return v;
    v = this.ctx.storage.get<Value>(dataKey(key)) ?? (key.startsWith('a') ? (this.ctx.workload.params?.initialBalance ?? bankWorkload.defaultParams.initialBalance) : Object.freeze([] as number[]));
    this.values.set(key, v);
    return v;
  }

  private onPrepare(coordinator: NodeId, txn: string, ops: readonly TxnOp[], participants: readonly NodeId[]): void {
    const known = this.outcomeOf(txn);
    if (known !== undefined) {
      // A duplicate PREPARE of a finished transaction: the same answer, nothing new.
      return this.ctx.send(coordinator, { type: 'vote', txn, vote: known === 'commit' ? 'yes' : 'no', reason: known === 'abort' ? 'aborted' : undefined });
    }
    const mine = this.prepared.get(txn);
    if (mine !== undefined) {
      const { results } = evaluate(mine.ops, (k) => this.read(k));
      return this.ctx.send(coordinator, { type: 'vote', txn, vote: 'yes', results });
    }
    const locks = locksOf(ops);
    let reason: AbortReason | undefined;
    const evaluated = evaluate(ops, (k) => this.read(k));
    // Just restarted: this may be a late copy of a PREPARE it already voted no on (and forgot: no
    // votes are not logged). An aborted participant stays aborted, so it says no again.
    if (this.recovering) reason = 'recovering';
    else if (!this.locks.grantable(txn, locks)) reason = 'conflict';
    else if (evaluated.insufficient) reason = 'insufficient-funds';
    if (reason !== undefined) {
      this.outcomes.set(txn, 'abort');
      this.ctx.note('txn-vote', voteNoNote, txn, reason);
      return this.ctx.send(coordinator, { type: 'vote', txn, vote: 'no', reason });
    }
    this.locks.acquire(txn, locks);
    const rec: PreparedRecord = Object.freeze({ txn, coordinator, participants: Object.freeze([...participants]), ops });
    this.prepared.set(txn, rec);
    // Durable before the yes vote: once it has voted yes, the participant must remember it.
    this.ctx.storage.put(PREPARED, withRecord(preparedRecords(this.ctx.storage), rec));
    this.ctx.storage.sync();
    this.ctx.note('txn-vote', voteYesNote, txn);
    this.ctx.send(coordinator, { type: 'vote', txn, vote: 'yes', results: evaluated.results });
    this.ctx.setTimer(inquireTimer(txn), this.options.inquireUs);
  }

  /** The outcome arrives (from the coordinator, or a peer): apply it if still uncertain. */
  private learn(txn: string, decision: Decision, source: string, ackTo?: NodeId): void {
    const rec = this.prepared.get(txn);
    if (rec === undefined) {
      if (decision === 'commit' && this.outcomeOf(txn) === 'commit') {
        if (ackTo !== undefined) this.ctx.send(ackTo, { type: 'ack', txn });
      }
      // A COMMIT for a transaction this participant never prepared, or aborted, cannot be applied
      // (only a buggy coordinator sends one); an ABORT of one it never prepared needs nothing.
      else if (decision === 'abort' && this.outcomeOf(txn) === undefined) this.outcomes.set(txn, 'abort');
      return;
    }
    if (decision === 'commit') this.commit(rec, source);
    else this.abort(rec, source);
  }

  private commit(rec: PreparedRecord, source: string): void {
    const storage = this.ctx.storage;
    const { writes } = evaluate(rec.ops, (k) => this.read(k));
    const redo: OutcomeRecord = Object.freeze({ outcome: 'commit', writes: Object.freeze([...writes.entries()].map(([k, v]) => Object.freeze([k, v] as const))) });
    // The commit record first (a redo record), then the data, then the prepared list: a crash
    // before the sync keeps a prefix of these, and recovery redoes from the commit record.
    storage.put(outcomeKey(rec.txn), redo);
    for (const [key, value] of writes) {
      storage.put(dataKey(key), value);
      this.values.set(key, value);
    }
    storage.put(PREPARED, without(preparedRecords(storage), rec.txn));
    // Forced before the ack: after the ack the coordinator forgets, and would presume abort.
    storage.sync();
    this.finish(rec.txn, 'commit', source);
    this.ctx.send(rec.coordinator, { type: 'ack', txn: rec.txn });
  }

  private abort(rec: PreparedRecord, source: string): void {
    // Not forced: a participant that forgets an abort is prepared again after a restart, asks, and hears abort.
    this.ctx.storage.put(PREPARED, without(preparedRecords(this.ctx.storage), rec.txn));
    this.finish(rec.txn, 'abort', source);
  }

  private finish(txn: string, outcome: Decision, source: string): void {
    this.locks.release(txn);
    this.prepared.delete(txn);
    this.rounds.delete(txn);
    this.outcomes.set(txn, outcome);
    this.ctx.cancelTimer(inquireTimer(txn));
    this.ctx.note('txn-outcome', outcomeNote, txn, outcome, source);
  }

  /** What this participant tells a peer that asks (cooperative termination). */
  private statusForPeer(txn: string): Decision | 'uncertain' {
    if (this.prepared.has(txn)) return 'uncertain';
    const known = this.outcomeOf(txn);
    if (known !== undefined) return known;
    // Never voted yes (no PREPARE yet, or forgotten after a no vote): abort unilaterally, durably,
    // so that a late PREPARE is answered no even after a restart.
    this.ctx.storage.put(outcomeKey(txn), Object.freeze({ outcome: 'abort' }));
    this.ctx.storage.sync();
    this.outcomes.set(txn, 'abort');
    this.ctx.note('txn-outcome', unilateralAbortNote, txn);
    return 'abort';
  }

  onTimer(name: string): void {
    if (name === QUIET) {
      this.recovering = false;
      return;
    }
    if (!name.startsWith(INQUIRE_PREFIX)) return;
    const txn = name.slice(INQUIRE_PREFIX.length);
    const rec = this.prepared.get(txn);
    if (rec === undefined) return;
    if (this.ctx.bug('abort-when-uncertain')) {
      // The bug: a participant that voted yes gives up waiting and aborts on its own.
      return this.abort(rec, 'timeout');
    }
    const round = (this.rounds.get(txn) ?? 0) + 1;
    this.rounds.set(txn, round);
    this.ctx.note('txn-blocked', blockedNote, txn, rec.coordinator, round);
    this.ctx.send(rec.coordinator, { type: 'inquire', txn });
    for (const peer of rec.participants) if (peer !== this.ctx.id) this.ctx.send(peer, { type: 'peer-inquire', txn });
    this.ctx.setTimer(name, this.options.inquireUs);
  }

  onRequest(_req: ClientRequest): void {}

  summary(): Record<string, unknown> {
    return { role: 'participant', prepared: this.prepared.size, locked: this.locks.size, recovering: this.recovering };
  }
}

export type { PreparedRecord };
