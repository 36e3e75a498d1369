// The mutex generator: per-client strict alternation, checked against the mutex model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../checkers/linearizability/index.js';
import { stream } from '../../sim/prng.js';
import { mutexWorkload } from '../../workloads/mutex.js';
import { fcSeed } from '../sim/fc-seed.js';
import { generate, generateFor, noDraws, options, SEEDS, sequentialHistory, type Executed, type IssuedOp } from './helpers.js';

const defaults = () => options(1, { ...mutexWorkload.defaultMix });

/** A lock with an owner: acquire fails while held, release fails unless the caller holds it. */
function executeMutex(issued: readonly IssuedOp[]): Executed[] {
  let owner: number | undefined;
  return issued.map(({ client, op }) => {
    if (op.f === 'acquire') {
      if (owner !== undefined) return { client, op, type: 'fail' };
      owner = client;
      return { client, op, type: 'ok' };
    }
    if (op.f === 'release') {
      if (owner !== client) return { client, op, type: 'fail' };
      owner = undefined;
      return { client, op, type: 'ok' };
    }
    throw new Error(`unexpected op ${op.f}`);
  });
}

describe('mutex ops', () => {
  it('alternate per client, starting with acquire, and draw nothing from the stream', () => {
    const ops = generateFor(mutexWorkload, defaults(), noDraws, [0, 1, 0, 0, 2, 1, 1, 0]);
    expect(ops.map((o) => o.f)).toEqual(['acquire', 'acquire', 'release', 'acquire', 'acquire', 'release', 'acquire', 'release']);
    for (const op of ops) expect(Object.keys(op)).toEqual(['f']);
  });

  it('a sequential execution is linearizable; a failed acquire reported ok is not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 5 }), (seed, clients) => {
        const issued = generate(mutexWorkload, defaults(), String(seed), 120, clients);
        const perClient = new Map<number, string[]>();
        for (const { client, op } of issued) perClient.set(client, [...(perClient.get(client) ?? []), op.f]);
        for (const fs of perClient.values()) fs.forEach((f, i) => expect(f).toBe(i % 2 === 0 ? 'acquire' : 'release'));

        const events = sequentialHistory(executeMutex(issued));
        expect(checkHistory(events, 'mutex').verdict).toBe('linearizable');
        const failedAcquires = events.filter((e) => e.type === 'fail' && e.f === 'acquire').map((e) => e.index);
        if (failedAcquires.length > 0) {
          const i = failedAcquires[seed % failedAcquires.length];
          const corrupted = events.map((e) => (e.index === i ? { ...e, type: 'ok' as const, value: undefined } : e));
          expect(checkHistory(corrupted, 'mutex').verdict).toBe('not-linearizable');
        }
      }),
      { seed: fcSeed, numRuns: 100 },
    );
  });

  it('the same client order gives the same ops; the ops depend on the client order, not the seed', () => {
    const order = (seed: string) => Array.from({ length: 60 }, ((r) => () => r.int(0, 3))(stream(seed, 'clients')));
    expect(generateFor(mutexWorkload, defaults(), stream('a', 'w'), order('x'))).toEqual(generateFor(mutexWorkload, defaults(), stream('b', 'w'), order('x')));
    const runs = SEEDS.map((s) => JSON.stringify(generate(mutexWorkload, defaults(), s, 60, 4).map((o) => [o.client, o.op.f])));
    expect(new Set(runs).size).toBe(SEEDS.length);
  });

  it('validate needs both acquire and release', () => {
    expect(mutexWorkload.model).toBe('mutex');
    expect(mutexWorkload.validate!(defaults())).toBeUndefined();
    expect(mutexWorkload.validate!(options(1, { acquire: 1, release: 3 }))).toBeUndefined();
    expect(mutexWorkload.validate!(options(1, { acquire: 1, release: 0 }))).toMatch(/mix\.release must be positive/);
    expect(mutexWorkload.validate!(options(1, { acquire: 1 }))).toMatch(/mix\.release must be positive/);
    expect(mutexWorkload.validate!(options(1, { acquire: 0, release: 0 }))).toMatch(/no weight/);
    expect(mutexWorkload.validate!(options(1, { acquire: 1, release: 1, lock: 1 }))).toMatch(/mix\.lock is not an operation/);
    expect(mutexWorkload.validate!(options(1, { acquire: 1, release: 1 }, { holdUs: 5 }))).toMatch(/params\.holdUs is not a knob/);
  });
});
