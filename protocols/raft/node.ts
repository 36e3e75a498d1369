// One Raft server (Ongaro & Ousterhout, "In Search of an Understandable Consensus
// Algorithm", 2014; section numbers below are the paper's, "thesis" is Ongaro's 2014
// dissertation). Sans-IO: every effect goes through the NodeContext. The instance's
// fields are the volatile state; currentTerm, votedFor, the snapshot and the log above it
// (§7 log compaction) are also written to ctx.storage (synced before any message that
// depends on them is sent), and onStart rebuilds them from there.
//
// Each named bug variant is checked at the one place it lives (search for ctx.bug).
import type { Actor, ClientRequest, ClientResponse, NodeContext, NodeId } from '../../sim/types.js';
import { assert, AssertionError } from '../../sim/types.js';
import { KvStore, type StateMachine } from './kv.js';
import { installSnapshot, setSnapshotBase, takeSnapshot } from './compaction.js';
import { applyNote, commitNote, leaderNote, roleNote, voteNote } from './notes.js';
import type { RaftOptions } from './options.js';
import {
  HARD_STATE_KEY,
  NONE,
  SENTINEL,
  SNAPSHOT_KEY,
  noopEntry,
  type AppendMsg,
  type AppendReplyMsg,
  type Entry,
  type HardState,
  type RaftMsg,
  type Role,
  type Snapshot,
  type SnapshotMsg,
  type SnapshotReplyMsg,
  type VoteMsg,
  type VoteReplyMsg,
} from './types.js';

