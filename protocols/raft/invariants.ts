// Raft's safety properties (paper Fig. 3), as stateful invariants fed by ghost notes:
//   become-leader {term}                  election-safety, committed-never-lost, leader-quorum
//   commit {index, term}                  committed-never-lost (noted by the leader, once per index it commits)
//   apply {index, term, command-id}       state-machine-safety
//   role {role, term}                     monotonic-term (emitted on every role or term change, and at start)
//   vote {term, candidate}                vote-once, leader-quorum (every vote granted, a candidate's own included; never a pre-vote)
// log-matching (./log-matching.ts) compares live nodes' logs directly: one pair every
// `logMatchingEveryEvents` events (only above the prefix it proved last time, unless a log
// was cut below it or the node restarted since: RaftNode.logCuts), every pair in full at the
// end. committed-never-lost checks a new leader's log only above the prefix it already
// matched for that incarnation. monotonic-commit and committed-prefix-stable
// (./per-node-checks.ts) and commit-current-term read the changed node's state after every
// event (O(1)); the per-index and per-term records are kept only above the snapshot and term
// floors (./log-view.ts).
import type { ClusterView, Invariant, Note, NodeId } from '../../sim/types.js';
import type { RaftNode } from './node.js';
import type { RaftOptions } from './options.js';
import { entryOf, FORGET_TERMS_EVERY, forgetTermsBelow, IndexWindow, lastOf, nodeName, snapshotFloor, startOf, termFloor } from './log-view.js';
import { LogMatching } from './log-matching.js';
import { CommittedPrefixStable, MonotonicCommit } from './per-node-checks.js';
import { HARD_STATE_KEY, type Entry, type HardState } from './types.js';

export { compareLogs, LogMatching } from './log-matching.js';

type View = ClusterView<RaftNode>;

/**
 * §5.2: at most one leader per term, ever (across crashes, not just at one instant). Terms
 * below the term floor (log-view.ts termFloor: no node can lead in them again) are
 * forgotten, and an election below it is itself reported.
 */
export class ElectionSafety implements Invariant<RaftNode> {
  readonly name = 'election-safety';
  /** The note kinds onNote reads: the kernel hands it no other. */
  readonly notes = ['become-leader'];
  private readonly leaderOf = new Map<number, NodeId>();
  private floor = 0;

  onNote(note: Note, view: View): string | undefined {
    if (note.kind !== 'become-leader') return undefined;
    const term = note.data.term as number;
    if (term < this.floor) return `${nodeName(note.node)} became leader of term ${term}, below ${this.floor}, where every node's term had reached`;
    const prev = this.leaderOf.get(term);
    if (prev === undefined) {
      this.leaderOf.set(term, note.node);
      if (this.leaderOf.size % FORGET_TERMS_EVERY === 0) forgetTermsBelow(this.leaderOf, (this.floor = termFloor(view)));
      return undefined;
    }
    if (prev !== note.node) return `two leaders in term ${term}: ${nodeName(prev)} and ${nodeName(note.node)}`;
    return undefined;
  }

  /** Terms held (bounded: from the term floor up). */
  get held(): number {
    return this.leaderOf.size;
  }
}

/**
 * §5.4.3: no two nodes apply different entries at one index. What was applied is kept per
 * index from the snapshot floor up (log-view.ts snapshotFloor, raised at snapshot notes):
 * a node applies only above its own snapshot, so below every node's snapshot nothing is
 * applied again, and an apply there is itself a violation (a state machine applying an
 * entry its snapshot already holds).
 */
export class StateMachineSafety implements Invariant<RaftNode> {
  readonly name = 'state-machine-safety';
  /** The note kinds onNote reads: the kernel hands it no other. */
  readonly notes = ['apply', 'snapshot-taken', 'snapshot-installed'];
  /** By index - window.base: the term, command id and applying node of the first apply there. */
  private readonly term: number[] = [];
  private readonly id: string[] = [];
  private readonly by: NodeId[] = [];
  private readonly window = new IndexWindow([this.term, this.id, this.by]);

