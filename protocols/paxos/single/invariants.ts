// Single-decree Paxos safety (Lamport, "Paxos Made Simple", §2.1: only a value that has
// been proposed may be chosen, only a single value is chosen, and a process never learns
// that a value has been chosen unless it actually has been), god's-eye, from ghost notes:
//   accept {ballot, round, by, value}   an acceptor accepted (ballot, value): chosen-unique, learned-chosen
//   learn {ballot, value}               a learner learned value (at ballot): learned-chosen
// monotonic-ballots reads every acceptor's promised and accepted ballots after every event.
import type { Invariant, Note, NodeId } from '../../../sim/types.js';
import { neverDecreases, nodeName } from '../../common/index.js';
import { ballotText, type Ballot } from '../ballot.js';
import type { PaxosNode } from './node.js';

/**
 * Every acceptance ever made, by ballot: a (ballot, value) is chosen once a majority of
 * the acceptors accepted it (§2.3). Kept over the whole run, since acceptors move on to
 * higher ballots (and a volatile one forgets) after a value was chosen.
 */
export class ChosenTracker {
  private readonly byBallot = new Map<string, { value: string; from: Set<NodeId> }>();
  /** value -> the first ballot it was chosen at. */
  readonly chosen = new Map<string, string>();

  /** Feed an `accept` note; returns the newly chosen [ballot, value], if this note chose one. */
  onAccept(note: Note, acceptors: number): [string, string] | undefined {
    const ballot = note.data.ballot as string;
    const value = note.data.value as string;
    let at = this.byBallot.get(ballot);
    if (at === undefined) this.byBallot.set(ballot, (at = { value, from: new Set() }));
    if (at.value !== value) return undefined; // two values at one ballot: never from one proposer
    if (at.from.has(note.node)) return undefined;
    at.from.add(note.node);
    if (at.from.size !== Math.floor(acceptors / 2) + 1) return undefined; // not a majority yet, or chosen already
    if (!this.chosen.has(value)) this.chosen.set(value, ballot);
    return [ballot, value];
  }

  who(ballot: string): string {
    const at = this.byBallot.get(ballot);
    return at === undefined ? '' : [...at.from].sort((a, b) => a - b).map(nodeName).join(', ');
  }
}

/** §2.1/§2.2 (P2): no two different values are ever chosen, at any ballots. */
export class ChosenUnique implements Invariant<PaxosNode> {
  readonly name = 'chosen-unique';
  private readonly tracker = new ChosenTracker();
  private first: [string, string] | undefined;

  onNote(note: Note, view: { nodesWith(role: string): readonly NodeId[] }): string | undefined {
    if (note.kind !== 'accept') return undefined;
    const got = this.tracker.onAccept(note, view.nodesWith('acceptor').length);
    if (got === undefined) return undefined;
    if (this.first === undefined) {
      this.first = got;
      return undefined;
    }
    if (got[1] === this.first[1]) return undefined;
    const [b1, v1] = this.first;
    const [b2, v2] = got;
    return `two values chosen: ${v1} at ballot ${b1} (accepted by ${this.tracker.who(b1)}) and ${v2} at ballot ${b2} (accepted by ${this.tracker.who(b2)})`;
  }
}

/** §2.1: a learner learns only a chosen value (chosen by the time it learns it), and all learners learn the same one. */
export class LearnedChosen implements Invariant<PaxosNode> {
  readonly name = 'learned-chosen';
  private readonly tracker = new ChosenTracker();
  private first: { node: NodeId; value: string } | undefined;

  onNote(note: Note, view: { nodesWith(role: string): readonly NodeId[] }): string | undefined {
    if (note.kind === 'accept') {
      this.tracker.onAccept(note, view.nodesWith('acceptor').length);
      return undefined;
    }
    if (note.kind !== 'learn') return undefined;
    const value = note.data.value as string;
    if (!this.tracker.chosen.has(value)) {
      const chosen = [...this.tracker.chosen.keys()];
      return `${nodeName(note.node)} learned ${value} (at ballot ${note.data.ballot as string}), which no majority of acceptors accepted at one ballot (chosen so far: ${chosen.length === 0 ? 'none' : chosen.join(', ')})`;
    }
    if (this.first === undefined) this.first = { node: note.node, value };
    else if (this.first.value !== value) return `learners disagree: ${nodeName(this.first.node)} learned ${this.first.value}, ${nodeName(note.node)} learned ${value}`;
    return undefined;
  }
}

/** A ballot as one number, ordered like compareBallots (node ids are below 1024). NO_BALLOT is -1. */
export function ballotRank(b: Ballot): number {
  return b.round < 0 ? -1 : b.round * 1024 + b.node;
}

const rankReaders = {
  promised: (a: PaxosNode) => (a.isAcceptor ? ballotRank(a.promised) : undefined),
  accepted: (a: PaxosNode) => (a.isAcceptor ? ballotRank(a.accepted) : undefined),
  // As the ballot it gives the proposer (same order as the round: the node is fixed), so that messages read alike.
  'proposer ballot': (a: PaxosNode, n: NodeId) => (a.isProposer ? ballotRank({ round: a.round, node: n }) : undefined),
};

/**
 * §2.4: an acceptor's promised and accepted ballots never decrease, across restarts too
 * (both are durable); nor does a proposer's highest round (durable, so that a restarted
 * proposer never reuses a ballot). The volatile-acceptor variant fails here at the restart itself, as
 * soon as the blank acceptor is seen; chosen-unique sees the consequence later.
 */
export function monotonicBallots(): Invariant<PaxosNode> {
  return neverDecreases<PaxosNode>('monotonic-ballots', rankReaders, {
    acrossRestarts: true,
    show: (rank) => (rank < 0 ? '-' : ballotText({ round: Math.floor(rank / 1024), node: rank % 1024 })),
  });
}

export function paxosInvariants(): Invariant<PaxosNode>[] {
  return [new ChosenUnique(), new LearnedChosen(), monotonicBallots()];
}
