// One Multi-Paxos replica: proposer (leader), acceptor and learner in one node. After van
// Renesse & Altinbuken, "Paxos Made Moderately Complex" (PMMC) with a stable leader, and
// Lamport, "Paxos Made Simple" (PMS) §3: a leader runs phase 1 once for all future slots,
// then phase 2 per slot. Sans-IO: every effect goes through the NodeContext. The acceptor's
// state is durable (./acceptor.ts); the learner's (chosen values, the KV store) is volatile
// and re-learned from the leader after a restart, from the replica's snapshot on
// (./snapshots.ts; a promise or a decisions answer to a node behind it carries it).
//
// Each named bug variant is checked at the one place it lives (search for ctx.bug).
import type { Actor, ClientRequest, ClientResponse, NodeContext, NodeId } from '../../../sim/types.js';
import { assert } from '../../../sim/types.js';
import { KvStore } from '../../raft/kv.js';
import { ballotEqual, ballotLess, ballotText, compareBallots, NO_BALLOT, nextBallot, type Ballot } from '../ballot.js';
import { Acceptor } from './acceptor.js';
import { acceptedNote, leaderNote, promisedNote, roleNote, slotNote } from './notes.js';
import type { MultiPaxosOptions } from './options.js';
import { recoveryPlan } from './recovery.js';
import { adoptNewestSnapshot, installSnapshot, restoreSnapshot, takeSnapshot } from './snapshots.js';
import {
  ballotNumber,
  type AcceptMsg,
  type AcceptedMsg,
  type Accepted,
  type Cmd,
  type DecisionsMsg,
  type HeartbeatMsg,
  type MpMsg,
  type NackMsg,
  type PrepareMsg,
  type PromiseMsg,
  type Proposal,
  type ReplicaSnapshot,
  type Role,
  SNAPSHOT_KEY,
} from './types.js';

const NONE = -1;
/** Most unacknowledged slots a leader re-sends to one peer per heartbeat. */
const RESEND_PER_HEARTBEAT = 256;

/** A leader's slot in phase 2: its value and who accepted it at the leader's ballot. */
interface InFlight {
  readonly slot: number;
  readonly cmd: Cmd;
  readonly acked: boolean[];
  count: number;
}

export class MultiPaxosReplica implements Actor<MpMsg> {
  readonly acceptor: Acceptor;

  // Proposer.
  role: Role = 'follower';
  /** The ballot this node leads (or campaigns) with; NO_BALLOT as a follower. */
  ballot: Ballot = NO_BALLOT;
  /** The leader this node last heard from (NONE when unknown). */
  leader: NodeId = NONE;
  /** Candidate: the promises received for `ballot` (self included). */
  private promises: Array<PromiseMsg | undefined> = [];
  private promiseCount = 0;
  /** The slot the prepare asked reports above (the candidate's executed count then). */
  private prepareFrom = 0;
  /** Leader: the next slot for a new command. */
  nextSlot = 1;
  /** Leader: slots proposed and not yet chosen, in proposal order. */
  readonly inFlight = new Map<number, InFlight>();
  /** Leader: client requests waiting for their slot to execute. */
  private readonly pending = new Map<number, ClientRequest>();
  private readonly pendingByClient = new Map<number, number>();

  // Learner.
  /** The replica's snapshot (slots 1..snapshot.slot executed into it); undefined: none. */
  snapshot: ReplicaSnapshot | undefined = undefined;
  /** Slots up to logBase are in the snapshot (0 without one). */
  logBase = 0;
  /** log[s - logBase] is the value chosen in slot s (as far as this node knows), for s > logBase; log[0] unused. */
  readonly log: Array<Cmd | undefined> = [undefined];
  /** Slots 1..executed are executed, in order. */
  executed = 0;
  readonly kv = new KvStore(true);
  /** The highest executed count a leader announced (a learner below it catches up). */
  private leaderExecuted = 0;
  private catchupSent = false;

  private electionTimeoutUs = 0;
  private lastLeaderContactUs = 0;
  private contactSinceArmed = false;
  private readonly n: number;

  constructor(
    readonly ctx: NodeContext<MpMsg>,
    readonly opts: MultiPaxosOptions,
  ) {
    this.n = ctx.nodes.length;
    this.acceptor = new Acceptor(ctx.storage, ctx.bug('volatile-acceptor'));
  }

  /** A quorum of acceptors: a strict majority (PMS §2.1). */
  isQuorum(count: number): boolean {
    // Bug `bad-quorum`: count*2 >= n-1, so one of three (or two of five) is a "quorum".
    if (this.ctx.bug('bad-quorum')) return count * 2 >= this.n - 1;
    return count * 2 > this.n;
  }

