// Minimal hand-written histories per model: ones that must be accepted, ones that must be
// rejected, and the indeterminate-operation rules (may never happen, may happen late).
import { describe, expect, it } from 'vitest';
import { checkHistory, type CheckOptions } from '../../../checkers/index.js';
import { history, op, type Row } from './history-builder.js';

const verdict = (model: string, rows: Row[], options: CheckOptions = {}) => checkHistory(history(rows), model, options).verdict;
const LIN = 'linearizable';
const NOT = 'not-linearizable';

describe('register', () => {
  it.each<{ name: string; rows: Row[]; want: string; initial?: unknown }>([
    { name: 'write then read it', rows: [...op(0, 'write', 1, 1), ...op(1, 'read', null, 1)], want: LIN },
    { name: 'read of nil before any write', rows: [...op(1, 'read', null, null), ...op(0, 'write', 1, 1)], want: LIN },
    { name: 'read of a value never written', rows: [...op(0, 'write', 1, 1), ...op(1, 'read', null, 2)], want: NOT },
    { name: 'stale read after an overwrite', rows: [...op(0, 'write', 1, 1), ...op(0, 'write', 2, 2), ...op(1, 'read', null, 1)], want: NOT },
    { name: 'nil read after a write (nil is a value)', rows: [...op(0, 'write', 1, 1), ...op(1, 'read', null, null)], want: NOT },
    {
      name: 'read concurrent with a write may see either value',
      rows: [
        [0, 'invoke', 'write', 1],
        [1, 'invoke', 'read'],
        [1, 'ok', 'read', null],
        [2, 'invoke', 'read'],
        [2, 'ok', 'read', 1],
        [0, 'ok', 'write', 1],
      ],
      want: LIN,
    },
    {
      name: 'two reads concurrent with a write cannot see new then old when sequential',
      rows: [[0, 'invoke', 'write', 1], ...op(1, 'read', null, 1), ...op(2, 'read', null, null), [0, 'ok', 'write', 1]],
      want: NOT,
    },
    { name: 'initial value from --initial', rows: op(0, 'read', null, 0), initial: 0, want: LIN },
    { name: 'initial value defaults to nil', rows: op(0, 'read', null, 0), want: NOT },
  ])('$name', ({ rows, want, initial }) => {
    expect(verdict('register', rows, { initial })).toBe(want);
  });
});