  onNote(note: Note, view: View): string | undefined {
    if (note.kind !== 'apply') {
      if (note.kind === 'snapshot-taken' || note.kind === 'snapshot-installed') this.window.forgetBelow(snapshotFloor(view));
      return undefined;
    }
    const index = note.data.index as number;
    const term = note.data.term as number;
    const id = note.data['command-id'] as string;
    const slot = index - this.window.base;
    if (slot < 0) {
      return `${nodeName(note.node)} applied index ${index} (${id}, term ${term}) below ${this.window.base}, where every node's snapshot had reached: its state machine already held that entry`;
    }
    const seen = this.term[slot];
    if (seen === undefined) {
      this.term[slot] = term;
      this.id[slot] = id;
      this.by[slot] = note.node;
      return undefined;
    }
    if (seen !== term || this.id[slot] !== id) {
      return (
        `index ${index} applied as ${this.id[slot]} (term ${seen}) on ${nodeName(this.by[slot])} ` +
        `and as ${id} (term ${term}) on ${nodeName(note.node)}`
      );
    }
    return undefined;
  }

  /** Indexes held (bounded: from the snapshot floor to the highest applied). */
  get held(): number {
    return this.window.held;
  }
}

/**
 * §5.4 Leader Completeness: an entry committed in term T is in the log of every leader of
 * a term above T. ("Committed in term T": by the leader of term T, which is the only node
 * that notes commits; a leader of an older term may still be elected afterwards, with
 * votes cast in its term, and it may lack the entry: that is allowed, it cannot commit.)
 */
export class CommittedNeverLost implements Invariant<RaftNode> {
  readonly name = 'committed-never-lost';
  /** The note kinds onNote reads: the kernel hands it no other. */
  readonly notes = ['commit', 'become-leader', 'snapshot-taken', 'snapshot-installed'];
  // Per index from window.base up (slot index - window.base): below every node's snapshot
  // (log-view.ts snapshotFloor) no leader is checked and nothing is committed again, so the
  // records there are dropped as the floor rises.
  /** index -> term of the entry committed there. */
  private readonly committed: number[] = [];
  /** index -> the lowest leader term in which it was noted committed. */
  private readonly committedIn: number[] = [];
  /** index -> the committed entry itself, from the noting leader's log (entries are shared by reference: a cheap first comparison). */
  private readonly committedEntry: Array<Entry | undefined> = [];
  private readonly window = new IndexWindow([this.committed, this.committedIn, this.committedEntry]);
  /** committedEntry holds nothing below this index: dropped as snapshots pass it (the term comparison remains), so compacted entries are not kept alive here. */
  private entriesFrom = 1;
  /** node -> the term it last became leader of. */
  private readonly leaderTerm: number[] = [];
  private highest = 0;
  /**
   * node -> what its last check proved of that incarnation's log: every index 1..upto is in
   * the log and holds the committed term where one is known. Lowered by a cut (logCuts) and
   * by a first commit note at or below it.
   */
  private readonly matched: Array<{ actor: RaftNode; cuts: number; upto: number } | undefined> = [];

  onNote(note: Note, view: View): string | undefined {
    if (note.kind === 'snapshot-taken' || note.kind === 'snapshot-installed') {
      const index = note.data.index as number;
      if (index >= this.entriesFrom) {
        const base = this.window.base;
        this.committedEntry.fill(undefined, Math.max(0, this.entriesFrom - base), Math.min(index + 1 - base, this.committedEntry.length));
        this.entriesFrom = index + 1;
      }
      this.window.forgetBelow(snapshotFloor(view));
      return undefined;
    }
    if (note.kind === 'commit') {
      const index = note.data.index as number;
      const term = note.data.term as number;
      const by = this.leaderTerm[note.node] ?? term;
      const slot = index - this.window.base;
      if (slot < 0) {
        return `${nodeName(note.node)} noted index ${index} committed (term ${term}) below ${this.window.base}, where every node's snapshot, its own included, had reached: a snapshot covered it before it was committed`;
      }
      const prev = this.committed[slot];
      if (prev === undefined) {
        this.committed[slot] = term;
        this.committedIn[slot] = by;
        const actor = view.actor(note.node);
        const e = actor === undefined ? undefined : entryOf(actor, index);
        this.committedEntry[slot] = e !== undefined && e.term === term && index >= this.entriesFrom ? e : undefined;
        if (index > this.highest) this.highest = index;
        for (const m of this.matched) if (m !== undefined && m.upto >= index) m.upto = index - 1;
      } else if (prev !== term) {
        return `index ${index} committed with term ${prev}, then ${nodeName(note.node)} committed term ${term} there`;
      } else if (by < this.committedIn[slot]) {
        this.committedIn[slot] = by;
      }
      return undefined;
    }
    if (note.kind === 'become-leader') {
      const term = note.data.term as number;
      this.leaderTerm[note.node] = term;
      const actor = view.actor(note.node);
      if (actor !== undefined) return this.check(actor, term, note.node, 'new leader');
    }
    return undefined;
  }