const EMPTY: readonly Entry[] = Object.freeze([]);

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
  private readonly granted: boolean[];
  private grantedCount = 0;
  // Leaders (§5.3): matchIndex is acknowledged. nextIndex is optimistic (advanced as
  // entries are sent) while a peer replicates; after a rejection the peer is probed: one
  // batch from nextIndex per reply or heartbeat, nextIndex unchanged until it matches.
  readonly nextIndex: number[];
  readonly matchIndex: number[];
  readonly probing: boolean[];
  /** CheckQuorum: peers heard from since the last check. */
  private readonly active: boolean[];
  private activeCount = 0;
  /** Leader: client requests waiting for their entry to be applied, by log index. */
  private readonly pending = new Map<number, ClientRequest>();
  /** Leader: log index of each client's pending (clientId, seq), so a retry does not append twice. */
  private readonly pendingByClient = new Map<number, number>();
  /** Local clock time when a leader was last heard from (leader lease for PreVote / CheckQuorum). */
  private lastLeaderContactUs = 0;
  /**
   * The election timer is armed once per timeout, not re-armed by every AppendEntries: a
   * contact only sets `contactSinceArmed`, and when the timer fires with a contact since, it
   * is re-armed for what remains of the timeout after the last contact (etcd's ticks work
   * the same way: heartbeats reset a counter, not a timer).
   */
  private electionTimeoutUs = 0;
  /** AppendEntries replies held back by the delay-append-reply fault point, sent in order. */
  private delayedReplies: Array<{ to: NodeId; reply: AppendReplyMsg }> = [];
  private contactSinceArmed = false;
  private readonly majority: number;
  private readonly preVote: boolean;
  /** CheckQuorum's stickiness: ignore higher-term RequestVotes while a leader is known live (thesis §4.2.3). */
  private readonly sticky: boolean;

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
    this.resetElectionTimer();
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
        if (this.preVote) this.becomePreCandidate();
        else this.becomeCandidate();
        return;
      case 'heartbeat':
        if (this.role === 'leader') {
          // A leader that misses a beat (a GC pause, a busy thread): followers may time out.
          if (!this.ctx.buggify('skip-heartbeat')) this.broadcastAppend();
        } else if (this.role === 'candidate' || this.role === 'pre-candidate') this.requestVotes(true);
        else return;
        this.ctx.setTimer('heartbeat', this.opts.heartbeatUs);
        return;
      case 'check-quorum':
        if (this.role !== 'leader') return;
        // Thesis §6.2: a leader that has not heard from a majority within an election timeout steps down.
        if (this.activeCount + 1 < this.majority) {
          this.becomeFollower(this.term, NONE);
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
        return this.onVote(from, msg);
      case 'vote-reply':
        return this.onVoteReply(from, msg);
      case 'append':
        return this.onAppend(from, msg);
      case 'append-reply':
        return this.onAppendReply(from, msg);
      case 'snapshot':
        return this.onSnapshot(from, msg);
      case 'snapshot-reply':
        return this.onSnapshotReply(from, msg);
    }
  }

  summary(): Record<string, unknown> {
    return {
      role: this.role,
      term: this.term,
      commitIndex: this.commitIndex,
      lastLogIndex: this.lastIndex,
      snapshotIndex: this.snapIndex,
      leader: this.leader === NONE ? null : this.leader,
    };
  }

  // ---------------------------------------------------------------------------------
  // Roles

  private becomeFollower(term: number, leader: NodeId): void {
    assert(term >= this.term, 'terms never go back');
    const changed = term !== this.term || this.role !== 'follower';
    if (term > this.term) {
      this.term = term;
      this.votedFor = NONE;
      this.persistHardState();
    }
    if (this.role === 'leader') this.dropPending();
    if (this.role !== 'follower') {
      this.ctx.cancelTimer('heartbeat');
      this.ctx.cancelTimer('check-quorum');
    }
    this.role = 'follower';
    this.leader = leader;
    this.resetElectionTimer();
    if (changed) this.ctx.note('role', roleNote, 'follower', this.term);
  }

  /** Thesis §9.6: ask whether we could win before disturbing anyone with a higher term. */
  private becomePreCandidate(): void {
    this.role = 'pre-candidate';
    this.ctx.note('role', roleNote, 'pre-candidate', this.term);
    this.startRound();
  }

  /** §5.2: increment the term, vote for ourselves, ask everyone. */
  private becomeCandidate(): void {
    this.term += 1;
    this.votedFor = this.ctx.id;
    this.persistHardState();
    this.ctx.note('vote', voteNote, this.term, this.ctx.id);
    this.role = 'candidate';
    this.leader = NONE;
    this.ctx.note('role', roleNote, 'candidate', this.term);
    this.startRound();
  }

  private startRound(): void {
    this.granted.fill(false);
    this.granted[this.ctx.id] = true;
    this.grantedCount = 1;
    this.resetElectionTimer();
    if (this.grantedCount >= this.majority) {
      this.roundWon();
      return;
    }
    this.requestVotes(false);
    this.ctx.setTimer('heartbeat', this.opts.heartbeatUs);
  }

  private roundWon(): void {
    if (this.role === 'pre-candidate') this.becomeCandidate();
    else this.becomeLeader();
  }

  private becomeLeader(): void {
    assert(this.role === 'candidate', 'only a candidate becomes leader');
    assert(this.votedFor === this.ctx.id, 'a leader voted for itself in its term');
    this.role = 'leader';
    this.leader = this.ctx.id;
    this.ctx.cancelTimer('election');
    this.ctx.note('become-leader', leaderNote, this.term);
    this.ctx.note('role', roleNote, 'leader', this.term);
    const next = this.lastIndex + 1;
    this.nextIndex.fill(next);
    this.matchIndex.fill(0);
    this.probing.fill(true);
    this.clearActive();
    // §8: a no-op at term start lets the leader commit (and learn) everything before it.
    this.appendLocal(noopEntry(this.term));
    this.broadcastAppend();
    this.maybeCommit();
    this.ctx.setTimer('heartbeat', this.opts.heartbeatUs);
    if (this.opts.checkQuorum) this.ctx.setTimer('check-quorum', this.opts.electionTimeoutUs[1]);
  }

  private resetElectionTimer(): void {
    const [min, max] = this.opts.electionTimeoutUs;
    this.electionTimeoutUs = this.ctx.random.int(min, max);
    this.contactSinceArmed = false;
    // An impatient follower: this one timer fires early (more split votes, more elections). Only
    // this arming: the timeout itself stays, so nothing of it outlives the faults phase.
    const armUs = this.ctx.buggify('short-election-timeout') ? Math.max(1, Math.floor(min / 4)) : this.electionTimeoutUs;
    this.ctx.setTimer('election', armUs);
  }

  /** Has a live leader been heard from within the minimum election timeout (or are we it)? */
  private inLease(): boolean {
    if (this.role === 'leader') return true;
    if (this.leader === NONE) return false;
    const elapsed = this.ctx.now() - this.lastLeaderContactUs;
    return elapsed >= 0 && elapsed < this.opts.electionTimeoutUs[0];
  }

  // ---------------------------------------------------------------------------------
  // Elections (§5.2, §5.4.1; PreVote thesis §9.6)

  private requestVotes(retry: boolean): void {
    const pre = this.role === 'pre-candidate';
    const msg: VoteMsg = { type: 'vote', term: pre ? this.term + 1 : this.term, pre, lastIndex: this.lastIndex, lastTerm: this.lastTerm };
    for (const p of this.ctx.peers) if (!retry || !this.granted[p]) this.ctx.send(p, msg);
  }

  /** §5.4.1: the candidate's log is at least as up-to-date as ours. */
  logUpToDate(lastTerm: number, lastIndex: number): boolean {
    const myTerm = this.lastTerm;
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex);
  }

  private onVote(from: NodeId, m: VoteMsg): void {
    if (m.pre) {
      // A pre-vote never changes our state. Grant only when we would vote in that term and
      // have not heard from a leader lately.
      const grant = m.term > this.term && !this.inLease() && this.logUpToDate(m.lastTerm, m.lastIndex);
      this.ctx.send(from, { type: 'vote-reply', term: grant ? m.term : this.term, pre: true, granted: grant });
      return;
    }
    if (m.term > this.term) {
      if (this.sticky && this.inLease()) return; // ignore a disruptive candidate: the leader is alive
      this.becomeFollower(m.term, NONE);
    }
    let grant = false;
    if (m.term === this.term && (this.votedFor === NONE || this.votedFor === from) && this.logUpToDate(m.lastTerm, m.lastIndex)) {
      grant = true;
      if (this.votedFor !== from) {
        this.votedFor = from;
        this.persistHardState();
      }
      // Every grant (a retried request is granted again, to the same candidate); pre-votes are not votes.
      this.ctx.note('vote', voteNote, this.term, from);
      this.resetElectionTimer();
    }
    this.ctx.send(from, { type: 'vote-reply', term: this.term, pre: false, granted: grant });
  }

  private onVoteReply(from: NodeId, m: VoteReplyMsg): void {
    if (m.pre) {
      if (this.role !== 'pre-candidate') return;
      if (m.granted) {
        if (m.term === this.term + 1) this.countVote(from);
      } else if (m.term > this.term) {
        this.becomeFollower(m.term, NONE);
      }
      return;
    }
    if (m.term > this.term) {
      this.becomeFollower(m.term, NONE);
      return;
    }
    if (m.term === this.term && this.role === 'candidate' && m.granted) this.countVote(from);
  }

  private countVote(from: NodeId): void {
    if (this.granted[from]) return;
    this.granted[from] = true;
    this.grantedCount += 1;
    if (this.grantedCount >= this.majority) this.roundWon();
  }

  // ---------------------------------------------------------------------------------
  // Replication, follower side (§5.3)

  /** The term checks of AppendEntries and InstallSnapshot: false when the sender is a stale leader (or we lead this term). */
  private hearLeader(from: NodeId, term: number): boolean {
    if (term < this.term) return false;
    if (term > this.term || this.role !== 'follower') {
      // Two leaders in one term happen only when election safety is already broken (a bug
      // variant); the election-safety invariant reports it. Keep leading.
      if (this.role === 'leader' && term === this.term) return false;
      this.becomeFollower(term, from);
    }
    this.leader = from;
    this.lastLeaderContactUs = this.ctx.now();
    this.contactSinceArmed = true;
    return true;
  }

  private onAppend(from: NodeId, m: AppendMsg): void {
    if (!this.hearLeader(from, m.term)) {
      // A stale leader: tell it our term so that it steps down.
      if (m.term < this.term) this.replyAppend(from, false, m.prevIndex, 0, -1, 0);
      return;
    }
    const last = this.lastIndex;
    if (m.prevIndex > last) {
      this.replyAppend(from, false, m.prevIndex, 0, -1, last + 1);
      return;
    }
    // Entries at or below snapIndex are committed and in our snapshot: start the comparison
    // at the boundary, whose term is lastIncludedTerm (§7).
    const entries = m.entries;
    let i = 0;
    let index = m.prevIndex + 1;
    if (m.prevIndex < this.snapIndex) {
      i = Math.min(entries.length, this.snapIndex - m.prevIndex);
      index = m.prevIndex + 1 + i;
    } else {
      const have = this.termAt(m.prevIndex);
      if (have !== m.prevTerm) {
        // Fast backup: name the conflicting term and the first index we hold of it.
        let first = m.prevIndex;
        while (first > this.snapIndex + 1 && this.termAt(first - 1) === have) first--;
        this.replyAppend(from, false, m.prevIndex, 0, have, first);
        return;
      }
    }
    // Skip entries we already hold (a stale or duplicated request must not truncate), then
    // truncate at the first conflict and append the rest.
    while (i < entries.length && index <= last && this.termAt(index) === entries[i].term) {
      i++;
      index++;
    }
    if (i < entries.length) {
      assert(index > this.commitIndex, 'a committed entry is never overwritten');
      this.writeEntries(index, entries, i);
      // Bug `ack-before-persist`: acknowledge now, make it durable at the next 'fsync' tick.
      if (!this.ctx.bug('ack-before-persist')) this.ctx.storage.sync();
    }
    const matched = m.prevIndex + entries.length;
    assert(this.lastIndex >= matched, 'after a successful append we hold everything the leader sent');
    if (m.commit > this.commitIndex) {
      const commit = Math.min(m.commit, matched);
      if (commit > this.commitIndex) {
        this.commitIndex = commit;
        this.applyCommitted();
      }
    }
    this.replyAppend(from, true, m.prevIndex, matched, -1, 0);
  }

  private replyAppend(to: NodeId, success: boolean, prevIndex: number, matchIndex: number, conflictTerm: number, conflictIndex: number): void {
    const reply: AppendReplyMsg = { type: 'append-reply', term: this.term, success, prevIndex, matchIndex, conflictTerm, conflictIndex };
    // A slow disk or a busy follower: the (already durable) answer goes out later.
    if (this.delayedReplies.length > 0 || this.ctx.buggify('delay-append-reply')) {
      if (this.delayedReplies.length === 0) this.ctx.setTimer('delayed-replies', this.ctx.random.int(1_000, this.opts.heartbeatUs));
      this.delayedReplies.push({ to, reply });
      return;
    }
    this.ctx.send(to, reply);
  }

  /** Put entries[from..] at index `at` (truncating whatever is there) in memory and in storage. */
  private writeEntries(at: number, entries: readonly Entry[], from: number): void {
    const st = this.ctx.storage;
    if (at <= this.snapIndex) throw new AssertionError(`raft: a write at ${at}, at or below the snapshot at ${this.snapIndex}`);
    if (at <= this.lastIndex) {
      this.log.length = at - this.snapIndex;
      this.logCuts.push(at);
      st.logTruncate(at - 1);
    }
    for (let i = from; i < entries.length; i++) this.log.push(entries[i]);
    // At `at` explicitly: storage holds what the log holds, even if the log was cut behind its back.
    st.logAppend(entries, from, at - 1);
  }

  /** The leader's own append: durable before it counts itself (§5.3). */
  private appendLocal(e: Entry): number {
    this.writeEntries(this.lastIndex + 1, [e], 0);
    this.ctx.storage.sync();
    return this.lastIndex;
  }

  // ---------------------------------------------------------------------------------
  // Replication, leader side (§5.3, §5.4.2)

  private broadcastAppend(): void {
    for (const p of this.ctx.peers) this.sendAppend(p);
  }

  private sendAppend(p: NodeId): void {
    const next = this.nextIndex[p];
    // §7: the entries it needs are discarded; send the snapshot instead (nextIndex moves on its reply).
    if (next <= this.snapIndex) {
      const snap = this.snapshot!;
      if (!this.ctx.buggify('drop-append')) this.ctx.send(p, { type: 'snapshot', term: this.term, index: snap.index, lastTerm: snap.term, state: snap.state });
      return;
    }
    const prevIndex = next - 1;
    const end = Math.min(this.lastIndex, prevIndex + this.opts.maxAppendEntries);
    const base = this.snapIndex;
    const entries = end > prevIndex ? this.log.slice(next - base, end - base + 1) : EMPTY;
    if (!(prevIndex >= 0 && entries.length <= this.opts.maxAppendEntries)) throw new AssertionError(`AppendEntries from ${next} within maxAppendEntries`);
    const msg: AppendMsg = { type: 'append', term: this.term, prevIndex, prevTerm: this.termAt(prevIndex), entries, commit: this.commitIndex };
    // An in-flight send lost inside the leader (a dropped connection): as if the network lost it.
    if (!this.ctx.buggify('drop-append')) this.ctx.send(p, msg);
    if (!this.probing[p]) this.nextIndex[p] = end + 1;
  }

  /**
   * A reply to this leader's AppendEntries or InstallSnapshot: a newer term turns it into a
   * follower; a stale term, or no longer leading, ignores it. Otherwise the peer counts as
   * active and the reply is the current term's (true).
   */
  private currentReply(from: NodeId, term: number): boolean {
    if (term > this.term) {
      this.becomeFollower(term, NONE);
      return false;
    }
    if (term < this.term || this.role !== 'leader') return false;
    if (!this.active[from]) {
      this.active[from] = true;
      this.activeCount += 1;
    }
    return true;
  }

  private onAppendReply(from: NodeId, m: AppendReplyMsg): void {
    if (!this.currentReply(from, m.term)) return;
    if (m.success) {
      if (m.matchIndex > this.matchIndex[from]) {
        this.matchIndex[from] = m.matchIndex;
        if (m.matchIndex > this.commitIndex) this.maybeCommit();
      }
      if (this.nextIndex[from] <= m.matchIndex || this.probing[from]) this.nextIndex[from] = Math.max(this.nextIndex[from], m.matchIndex + 1);
      this.probing[from] = false;
      if (this.nextIndex[from] <= this.lastIndex && this.role === 'leader') this.sendAppend(from);
      return;
    }
    // Stale: below what the peer already acknowledged, or not the probe we are waiting for.
    if (m.prevIndex < this.matchIndex[from]) return;
    if (this.probing[from] && m.prevIndex !== this.nextIndex[from] - 1) return;
    this.probing[from] = true;
    this.nextIndex[from] = this.backedUpNext(from, m);
    this.sendAppend(from);
  }

  /** Fast backup (§5.3, last paragraphs): skip a whole conflicting term per round trip. */
  backedUpNext(from: NodeId, m: AppendReplyMsg): number {
    let next = m.conflictIndex;
    if (m.conflictTerm >= 0) {
      let i = Math.min(m.prevIndex, this.lastIndex);
      while (i > this.snapIndex && this.termAt(i) > m.conflictTerm) i--;
      if (i > this.snapIndex && this.termAt(i) === m.conflictTerm) next = i + 1;
    }
    next = Math.max(1, Math.min(next, this.lastIndex + 1));
    // The follower no longer holds what it acknowledged: only when acks run ahead of
    // durability (the ack-before-persist variant) and it restarted. Re-learn from there.
    if (next <= this.matchIndex[from]) this.matchIndex[from] = next - 1;
    return next;
  }

  /** §5.3/§5.4.2: commit the highest index stored on a majority, if it is from the current term. */
  private maybeCommit(): void {
    // The highest index that a majority (the leader included) holds: the largest match
    // value with at least `majority` values >= it. Clusters are small: O(n^2), no sort.
    const m = this.matchIndex;
    const self = this.ctx.id;
    const last = this.lastIndex;
    let n = 0;
    for (let i = 0; i < m.length; i++) {
      const v = i === self ? last : m[i];
      if (v <= n || v <= this.commitIndex) continue;
      let count = 0;
      for (let j = 0; j < m.length; j++) if ((j === self ? last : m[j]) >= v) count++;
      if (count >= this.majority) n = v;
    }
    if (n <= this.commitIndex) return;
    // Bug `figure-8`: count replicas of an earlier term's entry as committing it.
    if (this.termAt(n) !== this.term && !this.ctx.bug('figure-8')) return;
    for (let i = this.commitIndex + 1; i <= n; i++) this.ctx.note('commit', commitNote, i, this.termAt(i));
    this.commitIndex = n;
    this.applyCommitted();
  }

  // ---------------------------------------------------------------------------------
  // State machine and clients

  private applyCommitted(): void {
    this.applyThrough(this.commitIndex);
    const every = this.opts.snapshotEvery;
    if (every > 0 && this.lastApplied - this.snapIndex >= every) {
      // Bug `snapshot-uncommitted`: snapshot the whole log, applying its uncommitted tail first.
      if (this.ctx.bug('snapshot-uncommitted')) this.applyThrough(this.lastIndex);
      this.takeSnapshot(this.lastApplied);
    }
  }

  private applyThrough(upto: number): void {
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
    const index = this.appendLocal(e);
    this.pending.set(index, req);
    this.pendingByClient.set(req.clientId, index);
    // Peers that have been sent everything before this entry get it now; the rest catch up
    // through replies and heartbeats.
    for (const p of this.ctx.peers) if (this.nextIndex[p] === index) this.sendAppend(p);
    this.maybeCommit();
  }

  // ---------------------------------------------------------------------------------
  // Log compaction (§7)

  /** Snapshot the state machine at `index` (= lastApplied): see ./compaction.ts. */
  private takeSnapshot(index: number): void {
    takeSnapshot(this, index);
  }

  /** InstallSnapshot, follower side (§7, Fig. 13). */
  private onSnapshot(from: NodeId, m: SnapshotMsg): void {
    if (!this.hearLeader(from, m.term)) {
      if (m.term < this.term) this.ctx.send(from, { type: 'snapshot-reply', term: this.term, index: 0 });
      return;
    }
    // A snapshot of what we have committed already (a stale or duplicated message): nothing
    // to install; lastApplied never moves back, nor the state machine with it.
    if (m.index <= this.commitIndex) {
      this.ctx.send(from, { type: 'snapshot-reply', term: this.term, index: m.index });
      return;
    }
    installSnapshot(this, m);
    this.ctx.send(from, { type: 'snapshot-reply', term: this.term, index: m.index });
  }

  /** InstallSnapshot, leader side: the follower holds everything through `index`. */
  private onSnapshotReply(from: NodeId, m: SnapshotReplyMsg): void {
    if (!this.currentReply(from, m.term)) return;
    if (m.index > this.matchIndex[from]) {
      this.matchIndex[from] = m.index;
      if (m.index > this.commitIndex) this.maybeCommit();
    }
    if (this.nextIndex[from] <= m.index) {
      this.nextIndex[from] = m.index + 1;
      this.probing[from] = false;
      if (this.role === 'leader' && this.nextIndex[from] <= this.lastIndex) this.sendAppend(from);
    }
  }

  private dropPending(): void {
    // The clients time out and retry elsewhere; sessions make the retry safe.
    this.pending.clear();
    this.pendingByClient.clear();
  }

  // ---------------------------------------------------------------------------------
  // Persistence

  /** currentTerm and votedFor, durable before any vote or message of this term (Fig. 2). */
  private persistHardState(): void {
    // Bug `volatile-vote`: keep them in memory only; a restart forgets the vote.
    if (this.ctx.bug('volatile-vote')) return;
    const hs: HardState = Object.freeze({ term: this.term, votedFor: this.votedFor });
    this.ctx.storage.put(HARD_STATE_KEY, hs);
    this.ctx.storage.sync();
  }

  private clearActive(): void {
    this.active.fill(false);
    this.activeCount = 0;
  }
}
