// Invariant helpers every protocol can use: "this per-node value never decreases", "this
// per-node set only grows", "this per-node prefix never changes". Each returns a fresh
// stateful Invariant<A>: build it inside the protocol's `invariants()`, one per run.
//
// Restarts. A crash throws the actor away and a restart builds a new one, so a restart is
// seen as `view.actor(node)` returning a different object (undefined while crashed). What
// may happen across one is the caller's call, because only the protocol knows what it
// persists. By default a restart starts afresh: the value is volatile and may come back
// lower, the set empty, the prefix gone. `acrossRestarts: true` says the actor reads the
// value back from storage at start, so the new incarnation is held to what the old one
// last showed. For neverDecreases and growsOnly, `acrossRestarts` may instead be a reader
// over `view.storage(node)`, the durable copy itself, which is then checked on its own
// for every node, crashed ones too (a crash that loses unsynced writes shows as a step
// back at the crash); the actor's value is then checked within an incarnation.
//
// When they run. By default after every event (`afterEvent`), over every node. With
// `on: ['kind', ...]` only when a node emits a ghost note of one of those kinds, and on
// that node only (`onNote`): cheaper when the protocol announces its changes by notes,
// but a change no such note follows goes unseen (until the end, for prefixStable).
//
// Cost, per check and per node: one `view.actor` call and the readers' calls, comparisons
// against the previous values kept in typed arrays, and no allocation unless something
// changed (a new set member or a newly frozen item is remembered, once).
//   neverDecreases  O(readers) per node.
//   growsOnly       O(size of the set) per node (every member is looked up): for big sets,
//                   use `on`.
//   prefixStable    O(1) per node, plus a rolling scrub of `scrubPerCheck` frozen items per
//                   check (default 4); O(frozen prefix) once per restart and at the end.
import type { ClusterView, DurableStorage, Invariant, NodeId, Note } from '../../sim/types.js';

export const nodeName = (n: NodeId): string => `n${n + 1}`;

/** When a per-node check runs: after every event over every node (default), or on notes of these kinds, for the noting node. */
export interface CheckTrigger {
  readonly on?: readonly string[];
}

/** Reads the durable copy of a value from a node's storage (undefined: nothing stored yet). */
export type DurableReader<T> = (storage: DurableStorage, node: NodeId) => T | undefined;

/** Reads a value from a live node's actor (undefined: no value here, skipped). */
export type Reader<A, T> = (actor: A, node: NodeId) => T | undefined;

/** The per-node part of a helper; `wire` turns it into an Invariant with the right hooks. */
abstract class PerNode<A> {
  /** Node count the per-node arrays are sized for. */
  protected size = -1;
  /** Size the per-node state for this view (once; the node count of a run never changes). */
  protected abstract resize(nodes: number): void;
  abstract node(view: ClusterView<A>, n: NodeId): string | undefined;
  /** After the per-node checks of one round (prefixStable's scrub). */
  after(_view: ClusterView<A>): string | undefined {
    return undefined;
  }

  all(view: ClusterView<A>): string | undefined {
    const nodes = view.nodeCount;
    const changed = view.changedNode;
    if (nodes !== this.size) this.resize((this.size = nodes));
    else if (changed !== undefined) {
      // Only that node can have changed since the last round: the others' checks would find what they found then.
      const bad = changed >= 0 ? this.node(view, changed) : undefined;
      return bad ?? this.after(view);
    }
    for (let n = 0; n < nodes; n++) {
      const bad = this.node(view, n);
      if (bad !== undefined) return bad;
    }
    return this.after(view);
  }

  one(view: ClusterView<A>, n: NodeId): string | undefined {
    const nodes = view.nodeCount;
    if (n >= nodes) return undefined;
    if (nodes !== this.size) this.resize((this.size = nodes));
    return this.node(view, n) ?? this.after(view);
  }
}

function wire<A>(name: string, trigger: CheckTrigger, impl: PerNode<A>, atEnd?: (view: ClusterView<A>) => string | undefined): Invariant<A> {
  const kinds = trigger.on;
  if (kinds !== undefined) {
    // The kernel hands onNote only the kinds in `notes` (sim/checks.ts indexes listeners by
    // kind; allOf filters its parts the same way): no second filter here.
    const onNote = (note: Note, view: ClusterView<A>): string | undefined => impl.one(view, note.node);
    return atEnd ? { name, notes: kinds, onNote, atEnd } : { name, notes: kinds, onNote };
  }
  const afterEvent = (view: ClusterView<A>): string | undefined => impl.all(view);
  return atEnd ? { name, afterEvent, atEnd } : { name, afterEvent };
}

