// Raft's two per-node, after-every-event invariants, written for RaftNode's log layout:
// monotonic-commit (protocols/common's neverDecreases over commitIndex and lastApplied,
// volatile) and committed-prefix-stable (protocols/common's prefixStable over the log up to
// commitIndex, durable across restarts, compacted below snapIndex). The same checks, in
// the same order, with the same messages as those helpers built with the readers in
// invariants.ts: only the readers are inlined (a field read instead of a closure call per
// value), because these two run on every event. Like the helpers, each looks only at
// view.changedNode after an event that can change one node.
import type { ClusterView, Invariant, NodeId } from '../../sim/types.js';
import { nodeName, startOf } from './log-view.js';
import type { RaftNode } from './node.js';
import type { Entry } from './types.js';


type View = ClusterView<RaftNode>;

/** Items the rolling scrub re-compares per check (prefixStable's default). */
const SCRUB_PER_CHECK = 4;

const show = (e: Entry): string => `(${e.id}, term ${e.term})`;
/** Two entries are the same command of the same term (entries are shared by reference: tried first). */
const same = (x: Entry, y: Entry): boolean => x === y || (x.term === y.term && x.id === y.id);

/**
 * commitIndex and lastApplied never go down within one incarnation (both volatile: a
 * restart starts afresh). Per node and value (n * 2 + j): the last value, -Infinity when none.
 */
export class MonotonicCommit implements Invariant<RaftNode> {
  readonly name = 'monotonic-commit';
  private size = -1;
  private seen: Array<RaftNode | undefined> = [];
  private last = new Float64Array(0);

  afterEvent(view: View): string | undefined {
    const nodes = view.nodeCount;
    const changed = view.changedNode;
    if (nodes !== this.size) {
      this.size = nodes;
      this.seen = new Array<RaftNode | undefined>(nodes).fill(undefined);
      this.last = new Float64Array(nodes * 2).fill(-Infinity);
    } else if (changed !== undefined) {
      return changed >= 0 ? this.node(view, changed) : undefined;
    }
    for (let n = 0; n < nodes; n++) {
      const bad = this.node(view, n);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }

  private node(view: View, n: NodeId): string | undefined {
    const actor = view.actor(n);
    if (actor === undefined) return undefined;
    const last = this.last;
    const base = n * 2;
    if (actor !== this.seen[n]) {
      this.seen[n] = actor;
      last[base] = last[base + 1] = -Infinity;
    }
    const commit = actor.commitIndex as number | undefined;
    if (commit !== undefined) {
      if (commit < last[base]) return decreased(n, 'commitIndex', last[base], commit);
      last[base] = commit;
    }
    // Hand-built states in tests may lack lastApplied.
    const applied = actor.lastApplied as number | undefined;
    if (applied !== undefined) {
      if (applied < last[base + 1]) return decreased(n, 'lastApplied', last[base + 1], applied);
      last[base + 1] = applied;
    }
    return undefined;
  }
}

function decreased(n: NodeId, what: string, prev: number, v: number): string {
  return `${nodeName(n)}'s ${what} went from ${prev} down to ${v}, within one incarnation`;
}

/**
 * No log entry at or below a node's commitIndex is ever removed or replaced; the log is
 * durable, so a restarted node is held at once to the prefix its previous incarnation had
 * frozen. Entries below the node's snapshot are not compared (nor kept). See prefixStable
 * (protocols/common/prefix-stable.ts) for how a check finds every change: the top of the
 * frozen prefix per check, a rolling scrub of SCRUB_PER_CHECK items, and the whole prefix
 * at a restart and at the end.
 */
export class CommittedPrefixStable implements Invariant<RaftNode> {
  readonly name = 'committed-prefix-stable';
  private size = -1;
  private seen: Array<RaftNode | undefined> = [];
  /** Per node: the frozen entries by index (base..top, at 0..). */
  private frozen: Entry[][] = [];
  /** Per node: the index of frozen[n][0] (raised as the node compacts its log). */
  private base = new Int32Array(0);
  /** Per node: the highest frozen index (0 when none). */
  private top = new Int32Array(0);
  private scrubNode = 0;
  private scrubIndex = 1;

  private resize(nodes: number): void {
    this.size = nodes;
    this.seen = new Array<RaftNode | undefined>(nodes).fill(undefined);
    this.frozen = Array.from({ length: nodes }, () => []);
    this.base = new Int32Array(nodes).fill(1);
    this.top = new Int32Array(nodes);
  }

  afterEvent(view: View): string | undefined {
    const nodes = view.nodeCount;
    const changed = view.changedNode;
    if (nodes !== this.size) this.resize(nodes);
    else if (changed !== undefined) {
      const bad = changed >= 0 ? this.node(view, changed) : undefined;
      return bad ?? this.scrub(view);
    }
    for (let n = 0; n < nodes; n++) {
      const bad = this.node(view, n);
      if (bad !== undefined) return bad;
    }
    return this.scrub(view);
  }

