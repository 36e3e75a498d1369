// Properties: a history made from a sequential execution of the model, with random
// concurrency around each linearization point (invoke early, return late) and crashes
// (info ops that did or did not take effect), is always linearizable; the same history
// with one read corrupted, where the corruption is observable, is rejected.
// The semantics used to generate are written here again, independently of the checker.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../../sim/types.js';
import { checkHistory } from '../../../checkers/index.js';

const seed = Number(process.env.FAULTLINE_FC_SEED ?? 0x5eed);
const numRuns = 150;

/** One drawn operation: what to do, and how it overlaps its linearization point. */
interface Draw {
  kind: number;
  value: number;
  key: number;
  /** How long before its linearization point the op is invoked, and how long after it returns. */
  lead: number;
  lag: number;
  slot: number;
  /** 0 = the client crashes (info); else it completes. */
  crash: number;
  /** For a crash: did the op take effect? Does the info line appear, or is it never closed? */
  tookEffect: boolean;
  closed: boolean;
}

const drawArb = (maxKind: number, concurrency: number): fc.Arbitrary<Draw> =>
  fc.record({
    kind: fc.nat(maxKind),
    value: fc.nat(4),
    key: fc.nat(2),
    lead: fc.nat(concurrency),
    lag: fc.nat(concurrency),
    slot: fc.nat(4),
    crash: fc.nat(9),
    tookEffect: fc.boolean(),
    closed: fc.boolean(),
  });

/** What one operation did, decided by the sequential execution. */
interface Executed {
  f: string;
  key?: string;
  input: unknown;
  output: unknown;
  /** A read whose value can be corrupted. */
  read: boolean;
}

/**
 * Lay the executed ops on a timeline: op i takes effect at 100 * (i + 1); each client
 * process runs one op at a time; a crashed client is replaced by a new process id.
 */
function layOut(draws: readonly Draw[], execute: (d: Draw, applies: boolean) => Executed, crashes: boolean): { events: HistoryEvent[]; reads: number[] } {
  const slots: Array<{ process: number; freeAt: number }> = [];
  let nextProcess = 0;
  const raw: Array<{ t: number; seq: number; ev: Omit<HistoryEvent, 'index' | 'timeUs'> }> = [];
  const readEvents: number[] = [];
  let seq = 0;
  draws.forEach((d, i) => {
    const at = 100 * (i + 1);
    let s = slots.findIndex((x, k) => k >= d.slot % Math.max(1, slots.length) && x.freeAt < at - d.lead);
    if (s < 0) s = slots.findIndex((x) => x.freeAt < at - d.lead);
    if (s < 0) {
      slots.push({ process: nextProcess++, freeAt: -1 });
      s = slots.length - 1;
    }
    const slot = slots[s];
    const crashed = crashes && d.crash === 0;
    const x = execute(d, !crashed || d.tookEffect);
    const invokeT = at - d.lead;
    const returnT = at + d.lag;
    const base = { process: slot.process, f: x.f, ...(x.key !== undefined ? { key: x.key } : {}) };
    raw.push({ t: invokeT, seq: seq++, ev: { ...base, type: 'invoke', ...(x.input !== undefined ? { value: x.input } : {}) } });
    if (crashed) {
      if (d.closed) raw.push({ t: returnT, seq: seq++, ev: { ...base, type: 'info', ...(x.input !== undefined ? { value: x.input } : {}) } });
      slot.process = nextProcess++;
      slot.freeAt = invokeT;
    } else {
      if (x.read) readEvents.push(seq);
      raw.push({ t: returnT, seq: seq++, ev: { ...base, type: 'ok', ...(x.output !== undefined ? { value: x.output } : {}) } });
      slot.freeAt = returnT;
    }
  });
  raw.sort((a, b) => a.t - b.t || a.seq - b.seq);
  const events = raw.map(({ t, ev }, index) => ({ ...ev, index, timeUs: t }) as HistoryEvent);
  const reads = readEvents.map((s) => raw.findIndex((r) => r.seq === s));
  return { events, reads };
}

/** A cas register: read, write v, cas [v, v+1]. Values 0..4; the register starts at nil. */
function casRegisterExecutor(): (d: Draw, applies: boolean) => Executed {
  let value: number | null = null;
  return (d, applies) => {
    if (d.kind === 0) return { f: 'read', input: null, output: value, read: true };
    if (d.kind === 1) {
      if (applies) value = d.value;
      return { f: 'write', input: d.value, output: d.value, read: false };
    }
    const swapped = value === d.value;
    if (applies && swapped) value = d.value + 1;
    // A cas that would not swap is reported as a failure by Jepsen: keep it as "false".
    return { f: 'cas', input: [d.value, d.value + 1], output: swapped ? [d.value, d.value + 1] : false, read: false };
  };
}

