// Log compaction (Raft paper §7): a node's snapshot of its state machine at lastApplied,
// and a follower's installation of its leader's snapshot. Both write the snapshot under
// SNAPSHOT_KEY and discard the log prefix it covers (storage.logCompact), in one sync: a
// crash keeps a prefix of the writes in order, so the compaction survives only with the
// snapshot written before it. In memory the log keeps absolute indices: log[0] stands for
// the entry at lastIncludedIndex (its term only), log[i] is the entry at snapIndex + i.
import { AssertionError } from '../../sim/types.js';
import type { StateMachine } from './kv.js';
import type { RaftNode } from './node.js';
import { snapshotNote } from './notes.js';
import { SNAPSHOT_KEY, snapshotBase, type Snapshot, type SnapshotMsg } from './types.js';

/** The node's snapshot and log base become `snap`'s. */
export function setSnapshotBase(node: RaftNode<StateMachine>, snap: Snapshot): void {
  node.snapshot = snap;
  node.snapIndex = snap.index;
  node.snapTerm = snap.term;
  const base = snapshotBase(snap.index, snap.term);
  if (node.log.length === 0) node.log.push(base);
  else node.log[0] = base;
}

/** Snapshot the state machine at `index` (= lastApplied), make it durable, then discard the log prefix it covers. */
export function takeSnapshot(node: RaftNode<StateMachine>, index: number): void {
  const snap: Snapshot = Object.freeze({ index, term: node.termAt(index), state: node.kv.snapshot() });
  const st = node.ctx.storage;
  st.put(SNAPSHOT_KEY, snap);
  // Entry i is at storage index i-1: entries 1..index go.
  st.logCompact(index);
  st.sync();
  // Entries up to index - 1 go; the entry at index becomes log[0], the base setSnapshotBase writes.
  node.log.splice(0, index - node.snapIndex);
  setSnapshotBase(node, snap);
  node.ctx.note('snapshot-taken', snapshotNote, index, snap.term, node.commitIndex);
}

/**
 * InstallSnapshot's follower side (§7, Fig. 13), for a snapshot above the commit index (a
 * stale one is the caller's to ignore): keep the entries after lastIncludedIndex when the
 * log holds that entry with the same term, else discard the whole log; restore the state
 * machine; commitIndex and lastApplied move up to lastIncludedIndex.
 */
export function installSnapshot(node: RaftNode<StateMachine>, m: SnapshotMsg): void {
  if (!(m.index > node.commitIndex)) throw new AssertionError(`raft: installing a snapshot at ${m.index}, not above the commit index ${node.commitIndex}`);
  const st = node.ctx.storage;
  const snap: Snapshot = Object.freeze({ index: m.index, term: m.lastTerm, state: m.state });
  // In this order: a surviving snapshot never has the conflicting entries above it (they go
  // first; they are not in the leader's log, so not committed).
  const keep = m.index <= node.lastIndex && node.termAt(m.index) === m.lastTerm;
  if (!keep && st.logLength > m.index) st.logTruncate(m.index);
  st.put(SNAPSHOT_KEY, snap);
  st.logCompact(m.index);
  st.sync();
  if (keep) {
    node.log.splice(0, m.index - node.snapIndex);
  } else {
    node.logCuts.push(node.snapIndex + 1);
    node.log.length = 0;
  }
  setSnapshotBase(node, snap);
  node.kv.restore(m.state);
  node.commitIndex = node.lastApplied = m.index;
  node.ctx.note('snapshot-installed', snapshotNote, m.index, m.lastTerm, node.commitIndex);
}
