// The invariants on their own, fed hand-made notes and views: each reports what it must,
// and only that.
import { describe, expect, it } from 'vitest';
import { ChosenUnique, LearnedChosen, ballotRank, monotonicBallots } from '../../../protocols/paxos/single/invariants.js';
import type { Note } from '../../../sim/types.js';

const view = { nodesWith: (role: string) => (role === 'acceptor' ? [2, 3, 4] : []) } as never;
const accept = (node: number, round: number, by: number, value: string): Note => ({
  node,
  kind: 'accept',
  data: { ballot: `${round}.n${by + 1}`, round, by, value },
  timeUs: 0,
});
const learn = (node: number, value: string): Note => ({ node, kind: 'learn', data: { ballot: '?', value }, timeUs: 0 });

function feed(inv: { onNote?: (n: Note, v: never) => string | undefined }, notes: Note[]): Array<string | undefined> {
  return notes.map((n) => inv.onNote!(n, view));
}

describe('chosen-unique', () => {
  it('one value chosen at several ballots is fine', () => {
    const out = feed(new ChosenUnique(), [accept(2, 0, 0, 'x'), accept(3, 0, 0, 'x'), accept(3, 1, 1, 'x'), accept(4, 1, 1, 'x'), accept(2, 1, 1, 'x')]);
    expect(out.every((m) => m === undefined)).toBe(true);
  });

  it('remembers a choice after the acceptors moved on: a second value chosen later is caught', () => {
    const out = feed(new ChosenUnique(), [accept(2, 0, 0, 'x'), accept(3, 0, 0, 'x'), accept(3, 1, 1, 'y'), accept(4, 1, 1, 'y')]);
    expect(out.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(out[3]).toBe('two values chosen: x at ballot 0.n1 (accepted by n3, n4) and y at ballot 1.n2 (accepted by n4, n5)');
  });

  it('a value accepted by a minority is not chosen', () => {
    const out = feed(new ChosenUnique(), [accept(2, 0, 0, 'x'), accept(3, 1, 1, 'y'), accept(4, 1, 1, 'y'), accept(4, 2, 0, 'z')]);
    expect(out.every((m) => m === undefined)).toBe(true);
  });
});

describe('learned-chosen', () => {
  it('a learner that learns a value no majority accepted is caught', () => {
    const out = feed(new LearnedChosen(), [accept(2, 0, 0, 'x'), learn(5, 'x')]);
    expect(out[1]).toBe('n6 learned x (at ballot ?), which no majority of acceptors accepted at one ballot (chosen so far: none)');
  });

  it('learners learning the chosen value pass; a second learner with another is caught', () => {
    const out = feed(new LearnedChosen(), [accept(2, 0, 0, 'x'), accept(3, 0, 0, 'x'), learn(5, 'x'), learn(6, 'x'), accept(3, 1, 1, 'y'), accept(4, 1, 1, 'y'), learn(7, 'y')]);
    expect(out.slice(0, 6).every((m) => m === undefined)).toBe(true);
    expect(out[6]).toBe('learners disagree: n6 learned x, n8 learned y');
  });
});

describe('ballotRank orders ballots like compareBallots', () => {
  it.each([
    [{ round: -1, node: -1 }, { round: 0, node: 0 }],
    [{ round: 0, node: 1 }, { round: 1, node: 0 }],
    [{ round: 3, node: 0 }, { round: 3, node: 999 }],
  ])('%o < %o', (a, b) => expect(ballotRank(a)).toBeLessThan(ballotRank(b)));
});

describe('monotonic-ballots', () => {
  /** A view of one node whose actor the test swaps (a new object is a restart). */
  function run(states: Array<{ isAcceptor: boolean; isProposer: boolean; promised: { round: number; node: number }; accepted: { round: number; node: number }; round: number }>) {
    const inv = monotonicBallots();
    let current: unknown;
    const v = { nodeCount: 1, actor: () => current } as never;
    return states.map((s) => {
      current = s;
      return inv.afterEvent!(v);
    });
  }
  const acc = (p: number, a: number) => ({ isAcceptor: true, isProposer: false, promised: { round: p, node: 0 }, accepted: { round: a, node: 0 }, round: -1 });
  const prop = (round: number) => ({ isAcceptor: false, isProposer: true, promised: { round: -1, node: -1 }, accepted: { round: -1, node: -1 }, round });

  it('an acceptor that comes back from a restart with its promise (durable) passes', () => {
    expect(run([acc(1, 0), acc(2, 2), acc(2, 2)])).toEqual([undefined, undefined, undefined]);
  });

  it('an acceptor whose restart forgot its promise is caught', () => {
    expect(run([acc(1, 0), acc(-1, -1)])[1]).toBe("n1's promised went from 1.n1 down to -, across a restart (it is durable)");
  });

  it('a proposer whose round goes back across a restart is caught (it would reuse a ballot)', () => {
    expect(run([prop(3), prop(1)])[1]).toBe("n1's proposer ballot went from 3.n1 down to 1.n1, across a restart (it is durable)");
  });
});