/** A kv store over keys k0..k2: get, put, append of unique tokens. */
function kvExecutor(): (d: Draw, applies: boolean) => Executed {
  const store = new Map<string, string>();
  let token = 0;
  return (d, applies) => {
    const key = `k${d.key}`;
    if (d.kind === 0) return { f: 'get', key, input: undefined, output: store.get(key) ?? '', read: true };
    const v = `<${token++}>`;
    if (d.kind === 1) {
      if (applies) store.set(key, v);
      return { f: 'put', key, input: v, output: undefined, read: false };
    }
    if (applies) store.set(key, (store.get(key) ?? '') + v);
    return { f: 'append', key, input: v, output: undefined, read: false };
  };
}

/** A FIFO queue: enqueue unique values, dequeue (nil when empty). */
function fifoExecutor(): (d: Draw, applies: boolean) => Executed {
  const q: number[] = [];
  let next = 0;
  return (d, applies) => {
    if (d.kind === 0) {
      const head = q.length > 0 ? q[0] : null;
      if (applies && q.length > 0) q.shift();
      return { f: 'dequeue', input: undefined, output: head, read: true };
    }
    const v = next++;
    if (applies) q.push(v);
    return { f: 'enqueue', input: v, output: v, read: false };
  };
}

const cases = [
  { model: 'cas-register', maxKind: 2, executor: casRegisterExecutor, never: 999 },
  { model: 'kv', maxKind: 2, executor: kvExecutor, never: '<never>' },
  { model: 'kv-unpartitioned', maxKind: 2, executor: kvExecutor, never: '<never>' },
  { model: 'fifo-queue', maxKind: 1, executor: fifoExecutor, never: 999 },
];

describe.each(cases)('$model: generated histories', ({ model, maxKind, executor, never }) => {
  const historyArb = (concurrency: number) => fc.array(drawArb(maxKind, concurrency), { minLength: 1, maxLength: 40 });

  it('a sequential execution with concurrency and crashes is linearizable', () => {
    fc.assert(
      fc.property(historyArb(250), (draws) => {
        const { events } = layOut(draws, executor(), true);
        const r = checkHistory(events, model);
        expect(r.verdict).toBe('linearizable');
      }),
      { seed, numRuns },
    );
  });

  it('a read corrupted to a value never written is rejected', () => {
    fc.assert(
      fc.property(historyArb(250), fc.nat(), (draws, pick) => {
        const { events, reads } = layOut(draws, executor(), true);
        fc.pre(reads.length > 0);
        const i = reads[pick % reads.length];
        const corrupted = events.map((ev, k) => (k === i ? { ...ev, value: typeof ev.value === 'string' ? `${ev.value}${never}` : never } : ev));
        const r = checkHistory(corrupted, model);
        expect(r.verdict).toBe('not-linearizable');
        expect(r.counterexample!.op.status).toBe('ok');
      }),
      { seed, numRuns },
    );
  });
});