  /** Every live node's whole frozen prefix (restarted nodes get their restart check). */
  atEnd(view: View): string | undefined {
    const nodes = view.nodeCount;
    if (nodes !== this.size) this.resize(nodes);
    for (let n = 0; n < nodes; n++) {
      const actor = view.actor(n);
      if (actor === undefined) continue;
      const bad = actor === this.seen[n] ? this.verify(actor, n, '') : this.node(view, n);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }

  private node(view: View, n: NodeId): string | undefined {
    const actor = view.actor(n);
    if (actor === undefined) return undefined;
    if (actor !== this.seen[n]) {
      const bad = this.incarnation(actor, n);
      if (bad !== undefined) return bad;
    }
    const t = this.top[n];
    const start = startOf(actor);
    const log = actor.log;
    const len = start + log.length;
    const from = this.held(start, n);
    if (t >= from) {
      if (len <= t) return this.verify(actor, n, '');
      const now = log[t - start];
      const was = this.frozen[n][t - this.base[n]];
      if (now !== was && !same(now, was)) return this.verify(actor, n, '');
    }
    const w = actor.commitIndex;
    if (w > t) this.freeze(actor, n, t, Math.min(w, len - 1));
    return undefined;
  }

  /** A new incarnation: held to the frozen prefix at once (the log is durable). */
  private incarnation(actor: RaftNode, n: NodeId): string | undefined {
    const restart = this.seen[n] !== undefined;
    this.seen[n] = actor;
    if (restart) return this.verify(actor, n, ' (restarted)');
    this.top[n] = 0;
    this.frozen[n].length = 0;
    this.base[n] = 1;
    return undefined;
  }

  /** The first index that counts (above the snapshot, `start` = snapIndex); drops the frozen entries below it. */
  private held(start: number, n: NodeId): number {
    const s = start + 1;
    const b = this.base[n];
    if (s > b) {
      const items = this.frozen[n];
      items.splice(0, Math.min(items.length, s - b));
      this.base[n] = s;
      if (this.top[n] < s - 1) this.top[n] = s - 1;
    }
    return Math.max(s, this.base[n]);
  }

  private freeze(actor: RaftNode, n: NodeId, t: number, w: number): void {
    const items = this.frozen[n];
    const b = this.base[n];
    const start = startOf(actor);
    const log = actor.log;
    for (let i = Math.max(t + 1, b); i <= w; i++) items[i - b] = log[i - start];
    if (w > t) this.top[n] = w;
  }

  /**
   * The rolling scrub: SCRUB_PER_CHECK frozen entries per check, round-robin over nodes and
   * indexes; each node it visits read once (its actor, log, held start, top, frozen items)
   * and its entries compared in a loop of their own, the position kept in locals and stored
   * back when the check ends.
   */
  private scrub(view: View): string | undefined {
    const nodes = view.nodeCount;
    let n = this.scrubNode;
    let index = this.scrubIndex;
    // Each step is one compared entry, or one move to the next node, or one wasted step where
    // the held start is above the top (the step after it moves on).
    let k = 0;
    while (k < SCRUB_PER_CHECK) {
      if (n >= nodes) n = 0;
      const actor = view.actor(n);
      if (actor === undefined || actor !== this.seen[n] || index > this.top[n]) {
        n = n + 1;
        index = 1;
        k++;
        continue;
      }
      const start = startOf(actor);
      const from = this.held(start, n);
      const top = this.top[n];
      if (index < from) index = from;
      if (index > top) {
        k++;
        continue;
      }
      const log = actor.log;
      const len = start + log.length;
      const base = this.base[n];
      const items = this.frozen[n];
      for (; k < SCRUB_PER_CHECK && index <= top; k++) {
        const i = index++;
        const was = items[i - base];
        if (i >= len || (log[i - start] !== was && !same(log[i - start], was))) {
          this.scrubNode = n;
          this.scrubIndex = index;
          return i >= len ? this.removed(n, i, was, len, '') : this.changed(n, i, was, log[i - start], '');
        }
      }
    }
    this.scrubNode = n;
    this.scrubIndex = index;
    return undefined;
  }

  /** Compare the whole frozen prefix with the log now; the lowest difference. */
  private verify(actor: RaftNode, n: NodeId, context: string): string | undefined {
    const start = startOf(actor);
    const from = this.held(start, n);
    const t = this.top[n];
    const items = this.frozen[n];
    const b = this.base[n];
    const log = actor.log;
    const len = start + log.length;
    for (let i = from; i <= t; i++) {
      const was = items[i - b];
      if (i >= len) return this.removed(n, i, was, len, context);
      const now = log[i - start];
      if (now !== was && !same(now, was)) return this.changed(n, i, was, now, context);
    }
    return undefined;
  }

  private removed(n: NodeId, i: number, was: Entry, len: number, context: string): string {
    return `${nodeName(n)}${context} no longer holds log entry ${i} ${show(was)}, at or below its commit index ${this.top[n]}: it ends at ${len - 1}`;
  }

  private changed(n: NodeId, i: number, was: Entry, now: Entry, context: string): string {
    return `${nodeName(n)}${context} replaced log entry ${i} ${show(was)} by ${show(now)}, at or below its commit index ${this.top[n]}`;
  }
}
