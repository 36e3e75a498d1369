// Raft elections (§5.2, §5.4.1; PreVote, thesis §9.6; CheckQuorum stickiness, thesis
// §4.2.3): the role changes (every role is entered through becomeX) and the vote exchange.
// Functions of the RaftNode they act on (node.ts holds the state and dispatches to them).
import type { NodeId } from '../../sim/types.js';
import { assert } from '../../sim/types.js';
import type { StateMachine } from './kv.js';
import type { RaftNode } from './node.js';
import { leaderNote, roleNote, voteNote } from './notes.js';
import { appendLocal, broadcastAppend, maybeCommit } from './replication.js';
import { NONE, noopEntry, type VoteMsg, type VoteReplyMsg } from './types.js';

export function becomeFollower(node: RaftNode<StateMachine>, term: number, leader: NodeId): void {
  assert(term >= node.term, 'terms never go back');
  const changed = term !== node.term || node.role !== 'follower';
  if (term > node.term) {
    node.term = term;
    node.votedFor = NONE;
    node.persistHardState();
  }
  if (node.role === 'leader') node.dropPending();
  if (node.role !== 'follower') {
    node.ctx.cancelTimer('heartbeat');
    node.ctx.cancelTimer('check-quorum');
  }
  node.role = 'follower';
  node.leader = leader;
  resetElectionTimer(node);
  if (changed) node.ctx.note('role', roleNote, 'follower', node.term);
}

/** Thesis §9.6: ask whether we could win before disturbing anyone with a higher term. */
export function becomePreCandidate(node: RaftNode<StateMachine>): void {
  node.role = 'pre-candidate';
  node.ctx.note('role', roleNote, 'pre-candidate', node.term);
  startRound(node);
}

/** §5.2: increment the term, vote for ourselves, ask everyone. */
export function becomeCandidate(node: RaftNode<StateMachine>): void {
  node.term += 1;
  node.votedFor = node.ctx.id;
  node.persistHardState();
  node.ctx.note('vote', voteNote, node.term, node.ctx.id);
  node.role = 'candidate';
  node.leader = NONE;
  node.ctx.note('role', roleNote, 'candidate', node.term);
  startRound(node);
}

export function startRound(node: RaftNode<StateMachine>): void {
  node.granted.fill(false);
  node.granted[node.ctx.id] = true;
  node.grantedCount = 1;
  resetElectionTimer(node);
  if (node.grantedCount >= node.majority) {
    roundWon(node);
    return;
  }
  requestVotes(node, false);
  node.ctx.setTimer('heartbeat', node.opts.heartbeatUs);
}

export function roundWon(node: RaftNode<StateMachine>): void {
  if (node.role === 'pre-candidate') becomeCandidate(node);
  else becomeLeader(node);
}

export function becomeLeader(node: RaftNode<StateMachine>): void {
  assert(node.role === 'candidate', 'only a candidate becomes leader');
  assert(node.votedFor === node.ctx.id, 'a leader voted for itself in its term');
  node.role = 'leader';
  node.leader = node.ctx.id;
  node.ctx.cancelTimer('election');
  node.ctx.note('become-leader', leaderNote, node.term);
  node.ctx.note('role', roleNote, 'leader', node.term);
  const next = node.lastIndex + 1;
  node.nextIndex.fill(next);
  node.matchIndex.fill(0);
  node.probing.fill(true);
  node.clearActive();
  // §8: a no-op at term start lets the leader commit (and learn) everything before it.
  appendLocal(node, noopEntry(node.term));
  broadcastAppend(node);
  maybeCommit(node);
  node.ctx.setTimer('heartbeat', node.opts.heartbeatUs);
  if (node.opts.checkQuorum) node.ctx.setTimer('check-quorum', node.opts.electionTimeoutUs[1]);
}

export function resetElectionTimer(node: RaftNode<StateMachine>): void {
  const [min, max] = node.opts.electionTimeoutUs;
  node.electionTimeoutUs = node.ctx.random.int(min, max);
  node.contactSinceArmed = false;
  // An impatient follower: this one timer fires early (more split votes, more elections). Only
  // this arming: the timeout itself stays, so nothing of it outlives the faults phase.
  const armUs = node.ctx.buggify('short-election-timeout') ? Math.max(1, Math.floor(min / 4)) : node.electionTimeoutUs;
  node.ctx.setTimer('election', armUs);
}

/** Has a live leader been heard from within the minimum election timeout (or are we it)? */
export function inLease(node: RaftNode<StateMachine>): boolean {
  if (node.role === 'leader') return true;
  if (node.leader === NONE) return false;
  const elapsed = node.ctx.now() - node.lastLeaderContactUs;
  return elapsed >= 0 && elapsed < node.opts.electionTimeoutUs[0];
}

export function requestVotes(node: RaftNode<StateMachine>, retry: boolean): void {
  const pre = node.role === 'pre-candidate';
  const msg: VoteMsg = { type: 'vote', term: pre ? node.term + 1 : node.term, pre, lastIndex: node.lastIndex, lastTerm: node.lastTerm };
  for (const p of node.ctx.peers) if (!retry || !node.granted[p]) node.ctx.send(p, msg);
}

export function onVote(node: RaftNode<StateMachine>, from: NodeId, m: VoteMsg): void {
  if (m.pre) {
    // A pre-vote never changes our state. Grant only when we would vote in that term and
    // have not heard from a leader lately.
    const grant = m.term > node.term && !inLease(node) && node.logUpToDate(m.lastTerm, m.lastIndex);
    node.ctx.send(from, { type: 'vote-reply', term: grant ? m.term : node.term, pre: true, granted: grant });
    return;
  }
  if (m.term > node.term) {
    if (node.sticky && inLease(node)) return; // ignore a disruptive candidate: the leader is alive
    becomeFollower(node, m.term, NONE);
  }
  let grant = false;
  if (m.term === node.term && (node.votedFor === NONE || node.votedFor === from) && node.logUpToDate(m.lastTerm, m.lastIndex)) {
    grant = true;
    if (node.votedFor !== from) {
      node.votedFor = from;
      node.persistHardState();
    }
    // Every grant (a retried request is granted again, to the same candidate); pre-votes are not votes.
    node.ctx.note('vote', voteNote, node.term, from);
    resetElectionTimer(node);
  }
  node.ctx.send(from, { type: 'vote-reply', term: node.term, pre: false, granted: grant });
}

export function onVoteReply(node: RaftNode<StateMachine>, from: NodeId, m: VoteReplyMsg): void {
  if (m.pre) {
    if (node.role !== 'pre-candidate') return;
    if (m.granted) {
      if (m.term === node.term + 1) countVote(node, from);
    } else if (m.term > node.term) {
      becomeFollower(node, m.term, NONE);
    }
    return;
  }
  if (m.term > node.term) {
    becomeFollower(node, m.term, NONE);
    return;
  }
  if (m.term === node.term && node.role === 'candidate' && m.granted) countVote(node, from);
}

export function countVote(node: RaftNode<StateMachine>, from: NodeId): void {
  if (node.granted[from]) return;
  node.granted[from] = true;
  node.grantedCount += 1;
  if (node.grantedCount >= node.majority) roundWon(node);
}
