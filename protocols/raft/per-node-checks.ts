// Raft's three per-node, after-every-event invariants, written for RaftNode's log layout and
// run in one pass: monotonic-commit (protocols/common's neverDecreases over commitIndex and
// lastApplied, volatile), committed-prefix-stable (protocols/common's prefixStable over the
// log up to commitIndex, durable across restarts, compacted below snapIndex) and
// commit-current-term (§5.4.2). The same checks, in the same order, with the same messages as
// those helpers built with readers: only the readers are inlined (a field read instead of a
// closure call per value), because these run on every event. Like the helpers, each looks
// only at view.changedNode after an event that can change one node.
//
// One pass (NodeChecks): the three invariants of one run share it. The kernel calls each
// invariant's afterEvent in turn; the first of them to be called (the lead) runs every
// joined part over the changed node, reading its actor once, and keeps what the others
// found for their own calls, which follow in the same event. A part joins at its first call
// (so a run whose `checks` keep only some of them runs only those), and that first call runs
// the part on its own, as the kernel's first check of a part always scans every node.
import type { ClusterView, Invariant, NodeId } from '../../sim/types.js';
import { entryOf, nodeName, startOf } from './log-view.js';
import type { RaftNode } from './node.js';
import type { Entry } from './types.js';

const NO_ENTRIES: readonly Entry[] = Object.freeze([]);

type View = ClusterView<RaftNode>;

/** Items the rolling scrub re-compares per check (prefixStable's default). */
const SCRUB_PER_CHECK = 4;

const show = (e: Entry): string => `(${e.id}, term ${e.term})`;
/** Two entries are the same command of the same term (entries are shared by reference: tried first). */
const same = (x: Entry, y: Entry): boolean => x === y || (x.term === y.term && x.id === y.id);

/** The parts of the pass, in the order raftInvariants lists their invariants. */
const MONOTONIC = 0;
const PREFIX = 1;
const CURRENT = 2;

/**
 * The per-node after-event checks of one run, in one pass over the changed node (see the
 * head of this file). `afterEvent(part, view)` is each invariant's own afterEvent: what it
 * returns (or throws) is what that invariant alone would have returned (or thrown) at this
 * event, as long as the kernel calls them in the same order at every event (it does: the
 * order of the protocol's invariants).
 */
export class NodeChecks {
  readonly monotonic = new Monotonic();
  readonly prefix = new Prefix();
  readonly current = new Current();
  /** The parts that have joined, in the order of their first calls (the order of every event's calls). */
  private readonly order: number[] = [];
  private readonly joined = [false, false, false];
  /** What this event's pass found for a part after the lead: a message, or what it threw. */
  private readonly found: Array<string | undefined> = [undefined, undefined, undefined];
  private readonly threw: unknown[] = [undefined, undefined, undefined];
  private foundAt = -1;
  /** The node count every joined part has been sized for (-1: a part joined since: the next pass sizes it). */
  private size = -1;

  afterEvent(part: number, view: View): string | undefined {
    if (this.order.length > 0 && part === this.order[0]) return this.pass(view);
    if (this.joined[part]) {
      if (this.foundAt !== part) return undefined;
      this.foundAt = -1;
      const thrown = this.threw[part];
      const found = this.found[part];
      this.threw[part] = this.found[part] = undefined;
      if (thrown !== undefined) throw thrown;
      return found;
    }
    this.joined[part] = true;
    this.order.push(part);
    this.size = -1;
    return this.order.length === 1 ? this.pass(view) : this.alone(part, view, view.nodeCount, view.changedNode);
  }

