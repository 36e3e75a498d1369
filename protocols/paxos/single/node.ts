// One single-decree Paxos node (Lamport, "Paxos Made Simple", 2001; § numbers are the
// paper's). A node plays any of the roles proposer, acceptor and learner (a scenario's
// `nodes: { proposer+acceptor+learner: 3 }` or `{ proposer: 2, acceptor: 3, learner: 1 }`).
// Sans-IO: every effect goes through the NodeContext. Fields are the volatile state; the
// acceptor's promise and accepted proposal, and the proposer's highest round, are written
// to ctx.storage and synced before any message that depends on them is sent.
//
// Values: each proposer proposes its own value `v-n<id>-<k>` (k: its first round in this
// incarnation), unless Phase 1 tells it to adopt an accepted one (P2c). There are no
// client operations: the invariants (./invariants.ts) judge safety from the acceptors'
// and learners' notes, liveness from the learners' (./liveness.ts).
//
// Each named bug variant is checked at the one place it lives (search for ctx.bug).
import type { Actor, ClientRequest, NodeContext, NodeId } from '../../../sim/types.js';
import { assert } from '../../../sim/types.js';
import { NO_BALLOT, ballotEqual, ballotLess, ballotText, compareBallots, type Ballot } from '../ballot.js';
import type { PaxosOptions } from './options.js';
import { acceptNote, ballotNote, preemptedNote, proposeNote, valueNote } from './notes.js';
import {
  ACCEPTOR_KEY,
  PROPOSER_KEY,
  type AcceptMsg,
  type AcceptedMsg,
  type AcceptorState,
  type NackMsg,
  type PaxosMsg,
  type PrepareMsg,
  type PromiseMsg,
  type ProposerState,
  type Value,
} from './types.js';

export type Phase = 'idle' | 'prepare' | 'accept' | 'backoff' | 'decided';

/** Text key of a ballot, for maps. */
export const ballotKey = (b: Ballot): string => `${b.round}.${b.node}`;

export class PaxosNode implements Actor<PaxosMsg> {
  readonly isProposer: boolean;
  readonly isAcceptor: boolean;
  readonly isLearner: boolean;
  private readonly acceptors: readonly NodeId[];
  private readonly learners: readonly NodeId[];

  // Acceptor (durable, mirrored in ctx.storage under ACCEPTOR_KEY).
  promised: Ballot = NO_BALLOT;
  accepted: Ballot = NO_BALLOT;
  acceptedValue: Value | null = null;

  // Proposer. `round` is durable (PROPOSER_KEY): the highest round this node ever used.
  round = -1;
  /** The highest round seen in a nack: the next ballot goes above it. */
  private seenRound = -1;
  phase: Phase = 'idle';
  ballot: Ballot = NO_BALLOT;
  /** This incarnation's own value (set at its first ballot). */
  ownValue: Value | null = null;
  /** The value of the current ballot's Phase 2 (own or adopted). */
  proposal: Value | null = null;
  decided: Value | null = null;
  attempts = 0;
  private readonly promises = new Map<NodeId, PromiseMsg>();
  private readonly acks = new Set<NodeId>();

  // Learner (volatile: a restarted learner learns again by querying the acceptors).
  learned: Value | null = null;
  learnedAt: Ballot = NO_BALLOT;
  /** ballot key -> the acceptors heard to have accepted at it, and its value. */
  private readonly heard = new Map<string, { value: Value; from: Set<NodeId> }>();

  constructor(
    readonly ctx: NodeContext<PaxosMsg>,
    readonly opts: PaxosOptions,
  ) {
    this.isProposer = ctx.roles.includes('proposer');
    this.isAcceptor = ctx.roles.includes('acceptor');
    this.isLearner = ctx.roles.includes('learner');
    this.acceptors = ctx.nodesWith('acceptor');
    this.learners = ctx.nodesWith('learner');
  }

  /**
   * §2.2: a majority of the acceptors (any two majorities share an acceptor). Bug
   * `bad-quorum`: counts `acks * 2 >= n - 1`, one of three, so two disjoint sets both count.
   */
  quorum(count: number): boolean {
    const n = this.acceptors.length;
    if (this.ctx.bug('bad-quorum')) return count > 0 && count * 2 >= n - 1;
    return count * 2 > n;
  }

  // ---------------------------------------------------------------------------------
  // Lifecycle

  onStart(): void {
    const st = this.ctx.storage;
    if (this.isAcceptor) {
      const a = st.get<AcceptorState>(ACCEPTOR_KEY);
      if (a !== undefined) {
        this.promised = a.promised;
        this.accepted = a.accepted;
        this.acceptedValue = a.value;
      }
    }
    if (this.isProposer) {
      this.round = st.get<ProposerState>(PROPOSER_KEY)?.round ?? -1;
      const index = this.ctx.nodesWith('proposer').indexOf(this.ctx.id);
      const at = this.opts.proposeAtUs;
      this.ctx.setTimer('propose', at[Math.min(index, at.length - 1)]);
    }
    if (this.isLearner) this.ctx.setTimer('poll', this.opts.learnerPollUs);
  }

