// A Multi-Paxos replica's snapshots (compaction): the KV store at the executed slot, written
// under SNAPSHOT_KEY before the acceptor forgets the slots it covers, both synced at once (a
// crash keeps a prefix of the writes in order, so a surviving forget always has its
// snapshot); then the learner drops those slots. A snapshot from elsewhere (a promise's state transfer,
// a leader's decisions) is installed the same way when it is above what we executed.
import type { MultiPaxosReplica } from './node.js';
import { snapshotNote } from './notes.js';
import { SNAPSHOT_KEY, type PromiseMsg, type ReplicaSnapshot } from './types.js';

/** Snapshot the KV store at the executed slot, durably; then the acceptor forgets, and the learner drops, the slots it covers. */
export function takeSnapshot(r: MultiPaxosReplica): void {
  const snap: ReplicaSnapshot = Object.freeze({ slot: r.executed, state: r.kv.snapshot() });
  saveSnapshot(r, snap);
  r.ctx.note('snapshot-taken', snapshotNote, snap.slot);
}

/** A snapshot above what we executed, from a promise or a leader's decisions: the KV store and the executed point become its. */
export function installSnapshot(r: MultiPaxosReplica, snap: ReplicaSnapshot): void {
  if (snap.slot <= r.executed) return;
  r.kv.restore(snap.state);
  r.executed = snap.slot;
  saveSnapshot(r, snap);
  r.ctx.note('snapshot-installed', snapshotNote, snap.slot);
}

/** A restart: the KV store and the executed point from the snapshot. */
export function restoreSnapshot(r: MultiPaxosReplica, snap: ReplicaSnapshot): void {
  r.kv.restore(snap.state);
  r.executed = snap.slot;
  r.snapshot = snap;
  dropLogTo(r, snap.slot);
  r.ctx.note('snapshot-loaded', snapshotNote, snap.slot);
}

/**
 * State transfer at the end of phase 1: the newest snapshot the quorum's promises carry (its
 * slots are chosen) becomes ours. True when one was installed (the caller executes what
 * follows it).
 */
export function adoptNewestSnapshot(r: MultiPaxosReplica, promises: ReadonlyArray<PromiseMsg | undefined>): boolean {
  let newest: ReplicaSnapshot | undefined;
  for (const p of promises) if (p?.snap !== undefined && (newest === undefined || p.snap.slot > newest.slot)) newest = p.snap;
  if (newest === undefined || newest.slot <= r.executed) return false;
  installSnapshot(r, newest);
  return true;
}

function saveSnapshot(r: MultiPaxosReplica, snap: ReplicaSnapshot): void {
  const st = r.ctx.storage;
  // The snapshot is written before the acceptor's forgetting, and one sync makes both durable
  // (as Raft's compaction does): a crash keeps a prefix of the writes, so never a forget without its snapshot.
  st.put(SNAPSHOT_KEY, snap);
  r.acceptor.forget(snap.slot);
  st.sync();
  r.snapshot = snap;
  dropLogTo(r, snap.slot);
}

/** The learner holds nothing at or below `slot` any more: log[0] stands for it. */
function dropLogTo(r: MultiPaxosReplica, slot: number): void {
  if (slot <= r.logBase) return;
  const drop = Math.min(slot - r.logBase, r.log.length - 1);
  r.log.splice(1, drop);
  r.logBase = slot;
}