function fill<T>(nodes: number, value: T): T[] {
  return new Array<T>(nodes).fill(value);
}

// ---------------------------------------------------------------------------------------

export interface NeverDecreasesOptions extends CheckTrigger {
  /**
   * false (default): volatile, checked within one incarnation; a restart may start lower.
   * true: the actor reads the value back from storage at start; a restarted node must not
   * show less than its previous incarnation last did.
   * A reader: the durable copy in `view.storage(node)` must never decrease, checked for
   * every node, crashed ones too; the actor's value is then checked within an incarnation.
   */
  readonly acrossRestarts?: boolean | DurableReader<number>;
  /** The value's name in messages (default: the invariant's name; the keys when `read` is a record). */
  readonly what?: string;
  /** How a value reads in messages (a ballot packed into a number as `3.n2`; default: the number). */
  readonly show?: (value: number) => string;
}

class NeverDecreases<A> extends PerNode<A> {
  private seen: Array<A | undefined> = [];
  /** Per node and reader (n * readers + j): the last value; -Infinity when none yet. */
  private last = new Float64Array(0);
  private lastDurable = new Float64Array(0);
  private restarted = new Uint8Array(0);

  constructor(
    private readonly readers: ReadonlyArray<Reader<A, number>>,
    private readonly names: readonly string[],
    private readonly carry: boolean,
    private readonly durable: DurableReader<number> | undefined,
    private readonly show: (value: number) => string,
  ) {
    super();
  }

  protected resize(nodes: number): void {
    this.seen = fill<A | undefined>(nodes, undefined);
    this.last = new Float64Array(nodes * this.readers.length).fill(-Infinity);
    this.lastDurable = new Float64Array(nodes).fill(-Infinity);
    this.restarted = new Uint8Array(nodes);
  }

  node(view: ClusterView<A>, n: NodeId): string | undefined {
    const durable = this.durable;
    if (durable !== undefined) {
      const d = durable(view.storage(n), n);
      if (d !== undefined) {
        const prev = this.lastDurable[n];
        if (d < prev) return `${nodeName(n)}'s durable ${this.names[0]} went from ${this.show(prev)} back to ${this.show(d)}`;
        this.lastDurable[n] = d;
      }
    }
    const actor = view.actor(n);
    if (actor === undefined) return undefined;
    const readers = this.readers;
    const k = readers.length;
    const base = n * k;
    if (actor !== this.seen[n]) this.incarnation(actor, n, base, k);
    const last = this.last;
    for (let j = 0; j < k; j++) {
      const v = readers[j](actor, n);
      if (v === undefined) continue;
      if (v < last[base + j]) return this.decreased(n, j, last[base + j], v);
      last[base + j] = v;
    }
    if (this.restarted[n] === 1) this.restarted[n] = 0;
    return undefined;
  }

  private incarnation(actor: A, n: NodeId, base: number, k: number): void {
    this.restarted[n] = this.seen[n] === undefined ? 0 : 1;
    this.seen[n] = actor;
    if (!this.carry) this.last.fill(-Infinity, base, base + k);
  }

  private decreased(n: NodeId, j: number, prev: number, v: number): string {
    const where = this.restarted[n] === 1 && this.carry ? 'across a restart (it is durable)' : 'within one incarnation';
    return `${nodeName(n)}'s ${this.names[j]} went from ${this.show(prev)} down to ${this.show(v)}, ${where}`;
  }
}

/**
 * "This per-node value never decreases". `read` gives it, or a record of readers checked
 * in one pass (`{ commitIndex: (a) => a.commitIndex, lastApplied: (a) => a.lastApplied }`,
 * the keys naming them in messages).
 */
export function neverDecreases<A>(
  name: string,
  read: Reader<A, number> | Readonly<Record<string, Reader<A, number>>>,
  options: NeverDecreasesOptions = {},
): Invariant<A> {
  const readers = typeof read === 'function' ? [read] : Object.values(read);
  const names = typeof read === 'function' ? [options.what ?? name] : Object.keys(read);
  const durable = typeof options.acrossRestarts === 'function' ? options.acrossRestarts : undefined;
  return wire(name, options, new NeverDecreases<A>(readers, names, options.acrossRestarts === true, durable, options.show ?? String));
}

// ---------------------------------------------------------------------------------------

export interface GrowsOnlyOptions extends CheckTrigger {
  /** As for neverDecreases: false (default), true (read back from storage at start), or a reader of the durable set. */
  readonly acrossRestarts?: boolean | DurableReader<Iterable<string>>;
  /** The set's name in messages (default: the invariant's name). */
  readonly what?: string;
}

