// Multi-Paxos with a stable leader, replicating a key-value store with client sessions.
//
// Every node is a `replica`: proposer, acceptor and learner (van Renesse & Altinbuken,
// "Paxos Made Moderately Complex"; Lamport, "Paxos Made Simple" §3). A leader runs phase 1
// once per leadership, for every slot above what it has executed: the promises carry every
// accepted (slot, ballot, value) above that point, and the new leader re-proposes in each
// slot the highest-ballot value reported, fills holes with no-ops, and puts new commands
// above the highest reported slot. Then phase 2 per slot (batched accepts). Followers that
// miss the leader's heartbeats for a randomised timeout campaign with a higher ballot; a
// pre-empted leader or candidate steps down and waits a fresh randomised timeout (the
// backoff) before campaigning again. The acceptor's promised ballot and accepted values are
// synced before any reply, so a leader's ballot (derived from its durable promise) is never
// reused after a restart. Replicas execute chosen slots in order through the KV state
// machine of protocols/raft/kv.ts (get, put, append, cas; sessions for exactly-once); the
// leader answers clients once the command is executed, others redirect; reads go through
// the log. Learners catch up from the leader (catchup / decisions), so a restarted replica
// re-executes from its snapshot's slot (./snapshots.ts: snapshots and state transfer).
//
// Options (a scenario's `protocol.options`; durations in microseconds, with units in YAML):
//   electionTimeoutUs  [min, max]  randomised leader timeout and pre-emption backoff   default [150ms, 300ms]
//   heartbeatUs        duration    leader heartbeat (and resend) period (< min)       default 50ms
//   livenessBoundUs    duration    liveness: ops must complete this long after faults stop   default 5s
//   maxBatch           integer     most slots per accept or decisions message          default 64
//   snapshotEvery      integer     snapshot the KV store every this many executed slots;
//                                  the acceptor then forgets the slots it covers; 0 never  default 1024
//
// Ghost notes: role {role, ballot}, promised {ballot}, become-leader {ballot, text},
// accepted {slot, ballot, id} (per slot an acceptor accepts), chose {slot, id} (a leader
// counted a quorum), execute {slot, id}, snapshot-taken / snapshot-loaded (restart) /
// snapshot-installed (from a promise or decisions) {slot}. Ballots in notes are numbers
// (types.ts ballotNumber).
//
// Invariants (./invariants.ts): chosen-unique, executed-prefix, monotonic-ballots. Liveness
// (./liveness.ts): `liveness`. Named fault points: skip-heartbeat, drop-accept,
// short-election-timeout.
import type { Protocol } from '../../../sim/types.js';
import { multiPaxosInvariants } from './invariants.js';
import { multiPaxosLiveness } from './liveness.js';
import { MultiPaxosReplica } from './node.js';
import { parseMultiPaxosOptions } from './options.js';
import type { MpMsg } from './types.js';

export const multipaxos: Protocol<MpMsg, MultiPaxosReplica> = {
  name: 'multipaxos',
  description: 'Multi-Paxos with a stable leader (phase 1 once per leadership) replicating a key-value store with client sessions',
  bugs: [
    { name: 'volatile-acceptor', description: 'promised and accepted kept in memory only: a restarted acceptor forgets its promises and accepted values' },
    { name: 'ignore-accepted', description: 'a new leader proposes its own values (or no-ops) instead of the highest-ballot accepted values reported in phase 1' },
    { name: 'bad-quorum', description: 'counts a quorum as acks*2 >= n-1 (one of three): a minority chooses' },
    { name: 'no-backoff', description: 'a pre-empted proposer retries at once with a higher ballot: proposers duel forever' },
    { name: 'new-leader-at-own-end', description: 'a new leader puts new commands after its own log end, not above the highest slot reported in phase 1' },
  ],
  roles: [{ name: 'replica', count: 3, description: 'proposer (leader), acceptor and learner' }],
  model: 'kv',
  workload: 'kv',
  createActor: (ctx, options) => new MultiPaxosReplica(ctx, parseMultiPaxosOptions(options)),
  invariants: () => multiPaxosInvariants(),
  liveness: (options) => multiPaxosLiveness(parseMultiPaxosOptions(options)),
  coverageKey: multiPaxosCoverageKey,
};

/** Guided fuzzing's abstract state: role, how far the ballot round moved (0, 1, more), and whether execution went back (a restart). */
export function multiPaxosCoverageKey(summary: Record<string, unknown>, previous: Record<string, unknown> | undefined): string {
  const term = Number(summary.term ?? 0);
  const executed = Number(summary.executed ?? 0);
  const dterm = previous === undefined ? 0 : Math.min(2, Math.max(0, term - Number(previous.term ?? 0)));
  const back = previous !== undefined && executed < Number(previous.executed ?? 0) ? ':exec-back' : '';
  return `${String(summary.role)}:dt${dterm}${back}`;
}

export { MultiPaxosReplica } from './node.js';
export { parseMultiPaxosOptions, defaultMultiPaxosOptions, MultiPaxosOptionError, type MultiPaxosOptions } from './options.js';
export type { Cmd, MpMsg } from './types.js';
