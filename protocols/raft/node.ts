// One Raft server (Ongaro & Ousterhout, "In Search of an Understandable Consensus
// Algorithm", 2014; section numbers below are the paper's, "thesis" is Ongaro's 2014
// dissertation). Sans-IO: every effect goes through the NodeContext. The instance's
// fields are the volatile state; currentTerm, votedFor, the snapshot and the log above it
// (§7 log compaction) are also written to ctx.storage (synced before any message that
// depends on them is sent), and onStart rebuilds them from there.
//
// By concern: this file holds the state, the lifecycle and timers, message dispatch, the
// state machine and clients, and persistence; ./elections.ts the roles and votes;
// ./replication.ts AppendEntries, InstallSnapshot's messages and the commit rule;
// ./compaction.ts the snapshots. Fields the other files use are not `private`, but they
// belong to this folder: nothing outside protocols/raft/ reads or writes them.
//
// Each named bug variant is checked at the one place it lives (search for ctx.bug).
import type { Actor, ClientRequest, ClientResponse, NodeContext, NodeId } from '../../sim/types.js';
import { assert, AssertionError } from '../../sim/types.js';
import { KvStore, type StateMachine } from './kv.js';
import { setSnapshotBase, takeSnapshot } from './compaction.js';
import { becomeCandidate, becomeFollower, becomePreCandidate, onVote, onVoteReply, requestVotes, resetElectionTimer } from './elections.js';
import { applyNote, roleNote } from './notes.js';
import type { RaftOptions } from './options.js';
import { appendLocal, broadcastAppend, maybeCommit, onAppend, onAppendReply, onSnapshot, onSnapshotReply, sendAppend } from './replication.js';
import { HARD_STATE_KEY, NONE, SENTINEL, SNAPSHOT_KEY, type AppendReplyMsg, type Entry, type HardState, type RaftMsg, type Role, type Snapshot } from './types.js';

/** SM: the replicated state machine (default the KV store; protocols/lock/ plugs in its own). */
export class RaftNode<SM extends StateMachine = KvStore> implements Actor<RaftMsg> {
  // Persistent state (mirrored in ctx.storage).
  term = 0;
  votedFor: NodeId = NONE;
  /**
   * The log from lastIncludedIndex on (§7): log[0] is the sentinel (nothing compacted yet) or
   * the snapshot's base entry (its term only); log[i] is the entry at index snapIndex + i.
   * Indices everywhere else are absolute: read entries through entryAt and termAt.
   */
  readonly log: Entry[] = [SENTINEL];
  /** lastIncludedIndex and lastIncludedTerm of the snapshot (0, 0 before any). */
  snapIndex = 0;
  snapTerm = 0;
  /** The snapshot itself (durable under SNAPSHOT_KEY), sent to followers behind it. */
  snapshot: Snapshot | null = null;
  /**
   * Ghost bookkeeping for incremental invariants, never read by the protocol: the length the
   * log was cut to at each truncation, in order (appends only extend it). Every change to
   * `log` other than an append goes through writeEntries, which records it here.
   */
  readonly logCuts: number[] = [];

  // Volatile state.
  role: Role = 'follower';
  leader: NodeId = NONE;
  commitIndex = 0;
  lastApplied = 0;
  readonly kv: SM;

  // Candidates and pre-candidates: who granted this round.
  readonly granted: boolean[];
  grantedCount = 0;
  // Leaders (§5.3): matchIndex is acknowledged. nextIndex is optimistic (advanced as
  // entries are sent) while a peer replicates; after a rejection the peer is probed: one
  // batch from nextIndex per reply or heartbeat, nextIndex unchanged until it matches.
  readonly nextIndex: number[];
  readonly matchIndex: number[];
  readonly probing: boolean[];
  /** CheckQuorum: peers heard from since the last check. */
  readonly active: boolean[];
  activeCount = 0;
  /** Leader: client requests waiting for their entry to be applied, by log index. */
  readonly pending = new Map<number, ClientRequest>();
  /** Leader: log index of each client's pending (clientId, seq), so a retry does not append twice. */
  readonly pendingByClient = new Map<number, number>();
  /** Local clock time when a leader was last heard from (leader lease for PreVote / CheckQuorum). */
  lastLeaderContactUs = 0;
  /**
   * The election timer is armed once per timeout, not re-armed by every AppendEntries: a
   * contact only sets `contactSinceArmed`, and when the timer fires with a contact since, it
   * is re-armed for what remains of the timeout after the last contact (etcd's ticks work
   * the same way: heartbeats reset a counter, not a timer).
   */
  electionTimeoutUs = 0;
  /** AppendEntries replies held back by the delay-append-reply fault point, sent in order. */
  delayedReplies: Array<{ to: NodeId; reply: AppendReplyMsg }> = [];
  contactSinceArmed = false;
  readonly majority: number;
  readonly preVote: boolean;
  /** CheckQuorum's stickiness: ignore higher-term RequestVotes while a leader is known live (thesis §4.2.3). */
  readonly sticky: boolean;

