// The incremental check (fed event by event) against the batch check (checkHistory): the
// same verdict on every history the batch check decides, over generated histories
// (linearizable and not, with failed and indeterminate ops, several keys) and over real
// run histories of the shipped Raft, Paxos and Zab scenarios, also with a read corrupted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory, checkIncrementally, HistoryParseError, IncrementalLinearizability, kvModel } from '../../../checkers/linearizability/index.js';
import { loadScenario } from '../../../scenario/load.js';
import { runSimulation } from '../../../sim/world.js';
import type { HistoryEvent } from '../../../sim/types.js';

const seed = Number(process.env.FAULTLINE_FC_SEED ?? 0x5eed);

interface GenOp {
  f: 'get' | 'put' | 'append' | 'cas';
  key: number;
  arg: number;
  /** Where the op takes effect in the sequential execution (its slot), and how far its invoke and return are from it. */
  lead: number;
  lag: number;
  /** 0-5 ok, 6 fail, 7 info that took effect, 8 info that did not, 9 never completed (took effect or not by arg parity). */
  end: number;
  /** A read's value corrupted (to one never written) when this is 0. */
  corrupt: number;
}

const genOpArb = (keys: number, spread: number): fc.Arbitrary<GenOp> =>
  fc.record({
    f: fc.constantFrom('get', 'get', 'put', 'append', 'cas'),
    key: fc.nat(keys - 1),
    arg: fc.nat(3),
    lead: fc.nat(spread),
    lag: fc.nat(spread),
    end: fc.nat(9),
    corrupt: fc.nat(12),
  });

/**
 * A history from a sequential execution of the kv model (op i takes effect at time 10 i, or
 * never), each op invoked `lead` before and completed `lag` after; reads may be corrupted.
 * Events sorted by time (as a run records them), one process per op.
 */
function generated(ops: readonly GenOp[]): HistoryEvent[] {
  const store = new Map<string, string>();
  const events: Array<Omit<HistoryEvent, 'index'> & { order: number }> = [];
  ops.forEach((o, i) => {
    const key = `k${o.key}`;
    const at = 10 * i + 10;
    const before = store.get(key) ?? null;
    const value = o.f === 'put' ? `v${o.arg}` : o.f === 'append' ? `+${o.arg}` : o.f === 'cas' ? [o.arg % 2 === 0 ? before : `v${o.arg}`, `v${o.arg + 1}`] : undefined;
    const takesEffect = o.end <= 5 || o.end === 7 || (o.end === 9 && o.arg % 2 === 0);
    let output: unknown;
    if (takesEffect) {
      if (o.f === 'get') output = o.corrupt === 0 ? 'never' : before;
      else if (o.f === 'put') store.set(key, value as string);
      else if (o.f === 'append') store.set(key, `${before ?? ''}${value as string}`);
      else {
        const [expected, next] = value as [string | null, string];
        const swap = (expected ?? null) === before;
        if (swap) store.set(key, next);
        output = swap ? value : false;
      }
    }
    if (o.f === 'put' || o.f === 'append') output = value;
    const invokeUs = Math.max(0, at - o.lead);
    const completeUs = at + o.lag;
    events.push({ order: 2 * i, process: i, type: 'invoke', f: o.f, key, ...(value !== undefined ? { value } : {}), timeUs: invokeUs });
    const type = o.end <= 5 ? 'ok' : o.end === 6 ? 'fail' : o.end <= 8 ? 'info' : undefined;
    if (type !== undefined) events.push({ order: 2 * i + 1, process: i, type, f: o.f, key, ...(type === 'ok' ? (output !== undefined ? { value: output } : {}) : value !== undefined ? { value } : {}), timeUs: completeUs });
  });
  events.sort((a, b) => a.timeUs - b.timeUs || a.order - b.order);
  return events.map(({ order: _order, ...ev }, index) => ({ ...ev, index }) as HistoryEvent);
}

/**
 * The batch verdict, and the incremental one; also with a tiny frontier (most partitions
 * then fall back to the batch search over their ops since their last cut), which must agree.
 */
function bothVerdicts(history: readonly HistoryEvent[], model: string): { batch: string; incremental: string } {
  const batch = checkHistory(history, model).verdict;
  const incremental = checkIncrementally(history, model).verdict;
  const retained = checkIncrementally(history, model, { frontierMax: 3 }).verdict;
  if (batch !== 'unknown') expect(retained, 'with frontierMax 3').toBe(batch);
  return { batch, incremental };
}

