// The kernel's Alea steps its own state (no allocation per draw): it must draw exactly what
// seedrandom's alea draws for the same label, or every run hash would move.
import seedrandom from 'seedrandom';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng, stream } from '../../sim/prng.js';
import { fcSeed } from './fc-seed.js';

describe('Prng', () => {
  it.each(['1/network', 'seed-7/node:n3', '0x5eed/faults', ''])('draws what seedrandom.alea(%j) draws', (label) => {
    const ref = seedrandom.alea(label);
    const p = new Prng(label);
    for (let i = 0; i < 2000; i++) {
      if (i % 5 === 0) expect(p.int(0, 2 ** 40 - 1)).toBe(Math.floor(ref.double() * 2 ** 40));
      else if (i % 5 === 1) expect(p.chance(250_000)).toBe((ref.int32() >>> 0) % 1_000_000 < 250_000);
      else expect(p.int(-3, 996)).toBe(-3 + ((ref.int32() >>> 0) % 1000));
    }
  });

  it('reduces a draw modulo any span from 1 to 2^32 as % does (the remainder is computed without the float modulo)', () => {
    const spans = fc.oneof(fc.integer({ min: 1, max: 2 ** 32 }), fc.constantFrom(1, 2, 3, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 1_000_000));
    fc.assert(
      fc.property(fc.string(), fc.array(spans, { minLength: 1, maxLength: 50 }), (label, list) => {
        const ref = seedrandom.alea(label);
        const p = new Prng(label);
        for (const span of list) expect(p.int(7, 7 + span - 1)).toBe(7 + ((ref.int32() >>> 0) % span));
      }),
      { seed: fcSeed, numRuns: 300 },
    );
  });

  it('derives one stream per label from the seed', () => {
    const a = stream('9', 'network');
    const b = new Prng('9/network');
    const c = stream('9', 'faults');
    const drawsA = Array.from({ length: 20 }, () => a.int(0, 1e9));
    expect(Array.from({ length: 20 }, () => b.int(0, 1e9))).toEqual(drawsA);
    expect(Array.from({ length: 20 }, () => c.int(0, 1e9))).not.toEqual(drawsA);
  });
});