  onTimer(name: string): void {
    switch (name) {
      case 'propose':
        if (this.phase === 'idle') this.startBallot();
        return;
      case 'phase':
        // No majority answered in time: as pre-empted as a nack (§2.3, a lost message or a dead acceptor).
        if (this.phase === 'prepare' || this.phase === 'accept') this.preempted('timeout');
        return;
      case 'backoff':
        if (this.phase === 'backoff') this.startBallot();
        return;
      case 'poll':
        if (this.learned !== null) return;
        for (const a of this.acceptors) this.ctx.send(a, { type: 'query' });
        this.ctx.setTimer('poll', this.opts.learnerPollUs);
        return;
      default:
        assert(false, `paxos: unknown timer ${name}`);
    }
  }

  onMessage(from: NodeId, msg: PaxosMsg): void {
    switch (msg.type) {
      case 'prepare':
        if (this.isAcceptor) this.onPrepare(from, msg);
        return;
      case 'accept':
        if (this.isAcceptor) this.onAccept(from, msg);
        return;
      case 'query':
        if (this.isAcceptor && this.acceptedValue !== null) this.ctx.send(from, { type: 'accepted', ballot: this.accepted, value: this.acceptedValue });
        return;
      case 'promise':
        if (this.isProposer) this.onPromise(from, msg);
        return;
      case 'accepted':
        if (this.isProposer) this.onAcceptedByProposer(from, msg);
        if (this.isLearner) this.onAcceptedByLearner(from, msg);
        return;
      case 'nack':
        if (this.isProposer) this.onNack(msg);
        return;
    }
  }

  onRequest(req: ClientRequest): void {
    // No client operations: proposers propose their own values (see the header).
    this.ctx.reply(req, { type: 'fail', error: 'paxos: single-decree Paxos takes no client operations' });
  }

  summary(): Record<string, unknown> {
    const s: Record<string, unknown> = { role: this.ctx.roles.join('+') };
    // At most five fields besides the role (the report shows five along a lane).
    if (this.isProposer) {
      s.ballot = `${ballotText(this.ballot)} ${this.phase}`;
      if (this.decided !== null) s.decided = this.decided;
    }
    if (this.isAcceptor) {
      s.promised = ballotText(this.promised);
      s.accepted = this.acceptedValue === null ? '-' : `${ballotText(this.accepted)}=${this.acceptedValue}`;
    }
    if (this.isLearner) s.learned = this.learned ?? '-';
    return s;
  }

  // ---------------------------------------------------------------------------------
  // Acceptor (§2.2 P1a: accept a proposal numbered n iff no prepare above n was answered)

  /** Phase 1b: promise a ballot at or above every ballot promised so far, reporting the last accepted proposal. */
  private onPrepare(from: NodeId, m: PrepareMsg): void {
    if (ballotLess(m.ballot, this.promised)) {
      // §2.3: tell the proposer it was ignored, so it abandons its proposal.
      this.ctx.send(from, { type: 'nack', ballot: m.ballot, promised: this.promised });
      return;
    }
    // Equal: a duplicated or retried prepare of the ballot already promised; the answer is the same.
    if (ballotLess(this.promised, m.ballot)) {
      this.promised = m.ballot;
      this.persist();
    }
    this.ctx.send(from, { type: 'promise', ballot: m.ballot, accepted: this.accepted, value: this.acceptedValue });
    this.localPreemption(m.ballot);
  }

  /**
   * A proposer sharing its node with an acceptor sees a higher ballot promised there at
   * once: its own ballot can no longer win a majority that includes this acceptor, so it
   * abandons it now rather than wait for a nack (§2.3's "abandon its proposal").
   */
  private localPreemption(b: Ballot): void {
    if (!this.isProposer || b.node === this.ctx.id || !ballotLess(this.ballot, b)) return;
    if (b.round > this.seenRound) this.seenRound = b.round;
    if (this.phase === 'prepare' || this.phase === 'accept') this.preempted('local');
  }

  /** Phase 2b: accept unless a higher ballot was promised (P1a); durable, then tell the proposer and every learner. */
  private onAccept(from: NodeId, m: AcceptMsg): void {
    if (ballotLess(m.ballot, this.promised)) {
      this.ctx.send(from, { type: 'nack', ballot: m.ballot, promised: this.promised });
      return;
    }
    const again = ballotEqual(m.ballot, this.accepted) && m.value === this.acceptedValue;
    if (!again) {
      this.promised = m.ballot;
      this.accepted = m.ballot;
      this.acceptedValue = m.value;
      this.persist();
      this.ctx.note('accept', acceptNote, m.ballot, m.value);
    }
    const reply: AcceptedMsg = { type: 'accepted', ballot: m.ballot, value: m.value };
    this.ctx.send(from, reply);
    for (const l of this.learners) if (l !== from) this.ctx.send(l, reply);
    this.localPreemption(m.ballot);
  }

