// AgreedSequence: positions in order per incarnation, one id per position across nodes.
import { describe, expect, it } from 'vitest';
import { AgreedSequence } from '../../../protocols/common/sequence.js';

describe('AgreedSequence', () => {
  it('accepts the same ids in order on every node, and a new incarnation starting again from 1', () => {
    const s = new AgreedSequence<object>();
    const a = {};
    const b = {};
    expect(s.add(0, a, 1, 'x')).toBeUndefined();
    expect(s.add(0, a, 2, 'y')).toBeUndefined();
    expect(s.add(1, b, 1, 'x')).toBeUndefined();
    expect(s.add(0, {}, 1, 'x')).toBeUndefined();
  });
  it('reports a gap or a repeat, and another id at a position, with the first one and its node', () => {
    const s = new AgreedSequence<object>();
    const a = {};
    expect(s.add(0, a, 1, 'x', 7)).toBeUndefined();
    expect(s.add(0, a, 3, 'z')).toEqual({ kind: 'out-of-order', after: 1 });
    expect(s.add(1, {}, 1, 'w')).toEqual({ kind: 'conflict', first: 'x', by: 0, extra: 7 });
  });
});