describe('indeterminate operations', () => {
  it('an info write may never happen', () => {
    const rows: Row[] = [[0, 'invoke', 'write', 1], [0, 'info', 'write', 1], ...op(1, 'read', null, null), ...op(1, 'read', null, null)];
    expect(verdict('register', rows)).toBe(LIN);
  });

  it('an invoke never completed may never happen', () => {
    const rows: Row[] = [[0, 'invoke', 'write', 1], ...op(1, 'read', null, null)];
    expect(verdict('register', rows)).toBe(LIN);
  });

  it('an info write may happen late, long after the client gave up', () => {
    const rows: Row[] = [[0, 'invoke', 'write', 1], [0, 'info', 'write', 1], ...op(1, 'read', null, null), ...op(1, 'read', null, null), ...op(1, 'read', null, 1)];
    expect(verdict('register', rows)).toBe(LIN);
  });

  it('a never-completed write may happen after later operations', () => {
    const rows: Row[] = [[0, 'invoke', 'write', 1], ...op(1, 'write', 2, 2), ...op(1, 'read', null, 2), ...op(2, 'read', null, 1)];
    expect(verdict('register', rows)).toBe(LIN);
  });

  it('but it cannot happen twice or un-happen', () => {
    const rows: Row[] = [[0, 'invoke', 'write', 1], [0, 'info', 'write', 1], ...op(1, 'read', null, 1), ...op(1, 'read', null, null)];
    expect(verdict('register', rows)).toBe(NOT);
  });

  it('nor take effect before its invoke', () => {
    const rows: Row[] = [...op(1, 'read', null, 1), [0, 'invoke', 'write', 1], [0, 'info', 'write', 1]];
    expect(verdict('register', rows)).toBe(NOT);
  });

  it('an info cas may have swapped, or not', () => {
    const base: Row[] = [...op(0, 'write', 1, 1), [1, 'invoke', 'cas', [1, 2]], [1, 'info', 'cas', [1, 2]]];
    expect(verdict('cas-register', [...base, ...op(2, 'read', null, 2)])).toBe(LIN);
    expect(verdict('cas-register', [...base, ...op(2, 'read', null, 1)])).toBe(LIN);
    expect(verdict('cas-register', [...base, ...op(2, 'read', null, 3)])).toBe(NOT);
  });

  it('many identical crashed writes are interchangeable (and still each may or may not happen)', () => {
    const rows: Row[] = [];
    for (let p = 0; p < 30; p++) rows.push([p, 'invoke', 'write', 7]);
    for (let p = 0; p < 30; p++) rows.push([p, 'info', 'write', 7]);
    rows.push(...op(100, 'read', null, null), ...op(100, 'write', 1, 1), ...op(100, 'read', null, 7), ...op(100, 'write', 1, 1), ...op(100, 'read', null, 7));
    expect(verdict('register', rows)).toBe(LIN);
    rows.push(...op(100, 'write', 1, 1), ...op(100, 'read', null, 7), ...op(100, 'read', null, 1));
    expect(verdict('register', rows)).toBe(NOT);
  });
});

describe('fail and timestamps', () => {
  it('a failed write did not happen', () => {
    const failed: Row[] = [[0, 'invoke', 'write', 1], [0, 'fail', 'write', 1]];
    expect(verdict('register', [...failed, ...op(1, 'read', null, null)])).toBe(LIN);
    expect(verdict('register', [...failed, ...op(1, 'read', null, 1)])).toBe(NOT);
  });

  it('equal timestamps are concurrent', () => {
    const rows = (readInvokeT: number): Row[] => [
      [0, 'invoke', 'write', 1, { t: 0 }],
      [0, 'ok', 'write', 1, { t: 5 }],
      [1, 'invoke', 'read', null, { t: readInvokeT }],
      [1, 'ok', 'read', null, { t: 9 }],
    ];
    expect(verdict('register', rows(5))).toBe(LIN);
    expect(verdict('register', rows(6))).toBe(NOT);
  });

  it('time, not array order, orders faultline events', () => {
    const rows: Row[] = [
      [1, 'invoke', 'read', null, { t: 10 }],
      [0, 'invoke', 'write', 1, { t: 0 }],
      [0, 'ok', 'write', 1, { t: 3 }],
      [1, 'ok', 'read', null, { t: 12 }],
    ];
    expect(verdict('register', rows)).toBe(NOT);
  });
});

describe('cas-register', () => {
  it.each<{ name: string; rows: Row[]; want: string }>([
    { name: 'cas from the current value', rows: [...op(0, 'write', 1, 1), ...op(1, 'cas', [1, 2], [1, 2]), ...op(2, 'read', null, 2)], want: LIN },
    { name: 'ok cas from a wrong value', rows: [...op(0, 'write', 1, 1), ...op(1, 'cas', [3, 2], [3, 2])], want: NOT },
    { name: 'failed cas is dropped', rows: [...op(0, 'write', 1, 1), [1, 'invoke', 'cas', [1, 2]], [1, 'fail', 'cas', [1, 2]], ...op(2, 'read', null, 1)], want: LIN },
    { name: 'cas reported false did not swap', rows: [...op(0, 'write', 1, 1), ...op(1, 'cas', [3, 2], false), ...op(2, 'read', null, 1)], want: LIN },
    { name: 'cas reported false but it matched', rows: [...op(0, 'write', 1, 1), ...op(1, 'cas', [1, 2], false)], want: NOT },
    { name: 'cas from nil on a fresh register', rows: [...op(0, 'cas', [null, 4], [null, 4]), ...op(1, 'read', null, 4)], want: LIN },
  ])('$name', ({ rows, want }) => {
    expect(verdict('cas-register', rows)).toBe(want);
  });
});

