// The trace's columns (sim/trace.ts) give back the rows the kernel records, field for field
// and in the field order the trace always had (reports and --trace-out write them as they
// are), including numbers beyond Int32 (a run past 35 minutes simulated).
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../sim/result.js';
import { BUGGIFY, DELIVER_ROW, SEND, TIMER_ROW, TraceLog } from '../../sim/trace.js';
import type { HistoryEvent } from '../../sim/types.js';

/** Every row kind, through the log, next to the objects the kernel used to push. */
function both(i: number, t: number, id: number, log = new TraceLog(), expected: TraceEvent[] = []): { log: TraceLog; expected: TraceEvent[] } {
  const msg = { type: 'append', entries: [1, 2] };
  const data = { index: 3 };
  const summary = { role: 'leader', term: 2 };
  const event: HistoryEvent = { index: 0, timeUs: t, process: 0, type: 'invoke', f: 'get', value: null };
  log.message(SEND, i, t, 0, 4, msg, id);
  expected.push({ i, t, k: 'send', from: 0, to: 4, msg, id });
  log.message(DELIVER_ROW, i, t, 0, 4, msg, id);
  expected.push({ i, t, k: 'deliver', from: 0, to: 4, msg, id });
  log.drop(i, t, 1, 2, msg, id, 'partition');
  expected.push({ i, t, k: 'drop', from: 1, to: 2, msg, id, why: 'partition' });
  log.named(TIMER_ROW, i, t, 3, 'election');
  expected.push({ i, t, k: 'timer', node: 3, name: 'election' });
  log.named(BUGGIFY, i, t, 2, 'skip-heartbeat');
  expected.push({ i, t, k: 'buggify', node: 2, name: 'skip-heartbeat' });
  log.note(i, t, 1, 'commit', data);
  expected.push({ i, t, k: 'note', node: 1, kind: 'commit', data });
  log.state(i, t, 4, summary);
  expected.push({ i, t, k: 'state', node: 4, summary });
  log.history(i, t, event, 5);
  expected.push({ i, t, k: 'history', event, by: 5 });
  const whole: TraceEvent = { i, t, k: 'crash', node: 2 };
  log.whole(whole);
  expected.push(whole);
  log.drop(i, t, 2, 1, undefined, id + 1, 'node down');
  expected.push({ i, t, k: 'drop', from: 2, to: 1, msg: undefined, id: id + 1, why: 'node down' });
  const empty = {};
  log.note(i, t, 0, 'vote', empty);
  expected.push({ i, t, k: 'note', node: 0, kind: 'vote', data: empty });
  return { log, expected };
}

function expectSameRows(rows: TraceEvent[], expected: TraceEvent[]): void {
  expect(rows).toHaveLength(expected.length);
  for (let r = 0; r < rows.length; r++) {
    expect(Object.keys(rows[r])).toEqual(Object.keys(expected[r]));
    expect(rows[r]).toStrictEqual(expected[r]);
    // The row's objects are the recorded ones, not copies.
    for (const key of Object.keys(expected[r]) as Array<keyof TraceEvent>) {
      if (typeof expected[r][key] === 'object') expect(rows[r][key]).toBe(expected[r][key]);
    }
  }
  expect(JSON.stringify(rows)).toBe(JSON.stringify(expected));
}

describe('TraceLog', () => {
  it('gives back every kind of row, fields in order, objects by reference', () => {
    const { log, expected } = both(7, 1_250_000, 41);
    expect(log.length).toBe(expected.length);
    expectSameRows(log.rows(), expected);
  });

  it('keeps numbers beyond Int32 (event index, time, message id)', () => {
    for (const [i, t, id] of [
      [5, 2 ** 31 + 3, 9],
      [2 ** 33, 100, 9],
      [5, 100, 2 ** 32 + 1],
    ]) {
      // Wide from the first row, and small rows first, then wide ones (the columns widen with what they hold).
      const big = both(i, t, id);
      expectSameRows(big.log.rows(), big.expected);
      const small = both(1, 2, 3);
      const then = both(i, t, id, small.log, small.expected);
      expectSameRows(then.log.rows(), then.expected);
    }
    const log = new TraceLog();
    log.message(SEND, 1, 10, 0, 1, 'a', 0);
    log.message(SEND, 2, 2 ** 40, 0, 1, 'b', 1);
    expect(log.rows().map((r) => r.t)).toEqual([10, 2 ** 40]);
  });

  it('grows past its first columns with every row intact', () => {
    const log = new TraceLog();
    const n = 5_000;
    for (let r = 0; r < n; r++) {
      if (r === 3_000) log.named(TIMER_ROW, r, 2 ** 31 + r, r % 5, `t${r}`);
      else log.message(SEND, r, r * 10, r % 5, (r + 1) % 5, r, r);
    }
    const rows = log.rows();
    expect(rows).toHaveLength(n);
    expect(rows[4_999]).toStrictEqual({ i: 4_999, t: 49_990, k: 'send', from: 4, to: 0, msg: 4_999, id: 4_999 });
    expect(rows[3_000]).toStrictEqual({ i: 3_000, t: 2 ** 31 + 3_000, k: 'timer', node: 0, name: 't3000' });
    expect(rows[1_024]).toStrictEqual({ i: 1_024, t: 10_240, k: 'send', from: 4, to: 0, msg: 1_024, id: 1_024 });
  });
});