  atEnd(view: View): string | undefined {
    for (let n = 0; n < view.nodeCount; n++) {
      const a = view.actor(n);
      if (a !== undefined && a.role === 'leader') {
        const bad = this.check(a, a.term, n, 'final leader');
        if (bad) return bad;
      }
    }
    return undefined;
  }

  /** Indexes held (bounded: from the snapshot floor to the highest committed). */
  get held(): number {
    return this.window.held;
  }

  private check(actor: RaftNode, term: number, node: NodeId, who: string): string | undefined {
    const log = actor.log;
    const m = this.proven(actor, node);
    // A snapshot covers only committed entries (snapshot-committed checks that): the prefix
    // through snapIndex counts as held; its boundary entry's term is compared.
    const start = startOf(actor);
    const last = start + log.length - 1;
    if (m !== undefined && m.upto < start - 1) m.upto = start - 1;
    let extending = m !== undefined;
    // The log starts at or above the snapshot floor, so at or above window.base: what it holds is all on record.
    const base = this.window.base;
    for (let i = Math.max(m?.upto ?? 0, start - 1) + 1; i <= this.highest; i++) {
      const slot = i - base;
      const want = slot >= 0 ? this.committed[slot] : undefined;
      const e = i <= last ? log[i - start] : undefined;
      // Nothing to find where the log holds the committed term (or nothing is committed yet).
      if (e !== undefined && (want === undefined || e === this.committedEntry[slot] || e.term === want)) {
        if (extending) m!.upto = i;
        continue;
      }
      extending = false;
      if (want === undefined || this.committedIn[slot] >= term) continue;
      const where = `${who} ${nodeName(node)} (term ${term})`;
      const when = `committed in term ${this.committedIn[slot]}`;
      if (e === undefined) return `${where} lacks entry ${i} (term ${want}, ${when}): its log ends at ${last}`;
      if (e.term !== want) return `${where} has term ${e.term} at index ${i}, where term ${want} was ${when}`;
    }
    return undefined;
  }

  /** What this node's earlier checks proved of its log, brought up to date (undefined: a log without cut records). */
  private proven(actor: RaftNode, node: NodeId): { actor: RaftNode; cuts: number; upto: number } | undefined {
    const cuts = actor.logCuts as readonly number[] | undefined;
    if (cuts === undefined) return undefined;
    const m = this.matched[node];
    if (m === undefined || m.actor !== actor) return (this.matched[node] = { actor, cuts: cuts.length, upto: 0 });
    for (let i = m.cuts; i < cuts.length; i++) if (cuts[i] - 1 < m.upto) m.upto = cuts[i] - 1;
    m.cuts = cuts.length;
    if (m.upto > lastOf(actor)) m.upto = Math.max(0, lastOf(actor));
    return m;
  }
}

/** Fig. 2: currentTerm is durable and never decreases, across restarts too. */
export class MonotonicTerm implements Invariant<RaftNode> {
  readonly name = 'monotonic-term';
  /** The note kinds onNote reads: the kernel hands it no other. */
  readonly notes = ['role'];
  private readonly last: number[] = [];

  onNote(note: Note, view: View): string | undefined {
    if (note.kind !== 'role') return undefined;
    const durable = view.storage(note.node).get<HardState>(HARD_STATE_KEY)?.term ?? 0;
    const prev = this.last[note.node] ?? 0;
    if (durable < prev) return `${nodeName(note.node)}'s durable term went from ${prev} back to ${durable}`;
    this.last[note.node] = durable;
    return undefined;
  }
}


/**
 * commitIndex and lastApplied never go down within one incarnation. Both are volatile in
 * this Raft (onStart rebuilds currentTerm, votedFor, the snapshot and the log from storage;
 * the KV store is restored from the snapshot and rebuilt by applying the log above it), so
 * a restarted node starts again from the snapshot's index (or 0) and is held to nothing its
 * previous incarnation showed. An InstallSnapshot raises both; a stale one must not lower them.
 */
export function monotonicCommit(): Invariant<RaftNode> {
  return new MonotonicCommit();
}

/**
 * No log entry at or below a node's commitIndex is ever removed or replaced (another term,
 * or another command). Within an incarnation that is the node's own commitIndex; across a
 * restart the log is durable (node.ts syncs every log write before it acknowledges or
 * counts it), so the restarted node must still hold every entry it had committed before
 * the crash, at once (its rebuilt log) and afterwards, although its commitIndex starts
 * again from 0: an entry it committed is committed cluster-wide, and no leader asks to
 * overwrite it.
 */