describe('kv', () => {
  const k = (key: string) => ({ key });
  it.each<{ name: string; rows: Row[]; want: string }>([
    { name: 'get of a missing key is ""', rows: op(0, 'get', null, '', k('a')), want: LIN },
    { name: 'get of a missing key may be nil or undefined', rows: [...op(0, 'get', null, null, k('a')), [1, 'invoke', 'get', undefined, k('b')], [1, 'ok', 'get', undefined, k('b')]], want: LIN },
    { name: 'append concatenates', rows: [...op(0, 'append', 'x', 'x', k('a')), ...op(0, 'append', 'y', 'y', k('a')), ...op(1, 'get', null, 'xy', k('a'))], want: LIN },
    { name: 'appends in the wrong order', rows: [...op(0, 'append', 'x', 'x', k('a')), ...op(0, 'append', 'y', 'y', k('a')), ...op(1, 'get', null, 'yx', k('a'))], want: NOT },
    { name: 'put replaces', rows: [...op(0, 'append', 'x', 'x', k('a')), ...op(0, 'put', 'z', 'z', k('a')), ...op(1, 'get', null, 'z', k('a'))], want: LIN },
    { name: 'keys are independent', rows: [...op(0, 'put', '1', '1', k('a')), ...op(0, 'get', null, '', k('b')), ...op(1, 'get', null, '1', k('a'))], want: LIN },
    { name: 'a stale get on one key', rows: [...op(0, 'put', '1', '1', k('a')), ...op(0, 'put', '2', '2', k('b')), ...op(1, 'get', null, '', k('a'))], want: NOT },
    { name: 'cas swaps', rows: [...op(0, 'put', '1', undefined, k('a')), ...op(1, 'cas', ['1', '2'], true, k('a')), ...op(2, 'get', null, '2', k('a'))], want: LIN },
    { name: 'cas true from a wrong value', rows: [...op(0, 'put', '1', undefined, k('a')), ...op(1, 'cas', ['3', '2'], true, k('a'))], want: NOT },
  ])('$name', ({ rows, want }) => {
    expect(verdict('kv', rows)).toBe(want);
    expect(verdict('kv-unpartitioned', rows)).toBe(want);
  });

  it('checks each key as its own partition', () => {
    const r = checkHistory(history([...op(0, 'put', '1', '1', k('a')), ...op(0, 'put', '2', '2', k('b')), ...op(1, 'get', null, '2', k('b'))]), 'kv');
    expect(r.partitions).toBe(2);
    expect(r.partitionResults.map((p) => p.name)).toEqual(['key "a"', 'key "b"']);
  });
});

describe('mutex', () => {
  it.each<{ name: string; rows: Row[]; want: string }>([
    { name: 'acquire, release, acquire', rows: [...op(0, 'acquire', null, null), ...op(0, 'release', null, null), ...op(1, 'acquire', null, null)], want: LIN },
    { name: 'two holders at once', rows: [...op(0, 'acquire', null, null), ...op(1, 'acquire', null, null)], want: NOT },
    { name: 'release of a free lock', rows: op(0, 'release', null, null), want: NOT },
    { name: 'concurrent acquires, one released in between', rows: [[0, 'invoke', 'acquire'], [1, 'invoke', 'acquire'], [0, 'ok', 'acquire'], [2, 'invoke', 'release'], [2, 'ok', 'release'], [1, 'ok', 'acquire']], want: LIN },
    { name: 'a crashed acquire may never have happened', rows: [[0, 'invoke', 'acquire'], [0, 'info', 'acquire'], ...op(1, 'acquire', null, null)], want: LIN },
    { name: 'a crashed release may have happened', rows: [...op(0, 'acquire', null, null), [0, 'invoke', 'release'], [0, 'info', 'release'], ...op(1, 'acquire', null, null)], want: LIN },
    { name: 'failed releases are dropped', rows: [...op(0, 'acquire', null, null), [1, 'invoke', 'release'], [1, 'fail', 'release'], ...op(2, 'acquire', null, null)], want: NOT },
  ])('$name', ({ rows, want }) => {
    expect(verdict('mutex', rows)).toBe(want);
  });
});

