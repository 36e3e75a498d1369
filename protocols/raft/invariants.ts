// Raft's safety properties (paper Fig. 3), as stateful invariants fed by ghost notes:
//   become-leader {term}                  election-safety, committed-never-lost
//   commit {index, term}                  committed-never-lost (noted by the leader, once per index it commits)
//   apply {index, term, command-id}       state-machine-safety
//   role {role, term}                     monotonic-term (emitted on every role or term change, and at start)
// log-matching compares live nodes' logs directly: one pair every `logMatchingEveryEvents`
// events, every pair at the end.
import type { ClusterView, Invariant, Note, NodeId } from '../../sim/types.js';
import type { RaftNode } from './node.js';
import type { RaftOptions } from './options.js';
import { HARD_STATE_KEY, type HardState } from './types.js';

type View = ClusterView<RaftNode>;

const nodeName = (n: NodeId): string => `n${n + 1}`;

/** §5.2: at most one leader per term, ever (across crashes, not just at one instant). */
export class ElectionSafety implements Invariant<RaftNode> {
  readonly name = 'election-safety';
  private readonly leaderOf = new Map<number, NodeId>();

  onNote(note: Note): string | undefined {
    if (note.kind !== 'become-leader') return undefined;
    const term = note.data.term as number;
    const prev = this.leaderOf.get(term);
    if (prev === undefined) {
      this.leaderOf.set(term, note.node);
      return undefined;
    }
    if (prev !== note.node) return `two leaders in term ${term}: ${nodeName(prev)} and ${nodeName(note.node)}`;
    return undefined;
  }
}

/** §5.4.3: no two nodes apply different entries at one index. */
export class StateMachineSafety implements Invariant<RaftNode> {
  readonly name = 'state-machine-safety';
  private readonly term: number[] = [];
  private readonly id: string[] = [];
  private readonly by: NodeId[] = [];

  onNote(note: Note): string | undefined {
    if (note.kind !== 'apply') return undefined;
    const index = note.data.index as number;
    const term = note.data.term as number;
    const id = note.data['command-id'] as string;
    const seen = this.term[index];
    if (seen === undefined) {
      this.term[index] = term;
      this.id[index] = id;
      this.by[index] = note.node;
      return undefined;
    }
    if (seen !== term || this.id[index] !== id) {
      return (
        `index ${index} applied as ${this.id[index]} (term ${seen}) on ${nodeName(this.by[index])} ` +
        `and as ${id} (term ${term}) on ${nodeName(note.node)}`
      );
    }
    return undefined;
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
  /** index -> term of the entry committed there. */
  private readonly committed: number[] = [];
  /** index -> the lowest leader term in which it was noted committed. */
  private readonly committedIn: number[] = [];
  /** node -> the term it last became leader of. */
  private readonly leaderTerm: number[] = [];
  private highest = 0;

  onNote(note: Note, view: View): string | undefined {
    if (note.kind === 'commit') {
      const index = note.data.index as number;
      const term = note.data.term as number;
      const by = this.leaderTerm[note.node] ?? term;
      const prev = this.committed[index];
      if (prev === undefined) {
        this.committed[index] = term;
        this.committedIn[index] = by;
        if (index > this.highest) this.highest = index;
      } else if (prev !== term) {
        return `index ${index} committed with term ${prev}, then ${nodeName(note.node)} committed term ${term} there`;
      } else if (by < this.committedIn[index]) {
        this.committedIn[index] = by;
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

  private check(actor: RaftNode, term: number, node: NodeId, who: string): string | undefined {
    const log = actor.log;
    for (let i = 1; i <= this.highest; i++) {
      const want = this.committed[i];
      if (want === undefined || this.committedIn[i] >= term) continue;
      const where = `${who} ${nodeName(node)} (term ${term})`;
      const when = `committed in term ${this.committedIn[i]}`;
      if (i >= log.length) return `${where} lacks entry ${i} (term ${want}, ${when}): its log ends at ${log.length - 1}`;
      if (log[i].term !== want) return `${where} has term ${log[i].term} at index ${i}, where term ${want} was ${when}`;
    }
    return undefined;
  }
}

/** Fig. 2: currentTerm is durable and never decreases, across restarts too. */
export class MonotonicTerm implements Invariant<RaftNode> {
  readonly name = 'monotonic-term';
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
 * §5.3 Log Matching: if two logs hold an entry with the same index and term, they are
 * identical up to it; and committed prefixes agree.
 */
export class LogMatching implements Invariant<RaftNode> {
  readonly name = 'log-matching';
  private countdown: number;
  private pair = 0;

  constructor(private readonly everyEvents: number) {
    this.countdown = everyEvents;
  }

  afterEvent(view: View): string | undefined {
    if (--this.countdown > 0) return undefined;
    this.countdown = this.everyEvents;
    const n = view.nodeCount;
    const pairs = (n * (n - 1)) / 2;
    if (pairs === 0) return undefined;
    this.pair = (this.pair + 1) % pairs;
    // Decode pair number -> (a, b), a < b.
    let k = this.pair;
    let a = 0;
    while (k >= n - 1 - a) {
      k -= n - 1 - a;
      a++;
    }
    return compareLogs(view, a, a + 1 + k);
  }

  atEnd(view: View): string | undefined {
    for (let a = 0; a < view.nodeCount; a++) {
      for (let b = a + 1; b < view.nodeCount; b++) {
        const bad = compareLogs(view, a, b);
        if (bad) return bad;
      }
    }
    return undefined;
  }
}

export function compareLogs(view: View, a: NodeId, b: NodeId): string | undefined {
  const x = view.actor(a);
  const y = view.actor(b);
  if (x === undefined || y === undefined) return undefined;
  const lx = x.log;
  const ly = y.log;
  // The highest index where both hold the same term: everything up to it must be identical.
  let m = Math.min(lx.length, ly.length) - 1;
  while (m > 0 && lx[m].term !== ly[m].term) m--;
  const committed = Math.min(x.commitIndex, y.commitIndex);
  if (committed > m) {
    return `${nodeName(a)} and ${nodeName(b)} disagree at index ${m + 1}, below both commit indexes (${x.commitIndex}, ${y.commitIndex})`;
  }
  for (let i = m; i > 0; i--) {
    const ex = lx[i];
    const ey = ly[i];
    if (ex === ey) continue;
    if (ex.term !== ey.term || ex.id !== ey.id) {
      return (
        `${nodeName(a)} and ${nodeName(b)} both hold term ${lx[m].term} at index ${m} but differ at index ${i}: ` +
        `${ex.id} (term ${ex.term}) vs ${ey.id} (term ${ey.term})`
      );
    }
  }
  return undefined;
}

export function raftInvariants(opts: RaftOptions): Invariant<RaftNode>[] {
  return [new ElectionSafety(), new LogMatching(opts.logMatchingEveryEvents), new StateMachineSafety(), new CommittedNeverLost(), new MonotonicTerm()];
}