  /** The lead's call: every joined part, in order, to the first violation; the lead's own result is returned, a later part's kept for its call. */
  private pass(view: View): string | undefined {
    const nodes = view.nodeCount;
    const changed = view.changedNode;
    const order = this.order;
    let at = order[0];
    let bad: string | undefined;
    try {
      if (changed !== undefined && nodes === this.size) {
        // The common case: every part sized, one node (or none) changed. Its actor is read once.
        const actor = changed >= 0 ? view.actor(changed) : undefined;
        for (let k = 0; k < order.length; k++) {
          at = order[k];
          if (at === MONOTONIC) bad = changed >= 0 ? this.monotonic.node(actor, changed) : undefined;
          else if (at === PREFIX) bad = (changed >= 0 ? this.prefix.node(actor, changed) : undefined) ?? this.prefix.scrub(view);
          else bad = changed >= 0 ? this.current.node(actor, changed) : undefined;
          if (bad !== undefined) break;
        }
      } else {
        for (let k = 0; k < order.length; k++) {
          at = order[k];
          bad = this.alone(at, view, nodes, changed);
          if (bad !== undefined) break;
        }
        this.size = nodes;
      }
    } catch (error) {
      if (at === order[0]) throw error;
      this.foundAt = at;
      this.threw[at] = error;
      return undefined;
    }
    if (bad === undefined || at === order[0]) return bad;
    this.foundAt = at;
    this.found[at] = bad;
    return undefined;
  }

  /** One part's check, as its invariant alone runs it: every node the first time and after an event that may change any, else the changed node. */
  private alone(part: number, view: View, nodes: number, changed: NodeId | -1 | undefined): string | undefined {
    if (part === MONOTONIC) {
      const m = this.monotonic;
      if (!m.sized(nodes) || changed === undefined) return m.all(view);
      return changed >= 0 ? m.node(view.actor(changed), changed) : undefined;
    }
    if (part === PREFIX) {
      const p = this.prefix;
      if (!p.sized(nodes) || changed === undefined) return p.all(view);
      return (changed >= 0 ? p.node(view.actor(changed), changed) : undefined) ?? p.scrub(view);
    }
    const c = this.current;
    if (!c.sized(nodes) || changed === undefined) return c.all(view);
    return changed >= 0 ? c.node(view.actor(changed), changed) : undefined;
  }
}

/**
 * commitIndex and lastApplied never go down within one incarnation (both volatile: a
 * restart starts afresh). Per node and value (n * 2 + j): the last value, -Infinity when none.
 */
export class MonotonicCommit implements Invariant<RaftNode> {
  readonly name = 'monotonic-commit';
  /** A pass of its own unless given the run's shared one (raftInvariants). */
  constructor(private readonly checks = new NodeChecks()) {}

  afterEvent(view: View): string | undefined {
    return this.checks.afterEvent(MONOTONIC, view);
  }
}

/** monotonic-commit's record: per node and value (n * 2 + j), the last value, -Infinity when none. */
class Monotonic {
  private size = -1;
  private seen: Array<RaftNode | undefined> = [];
  private last = new Float64Array(0);

  /** Is it sized for this many nodes? If not, it is now (and every node is to be checked). */
  sized(nodes: number): boolean {
    if (nodes === this.size) return true;
    this.size = nodes;
    this.seen = new Array<RaftNode | undefined>(nodes).fill(undefined);
    this.last = new Float64Array(nodes * 2).fill(-Infinity);
    return false;
  }

