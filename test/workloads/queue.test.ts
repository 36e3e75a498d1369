// The queue generator against the queue (unordered) and fifo-queue models.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../checkers/linearizability/index.js';
import { queueWorkload } from '../../workloads/queue.js';
import { fcSeed } from '../sim/fc-seed.js';
import { generate, options, SEEDS, sequentialHistory, type Executed, type IssuedOp } from './helpers.js';

const defaults = () => options(1, { ...queueWorkload.defaultMix });

function executeFifo(issued: readonly IssuedOp[]): Executed[] {
  const q: unknown[] = [];
  return issued.map(({ client, op }) => {
    if (op.f === 'enqueue') {
      q.push(op.value);
      return { client, op, type: 'ok', output: op.value };
    }
    if (op.f === 'dequeue') return { client, op, type: 'ok', output: q.length > 0 ? q.shift() : null };
    throw new Error(`unexpected op ${op.f}`);
  });
}

describe('queue ops', () => {
  it('have the shapes both queue models accept; a sequential FIFO execution is linearizable, a corrupted dequeue is not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const issued = generate(queueWorkload, defaults(), String(seed), 120);
        for (const { op, client } of issued) {
          expect(op.key).toBeUndefined();
          if (op.f === 'enqueue') expect(Number.isInteger(op.value)).toBe(true);
          else expect(op).toEqual({ f: 'dequeue' });
          expect(client).toBeGreaterThanOrEqual(0);
        }
        const values = issued.filter((o) => o.op.f === 'enqueue').map((o) => o.op.value);
        expect(new Set(values).size).toBe(values.length);

        const events = sequentialHistory(executeFifo(issued));
        for (const model of ['queue', 'fifo-queue']) expect(checkHistory(events, model).verdict).toBe('linearizable');
        const dequeues = events.filter((e) => e.type === 'ok' && e.f === 'dequeue').map((e) => e.index);
        const i = dequeues[seed % dequeues.length];
        const corrupted = events.map((e) => (e.index === i ? { ...e, value: -1 } : e));
        for (const model of ['queue', 'fifo-queue']) expect(checkHistory(corrupted, model).verdict).toBe('not-linearizable');
      }),
      { seed: fcSeed, numRuns: 100 },
    );
  });

  it('same seed, same ops; different seeds, different ops', () => {
    expect(generate(queueWorkload, defaults(), 'x', 300)).toEqual(generate(queueWorkload, defaults(), 'x', 300));
    const runs = SEEDS.map((s) => JSON.stringify(generate(queueWorkload, defaults(), s, 50).map((o) => o.op)));
    expect(new Set(runs).size).toBe(SEEDS.length);
  });

  it('validate accepts the defaults and rejects bad options', () => {
    expect(queueWorkload.model).toBe('queue');
    expect(queueWorkload.validate!(defaults())).toBeUndefined();
    expect(queueWorkload.validate!(options(1, { enqueue: 1 }))).toBeUndefined();
    expect(queueWorkload.validate!(options(1, { enqueue: 1, push: 1 }))).toMatch(/mix\.push is not an operation/);
    expect(queueWorkload.validate!(options(1, { enqueue: 0, dequeue: 0 }))).toMatch(/no weight/);
    expect(queueWorkload.validate!(options(1, { enqueue: -1, dequeue: 1 }))).toMatch(/mix\.enqueue must be in/);
    expect(queueWorkload.validate!(options(1, { enqueue: 1 }, { capacity: 3 }))).toMatch(/params\.capacity is not a knob/);
  });
});