describe('incremental check = batch check, generated kv histories', () => {
  it.each([
    { name: 'one key, much concurrency', keys: 1, spread: 40, maxLength: 14 },
    { name: 'three keys, some concurrency', keys: 3, spread: 25, maxLength: 40 },
    { name: 'two keys, sequential stretches', keys: 2, spread: 8, maxLength: 60 },
  ])('$name', ({ keys, spread, maxLength }) => {
    const seen = { linearizable: 0, 'not-linearizable': 0 };
    fc.assert(
      fc.property(fc.array(genOpArb(keys, spread), { minLength: 1, maxLength }), (ops) => {
        const history = generated(ops);
        const { batch, incremental } = bothVerdicts(history, 'kv');
        expect(batch).not.toBe('unknown');
        seen[batch as keyof typeof seen]++;
        expect(incremental).toBe(batch);
      }),
      { seed, numRuns: 300 },
    );
    // Both verdicts are exercised.
    expect(seen.linearizable).toBeGreaterThan(20);
    expect(seen['not-linearizable']).toBeGreaterThan(20);
  });

  it('the same on cas-register histories (one partition), reads and cas values from a small range', () => {
    const seen = { linearizable: 0, 'not-linearizable': 0 };
    fc.assert(
      fc.property(fc.array(fc.record({ f: fc.constantFrom('read', 'write', 'cas'), a: fc.nat(2), b: fc.nat(2), t: fc.nat(30), len: fc.nat(8), end: fc.nat(5) }), { minLength: 1, maxLength: 12 }), (ops) => {
        const events: Array<Omit<HistoryEvent, 'index'> & { order: number }> = [];
        ops.forEach((o, p) => {
          const value = o.f === 'write' ? o.a : o.f === 'cas' ? [o.a, o.b] : undefined;
          events.push({ order: 2 * p, process: p, type: 'invoke', f: o.f, ...(value !== undefined ? { value } : {}), timeUs: o.t });
          const type = o.end <= 2 ? 'ok' : o.end === 3 ? 'fail' : o.end === 4 ? 'info' : undefined;
          const output = o.f === 'read' ? (o.b === 2 ? null : o.b) : o.f === 'cas' ? (o.end === 0 ? false : value) : value;
          if (type) events.push({ order: 2 * p + 1, process: p, type, f: o.f, ...(type === 'ok' ? (output !== undefined ? { value: output } : {}) : {}), timeUs: o.t + o.len });
        });
        events.sort((a, b) => a.timeUs - b.timeUs || a.order - b.order);
        const history = events.map(({ order: _order, ...ev }, index) => ({ ...ev, index }) as HistoryEvent);
        const { batch, incremental } = bothVerdicts(history, 'cas-register');
        expect(batch).not.toBe('unknown');
        seen[batch as keyof typeof seen]++;
        expect(incremental).toBe(batch);
      }),
      { seed, numRuns: 400 },
    );
    expect(seen.linearizable).toBeGreaterThan(20);
    expect(seen['not-linearizable']).toBeGreaterThan(20);
  });
});

describe('incremental check = batch check, many pending indeterminate writes', () => {
  // One key; most writes time out (info) and never take effect, so they stay pending to the end, as
  // in a long run; every value is distinct (as the kv workload's). Some timed-out writes do take
  // effect: a later read (or cas) sees the value, maybe with appends on top, maybe long after.
  const pendingOpArb = fc.record({
    f: fc.constantFrom('put', 'put', 'put', 'append', 'get', 'get', 'get', 'cas'),
    parity: fc.nat(1),
    lead: fc.nat(6),
    lag: fc.nat(6),
    end: fc.constantFrom(0, 1, 7, 7, 8, 8, 9),
    corrupt: fc.nat(6),
  });

  it('the same verdicts, each value distinct', () => {
    const seen = { linearizable: 0, 'not-linearizable': 0 };
    let observed = 0;
    fc.assert(
      fc.property(fc.array(pendingOpArb, { minLength: 1, maxLength: 50 }), (drawn) => {
        const ops: GenOp[] = drawn.map((o, i) => ({ ...o, f: o.f as GenOp['f'], key: 0, arg: 4 * i + o.parity }));
        const history = generated(ops);
        const { batch, incremental } = bothVerdicts(history, 'kv');
        expect(batch).not.toBe('unknown');
        seen[batch as keyof typeof seen]++;
        expect(incremental).toBe(batch);
        // A read that sees the value of a write that timed out.
        const lost = new Set(history.filter((e) => e.type === 'info' && e.f === 'put').map((e) => e.value as string));
        if (history.some((e) => e.type === 'ok' && e.f === 'get' && typeof e.value === 'string' && [...lost].some((v) => (e.value as string).startsWith(v)))) observed++;
      }),
      { seed, numRuns: 300 },
    );
    expect(seen.linearizable).toBeGreaterThan(20);
    expect(seen['not-linearizable']).toBeGreaterThan(20);
    expect(observed).toBeGreaterThan(20);
  });
});

