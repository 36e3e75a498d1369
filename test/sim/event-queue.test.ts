import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../sim/event-queue.js';
import { LocalClock } from '../../sim/clock.js';
import { Prng } from '../../sim/prng.js';
import { fcSeed } from './fc-seed.js';

type E = { at: number; tie: number; seq: number; label: number };

describe('EventQueue against a sorted-array model', () => {
  it('pops in (time, tie, insertion) order for any interleaving of pushes and pops', () => {
    const opArb = fc.oneof(
      fc.record({ push: fc.constant(true as const), at: fc.integer({ min: 0, max: 20 }), tie: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ push: fc.constant(false as const) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const q = new EventQueue<E>();
        const model: E[] = [];
        let label = 0;
        for (const op of ops) {
          if (op.push) {
            const e = { at: op.at, tie: op.tie, seq: 0, label: label++ };
            q.push(e);
            model.push(e);
            model.sort((a, b) => a.at - b.at || a.tie - b.tie || a.label - b.label);
          } else {
            expect(q.pop()?.label).toBe(model.shift()?.label);
          }
          expect(q.size).toBe(model.length);
        }
      }),
      { seed: fcSeed, numRuns: 200 },
    );
  });
});

describe('Prng', () => {
  it('is a pure function of its label', () => {
    const a = new Prng('x/network');
    const b = new Prng('x/network');
    const c = new Prng('x/faults');
    const da = Array.from({ length: 50 }, () => a.int(0, 1000));
    expect(Array.from({ length: 50 }, () => b.int(0, 1000))).toEqual(da);
    expect(Array.from({ length: 50 }, () => c.int(0, 1000))).not.toEqual(da);
  });
  it('stays within bounds, and chance is calibrated', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), (label, min, span) => {
        const r = new Prng(label);
        for (let i = 0; i < 20; i++) {
          const x = r.int(min, min + span);
          expect(x).toBeGreaterThanOrEqual(min);
          expect(x).toBeLessThanOrEqual(min + span);
        }
      }),
      { seed: fcSeed, numRuns: 100 },
    );
    const r = new Prng('calibration');
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (r.chance(250_000)) hits++;
    expect(hits).toBeGreaterThan(24_000);
    expect(hits).toBeLessThan(26_000);
  });
});

describe('LocalClock', () => {
  it('is continuous across drift changes and jumps exactly', () => {
    const c = new LocalClock();
    expect(c.now(1_000)).toBe(1_000);
    c.setDrift(1_000, 100_000);
    expect(c.now(1_000)).toBe(1_000);
    expect(c.now(11_000)).toBe(12_000);
    c.jump(11_000, -5_000);
    expect(c.now(11_000)).toBe(7_000);
    c.setOffset(20_000, 300);
    expect(c.now(20_000)).toBe(20_300);
    expect(c.trueDelay(11_000)).toBe(10_000);
  });
});
