// Zab's safety properties (DSN 2011 §III, and the invariants of the Zab TLA+ specification:
// PrimaryUniqueness, Integrity / Agreement / TotalOrder, LocalPrimaryOrder,
// GlobalPrimaryOrder, PrimaryIntegrity), as stateful invariants fed by ghost notes:
//   become-leader {epoch}          one-leader-per-epoch, primary-integrity
//   deliver {index, zxid, id}      delivered-prefix, primary-order
// monotonic-epochs reads every live node after every event (protocols/common).
import { AgreedSequence } from '../common/sequence.js';
import type { ClusterView, Invariant, NodeId, Note } from '../../sim/types.js';
import { neverDecreases, nodeName } from '../common/index.js';
import type { ZabNode } from './node.js';
import { counterOf, epochOf, zxidText } from './types.js';

/**
 * PrimaryUniqueness: at most one peer is ever established as leader of an epoch (a quorum
 * acknowledged its NEWLEADER), over the whole run, restarts included.
 */
export class OneLeaderPerEpoch implements Invariant<ZabNode> {
  readonly name = 'one-leader-per-epoch';
  private readonly leaders = new Map<number, NodeId>();

  onNote(note: Note): string | undefined {
    if (note.kind !== 'become-leader') return undefined;
    const epoch = note.data.epoch as number;
    const prev = this.leaders.get(epoch);
    if (prev === undefined) {
      this.leaders.set(epoch, note.node);
      return undefined;
    }
    if (prev === note.node) return undefined;
    return `epoch ${epoch} has two established leaders: ${nodeName(prev)} and ${nodeName(note.node)}`;
  }
}

/**
 * Integrity, Agreement and TotalOrder, as one prefix property: every peer delivers the same
 * sequence of transactions (each incarnation from the first, as the tree is volatile), so
 * any two delivered sequences are prefixes of one another. The first delivery at an index
 * fixes it for everyone.
 */
export class DeliveredPrefix implements Invariant<ZabNode> {
  readonly name = 'delivered-prefix';
  private readonly sequence = new AgreedSequence<ZabNode>();

  onNote(note: Note, view: ClusterView<ZabNode>): string | undefined {
    if (note.kind !== 'deliver') return undefined;
    const n = note.node;
    const index = note.data.index as number;
    const id = note.data.id as string;
    const zxid = note.data.zxid as number;
    const problem = this.sequence.add(n, view.actor(n), index, id, zxid);
    if (problem === undefined) return undefined;
    if (problem.kind === 'out-of-order') return `${nodeName(n)} delivered index ${index} after index ${problem.after}: not in order`;
    return `delivery ${index} was ${problem.first} (zxid ${zxidText(problem.extra as number)}) on ${nodeName(problem.by)} but ${id} (zxid ${zxidText(zxid)}) on ${nodeName(n)}`;
  }
}

/**
 * LocalPrimaryOrder and GlobalPrimaryOrder: along each peer's delivered sequence zxids go up
 * (transactions of an older epoch before those of a newer one), and within an epoch they are
 * the primary's proposals in its order, with none skipped: counter 1 first, then one more each.
 */
export class PrimaryOrder implements Invariant<ZabNode> {
  readonly name = 'primary-order';
  private readonly lastZxid: number[] = [];
  private readonly actors: Array<ZabNode | undefined> = [];

  onNote(note: Note, view: ClusterView<ZabNode>): string | undefined {
    if (note.kind !== 'deliver') return undefined;
    const n = note.node;
    const z = note.data.zxid as number;
    const actor = view.actor(n);
    if (actor !== this.actors[n]) {
      this.actors[n] = actor;
      this.lastZxid[n] = 0;
    }
    const prev = this.lastZxid[n] ?? 0;
    this.lastZxid[n] = z;
    if (z <= prev) return `${nodeName(n)} delivered zxid ${zxidText(z)} after ${zxidText(prev)}: zxids must increase`;
    const sameEpoch = epochOf(z) === epochOf(prev);
    const want = sameEpoch ? counterOf(prev) + 1 : 1;
    if (counterOf(z) !== want) {
      return `${nodeName(n)} delivered zxid ${zxidText(z)} after ${zxidText(prev)}: ${sameEpoch ? `skips ${epochOf(z)}.${want}` : `the first of epoch ${epochOf(z)} must be ${epochOf(z)}.1`}`;
    }
    return undefined;
  }
}