/** Real histories: the shipped scenarios' runs at fuzz level, seeds 0..n-1. */
const realCases = [
  { file: 'scenarios/raft/nemesis.yaml', seeds: 6 },
  { file: 'scenarios/raft/no-dedup.yaml', seeds: 4 },
  { file: 'scenarios/raft/figure-8-nemesis.yaml', seeds: 4 },
  { file: 'scenarios/paxos/nemesis.yaml', seeds: 4 },
  { file: 'scenarios/paxos/single-nemesis.yaml', seeds: 4 },
  { file: 'scenarios/zab/nemesis.yaml', seeds: 4 },
  { file: 'scenarios/zab/follower-reads.yaml', seeds: 4 },
];

describe('incremental check = batch check, real run histories', () => {
  it.each(realCases)('$file', async ({ file, seeds }) => {
    const loaded = await loadScenario(file);
    const model = loaded.protocol.model;
    for (let s = 0; s < seeds; s++) {
      const result = runSimulation({ ...loaded.config, seed: String(s), record: 'fuzz' });
      const { batch, incremental } = bothVerdicts(result.history, model);
      if (batch !== 'unknown') expect(incremental, `seed ${s}`).toBe(batch);
      // One read corrupted to a value never written: the batch check rejects it, and so must the incremental one.
      const reads = result.history.filter((e) => e.type === 'ok' && (e.f === 'get' || e.f === 'read') && typeof e.value === 'string');
      if (reads.length === 0) continue;
      const victim = reads[s % reads.length].index;
      const corrupted = result.history.map((e) => (e.index === victim ? { ...e, value: 'never-written' } : e));
      const again = bothVerdicts(corrupted, model);
      if (again.batch !== 'unknown') expect(again.incremental, `seed ${s} corrupted`).toBe(again.batch);
    }
  }, 120_000);
});