  constructor(
    readonly ctx: NodeContext<RaftMsg>,
    readonly opts: RaftOptions,
    machine?: SM,
  ) {
    const n = ctx.nodes.length;
    this.majority = Math.floor(n / 2) + 1;
    this.granted = new Array<boolean>(n).fill(false);
    this.nextIndex = new Array<number>(n).fill(1);
    this.matchIndex = new Array<number>(n).fill(0);
    this.probing = new Array<boolean>(n).fill(true);
    this.active = new Array<boolean>(n).fill(false);
    // Bug `no-dedup`: no session table, so a retried command is applied again.
    this.kv = machine ?? (new KvStore(!ctx.bug('no-dedup')) as StateMachine as SM);
    // Bug `no-prevote`: no PreVote, and no CheckQuorum stickiness, so a node that cannot
    // hear the leader raises the term and deposes it.
    const noPreVote = ctx.bug('no-prevote');
    this.preVote = opts.preVote && !noPreVote;
    this.sticky = opts.checkQuorum && !noPreVote;
  }

  get lastIndex(): number {
    return this.snapIndex + this.log.length - 1;
  }

  /** The entry at absolute `index`; undefined when compacted (below snapIndex) or past the end; the base at snapIndex. */
  entryAt(index: number): Entry | undefined {
    return index < this.snapIndex ? undefined : this.log[index - this.snapIndex];
  }

  /** The term at `index` (snapIndex..lastIndex). */
  termAt(index: number): number {
    const e = this.entryAt(index);
    if (e === undefined) throw new AssertionError(`raft: term of index ${index} outside the log ${this.snapIndex}..${this.lastIndex}`);
    return e.term;
  }

  get lastTerm(): number {
    return this.log[this.log.length - 1].term;
  }

  // ---------------------------------------------------------------------------------
  // Lifecycle

  onStart(): void {
    const st = this.ctx.storage;
    const hs = st.get<HardState>(HARD_STATE_KEY);
    // §7: the state machine from the snapshot; only the entries above it are applied again.
    const snap = st.get<Snapshot>(SNAPSHOT_KEY);
    if (snap !== undefined) {
      this.kv.restore(snap.state);
      setSnapshotBase(this, snap);
      this.commitIndex = this.lastApplied = snap.index;
    }
    // The storage log holds entry i at i-1 (no sentinel); it starts at or below the snapshot
    // (the snapshot is synced before the prefix is discarded).
    const length = st.logLength;
    if (st.logStart > this.snapIndex) throw new AssertionError(`raft: the storage log starts at ${st.logStart}, above the snapshot at ${this.snapIndex}`);
    for (let i = this.snapIndex; i < length; i++) this.log.push(st.logAt<Entry>(i) as Entry);
    // The term is never below the last entry's term (it only can be when it was not persisted: volatile-vote).
    this.term = Math.max(hs?.term ?? 0, this.lastTerm);
    this.votedFor = hs !== undefined && hs.term === this.term ? hs.votedFor : NONE;
    this.ctx.note('role', roleNote, 'follower', this.term);
    resetElectionTimer(this);
    if (this.ctx.bug('ack-before-persist')) this.ctx.setTimer('fsync', this.opts.fsyncIntervalUs);
  }

  onTimer(name: string): void {
    switch (name) {
      case 'election':
        if (this.role === 'leader') return;
        if (this.contactSinceArmed) {
          // Fire electionTimeoutUs after the last contact (clamped: the local clock may jump).
          const remaining = this.electionTimeoutUs - (this.ctx.now() - this.lastLeaderContactUs);
          if (remaining > 0) {
            this.contactSinceArmed = false;
            this.ctx.setTimer('election', Math.min(remaining, this.electionTimeoutUs));
            return;
          }
        }
        this.leader = NONE;
        if (this.preVote) becomePreCandidate(this);
        else becomeCandidate(this);
        return;
      case 'heartbeat':
        if (this.role === 'leader') {
          // A leader that misses a beat (a GC pause, a busy thread): followers may time out.
          if (!this.ctx.buggify('skip-heartbeat')) broadcastAppend(this);
        } else if (this.role === 'candidate' || this.role === 'pre-candidate') requestVotes(this, true);
        else return;
        this.ctx.setTimer('heartbeat', this.opts.heartbeatUs);
        return;
      case 'check-quorum':
        if (this.role !== 'leader') return;
        // Thesis §6.2: a leader that has not heard from a majority within an election timeout steps down.
        if (this.activeCount + 1 < this.majority) {
          becomeFollower(this, this.term, NONE);
          return;
        }
        this.clearActive();
        this.ctx.setTimer('check-quorum', this.opts.electionTimeoutUs[1]);
        return;
      case 'fsync':
        this.ctx.storage.sync();
        this.ctx.setTimer('fsync', this.opts.fsyncIntervalUs);
        return;
      case 'delayed-replies': {
        const replies = this.delayedReplies;
        this.delayedReplies = [];
        for (const r of replies) this.ctx.send(r.to, r.reply);
        return;
      }
      default:
        assert(false, `raft: unknown timer ${name}`);
    }
  }