  // ---------------------------------------------------------------------------------
  // Lifecycle

  onStart(): void {
    const snap = this.ctx.storage.get<ReplicaSnapshot>(SNAPSHOT_KEY);
    this.acceptor.load(snap?.slot ?? 0);
    if (snap !== undefined) {
      restoreSnapshot(this, snap);
    }
    this.ctx.note('promised', promisedNote, this.acceptor.promised);
    this.ctx.note('role', roleNote, 'follower', this.acceptor.promised);
    this.resetElectionTimer();
  }

  onTimer(name: string): void {
    switch (name) {
      case 'election': {
        if (this.role === 'leader') return;
        if (this.contactSinceArmed && this.role === 'follower') {
          const remaining = this.electionTimeoutUs - (this.ctx.now() - this.lastLeaderContactUs);
          if (remaining > 0) {
            this.contactSinceArmed = false;
            this.ctx.setTimer('election', Math.min(remaining, this.electionTimeoutUs));
            return;
          }
        }
        this.startPhase1();
        return;
      }
      case 'heartbeat':
        if (this.role === 'leader') {
          if (!this.ctx.buggify('skip-heartbeat')) this.heartbeat();
        } else if (this.role === 'candidate') {
          const m: PrepareMsg = { type: 'prepare', ballot: this.ballot, from: this.prepareFrom };
          for (const p of this.ctx.peers) if (this.promises[p] === undefined) this.ctx.send(p, m);
        } else return;
        this.ctx.setTimer('heartbeat', this.opts.heartbeatUs);
        return;
      default:
        assert(false, `multipaxos: unknown timer ${name}`);
    }
  }

  onMessage(from: NodeId, msg: MpMsg): void {
    switch (msg.type) {
      case 'prepare':
        return this.onPrepare(from, msg);
      case 'promise':
        return this.onPromise(from, msg);
      case 'accept':
        return this.onAccept(from, msg);
      case 'accepted':
        return this.onAccepted(from, msg);
      case 'nack':
        return this.onNack(msg);
      case 'heartbeat':
        return this.onHeartbeat(from, msg);
      case 'catchup':
        return this.onCatchup(from, msg.from);
      case 'decisions':
        return this.onDecisions(from, msg);
    }
  }

  summary(): Record<string, unknown> {
    const b = this.role === 'follower' ? this.acceptor.promised : this.ballot;
    return {
      role: this.role,
      term: Math.max(0, b.round),
      ballot: ballotText(b),
      promised: ballotText(this.acceptor.promised),
      executed: this.executed,
      accepted: this.acceptor.top,
      ...(this.logBase > 0 ? { snapshot: this.logBase } : {}),
      leader: this.leader === NONE ? null : this.leader,
    };
  }

  // ---------------------------------------------------------------------------------
  // Leader election: phase 1 (PMS §3 "the new leader ... executes phase 1 for infinitely
  // many instances"; PMMC §3, scouts)

  private resetElectionTimer(): void {
    const [min, max] = this.opts.electionTimeoutUs;
    this.electionTimeoutUs = this.ctx.random.int(min, max);
    this.contactSinceArmed = false;
    const armUs = this.ctx.buggify('short-election-timeout') ? Math.max(1, Math.floor(min / 4)) : this.electionTimeoutUs;
    this.ctx.setTimer('election', armUs);
  }

  /** Campaign with a ballot above every one this node has seen (its promise is durable, so never reused). */
  startPhase1(): void {
    if (this.role === 'leader') this.dropPending();
    this.ballot = nextBallot(this.acceptor.promised, this.ctx.id);
    this.acceptor.raise(this.ballot); // our own promise, durable before anyone hears of the ballot
    this.ctx.note('promised', promisedNote, this.ballot);
    this.role = 'candidate';
    this.leader = NONE;
    this.inFlight.clear();
    this.ctx.note('role', roleNote, 'candidate', this.ballot);
    this.promises = new Array<PromiseMsg | undefined>(this.n).fill(undefined);
    this.prepareFrom = this.executed;
    this.promises[this.ctx.id] = { type: 'promise', ballot: this.ballot, accepted: this.acceptor.acceptedAbove(this.executed) };
    this.promiseCount = 1;
    this.resetElectionTimer();
    if (this.isQuorum(this.promiseCount)) {
      this.becomeLeader();
      return;
    }
    const m: PrepareMsg = { type: 'prepare', ballot: this.ballot, from: this.prepareFrom };
    for (const p of this.ctx.peers) this.ctx.send(p, m);
    this.ctx.setTimer('heartbeat', this.opts.heartbeatUs);
  }

