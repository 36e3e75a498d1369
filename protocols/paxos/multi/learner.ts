// The learner half of a replica: following the leader's heartbeats, catching up from it
// (catchup / decisions, with its snapshot for a learner behind it), and executing the chosen
// slots in order (PMMC §2.2, replicas), a snapshot every snapshotEvery of them. Functions of
// the replica they act on (node.ts holds the state and dispatches to them).
import { compareBallots } from '../ballot.js';
import type { MultiPaxosReplica } from './node.js';
import { promisedNote } from './notes.js';
import { installSnapshot, takeSnapshot } from './snapshots.js';
import type { Cmd, DecisionsMsg, HeartbeatMsg } from './types.js';

/** A follower heard from the leader `from`: the election timer counts from now. */
export function heardFrom(r: MultiPaxosReplica, from: number): void {
  if (r.role !== 'follower') return;
  r.leader = from;
  r.lastLeaderContactUs = r.ctx.now();
  r.contactSinceArmed = true;
}

export function onHeartbeat(r: MultiPaxosReplica, from: number, m: HeartbeatMsg): void {
  const c = compareBallots(m.ballot, r.acceptor.promised);
  if (c < 0) {
    // A stale leader: tell it the ballot that pre-empts it.
    r.ctx.send(from, { type: 'nack', ballot: m.ballot, promised: r.acceptor.promised });
    return;
  }
  if (c > 0) {
    // A leader whose prepare we missed: its ballot is promised by a quorum; follow it.
    r.acceptor.raise(m.ballot);
    r.ctx.note('promised', promisedNote, m.ballot);
    r.preempted();
  }
  if (r.role !== 'follower') return;
  heardFrom(r, from);
  if (m.executed > r.leaderExecuted) r.leaderExecuted = m.executed;
  r.catchupSent = false;
  maybeCatchUp(r, from);
}

function maybeCatchUp(r: MultiPaxosReplica, leader: number): void {
  if (r.catchupSent || r.executed >= r.leaderExecuted) return;
  r.catchupSent = true;
  r.ctx.send(leader, { type: 'catchup', from: r.executed + 1 });
}

export function onCatchup(r: MultiPaxosReplica, from: number, first: number): void {
  if (r.role !== 'leader' || first > r.executed) return;
  // Below our snapshot: the snapshot, then the slots above it.
  const snap = first <= r.logBase ? r.snapshot : undefined;
  const start = snap === undefined ? first : snap.slot + 1;
  const end = Math.min(r.executed, start + r.opts.maxBatch - 1);
  const cmds: Cmd[] = [];
  for (let s = start; s <= end; s++) cmds.push(r.chosenAt(s)!);
  if (snap !== undefined) r.ctx.send(from, { type: 'decisions', ballot: r.ballot, from: start, cmds, executed: r.executed, snap });
  else r.ctx.send(from, { type: 'decisions', ballot: r.ballot, from: first, cmds, executed: r.executed });
}

export function onDecisions(r: MultiPaxosReplica, from: number, m: DecisionsMsg): void {
  // The sender's executed prefix is chosen, whatever its ballot now: learn it.
  const before = r.executed;
  if (m.snap !== undefined && m.snap.slot > r.executed) installSnapshot(r, m.snap);
  for (let i = 0; i < m.cmds.length; i++) learn(r, m.from + i, m.cmds[i]);
  execute(r);
  if (m.executed > r.leaderExecuted) r.leaderExecuted = m.executed;
  // Ask for the next batch only when this one moved us on: a duplicated or stale answer
  // must not start a second chain of requests (each would multiply with every duplicate).
  if (r.executed === before) return;
  r.catchupSent = false;
  if (r.role === 'follower') maybeCatchUp(r, from);
}

/** `cmd` is chosen in `slot`: the learner holds it until executed (nothing in the snapshot). */
export function learn(r: MultiPaxosReplica, slot: number, cmd: Cmd): void {
  if (slot <= r.logBase) return; // in the snapshot
  const i = slot - r.logBase;
  while (r.log.length <= i) r.log.push(undefined);
  if (r.log[i] === undefined) r.log[i] = cmd;
}

/** Execute what is chosen in order, then snapshot when snapshotEvery slots were executed since the last. */
export function execute(r: MultiPaxosReplica): void {
  r.executeChosen();
  const every = r.opts.snapshotEvery;
  if (every > 0 && r.executed - r.logBase >= every) takeSnapshot(r);
}
