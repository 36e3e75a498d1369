// How Raft's invariants read a node's (possibly compacted) log, and the snapshot point per
// node whose least over the cluster keeps their per-index records bounded (the floor and the
// index window: protocols/common/snapshot.ts). Logs are compacted (§7): a node holds entries
// snapIndex..lastIndex, log[0] standing for the entry at snapIndex (its term only).
// Hand-built states in tests may lack snapIndex (0).
import type { ClusterView, NodeId } from '../../sim/types.js';
import { SnapshotFloor } from '../common/index.js';
import type { RaftNode } from './node.js';
import { HARD_STATE_KEY, SNAPSHOT_KEY, type Entry, type HardState, type Snapshot } from './types.js';

export const nodeName = (n: NodeId): string => `n${n + 1}`;

export const startOf = (a: RaftNode): number => (a.snapIndex as number | undefined) ?? 0;
export const lastOf = (a: RaftNode): number => startOf(a) + a.log.length - 1;
/** The entry at absolute `index`: undefined when compacted or past the end. */
export const entryOf = (a: RaftNode, index: number): Entry | undefined => {
  const start = startOf(a);
  return index < start ? undefined : a.log[index - start];
};

/**
 * A node's snapshot point, for the cluster's snapshot floor (protocols/common SnapshotFloor,
 * raftSnapshotFloor): the lower of its live actor's (`snapIndex`) and its durable
 * snapshot's (what a restart starts from), a crashed node's by its storage alone. Every node
 * holds its log from its snapshot's index up, and applies, commits, snapshots and (as a
 * leader) is checked only above it or at it: a per-index record below the least point over
 * the nodes is never read again. Snapshots only move up (each is synced before the log below
 * it goes), so neither does the floor.
 */
export function snapshotPoint(view: ClusterView<RaftNode>, node: NodeId): number {
  const durable = view.storage(node).get<Snapshot>(SNAPSHOT_KEY)?.index ?? 0;
  const a = view.actor(node);
  return a === undefined ? durable : Math.min(durable, startOf(a));
}

/** The snapshot floor Raft's per-index invariants read (one per run, shared: raftInvariants). */
export const raftSnapshotFloor = (): SnapshotFloor<ClusterView<RaftNode>> => new SnapshotFloor<ClusterView<RaftNode>>(snapshotPoint);

/**
 * The lowest term any node can still vote, be voted for or become leader in: per node the
 * lower of its live actor's term and its durable term (a restart starts from at least the
 * durable one), crashed nodes by their storage alone. A node's term only rises within an
 * incarnation, and the durable term only rises (monotonic-term), so below this floor no
 * vote or election is noted again. A node that never persisted a term (volatile-vote)
 * holds it at 0.
 */
export function termFloor(view: ClusterView<RaftNode>): number {
  let floor = Infinity;
  for (let n = 0; n < view.nodeCount; n++) {
    const durable = view.storage(n).get<HardState>(HARD_STATE_KEY)?.term ?? 0;
    const a = view.actor(n);
    const t = a === undefined ? durable : Math.min(durable, a.term);
    if (t < floor) floor = t;
  }
  return floor === Infinity ? 0 : floor;
}

/** Per-term records are pruned once per this many new terms. */
export const FORGET_TERMS_EVERY = 64;

/** Delete the keys below `floor` from a map keyed by term. */
export function forgetTermsBelow(byTerm: Map<number, unknown>, floor: number): void {
  for (const term of byTerm.keys()) if (term < floor) byTerm.delete(term);
}