// Entries below a node's snapshot are discarded by design (and covered by snapshot-committed):
// committed-prefix-stable compares from the snapshot's index up. Both are protocols/common's
// helpers (neverDecreases, prefixStable) with Raft's readers inlined: ./per-node-checks.ts.
export function committedPrefixStable(): Invariant<RaftNode> {
  return new CommittedPrefixStable();
}

/**
 * Fig. 2: a node grants its vote to at most one candidate per term, across restarts too
 * (votedFor is durable). A restarted node that forgot its vote (the volatile-vote variant)
 * is caught at its second grant, before any second leader is elected.
 */
export class VoteOnce implements Invariant<RaftNode> {
  readonly name = 'vote-once';
  /** The note kinds onNote reads: the kernel hands it no other. */
  readonly notes = ['vote'];
  /** node -> term -> the candidate it voted for, and in which of its incarnations. */
  private readonly votes: Array<Map<number, { candidate: NodeId; incarnation: number }>> = [];
  private readonly actors: Array<RaftNode | undefined> = [];
  private readonly incarnation: number[] = [];
  /** Terms below it are forgotten (log-view.ts termFloor): no node votes there again. */
  private floor = 0;

  onNote(note: Note, view: View): string | undefined {
    if (note.kind !== 'vote') return undefined;
    const n = note.node;
    const term = note.data.term as number;
    const candidate = note.data.candidate as NodeId;
    const actor = view.actor(n);
    if (actor !== this.actors[n]) {
      this.actors[n] = actor;
      this.incarnation[n] = (this.incarnation[n] ?? 0) + 1;
    }
    if (term < this.floor) return `${nodeName(n)} voted in term ${term}, below ${this.floor}, where every node's term had reached`;
    const mine = (this.votes[n] ??= new Map());
    const prev = mine.get(term);
    if (prev === undefined) {
      mine.set(term, { candidate, incarnation: this.incarnation[n] });
      if (mine.size % FORGET_TERMS_EVERY === 0) {
        this.floor = termFloor(view);
        for (const m of this.votes) if (m !== undefined) forgetTermsBelow(m, this.floor);
      }
      return undefined;
    }
    if (prev.candidate === candidate) return undefined;
    const restarted = prev.incarnation !== this.incarnation[n] ? ' after a restart' : '';
    return `${nodeName(n)} voted twice in term ${term}: for ${nodeName(prev.candidate)}, then${restarted} for ${nodeName(candidate)}`;
  }

  /** Votes held, over all nodes (bounded: from the term floor up). */
  get held(): number {
    let held = 0;
    for (const m of this.votes) held += m?.size ?? 0;
    return held;
  }
}

/** §5.2: every leader's election rests on the votes of a majority of distinct voters for it in its term (its own included). */
export class LeaderQuorum implements Invariant<RaftNode> {
  readonly name = 'leader-quorum';
  /** The note kinds onNote reads: the kernel hands it no other. */
  readonly notes = ['vote', 'become-leader'];
  /** term -> candidate -> the nodes that voted for it in that term; terms below the term floor (log-view.ts termFloor) forgotten. */
  private readonly voters = new Map<number, Map<NodeId, Set<NodeId>>>();
  private floor = 0;

  onNote(note: Note, view: View): string | undefined {
    if (note.kind === 'vote') {
      const term = note.data.term as number;
      const candidate = note.data.candidate as NodeId;
      if (term < this.floor) return `${nodeName(note.node)} voted for ${nodeName(candidate)} in term ${term}, below ${this.floor}, where every node's term had reached`;
      let byCandidate = this.voters.get(term);
      if (byCandidate === undefined) {
        this.voters.set(term, (byCandidate = new Map()));
        if (this.voters.size % FORGET_TERMS_EVERY === 0) forgetTermsBelow(this.voters, (this.floor = termFloor(view)));
      }
      let set = byCandidate.get(candidate);
      if (set === undefined) byCandidate.set(candidate, (set = new Set()));
      set.add(note.node);
      return undefined;
    }
    if (note.kind !== 'become-leader') return undefined;
    const term = note.data.term as number;
    const got = this.voters.get(term)?.get(note.node);
    const count = got?.size ?? 0;
    const majority = Math.floor(view.nodeCount / 2) + 1;
    if (count >= majority) return undefined;
    const who = got === undefined || count === 0 ? 'no one' : [...got].sort((x, y) => x - y).map(nodeName).join(', ');
    return `${nodeName(note.node)} became leader of term ${term} with the votes of ${who} (${count} of ${view.nodeCount}; a majority is ${majority})`;
  }

  /** Terms held (bounded: from the term floor up). */
  get held(): number {
    return this.voters.size;
  }
}

