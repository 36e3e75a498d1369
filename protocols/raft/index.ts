// Raft with a key-value state machine.
//
// Leader election with randomised timeouts, PreVote and CheckQuorum; log replication with
// fast backup (conflict term and index in AppendEntries replies); the §5.4.2 commit rule;
// a no-op at the start of every term; currentTerm, votedFor and the log synced to storage
// before any vote or acknowledgement; a KV state machine (get, put, append, cas) with
// client sessions for exactly-once application. Reads go through the log. Only the leader
// answers clients, once the entry is committed and applied; others redirect.
//
// Options (a scenario's `protocol.options`; durations are integer microseconds, written
// with units in YAML: `electionTimeoutUs: [150ms, 300ms]`):
//   electionTimeoutUs      [min, max]  randomised election timeout          default [150ms, 300ms]
//   heartbeatUs            duration    leader heartbeat period (< min)      default 50ms
//   preVote                boolean     PreVote before raising the term      default true
//   checkQuorum            boolean     a leader without a majority for one
//                                      election timeout steps down, and
//                                      followers ignore higher-term votes
//                                      while their leader is live           default true
//   livenessBoundUs        duration    liveness: ops must complete within
//                                      this long after faults stop          default 5s
//   maxAppendEntries       integer     most entries per AppendEntries       default 64
//   fsyncIntervalUs        duration    background sync period of the
//                                      ack-before-persist variant           default 100ms
//   logMatchingEveryEvents integer     log-matching compares one pair of
//                                      logs every this many events          default 256
//   snapshotEvery          integer     log compaction (§7): snapshot once
//                                      this many applied entries sit above
//                                      the last snapshot; 0 never           default 256
//
// cas answers ok with value true when it swapped, and fail ('cas mismatch') when the
// current value was not the expected one (the swap definitely did not happen).
//
// Ghost notes: become-leader {term}, commit {index, term} (leader, once per index),
// apply {index, term, command-id}, role {role, term}, vote {term, candidate} (every vote
// granted, a candidate's vote for itself included; never a pre-vote), snapshot-taken and
// snapshot-installed {index, term, commit-index}.
//
// Invariants (./invariants.ts): election-safety, log-matching, state-machine-safety,
// committed-never-lost, monotonic-term, and five that catch a bug at its first wrong step
// rather than at its consequence:
//   monotonic-commit         per node, commitIndex and lastApplied never go down within one
//                            incarnation (both are volatile here: a restart starts from the
//                            snapshot's lastIncludedIndex, or 0).
//   committed-prefix-stable  per node, no log entry at or below its commitIndex is ever
//                            removed or replaced; the log is durable (synced before any ack),
//                            so a restarted node must still hold every entry it had committed.
//   vote-once                no node votes for two candidates in one term, across restarts
//                            (votedFor is durable): volatile-vote fails here at the second vote.
//   leader-quorum            every become-leader rests on votes from a majority of distinct
//                            nodes for that candidate in that term (its own vote included).
//   commit-current-term      a leader advances its commit index only to an entry of its own
//                            term (§5.4.2): figure-8 fails here when it counts an older
//                            entry's replicas, before any later leader overwrites it.
//   snapshot-committed       a snapshot's lastIncludedIndex is at most the node's commit
//                            index when taken, and its term is the committed one (§7):
//                            snapshot-uncommitted fails here at its first snapshot.
// Over compacted logs, log-matching and committed-never-lost compare only indices both
// nodes still hold, a snapshot's covered prefix counting as committed.
// monotonic-commit, committed-prefix-stable and commit-current-term read, after every
// event, the node it can have changed (ClusterView.changedNode; every live node after
// faults), O(1) each; vote-once and leader-quorum watch notes. Per-index and per-term
// records are kept only above the lowest snapshot and the lowest term in the cluster, so
// the checks' memory stays flat over long runs. Liveness (./liveness.ts): `liveness` - at the end
// a live leader whose term a majority shares; no leader elected later than livenessBoundUs
// after faults stop (leadership settles); within livenessBoundUs of faults stopping some
// operation completes ok; no operation invoked after that goes unanswered (ok, or a
// definite fail) for longer than livenessBoundUs.
import type { Protocol } from '../../sim/types.js';
import { raftInvariants } from './invariants.js';
import { raftLiveness } from './liveness.js';
import { RaftNode } from './node.js';
import { parseRaftOptions } from './options.js';
import type { RaftMsg } from './types.js';

export const raft: Protocol<RaftMsg, RaftNode> = {
  name: 'raft',
  description: 'Raft (PreVote, CheckQuorum, fast backup) replicating a key-value store with client sessions',
  bugs: [
    { name: 'figure-8', description: 'commits an earlier term\'s entry by counting replicas (drops the §5.4.2 current-term check)' },
    { name: 'volatile-vote', description: 'currentTerm and votedFor kept in memory only: a restarted voter votes twice in one term' },
    { name: 'no-prevote', description: 'no PreVote and no CheckQuorum stickiness: a node with a flaky link keeps deposing healthy leaders' },
    { name: 'local-read', description: 'the leader answers get from its own state without confirming it still leads (stale reads)' },
    { name: 'ack-before-persist', description: 'followers acknowledge AppendEntries before syncing (synced on a periodic fsync timer)' },
    { name: 'no-dedup', description: 'no client session table: a retried command is applied twice' },
    { name: 'snapshot-uncommitted', description: 'a snapshot covers the whole log, uncommitted tail included (applied early, then compacted away)' },
  ],
  roles: [{ name: 'server', count: 3, description: 'a Raft peer: follower, candidate or leader' }],
  model: 'kv',
  workload: 'kv',
  createActor: (ctx, options) => new RaftNode(ctx, parseRaftOptions(options)),
  invariants: (options) => raftInvariants(parseRaftOptions(options)),
  liveness: (options) => raftLiveness(parseRaftOptions(options)),
  coverageKey: raftCoverageKey,
};

/**
 * Guided fuzzing's abstract state of a Raft node: its role, how far its term moved since
 * its last summary (0, 1, or more: a jump means it missed elections), and whether its
 * commit index moved back (only a restart does that).
 */
export function raftCoverageKey(summary: Record<string, unknown>, previous: Record<string, unknown> | undefined): string {
  const term = Number(summary.term ?? 0);
  const commit = Number(summary.commitIndex ?? 0);
  const dterm = previous === undefined ? 0 : Math.min(2, Math.max(0, term - Number(previous.term ?? 0)));
  const back = previous !== undefined && commit < Number(previous.commitIndex ?? 0) ? ':commit-back' : '';
  return `${String(summary.role)}:dt${dterm}${back}`;
}

export { RaftNode } from './node.js';
export { parseRaftOptions, defaultRaftOptions, RaftOptionError, type RaftOptions } from './options.js';
export type { Entry, RaftMsg, Role } from './types.js';
export type { StateMachine } from './kv.js';