describe('queues', () => {
  const enq = (p: number, v: number) => op(p, 'enqueue', v, v);
  const deq = (p: number, v: unknown) => op(p, 'dequeue', null, v);
  it.each<{ name: string; model: string; rows: Row[]; want: string }>([
    { name: 'fifo: oldest first', model: 'fifo-queue', rows: [...enq(0, 1), ...enq(0, 2), ...deq(1, 1), ...deq(1, 2)], want: LIN },
    { name: 'fifo: newest first', model: 'fifo-queue', rows: [...enq(0, 1), ...enq(0, 2), ...deq(1, 2)], want: NOT },
    { name: 'fifo: concurrent enqueues in either order', model: 'fifo-queue', rows: [[0, 'invoke', 'enqueue', 1], [1, 'invoke', 'enqueue', 2], [0, 'ok', 'enqueue', 1], [1, 'ok', 'enqueue', 2], ...deq(2, 2), ...deq(2, 1)], want: LIN },
    { name: 'fifo: dequeue from empty finds nothing', model: 'fifo-queue', rows: [...deq(0, null), ...enq(0, 1), ...deq(0, 1)], want: LIN },
    { name: 'fifo: a value never enqueued', model: 'fifo-queue', rows: [...enq(0, 1), ...deq(1, 3)], want: NOT },
    { name: 'fifo: a crashed dequeue took the head', model: 'fifo-queue', rows: [...enq(0, 1), ...enq(0, 2), [1, 'invoke', 'dequeue'], [1, 'info', 'dequeue'], ...deq(2, 2)], want: LIN },
    { name: 'unordered: any element', model: 'queue', rows: [...enq(0, 1), ...enq(0, 2), ...deq(1, 2), ...deq(1, 1)], want: LIN },
    { name: 'unordered: twice the same element', model: 'queue', rows: [...enq(0, 1), ...enq(0, 2), ...deq(1, 1), ...deq(1, 1)], want: NOT },
    { name: 'unordered: a crashed dequeue took some element', model: 'queue', rows: [...enq(0, 1), ...enq(0, 2), [1, 'invoke', 'dequeue'], [1, 'info', 'dequeue'], ...deq(2, 1), ...deq(2, null)], want: LIN },
    { name: 'unordered: without the crashed dequeue the queue is not empty', model: 'queue', rows: [...enq(0, 1), ...enq(0, 2), ...deq(2, 1), ...deq(2, null)], want: NOT },
  ])('$name', ({ model, rows, want }) => {
    expect(verdict(model, rows)).toBe(want);
  });
});

describe('set', () => {
  it.each<{ name: string; rows: Row[]; want: string }>([
    { name: 'reads the whole set in any order', rows: [...op(0, 'add', 1, 1), ...op(0, 'add', 2, 2), ...op(1, 'read', null, [2, 1])], want: LIN },
    { name: 'a read missing a completed add', rows: [...op(0, 'add', 1, 1), ...op(0, 'add', 2, 2), ...op(1, 'read', null, [1])], want: NOT },
    { name: 'a crashed add may appear', rows: [[0, 'invoke', 'add', 3], [0, 'info', 'add', 3], ...op(1, 'add', 1, 1), ...op(1, 'read', null, [1, 3])], want: LIN },
    { name: 'or not', rows: [[0, 'invoke', 'add', 3], [0, 'info', 'add', 3], ...op(1, 'add', 1, 1), ...op(1, 'read', null, [1])], want: LIN },
    { name: 'but not vanish once seen', rows: [[0, 'invoke', 'add', 3], [0, 'info', 'add', 3], ...op(1, 'read', null, [3]), ...op(1, 'read', null, [])], want: NOT },
  ])('$name', ({ rows, want }) => {
    expect(verdict('set', rows)).toBe(want);
  });
});