  all(view: View): string | undefined {
    for (let n = 0; n < view.nodeCount; n++) {
      const bad = this.node(view.actor(n), n);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }

  node(actor: RaftNode | undefined, n: NodeId): string | undefined {
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
 * (protocols/common/invariants.ts) for how a check finds every change: the top of the
 * frozen prefix per check, a rolling scrub of SCRUB_PER_CHECK items, and the whole prefix
 * at a restart and at the end.
 */
export class CommittedPrefixStable implements Invariant<RaftNode> {
  readonly name = 'committed-prefix-stable';
  /** A pass of its own unless given the run's shared one (raftInvariants). */
  constructor(private readonly checks = new NodeChecks()) {}

  afterEvent(view: View): string | undefined {
    return this.checks.afterEvent(PREFIX, view);
  }

  atEnd(view: View): string | undefined {
    return this.checks.prefix.atEnd(view);
  }
}

/** committed-prefix-stable's record: per node, the frozen prefix; and the rolling scrub's place. */
class Prefix {
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

  /** Is it sized for this many nodes? If not, it is now (and every node is to be checked). */
  sized(nodes: number): boolean {
    if (nodes === this.size) return true;
    this.size = nodes;
    this.seen = new Array<RaftNode | undefined>(nodes).fill(undefined);
    this.frozen = Array.from({ length: nodes }, () => []);
    this.base = new Int32Array(nodes).fill(1);
    this.top = new Int32Array(nodes);
    return false;
  }

  /** Every node, then the scrub. */
  all(view: View): string | undefined {
    for (let n = 0; n < view.nodeCount; n++) {
      const bad = this.node(view.actor(n), n);
      if (bad !== undefined) return bad;
    }
    return this.scrub(view);
  }

  /** Every live node's whole frozen prefix (restarted nodes get their restart check). */
  atEnd(view: View): string | undefined {
    const nodes = view.nodeCount;
    this.sized(nodes);
    for (let n = 0; n < nodes; n++) {
      const actor = view.actor(n);
      if (actor === undefined) continue;
      const bad = actor === this.seen[n] ? this.verify(actor, n, '') : this.node(actor, n);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }

  node(actor: RaftNode | undefined, n: NodeId): string | undefined {
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
   * indexes; each node it visits read once (its actor, log, held start, top, frozen items),
   * and the position kept in locals, stored back when the check ends.
   */
  scrub(view: View): string | undefined {
    const nodes = view.nodeCount;
    let n = this.scrubNode;
    let index = this.scrubIndex;
    let cached = -1;
    let actor: RaftNode | undefined;
    let from = -1;
    let start = 0;
    let len = 0;
    let top = 0;
    let base = 0;
    let log: readonly Entry[] = NO_ENTRIES;
    let items: readonly Entry[] = NO_ENTRIES;
    for (let k = 0; k < SCRUB_PER_CHECK; k++) {
      if (n >= nodes) n = 0;
      if (n !== cached) {
        cached = n;
        actor = view.actor(n);
        from = -1;
      }
      if (actor === undefined || actor !== this.seen[n] || index > this.top[n]) {
        n = n + 1;
        index = 1;
        continue;
      }
      if (from < 0) {
        start = startOf(actor);
        from = this.held(start, n);
        log = actor.log;
        len = start + log.length;
        top = this.top[n];
        base = this.base[n];
        items = this.frozen[n];
      }
      if (index < from) index = from;
      if (index > top) continue;
      const i = index++;
      const was = items[i - base];
      if (i >= len || (log[i - start] !== was && !same(log[i - start], was))) {
        this.scrubNode = n;
        this.scrubIndex = index;
        return i >= len ? this.removed(n, i, was, len, '') : this.changed(n, i, was, log[i - start], '');
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

/**
 * commit-current-term (§5.4.2, Figure 8): a leader advances its commit index only to an
 * entry of its own term, counting replicas; earlier terms' entries are committed only
 * indirectly, beneath one of its own. The figure-8 variant breaks this rule the moment it
 * counts an older entry's replicas, long before a later leader overwrites the entry (which
 * is what committed-never-lost sees, and only when faults line up). After every event:
 * per node, the commit index a leader had when it (last) became leader of its term.
 */
export class CommitCurrentTerm implements Invariant<RaftNode> {
  readonly name = 'commit-current-term';
  /** A pass of its own unless given the run's shared one (raftInvariants). */
  constructor(private readonly checks = new NodeChecks()) {}

  afterEvent(view: View): string | undefined {
    return this.checks.afterEvent(CURRENT, view);
  }
}

/** commit-current-term's record: per node, the leader's actor, term and the commit index last seen. */
class Current {
  private readonly seen: Array<{ actor: RaftNode; term: number; commit: number } | undefined> = [];
  private size = -1;

  /** Is it sized for this many nodes? If not, it is now (and every node is to be checked). */
  sized(nodes: number): boolean {
    if (nodes === this.size) return true;
    this.size = nodes;
    return false;
  }

  all(view: View): string | undefined {
    for (let n = 0; n < view.nodeCount; n++) {
      const bad = this.node(view.actor(n), n);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }

  node(a: RaftNode | undefined, n: NodeId): string | undefined {
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
