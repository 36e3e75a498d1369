// Raft log replication (§5.3, §5.4.2) and InstallSnapshot's message exchange (§7): the
// follower side (AppendEntries and snapshots accepted from a leader) and the leader side
// (what it sends, its replies, the commit rule). Functions of the RaftNode they act on
// (node.ts holds the state and dispatches to them; ./compaction.ts the snapshots themselves).
import type { NodeId } from '../../sim/types.js';
import { assert, AssertionError } from '../../sim/types.js';
import { installSnapshot } from './compaction.js';
import { becomeFollower } from './elections.js';
import type { StateMachine } from './kv.js';
import type { RaftNode } from './node.js';
import { commitNote } from './notes.js';
import { NONE, type AppendMsg, type AppendReplyMsg, type Entry, type SnapshotMsg, type SnapshotReplyMsg } from './types.js';

const EMPTY: readonly Entry[] = Object.freeze([]);

// ---------------------------------------------------------------------------------------
// Follower side

/** The term checks of AppendEntries and InstallSnapshot: false when the sender is a stale leader (or we lead this term). */
export function hearLeader(node: RaftNode<StateMachine>, from: NodeId, term: number): boolean {
  if (term < node.term) return false;
  if (term > node.term || node.role !== 'follower') {
    // Two leaders in one term happen only when election safety is already broken (a bug
    // variant); the election-safety invariant reports it. Keep leading.
    if (node.role === 'leader' && term === node.term) return false;
    becomeFollower(node, term, from);
  }
  node.leader = from;
  node.lastLeaderContactUs = node.ctx.now();
  node.contactSinceArmed = true;
  return true;
}

export function onAppend(node: RaftNode<StateMachine>, from: NodeId, m: AppendMsg): void {
  if (!hearLeader(node, from, m.term)) {
    // A stale leader: tell it our term so that it steps down.
    if (m.term < node.term) replyAppend(node, from, false, m.prevIndex, 0, -1, 0);
    return;
  }
  const last = node.lastIndex;
  if (m.prevIndex > last) {
    replyAppend(node, from, false, m.prevIndex, 0, -1, last + 1);
    return;
  }
  // Entries at or below snapIndex are committed and in our snapshot: start the comparison
  // at the boundary, whose term is lastIncludedTerm (§7).
  const entries = m.entries;
  let i = 0;
  let index = m.prevIndex + 1;
  if (m.prevIndex < node.snapIndex) {
    i = Math.min(entries.length, node.snapIndex - m.prevIndex);
    index = m.prevIndex + 1 + i;
  } else {
    const have = node.termAt(m.prevIndex);
    if (have !== m.prevTerm) {
      // Fast backup: name the conflicting term and the first index we hold of it.
      let first = m.prevIndex;
      while (first > node.snapIndex + 1 && node.termAt(first - 1) === have) first--;
      replyAppend(node, from, false, m.prevIndex, 0, have, first);
      return;
    }
  }
  // Skip entries we already hold (a stale or duplicated request must not truncate), then
  // truncate at the first conflict and append the rest.
  while (i < entries.length && index <= last && node.termAt(index) === entries[i].term) {
    i++;
    index++;
  }
  if (i < entries.length) {
    assert(index > node.commitIndex, 'a committed entry is never overwritten');
    writeEntries(node, index, entries, i);
    // Bug `ack-before-persist`: acknowledge now, make it durable at the next 'fsync' tick.
    if (!node.ctx.bug('ack-before-persist')) node.ctx.storage.sync();
  }
  const matched = m.prevIndex + entries.length;
  assert(node.lastIndex >= matched, 'after a successful append we hold everything the leader sent');
  if (m.commit > node.commitIndex) {
    const commit = Math.min(m.commit, matched);
    if (commit > node.commitIndex) {
      node.commitIndex = commit;
      node.applyCommitted();
    }
  }
  replyAppend(node, from, true, m.prevIndex, matched, -1, 0);
}

