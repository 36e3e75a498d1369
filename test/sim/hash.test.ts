// RunHash.value skips canonicalJson's copy for primitives and arrays of primitives: the text
// it hashes must stay canonicalJson's, or every run hash would move.
import { describe, expect, it } from 'vitest';
import { canonicalJson, RunHash } from '../../sim/hash.js';

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

  it('tells different values apart', () => {
    expect(viaValue([1, 2])).not.toBe(viaValue([2, 1]));
    expect(viaValue([1, 2])).not.toBe(viaValue('[1,2] '));
  });
});
