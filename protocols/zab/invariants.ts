// Zab's safety properties (DSN 2011 §III, and the invariants of the Zab TLA+ specification:
// PrimaryUniqueness, Integrity / Agreement / TotalOrder, LocalPrimaryOrder,
// GlobalPrimaryOrder, PrimaryIntegrity), as stateful invariants fed by ghost notes:
//   become-leader {epoch}          one-leader-per-epoch, primary-integrity
//   deliver {index, zxid, id}      delivered-prefix, primary-order, snapshot-committed
//   snapshot-taken / -loaded / -installed {count, zxid, id, delivered}
//                                  delivered-prefix, primary-order (a loaded or installed
//                                  snapshot moves the node's delivered point to count),
//                                  snapshot-committed
// monotonic-epochs reads every live node after every event (protocols/common).
// With snapshots (snapshotEvery) a node holds only the log above its snapshot: the
// invariants that read histories compare above the snapshot, and the snapshot's boundary
// (its count and last zxid) against what was delivered there.
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
  /** The first id, zxid and node delivered at each 1-based index. */
  private readonly ids: string[] = [];
  private readonly zxids: number[] = [];
  private readonly by: NodeId[] = [];
  /** Per node, the incarnation and the last index it delivered (a loaded or installed snapshot sets it). */
  private readonly last: number[] = [];
  private readonly actors: Array<ZabNode | undefined> = [];

  onNote(note: Note, view: ClusterView<ZabNode>): string | undefined {
    const n = note.node;
    if (note.kind === 'snapshot-loaded' || note.kind === 'snapshot-installed') {
      this.actors[n] = view.actor(n);
      this.last[n] = note.data.count as number;
      return undefined;
    }
    if (note.kind !== 'deliver') return undefined;
    const index = note.data.index as number;
    const id = note.data.id as string;
    const zxid = note.data.zxid as number;
    const actor = view.actor(n);
    if (actor !== this.actors[n]) {
      this.actors[n] = actor;
      this.last[n] = 0;
    }
    const after = this.last[n] ?? 0;
    if (index !== after + 1) return `${nodeName(n)} delivered index ${index} after index ${after}: not in order`;
    this.last[n] = index;
    const seen = this.ids[index];
    if (seen === undefined) {
      this.ids[index] = id;
      this.zxids[index] = zxid;
      this.by[index] = n;
      return undefined;
    }
    if (seen === id) return undefined;
    return `delivery ${index} was ${seen} (zxid ${zxidText(this.zxids[index])}) on ${nodeName(this.by[index])} but ${id} (zxid ${zxidText(zxid)}) on ${nodeName(n)}`;
  }
}

/**
 * A snapshot holds only committed (delivered) transactions: a node takes one at most at its
 * own delivered point, and every snapshot taken, loaded or installed ends, at its count, with
 * the transaction first delivered at that index (any peer). Bug `snapshot-uncommitted` fails
 * here at its first snapshot that reaches past what the node delivered.
 */
export class SnapshotCommitted implements Invariant<ZabNode> {
  readonly name = 'snapshot-committed';
  /** The first zxid delivered at each 1-based index (any peer). */
  private readonly zxids: number[] = [];

  onNote(note: Note): string | undefined {
    if (note.kind === 'deliver') {
      const index = note.data.index as number;
      if (this.zxids[index] === undefined) this.zxids[index] = note.data.zxid as number;
      return undefined;
    }
    if (note.kind !== 'snapshot-taken' && note.kind !== 'snapshot-loaded' && note.kind !== 'snapshot-installed') return undefined;
    const count = note.data.count as number;
    const z = note.data.zxid as number;
    const delivered = note.data.delivered as number;
    const what = note.kind === 'snapshot-taken' ? 'took' : note.kind === 'snapshot-loaded' ? 'loaded' : 'installed';
    if (note.kind === 'snapshot-taken' && count > delivered) {
      return `${nodeName(note.node)} took a snapshot of ${count} transactions (to zxid ${zxidText(z)}), above the ${delivered} it delivered: a snapshot holds only committed transactions`;
    }
    const want = this.zxids[count];
    if (want === undefined) return `${nodeName(note.node)} ${what} a snapshot of ${count} transactions (to zxid ${zxidText(z)}), which nobody delivered`;
    if (want !== z) return `${nodeName(note.node)} ${what} a snapshot of ${count} transactions to zxid ${zxidText(z)}, where zxid ${zxidText(want)} was delivered`;
    return undefined;
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
    const n = note.node;
    if (note.kind === 'snapshot-loaded' || note.kind === 'snapshot-installed') {
      // Delivery goes on from the snapshot's last transaction.
      this.actors[n] = view.actor(n);
      this.lastZxid[n] = note.data.zxid as number;
      return undefined;
    }
    if (note.kind !== 'deliver') return undefined;
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
    const d = a.durable;
    const h = d.history;
    // Hand-built states in tests may lack a snapshot (base 0).
    const base = (d.base as number | undefined) ?? 0;
    const length = base + h.length;
    const ids = this.ids;
    const m = this.proven(a, note.node);
    if (m.upto < base) {
      // The snapshot stands for the first `base` transactions: its last one is compared (snapshot-committed checks the rest).
      const i = base - 1;
      if (i < ids.length && epochOf(this.zxids[i]) < epoch && d.snapshot!.zxid !== this.zxids[i]) {
        return `${nodeName(note.node)} established in epoch ${epoch} with a snapshot of ${base} transactions to zxid ${zxidText(d.snapshot!.zxid)}, where ${ids[i]} (zxid ${zxidText(this.zxids[i])}) was delivered at ${base}`;
      }
      if (i < ids.length) m.upto = base;
    }
    for (let i = Math.max(m.upto, base); i < ids.length && epochOf(this.zxids[i]) < epoch; i++) {
      const t = h[i - base];
      if (i === m.upto && i < length && t.id === ids[i]) m.upto = i + 1;
      if (i >= length) return `${nodeName(note.node)} established in epoch ${epoch} without delivered transaction ${i + 1} (${ids[i]}, zxid ${zxidText(this.zxids[i])}): its history ends at ${length}`;
      if (t.id !== ids[i]) return `${nodeName(note.node)} established in epoch ${epoch} with ${t.id} at ${i + 1}, where ${ids[i]} (zxid ${zxidText(this.zxids[i])}) was delivered`;
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
    const length = ((actor.durable.base as number | undefined) ?? 0) + actor.durable.history.length;
    if (m.upto > length) m.upto = length;
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
  return [new OneLeaderPerEpoch(), new DeliveredPrefix(), new PrimaryOrder(), new PrimaryIntegrity(), new SnapshotCommitted(), monotonicEpochs()];
}