export function replyAppend(node: RaftNode<StateMachine>, to: NodeId, success: boolean, prevIndex: number, matchIndex: number, conflictTerm: number, conflictIndex: number): void {
  const reply: AppendReplyMsg = { type: 'append-reply', term: node.term, success, prevIndex, matchIndex, conflictTerm, conflictIndex };
  // A slow disk or a busy follower: the (already durable) answer goes out later.
  if (node.delayedReplies.length > 0 || node.ctx.buggify('delay-append-reply')) {
    if (node.delayedReplies.length === 0) node.ctx.setTimer('delayed-replies', node.ctx.random.int(1_000, node.opts.heartbeatUs));
    node.delayedReplies.push({ to, reply });
    return;
  }
  node.ctx.send(to, reply);
}

/** Put entries[from..] at index `at` (truncating whatever is there) in memory and in storage. */
export function writeEntries(node: RaftNode<StateMachine>, at: number, entries: readonly Entry[], from: number): void {
  const st = node.ctx.storage;
  if (at <= node.snapIndex) throw new AssertionError(`raft: a write at ${at}, at or below the snapshot at ${node.snapIndex}`);
  if (at <= node.lastIndex) {
    node.log.length = at - node.snapIndex;
    node.logCuts.push(at);
    st.logTruncate(at - 1);
  }
  for (let i = from; i < entries.length; i++) node.log.push(entries[i]);
  // At `at` explicitly: storage holds what the log holds, even if the log was cut behind its back.
  st.logAppend(entries, from, at - 1);
}

/** The leader's own append: durable before it counts itself (§5.3). */
export function appendLocal(node: RaftNode<StateMachine>, e: Entry): number {
  writeEntries(node, node.lastIndex + 1, [e], 0);
  node.ctx.storage.sync();
  return node.lastIndex;
}

// ---------------------------------------------------------------------------------------
// Leader side

export function broadcastAppend(node: RaftNode<StateMachine>): void {
  for (const p of node.ctx.peers) sendAppend(node, p);
}

export function sendAppend(node: RaftNode<StateMachine>, p: NodeId): void {
  const next = node.nextIndex[p];
  // §7: the entries it needs are discarded; send the snapshot instead (nextIndex moves on its reply).
  if (next <= node.snapIndex) {
    const snap = node.snapshot!;
    if (!node.ctx.buggify('drop-append')) node.ctx.send(p, { type: 'snapshot', term: node.term, index: snap.index, lastTerm: snap.term, state: snap.state });
    return;
  }
  const prevIndex = next - 1;
  const end = Math.min(node.lastIndex, prevIndex + node.opts.maxAppendEntries);
  const base = node.snapIndex;
  const entries = end > prevIndex ? node.log.slice(next - base, end - base + 1) : EMPTY;
  if (!(prevIndex >= 0 && entries.length <= node.opts.maxAppendEntries)) throw new AssertionError(`AppendEntries from ${next} within maxAppendEntries`);
  const msg: AppendMsg = { type: 'append', term: node.term, prevIndex, prevTerm: node.termAt(prevIndex), entries, commit: node.commitIndex };
  // An in-flight send lost inside the leader (a dropped connection): as if the network lost it.
  if (!node.ctx.buggify('drop-append')) node.ctx.send(p, msg);
  if (!node.probing[p]) node.nextIndex[p] = end + 1;
}

/**
 * A reply to this leader's AppendEntries or InstallSnapshot: a newer term turns it into a
 * follower; a stale term, or no longer leading, ignores it. Otherwise the peer counts as
 * active and the reply is the current term's (true).
 */
export function currentReply(node: RaftNode<StateMachine>, from: NodeId, term: number): boolean {
  if (term > node.term) {
    becomeFollower(node, term, NONE);
    return false;
  }
  if (term < node.term || node.role !== 'leader') return false;
  if (!node.active[from]) {
    node.active[from] = true;
    node.activeCount += 1;
  }
  return true;
}

