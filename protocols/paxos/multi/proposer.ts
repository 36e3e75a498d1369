// The proposer half of a replica, with the acceptor's side of each exchange: phase 1 once per
// leadership (PMS §3 "the new leader ... executes phase 1 for infinitely many instances";
// PMMC §3, scouts), then phase 2 per slot (PMS §3; PMMC §3, commanders), and the leader's
// heartbeat that re-sends what a peer has not acknowledged. Functions of the replica they act
// on (node.ts holds the state, the role changes and the dispatch).
import { ballotEqual, ballotLess, nextBallot, type Ballot } from '../ballot.js';
import { execute, heardFrom, learn } from './learner.js';
import type { MultiPaxosReplica } from './node.js';
import { acceptedNote, leaderNote, promisedNote, roleNote, slotNote } from './notes.js';
import { recoveryPlan } from './recovery.js';
import { adoptNewestSnapshot } from './snapshots.js';
import { ballotNumber, NONE, type AcceptMsg, type AcceptedMsg, type Accepted, type HeartbeatMsg, type NackMsg, type PrepareMsg, type PromiseMsg, type Proposal } from './types.js';

/** Most unacknowledged slots a leader re-sends to one peer per heartbeat. */
const RESEND_PER_HEARTBEAT = 256;

/** Campaign with a ballot above every one this node has seen (its promise is durable, so never reused). */
export function startPhase1(r: MultiPaxosReplica): void {
  if (r.role === 'leader') r.dropPending();
  r.ballot = nextBallot(r.acceptor.promised, r.ctx.id);
  r.acceptor.raise(r.ballot); // our own promise, durable before anyone hears of the ballot
  r.ctx.note('promised', promisedNote, r.ballot);
  r.role = 'candidate';
  r.leader = NONE;
  r.inFlight.clear();
  r.ctx.note('role', roleNote, 'candidate', r.ballot);
  r.promises = new Array<PromiseMsg | undefined>(r.n).fill(undefined);
  r.prepareFrom = r.executed;
  r.promises[r.ctx.id] = { type: 'promise', ballot: r.ballot, accepted: r.acceptor.acceptedAbove(r.executed) };
  r.promiseCount = 1;
  r.resetElectionTimer();
  if (r.isQuorum(r.promiseCount)) {
    becomeLeader(r);
    return;
  }
  const m: PrepareMsg = { type: 'prepare', ballot: r.ballot, from: r.prepareFrom };
  for (const p of r.ctx.peers) r.ctx.send(p, m);
  r.ctx.setTimer('heartbeat', r.opts.heartbeatUs);
}

/** A candidate's heartbeat tick: the prepare again, to the peers that have not promised. */
export function resendPrepare(r: MultiPaxosReplica): void {
  const m: PrepareMsg = { type: 'prepare', ballot: r.ballot, from: r.prepareFrom };
  for (const p of r.ctx.peers) if (r.promises[p] === undefined) r.ctx.send(p, m);
}

export function onPrepare(r: MultiPaxosReplica, from: number, m: PrepareMsg): void {
  if (!r.acceptor.promise(m.ballot)) {
    r.ctx.send(from, { type: 'nack', ballot: m.ballot, promised: r.acceptor.promised });
    return;
  }
  r.ctx.note('promised', promisedNote, m.ballot);
  r.preempted();
  // Durable (Acceptor.promise synced) before the promise leaves. Slots we forgot above
  // m.from are in our snapshot: it goes along.
  const accepted = r.acceptor.acceptedAbove(m.from);
  const snap = r.snapshot;
  if (snap !== undefined && m.from < r.acceptor.forgotten) r.ctx.send(from, { type: 'promise', ballot: m.ballot, accepted, snap });
  else r.ctx.send(from, { type: 'promise', ballot: m.ballot, accepted });
}

export function onPromise(r: MultiPaxosReplica, from: number, m: PromiseMsg): void {
  if (r.role !== 'candidate' || !ballotEqual(m.ballot, r.ballot) || r.promises[from] !== undefined) return;
  r.promises[from] = m;
  r.promiseCount += 1;
  if (r.isQuorum(r.promiseCount)) becomeLeader(r);
}

/** Phase 1 done: adopt, re-propose, fill holes (./recovery.ts), then serve clients. */
function becomeLeader(r: MultiPaxosReplica): void {
  r.role = 'leader';
  r.leader = r.ctx.id;
  r.ctx.cancelTimer('election');
  r.ctx.note('become-leader', leaderNote, r.ballot);
  r.ctx.note('role', roleNote, 'leader', r.ballot);
  const reports: Accepted[][] = [];
  if (adoptNewestSnapshot(r, r.promises)) r.executeChosen();
  for (const p of r.promises) if (p !== undefined) reports.push(p.accepted as Accepted[]);
  const plan = recoveryPlan({
    ballot: r.ballot,
    from: Math.max(r.prepareFrom, r.logBase),
    reports,
    known: (s) => r.chosenAt(s),
    ownEnd: Math.max(r.logEnd(), r.acceptor.top),
    ignoreAccepted: r.ctx.bug('ignore-accepted'),
    ownAccepted: (s) => r.acceptor.accepted.get(s)?.cmd,
    atOwnEnd: r.ctx.bug('new-leader-at-own-end'),
  });
  r.promises = [];
  r.nextSlot = Math.max(plan.nextSlot, r.executed + 1);
  propose(r, plan.proposals);
  heartbeat(r);
  r.ctx.setTimer('heartbeat', r.opts.heartbeatUs);
}

