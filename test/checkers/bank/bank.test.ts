// The bank (conservation) checker: consistent reads pass; a wrong total, a negative, nil,
// missing or unexpected balance fails; and a property over random serial bank runs (true
// reads pass; one read with money moved out of thin air fails).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBank } from '../../../checkers/bank/index.js';
import { HistoryParseError, parseHistory } from '../../../checkers/linearizability/index.js';
import type { HistoryEvent } from '../../../sim/types.js';

let index = 0;
const ev = (process: number, type: HistoryEvent['type'], f: string, value?: unknown): HistoryEvent => ({ index: index++, process, type, f, value, timeUs: index });
const read = (process: number, balances: Record<string, number | null>) => [ev(process, 'invoke', 'read'), ev(process, 'ok', 'read', balances)];
const transfer = (process: number, from: string, to: string, amount: number, type: 'ok' | 'fail' | 'info' = 'ok') => [
  ev(process, 'invoke', 'transfer', { from, to, amount }),
  ev(process, type, 'transfer', { from, to, amount }),
];

describe('checkBank', () => {
  it('accepts reads that sum to the total, and counts reads and transfers by outcome', () => {
    const h = [...read(0, { a1: 10, a2: 10 }), ...transfer(1, 'a1', 'a2', 3), ...transfer(1, 'a2', 'a1', 50, 'fail'), ...read(0, { a1: 7, a2: 13 }), ev(2, 'invoke', 'read'), ev(2, 'info', 'read')];
    const r = checkBank(h, { total: 20, accounts: ['a1', 'a2'] });
    expect(r).toMatchObject({ verdict: 'valid', total: 20, totalFrom: 'given', accounts: 2, reads: { ok: 2, fail: 0, info: 1 }, transfers: { ok: 1, fail: 1, info: 0 }, anomalies: [] });
  });

  it('rejects a read whose sum is off, saying whether money was lost or created', () => {
    const r = checkBank([...read(0, { a1: 10, a2: 10 }), ...read(1, { a1: 7, a2: 10 }), ...read(1, { a1: 7, a2: 16 })]);
    expect(r.totalFrom).toBe('first-read');
    expect(r.verdict).toBe('invalid');
    expect(r.anomalies.map((a) => a.kind)).toEqual(['wrong-total', 'wrong-total']);
    expect(r.anomalies[0].message).toContain('money lost: 3');
    expect(r.anomalies[1].message).toContain('money created: 3');
    expect(r.counts).toEqual({ 'wrong-total': 2 });
  });

  it('rejects negative, nil, missing and unexpected balances; negatives may be allowed', () => {
    const kinds = (h: HistoryEvent[], o = {}) => checkBank(h, { total: 20, accounts: ['a1', 'a2'], ...o }).anomalyTypes;
    expect(kinds(read(0, { a1: -1, a2: 21 }))).toEqual(['negative-value']);
    expect(kinds(read(0, { a1: -1, a2: 21 }), { negativeAllowed: true })).toEqual([]);
    expect(kinds(read(0, { a1: null, a2: 20 }))).toEqual(['nil-balance']);
    expect(kinds(read(0, { a1: 20 }))).toEqual(['missing-key']);
    expect(kinds(read(0, { a1: 10, a2: 10, a9: 0 }))).toEqual(['unexpected-key']);
  });

  it('keeps whole counts but reports at most maxAnomaliesPerKind of each kind', () => {
    const h = Array.from({ length: 30 }, () => read(0, { a1: 1, a2: 1 })).flat();
    const r = checkBank(h, { total: 20, maxAnomaliesPerKind: 5 });
    expect(r.counts['wrong-total']).toBe(30);
    expect(r.anomalies).toHaveLength(5);
  });

  it('a read whose value is not a map of numbers is bad input naming the event', () => {
    expect(() => checkBank([ev(0, 'invoke', 'read'), ev(0, 'ok', 'read', [1, 2])])).toThrow(HistoryParseError);
    expect(() => checkBank([ev(0, 'invoke', 'read'), ev(0, 'ok', 'read', { a1: 'ten' })])).toThrow(/account a1 has "ten"/);
  });

  it('reads Jepsen EDN bank histories (integer account keys)', () => {
    const text = '{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value {0 5, 1 5}}\n{:process 1, :type :invoke, :f :read, :value nil}\n{:process 1, :type :ok, :f :read, :value {0 5, 1 4}}\n';
    const r = checkBank(parseHistory(text).events, { total: 10 });
    expect(r.anomalies.map((a) => [a.kind, a.index])).toEqual([['wrong-total', 3]]);
  });
});

describe('bank property', () => {
  const runArb = fc.array(fc.oneof(fc.record({ from: fc.integer({ min: 1, max: 4 }), to: fc.integer({ min: 1, max: 4 }), amount: fc.integer({ min: 1, max: 8 }) }), fc.constant('read' as const)), { minLength: 1, maxLength: 60 });

  /** A serial bank: transfers that would overdraw fail; reads see the true balances. */
  function serial(ops: ReadonlyArray<{ from: number; to: number; amount: number } | 'read'>): HistoryEvent[] {
    const balances: Record<string, number> = { a1: 10, a2: 10, a3: 10, a4: 10 };
    const h: HistoryEvent[] = [];
    for (const op of ops) {
      if (op === 'read') {
        h.push(...read(0, { ...balances }));
        continue;
      }
      const from = `a${op.from}`;
      const to = `a${op.to}`;
      const ok = from !== to && balances[from] >= op.amount;
      if (ok) {
        balances[from] -= op.amount;
        balances[to] += op.amount;
      }
      h.push(...transfer(1, from, to, op.amount, ok ? 'ok' : 'fail'));
    }
    return h;
  }

  it('true reads of a serial bank always conserve the total', () => {
    fc.assert(fc.property(runArb, (ops) => checkBank(serial(ops), { total: 40, accounts: ['a1', 'a2', 'a3', 'a4'] }).verdict === 'valid'), { numRuns: 300 });
  });

  it('one read with a balance changed is always caught', () => {
    fc.assert(
      fc.property(runArb, fc.nat(), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), (ops, which, delta, account) => {
        const h = serial([...ops, 'read']);
        const reads = h.filter((e) => e.type === 'ok' && e.f === 'read');
        const target = reads[which % reads.length];
        const balances = target.value as Record<string, number>;
        target.value = { ...balances, [`a${account}`]: balances[`a${account}`] + delta };
        return checkBank(h, { total: 40 }).verdict === 'invalid';
      }),
      { numRuns: 300 },
    );
  });
});