  /** §2.4: promised and accepted survive a restart: written and synced before the reply. */
  private persist(): void {
    // Bug `volatile-acceptor`: keep them in memory only; a restart forgets promises and acceptances.
    if (this.ctx.bug('volatile-acceptor')) return;
    const s: AcceptorState = Object.freeze({ promised: this.promised, accepted: this.accepted, value: this.acceptedValue });
    this.ctx.storage.put(ACCEPTOR_KEY, s);
    this.ctx.storage.sync();
  }

  // ---------------------------------------------------------------------------------
  // Proposer (§2.2 "Phase 1" and "Phase 2"; §2.4 progress)

  /** Phase 1a: a ballot above every round this node used (durable) or saw; synced before the prepare goes out. */
  startBallot(): void {
    const round = Math.max(this.round, this.seenRound) + 1;
    this.round = round;
    this.ctx.storage.put(PROPOSER_KEY, Object.freeze({ round }) satisfies ProposerState);
    this.ctx.storage.sync();
    this.ballot = { round, node: this.ctx.id };
    this.ownValue ??= `v-n${this.ctx.id + 1}-${round}`;
    this.phase = 'prepare';
    this.proposal = null;
    this.promises.clear();
    this.acks.clear();
    this.ctx.note('prepare', ballotNote, this.ballot);
    const msg: PrepareMsg = { type: 'prepare', ballot: this.ballot };
    for (const a of this.acceptors) this.ctx.send(a, msg);
    this.ctx.setTimer('phase', this.opts.phaseTimeoutUs);
  }

  private onPromise(from: NodeId, m: PromiseMsg): void {
    if (this.phase !== 'prepare' || !ballotEqual(m.ballot, this.ballot) || this.promises.has(from)) return;
    this.promises.set(from, m);
    if (!this.quorum(this.promises.size)) return;
    // P2c: the value of the highest-numbered proposal among the promises, else our own.
    let best: PromiseMsg | undefined;
    for (const p of this.promises.values()) {
      if (p.value !== null && (best === undefined || compareBallots(p.accepted, best.accepted) > 0)) best = p;
    }
    // Bug `ignore-accepted`: propose our own value whatever the promises report.
    const adopt = best !== undefined && !this.ctx.bug('ignore-accepted');
    const value = adopt ? best!.value! : this.ownValue!;
    this.proposal = value;
    this.phase = 'accept';
    this.ctx.note('propose', proposeNote, this.ballot, value, adopt);
    const msg: AcceptMsg = { type: 'accept', ballot: this.ballot, value };
    for (const a of this.acceptors) this.ctx.send(a, msg);
    this.ctx.setTimer('phase', this.opts.phaseTimeoutUs);
  }

  private onAcceptedByProposer(from: NodeId, m: AcceptedMsg): void {
    if (this.phase !== 'accept' || !ballotEqual(m.ballot, this.ballot) || m.value !== this.proposal) return;
    this.acks.add(from);
    if (!this.quorum(this.acks.size)) return;
    // A majority accepted (ballot, value): it is chosen (§2.3), and this proposer knows it.
    this.phase = 'decided';
    this.decided = m.value;
    this.ctx.cancelTimer('phase');
    this.ctx.note('decide', valueNote, this.ballot, m.value);
  }

  private onNack(m: NackMsg): void {
    if (m.promised.round > this.seenRound) this.seenRound = m.promised.round;
    if ((this.phase === 'prepare' || this.phase === 'accept') && ballotEqual(m.ballot, this.ballot)) this.preempted('nack');
  }

  /**
   * §2.4: two proposers that keep pre-empting each other make no progress; a pre-empted
   * proposer waits a randomised, growing time before its next ballot, so one of them gets
   * through. Bug `no-backoff`: retry at once.
   */
  private preempted(why: 'nack' | 'timeout' | 'local'): void {
    this.attempts += 1;
    this.ctx.cancelTimer('phase');
    this.ctx.note('preempted', preemptedNote, this.ballot, why);
    if (this.ctx.bug('no-backoff')) {
      this.startBallot();
      return;
    }
    this.phase = 'backoff';
    const [min, max] = this.opts.backoffUs;
    const scale = 2 ** Math.min(this.attempts - 1, 3);
    this.ctx.setTimer('backoff', this.ctx.random.int(min, max) * scale);
  }

  // ---------------------------------------------------------------------------------
  // Learner (§2.3: a value is chosen once a majority of acceptors accepted it at one ballot)

  private onAcceptedByLearner(from: NodeId, m: AcceptedMsg): void {
    if (this.learned !== null || !this.acceptors.includes(from)) return;
    const key = ballotKey(m.ballot);
    let h = this.heard.get(key);
    if (h === undefined) this.heard.set(key, (h = { value: m.value, from: new Set() }));
    // One ballot, one value (one proposer per ballot): a second value is the invariants' to judge.
    if (h.value !== m.value) return;
    h.from.add(from);
    if (!this.quorum(h.from.size)) return;
    this.learned = m.value;
    this.learnedAt = m.ballot;
    this.heard.clear();
    this.ctx.cancelTimer('poll');
    this.ctx.note('learn', valueNote, m.ballot, m.value);
  }
}