/**
 * PrimaryIntegrity: a leader of epoch e, when established, holds in its history every
 * transaction of an epoch below e that any peer has delivered so far, in the delivered order
 * (what was delivered is never lost). Those are a prefix of the delivered sequence, as
 * zxids increase along it. (A leader established late, after a newer epoch delivered, is
 * held only to the older epochs: its followers have moved on and it cannot commit.)
 */
export class PrimaryIntegrity implements Invariant<ZabNode> {
  readonly name = 'primary-integrity';
  /** The first id and zxid delivered at each index (any peer). */
  private readonly ids: string[] = [];
  private readonly zxids: number[] = [];
  /**
   * node -> what its last check proved of that incarnation's history: entries 0..upto-1 hold
   * the delivered ids (which never change once delivered). Lowered by a cut (DurableState.cuts).
   */
  private readonly matched: Array<{ actor: ZabNode; cuts: number; upto: number } | undefined> = [];

  onNote(note: Note, view: ClusterView<ZabNode>): string | undefined {
    if (note.kind === 'deliver') {
      const i = (note.data.index as number) - 1;
      if (i === this.ids.length) {
        this.ids.push(note.data.id as string);
        this.zxids.push(note.data.zxid as number);
      }
      return undefined;
    }
    if (note.kind !== 'become-leader') return undefined;
    const a = view.actor(note.node);
    if (a === undefined) return undefined;
    const epoch = note.data.epoch as number;
    const h = a.durable.history;
    const ids = this.ids;
    const m = this.proven(a, note.node);
    for (let i = m.upto; i < ids.length && epochOf(this.zxids[i]) < epoch; i++) {
      if (i === m.upto && i < h.length && h[i].id === ids[i]) m.upto = i + 1;
      if (i >= h.length) return `${nodeName(note.node)} established in epoch ${epoch} without delivered transaction ${i + 1} (${ids[i]}, zxid ${zxidText(this.zxids[i])}): its history ends at ${h.length}`;
      if (h[i].id !== ids[i]) return `${nodeName(note.node)} established in epoch ${epoch} with ${h[i].id} at ${i + 1}, where ${ids[i]} (zxid ${zxidText(this.zxids[i])}) was delivered`;
    }
    return undefined;
  }

  /** What this node's earlier checks proved of its history, brought up to date with its cuts (a new incarnation: nothing). */
  private proven(actor: ZabNode, node: NodeId): { actor: ZabNode; cuts: number; upto: number } {
    const cuts = actor.durable.cuts as readonly number[] | undefined;
    const m = this.matched[node];
    if (m === undefined || m.actor !== actor || cuts === undefined) return (this.matched[node] = { actor, cuts: cuts?.length ?? 0, upto: 0 });
    for (let i = m.cuts; i < cuts.length; i++) if (cuts[i] < m.upto) m.upto = cuts[i];
    m.cuts = cuts.length;
    if (m.upto > actor.durable.history.length) m.upto = actor.durable.history.length;
    return m;
  }
}

/** acceptedEpoch and currentEpoch never go down, across restarts too (both are durable), and currentEpoch <= acceptedEpoch. */
export function monotonicEpochs(): Invariant<ZabNode> {
  const inner = neverDecreases<ZabNode>(
    'monotonic-epochs',
    { acceptedEpoch: (a) => a.durable.acceptedEpoch, currentEpoch: (a) => a.durable.currentEpoch },
    { acrossRestarts: true },
  );
  return {
    name: 'monotonic-epochs',
    afterEvent(view) {
      const bad = inner.afterEvent!(view);
      if (bad !== undefined) return bad;
      for (let n = 0; n < view.nodeCount; n++) {
        const a = view.actor(n);
        if (a !== undefined && a.durable.currentEpoch > a.durable.acceptedEpoch) return `${nodeName(n)}'s currentEpoch ${a.durable.currentEpoch} is above its acceptedEpoch ${a.durable.acceptedEpoch}`;
      }
      return undefined;
    },
  };
}

export function zabInvariants(): Invariant<ZabNode>[] {
  return [new OneLeaderPerEpoch(), new DeliveredPrefix(), new PrimaryOrder(), new PrimaryIntegrity(), monotonicEpochs()];
}
