// prefixStable: "this per-node prefix never changes" (semantics and cost: ./invariants.ts).
import type { ClusterView, Invariant, NodeId } from '../../sim/types.js';
import { nodeName, PerNode, wire, fill, type CheckTrigger } from './per-node.js';

export interface PrefixStableOptions<A, T> extends CheckTrigger {
  /** The sequence's length: its items are at indexes 0..length-1. */
  readonly length: (actor: A, node: NodeId) => number;
  readonly at: (actor: A, node: NodeId, index: number) => T;
  /** Items at indexes first..watermark are frozen once seen there (e.g. commitIndex). */
  readonly watermark: (actor: A, node: NodeId) => number;
  /** The first index that counts (default 0; 1 for a log with a sentinel at 0). */
  readonly first?: number;
  /**
   * The first index the actor still holds (a compacted log: a snapshot covers what is below,
   * by design). Frozen items below it are neither compared nor kept. Default: none discarded.
   */
  readonly start?: (actor: A, node: NodeId) => number;
  /** Are two items the same (default: ===; tried first anyway)? Items are kept by reference: never mutate them. */
  readonly same?: (x: T, y: T) => boolean;
  /** An item in messages (default: JSON). */
  readonly show?: (item: T) => string;
  /**
   * false (default): a restart drops the frozen prefix (volatile). true: the actor reads
   * the sequence back from storage at start: the new incarnation must hold the frozen
   * prefix at once and keep it (the frozen prefix carries over even though the new
   * incarnation's watermark may start lower).
   */
  readonly acrossRestarts?: boolean;
  /** Frozen items the rolling scrub re-compares per check (default 4; 0 turns it off). */
  readonly scrubPerCheck?: number;
  /** The items' and the watermark's names in messages (default 'entry', 'watermark'). */
  readonly what?: string;
  readonly mark?: string;
}

class PrefixStable<A, T> extends PerNode<A> {
  private seen: Array<A | undefined> = [];
  /** Per node: the frozen items by index (base..top, at 0..). */
  private frozen: T[][] = [];
  /** Per node: the index of frozen[n][0] (raised as the actor discards its prefix). */
  private base = new Float64Array(0);
  /** Per node: the highest frozen index (first - 1 when none). */
  private top = new Float64Array(0);
  private scrubNode = 0;
  private scrubIndex: number;
  private readonly length: (actor: A, node: NodeId) => number;
  private readonly at: (actor: A, node: NodeId, index: number) => T;
  private readonly watermark: (actor: A, node: NodeId) => number;
  private readonly first: number;
  private readonly start: ((actor: A, node: NodeId) => number) | undefined;
  private readonly same: (x: T, y: T) => boolean;
  private readonly show: (x: T) => string;
  private readonly carry: boolean;
  private readonly scrubPerCheck: number;
  private readonly what: string;
  private readonly mark: string;

  constructor(o: PrefixStableOptions<A, T>) {
    super();
    this.length = o.length;
    this.at = o.at;
    this.watermark = o.watermark;
    this.first = o.first ?? 0;
    this.start = o.start;
    this.same = o.same ?? ((x: T, y: T) => x === y);
    this.show = o.show ?? ((x: T) => JSON.stringify(x));
    this.carry = o.acrossRestarts === true;
    this.scrubPerCheck = o.scrubPerCheck ?? 4;
    this.what = o.what ?? 'entry';
    this.mark = o.mark ?? 'watermark';
    this.scrubIndex = this.first;
  }

  protected resize(nodes: number): void {
    this.seen = fill<A | undefined>(nodes, undefined);
    this.frozen = Array.from({ length: nodes }, () => []);
    this.base = new Float64Array(nodes).fill(this.first);
    this.top = new Float64Array(nodes).fill(this.first - 1);
  }

  node(view: ClusterView<A>, n: NodeId): string | undefined {
    const actor = view.actor(n);
    if (actor === undefined) return undefined;
    if (actor !== this.seen[n]) {
      const bad = this.incarnation(actor, n);
      if (bad !== undefined) return bad;
    }
    const t = this.top[n];
    const len = this.length(actor, n);
    const from = this.held(actor, n);
    if (t >= from) {
      if (len <= t) return this.verify(actor, n, '');
      const now = this.at(actor, n, t);
      const was = this.frozen[n][t - this.base[n]];
      if (now !== was && !this.same(now, was)) return this.verify(actor, n, '');
    }
    const w = this.watermark(actor, n);
    if (w > t) this.freeze(actor, n, t, Math.min(w, len - 1));
    return undefined;
  }

  /** A new incarnation: held to the frozen prefix when the sequence is durable, else starting afresh. */
  private incarnation(actor: A, n: NodeId): string | undefined {
    const restart = this.seen[n] !== undefined;
    this.seen[n] = actor;
    if (restart && this.carry) return this.verify(actor, n, ' (restarted)');
    this.top[n] = this.first - 1;
    this.frozen[n].length = 0;
    this.base[n] = this.first;
    return undefined;
  }

