// Zab, ZooKeeper's atomic broadcast (Junqueira, Reed & Serafini, "Zab: High-performance
// broadcast for primary-backup systems", DSN 2011; Medeiros, "ZooKeeper's atomic broadcast
// protocol: Theory and practice", 2012), replicating a ZooKeeper-like data tree.
//
// Every node is a `server`, in one of three roles:
//   looking    phase 0, leader election (./election.ts): votes ordered by (last zxid, id);
//   leading    phases 1-3 on the leader's side (./leader.ts);
//   following  phases 1-3 on the follower's side (./follower.ts).
// Phase 1, discovery: CEPOCH, NEWEPOCH (an epoch above every acceptedEpoch of a quorum),
// ACK-E (with currentEpoch and history; the leader adopts the most up-to-date one). Phase
// 2, synchronisation: DIFF, TRUNC or SNAP (./sync.ts), then NEWLEADER, ACK-LD, COMMIT-LD.
// Phase 3, broadcast: PROPOSE, ACK, COMMIT, with zxid = (epoch, counter) (./types.ts).
// Durable (./durable.ts): acceptedEpoch, currentEpoch and the history, synced before the
// message that acknowledges them. The delivered state, a data tree with sessions and
// ephemeral nodes (./tree.ts), is volatile: a restarted server delivers its history again
// once synced. Only the established leader serves clients: every operation, get included, is
// proposed and answered once delivered (reads go through the leader's broadcast, like a
// `sync` before each read); with `followerReads: true` followers in broadcast answer get
// from their own tree (ZooKeeper's default: not linearizable). A session the leader has not
// heard from for sessionTimeoutUs is closed by a closeSession transaction: its ephemeral
// nodes are deleted.
//
// Options (a scenario's `protocol.options`; durations in microseconds, with units in YAML):
//   tickUs            duration  pings, re-sends and retransmissions          default 20ms
//   syncLimitUs       duration  silence after which a follower (or a leader
//                               without a quorum) goes back to election       default 200ms
//   initLimitUs       duration  discovery + sync must establish within this    default 600ms
//   finalizeWaitUs    duration  an election waits this long for better votes   default 30ms
//   diffWindow        integer   the leader's last transactions kept for DIFF;
//                               a follower further behind gets SNAP            default 200
//   maxBatch          integer   most transactions in one re-sent PROPOSE       default 64
//   sessionTimeoutUs  duration  a silent session is closed after this long     default 1s
//   followerReads     boolean   followers answer get locally                   default false
//   livenessBoundUs   duration  liveness: ops complete this long after faults   default 5s
//   snapshotEvery     integer   snapshot the tree and compact the log every this
//                               many delivered transactions (snapCount); 0:
//                               never. The shipped 10 s scenarios deliver 300
//                               to 560: they never compact at the default    default 1024
//
// Ghost notes: role {role, epoch}, new-epoch {epoch}, adopt {epoch, from, last},
// sync {mode, follower, from, to, txns} (leader), synced {mode} (follower), become-leader
// {epoch} (established: a quorum ACK-LD), broadcast {role, epoch}, propose {zxid, id},
// deliver {index, zxid, id}, session-expired {session}, epochs {acceptedEpoch, currentEpoch}
// (at start), snapshot-taken / snapshot-loaded (restart) / snapshot-installed (SNAP, adopt)
// {count, zxid, id, delivered}.
//
// Invariants (./invariants.ts): one-leader-per-epoch, delivered-prefix, primary-order,
// primary-integrity, snapshot-committed, monotonic-epochs. Liveness (./liveness.ts): `liveness`. Named fault
// points: drop-propose, skip-ping.
import type { Protocol } from '../../sim/types.js';
import { zkWorkload } from '../../workloads/zk.js';
import { zabInvariants } from './invariants.js';
import { zabLiveness } from './liveness.js';
import { ZabNode } from './node.js';
import { parseZabOptions } from './options.js';
import type { ZabMsg } from './types.js';

export const zab: Protocol<ZabMsg, ZabNode> = {
  name: 'zab',
  description: 'Zab (ZooKeeper atomic broadcast): election, discovery, sync (DIFF/TRUNC/SNAP), broadcast, replicating a ZooKeeper-like data tree',
  bugs: [
    { name: 'diff-without-trunc', description: 'ZOOKEEPER-1154: a follower with uncommitted proposals of an old epoch gets DIFF without TRUNC and keeps them' },
    { name: 'volatile-epoch', description: 'acceptedEpoch and currentEpoch kept in memory only (derived from the last zxid after a restart)' },
    { name: 'snapshot-uncommitted', description: 'a server snapshots its whole log, proposals not yet committed included, and delivers from the snapshot' },
  ],
  roles: [{ name: 'server', count: 3, description: 'a Zab peer: looking, following or leading' }],
  model: 'zk',
  // The protocol's own generator (workloads/zk.ts), not in the shared registry.
  workload: zkWorkload,
  createActor: (ctx, options) => new ZabNode(ctx, parseZabOptions(options)),
  invariants: () => zabInvariants(),
  liveness: (options) => zabLiveness(parseZabOptions(options)),
  coverageKey: zabCoverageKey,
};

/** Guided fuzzing's abstract state: role and phase, how far the epoch moved (0, 1, more), and whether delivery went back (a restart). */
export function zabCoverageKey(summary: Record<string, unknown>, previous: Record<string, unknown> | undefined): string {
  const epoch = Number(summary.term ?? 0);
  const delivered = Number(summary.delivered ?? 0);
  const de = previous === undefined ? 0 : Math.min(2, Math.max(0, epoch - Number(previous.term ?? 0)));
  const back = previous !== undefined && delivered < Number(previous.delivered ?? 0) ? ':deliver-back' : '';
  return `${String(summary.role)}/${String(summary.phase)}:de${de}${back}`;
}

export { ZabNode } from './node.js';
export { parseZabOptions, defaultZabOptions, ZabOptionError, type ZabOptions } from './options.js';
export type { Txn, ZabMsg } from './types.js';