describe('multi-register', () => {
  const txn = (p: number, invoke: unknown[], done: unknown[]) => op(p, 'txn', invoke, done);
  it.each<{ name: string; rows: Row[]; want: string; initial?: unknown }>([
    { name: 'write then read', rows: [...txn(0, [['write', 'x', 1]], [['write', 'x', 1]]), ...txn(1, [['read', 'x', null], ['read', 'y', null]], [['read', 'x', 1], ['read', 'y', null]])], want: LIN },
    { name: 'stale read', rows: [...txn(0, [['write', 'x', 1]], [['write', 'x', 1]]), ...txn(0, [['write', 'x', 2]], [['write', 'x', 2]]), ...txn(1, [['read', 'x', null]], [['read', 'x', 1]])], want: NOT },
    { name: 'a txn is atomic', rows: [...txn(0, [['write', 'x', 1], ['write', 'y', 1]], [['write', 'x', 1], ['write', 'y', 1]]), ...txn(1, [['read', 'x', null], ['read', 'y', null]], [['read', 'x', 1], ['read', 'y', 0]])], initial: { x: 0, y: 0 }, want: NOT },
    { name: 'initial map', rows: txn(1, [['read', 'x', null], ['read', 'y', null]], [['read', 'x', 0], ['read', 'y', 0]]), initial: { x: 0, y: 0 }, want: LIN },
    { name: 'unknown initial values are learnt once', rows: [...txn(1, [['read', 'x', null]], [['read', 'x', 5]]), ...txn(1, [['read', 'x', null]], [['read', 'x', 5]])], want: LIN },
    { name: 'and then fixed', rows: [...txn(1, [['read', 'x', null]], [['read', 'x', 5]]), ...txn(1, [['read', 'x', null]], [['read', 'x', 6]])], want: NOT },
  ])('$name', ({ rows, want, initial }) => {
    expect(verdict('multi-register', rows, { initial })).toBe(want);
  });
});

describe('counterexample', () => {
  it('names the op that could not be linearized, the last one that could, and the states', () => {
    const r = checkHistory(history([...op(0, 'write', 1, 1), ...op(0, 'write', 2, 2), ...op(1, 'read', null, 1)]), 'register');
    expect(r.verdict).toBe(NOT);
    const c = r.counterexample!;
    expect(c.partition).toBe('all');
    expect(c.op).toMatchObject({ process: 1, f: 'read', output: 1, invokeIndex: 4, completeIndex: 5 });
    expect(c.lastLinearized).toMatchObject({ process: 0, f: 'write', input: 2 });
    expect(c.linearizedCount).toBe(2);
    expect(c.linearization.map((s) => [s.op.text, s.stateAfter])).toEqual([
      ['p0 write 1', '1'],
      ['p0 write 2', '2'],
    ]);
    expect(c.stateBefore).toBe('nil');
    expect(c.stateAtFailure).toBe('2');
    expect(c.reason).toBe('read 1 but the register holds 2');
  });

  it('lists the operations still open at the failure', () => {
    const r = checkHistory(history([[2, 'invoke', 'cas', [5, 6]], ...op(0, 'write', 1, 1), ...op(1, 'read', null, 3)]), 'cas-register');
    expect(r.counterexample!.pending.map((p) => p.text)).toEqual(['p2 cas [5,6] (indeterminate)']);
  });
});
