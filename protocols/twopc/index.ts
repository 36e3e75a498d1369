// Two-phase commit with presumed abort and cooperative termination (Gray & Lamport,
// "Consensus on Transaction Commit", 2006, §3 and the TLA+ specifications TCommit and
// TwoPhase; Mohan, Lindsay & Obermarck, "Transaction Management in the R* Distributed
// Database Management System", 1986, for presumed abort).
//
// Roles: one `coordinator` (the transaction manager) and `participant`s (resource
// managers, default 3), each holding a shard: account a<i> / key k<i> lives on participant
// (i - 1) % P. The protocol's own client actors (./client.ts) run each workload operation as
// a transaction: a bank transfer (debit and credit), a bank read (every account, under
// shared locks: a consistent snapshot), or a list-append txn.
//
// Phase 1: the coordinator sends each participant its part (PREPARE). A participant takes
// the part's locks, no-wait (./locks.ts: all at once or vote no; nobody waits, so no
// deadlock), checks it (no balance below 0), logs its prepared record and syncs, then votes
// yes. Phase 2: all yes, the coordinator logs its commit record and syncs, then sends COMMIT;
// a participant applies it, logs the commit (values written) and syncs, releases its locks
// and acks; after every ack the coordinator drops the record. Any no, or a vote missing
// after voteTimeoutUs: abort, logged nowhere (presumed abort: no record means abort, and
// the coordinator answers abort to an inquiry about a transaction it does not know).
//
// Recovery from the log (onStart): a participant redoes a commit whose record reached the
// disk, and holds every other prepared transaction prepared again (locks included) and asks;
// the coordinator re-sends COMMIT for every commit record it kept; what it never logged was
// aborted. For recoveryQuietUs after a restart, longer than a message stays in flight, the
// coordinator refuses new transactions and a participant votes no on ones it does not know
// (a BEGIN, or a PREPARE it refused, sent before the crash never gets a second answer). A prepared participant asks the coordinator and its peers every inquireUs
// (cooperative termination, ./participant.ts); with the coordinator down and every peer
// uncertain, it is blocked until the coordinator returns (the observer
// `blocked-transactions` reports it).
//
// The accounts (a1..aN, N = clients.keys) and their opening balance (the bank workload's
// initialBalance) come from the scenario's workload (ctx.workload), so they always match.
//
// Options (a scenario's `protocol.options`; durations in microseconds, with units in YAML):
//   voteTimeoutUs     duration    the coordinator aborts without every vote         default 200ms
//   resendUs          duration    COMMIT re-sent to participants that did not ack   default 100ms
//   inquireUs         duration    an uncertain participant's inquiry period         default 150ms
//   recoveryQuietUs   duration    a restarted node refuses txns it does not know     default 1s
//   opTimeoutUs       duration    a client's operation ends info after this          default 1.5s
//   retries           integer     a client re-runs an aborted txn this many times   default 3
//   thinkUs           [min, max]  a client's think time (and retry backoff)         default [0ms, 10ms]
//   livenessBoundUs   duration    liveness: txns finish, ops answered, after faults default 3s
//
// Ghost notes: txn-begin {txn, participants}, txn-vote {txn, vote, reason?},
// txn-decide {txn, decision}, txn-outcome {txn, outcome} (the atomicity checker reads these
// four), txn-blocked {txn, coordinator, round} (an inquiry round of an uncertain
// participant), txn-recovered {txn}, txn-end {txn}.
//
// Checks: `atomicity` (checkers/), `lock-conflict` (./invariants.ts), `liveness`
// (./liveness.ts); the history: conservation (bank) or serializability (list-append).
import type { Protocol } from '../../sim/types.js';
import { TwoPcClient } from './client.js';
import { twoPcInvariants } from './invariants.js';
import { twoPcLiveness } from './liveness.js';
import type { TwoPcMsg } from './messages.js';
import { createTwoPcNode, type TwoPcNode } from './node.js';
import { twoPcObservers } from './observers.js';
import { parseTwoPcOptions } from './options.js';

export const twopc: Protocol<TwoPcMsg, TwoPcNode> = {
  name: 'twopc',
  description: 'two-phase commit with presumed abort and cooperative termination, over sharded bank accounts or list-append keys',
  roles: [
    { name: 'coordinator', count: 1, description: 'the transaction manager: collects votes, logs and sends the decision' },
    { name: 'participant', count: 3, description: 'a resource manager holding a shard of the accounts / keys' },
  ],
  bugs: [
    { name: 'abort-when-uncertain', description: 'a participant that voted yes times out waiting for the outcome and aborts on its own' },
    { name: 'unlogged-decision', description: 'the coordinator sends COMMIT before its commit record is durable; after a crash it presumes abort' },
    { name: 'commit-on-timeout', description: 'the coordinator counts a vote that did not arrive in time as yes' },
  ],
  model: 'bank',
  workload: 'bank',
  createActor: (ctx, options) => createTwoPcNode(ctx, parseTwoPcOptions(options)),
  createClient: (ctx, options) => new TwoPcClient(ctx, parseTwoPcOptions(options)),
  invariants: (options) => {
    parseTwoPcOptions(options);
    return twoPcInvariants();
  },
  liveness: (options) => twoPcLiveness(parseTwoPcOptions(options).livenessBoundUs),
  checks: ['atomicity'],
  observers: () => twoPcObservers(),
  coverageKey: (summary) => `${String(summary.role)}:${Number(summary.prepared ?? summary.committing ?? 0) > 0 ? 'busy' : 'idle'}${summary.recovering === true ? ':recovering' : ''}`,
};

export { twoPcObservers, BlockedTransactions } from './observers.js';
export { Coordinator } from './coordinator.js';
export { Participant } from './participant.js';
export { TwoPcClient } from './client.js';
export { parseTwoPcOptions, defaultTwoPcOptions, TwoPcOptionError, type TwoPcOptions } from './options.js';
export type { TwoPcMsg, TxnOp } from './messages.js';
export type { TwoPcNode } from './node.js';
