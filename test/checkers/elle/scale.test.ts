// A long serial history: one strongly connected component spanning tens of thousands of
// txns must not overflow the stack (Tarjan and the cycle search are iterative).
import { describe, expect, it } from 'vitest';
import { checkListAppend } from '../../../checkers/index.js';
import { history, type TxnSpec } from './history.js';

/** Each txn reads x then appends the next value: a chain T0 -> T1 -> ... by ww, wr and rt edges. */
function chain(n: number): TxnSpec[] {
  const out: TxnSpec[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ p: i % 3, ops: [['r', 'x', Array.from({ length: Math.min(i, 3) }, (_, k) => i - Math.min(i, 3) + k + 1)], ['append', 'x', i + 1]], start: 10 * i, end: 10 * i + 5 });
  }
  return out;
}

describe('list-append checker at scale', () => {
  it('accepts a 30k-txn serial chain and rejects it with one stale read closing a 30k-long cycle', () => {
    // Reads show only the last 3 elements: not prefixes; use full lists on a small key instead.
    const n = 30_000;
    const txns: TxnSpec[] = [];
    for (let i = 0; i < n; i++) txns.push({ p: i % 3, ops: [['append', `k${i}`, 1], ['r', `k${i + 1}`, []]], start: 10 * i, end: 10 * i + 5 });
    expect(checkListAppend(history(txns)).verdict).toBe('valid');
    // T_{n-1} now reads k0 as [] although T0 appended 1 to it long before: G-single-realtime.
    txns[n - 1].ops.push(['r', 'k0', []]);
    txns.push({ p: 0, ops: [['r', 'k0', [1]]], start: 10 * n, end: 10 * n + 5 });
    const r = checkListAppend(history(txns));
    expect(r.anomalyTypes).toEqual(['G-single-realtime']);
    // Real-time edges are a transitive reduction, so the cycle walks the whole chain back.
    const kinds = r.anomalies[0].cycle!.map((e) => e.kind);
    expect(kinds).toHaveLength(n);
    expect(kinds.filter((k) => k === 'rw')).toHaveLength(1);
  });

  it('a chain of reads over one key stays valid', () => {
    const txns = chain(200).map((t, i) => ({ ...t, ops: [['r', 'x', Array.from({ length: i }, (_, k) => k + 1)], ['append', 'x', i + 1]] as TxnSpec['ops'] }));
    expect(checkListAppend(history(txns)).verdict).toBe('valid');
  });
});
