// explore/seeds.ts: the seeds a campaign runs (seedNumbers) and how many (plannedSeeds),
// against the plain definition: every s in [fromSeed, fromSeed + seeds) with s mod N = K.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plannedSeeds, seedNumbers } from '../../explore/seeds.js';

const naive = (fromSeed: number, seeds: number, shard?: { index: number; count: number }): number[] => {
  const out: number[] = [];
  for (let s = fromSeed; s < fromSeed + seeds; s++) if (shard === undefined || s % shard.count === shard.index) out.push(s);
  return out;
};

const shardArb = fc.option(
  fc.integer({ min: 1, max: 40 }).chain((count) => fc.record({ index: fc.integer({ min: 0, max: count - 1 }), count: fc.constant(count) })),
  { nil: undefined },
);
const fromArb = fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: Number.MAX_SAFE_INTEGER - 2_000, max: Number.MAX_SAFE_INTEGER - 600 }));

describe('campaign seeds', () => {
  it('seedNumbers and plannedSeeds agree with the definition', () => {
    fc.assert(
      fc.property(fromArb, fc.integer({ min: 0, max: 500 }), shardArb, (fromSeed, seeds, shard) => {
        const options = { fromSeed, seeds, ...(shard ? { shard } : {}) };
        const expected = naive(fromSeed, seeds, shard);
        expect([...seedNumbers(options)]).toEqual(expected);
        expect(plannedSeeds(options)).toBe(expected.length);
      }),
      { numRuns: 300 },
    );
  });

  it("a shard's first seeds come without a walk over the others' (a huge N)", () => {
    const it = seedNumbers({ fromSeed: 5, seeds: 9e15, shard: { index: 3, count: 1e12 } });
    expect([it.next().value, it.next().value, it.next().value]).toEqual([1e12 + 3, 2e12 + 3, 3e12 + 3]);
  });

  it('without --seeds the seeds run on', () => {
    const it = seedNumbers({ fromSeed: 10, shard: { index: 1, count: 4 } });
    expect([it.next().value, it.next().value]).toEqual([13, 17]);
  });
});