export function onAppendReply(node: RaftNode<StateMachine>, from: NodeId, m: AppendReplyMsg): void {
  if (!currentReply(node, from, m.term)) return;
  if (m.success) {
    if (m.matchIndex > node.matchIndex[from]) {
      node.matchIndex[from] = m.matchIndex;
      if (m.matchIndex > node.commitIndex) maybeCommit(node);
    }
    if (node.nextIndex[from] <= m.matchIndex || node.probing[from]) node.nextIndex[from] = Math.max(node.nextIndex[from], m.matchIndex + 1);
    node.probing[from] = false;
    if (node.nextIndex[from] <= node.lastIndex && node.role === 'leader') sendAppend(node, from);
    return;
  }
  // Stale: below what the peer already acknowledged, or not the probe we are waiting for.
  if (m.prevIndex < node.matchIndex[from]) return;
  if (node.probing[from] && m.prevIndex !== node.nextIndex[from] - 1) return;
  node.probing[from] = true;
  node.nextIndex[from] = backedUpNext(node, from, m);
  sendAppend(node, from);
}

/** Fast backup (§5.3, last paragraphs): skip a whole conflicting term per round trip. */
export function backedUpNext(node: RaftNode<StateMachine>, from: NodeId, m: AppendReplyMsg): number {
  let next = m.conflictIndex;
  if (m.conflictTerm >= 0) {
    let i = Math.min(m.prevIndex, node.lastIndex);
    while (i > node.snapIndex && node.termAt(i) > m.conflictTerm) i--;
    if (i > node.snapIndex && node.termAt(i) === m.conflictTerm) next = i + 1;
  }
  next = Math.max(1, Math.min(next, node.lastIndex + 1));
  // The follower no longer holds what it acknowledged: only when acks run ahead of
  // durability (the ack-before-persist variant) and it restarted. Re-learn from there.
  if (next <= node.matchIndex[from]) node.matchIndex[from] = next - 1;
  return next;
}

/** §5.3/§5.4.2: commit the highest index stored on a majority, if it is from the current term. */
export function maybeCommit(node: RaftNode<StateMachine>): void {
  // The highest index that a majority (the leader included) holds: the largest match
  // value with at least `majority` values >= it. Clusters are small: O(n^2), no sort.
  const m = node.matchIndex;
  const self = node.ctx.id;
  const last = node.lastIndex;
  let n = 0;
  for (let i = 0; i < m.length; i++) {
    const v = i === self ? last : m[i];
    if (v <= n || v <= node.commitIndex) continue;
    let count = 0;
    for (let j = 0; j < m.length; j++) if ((j === self ? last : m[j]) >= v) count++;
    if (count >= node.majority) n = v;
  }
  if (n <= node.commitIndex) return;
  // Bug `figure-8`: count replicas of an earlier term's entry as committing it.
  if (node.termAt(n) !== node.term && !node.ctx.bug('figure-8')) return;
  for (let i = node.commitIndex + 1; i <= n; i++) node.ctx.note('commit', commitNote, i, node.termAt(i));
  node.commitIndex = n;
  node.applyCommitted();
}

/** InstallSnapshot, follower side (§7, Fig. 13). */
export function onSnapshot(node: RaftNode<StateMachine>, from: NodeId, m: SnapshotMsg): void {
  if (!hearLeader(node, from, m.term)) {
    if (m.term < node.term) node.ctx.send(from, { type: 'snapshot-reply', term: node.term, index: 0 });
    return;
  }
  // A snapshot of what we have committed already (a stale or duplicated message): nothing
  // to install; lastApplied never moves back, nor the state machine with it.
  if (m.index <= node.commitIndex) {
    node.ctx.send(from, { type: 'snapshot-reply', term: node.term, index: m.index });
    return;
  }
  installSnapshot(node, m);
  node.ctx.send(from, { type: 'snapshot-reply', term: node.term, index: m.index });
}

/** InstallSnapshot, leader side: the follower holds everything through `index`. */
export function onSnapshotReply(node: RaftNode<StateMachine>, from: NodeId, m: SnapshotReplyMsg): void {
  if (!currentReply(node, from, m.term)) return;
  if (m.index > node.matchIndex[from]) {
    node.matchIndex[from] = m.index;
    if (m.index > node.commitIndex) maybeCommit(node);
  }
  if (node.nextIndex[from] <= m.index) {
    node.nextIndex[from] = m.index + 1;
    node.probing[from] = false;
    if (node.role === 'leader' && node.nextIndex[from] <= node.lastIndex) sendAppend(node, from);
  }
}
