// The base of the per-node invariant helpers (./invariants.ts: neverDecreases, growsOnly;
// ./prefix-stable.ts: prefixStable): how a per-node check is sized, run over the changed node
// or every node after an event, or on the noting node, and wired into an Invariant. Their
// semantics and costs are in ./invariants.ts.
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
export abstract class PerNode<A> {
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

export function wire<A>(name: string, trigger: CheckTrigger, impl: PerNode<A>, atEnd?: (view: ClusterView<A>) => string | undefined): Invariant<A> {
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

export function fill<T>(nodes: number, value: T): T[] {
  return new Array<T>(nodes).fill(value);
}
