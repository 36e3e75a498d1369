// What the protocols' invariants share about snapshots (compaction): which notes mark one,
// the snapshot floor (the least snapshot point over the nodes: below it no node applies,
// commits or is checked again) and the per-index window that keeps their records bounded
// by forgetting below that floor. Raft, Zab and Multi-Paxos read their own snapshot point
// per node (SnapshotFloor's reader); the rest is here.
import type { NodeId, Note } from '../../sim/types.js';

/** What a floor needs of the cluster view: the node count (its reader reads each node). */
export interface FloorView {
  readonly nodeCount: number;
}

/** The notes a snapshot taken, loaded (a restart) or installed (from a peer) leaves. */
export const isSnapshotNote = (kind: string): boolean => kind === 'snapshot-taken' || kind === 'snapshot-loaded' || kind === 'snapshot-installed';

/**
 * The least snapshot point over the nodes, each as last seen: per node the highest point its
 * reader gave (undefined: nothing to read now, e.g. a crashed node, whose last reading
 * stands). A node's snapshot never goes back, across restarts too, so neither does `point`.
 * One floor may serve several invariants of a run: `at` reads the nodes once per note.
 */
export class SnapshotFloor<V extends FloorView> {
  /** The floor as last computed (0 before any snapshot). */
  point = 0;
  private readonly seen: number[] = [];
  /** The data of the note `at` last computed the floor for (note data is a fresh object per note). */
  private lastData: unknown = undefined;

  constructor(private readonly read: (view: V, node: NodeId) => number | undefined) {}

  /** Re-read every node; the floor, which never goes down. */
  update(view: V): number {
    let min = Number.MAX_SAFE_INTEGER;
    for (let n = 0; n < view.nodeCount; n++) {
      const p = this.read(view, n);
      const seen = this.seen[n] ?? 0;
      if (p !== undefined && p > seen) this.seen[n] = p;
      const s = this.seen[n] ?? 0;
      if (s < min) min = s;
    }
    if (view.nodeCount > 0 && min > this.point) this.point = min;
    return this.point;
  }

  /** The floor at this note: computed at its first call for the note, then read back (the invariants that share it see one state). */
  at(note: Note, view: V): number {
    if (note.data !== this.lastData) {
      this.lastData = note.data;
      this.update(view);
    }
    return this.point;
  }
}

/** Records are dropped in batches of at least this many indexes (a splice per batch, not per index). */
export const FORGET_BATCH = 256;

/**
 * Per-index records from `base` up, in parallel arrays owned by the caller (index i at slot
 * i - base): what lies below base is forgotten. `forgetBelow` raises base as the snapshot
 * floor rises, so what a check holds is the span from the lowest snapshot to the highest
 * index it has seen, not the whole log.
 */
export class IndexWindow {
  /** The lowest index still held. */
  base = 0;

  constructor(private readonly columns: ReadonlyArray<unknown[]>) {}

  /** Drop the records below `floor`, in batches of FORGET_BATCH at least: base becomes floor (past what is held, too). */
  forgetBelow(floor: number): void {
    const drop = floor - this.base;
    if (drop < FORGET_BATCH) return;
    for (const c of this.columns) c.splice(0, Math.min(drop, c.length));
    this.base = floor;
  }

  /** How many indexes the window spans (for tests and benches: bounded over a long run). */
  get held(): number {
    let most = 0;
    for (const c of this.columns) if (c.length > most) most = c.length;
    return most;
  }

  /** One past the highest index held (base when nothing is). */
  get end(): number {
    return this.base + this.held;
  }
}