/**
 * commit-current-term (§5.4.2, Figure 8): a leader advances its commit index only to an
 * entry of its own term, counting replicas; earlier terms' entries are committed only
 * indirectly, beneath one of its own. The figure-8 variant breaks this rule the moment it
 * counts an older entry's replicas, long before a later leader overwrites the entry (which
 * is what committed-never-lost sees, and only when faults line up). After every event:
 * per node, the commit index a leader had when it (last) became leader of its term.
 */
class CommitCurrentTerm implements Invariant<RaftNode> {
  readonly name = 'commit-current-term';
  private readonly seen: Array<{ actor: RaftNode; term: number; commit: number } | undefined> = [];
  private size = -1;

  afterEvent(view: ClusterView<RaftNode>): string | undefined {
    const nodes = view.nodeCount;
    const changed = view.changedNode;
    // Only the changed node can differ from what the last check found (ClusterView.changedNode);
    // every node at the first check and after events that may change any.
    if (changed === undefined || nodes !== this.size) {
      this.size = nodes;
      for (let n = 0; n < nodes; n++) {
        const bad = this.node(view, n);
        if (bad !== undefined) return bad;
      }
      return undefined;
    }
    return changed >= 0 ? this.node(view, changed) : undefined;
  }

  private node(view: ClusterView<RaftNode>, n: NodeId): string | undefined {
    const a = view.actor(n);
    if (a === undefined || a.role !== 'leader') {
      this.seen[n] = undefined;
      return undefined;
    }
    const last = this.seen[n];
    if (last === undefined || last.actor !== a || last.term !== a.term) {
      this.seen[n] = { actor: a, term: a.term, commit: a.commitIndex };
      return undefined;
    }
    if (a.commitIndex === last.commit) return undefined;
    const entry = entryOf(a, a.commitIndex);
    last.commit = a.commitIndex;
    if (entry !== undefined && entry.term !== a.term) {
      return `leader n${n + 1} of term ${a.term} advanced its commit index to ${a.commitIndex}, an entry of term ${entry.term}: only an entry of its own term may be committed by counting replicas (§5.4.2)`;
    }
    return undefined;
  }
}

/**
 * §7: a snapshot covers only committed entries. At a snapshot-taken note, its
 * lastIncludedIndex is at most the node's commitIndex; at every snapshot note (taken or
 * installed) its lastIncludedTerm is the term committed at that index, where a leader noted
 * that commit. The snapshot-uncommitted variant fails here at its first snapshot that reaches
 * past the commit index, before any state built from it answers a client.
 */
export class SnapshotCommitted implements Invariant<RaftNode> {
  readonly name = 'snapshot-committed';
  readonly notes = ['commit', 'snapshot-taken', 'snapshot-installed'];
  /** index - window.base -> term committed there; dropped below the snapshot floor (no snapshot is taken or installed there again). */
  private readonly committed: number[] = [];
  private readonly window = new IndexWindow([this.committed]);

  onNote(note: Note, view: View): string | undefined {
    const index = note.data.index as number;
    const term = note.data.term as number;
    const slot = index - this.window.base;
    if (note.kind === 'commit') {
      // (A commit below the floor is committed-never-lost's to report.)
      if (slot >= 0) this.committed[slot] ??= term;
      return undefined;
    }
    const what = note.kind === 'snapshot-taken' ? 'took' : 'installed';
    const commit = note.data['commit-index'] as number;
    if (note.kind === 'snapshot-taken' && index > commit) {
      return `${nodeName(note.node)} ${what} a snapshot through index ${index}, above its commit index ${commit}: a snapshot covers only committed entries (§7)`;
    }
    const want = slot >= 0 ? this.committed[slot] : undefined;
    if (want !== undefined && want !== term) {
      return `${nodeName(note.node)} ${what} a snapshot through index ${index} of term ${term}, where term ${want} was committed`;
    }
    this.window.forgetBelow(snapshotFloor(view));
    return undefined;
  }

  /** Indexes held (bounded: from the snapshot floor to the highest committed). */
  get held(): number {
    return this.window.held;
  }
}

export function raftInvariants(opts: RaftOptions): Invariant<RaftNode>[] {
  return [
    new ElectionSafety(),
    new LogMatching(opts.logMatchingEveryEvents),
    new StateMachineSafety(),
    new CommittedNeverLost(),
    new MonotonicTerm(),
    monotonicCommit(),
    committedPrefixStable(),
    new VoteOnce(),
    new LeaderQuorum(),
    new CommitCurrentTerm(),
    new SnapshotCommitted(),
  ];
}
