// Distributed locks (issue #12), and the checks that tell them apart.
//
// Four lock services share roles, a client actor, a protected resource and checks:
//   lock-lease  a lease lock with fencing tokens, replicated on faultline's Raft
//               (protocols/raft/ with ./lease.ts as its state machine; ./raft-host.ts)
//   lock-zk     ZooKeeper's lock recipe (ephemeral sequential nodes, sessions, a watch on
//               the predecessor) on the same Raft host, not on Zab (./zk.ts)
//   lock-redis  SET key owner NX PX ttl on one server, owner-checked DEL (./redis.ts)
//   redlock     the same on N independent servers; held with a majority of grants within
//               the validity: TTL - the acquire's elapsed time - the drift allowance
//
// Roles: `lock-server` (lock-lease 3, lock-zk 3, lock-redis 1, redlock 5) and one `resource`
// (./resource.ts), which refuses a write whose token is below the highest it accepted.
// Clients are client actors (./client.ts; drivers in ./drivers.ts and ./zk.ts): acquire,
// a critical section of `steps` writes to the resource, each after a check of the hold and
// `stepUs` of work, then release; they pause, crash and have clocks that jump and drift like
// any actor. TTLs run on the servers' timers (elapsed time: drift, no jumps); Raft-replicated
// expiry is the leader's, proposed through the log; a new leader times every lease afresh.
// lock-lease and lock-zk tokens increase with every grant (the grant count; the node's
// sequence number); Redis-style grants carry none (the resource cannot fence them).
//
// Options (`protocol.options`; durations in integer microseconds, written with units):
//   ttlUs             lease / session timeout / PX                          default 500ms
//   driftPpm          clock drift allowed for, clients' and servers' each   default 20000
//   marginUs          fixed part of the drift allowance                     default 20ms
//                     (allowance = 2 x driftPpm of the TTL + marginUs; a hold is valid for
//                     TTL - allowance from the first send of its request)
//   steps, stepUs     writes per critical section, work before each one     default 3, 20ms
//   retryUs           backoff after a refused acquire [min, max]            default [10ms, 50ms]
//   thinkUs           pause after a release [min, max]                      default [0ms, 20ms]
//   requestTimeoutUs  one request's timeout                                 default 100ms
//   opTimeoutUs       an unanswered acquire or release becomes info         default 1s
//   renew             renew the lease / session halfway through validity    default true
//   livenessBoundUs   lock-liveness bound                                   default 3s
//   electionTimeoutUs, heartbeatUs, preVote, checkQuorum, maxAppendEntries  Raft's (lock-lease, lock-zk)
//
// History (model `mutex`, workload `mutex`: a client asks the workload before each acquire,
// and stops when it has no more): see ./client.ts for when a release is ok or fail.
//
// Checks (./checkers.ts): resource-exclusion, one-holder, lock-liveness; lock-lease and
// lock-zk also run Raft's invariants on the lock servers (./raft-checks.ts). Ghost notes:
// ./types.ts NOTE.
//
// Bugs: no-fencing (lock-lease, lock-zk: ./resource.ts), unconditional-release (lock-lease:
// ./lease.ts; lock-redis, redlock: ./redis.ts), redlock-clock-jump and redlock-volatile
// (redlock: ./redis.ts). Scenarios: scenarios/lock/ (a nemesis file per service).
export { lockLease, lockRedis, lockZk, redlock, type LockActor } from './services.js';
export { parseLockOptions, allowanceUs, LockOptionError, type LockOptions } from './options.js';
export { ResourceExclusion, OneHolder, LockLiveness } from './checkers.js';
export { LockClient } from './client.js';
export { RaftLockServer } from './raft-host.js';
export { ResourceNode } from './resource.js';
export { RedisServer } from './redis.js';
