// AgreedSequence: positions in order per incarnation (from 1, or from where a snapshot
// restarts it), one id per position across nodes, and forgetting below every snapshot.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgreedSequence } from '../../../protocols/common/sequence.js';
import { FORGET_BATCH } from '../../../protocols/common/snapshot.js';
import { fcSeed } from '../../sim/fc-seed.js';

describe('AgreedSequence', () => {
  it('accepts the same ids in order on every node, and a new incarnation starting again from 1', () => {
    const s = new AgreedSequence<object>();
    const a = {};
    const b = {};
    expect(s.add(0, a, 1, 'x')).toBeUndefined();
    expect(s.add(0, a, 2, 'y')).toBeUndefined();
    expect(s.add(1, b, 1, 'x')).toBeUndefined();
    expect(s.add(0, {}, 1, 'x')).toBeUndefined();
    expect(s.top).toBe(2);
  });

  it('reports a gap or a repeat, and another id at a position, with the first one and its node', () => {
    const s = new AgreedSequence<object>();
    const a = {};
    expect(s.add(0, a, 1, 'x', 7)).toBeUndefined();
    expect(s.add(0, a, 3, 'z')).toEqual({ kind: 'out-of-order', after: 1 });
    expect(s.add(1, {}, 1, 'w')).toEqual({ kind: 'conflict', first: 'x', by: 0, extra: 7 });
  });

  it('restartAt: the node (this incarnation, or a new one) goes on after the snapshot’s position; top counts applied positions only', () => {
    const s = new AgreedSequence<object>();
    const a = {};
    for (let p = 1; p <= 3; p++) expect(s.add(0, a, p, `x${p}`)).toBeUndefined();
    const b = {};
    s.restartAt(1, b, 3);
    expect(s.add(1, b, 4, 'x4')).toBeUndefined();
    expect(s.add(1, b, 6, 'x6')).toEqual({ kind: 'out-of-order', after: 4 });
    s.restartAt(0, a, 9);
    expect(s.top).toBe(4);
    expect(s.add(0, a, 10, 'x10')).toBeUndefined();
    // A new incarnation without a snapshot starts from 1 again.
    expect(s.add(0, {}, 10, 'x10')).toEqual({ kind: 'out-of-order', after: 0 });
  });

  it('forgetBelow: drops the positions below it in batches, never past what is held; above them a conflict is still caught', () => {
    const s = new AgreedSequence<object>();
    const a = {};
    for (let p = 1; p <= 600; p++) s.add(0, a, p, `x${p}`);
    expect(s.held).toBe(601); // positions 0..600
    s.forgetBelow(100); // less than a batch: kept
    expect(s.held).toBe(601);
    s.forgetBelow(500);
    expect(s.held).toBe(101);
    const b = {};
    s.restartAt(1, b, 499);
    expect(s.add(1, b, 500, 'y500')).toEqual({ kind: 'conflict', first: 'x500', by: 0, extra: undefined });
    // Below what is held, nothing is recorded or reported.
    const c = {};
    s.restartAt(2, c, 9);
    expect(s.add(2, c, 10, 'z10')).toBeUndefined();
    // Forgetting past the end stops at the end: positions applied next are still recorded.
    for (let p = 601; p <= 900; p++) s.add(0, a, p, `x${p}`);
    s.forgetBelow(5_000);
    expect(s.held).toBe(0);
    expect(s.add(0, a, 901, 'x901')).toBeUndefined();
    s.restartAt(1, b, 900);
    expect(s.add(1, b, 901, 'y901')).toEqual({ kind: 'conflict', first: 'x901', by: 0, extra: undefined });
  });

  it('forgetting below every snapshot changes no answer (fast-check, against a sequence that never forgets)', () => {
    // apply: `count` positions in a row (the first as another id when `other`).
    type Op = { kind: 'apply' | 'skip' | 'snapshot' | 'restart'; node: number; other: boolean; count: number };
    const op: fc.Arbitrary<Op> = fc.record({
      kind: fc.constantFrom<Op['kind']>('apply', 'apply', 'apply', 'apply', 'apply', 'skip', 'snapshot', 'snapshot', 'restart'),
      node: fc.nat(2),
      other: fc.boolean(),
      count: fc.integer({ min: 10, max: 80 }),
    });
    let forgot = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 50, maxLength: 200 }), (ops) => {
        const forgetting = new AgreedSequence<object>();
        const whole = new AgreedSequence<object>();
        const actors = [{}, {}, {}];
        const last = [0, 0, 0];
        const snap = [0, 0, 0];
        let most = 0;
        for (const o of ops) {
          const n = o.node;
          if (o.kind === 'apply' || o.kind === 'skip') {
            for (let i = 0; i < (o.kind === 'skip' ? 1 : o.count); i++) {
              const p = last[n] + (o.kind === 'skip' ? 2 : 1);
              const id = `${o.other && i === 0 ? 'w' : 'v'}${p}`;
              const got = forgetting.add(n, actors[n], p, id);
              const want = whole.add(n, actors[n], p, id);
              if (JSON.stringify(got) !== JSON.stringify(want)) expect(got).toEqual(want);
              if (o.kind === 'apply') last[n] = p;
            }
          } else if (o.kind === 'snapshot') {
            snap[n] = last[n];
            const before = forgetting.held;
            forgetting.forgetBelow(Math.min(...snap) + 1);
            if (forgetting.held < before) forgot++;
          } else {
            actors[n] = {};
            last[n] = snap[n];
            forgetting.restartAt(n, actors[n], snap[n]);
            whole.restartAt(n, actors[n], snap[n]);
          }
          most = Math.max(most, forgetting.held - (forgetting.top + 1 - Math.min(...snap)));
          expect(forgetting.top).toBe(whole.top);
        }
        // What is held past the span from the least snapshot up is less than a batch.
        expect(most).toBeLessThan(FORGET_BATCH);
      }),
      { seed: fcSeed, numRuns: 60 },
    );
    expect(forgot).toBeGreaterThan(10); // not vacuous
  });
});
