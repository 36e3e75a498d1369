// Single-decree Paxos (Lamport, "Paxos Made Simple", 2001, §2): proposers, acceptors and
// learners, which a scenario places on nodes, alone or shared (`nodes: { proposer: 2,
// acceptor: 3, learner: 1 }`, or `nodes: { proposer+acceptor+learner: 3 }`).
//
// Phase 1a prepare(b) / 1b promise(b, last accepted ballot and value) / 2a accept(b, v) /
// 2b accepted(b, v), with nacks for requests below an acceptor's promise. Ballots are
// (round, node) pairs (../ballot.ts), unique per proposer; a proposer's highest round is
// synced to storage before its prepare, so a restarted proposer never reuses a ballot. An
// acceptor syncs its promise and accepted proposal before it answers. Acceptors send each
// 2b to the proposer and to every learner; a learner that has learned nothing queries the
// acceptors every `learnerPollUs`. A pre-empted proposer (a nack, or no majority within
// `phaseTimeoutUs`) backs off for a random time from ctx.random, doubled per attempt up to
// 8x, then retries above the highest round it has seen.
//
// Values: each proposer proposes its own value, `v-n<id>-<k>`, from `proposeAtUs` after it
// starts (and after every restart). There are no client operations (scenarios set
// `clients: { count: 0 }`; a request is answered fail), so no history is checked: the
// invariants judge safety and liveness judges progress.
//
// Options (`protocol.options`, durations with units):
//   phaseTimeoutUs   duration    a phase without a majority answer is pre-empted   default 50ms
//   backoffUs        [min, max]  randomised backoff before a retry (x1, x2, x4, x8)  default [5ms, 50ms]
//   proposeAtUs      [durations] when the i-th proposer first proposes, after its
//                                start (the last entry repeats for the rest)       default [0ms]
//   learnerPollUs    duration    an unlearned learner's query period               default 100ms
//   livenessBoundUs  duration    every live learner learns within this long
//                                after faults stop                                 default 3s
//
// Ghost notes: prepare {ballot}, propose {ballot, value, adopted}, accept {ballot, round,
// by, value} (an acceptor's new acceptance), decide {ballot, value} (a proposer saw a
// majority of 2b), preempted {ballot, why}, learn {ballot, value}.
//
// Invariants (./invariants.ts): chosen-unique, learned-chosen, monotonic-ballots. Liveness
// (./liveness.ts): `liveness`.
import type { Protocol } from '../../../sim/types.js';
import { paxosInvariants } from './invariants.js';
import { paxosLiveness } from './liveness.js';
import { PaxosNode } from './node.js';
import { parsePaxosOptions } from './options.js';
import type { PaxosMsg } from './types.js';

export const paxos: Protocol<PaxosMsg, PaxosNode> = {
  name: 'paxos',
  description: 'single-decree Paxos: proposers, acceptors and learners (roles may share nodes) agree on one value',
  roles: [
    { name: 'proposer', count: 2, description: 'proposes its own value, or the highest-ballot accepted one it is told of (P2c)' },
    { name: 'acceptor', count: 3, description: 'promises and accepts ballots; its promise and acceptance are durable' },
    { name: 'learner', count: 1, description: 'learns a value once a majority of acceptors accepted it at one ballot' },
  ],
  bugs: [
    { name: 'volatile-acceptor', description: 'promised and accepted kept in memory only: a restarted acceptor forgets them' },
    { name: 'ignore-accepted', description: 'a proposer proposes its own value, not the highest-ballot value the promises report' },
    { name: 'bad-quorum', description: 'quorums counted as acks*2 >= n-1 (one of three acceptors)' },
    { name: 'no-backoff', description: 'a pre-empted proposer retries at once: dueling proposers livelock' },
  ],
  model: 'cas-register',
  workload: 'register',
  createActor: (ctx, options) => new PaxosNode(ctx, parsePaxosOptions(options)),
  invariants: (options) => {
    parsePaxosOptions(options);
    return paxosInvariants();
  },
  liveness: (options) => paxosLiveness(parsePaxosOptions(options)),
  coverageKey: paxosCoverageKey,
};

/** Guided fuzzing's abstract state: the roles, the proposer's phase, whether the acceptor accepted, whether the learner learned. */
export function paxosCoverageKey(summary: Record<string, unknown>): string {
  const phase = typeof summary.ballot === 'string' ? summary.ballot.slice(summary.ballot.indexOf(' ') + 1) : '';
  return `${String(summary.role)}:${phase}:${summary.accepted === undefined || summary.accepted === '-' ? 'a0' : 'a1'}:${summary.learned === undefined || summary.learned === '-' ? 'l0' : 'l1'}`;
}

export { PaxosNode } from './node.js';
export { parsePaxosOptions, defaultPaxosOptions, PaxosOptionError, type PaxosOptions } from './options.js';
export type { PaxosMsg } from './types.js';