describe('incremental check: counterexample, budget, malformed input', () => {
  const stale: HistoryEvent[] = [
    { index: 0, process: 0, type: 'invoke', f: 'put', key: 'a', value: 'x', timeUs: 0 },
    { index: 1, process: 0, type: 'ok', f: 'put', key: 'a', value: 'x', timeUs: 1 },
    { index: 2, process: 1, type: 'invoke', f: 'put', key: 'a', value: 'y', timeUs: 2 },
    { index: 3, process: 1, type: 'ok', f: 'put', key: 'a', value: 'y', timeUs: 3 },
    { index: 4, process: 0, type: 'invoke', f: 'get', key: 'a', timeUs: 4 },
    { index: 5, process: 0, type: 'ok', f: 'get', key: 'a', value: 'x', timeUs: 5 },
  ];

  it('a stale read fails with the batch check\'s counterexample', () => {
    const batch = checkHistory(stale, 'kv');
    const incremental = checkIncrementally(stale, 'kv');
    expect(incremental.verdict).toBe('not-linearizable');
    expect(incremental.counterexample?.partition).toBe('key "a"');
    expect(incremental.counterexample?.op.text).toBe(batch.counterexample?.op.text);
    expect(incremental.counterexample?.reason).toBe(batch.counterexample?.reason);
    expect(incremental.counterexample?.stateAtFailure).toBe(batch.counterexample?.stateAtFailure);
  });

  it('a counterexample after a cut starts from the state carried there', () => {
    const prefix: HistoryEvent[] = [];
    for (let i = 0; i < 50; i++) {
      prefix.push({ index: 2 * i, process: 0, type: 'invoke', f: 'append', key: 'a', value: `+${i}`, timeUs: 10 * i });
      prefix.push({ index: 2 * i + 1, process: 0, type: 'ok', f: 'append', key: 'a', value: `+${i}`, timeUs: 10 * i + 5 });
    }
    const whole = [...prefix, { index: 100, process: 1, type: 'invoke', f: 'get', key: 'a', timeUs: 1000 }, { index: 101, process: 1, type: 'ok', f: 'get', key: 'a', value: 'wrong', timeUs: 1001 }] as HistoryEvent[];
    const incremental = checkIncrementally(whole, 'kv');
    expect(incremental.verdict).toBe('not-linearizable');
    expect(incremental.counterexample?.op.invokeIndex).toBe(100);
    expect(incremental.counterexample?.stateAtFailure).toBe(checkHistory(whole, 'kv').counterexample?.stateAtFailure);
  });

  it('past the memo budget the verdict is unknown, never not-linearizable', () => {
    // Many concurrent appends: the orders that explain a read multiply.
    const events: HistoryEvent[] = [];
    const n = 7;
    for (let p = 0; p < n; p++) events.push({ index: events.length, process: p, type: 'invoke', f: 'append', key: 'a', value: `+${p}`, timeUs: 0 });
    for (let p = 0; p < n; p++) events.push({ index: events.length, process: p, type: 'ok', f: 'append', key: 'a', value: `+${p}`, timeUs: 10 });
    events.push({ index: events.length, process: n, type: 'invoke', f: 'get', key: 'a', timeUs: 11 });
    events.push({ index: events.length, process: n, type: 'ok', f: 'get', key: 'a', value: Array.from({ length: n }, (_, p) => `+${p}`).join(''), timeUs: 12 });
    expect(checkIncrementally(events, 'kv').verdict).toBe('linearizable');
    // The read misses an append: every order must be tried to refute it.
    const wrong = events.map((e, i) => (i === events.length - 1 ? { ...e, value: Array.from({ length: n - 1 }, (_, p) => `+${p}`).join('') } : e));
    expect(checkIncrementally(wrong, 'kv').verdict).toBe('not-linearizable');
    // kv-unpartitioned has no lookahead (Model.reach): every order is tried.
    expect(checkIncrementally(wrong, 'kv-unpartitioned').verdict).toBe('not-linearizable');
    const small = checkIncrementally(wrong, 'kv-unpartitioned', { budgetMemoEntries: 50 });
    expect(small.verdict).toBe('unknown');
    expect(small.partitionResults[0].stoppedBy).toBe('memo');
    expect(checkIncrementally(wrong, 'kv-unpartitioned', { memoryBytes: 4096 }).verdict).toBe('unknown');
    // With kv's lookahead, a value that is not a prefix of the read's is dropped at once: refuted within the small budget.
    expect(checkIncrementally(wrong, 'kv', { budgetMemoEntries: 50 }).verdict).toBe('not-linearizable');
  });

  it('lookahead: with cas in the mix (a cas leads to a read only from its expected value), still few configurations', () => {
    // One key, sequential: put, append, cas (from the value the previous write left), each followed by a read;
    // every seventh write times out (info) and never takes effect, cas included.
    const events: HistoryEvent[] = [];
    let value: string | null = null;
    let t = 0;
    const add = (e: Omit<HistoryEvent, 'index'>): void => void events.push({ ...e, index: events.length } as HistoryEvent);
    for (let i = 0; i < 300; i++) {
      const f = (['put', 'append', 'cas'] as const)[i % 3];
      const arg: unknown = f === 'put' ? `v${i}` : f === 'append' ? `+${i}` : [value, `v${i}`];
      add({ process: 2 * i, type: 'invoke', f, key: 'a', value: arg, timeUs: (t += 10) });
      if (i % 7 === 3) add({ process: 2 * i, type: 'info', f, key: 'a', value: arg, timeUs: (t += 10) });
      else {
        value = f === 'put' ? (arg as string) : f === 'append' ? `${value ?? ''}${arg as string}` : `v${i}`;
        add({ process: 2 * i, type: 'ok', f, key: 'a', value: f === 'cas' ? true : arg, timeUs: (t += 10) });
      }
      add({ process: 2 * i + 1, type: 'invoke', f: 'get', key: 'a', timeUs: (t += 10) });
      add({ process: 2 * i + 1, type: 'ok', f: 'get', key: 'a', value, timeUs: (t += 10) });
    }
    const check = new IncrementalLinearizability(kvModel);
    let most = 0;
    for (const ev of events) {
      check.add(ev);
      most = Math.max(most, check.configurations);
    }
    const result = check.finish();
    expect(result.verdict).toBe('linearizable');
    expect(check.retained.partitions).toEqual([]);
    expect(most).toBeLessThan(50);
    expect(result.steps).toBeLessThan(20 * events.length);
    // A read in the middle that sees the value before the last write: rejected.
    const reads = events.filter((e) => e.type === 'ok' && e.f === 'get');
    const late = reads[200].index;
    const wrong = events.map((e) => (e.index === late ? { ...e, value: reads[199].value } : e));
    expect(checkIncrementally(wrong, 'kv').verdict).toBe('not-linearizable');
  });

  it('lookahead: stale indeterminate ops pending for long do not multiply the configurations', () => {
    // A key written by one client, read after every write; every tenth write times out (info) and
    // never takes effect. Each info op stays pending to the end; without the lookahead, every
    // return would try them in every order.
    const events: HistoryEvent[] = [];
    let value = '';
    let t = 0;
    const add = (e: Omit<HistoryEvent, 'index'>): void => void events.push({ ...e, index: events.length } as HistoryEvent);
    for (let i = 0; i < 400; i++) {
      const f = i % 3 === 0 ? 'put' : 'append';
      const v = f === 'put' ? `v${i}` : `+${i}`;
      add({ process: 2 * i, type: 'invoke', f, key: 'a', value: v, timeUs: (t += 10) });
      if (i % 10 === 5) add({ process: 2 * i, type: 'info', f, key: 'a', value: v, timeUs: (t += 10) });
      else {
        value = f === 'put' ? v : value + v;
        add({ process: 2 * i, type: 'ok', f, key: 'a', value: v, timeUs: (t += 10) });
      }
      add({ process: 2 * i + 1, type: 'invoke', f: 'get', key: 'a', timeUs: (t += 10) });
      add({ process: 2 * i + 1, type: 'ok', f: 'get', key: 'a', value, timeUs: (t += 10) });
    }
    const check = new IncrementalLinearizability(kvModel);
    let most = 0;
    for (const ev of events) {
      check.add(ev);
      most = Math.max(most, check.configurations);
    }
    const result = check.finish();
    expect(result.verdict).toBe('linearizable');
    expect(check.retained.partitions).toEqual([]);
    expect(most).toBeLessThan(50); // before the lookahead: 7828, and the key fell back to the batch search (unknown)
    expect(result.steps).toBeLessThan(20 * events.length);
    // A read of a suffix never written: rejected. (The batch check, searching the whole key at once, runs out of
    // its step budget on this one: unknown.)
    const late = events.findIndex((e, i) => i > events.length / 2 && e.type === 'ok' && e.f === 'get');
    const lost = events.find((e) => e.type === 'info' && e.f === 'append')!.value as string;
    const wrong = events.map((e, i) => (i === late ? { ...e, value: `${e.value as string}${lost}x` } : e));
    expect(checkIncrementally(wrong, 'kv').verdict).toBe('not-linearizable');
    // The same read seeing only the timed-out append: accepted (it took effect just before; the next write is a put).
    const seen = events.map((e, i) => (i === late ? { ...e, value: `${e.value as string}${lost}` } : e));
    const accepted = checkIncrementally(seen, 'kv');
    expect(accepted.verdict).toBe('linearizable');
  });

  it('a malformed history throws HistoryParseError at the end, with the event position', () => {
    const check = new IncrementalLinearizability(kvModel);
    check.add({ index: 0, process: 0, type: 'invoke', f: 'put', key: 'a', value: 'x', timeUs: 0 });
    check.add({ index: 1, process: 0, type: 'invoke', f: 'put', key: 'a', value: 'y', timeUs: 1 });
    expect(() => check.finish()).toThrow(HistoryParseError);
    expect(() => checkIncrementally([{ index: 0, process: 0, type: 'invoke', f: 'frob', key: 'a', timeUs: 0 }], 'kv')).toThrow(/frob/);
  });

  it('holds on only to events after the first unresolved call of a key, and to the configurations', () => {
    const check = new IncrementalLinearizability(kvModel);
    let index = 0;
    for (let i = 0; i < 1000; i++) {
      check.add({ index: index++, process: i, type: 'invoke', f: 'put', key: 'a', value: `v${i}`, timeUs: 10 * i });
      check.add({ index: index++, process: i, type: i % 10 === 0 ? 'info' : 'ok', f: 'put', key: 'a', value: `v${i}`, timeUs: 10 * i + 5 });
    }
    // No read to look ahead to: a return waits for at most 64 events (incremental.ts's LOOKAHEAD_EVENTS_MAX).
    expect(check.queuedEvents).toBeLessThanOrEqual(66);
    expect(check.configurations).toBeLessThan(5);
    expect(check.finish().verdict).toBe('linearizable');
  });
});