  onMessage(from: NodeId, msg: RaftMsg): void {
    switch (msg.type) {
      case 'vote':
        return onVote(this, from, msg);
      case 'vote-reply':
        return onVoteReply(this, from, msg);
      case 'append':
        return onAppend(this, from, msg);
      case 'append-reply':
        return onAppendReply(this, from, msg);
      case 'snapshot':
        return onSnapshot(this, from, msg);
      case 'snapshot-reply':
        return onSnapshotReply(this, from, msg);
    }
  }

  summary(): Record<string, unknown> {
    const lastLogIndex = this.lastIndex;
    const leader = this.leader === NONE ? null : this.leader;
    const s = this.shown;
    // Unchanged: the same frozen object again, which the kernel takes as "no new state" at once.
    if (s !== undefined && s.role === this.role && s.term === this.term && s.commitIndex === this.commitIndex && s.lastLogIndex === lastLogIndex && s.snapshotIndex === this.snapIndex && s.leader === leader) return s;
    return (this.shown = Object.freeze({ role: this.role, term: this.term, commitIndex: this.commitIndex, lastLogIndex, snapshotIndex: this.snapIndex, leader }));
  }

  /** The last summary(), returned again while nothing it shows has changed. */
  private shown: Readonly<{ role: Role; term: number; commitIndex: number; lastLogIndex: number; snapshotIndex: number; leader: NodeId | null }> | undefined;

  // ---------------------------------------------------------------------------------
  // Elections (./elections.ts)

  /** §5.4.1: the candidate's log is at least as up-to-date as ours. */
  logUpToDate(lastTerm: number, lastIndex: number): boolean {
    const myTerm = this.lastTerm;
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex);
  }

  // ---------------------------------------------------------------------------------
  // State machine and clients

  applyCommitted(): void {
    this.applyThrough(this.commitIndex);
    const every = this.opts.snapshotEvery;
    if (every > 0 && this.lastApplied - this.snapIndex >= every) {
      // Bug `snapshot-uncommitted`: snapshot the whole log, applying its uncommitted tail first.
      if (this.ctx.bug('snapshot-uncommitted')) this.applyThrough(this.lastIndex);
      takeSnapshot(this, this.lastApplied);
    }
  }

  applyThrough(upto: number): void {
    while (this.lastApplied < upto) {
      const index = ++this.lastApplied;
      const e = this.log[index - this.snapIndex];
      this.ctx.note('apply', applyNote, index, e.term, e.id);
      if (e.op === null) continue;
      const response = this.kv.apply(e);
      if (this.role !== 'leader') continue;
      const req = this.pending.get(index);
      if (req === undefined) continue;
      assert(req.clientId === e.clientId && req.seq === e.seq, 'a pending request waits on its own entry');
      this.pending.delete(index);
      if (this.pendingByClient.get(e.clientId) === index) this.pendingByClient.delete(e.clientId);
      if (response !== undefined) this.ctx.reply(req, response);
    }
  }

  onRequest(req: ClientRequest): void {
    if (this.role !== 'leader') {
      const r: ClientResponse = this.leader === NONE ? { type: 'redirect' } : { type: 'redirect', leader: this.leader };
      this.ctx.reply(req, r);
      return;
    }
    const seen = this.kv.lookup(req.clientId, req.seq);
    if (seen === 'stale') return; // the client has moved on
    if (seen !== undefined) {
      this.ctx.reply(req, seen);
      return;
    }
    const waiting = this.pendingByClient.get(req.clientId);
    if (waiting !== undefined && this.entryAt(waiting)?.seq === req.seq) {
      this.pending.set(waiting, req); // a retry of an entry already in the log: answer when it applies
      return;
    }
    // Bug `local-read`: answer from our own state without confirming we still lead.
    if (req.op.f === 'get' && this.ctx.bug('local-read')) {
      this.ctx.reply(req, this.kv.read(req.op.key ?? ''));
      return;
    }
    const e: Entry = Object.freeze({ term: this.term, id: `c${req.clientId}:${req.seq}`, clientId: req.clientId, seq: req.seq, op: req.op });
    const index = appendLocal(this, e);
    this.pending.set(index, req);
    this.pendingByClient.set(req.clientId, index);
    // Peers that have been sent everything before this entry get it now; the rest catch up
    // through replies and heartbeats.
    for (const p of this.ctx.peers) if (this.nextIndex[p] === index) sendAppend(this, p);
    maybeCommit(this);
  }

  dropPending(): void {
    // The clients time out and retry elsewhere; sessions make the retry safe.
    this.pending.clear();
    this.pendingByClient.clear();
  }

  // ---------------------------------------------------------------------------------
  // Persistence

  /** currentTerm and votedFor, durable before any vote or message of this term (Fig. 2). */
  persistHardState(): void {
    // Bug `volatile-vote`: keep them in memory only; a restart forgets the vote.
    if (this.ctx.bug('volatile-vote')) return;
    const hs: HardState = Object.freeze({ term: this.term, votedFor: this.votedFor });
    this.ctx.storage.put(HARD_STATE_KEY, hs);
    this.ctx.storage.sync();
  }

  clearActive(): void {
    this.active.fill(false);
    this.activeCount = 0;
  }
}
