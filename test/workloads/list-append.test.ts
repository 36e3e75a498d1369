// The list-append generator: txn shapes, knobs, and appended values unique per key.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listAppendWorkload, type ListAppendMicroOp } from '../../workloads/list-append.js';
import { fcSeed } from '../sim/fc-seed.js';
import { generate, options, SEEDS } from './helpers.js';

const defaults = (keyCount = 3) => options(keyCount, { ...listAppendWorkload.defaultMix });

describe('list-append ops', () => {
  it("are txns of 1..maxTxnOps micro-ops ['append', k, v] / ['r', k, null] over k1..kN; appended values are unique per key", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), (seed, keyCount, maxTxnOps) => {
        const opts = options(keyCount, { ...listAppendWorkload.defaultMix }, { maxTxnOps });
        expect(listAppendWorkload.validate!(opts)).toBeUndefined();
        const appended = new Map<string, number[]>();
        for (const { op } of generate(listAppendWorkload, opts, String(seed), 150)) {
          expect(Object.keys(op)).toEqual(['f', 'value']);
          expect(op.f).toBe('txn');
          const txn = op.value as ListAppendMicroOp[];
          expect(Array.isArray(txn)).toBe(true);
          expect(txn.length).toBeGreaterThanOrEqual(1);
          expect(txn.length).toBeLessThanOrEqual(maxTxnOps);
          for (const m of txn) {
            expect(m).toHaveLength(3);
            const [f, key, v] = m;
            expect(key).toMatch(/^k[1-9]\d*$/);
            expect(Number(key.slice(1))).toBeLessThanOrEqual(keyCount);
            if (f === 'r') expect(v).toBeNull();
            else {
              expect(f).toBe('append');
              expect(Number.isInteger(v)).toBe(true);
              appended.set(key, [...(appended.get(key) ?? []), v as number]);
            }
          }
        }
        // Unique per key: each key's appends are 1, 2, 3... in issue order.
        for (const values of appended.values()) expect(values).toEqual(values.map((_, i) => i + 1));
      }),
      { seed: fcSeed, numRuns: 100 },
    );
  });

  it('the mix weighs the micro-op kinds; every txn length up to maxTxnOps occurs', () => {
    const onlyAppends = generate(listAppendWorkload, options(2, { append: 1 }), '1', 200).flatMap((o) => o.op.value as ListAppendMicroOp[]);
    expect(onlyAppends.every((m) => m[0] === 'append')).toBe(true);
    const onlyReads = generate(listAppendWorkload, options(2, { r: 1 }), '1', 200).flatMap((o) => o.op.value as ListAppendMicroOp[]);
    expect(onlyReads.every((m) => m[0] === 'r')).toBe(true);
    const lengths = generate(listAppendWorkload, defaults(), '1', 500).map((o) => (o.op.value as unknown[]).length);
    expect(new Set(lengths)).toEqual(new Set([1, 2, 3, 4]));
    const single = generate(listAppendWorkload, options(3, { append: 1, r: 1 }, { maxTxnOps: 1 }), '1', 100);
    expect(single.every((o) => (o.op.value as unknown[]).length === 1)).toBe(true);
  });
});

describe('list-append determinism and validation', () => {
  it('same seed, same ops; different seeds, different ops', () => {
    expect(generate(listAppendWorkload, defaults(), 'x', 300)).toEqual(generate(listAppendWorkload, defaults(), 'x', 300));
    const runs = SEEDS.map((s) => JSON.stringify(generate(listAppendWorkload, defaults(), s, 50).map((o) => o.op)));
    expect(new Set(runs).size).toBe(SEEDS.length);
  });

  it('names the transactional list-append model (serializability), and validate rejects bad options', () => {
    expect(listAppendWorkload.model).toBe('list-append');
    expect(listAppendWorkload.defaultParams).toEqual({ maxTxnOps: 4 });
    expect(listAppendWorkload.validate!(defaults())).toBeUndefined();
    expect(listAppendWorkload.validate!(options(3, { append: 1, read: 1 }))).toMatch(/mix\.read is not an operation/);
    expect(listAppendWorkload.validate!(options(3, { append: 0, r: 0 }))).toMatch(/no weight/);
    expect(listAppendWorkload.validate!(options(3, { append: 1 }, { maxTxnOps: 0 }))).toMatch(/params\.maxTxnOps must be in 1\.\./);
    expect(listAppendWorkload.validate!(options(3, { append: 1 }, { maxTxnOps: 1001 }))).toMatch(/params\.maxTxnOps must be in 1\.\.1000/);
    expect(listAppendWorkload.validate!(options(0, { append: 1 }))).toMatch(/keyCount must be in 1\.\./);
    expect(() => generate(listAppendWorkload, options(3, { append: 1 }, { maxTxnOps: 0 }), '1', 1)).toThrow(RangeError);
  });
});
