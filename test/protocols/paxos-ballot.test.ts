// Ballots: a total order, (round, node), with disjoint ballots per proposer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fcSeed } from '../sim/fc-seed.js';
import { ballotEqual, ballotLess, ballotText, compareBallots, maxBallot, NO_BALLOT, nextBallot } from '../../protocols/paxos/ballot.js';

const ballot = fc.record({ round: fc.nat(1000), node: fc.nat(9) });

describe('ballots', () => {
  it('are totally ordered by round, then node', () => {
    fc.assert(
      fc.property(ballot, ballot, ballot, (a, b, c) => {
        // Antisymmetric (`+ 0` folds -0 into 0).
        expect(Math.sign(compareBallots(a, b)) + 0).toBe(-Math.sign(compareBallots(b, a)) + 0);
        if (ballotLess(a, b) && ballotLess(b, c)) expect(ballotLess(a, c)).toBe(true);
        expect(compareBallots(a, b) === 0).toBe(ballotEqual(a, b));
        expect(ballotLess(NO_BALLOT, a)).toBe(true);
      }),
      { seed: fcSeed },
    );
  });

  it('next is above what was seen, and two proposers never share one', () => {
    fc.assert(
      fc.property(ballot, fc.nat(9), fc.nat(9), (seen, p, q) => {
        const mine = nextBallot(seen, p);
        expect(ballotLess(seen, mine)).toBe(true);
        if (p !== q) expect(ballotEqual(mine, nextBallot(seen, q))).toBe(false);
        expect(maxBallot(seen, mine)).toBe(mine);
      }),
      { seed: fcSeed },
    );
  });

  it('reads as round.node', () => {
    expect(ballotText({ round: 3, node: 1 })).toBe('3.n2');
    expect(ballotText(NO_BALLOT)).toBe('-');
  });
});
