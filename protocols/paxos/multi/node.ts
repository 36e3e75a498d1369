// One Multi-Paxos replica: proposer (leader), acceptor and learner in one node. After van
// Renesse & Altinbuken, "Paxos Made Moderately Complex" (PMMC) with a stable leader, and
// Lamport, "Paxos Made Simple" (PMS) §3: a leader runs phase 1 once for all future slots,
// then phase 2 per slot. Sans-IO: every effect goes through the NodeContext. The acceptor's
// state is durable (./acceptor.ts); the learner's (chosen values, the KV store) is volatile
// and re-learned from the leader after a restart, from the replica's snapshot on
// (./snapshots.ts; a promise or a decisions answer to a node behind it carries it).
// This file holds the state, the lifecycle, the role changes, the dispatch and the client
// side; phases 1 and 2 are in ./proposer.ts, following the leader and catching up in
// ./learner.ts.
//
// Each named bug variant is checked at the one place it lives (search for ctx.bug).
import type { Actor, ClientRequest, ClientResponse, NodeContext, NodeId } from '../../../sim/types.js';
import { assert } from '../../../sim/types.js';
import { ShownText } from '../../common/shown-text.js';
import { KvStore } from '../../raft/kv.js';
import { ballotLess, ballotText, NO_BALLOT, type Ballot } from '../ballot.js';
import { Acceptor } from './acceptor.js';
import { onCatchup, onDecisions, onHeartbeat } from './learner.js';
import { promisedNote, roleNote, slotNote } from './notes.js';
import type { MultiPaxosOptions } from './options.js';
import { heartbeat, onAccept, onAccepted, onNack, onPrepare, onPromise, propose, resendPrepare, startPhase1 } from './proposer.js';
import { restoreSnapshot } from './snapshots.js';
import { NONE, type Cmd, type MpMsg, type PromiseMsg, type ReplicaSnapshot, type Role, SNAPSHOT_KEY } from './types.js';

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
  promises: Array<PromiseMsg | undefined> = [];
  promiseCount = 0;
  /** The slot the prepare asked reports above (the candidate's executed count then). */
  prepareFrom = 0;
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
  leaderExecuted = 0;
  /** A catchup is out, unanswered (one at a time). */
  catchupSent = false;

  electionTimeoutUs = 0;
  lastLeaderContactUs = 0;
  /** Heard from the leader since the election timer was armed. */
  contactSinceArmed = false;
  /** summary()'s texts of the ballot and the promise. */
  private readonly ballotShown = new ShownText(ballotText);
  private readonly promisedShown = new ShownText(ballotText);
  /** The number of replicas. */
  readonly n: number;

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
        startPhase1(this);
        return;
      }
      case 'heartbeat':
        if (this.role === 'leader') {
          if (!this.ctx.buggify('skip-heartbeat')) heartbeat(this);
        } else if (this.role === 'candidate') {
          resendPrepare(this);
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
        return onPrepare(this, from, msg);
      case 'promise':
        return onPromise(this, from, msg);
      case 'accept':
        return onAccept(this, from, msg);
      case 'accepted':
        return onAccepted(this, from, msg);
      case 'nack':
        return onNack(this, msg);
      case 'heartbeat':
        return onHeartbeat(this, from, msg);
      case 'catchup':
        return onCatchup(this, from, msg.from);
      case 'decisions':
        return onDecisions(this, from, msg);
    }
  }

  summary(): Record<string, unknown> {
    const b = this.role === 'follower' ? this.acceptor.promised : this.ballot;
    const term = Math.max(0, b.round);
    const ballot = this.ballotShown.of(b);
    const promised = this.promisedShown.of(this.acceptor.promised);
    const leader = this.leader === NONE ? null : this.leader;
    const role = this.role;
    const executed = this.executed;
    const accepted = this.acceptor.top;
    const snapshot = this.logBase;
    const s = this.shown;
    // Unchanged: the same frozen object again, which the kernel takes as "no new state" at once.
    if (s !== undefined && s.role === role && s.term === term && s.ballot === ballot && s.promised === promised && s.executed === executed && s.accepted === accepted && (s.snapshot ?? 0) === snapshot && s.leader === leader) return s;
    // Two literals, not a spread: the same keys in the same order either way.
    this.shown = Object.freeze(snapshot > 0 ? { role, term, ballot, promised, executed, accepted, snapshot, leader } : { role, term, ballot, promised, executed, accepted, leader });
    return this.shown;
  }

  /** The last summary(), returned again while nothing it shows has changed. */
  private shown: Readonly<{ role: string; term: number; ballot: string; promised: string; executed: number; accepted: number; snapshot?: number; leader: number | null }> | undefined;


  // ---------------------------------------------------------------------------------
  // Role changes (a candidate's and a leader's are in ./proposer.ts: startPhase1, becomeLeader)

  /** Arm the election timer with a fresh randomised timeout (also the backoff of a pre-empted proposer). */
  resetElectionTimer(): void {
    const [min, max] = this.opts.electionTimeoutUs;
    this.electionTimeoutUs = this.ctx.random.int(min, max);
    this.contactSinceArmed = false;
    const armUs = this.ctx.buggify('short-election-timeout') ? Math.max(1, Math.floor(min / 4)) : this.electionTimeoutUs;
    this.ctx.setTimer('election', armUs);
  }

  /** A higher ballot was promised here: a candidate or leader of a lower one is pre-empted. */
  preempted(): void {
    if (this.role === 'follower' || !ballotLess(this.ballot, this.acceptor.promised)) return;
    // Bug `no-backoff`: retry at once with a higher ballot (two such proposers duel forever).
    if (this.ctx.bug('no-backoff')) {
      startPhase1(this);
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
    propose(this, [{ slot, cmd }]);
  }

  dropPending(): void {
    this.pending.clear();
    this.pendingByClient.clear();
  }
}
