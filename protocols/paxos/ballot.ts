// Ballots (proposal numbers) for every Paxos in this folder: a pair (round, node), ordered
// by round and then by node id, so that two proposers never pick the same ballot (Lamport,
// "Paxos Made Simple" §2.2: proposals are numbered from disjoint sets; van Renesse &
// Altinbuken, "Paxos Made Moderately Complex" §3: ballots are (round, leader id) pairs).

/** A ballot: `round` is raised to pre-empt; `node` (the proposer's endpoint) breaks ties. */
export interface Ballot {
  readonly round: number;
  readonly node: number;
}

/** The ballot below every real one (an acceptor that has promised nothing). */
export const NO_BALLOT: Ballot = { round: -1, node: -1 };

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareBallots(a: Ballot, b: Ballot): number {
  return a.round !== b.round ? a.round - b.round : a.node - b.node;
}

export const ballotLess = (a: Ballot, b: Ballot): boolean => compareBallots(a, b) < 0;
export const ballotEqual = (a: Ballot, b: Ballot): boolean => a.round === b.round && a.node === b.node;

/** The larger of two ballots. */
export function maxBallot(a: Ballot, b: Ballot): Ballot {
  return compareBallots(a, b) >= 0 ? a : b;
}

/** `node`'s smallest ballot above `seen` (a proposer pre-empted by `seen` retries with it). */
export function nextBallot(seen: Ballot, node: number): Ballot {
  return { round: seen.round + 1, node };
}

/** `3.n2` style text for notes, summaries and reports (node ids 0-based, shown 1-based). */
export function ballotText(b: Ballot): string {
  return b.round < 0 ? '-' : `${b.round}.n${b.node + 1}`;
}
