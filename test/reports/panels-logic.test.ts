// The report panels' DOM-free logic: the log's query parsing, filtering and virtual
// scrolling, the history's layout, hit-testing and window arithmetic.
import { describe, expect, it } from 'vitest';
import { allocOps, allocRows } from '../../reports/shared/codec.js';
import { K, KIND_NAMES, type Lane } from '../../reports/shared/data.js';
import { KIND_LABELS } from '../../reports/client/model.js';
import { indexOfRow, maskOf, MAX_SPACER_PX, parseQuery, pretty, scrollTopFor, SearchIndex, virtualWindow, type LogFilter } from '../../reports/client/log-search.js';
import { barEnd, clampWindow, hitOp, layoutHistory, panWindow, tickLabel, tickStep, windowAround, zoomWindow } from '../../reports/client/history-layout.js';
import { traceFileName } from '../../reports/client/summary.js';

const lanes: Lane[] = [
  { id: 0, name: 'n1', kind: 'node', roles: ['server'] },
  { id: 1, name: 'n2', kind: 'node', roles: ['server'] },
  { id: 2, name: 'c1', kind: 'client', roles: ['client'] },
];

/** A small trace: [time, lane, kind, label, body]. */
function rowsOf(spec: Array<[number, number, number, string, string | undefined]>) {
  const strings: string[] = [];
  const id = (s: string): number => {
    const i = strings.indexOf(s);
    if (i >= 0) return i;
    strings.push(s);
    return strings.length - 1;
  };
  const rows = allocRows(spec.length);
  spec.forEach(([t, lane, kind, label, body], r) => {
    rows.t[r] = t;
    rows.lane[r] = lane;
    rows.kind[r] = kind;
    rows.label[r] = id(label);
    rows.body[r] = body === undefined ? -1 : id(body);
    rows.peer[r] = -1;
    rows.msg[r] = -1;
  });
  return { rows, strings };
}

const trace = rowsOf([
  [0, 0, K.state, 'follower · term 0', '{"role":"follower"}'],
  [10, 0, K.send, 'vote', '{"type":"vote","term":1}'],
  [20, 1, K.deliver, 'vote', '{"type":"vote","term":1}'],
  [30, 1, K.send, 'vote-reply', '{"type":"vote-reply","granted":true}'],
  [40, 0, K.deliver, 'vote-reply', '{"type":"vote-reply","granted":true}'],
  [50, -1, K.fault, 'partition', '{"groups":[[0],[1]]}'],
  [60, 2, K.history, 'invoke get', '{"f":"get","key":"Secret Key"}'],
]);
const filterOf = (text: string, extra: Partial<LogFilter> = {}): LogFilter => ({ query: parseQuery(text), lane: -2, kind: -1, ...extra });

