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
// (its count and last zxid) against what was delivered there. A server delivers only above
// its snapshot, and its snapshot never goes back (across restarts too), so what the
// invariants record per index is trimmed below the least snapshot over the servers (as last
// seen): it stays bounded on a long run (protocols/common: SnapshotFloor, IndexWindow,
// AgreedSequence).
import type { ClusterView, Invariant, NodeId, Note } from '../../sim/types.js';
import { AgreedSequence, IndexWindow, isSnapshotNote, neverDecreases, nodeName, SnapshotFloor } from '../common/index.js';
import type { ZabNode } from './node.js';
import { counterOf, epochOf, zxidText } from './types.js';

/** The least snapshot count over the servers, each as last seen (a server's snapshot never goes back); one per run, shared. */
export const zabSnapshotFloor = (): SnapshotFloor<ClusterView<ZabNode>> =>
  // Hand-built states in tests may lack a snapshot (base undefined).
  new SnapshotFloor<ClusterView<ZabNode>>((view, n) => view.actor(n)?.durable.base as number | undefined);

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
  /** Per node its incarnation and last delivered index (a loaded or installed snapshot sets it); the first id, zxid and node at each 1-based index. */
  private readonly sequence = new AgreedSequence<ZabNode>();

  /** `floor`: the run's snapshot floor, shared with the other invariants that trim (zabInvariants). */
  constructor(private readonly floor: SnapshotFloor<ClusterView<ZabNode>> = zabSnapshotFloor()) {}

  onNote(note: Note, view: ClusterView<ZabNode>): string | undefined {
    const n = note.node;
    if (isSnapshotNote(note.kind)) {
      if (note.kind !== 'snapshot-taken') this.sequence.restartAt(n, view.actor(n), note.data.count as number);
      // Servers deliver only above their snapshots.
      this.sequence.forgetBelow(this.floor.at(note, view) + 1);
      return undefined;
    }
    if (note.kind !== 'deliver') return undefined;
    const index = note.data.index as number;
    const id = note.data.id as string;
    const zxid = note.data.zxid as number;
    const problem = this.sequence.add(n, view.actor(n), index, id, zxid);
    if (problem === undefined) return undefined;
    if (problem.kind === 'out-of-order') return `${nodeName(n)} delivered index ${index} after index ${problem.after}: not in order`;
    return `delivery ${index} was ${problem.first} (zxid ${zxidText(problem.extra as number)}) on ${nodeName(problem.by)} but ${id} (zxid ${zxidText(zxid)}) on ${nodeName(n)}`;
  }

  get held(): number {
    return this.sequence.held;
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
  /** By 1-based index - window.base: the first zxid delivered there (any peer). */
  private readonly zxids: Array<number | undefined> = [];
  private readonly window = new IndexWindow([this.zxids]);

  /** `floor`: the run's snapshot floor, shared with the other invariants that trim (zabInvariants). */
  constructor(private readonly floor: SnapshotFloor<ClusterView<ZabNode>> = zabSnapshotFloor()) {}

  onNote(note: Note, view?: ClusterView<ZabNode>): string | undefined {
    if (note.kind === 'deliver') {
      const slot = (note.data.index as number) - this.window.base;
      if (slot >= 0) this.zxids[slot] ??= note.data.zxid as number;
      return undefined;
    }
    if (!isSnapshotNote(note.kind)) return undefined;
    const problem = this.check(note);
    // Every later snapshot is at or above the least one (a loaded one equals it). Never past what is held.
    if (view !== undefined) this.window.forgetBelow(Math.min(this.floor.at(note, view), this.window.end));
    return problem;
  }

  get held(): number {
    return this.window.held;
  }

  private check(note: Note): string | undefined {
    const count = note.data.count as number;
    const z = note.data.zxid as number;
    const delivered = note.data.delivered as number;
    const what = note.kind === 'snapshot-taken' ? 'took' : note.kind === 'snapshot-loaded' ? 'loaded' : 'installed';
    if (note.kind === 'snapshot-taken' && count > delivered) {
      return `${nodeName(note.node)} took a snapshot of ${count} transactions (to zxid ${zxidText(z)}), above the ${delivered} it delivered: a snapshot holds only committed transactions`;
    }
    const slot = count - this.window.base;
    const want = slot < 0 ? undefined : this.zxids[slot];
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
  /** By 0-based index - window.base: the first id and zxid delivered there (any peer), with no gaps. */
  private readonly ids: string[] = [];
  private readonly zxids: number[] = [];
  private readonly window = new IndexWindow([this.ids, this.zxids]);
  /**
   * node -> what its last check proved of that incarnation's history: entries 0..upto-1 hold
   * the delivered ids (which never change once delivered). Lowered by a cut (DurableState.cuts).
   */
  private readonly matched: Array<{ actor: ZabNode; cuts: number; upto: number } | undefined> = [];

  /** `floor`: the run's snapshot floor, shared with the other invariants that trim (zabInvariants). */
  constructor(private readonly floor: SnapshotFloor<ClusterView<ZabNode>> = zabSnapshotFloor()) {}

  onNote(note: Note, view: ClusterView<ZabNode>): string | undefined {
    if (note.kind === 'deliver') {
      if ((note.data.index as number) - 1 === this.window.end) {
        this.ids.push(note.data.id as string);
        this.zxids.push(note.data.zxid as number);
      }
      return undefined;
    }
    if (isSnapshotNote(note.kind)) {
      // A leader's history is compared from its snapshot's last transaction (base - 1) up; never past what is held (deliveries append at the end).
      this.window.forgetBelow(Math.min(this.floor.at(note, view) - 1, this.window.end));
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
    const { ids, zxids } = this;
    const from = this.window.base;
    const end = this.window.end;
    const m = this.proven(a, note.node);
    if (m.upto < base) {
      // The snapshot stands for the first `base` transactions: its last one is compared (snapshot-committed checks the rest).
      const i = base - 1;
      if (i >= from && i < end) {
        const z = zxids[i - from];
        if (epochOf(z) < epoch && d.snapshot!.zxid !== z) {
          return `${nodeName(note.node)} established in epoch ${epoch} with a snapshot of ${base} transactions to zxid ${zxidText(d.snapshot!.zxid)}, where ${ids[i - from]} (zxid ${zxidText(z)}) was delivered at ${base}`;
        }
      }
      if (i < end) m.upto = base;
    }
    // Below `from` is trimmed: below every snapshot.
    for (let i = Math.max(m.upto, base, from); i < end; i++) {
      const id = ids[i - from];
      const z = zxids[i - from];
      if (epochOf(z) >= epoch) break;
      const t = h[i - base];
      if (i === m.upto && i < length && t.id === id) m.upto = i + 1;
      if (i >= length) return `${nodeName(note.node)} established in epoch ${epoch} without delivered transaction ${i + 1} (${id}, zxid ${zxidText(z)}): its history ends at ${length}`;
      if (t.id !== id) return `${nodeName(note.node)} established in epoch ${epoch} with ${t.id} at ${i + 1}, where ${id} (zxid ${zxidText(z)}) was delivered`;
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
  // One snapshot floor per run: computed once per snapshot note, for the three that trim by it.
  const floor = zabSnapshotFloor();
  return [new OneLeaderPerEpoch(), new DeliveredPrefix(floor), new PrimaryOrder(), new PrimaryIntegrity(floor), new SnapshotCommitted(floor), monotonicEpochs()];
}