export function onNack(r: MultiPaxosReplica, m: NackMsg): void {
  if (!ballotLess(r.acceptor.promised, m.promised)) {
    r.preempted();
    return;
  }
  // A higher ballot exists: remember it (durably, so our next ballot is above it), and yield.
  r.acceptor.raise(m.promised);
  r.ctx.note('promised', promisedNote, m.promised);
  r.preempted();
}

/** Propose values in slots at our ballot: accept them ourselves (durably), then ask everyone. */
export function propose(r: MultiPaxosReplica, proposals: readonly Proposal[]): void {
  if (proposals.length === 0) return;
  for (const p of proposals) {
    const acked = new Array<boolean>(r.n).fill(false);
    r.inFlight.set(p.slot, { slot: p.slot, cmd: p.cmd, acked, count: 0 });
  }
  for (let i = 0; i < proposals.length; i += r.opts.maxBatch) {
    const batch = proposals.slice(i, i + r.opts.maxBatch);
    const m: AcceptMsg = { type: 'accept', ballot: r.ballot, proposals: batch };
    for (const p of r.ctx.peers) if (!r.ctx.buggify('drop-accept')) r.ctx.send(p, m);
  }
  const mine = acceptLocally(r, r.ballot, proposals);
  if (mine !== undefined) countAccepted(r, r.ctx.id, mine);
}

/** The acceptor's phase 2b, with a ghost note per accepted slot (chosen-unique counts them). */
function acceptLocally(r: MultiPaxosReplica, b: Ballot, proposals: readonly Proposal[]): number[] | undefined {
  const slots = r.acceptor.accept(b, proposals);
  if (slots === undefined) return undefined;
  const bn = ballotNumber(b);
  const forgotten = r.acceptor.forgotten;
  for (const p of proposals) if (p.slot > forgotten) r.ctx.note('accepted', acceptedNote, p.slot, bn, p.cmd.id);
  return slots;
}

export function onAccept(r: MultiPaxosReplica, from: number, m: AcceptMsg): void {
  const raised = ballotLess(r.acceptor.promised, m.ballot);
  const slots = acceptLocally(r, m.ballot, m.proposals);
  if (slots === undefined) {
    r.ctx.send(from, { type: 'nack', ballot: m.ballot, promised: r.acceptor.promised });
    return;
  }
  if (raised) r.ctx.note('promised', promisedNote, m.ballot);
  r.preempted();
  heardFrom(r, from);
  // Durable (Acceptor.accept synced) before the acknowledgement leaves.
  r.ctx.send(from, { type: 'accepted', ballot: m.ballot, slots });
}

export function onAccepted(r: MultiPaxosReplica, from: number, m: AcceptedMsg): void {
  if (r.role !== 'leader' || !ballotEqual(m.ballot, r.ballot)) return;
  countAccepted(r, from, m.slots);
}

function countAccepted(r: MultiPaxosReplica, from: number, slots: readonly number[]): void {
  let chose = false;
  for (const s of slots) {
    const f = r.inFlight.get(s);
    if (f === undefined || f.acked[from]) continue;
    f.acked[from] = true;
    f.count += 1;
    if (!r.isQuorum(f.count)) continue;
    // Chosen: a quorum accepted it at our ballot (PMS §2.3).
    r.inFlight.delete(s);
    r.ctx.note('chose', slotNote, s, f.cmd.id);
    learn(r, s, f.cmd);
    chose = true;
  }
  if (chose) execute(r);
}

/**
 * Heartbeat, and re-send what each peer has not acknowledged (lost accepts, or a peer that
 * was cut off): up to RESEND_PER_HEARTBEAT slots, in messages of maxBatch.
 */
export function heartbeat(r: MultiPaxosReplica): void {
  const hb: HeartbeatMsg = { type: 'heartbeat', ballot: r.ballot, executed: r.executed };
  for (const p of r.ctx.peers) {
    r.ctx.send(p, hb);
    if (r.inFlight.size === 0) continue;
    let batch: Proposal[] = [];
    let resent = 0;
    for (const f of r.inFlight.values()) {
      if (f.acked[p]) continue;
      batch.push({ slot: f.slot, cmd: f.cmd });
      if (batch.length >= r.opts.maxBatch) {
        r.ctx.send(p, { type: 'accept', ballot: r.ballot, proposals: batch });
        batch = [];
      }
      if (++resent >= RESEND_PER_HEARTBEAT) break;
    }
    if (batch.length > 0) r.ctx.send(p, { type: 'accept', ballot: r.ballot, proposals: batch });
  }
}
