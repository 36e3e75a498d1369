// The coordinator (transaction manager). BEGIN from a client: split the transaction by shard
// and send each participant its part in a PREPARE (phase 1). All votes yes: log the commit
// record, sync, and only then send COMMIT (phase 2) and answer the client ok; re-send COMMIT
// every `resendUs` to participants that have not acknowledged it; after the last ack, drop
// the record. A vote no, or votes missing after `voteTimeoutUs`: abort, with nothing logged
// (presumed abort): ABORT to the participants, fail to the client.
//
// INQUIRE from an uncertain participant: COMMIT while the commit record is kept; nothing
// while the votes are still being collected (the decision will come); ABORT for any
// transaction it does not know (presumed abort: no record, no commit).
//
// Recovery (onStart): every kept commit record is re-sent; every transaction in progress at
// the crash had no record, so it is aborted (by presumption: participants that ask hear
// abort). A restarted coordinator refuses new transactions for `recoveryQuietUs`, longer
// than a message stays in flight, so that a BEGIN sent before the crash (a network
// duplicate, say) is never started a second time after the coordinator forgot the first.
import type { Actor, ClientRequest, Endpoint, NodeContext, NodeId } from '../../sim/types.js';
import { COMMITS, commitRecords, without, withRecord, beginIncarnation, QUIET } from './log.js';
import type { AbortReason, OpResult, TwoPcMsg, TxnOp, Vote } from './messages.js';
import type { TwoPcOptions } from './options.js';
import { abortDecisionNote, beginNote, decideNote, endNote, recoveredDecisionNote } from './notes.js';
import { splitTxn, type TxnPart } from './txn.js';

export interface CoordinatedTxn {
  readonly txn: string;
  /** The client to answer (undefined for a transaction recovered from the log). */
  readonly client: Endpoint | undefined;
  readonly parts: readonly TxnPart[];
  readonly participants: readonly NodeId[];
  phase: 'voting' | 'committing';
  readonly votes: Map<NodeId, Vote>;
  /** Each operation's result, by its position in the BEGIN. */
  readonly results: OpResult[];
  readonly acked: Set<NodeId>;
}

const voteTimer = (txn: string): string => `vote:${txn}`;
const VOTE_PREFIX = 'vote:';
const RESEND = 'resend';

export class Coordinator implements Actor<TwoPcMsg> {
  readonly kind = 'coordinator' as const;
  readonly active = new Map<string, CoordinatedTxn>();
  /** Every transaction id this incarnation has seen a BEGIN for (started or refused). */
  private readonly seen = new Set<string>();
  recovering = false;
  private readonly participantNodes: readonly NodeId[];

  constructor(
    readonly ctx: NodeContext<TwoPcMsg>,
    readonly options: TwoPcOptions,
  ) {
    this.participantNodes = ctx.nodesWith('participant');
  }

  onStart(): void {
    const storage = this.ctx.storage;
    this.recovering = beginIncarnation(this.ctx, this.options.recoveryQuietUs);
    for (const rec of commitRecords(storage)) {
      this.active.set(rec.txn, { txn: rec.txn, client: undefined, parts: [], participants: rec.participants, phase: 'committing', votes: new Map(), results: [], acked: new Set() });
      this.ctx.note('txn-recovered', recoveredDecisionNote, rec.txn, 'commit');
      for (const p of rec.participants) this.ctx.send(p, { type: 'decision', txn: rec.txn, decision: 'commit' });
    }
    if (this.active.size > 0) this.armResend();
  }

  /** One resend timer for every committing transaction, armed once (re-arming would push it back forever under load). */
  private resendArmed = false;
  private armResend(): void {
    if (this.resendArmed) return;
    this.resendArmed = true;
    this.ctx.setTimer(RESEND, this.options.resendUs);
  }

  onMessage(from: NodeId, msg: TwoPcMsg): void {
    switch (msg.type) {
      case 'begin':
        return this.onBegin(from, msg.txn, msg.ops);
      case 'vote':
        return this.onVote(from, msg.txn, msg.vote, msg.reason, msg.results);
      case 'ack':
        return this.onAck(from, msg.txn);
      case 'inquire':
        return this.onInquire(from, msg.txn);
      default:
        return;
    }
  }

  private onBegin(client: Endpoint, txn: string, ops: readonly TxnOp[]): void {
    if (this.seen.has(txn)) return; // a duplicate: the first copy is (or was) being run
    this.seen.add(txn);
    if (this.recovering) return this.ctx.send(client, { type: 'result', txn, decision: 'abort', reason: 'recovering' });
    const parts = splitTxn(ops, this.participantNodes);
    const participants = parts.map((p) => p.node);
    const t: CoordinatedTxn = { txn, client, parts, participants, phase: 'voting', votes: new Map(), results: ops.map(() => null), acked: new Set() };
    this.active.set(txn, t);
    this.ctx.note('txn-begin', beginNote, txn, participants);
    if (parts.length === 0) return this.commit(t);
    for (const part of parts) this.ctx.send(part.node, { type: 'prepare', txn, ops: part.ops, participants });
    this.ctx.setTimer(voteTimer(txn), this.options.voteTimeoutUs);
  }

