// The small-partition search (checkers/linearizability/small.ts) against the general one
// (search.ts): on random small histories of completed operations, linearizable or not, the
// two give the same outcome: verdict, steps, why they stopped, and the counterexample.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../../sim/types.js';
import { casRegisterModel, kvModel, pairOperations, queueModel, registerModel } from '../../../checkers/linearizability/index.js';
import { searchGeneral, searchSmallPartition, type SearchBudget } from '../../../checkers/linearizability/search.js';
import { SMALL_MAX_OPS, smallPartition } from '../../../checkers/linearizability/small.js';
import type { Model, Operation } from '../../../checkers/linearizability/types.js';

const seed = Number(process.env.FAULTLINE_FC_SEED ?? 0x5eed);
const numRuns = 400;

/** One drawn operation: its function and value, and when it is invoked and returns. */
interface Draw {
  kind: number;
  value: number;
  result: number;
  start: number;
  length: number;
}

const drawArb = fc.record({ kind: fc.nat(3), value: fc.nat(2), result: fc.nat(2), start: fc.nat(30), length: fc.nat(12) });

/** The operations a model's histories use, from a draw. */
const shapes: Record<string, (d: Draw) => { f: string; input: unknown; output: unknown; key?: string }> = {
  register: (d) => (d.kind < 2 ? { f: 'write', input: d.value, output: d.value } : { f: 'read', input: null, output: d.result }),
  'cas-register': (d) =>
    d.kind === 0 ? { f: 'write', input: d.value, output: d.value } : d.kind === 1 ? { f: 'cas', input: [d.value, d.result], output: [d.value, d.result] } : { f: 'read', input: null, output: d.result },
  kv: (d) =>
    d.kind === 0
      ? { f: 'put', key: 'k', input: `${d.value}`, output: `${d.value}` }
      : d.kind === 1
        ? { f: 'append', key: 'k', input: `${d.value}`, output: `${d.value}` }
        : { f: 'get', key: 'k', input: null, output: d.result === 0 ? '' : `${d.result - 1}${d.value}` },
  queue: (d) => (d.kind < 2 ? { f: 'enqueue', input: d.value, output: d.value } : { f: 'dequeue', input: null, output: d.result }),
};

const models: Record<string, Model> = { register: registerModel, 'cas-register': casRegisterModel, kv: kvModel, queue: queueModel };

/** A history of completed operations, one process each, at the drawn times (equal times included). */
function historyOf(model: string, draws: readonly Draw[]): HistoryEvent[] {
  const raw: Array<{ t: number; seq: number; ev: Omit<HistoryEvent, 'index' | 'timeUs'> }> = [];
  draws.forEach((d, process) => {
    const s = shapes[model](d);
    const base = { process, f: s.f, ...(s.key !== undefined ? { key: s.key } : {}) };
    raw.push({ t: d.start, seq: 2 * process, ev: { ...base, type: 'invoke', value: s.input } });
    raw.push({ t: d.start + d.length, seq: 2 * process + 1, ev: { ...base, type: 'ok', value: s.output } });
  });
  raw.sort((a, b) => a.t - b.t || a.seq - b.seq);
  return raw.map((r, index) => ({ ...r.ev, index, timeUs: r.t }) as HistoryEvent);
}

function budget(stepsLeft: number, memoEntries: number, memoWords: number): SearchBudget {
  return { stepsLeft, memoEntries, memoWords, timeUp: () => false, explainSteps: 5 };
}