  private onPrepare(from: NodeId, m: PrepareMsg): void {
    if (!this.acceptor.promise(m.ballot)) {
      this.ctx.send(from, { type: 'nack', ballot: m.ballot, promised: this.acceptor.promised });
      return;
    }
    this.ctx.note('promised', promisedNote, m.ballot);
    this.preempted();
    // Durable (Acceptor.promise synced) before the promise leaves. Slots we forgot above
    // m.from are in our snapshot: it goes along.
    const accepted = this.acceptor.acceptedAbove(m.from);
    const snap = this.snapshot;
    if (snap !== undefined && m.from < this.acceptor.forgotten) this.ctx.send(from, { type: 'promise', ballot: m.ballot, accepted, snap });
    else this.ctx.send(from, { type: 'promise', ballot: m.ballot, accepted });
  }

  private onPromise(from: NodeId, m: PromiseMsg): void {
    if (this.role !== 'candidate' || !ballotEqual(m.ballot, this.ballot) || this.promises[from] !== undefined) return;
    this.promises[from] = m;
    this.promiseCount += 1;
    if (this.isQuorum(this.promiseCount)) this.becomeLeader();
  }

  /** Phase 1 done: adopt, re-propose, fill holes (./recovery.ts), then serve clients. */
  private becomeLeader(): void {
    this.role = 'leader';
    this.leader = this.ctx.id;
    this.ctx.cancelTimer('election');
    this.ctx.note('become-leader', leaderNote, this.ballot);
    this.ctx.note('role', roleNote, 'leader', this.ballot);
    const reports: Accepted[][] = [];
    adoptNewestSnapshot(this, this.promises);
    for (const p of this.promises) if (p !== undefined) reports.push(p.accepted as Accepted[]);
    const plan = recoveryPlan({
      ballot: this.ballot,
      from: Math.max(this.prepareFrom, this.logBase),
      reports,
      known: (s) => this.chosenAt(s),
      ownEnd: Math.max(this.logEnd(), this.acceptor.top),
      ignoreAccepted: this.ctx.bug('ignore-accepted'),
      ownAccepted: (s) => this.acceptor.accepted.get(s)?.cmd,
      atOwnEnd: this.ctx.bug('new-leader-at-own-end'),
    });
    this.promises = [];
    this.nextSlot = Math.max(plan.nextSlot, this.executed + 1);
    this.propose(plan.proposals);
    this.heartbeat();
    this.ctx.setTimer('heartbeat', this.opts.heartbeatUs);
  }

  /** A higher ballot was promised here: a candidate or leader of a lower one is pre-empted. */
  private preempted(): void {
    if (this.role === 'follower' || !ballotLess(this.ballot, this.acceptor.promised)) return;
    // Bug `no-backoff`: retry at once with a higher ballot (two such proposers duel forever).
    if (this.ctx.bug('no-backoff')) {
      this.startPhase1();
      return;
    }
    this.stepDown();
  }

  /** Back to follower; the election timer (randomised) is the backoff before campaigning again. */
  private stepDown(): void {
    if (this.role === 'leader') this.dropPending();
    this.role = 'follower';
    this.ballot = NO_BALLOT;
    this.leader = NONE;
    this.inFlight.clear();
    this.ctx.cancelTimer('heartbeat');
    this.ctx.note('role', roleNote, 'follower', this.acceptor.promised);
    this.resetElectionTimer();
  }

  private onNack(m: NackMsg): void {
    if (!ballotLess(this.acceptor.promised, m.promised)) {
      this.preempted();
      return;
    }
    // A higher ballot exists: remember it (durably, so our next ballot is above it), and yield.
    this.acceptor.raise(m.promised);
    this.ctx.note('promised', promisedNote, m.promised);
    this.preempted();
  }

  // ---------------------------------------------------------------------------------
  // Phase 2 (PMS §3; PMMC §3, commanders)

  /** Propose values in slots at our ballot: accept them ourselves (durably), then ask everyone. */
  private propose(proposals: readonly Proposal[]): void {
    if (proposals.length === 0) return;
    for (const p of proposals) {
      const acked = new Array<boolean>(this.n).fill(false);
      this.inFlight.set(p.slot, { slot: p.slot, cmd: p.cmd, acked, count: 0 });
    }
    for (let i = 0; i < proposals.length; i += this.opts.maxBatch) {
      const batch = proposals.slice(i, i + this.opts.maxBatch);
      const m: AcceptMsg = { type: 'accept', ballot: this.ballot, proposals: batch };
      for (const p of this.ctx.peers) if (!this.ctx.buggify('drop-accept')) this.ctx.send(p, m);
    }
    const mine = this.acceptLocally(this.ballot, proposals);
    if (mine !== undefined) this.countAccepted(this.ctx.id, mine);
  }