  private onVote(from: NodeId, txn: string, vote: Vote, reason: AbortReason | undefined, results: readonly OpResult[] | undefined): void {
    const t = this.active.get(txn);
    if (t === undefined) {
      // A yes for a transaction this coordinator does not know (decided abort, or lost in a crash): abort, by presumption.
      if (vote === 'yes') this.ctx.send(from, { type: 'decision', txn, decision: 'abort' });
      return;
    }
    if (t.phase !== 'voting' || !t.participants.includes(from) || t.votes.has(from)) return;
    t.votes.set(from, vote);
    if (vote === 'no') return this.abort(t, reason ?? 'aborted');
    const part = t.parts.find((p) => p.node === from)!;
    if (results !== undefined) part.positions.forEach((pos, i) => (t.results[pos] = results[i] ?? null));
    if (t.votes.size === t.participants.length) this.commit(t);
  }

  private commit(t: CoordinatedTxn): void {
    this.ctx.cancelTimer(voteTimer(t.txn));
    const storage = this.ctx.storage;
    const record = { txn: t.txn, participants: t.participants };
    const logFirst = !this.ctx.bug('unlogged-decision');
    if (logFirst) {
      // The decision is durable before anyone hears it: a restarted coordinator must answer commit.
      storage.put(COMMITS, withRecord(commitRecords(storage), record));
      storage.sync();
    }
    t.phase = 'committing';
    this.ctx.note('txn-decide', decideNote, t.txn, 'commit');
    for (const p of t.participants) this.ctx.send(p, { type: 'decision', txn: t.txn, decision: 'commit' });
    // The bug: the commit record is written after COMMIT went out, and not forced.
    if (!logFirst) storage.put(COMMITS, withRecord(commitRecords(storage), record));
    if (t.client !== undefined) this.ctx.send(t.client, { type: 'result', txn: t.txn, decision: 'commit', results: [...t.results] });
    if (t.participants.length === 0) this.forget(t);
    else this.armResend();
  }

  private abort(t: CoordinatedTxn, reason: AbortReason): void {
    this.ctx.cancelTimer(voteTimer(t.txn));
    this.active.delete(t.txn);
    this.ctx.note('txn-decide', abortDecisionNote, t.txn, reason);
    // Nothing logged: no record means abort. Those that voted no need no ABORT, but it is harmless.
    for (const p of t.participants) this.ctx.send(p, { type: 'decision', txn: t.txn, decision: 'abort' });
    if (t.client !== undefined) this.ctx.send(t.client, { type: 'result', txn: t.txn, decision: 'abort', reason });
  }

  private onAck(from: NodeId, txn: string): void {
    const t = this.active.get(txn);
    if (t === undefined || t.phase !== 'committing') return;
    t.acked.add(from);
    if (t.participants.every((p) => t.acked.has(p))) this.forget(t);
  }

  /** Every participant has the commit: drop the record (not forced: a lost removal only means re-sending COMMIT). */
  private forget(t: CoordinatedTxn): void {
    this.active.delete(t.txn);
    const storage = this.ctx.storage;
    if (commitRecords(storage).some((r) => r.txn === t.txn)) storage.put(COMMITS, without(commitRecords(storage), t.txn));
    this.ctx.note('txn-end', endNote, t.txn);
  }

  private onInquire(from: NodeId, txn: string): void {
    const t = this.active.get(txn);
    if (t === undefined) return this.ctx.send(from, { type: 'decision', txn, decision: 'abort' }); // presumed abort
    if (t.phase === 'committing') this.ctx.send(from, { type: 'decision', txn, decision: 'commit' });
    // Still voting: the decision will come.
  }

  onTimer(name: string): void {
    if (name === QUIET) {
      this.recovering = false;
      return;
    }
    if (name === RESEND) {
      this.resendArmed = false;
      let any = false;
      for (const t of this.active.values()) {
        if (t.phase !== 'committing') continue;
        any = true;
        for (const p of t.participants) if (!t.acked.has(p)) this.ctx.send(p, { type: 'decision', txn: t.txn, decision: 'commit' });
      }
      if (any) this.armResend();
      return;
    }
    if (name.startsWith(VOTE_PREFIX)) {
      const t = this.active.get(name.slice(VOTE_PREFIX.length));
      if (t === undefined || t.phase !== 'voting') return;
      // The bug: a vote that did not come is counted as yes.
      if (this.ctx.bug('commit-on-timeout')) return this.commit(t);
      return this.abort(t, 'vote-timeout');
    }
  }

  onRequest(_req: ClientRequest): void {}

  summary(): Record<string, unknown> {
    let committing = 0;
    for (const t of this.active.values()) if (t.phase === 'committing') committing++;
    return { role: 'coordinator', voting: this.active.size - committing, committing, recovering: this.recovering };
  }
}