/**
 * Members seen so far, each stamped with the last round that found it: a round counts the
 * members it finds again, and fewer than there were means one was removed. Repeated
 * members in the iterable count once.
 */
class GrowingSet {
  private readonly stamp = new Map<string, number>();
  private round = 0;

  /** Adds the new members of `current`; returns the first remembered member it lacks, if any. */
  update(current: Iterable<string>): string | undefined {
    const round = ++this.round;
    const before = this.stamp.size;
    let found = 0;
    for (const m of current) {
      const s = this.stamp.get(m);
      if (s === undefined) this.stamp.set(m, round);
      else if (s !== round) {
        this.stamp.set(m, round);
        found++;
      }
    }
    if (found === before) return undefined;
    for (const [m, s] of this.stamp) if (s !== round) return m;
    return undefined;
  }

  clear(): void {
    this.stamp.clear();
  }
}

class GrowsOnly<A> extends PerNode<A> {
  private seen: Array<A | undefined> = [];
  private sets: GrowingSet[] = [];
  private durableSets: GrowingSet[] = [];
  private restarted = new Uint8Array(0);

  constructor(
    private readonly read: Reader<A, Iterable<string>>,
    private readonly what: string,
    private readonly carry: boolean,
    private readonly durable: DurableReader<Iterable<string>> | undefined,
  ) {
    super();
  }

  protected resize(nodes: number): void {
    this.seen = fill<A | undefined>(nodes, undefined);
    this.sets = Array.from({ length: nodes }, () => new GrowingSet());
    this.durableSets = Array.from({ length: nodes }, () => new GrowingSet());
    this.restarted = new Uint8Array(nodes);
  }

  node(view: ClusterView<A>, n: NodeId): string | undefined {
    if (this.durable !== undefined) {
      const d = this.durable(view.storage(n), n);
      if (d !== undefined) {
        const lost = this.durableSets[n].update(d);
        if (lost !== undefined) return `${nodeName(n)}'s durable ${this.what} lost ${JSON.stringify(lost)}`;
      }
    }
    const actor = view.actor(n);
    if (actor === undefined) return undefined;
    if (actor !== this.seen[n]) {
      this.restarted[n] = this.seen[n] === undefined ? 0 : 1;
      this.seen[n] = actor;
      if (!this.carry) this.sets[n].clear();
    }
    const members = this.read(actor, n);
    if (members === undefined) return undefined;
    const lost = this.sets[n].update(members);
    if (lost !== undefined) {
      const where = this.restarted[n] === 1 && this.carry ? 'across a restart (it is durable)' : 'within one incarnation';
      return `${nodeName(n)}'s ${this.what} lost ${JSON.stringify(lost)}, ${where}`;
    }
    this.restarted[n] = 0;
    return undefined;
  }
}

/** "This per-node set only grows": `read` gives its members (undefined: no set here, skipped). */
export function growsOnly<A>(name: string, read: Reader<A, Iterable<string>>, options: GrowsOnlyOptions = {}): Invariant<A> {
  const durable = typeof options.acrossRestarts === 'function' ? options.acrossRestarts : undefined;
  return wire(name, options, new GrowsOnly<A>(read, options.what ?? name, options.acrossRestarts === true, durable));
}

// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------

/** Several invariants reported under one name: each hook runs the parts' in order; the first message wins. */
export function allOf<A>(name: string, parts: readonly Invariant<A>[]): Invariant<A> {
  const noting = parts.filter((p) => p.onNote !== undefined);
  const stepping = parts.filter((p) => p.afterEvent !== undefined);
  const ending = parts.filter((p) => p.atEnd !== undefined);
  const inv: { name: string; notes?: readonly string[] } & Partial<Invariant<A>> = { name };
  if (noting.length > 0) {
    // The note kinds the parts read: all of them once one part declares none (each part still sees only its own kinds).
    if (noting.every((p) => p.notes !== undefined)) inv.notes = [...new Set(noting.flatMap((p) => p.notes!))];
    inv.onNote = (note, view) => {
      for (const p of noting) {
        if (p.notes !== undefined && !p.notes.includes(note.kind)) continue;
        const bad = p.onNote!(note, view);
        if (bad !== undefined) return bad;
      }
      return undefined;
    };
  }
  if (stepping.length > 0) {
    inv.afterEvent = (view) => {
      for (const p of stepping) {
        const bad = p.afterEvent!(view);
        if (bad !== undefined) return bad;
      }
      return undefined;
    };
  }
  if (ending.length > 0) {
    inv.atEnd = (view) => {
      for (const p of ending) {
        const bad = p.atEnd!(view);
        if (bad !== undefined) return bad;
      }
      return undefined;
    };
  }
  return inv as Invariant<A>;
}
