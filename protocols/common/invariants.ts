// Invariant helpers every protocol can use: "this per-node value never decreases", "this
// per-node set only grows" (here), "this per-node prefix never changes" (./prefix-stable.ts),
// and allOf; their common base is ./per-node.ts. Each returns a fresh stateful
// Invariant<A>: build it inside the protocol's `invariants()`, one per run.
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
import type { ClusterView, Invariant, NodeId } from '../../sim/types.js';
import { fill, nodeName, PerNode, wire, type CheckTrigger, type DurableReader, type Reader } from './per-node.js';

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
