// RunHash.value skips canonicalJson's copy for primitives and arrays of primitives: the text
// it hashes must stay canonicalJson's, or every run hash would move.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, RunHash } from '../../sim/hash.js';
import { fcSeed } from './fc-seed.js';

const viaValue = (v: unknown) => {
  const h = new RunHash();
  h.value(v);
  return h.hex();
};
const viaCanonical = (v: unknown) => {
  const h = new RunHash();
  h.str(canonicalJson(v));
  return h.hex();
};

describe('RunHash.value', () => {
  it.each([[1], ['x'], [undefined], [null], [true], [[]], [[1, 'a', true, null]], [[undefined, 2]], [[, 3]], [[1, [2, 1]]], [[{ b: 1, a: 2 }]], [{ b: [1], a: new Set([2, 1]) }], [[new Map([[1, 2]])]]])(
    'hashes canonicalJson(%j)',
    (v) => {
      expect(viaValue(v)).toBe(viaCanonical(v));
    },
  );

  // Strings, and arrays of strings, nulls and booleans, are hashed as their JSON text without building it.
  it.each([[''], ['v12+15'], ['a"b'], ['back\\slash'], ['line\nbreak'], ['\u0000'], ['\u001f'], [' '], ['é€'], ['\ud83d\ude00'], ['\ud800'], ['x\udfff'], [['v1', 'v2']], [[]], [['']], [[null, undefined, true, false, 'a']], [['a"', 'b']], [['a', 1]], [['\ud800', 'b']], [[false]]])(
    'hashes canonicalJson(%j) without its text',
    (v) => {
      expect(viaValue(v)).toBe(viaCanonical(v));
    },
  );

  it('hashes any string, and any array of strings, nulls, booleans and numbers, as its JSON text', () => {
    const char = fc.oneof(fc.nat(0x7f), fc.nat(0xffff)).map((c) => String.fromCharCode(c));
    const text = fc.string({ unit: char, maxLength: 12 });
    const item = fc.oneof(text, fc.constant(null), fc.constant(undefined), fc.boolean(), fc.integer());
    fc.assert(
      fc.property(fc.oneof(text, fc.array(item, { maxLength: 4 })), (v) => viaValue(v) === viaCanonical(v)),
      { seed: fcSeed, numRuns: 2000 },
    );
  });

  it('tells different values apart', () => {
    expect(viaValue([1, 2])).not.toBe(viaValue([2, 1]));
    expect(viaValue([1, 2])).not.toBe(viaValue('[1,2] '));
  });
});

describe('RunHash.int', () => {
  // The hash as it was written before the fast path for [0, 2^32): the high bits by division always.
  class Reference {
    a = 0x9e3779b9 | 0;
    b = 0x85ebca6b | 0;
    int(x: number): void {
      const lo = x | 0;
      const hi = Math.floor(x / 0x1_0000_0000) | 0;
      this.a = Math.imul(this.a ^ lo, 0x01000193);
      this.b = Math.imul(this.b ^ hi ^ (this.a >>> 13), 0x5bd1e995);
      this.a ^= this.b >>> 15;
    }
  }
  it('mixes every number as the division always did', () => {
    const xs = [0, 1, -1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, -(2 ** 32), 2 ** 53 - 1, 1.5, -0.5, 4294967295.5, NaN, Infinity, -Infinity, -0];
    for (const x of xs) {
      const h = new RunHash();
      const r = new Reference();
      h.int(7);
      r.int(7);
      h.int(x);
      r.int(x);
      const k = h as unknown as { a: number; b: number };
      expect([k.a, k.b], String(x)).toEqual([r.a, r.b]);
    }
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.nat(), fc.maxSafeInteger(), fc.double()), (x) => {
        const h = new RunHash();
        const r = new Reference();
        h.int(x);
        const k = h as unknown as { a: number; b: number };
        r.int(x);
        return k.a === r.a && k.b === r.b;
      }),
      { seed: fcSeed, numRuns: 2000 },
    );
  });
});

describe('RunHash.event', () => {
  it('mixes an event as int(kind), int(at), int(a), int(b) do (fast-check)', () => {
    const num = fc.oneof(fc.nat(12), fc.integer(), fc.nat(), fc.maxSafeInteger(), fc.double());
    fc.assert(
      fc.property(fc.array(fc.tuple(num, num, num, num), { minLength: 1, maxLength: 5 }), (events) => {
        const one = new RunHash();
        const four = new RunHash();
        for (const [kind, at, a, b] of events) {
          one.event(kind, at, a, b);
          four.int(kind);
          four.int(at);
          four.int(a);
          four.int(b);
        }
        return one.hex() === four.hex();
      }),
      { seed: fcSeed, numRuns: 2000 },
    );
  });
});