  /** The acceptor's phase 2b, with a ghost note per accepted slot (chosen-unique counts them). */
  private acceptLocally(b: Ballot, proposals: readonly Proposal[]): number[] | undefined {
    const slots = this.acceptor.accept(b, proposals);
    if (slots === undefined) return undefined;
    const bn = ballotNumber(b);
    const forgotten = this.acceptor.forgotten;
    for (const p of proposals) if (p.slot > forgotten) this.ctx.note('accepted', acceptedNote, p.slot, bn, p.cmd.id);
    return slots;
  }

  private onAccept(from: NodeId, m: AcceptMsg): void {
    const raised = ballotLess(this.acceptor.promised, m.ballot);
    const slots = this.acceptLocally(m.ballot, m.proposals);
    if (slots === undefined) {
      this.ctx.send(from, { type: 'nack', ballot: m.ballot, promised: this.acceptor.promised });
      return;
    }
    if (raised) this.ctx.note('promised', promisedNote, m.ballot);
    this.preempted();
    this.heardFrom(from);
    // Durable (Acceptor.accept synced) before the acknowledgement leaves.
    this.ctx.send(from, { type: 'accepted', ballot: m.ballot, slots });
  }

  private onAccepted(from: NodeId, m: AcceptedMsg): void {
    if (this.role !== 'leader' || !ballotEqual(m.ballot, this.ballot)) return;
    this.countAccepted(from, m.slots);
  }

  private countAccepted(from: NodeId, slots: readonly number[]): void {
    let chose = false;
    for (const s of slots) {
      const f = this.inFlight.get(s);
      if (f === undefined || f.acked[from]) continue;
      f.acked[from] = true;
      f.count += 1;
      if (!this.isQuorum(f.count)) continue;
      // Chosen: a quorum accepted it at our ballot (PMS §2.3).
      this.inFlight.delete(s);
      this.ctx.note('chose', slotNote, s, f.cmd.id);
      this.learn(s, f.cmd);
      chose = true;
    }
    if (chose) this.execute();
  }

  /**
   * Heartbeat, and re-send what each peer has not acknowledged (lost accepts, or a peer that
   * was cut off): up to RESEND_PER_HEARTBEAT slots, in messages of maxBatch.
   */
  private heartbeat(): void {
    const hb: HeartbeatMsg = { type: 'heartbeat', ballot: this.ballot, executed: this.executed };
    for (const p of this.ctx.peers) {
      this.ctx.send(p, hb);
      if (this.inFlight.size === 0) continue;
      let batch: Proposal[] = [];
      let resent = 0;
      for (const f of this.inFlight.values()) {
        if (f.acked[p]) continue;
        batch.push({ slot: f.slot, cmd: f.cmd });
        if (batch.length >= this.opts.maxBatch) {
          this.ctx.send(p, { type: 'accept', ballot: this.ballot, proposals: batch });
          batch = [];
        }
        if (++resent >= RESEND_PER_HEARTBEAT) break;
      }
      if (batch.length > 0) this.ctx.send(p, { type: 'accept', ballot: this.ballot, proposals: batch });
    }
  }

  // ---------------------------------------------------------------------------------
  // Followers and learners

  private heardFrom(from: NodeId): void {
    if (this.role !== 'follower') return;
    this.leader = from;
    this.lastLeaderContactUs = this.ctx.now();
    this.contactSinceArmed = true;
  }

  private onHeartbeat(from: NodeId, m: HeartbeatMsg): void {
    const c = compareBallots(m.ballot, this.acceptor.promised);
    if (c < 0) {
      // A stale leader: tell it the ballot that pre-empts it.
      this.ctx.send(from, { type: 'nack', ballot: m.ballot, promised: this.acceptor.promised });
      return;
    }
    if (c > 0) {
      // A leader whose prepare we missed: its ballot is promised by a quorum; follow it.
      this.acceptor.raise(m.ballot);
      this.ctx.note('promised', promisedNote, m.ballot);
      this.preempted();
    }
    if (this.role !== 'follower') return;
    this.heardFrom(from);
    if (m.executed > this.leaderExecuted) this.leaderExecuted = m.executed;
    this.catchupSent = false;
    this.maybeCatchUp(from);
  }

  private maybeCatchUp(leader: NodeId): void {
    if (this.catchupSent || this.executed >= this.leaderExecuted) return;
    this.catchupSent = true;
    this.ctx.send(leader, { type: 'catchup', from: this.executed + 1 });
  }

