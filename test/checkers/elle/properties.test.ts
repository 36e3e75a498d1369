// Properties: serial executions of random list-append txns are valid; corrupting one read
// (dropping its last element while a later read by the same process saw it, or swapping two
// elements another read also holds) makes the history invalid.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkListAppend } from '../../../checkers/index.js';
import { fcSeed } from '../../sim/fc-seed.js';
import { history, type Mop, type TxnSpec } from './history.js';

interface Draw {
  p: number;
  ops: Array<{ append: boolean; key: number }>;
  outcome: 'ok' | 'fail' | 'info-applied' | 'info-lost';
  gap: number;
  length: number;
}

const txnArb: fc.Arbitrary<Draw> = fc.record({
  p: fc.integer({ min: 0, max: 3 }),
  ops: fc.array(fc.record({ append: fc.boolean(), key: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 4 }),
  outcome: fc.constantFrom<Draw['outcome']>('ok', 'ok', 'ok', 'ok', 'fail', 'info-applied', 'info-lost'),
  gap: fc.integer({ min: 0, max: 5 }),
  length: fc.integer({ min: 1, max: 5 }),
});

/** Run the txns one at a time against an in-memory store; each gets its own time window. */
function serial(draws: Draw[]): TxnSpec[] {
  const store = new Map<string, number[]>();
  const next = new Map<string, number>();
  const out: TxnSpec[] = [];
  let t = 0;
  for (const d of draws) {
    const apply = d.outcome === 'ok' || d.outcome === 'info-applied';
    const ops: Mop[] = d.ops.map(({ append, key }) => {
      const k = `k${key}`;
      if (append) {
        const v = next.get(k) ?? 1;
        next.set(k, v + 1);
        if (apply) store.set(k, [...(store.get(k) ?? []), v]);
        return ['append', k, v];
      }
      return ['r', k, apply ? [...(store.get(k) ?? [])] : null];
    });
    const start = t + d.gap;
    const end = start + d.length;
    t = end + 1;
    out.push({ p: d.p, ops, start, end, type: d.outcome === 'ok' ? 'ok' : d.outcome === 'fail' ? 'fail' : 'info' });
  }
  return out;
}

const reads = (txns: TxnSpec[]) =>
  txns.flatMap((t, i) => (t.type === 'ok' ? t.ops.map((m, j) => ({ i, j, m })).filter(({ m }) => m[0] === 'r') : [])) as Array<{ i: number; j: number; m: ['r', string, number[]] }>;

describe('list-append checker: properties', () => {
  it('serial executions are valid (strict-serializable and serializable)', () => {
    fc.assert(
      fc.property(fc.array(txnArb, { maxLength: 60 }), (draws) => {
        const events = history(serial(draws));
        expect(checkListAppend(events).anomalies).toEqual([]);
        expect(checkListAppend(events, { consistency: 'serializable' }).verdict).toBe('valid');
      }),
      { seed: fcSeed, numRuns: 200 },
    );
  });

  it('dropping the last element of a read that a later read by the same process saw: invalid', () => {
    fc.assert(
      fc.property(fc.array(txnArb, { minLength: 2, maxLength: 60 }), fc.nat(), (draws, pick) => {
        const txns = serial(draws);
        const all = reads(txns);
        // The value dropped must come from another committed txn, and a later read by the same process must hold it.
        const writer = (k: string, v: number) => txns.find((t) => t.ops.some((m) => m[0] === 'append' && m[1] === k && m[2] === v));
        const candidates = all.filter(({ i, m }) => {
          const list = m[2];
          if (list.length === 0) return false;
          const w = writer(m[1], list[list.length - 1]);
          if (!w || w === txns[i] || w.type !== 'ok') return false;
          return all.some((o) => o.i > i && txns[o.i].p === txns[i].p && o.m[1] === m[1] && o.m[2].length >= list.length);
        });
        fc.pre(candidates.length > 0);
        const c = candidates[pick % candidates.length];
        (txns[c.i].ops[c.j] as Mop)[2] = c.m[2].slice(0, -1);
        expect(checkListAppend(history(txns)).verdict).toBe('invalid');
      }),
      { seed: fcSeed, numRuns: 100 },
    );
  });

  it('swapping two elements of a read that another read also holds: invalid', () => {
    fc.assert(
      fc.property(fc.array(txnArb, { minLength: 2, maxLength: 60 }), fc.nat(), fc.nat(), (draws, pick, pick2) => {
        const txns = serial(draws);
        const all = reads(txns);
        const candidates = all.filter(({ i, m }) => m[2].length >= 2 && all.some((o) => o.i !== i && o.m[1] === m[1] && o.m[2].length >= 2));
        fc.pre(candidates.length > 0);
        const c = candidates[pick % candidates.length];
        const other = all.filter((o) => o.i !== c.i && o.m[1] === c.m[1] && o.m[2].length >= 2);
        const span = Math.min(c.m[2].length, Math.max(...other.map((o) => o.m[2].length)));
        const a = pick2 % (span - 1);
        const list = [...c.m[2]];
        [list[a], list[a + 1]] = [list[a + 1], list[a]];
        (txns[c.i].ops[c.j] as Mop)[2] = list;
        const r = checkListAppend(history(txns));
        expect(r.verdict).toBe('invalid');
        expect(r.anomalyTypes).toContain('incompatible-order');
      }),
      { seed: fcSeed, numRuns: 100 },
    );
  });
});