  /** The first index of the actor's that counts; drops the frozen items below it. */
  private held(actor: A, n: NodeId): number {
    if (this.start === undefined) return this.first;
    const s = Math.max(this.first, this.start(actor, n));
    const b = this.base[n];
    if (s > b) {
      const items = this.frozen[n];
      items.splice(0, Math.min(items.length, s - b));
      this.base[n] = s;
      if (this.top[n] < s - 1) this.top[n] = s - 1;
    }
    return Math.max(s, this.base[n]);
  }

  private freeze(actor: A, n: NodeId, t: number, w: number): void {
    const items = this.frozen[n];
    const b = this.base[n];
    for (let i = Math.max(t + 1, b); i <= w; i++) items[i - b] = this.at(actor, n, i);
    if (w > t) this.top[n] = w;
  }

  /**
   * The rolling scrub: a few frozen items per check, round-robin over nodes and indexes. A
   * check reads each node it scrubs once (actor, held start, length): nothing changes
   * within one check, and held() only drops what lies below its start, once.
   */
  override after(view: ClusterView<A>): string | undefined {
    const nodes = view.nodeCount;
    let cached = -1;
    let actor: A | undefined;
    let from = 0;
    let len = 0;
    for (let k = 0; k < this.scrubPerCheck; k++) {
      if (this.scrubNode >= nodes) this.scrubNode = 0;
      const n = this.scrubNode;
      if (n !== cached) {
        cached = n;
        actor = view.actor(n);
        from = -1;
      }
      if (actor === undefined || actor !== this.seen[n] || this.scrubIndex > this.top[n]) {
        this.scrubNode = n + 1;
        this.scrubIndex = this.first;
        continue;
      }
      if (from < 0) {
        from = this.held(actor, n);
        len = this.length(actor, n);
      }
      if (this.scrubIndex < from) this.scrubIndex = from;
      if (this.scrubIndex > this.top[n]) continue;
      const i = this.scrubIndex++;
      const was = this.frozen[n][i - this.base[n]];
      if (i >= len) return this.removed(n, i, was, len, '');
      const now = this.at(actor, n, i);
      if (now !== was && !this.same(now, was)) return this.changed(n, i, was, now, '');
    }
    return undefined;
  }

  /** Every live node's whole frozen prefix (restarted nodes get their restart check). */
  end(view: ClusterView<A>): string | undefined {
    const nodes = view.nodeCount;
    if (nodes !== this.size) this.resize((this.size = nodes));
    for (let n = 0; n < nodes; n++) {
      const actor = view.actor(n);
      if (actor === undefined) continue;
      const bad = actor === this.seen[n] ? this.verify(actor, n, '') : this.node(view, n);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }

  /** Compare the whole frozen prefix with what the actor holds now; the lowest difference. */
  private verify(actor: A, n: NodeId, context: string): string | undefined {
    const from = this.held(actor, n);
    const t = this.top[n];
    const items = this.frozen[n];
    const b = this.base[n];
    const len = this.length(actor, n);
    for (let i = from; i <= t; i++) {
      const was = items[i - b];
      if (i >= len) return this.removed(n, i, was, len, context);
      const now = this.at(actor, n, i);
      if (now !== was && !this.same(now, was)) return this.changed(n, i, was, now, context);
    }
    return undefined;
  }

  private removed(n: NodeId, i: number, was: T, len: number, context: string): string {
    return `${nodeName(n)}${context} no longer holds ${this.what} ${i} ${this.show(was)}, at or below its ${this.mark} ${this.top[n]}: it ends at ${len - 1}`;
  }

  private changed(n: NodeId, i: number, was: T, now: T, context: string): string {
    return `${nodeName(n)}${context} replaced ${this.what} ${i} ${this.show(was)} by ${this.show(now)}, at or below its ${this.mark} ${this.top[n]}`;
  }
}

/**
 * "A per-node prefix never changes": once an item sits at or below the node's watermark it
 * is never removed or replaced.
 *
 * Each check compares, per node, the length and the item at the top of the frozen prefix,
 * and freezes the items the watermark has passed since. That catches at once every
 * removal (the sequence now shorter than the frozen prefix) and every change that reaches
 * the top. For a sequence that changes by truncating and appending (a log) whose items are
 * distinct objects, that is every change but one whose new items end with the very object
 * the old ones did, which needs two copies of the sequence that disagree below a common
 * item (a Log Matching violation). Such a change is found by the rolling scrub, which
 * re-compares `scrubPerCheck` frozen items per check, round-robin over nodes and indexes,
 * so within (frozen items in all) / scrubPerCheck checks; and by the full comparison at
 * every restart and at the end.
 */
export function prefixStable<A, T>(name: string, options: PrefixStableOptions<A, T>): Invariant<A> {
  const impl = new PrefixStable<A, T>(options);
  return wire(name, options, impl, (view) => impl.end(view));
}