describe('stale reads in sequential stretches', () => {
  it('a cas-register read returning an overwritten value is rejected', () => {
    fc.assert(
      fc.property(fc.array(drawArb(2, 0), { minLength: 2, maxLength: 30 }), fc.nat(), (draws, pick) => {
        // No concurrency and no crashes: each read must return exactly the current value.
        const { events, reads } = layOut(draws, casRegisterExecutor(), false);
        const written = events.filter((ev) => ev.type === 'invoke' && ev.f === 'write').map((ev) => ev.value);
        fc.pre(reads.length > 0);
        const i = reads[pick % reads.length];
        const stale = written.find((v) => v !== events[i].value && events.findIndex((ev) => ev.type === 'invoke' && ev.f === 'write' && ev.value === v) < i);
        fc.pre(stale !== undefined);
        const corrupted = events.map((ev, k) => (k === i ? { ...ev, value: stale } : ev));
        expect(checkHistory(corrupted, 'cas-register').verdict).toBe('not-linearizable');
      }),
      { seed, numRuns },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Differential: random small histories (valid or not) against a brute-force search over
// every order and every subset of indeterminate ops, with the semantics written again here.

interface TinyOp {
  f: 'read' | 'write' | 'cas' | 'get' | 'put' | 'append' | 'acquire' | 'release';
  arg: number;
  out: number;
  invoke: number;
  /** Duration; the return is invoke + length. */
  length: number;
  info: boolean;
  /** For info ops: is there an info line, or is the invoke never closed? */
  closed: boolean;
}

const tinyOpArb = (fs: readonly TinyOp['f'][]): fc.Arbitrary<TinyOp> =>
  fc.record({
    f: fc.constantFrom(...fs),
    arg: fc.nat(2),
    out: fc.nat(3),
    invoke: fc.nat(12),
    length: fc.nat(6),
    info: fc.nat(3).map((x) => x === 0),
    closed: fc.boolean(),
  });

/** One step of the reference semantics; undefined = illegal. State: a number, a string, or null. */
function referenceStep(state: number | string | null, op: TinyOp): number | string | null | undefined {
  switch (op.f) {
    case 'acquire':
      return state === 1 ? undefined : 1;
    case 'release':
      return state === 1 ? 0 : undefined;
    case 'read':
      return op.info ? state : state === (op.out === 3 ? null : op.out) ? state : undefined;
    case 'write':
      return op.arg;
    case 'cas':
      if (op.info) return state === op.arg ? op.arg + 1 : undefined;
      // out odd: reported swapped; out even: reported not swapped.
      if (op.out % 2 === 1) return state === op.arg ? op.arg + 1 : undefined;
      return state !== op.arg ? state : undefined;
    case 'get': {
      const seen = ['', 'a', 'ab', 'b'][op.out];
      return op.info ? state : (state ?? '') === seen ? state : undefined;
    }
    case 'put':
      return 'ab'[op.arg % 2];
    case 'append':
      return `${state ?? ''}${'ab'[op.arg % 2]}`;
  }
}

function referenceLinearizable(ops: readonly TinyOp[]): boolean {
  const ret = (o: TinyOp) => (o.info ? Infinity : o.invoke + o.length);
  const go = (state: number | string | null, left: readonly TinyOp[]): boolean => {
    if (left.every((o) => o.info)) return true;
    return left.some((o, i) => {
      const blocked = left.some((p) => p !== o && !p.info && ret(p) < o.invoke);
      if (blocked) return false;
      const next = referenceStep(state, o);
      return next !== undefined && go(next, [...left.slice(0, i), ...left.slice(i + 1)]);
    });
  };
  return go(null, ops);
}

function tinyHistory(ops: readonly TinyOp[]): HistoryEvent[] {
  const events: Array<Omit<HistoryEvent, 'index'>> = [];
  ops.forEach((o, p) => {
    const key = o.f === 'get' || o.f === 'put' || o.f === 'append' ? { key: 'k' } : {};
    const input = o.f === 'write' ? o.arg : o.f === 'cas' ? [o.arg, o.arg + 1] : o.f === 'put' || o.f === 'append' ? 'ab'[o.arg % 2] : undefined;
    const output = o.f === 'acquire' || o.f === 'release' ? undefined : o.f === 'read' ? (o.out === 3 ? null : o.out) : o.f === 'cas' ? o.out % 2 === 1 : o.f === 'get' ? ['', 'a', 'ab', 'b'][o.out] : input;
    events.push({ process: p, type: 'invoke', f: o.f, timeUs: o.invoke, ...key, ...(input !== undefined ? { value: input } : {}) });
    if (!o.info) events.push({ process: p, type: 'ok', f: o.f, timeUs: o.invoke + o.length, ...key, ...(output !== undefined ? { value: output } : {}) });
    else if (o.closed) events.push({ process: p, type: 'info', f: o.f, timeUs: o.invoke + o.length, ...key });
  });
  return events.map((ev, index) => ({ ...ev, index }) as HistoryEvent);
}

describe('differential against brute force (small histories, valid or not)', () => {
  it.each([
    { model: 'cas-register', fs: ['read', 'write', 'cas'] as const },
    { model: 'kv', fs: ['get', 'put', 'append'] as const },
    { model: 'mutex', fs: ['acquire', 'release'] as const },
  ])('$model', ({ model, fs }) => {
    let rejected = 0;
    fc.assert(
      fc.property(fc.array(tinyOpArb(fs), { minLength: 1, maxLength: 7 }), (ops) => {
        const want = referenceLinearizable(ops);
        if (!want) rejected++;
        expect(checkHistory(tinyHistory(ops), model).verdict).toBe(want ? 'linearizable' : 'not-linearizable');
      }),
      { seed, numRuns: 600 },
    );
    expect(rejected).toBeGreaterThan(50); // both verdicts are exercised
  });
});
