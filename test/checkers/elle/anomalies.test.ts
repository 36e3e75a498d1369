// Hand-made list-append histories: each anomaly kind is rejected with that kind; valid
// histories are accepted.
import { describe, expect, it } from 'vitest';
import { checkListAppend, type ElleConsistency } from '../../../checkers/index.js';
import { history, type TxnSpec } from './history.js';

const check = (txns: TxnSpec[], consistency?: ElleConsistency) => checkListAppend(history(txns), consistency ? { consistency } : {});
const kinds = (txns: TxnSpec[], consistency?: ElleConsistency) => check(txns, consistency).anomalies.map((a) => a.kind);

describe('list-append checker: anomalies', () => {
  it('G0: write cycle over two keys', () => {
    const r = check([
      { p: 0, ops: [['append', 'x', 1], ['append', 'y', 2]], start: 0, end: 10 },
      { p: 1, ops: [['append', 'x', 2], ['append', 'y', 1]], start: 0, end: 10 },
      { p: 2, ops: [['r', 'x', [1, 2]], ['r', 'y', [1, 2]]], start: 20, end: 30 },
    ]);
    expect(r.verdict).toBe('invalid');
    expect(r.anomalies.map((a) => a.kind)).toEqual(['G0']);
    const [g0] = r.anomalies;
    expect(g0.cycle!.map((e) => `${e.from}-${e.kind}-${e.key}->${e.to}`).sort()).toEqual(['0-ww-x->1', '1-ww-y->0']);
    expect(g0.cycle![0].why).toMatch(/appended . to ., and T. appended ., the next element/);
    expect(g0.txns[0].text).toMatch(/^T\d p\d \[append x \d\] \[append y \d\]$/);
  });

  it('G1c: circular information flow through reads', () => {
    expect(
      kinds([
        { p: 0, ops: [['append', 'x', 1], ['r', 'y', [1]]], start: 0, end: 10 },
        { p: 1, ops: [['append', 'y', 1], ['r', 'x', [1]]], start: 0, end: 10 },
      ]),
    ).toEqual(['G1c']);
  });

  it('G-single: read skew (one anti-dependency)', () => {
    const r = check([
      { p: 0, ops: [['append', 'x', 1], ['append', 'y', 1]], start: 0, end: 10 },
      { p: 1, ops: [['r', 'x', []], ['r', 'y', [1]]], start: 0, end: 10 },
      { p: 2, ops: [['r', 'x', [1]]], start: 20, end: 30 },
    ]);
    expect(r.anomalies.map((a) => a.kind)).toEqual(['G-single']);
    expect(r.anomalies[0].cycle!.map((e) => e.why).join('\n')).toContain('read x as [], and T0 appended 1, its first element');
  });

  it('G2: write skew (two anti-dependencies)', () => {
    expect(
      kinds([
        { p: 0, ops: [['r', 'x', []], ['append', 'y', 1]], start: 0, end: 10 },
        { p: 1, ops: [['r', 'y', []], ['append', 'x', 1]], start: 0, end: 10 },
        { p: 2, ops: [['r', 'x', [1]], ['r', 'y', [1]]], start: 20, end: 30 },
      ]),
    ).toEqual(['G2']);
  });

  it('G1a: a read of an aborted append', () => {
    const r = check([
      { p: 0, ops: [['append', 'x', 1]], start: 0, end: 10, type: 'fail' },
      { p: 1, ops: [['r', 'x', [1]]], start: 20, end: 30 },
    ]);
    expect(r.anomalies.map((a) => a.kind)).toEqual(['G1a']);
    expect(r.anomalies[0].message).toContain('appended by T0, which failed');
  });

  it('G1b: a read of an intermediate append', () => {
    expect(
      kinds([
        { p: 0, ops: [['append', 'x', 1], ['append', 'x', 2]], start: 0, end: 10 },
        { p: 1, ops: [['r', 'x', [1]]], start: 0, end: 10 },
      ]),
    ).toEqual(['G1b']);
  });

  it('a txn reading its own intermediate append is fine', () => {
    expect(check([{ p: 0, ops: [['append', 'x', 1], ['r', 'x', [1]], ['append', 'x', 2]], start: 0, end: 10 }]).verdict).toBe('valid');
  });

  it('incompatible orders: neither read is a prefix of the other', () => {
    const r = check([
      { p: 0, ops: [['append', 'x', 1]], start: 0, end: 10 },
      { p: 1, ops: [['append', 'x', 2]], start: 0, end: 10 },
      { p: 2, ops: [['r', 'x', [1, 2]]], start: 20, end: 30 },
      { p: 3, ops: [['r', 'x', [2, 1]]], start: 20, end: 30 },
    ]);
    expect(r.anomalies.map((a) => a.kind)).toEqual(['incompatible-order']);
    expect(r.anomalies[0]).toMatchObject({ key: 'x' });
    expect(r.anomalies[0].message).toContain('[2 1]');
    expect(r.anomalies[0].message).toContain('[1 2]');
  });

  it('duplicate elements and values never appended', () => {
    expect(
      kinds([
        { p: 0, ops: [['append', 'x', 1]], start: 0, end: 10 },
        { p: 1, ops: [['r', 'x', [1, 1]]], start: 20, end: 30 },
        { p: 2, ops: [['r', 'x', [1, 9]]], start: 20, end: 30 },
      ]),
    ).toEqual(['duplicate-elements', 'unwritten-read']);
  });

  it('internal: a txn that does not see its own append, or reads a key differently twice', () => {
    const r = check([
      { p: 0, ops: [['append', 'x', 1], ['r', 'x', []]], start: 0, end: 10 },
      { p: 1, ops: [['r', 'y', []], ['r', 'y', [1]]], start: 20, end: 30 },
      { p: 2, ops: [['append', 'y', 1]], start: 0, end: 10 },
    ], 'serializable');
    // The twice-read key also makes a cycle: T1 -wr-> T2 (y = [1]) and T2 -rw-> T1 (y = []).
    expect(r.anomalies.map((a) => a.kind)).toEqual(['internal', 'internal', 'G-single']);
    expect(r.anomalies[0].message).toBe('T0 read x = [], but within the txn it should read a list ending with its own appends [1]');
    expect(r.anomalies[1].message).toBe('T2 read y = [1], but within the txn it should read exactly []');
  });

  it('a stale read after a completed append: rejected under strict-serializable only', () => {
    const txns: TxnSpec[] = [
      { p: 0, ops: [['append', 'x', 1]], start: 0, end: 10 },
      { p: 1, ops: [['r', 'x', []]], start: 20, end: 30 },
      { p: 2, ops: [['r', 'x', [1]]], start: 40, end: 50 },
    ];
    expect(check(txns, 'serializable').verdict).toBe('valid');
    const strict = check(txns, 'strict-serializable');
    expect(strict.anomalies.map((a) => a.kind)).toEqual(['G-single-realtime']);
    expect(strict.anomalies[0].cycle!.map((e) => e.why).join('\n')).toContain('T0 completed (t=10) before T1 was invoked (t=20)');
    // strict-serializable is the default.
    expect(check(txns).verdict).toBe('invalid');
  });

  it('valid: concurrent txns in a consistent order, aborted and indeterminate ones', () => {
    const r = check([
      { p: 0, ops: [['append', 'x', 1], ['r', 'y', []]], start: 0, end: 10 },
      { p: 1, ops: [['r', 'x', [1]], ['append', 'y', 1]], start: 5, end: 15 },
      { p: 2, ops: [['append', 'x', 2]], start: 5, end: 15, type: 'fail' },
      { p: 3, ops: [['append', 'y', 2]], start: 5, end: 15, type: 'info' },
      { p: 4, ops: [['append', 'x', 3]], start: 12 },
      { p: 0, ops: [['r', 'x', [1, 3]], ['r', 'y', [1, 2]]], start: 20, end: 30 },
    ]);
    expect(r).toMatchObject({ verdict: 'valid', txns: 6, committed: 3, aborted: 1, indeterminate: 2, anomalies: [] });
  });

  it('an info txn whose append was read took effect: it joins cycles', () => {
    const r = check([
      { p: 0, ops: [['append', 'x', 1], ['append', 'y', 1]], start: 0, end: 10, type: 'info' },
      { p: 1, ops: [['r', 'x', []], ['r', 'y', [1]]], start: 0, end: 10 },
      { p: 2, ops: [['r', 'x', [1]]], start: 20, end: 30 },
    ]);
    expect(r.anomalies.map((a) => a.kind)).toEqual(['G-single']);
    expect(r.anomalies[0].txns.map((t) => t.status).sort()).toEqual(['info', 'ok']);
    // Invoked after T1 completed, an info txn still follows it in real time.
    const late = check([
      { p: 0, ops: [['r', 'x', [1]]], start: 0, end: 10 },
      { p: 1, ops: [['append', 'x', 1]], start: 20, end: 30, type: 'info' },
    ]);
    expect(late.anomalies.map((a) => a.kind)).toEqual(['G1c-realtime']);
  });

  it('malformed txn values are input errors naming the field', () => {
    const events = history([{ p: 0, ops: [['append', 'x', 1]], start: 0, end: 10 }]);
    events[1].value = [['append', 'x']];
    expect(() => checkListAppend(events)).toThrow(/value\[0\]: a micro-op \[f key value\]/);
    events[1].value = [['write', 'x', 1]];
    expect(() => checkListAppend(events)).toThrow(/value\[0\]: the ok completion|value\[0\] f: append or r/);
  });
});
