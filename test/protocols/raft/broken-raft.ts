// Test-only broken Rafts: the real RaftNode with one classic implementation mistake added
// on top, each the kind of bug one of the new invariants exists to catch at its first
// wrong step. Not shipped as bug variants (they are not in BUGS.md): they only show that
// the checks can fail. Each is a subclass that corrects nothing and changes one thing
// after the real handler ran.
import type { NodeContext, NodeId, Protocol } from '../../../sim/types.js';
import { raft } from '../../../protocols/raft/index.js';
import { roundWon } from '../../../protocols/raft/elections.js';
import { RaftNode } from '../../../protocols/raft/node.js';
import { parseRaftOptions, type RaftOptions } from '../../../protocols/raft/options.js';
import type { RaftMsg } from '../../../protocols/raft/types.js';

/**
 * monotonic-commit: a follower sets commitIndex from every AppendEntries of its leader's
 * term, `commitIndex = min(leaderCommit, lastNewEntry)` without the max, so a reordered
 * or duplicated older request moves it back (Fig. 2 says "if leaderCommit > commitIndex").
 */
export class StaleCommitRaft extends RaftNode {
  override onMessage(from: NodeId, msg: RaftMsg): void {
    super.onMessage(from, msg);
    if (msg.type !== 'append' || msg.term !== this.term || this.role !== 'follower' || this.entryAt(msg.prevIndex)?.term !== msg.prevTerm) return;
    const commit = Math.min(msg.commit, msg.prevIndex + msg.entries.length);
    if (commit < this.commitIndex) this.commitIndex = commit;
  }
}

/**
 * committed-prefix-stable: a follower that accepts an AppendEntries drops every entry after
 * the request's last one (Fig. 2's "delete the existing entry and all that follow it"
 * applied without the conflict), so a delayed or duplicated request cuts off entries it
 * already committed.
 */
export class TruncatingRaft extends RaftNode {
  override onMessage(from: NodeId, msg: RaftMsg): void {
    super.onMessage(from, msg);
    if (msg.type !== 'append' || msg.term !== this.term || this.role !== 'follower') return;
    const end = msg.prevIndex + msg.entries.length;
    if (end < this.lastIndex && end >= this.snapIndex && this.entryAt(msg.prevIndex)?.term === msg.prevTerm) this.log.length = end + 1 - this.snapIndex;
  }
}

/**
 * leader-quorum: a candidate tallies granted replies, not voters: each grant counts twice
 * (as a tally that counts retransmitted and duplicated replies does, at worst), so two
 * voters and itself make a "majority" of five.
 */
export class DoubleCountRaft extends RaftNode {
  override onMessage(from: NodeId, msg: RaftMsg): void {
    super.onMessage(from, msg);
    if (msg.type !== 'vote-reply' || msg.pre || !msg.granted || this.role !== 'candidate' || msg.term !== this.term) return;
    this.grantedCount += 1;
    if (this.grantedCount >= this.majority) roundWon(this);
  }
}

function brokenRaft(name: string, Node: new (ctx: NodeContext<RaftMsg>, opts: RaftOptions) => RaftNode): Protocol<RaftMsg, RaftNode> {
  return { ...raft, name, bugs: [], createActor: (ctx, options) => new Node(ctx, parseRaftOptions(options)) };
}

export const staleCommitRaft = brokenRaft('raft-stale-commit', StaleCommitRaft);
export const truncatingRaft = brokenRaft('raft-truncating', TruncatingRaft);
export const doubleCountRaft = brokenRaft('raft-double-count', DoubleCountRaft);