describe('the small-partition search', () => {
  it('takes partitions of at most SMALL_MAX_OPS completed operations, and only those', () => {
    const ops = pairOperations(historyOf('register', Array.from({ length: SMALL_MAX_OPS + 1 }, (_, i) => ({ kind: 0, value: 1, result: 1, start: 2 * i, length: 1 })))).ops;
    expect(smallPartition(ops.slice(0, SMALL_MAX_OPS))).toBe(true);
    expect(smallPartition(ops)).toBe(false);
    const crashed: Operation = { ...ops[0], status: 'info', output: undefined, completeIndex: undefined, completeTimeUs: undefined };
    expect(smallPartition([crashed, ...ops.slice(1, 4)])).toBe(false);
  });

  it('gives the general search’s outcome: verdict, steps, stop and counterexample', () => {
    const verdicts = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom('register', 'cas-register', 'kv', 'queue'),
        fc.array(drawArb, { minLength: 1, maxLength: 12 }),
        fc.option(fc.record({ steps: fc.integer({ min: 1, max: 60 }), entries: fc.integer({ min: 1, max: 30 }), words: fc.integer({ min: 6, max: 200 }) }), { nil: undefined }),
        (model, draws, limits) => {
          const ops = pairOperations(historyOf(model, draws)).ops;
          expect(smallPartition(ops)).toBe(true);
          const partition = { name: 'all', ops };
          const make = () => (limits ? budget(limits.steps, limits.entries, limits.words) : budget(1_000_000, 1_000_000, 1_000_000));
          const small = make();
          const general = make();
          const a = searchSmallPartition(models[model], partition, undefined, small);
          const b = searchGeneral(models[model], partition, undefined, general);
          expect(a).toEqual(b);
          expect(small.stepsLeft).toBe(general.stepsLeft);
          verdicts.add(a.verdict);
        },
      ),
      { seed, numRuns },
    );
    // The cases must hold both verdicts (and budgets that stop the search).
    expect([...verdicts].sort()).toEqual(['linearizable', 'not-linearizable', 'unknown']);
  });

  it('gives the general search’s outcome with more than 32 operations (the second word of the set)', () => {
    // A sequential run of one key (op i takes effect at 10 i; gets read what it holds), each op
    // invoked up to 15 before and returning up to 15 after; one get read wrong, or none.
    const verdicts = new Set<string>();
    fc.assert(
      fc.property(
        fc.array(fc.record({ kind: fc.nat(3), lead: fc.nat(15), lag: fc.nat(15) }), { minLength: 33, maxLength: SMALL_MAX_OPS }),
        fc.option(fc.nat(SMALL_MAX_OPS), { nil: undefined }),
        fc.integer({ min: 100, max: 20_000 }),
        (draws, wrong, steps) => {
          const raw: Array<{ t: number; seq: number; ev: Omit<HistoryEvent, 'index' | 'timeUs'> }> = [];
          let value = '';
          draws.forEach((d, i) => {
            const f = d.kind === 0 ? 'put' : d.kind === 1 ? 'append' : 'get';
            const input = f === 'get' ? null : `${i}.`;
            if (f === 'put') value = `${i}.`;
            else if (f === 'append') value += `${i}.`;
            const output = f !== 'get' ? input : i === wrong ? `${value}x` : value;
            raw.push({ t: 10 * i - d.lead, seq: 2 * i, ev: { process: i, f, key: 'k', type: 'invoke', value: input } });
            raw.push({ t: 10 * i + d.lag, seq: 2 * i + 1, ev: { process: i, f, key: 'k', type: 'ok', value: output } });
          });
          raw.sort((a, b) => a.t - b.t || a.seq - b.seq);
          const ops = pairOperations(raw.map((r, index) => ({ ...r.ev, index, timeUs: r.t }) as HistoryEvent)).ops;
          const partition = { name: 'all', ops };
          const a = searchSmallPartition(kvModel, partition, undefined, budget(steps, 1_000_000, 1_000_000));
          const b = searchGeneral(kvModel, partition, undefined, budget(steps, 1_000_000, 1_000_000));
          expect(a).toEqual(b);
          verdicts.add(a.verdict);
        },
      ),
      { seed, numRuns: 100 },
    );
    expect(verdicts.has('linearizable') && verdicts.has('not-linearizable')).toBe(true);
  });

  it('agrees with the general search on the same partition checked twice in a row (scratch reused)', () => {
    const ops = pairOperations(historyOf('kv', [
      { kind: 0, value: 1, result: 0, start: 0, length: 5 },
      { kind: 1, value: 2, result: 0, start: 1, length: 5 },
      { kind: 2, value: 2, result: 2, start: 2, length: 9 },
    ])).ops;
    const partition = { name: 'all', ops };
    const first = searchSmallPartition(kvModel, partition, undefined, budget(1000, 1000, 1000));
    const second = searchSmallPartition(kvModel, partition, undefined, budget(1000, 1000, 1000));
    expect(second).toEqual(first);
    expect(first).toEqual(searchGeneral(kvModel, partition, undefined, budget(1000, 1000, 1000)));
  });
});