  private onCatchup(from: NodeId, first: number): void {
    if (this.role !== 'leader' || first > this.executed) return;
    // Below our snapshot: the snapshot, then the slots above it.
    const snap = first <= this.logBase ? this.snapshot : undefined;
    const start = snap === undefined ? first : snap.slot + 1;
    const end = Math.min(this.executed, start + this.opts.maxBatch - 1);
    const cmds: Cmd[] = [];
    for (let s = start; s <= end; s++) cmds.push(this.chosenAt(s)!);
    if (snap !== undefined) this.ctx.send(from, { type: 'decisions', ballot: this.ballot, from: start, cmds, executed: this.executed, snap });
    else this.ctx.send(from, { type: 'decisions', ballot: this.ballot, from: first, cmds, executed: this.executed });
  }

  private onDecisions(from: NodeId, m: DecisionsMsg): void {
    // The sender's executed prefix is chosen, whatever its ballot now: learn it.
    const before = this.executed;
    if (m.snap !== undefined && m.snap.slot > this.executed) installSnapshot(this, m.snap);
    for (let i = 0; i < m.cmds.length; i++) this.learn(m.from + i, m.cmds[i]);
    this.execute();
    if (m.executed > this.leaderExecuted) this.leaderExecuted = m.executed;
    // Ask for the next batch only when this one moved us on: a duplicated or stale answer
    // must not start a second chain of requests (each would multiply with every duplicate).
    if (this.executed === before) return;
    this.catchupSent = false;
    if (this.role === 'follower') this.maybeCatchUp(from);
  }

  private learn(slot: number, cmd: Cmd): void {
    if (slot <= this.logBase) return; // in the snapshot
    const i = slot - this.logBase;
    while (this.log.length <= i) this.log.push(undefined);
    if (this.log[i] === undefined) this.log[i] = cmd;
  }

  /** The value known chosen in `slot` (undefined: not known, or in the snapshot). */
  chosenAt(slot: number): Cmd | undefined {
    return slot <= this.logBase ? undefined : this.log[slot - this.logBase];
  }

  /** The highest slot the learner holds a place for (logBase when none above the snapshot). */
  logEnd(): number {
    return this.logBase + this.log.length - 1;
  }

  // ---------------------------------------------------------------------------------
  // Execution and clients (PMMC §2.2, replicas: execute in slot order)

  private execute(): void {
    this.executeChosen();
    const every = this.opts.snapshotEvery;
    if (every > 0 && this.executed - this.logBase >= every) takeSnapshot(this);
  }

  /** Execute the chosen slots that follow the executed point, in order. */
  executeChosen(): void {
    while (this.executed + 1 <= this.logEnd()) {
      const cmd = this.chosenAt(this.executed + 1);
      if (cmd === undefined) return;
      const slot = ++this.executed;
      this.ctx.note('execute', slotNote, slot, cmd.id);
      if (cmd.op === null) continue;
      const response = this.kv.apply(cmd);
      if (this.role !== 'leader') continue;
      const req = this.pending.get(slot);
      if (req === undefined) continue;
      this.pending.delete(slot);
      if (this.pendingByClient.get(req.clientId) === slot) this.pendingByClient.delete(req.clientId);
      // A retried command chosen twice answers with its first execution's (cached) response.
      if (req.clientId === cmd.clientId && req.seq === cmd.seq && response !== undefined) this.ctx.reply(req, response);
    }
  }

  onRequest(req: ClientRequest): void {
    if (this.role !== 'leader') {
      const r: ClientResponse = this.leader === NONE ? { type: 'redirect' } : { type: 'redirect', leader: this.leader };
      this.ctx.reply(req, r);
      return;
    }
    const seen = this.kv.lookup(req.clientId, req.seq);
    if (seen === 'stale') return;
    if (seen !== undefined) {
      this.ctx.reply(req, seen);
      return;
    }
    const waiting = this.pendingByClient.get(req.clientId);
    if (waiting !== undefined && this.inFlight.get(waiting)?.cmd.seq === req.seq) {
      this.pending.set(waiting, req);
      return;
    }
    const cmd: Cmd = Object.freeze({ id: `c${req.clientId}:${req.seq}`, clientId: req.clientId, seq: req.seq, op: req.op });
    const slot = this.nextSlot++;
    this.pending.set(slot, req);
    this.pendingByClient.set(req.clientId, slot);
    this.propose([{ slot, cmd }]);
  }

  private dropPending(): void {
    this.pending.clear();
    this.pendingByClient.clear();
  }
}