describe('log search', () => {
  const index = new SearchIndex(trace.rows, trace.strings, lanes, KIND_LABELS);
  const find = (text: string, extra: Partial<LogFilter> = {}): number[] => [...index.filter(filterOf(text, extra))];

  it('parses terms, phrases, negations and lane:/kind: fields', () => {
    expect(parseQuery('  Vote "a b"  -Reply lane:n1,c2 kind:send node:n3 ')).toEqual({ include: ['vote', 'a b'], exclude: ['reply'], lanes: ['n1', 'c2', 'n3'], kinds: ['send'] });
    expect(parseQuery('')).toEqual({ include: [], exclude: [], lanes: [], kinds: [] });
    expect(parseQuery('"unterminated phrase')).toEqual({ include: ['unterminated phrase'], exclude: [], lanes: [], kinds: [] });
  });

  it('matches label and body, case-insensitively, every term (AND)', () => {
    expect(find('')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(find('VOTE')).toEqual([1, 2, 3, 4]);
    expect(find('vote-reply')).toEqual([3, 4]);
    expect(find('vote granted')).toEqual([3, 4]);
    expect(find('secret key')).toEqual([6]);
    expect(find('"secret key"')).toEqual([6]);
    expect(find('vote -reply')).toEqual([1, 2]);
    expect(find('nothing-like-this')).toEqual([]);
  });

  it('filters by lane and kind, from the query and from the dropdowns', () => {
    expect(find('lane:n2')).toEqual([2, 3]);
    expect(find('lane:global')).toEqual([5]);
    expect(find('kind:deliver')).toEqual([2, 4]);
    expect(find('kind:op')).toEqual([6]);
    expect(new SearchIndex(trace.rows, trace.strings, lanes, KIND_LABELS, KIND_NAMES).filter(filterOf('kind:history'))).toEqual(Int32Array.from([6]));
    expect(find('kind:send vote')).toEqual([1, 3]);
    expect(find('', { lane: 0 })).toEqual([0, 1, 4]);
    expect(find('', { lane: -1 })).toEqual([5]);
    expect(find('', { kind: K.history })).toEqual([6]);
    expect(find('vote', { lane: 1, kind: K.send })).toEqual([3]);
    // Lane names and kind names are text too.
    expect(find('c1')).toEqual([6]);
  });

  it('keeps only the rows of a mask (the causal past)', () => {
    const mask = Uint8Array.from([1, 1, 1, 0, 0, 0, 0]);
    expect(find('vote', { mask })).toEqual([1, 2]);
  });

  it('finds rows in the match list and builds the mask', () => {
    const matches = Int32Array.from([1, 4, 9, 12]);
    expect(indexOfRow(matches, 9)).toBe(2);
    expect(indexOfRow(matches, 5)).toBe(-1);
    expect([...maskOf(matches, 13)]).toEqual([0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1]);
  });

  it('filters a million rows in well under a second', () => {
    const n = 1_000_000;
    const strings = ['vote', 'vote-reply', 'append', 'append-reply', 'timer'];
    for (let i = 0; i < 200_000; i++) strings.push(`{"type":"append","term":${i % 97},"entries":[${i}]}`);
    const rows = allocRows(n);
    for (let r = 0; r < n; r++) {
      rows.t[r] = r;
      rows.lane[r] = r % 3;
      rows.kind[r] = r % 2;
      rows.label[r] = r % 5;
      rows.body[r] = 5 + (r % 200_000);
    }
    const big = new SearchIndex(rows, strings, lanes, KIND_LABELS);
    const started = performance.now();
    const hits = big.filter(filterOf('vote-reply'));
    const ms = performance.now() - started;
    expect(hits.length).toBe(n / 5);
    expect(ms).toBeLessThan(1500);
  });
});

describe('virtual scrolling', () => {
  it('maps one pixel to one pixel under the cap', () => {
    const w = virtualWindow(2000, 400, 1000, 20);
    expect(w).toEqual({ spacerPx: 20_000, first: 100, count: 21, topPx: 2000 });
    expect(virtualWindow(0, 400, 5, 20)).toEqual({ spacerPx: 100, first: 0, count: 5, topPx: 0 });
    expect(virtualWindow(0, 400, 0, 20).count).toBe(0);
    expect(scrollTopFor(100, 400, 1000, 20)).toBe((100 - 6) * 20);
  });

  it('scales past the cap, reaching the last row at the bottom', () => {
    const n = 1_000_000;
    const top = virtualWindow(0, 400, n, 20);
    expect(top.spacerPx).toBe(MAX_SPACER_PX);
    expect(top.first).toBe(0);
    const bottom = virtualWindow(MAX_SPACER_PX - 400, 400, n, 20);
    expect(bottom.first + bottom.count).toBe(n);
    const mid = scrollTopFor(500_000, 400, n, 20);
    const w = virtualWindow(mid, 400, n, 20);
    expect(w.first).toBeLessThanOrEqual(500_000);
    expect(w.first + w.count).toBeGreaterThan(500_000);
  });
});

describe('history layout', () => {
  // Ops: [process, lane, status, invoke, complete]
  const spec: Array<[number, number, number, number, number]> = [
    [0, 2, 0, 0, 10],
    [1, 3, 0, 5, 8],
    [0, 2, 2, 12, 20], // info: runs to the end
    [2, 2, 1, 15, 30], // a new process on the same lane after the info
    [1, 3, 3, 40, -1], // open
    [4, -1, 0, 1, 2], // unknown lane
  ];
  const ops = allocOps(spec.length);
  spec.forEach(([p, l, s, a, b], o) => {
    ops.process[o] = p;
    ops.lane[o] = l;
    ops.status[o] = s;
    ops.invokeUs[o] = a;
    ops.completeUs[o] = b;
  });
  const moreLanes: Lane[] = [...lanes, { id: 3, name: 'c2', kind: 'client', roles: ['client'] }];
  const layout = layoutHistory(ops, moreLanes, 100);

  it('groups processes by lane, in lane order, unknown last', () => {
    expect(layout.groups.map((g) => [g.name, g.first, g.count])).toEqual([['c1', 0, 2], ['c2', 2, 1], ['unknown', 3, 1]]);
    expect(layout.rows.map((r) => [r.process, [...r.ops]])).toEqual([[0, [0, 2]], [2, [3]], [1, [1, 4]], [4, [5]]]);
    expect([...layout.rowOf]).toEqual([0, 2, 0, 1, 2, 3]);
  });

  it('ends ok and fail bars at their completion, info and open at the run end', () => {
    expect([...layout.end]).toEqual([10, 8, 100, 30, 100, 2]);
    expect(barEnd(ops, 2, 50)).toBe(50);
  });

  it('puts overlapping bars of one process on a sub-row', () => {
    const o = allocOps(3);
    [[0, 0, 10], [0, 5, 15], [0, 20, 30]].forEach(([p, a, b], i) => {
      o.process[i] = p;
      o.lane[i] = 0;
      o.invokeUs[i] = a;
      o.completeUs[i] = b;
    });
    const l = layoutHistory(o, lanes, 100);
    expect(l.rows.map((r) => [r.sub, [...r.ops]])).toEqual([[0, [0, 2]], [1, [1]]]);
  });

  it('hit-tests the solid bar under a time, with a tolerance', () => {
    const row = layout.rows[0];
    expect(hitOp(row, ops, layout.solid, 5, 0)).toBe(0);
    expect(hitOp(row, ops, layout.solid, 11, 0)).toBe(-1);
    expect(hitOp(row, ops, layout.solid, 11, 1.5)).toBe(0);
    expect(hitOp(row, ops, layout.solid, 15, 0)).toBe(2);
    // An info op's pale tail is not its bar; an open op's bar runs to the end.
    expect(hitOp(row, ops, layout.solid, 60, 0)).toBe(-1);
    expect(hitOp(layout.rows[2], ops, layout.solid, 90, 0)).toBe(4);
  });

  it('keeps later ops of a process on its row after an info op (the tail lies under them)', () => {
    const o = allocOps(3);
    [[0, 2, 0, 10], [0, 0, 12, 20], [0, 0, 25, 30]].forEach(([p, s, a, b], i) => {
      o.process[i] = p;
      o.lane[i] = 0;
      o.status[i] = s;
      o.invokeUs[i] = a;
      o.completeUs[i] = b;
    });
    const l = layoutHistory(o, lanes, 100);
    expect(l.rows.map((r) => [[...r.ops], [...r.tails]])).toEqual([[[0, 1, 2], [0]]]);
    expect([...l.end]).toEqual([100, 20, 30]);
    expect([...l.solid]).toEqual([10, 20, 30]);
  });

  it('zooms about an anchor, pans and clamps to the run', () => {
    expect(zoomWindow({ t0: 0, t1: 100 }, 0.5, 50, 0, 1000)).toEqual({ t0: 25, t1: 75 });
    expect(zoomWindow({ t0: 0, t1: 100 }, 0.5, 0, 0, 1000)).toEqual({ t0: 0, t1: 50 });
    expect(zoomWindow({ t0: 0, t1: 100 }, 100, 50, 0, 1000)).toEqual({ t0: 0, t1: 1000 });
    expect(zoomWindow({ t0: 0, t1: 100 }, 0.0001, 50, 0, 1000).t1 - zoomWindow({ t0: 0, t1: 100 }, 0.0001, 50, 0, 1000).t0).toBe(10);
    expect(panWindow({ t0: 0, t1: 100 }, 50, 0, 1000)).toEqual({ t0: 50, t1: 150 });
    expect(panWindow({ t0: 0, t1: 100 }, -50, 0, 1000)).toEqual({ t0: 0, t1: 100 });
    expect(panWindow({ t0: 800, t1: 900 }, 500, 0, 1000)).toEqual({ t0: 900, t1: 1000 });
    expect(clampWindow({ t0: -5, t1: 2000 }, 0, 1000)).toEqual({ t0: 0, t1: 1000 });
  });

  it('fits a window around ops (unknown outcomes by their completion, not the run end)', () => {
    // Op 2 is info (its bar runs to 100) but completed at 20: the fit stops there.
    expect(windowAround(ops, [0, 2], layout.end, 0, 100, 0)).toEqual({ t0: 0, t1: 20 });
    expect(windowAround(ops, [1, 3], layout.end, 0, 1000, 0)).toEqual({ t0: 5, t1: 30 });
    // Padding: a share of the span (taken as at least 100 µs) either side, then kept inside the run.
    expect(windowAround(ops, [1, 3], layout.end, 0, 1000, 0.1)).toEqual({ t0: 0, t1: 45 });
    expect(windowAround(ops, [1, 3], layout.end, -1000, 1000, 0.1)).toEqual({ t0: -5, t1: 40 });
    expect(windowAround(ops, [], layout.end, 0, 100)).toBeUndefined();
  });

  it('chooses round ticks and labels them in the step’s unit', () => {
    expect(tickStep(10_000_000, 10)).toBe(1_000_000);
    expect(tickStep(1_000, 4)).toBe(200);
    expect(tickLabel(2_000_000, 1_000_000)).toBe('2 s');
    expect(tickLabel(1_800_000, 100_000)).toBe('1.8 s');
    expect(tickLabel(1_815_000, 5_000)).toBe('1.815 s');
    expect(tickLabel(1_500, 500)).toBe('1.5 ms');
  });
});

describe('log detail', () => {
  it('indents JSON bodies, leaves other text alone, and caps the size', () => {
    expect(pretty('{"a":1,"b":[2]}')).toBe('{\n  "a": 1,\n  "b": [\n    2\n  ]\n}');
    expect(pretty('not json <b>')).toBe('not json <b>');
    expect(pretty('x'.repeat(50), 10)).toBe(`${'x'.repeat(10)}\n… (40 more characters)`);
  });
});

describe('summary', () => {
  it('makes a safe Perfetto file name', () => {
    expect(traceFileName({ scenario: 'local-read', seed: '1' })).toBe('local-read-seed-1.perfetto.json');
    expect(traceFileName({ scenario: '../<img src=x>/..', seed: '0x9' })).toBe('img-src-x-seed-0x9.perfetto.json');
    expect(traceFileName({ scenario: '///', seed: '' })).toBe('run-seed-run.perfetto.json');
  });
});
