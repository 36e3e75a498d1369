// The latency sampler against the models' definitions, written plainly here: for any
// model and stream, the same draws in the same order (a component's index below the total
// weight, then the component's own draw). Every run's hash rests on it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BaseLatencyModel, LatencyModel } from '../../sim/config.js';
import { LatencySampler } from '../../sim/latency.js';
import { Prng } from '../../sim/prng.js';
import { fcSeed } from './fc-seed.js';

function reference(l: LatencyModel, random: Prng): number {
  switch (l.kind) {
    case 'fixed':
      return l.us;
    case 'uniform':
      return random.int(l.minUs, l.maxUs);
    case 'exponential': {
      const u = random.int(1, 0xffffffff) / 0x100000000;
      return Math.min(l.maxUs, l.minUs + Math.round(-Math.log(u) * (l.meanUs - l.minUs)));
    }
    case 'pareto': {
      const u = random.int(1, 0xffffffff) / 0x100000000;
      const x = l.minUs * Math.exp((-Math.log(u) * 1000) / l.alphaMilli);
      return x >= l.maxUs ? l.maxUs : Math.round(x);
    }
    case 'mixture': {
      let total = 0;
      for (const c of l.components) total += c.weight;
      let x = random.int(0, total - 1);
      for (const c of l.components) {
        if (x < c.weight) return reference(c.model, random);
        x -= c.weight;
      }
      throw new Error('beyond the total weight');
    }
  }
}

const range = fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 2_000_000 })).map(([lo, extra]) => [lo, lo + extra] as const);
const base: fc.Arbitrary<BaseLatencyModel> = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }).map((us) => ({ kind: 'fixed' as const, us })),
  range.map(([minUs, maxUs]) => ({ kind: 'uniform' as const, minUs, maxUs })),
  range.chain(([minUs, maxUs]) => fc.integer({ min: minUs, max: maxUs }).map((meanUs) => ({ kind: 'exponential' as const, minUs, meanUs, maxUs }))),
  fc.tuple(range, fc.integer({ min: 1, max: 5_000 })).map(([[minUs, maxUs], alphaMilli]) => ({ kind: 'pareto' as const, minUs, alphaMilli, maxUs })),
);
const model: fc.Arbitrary<LatencyModel> = fc.oneof(
  base,
  fc
    .array(fc.record({ weight: fc.integer({ min: 0, max: 20 }), model: base }), { minLength: 1, maxLength: 4 })
    .filter((cs) => cs.some((c) => c.weight > 0))
    .map((components) => ({ kind: 'mixture' as const, components })),
);

describe('LatencySampler', () => {
  it('draws what the model defines, draw for draw, from the same stream', () => {
    fc.assert(
      fc.property(model, fc.string(), (m, label) => {
        const sampler = new LatencySampler(m);
        const a = new Prng(label);
        const b = new Prng(label);
        for (let i = 0; i < 50; i++) expect(sampler.draw(a)).toBe(reference(m, b));
        // Both streams are at the same place afterwards: no extra or missing draw.
        expect(a.int(0, 1e9)).toBe(b.int(0, 1e9));
      }),
      { seed: fcSeed, numRuns: 300 },
    );
  });

  it('rejects a model the kernel cannot draw from, as checkLatency does', () => {
    expect(() => new LatencySampler({ kind: 'uniform', minUs: 10, maxUs: 5 })).toThrow(/min 10 > max 5/);
    expect(() => new LatencySampler({ kind: 'mixture', components: [{ weight: 0, model: { kind: 'fixed', us: 1 } }] })).toThrow(/total weight/);
  });
});
