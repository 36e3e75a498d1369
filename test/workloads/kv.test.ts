// The kv generator: the shapes the kv model accepts, draw-for-draw identity with Raft's
// original generator (run hashes depend on it), and sequential histories the checker accepts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../checkers/linearizability/index.js';
import { raftNextOp } from './reference-raft-kv.js';
import { stream } from '../../sim/prng.js';
import type { Op, Random } from '../../sim/types.js';
import { kvNextOp, kvWorkload } from '../../workloads/kv.js';
import { fcSeed } from '../sim/fc-seed.js';
import { generate, options, SEEDS, sequentialHistory, type Executed, type IssuedOp } from './helpers.js';

const ctx = (random: Random, counter: number, state: Map<string, unknown> = new Map(), client = 0) => ({ random, counter, state, client });

describe('workload (nextOp)', () => {
  const seq = (values: number[]): Random => {
    let i = 0;
    return {
      int: (min, max) => Math.min(max, Math.max(min, values[i++ % values.length])),
      chance: () => false,
      pick: (items) => items[0],
      shuffle: (items) => [...items],
    };
  };
  it('draws the mix over k1..kN and writes values unique to the counter', () => {
    const workload = options(3, { get: 2, put: 1, append: 1, cas: 1 });
    // Weights are cumulative in the order get, put, append, cas: 1-2 get, 3 put, 4 append, 5 cas.
    expect(kvNextOp(ctx(seq([1, 3]), 10), workload)).toEqual({ f: 'get', key: 'k3' });
    expect(kvNextOp(ctx(seq([3, 1]), 10), workload)).toEqual({ f: 'put', key: 'k1', value: 'v10' });
    expect(kvNextOp(ctx(seq([4, 2]), 11), workload)).toEqual({ f: 'append', key: 'k2', value: '+11' });
    expect(kvNextOp(ctx(seq([5, 2, 7]), 12), workload)).toEqual({ f: 'cas', key: 'k2', value: ['v7', 'v12'] });
    expect(kvWorkload.model).toBe('kv');
  });

  it("a cas expects what the key would hold if the run's earlier writes all applied in order", () => {
    const workload = options(1, { put: 1, append: 1, cas: 1 });
    const random = seq([1, 1, 2, 1, 3, 1, 3, 1]); // put, append, cas, cas on k1
    const state = new Map<string, unknown>();
    expect(kvNextOp(ctx(random, 0, state), workload)).toEqual({ f: 'put', key: 'k1', value: 'v0' });
    expect(kvNextOp(ctx(random, 1, state), workload)).toEqual({ f: 'append', key: 'k1', value: '+1' });
    expect(kvNextOp(ctx(random, 2, state), workload)).toEqual({ f: 'cas', key: 'k1', value: ['v0+1', 'v2'] });
    expect(kvNextOp(ctx(random, 3, state), workload)).toEqual({ f: 'cas', key: 'k1', value: ['v2', 'v3'] });
    // Another run (another generator state) starts with no guesses.
    expect(kvNextOp(ctx(seq([3, 1, 0]), 0), workload).value).toEqual(['v0', 'v0']);
    expect(kvWorkload.defaultMix).toEqual({ get: 2, put: 1, append: 1, cas: 1 });
    expect(kvWorkload.defaultParams).toEqual({});
  });
});

describe('kv is draw-for-draw identical to raftNextOp', () => {
  const mixes: Array<Record<string, number>> = [
    { get: 2, put: 1, append: 1, cas: 1 },
    { get: 1 },
    { cas: 1 },
    { put: 1, cas: 3 },
    { get: 0, append: 5, cas: 1 },
    { get: 7, put: 0, append: 1, cas: 2 },
    { get: 1, put: 1, append: 1, cas: 1, unknown: 4 },
  ];
  const seeds = ['1', '2', '42', 'abc', 'faultline'];

  function compare(seed: string, mix: Record<string, number>, keyCount: number, draws: number): void {
    const a = stream(seed, 'workload');
    const b = stream(seed, 'workload');
    const stateA = new Map<string, unknown>();
    const stateB = new Map<string, unknown>();
    const opts = options(keyCount, mix);
    for (let counter = 0; counter < draws; counter++) {
      const mine = kvNextOp(ctx(a, counter, stateA, counter % 3), opts);
      const theirs = raftNextOp(b, opts, counter, stateB);
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) expect(mine, `seed ${seed} op ${counter}`).toEqual(theirs);
    }
    // Same number of draws consumed: the streams are still in step.
    expect(a.int(0, 2 ** 31)).toBe(b.int(0, 2 ** 31));
    // Same guesses kept (under different keys of the state map).
    expect([...stateA.values()]).toEqual([...stateB.values()]);
  }

  it.each(mixes.map((mix) => ({ mix, name: JSON.stringify(mix) })))('5,000 draws, several seeds and key counts: $name', ({ mix }) => {
    for (const seed of seeds) for (const keyCount of [1, 3, 10]) compare(seed, mix, keyCount, 5_000);
  });

  it('over random seeds, mixes and key counts (property)', () => {
    const weight = fc.integer({ min: 0, max: 5 });
    const mixArb = fc.record({ get: weight, put: weight, append: weight, cas: weight }).filter((m) => m.get + m.put + m.append + m.cas > 0);
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), mixArb, fc.integer({ min: 0, max: 6 }), (seed, mix, keyCount) => compare(seed, mix, keyCount, 300)),
      { seed: fcSeed, numRuns: 200 },
    );
  });

  it('throws the same errors (RangeError, same text but the workload name) for a mix with no weight or a negative weight', () => {
    const bad: Array<Record<string, number>> = [{}, { get: 0, put: 0 }, { other: 3 }, { get: -1 }, { get: 1, cas: -2 }, { put: Number.NaN }, { get: Number.POSITIVE_INFINITY }];
    for (const mix of bad) {
      const opts = options(3, mix);
      let mine: unknown;
      let theirs: unknown;
      try {
        kvNextOp(ctx(stream('1', 'w'), 0), opts);
      } catch (e) {
        mine = e;
      }
      try {
        raftNextOp(stream('1', 'w'), opts, 0, new Map());
      } catch (e) {
        theirs = e;
      }
      expect(mine, JSON.stringify(mix)).toBeInstanceOf(RangeError);
      expect(theirs).toBeInstanceOf(RangeError);
      expect((mine as Error).message.replace(/^kv workload/, 'raft workload')).toBe((theirs as Error).message);
    }
  });
});

/** A sequential execution against a plain map: gets read, cas swaps iff the value matches. */
function executeKv(issued: readonly IssuedOp[]): Executed[] {
  const store = new Map<string, string>();
  return issued.map(({ client, op }) => {
    const key = op.key!;
    switch (op.f) {
      case 'get':
        return { client, op, type: 'ok', output: store.get(key) ?? null };
      case 'put':
        store.set(key, op.value as string);
        return { client, op, type: 'ok', output: op.value };
      case 'append':
        store.set(key, (store.get(key) ?? '') + (op.value as string));
        return { client, op, type: 'ok', output: op.value };
      case 'cas': {
        const [expected, next] = op.value as [string, string];
        if (store.get(key) !== expected) return { client, op, type: 'ok', output: false };
        store.set(key, next);
        return { client, op, type: 'ok', output: true };
      }
      default:
        throw new Error(`unexpected op ${op.f}`);
    }
  });
}

function expectKvShape(op: Op, keyCount: number): void {
  expect(['get', 'put', 'append', 'cas']).toContain(op.f);
  expect(op.key).toMatch(/^k[1-9]\d*$/);
  expect(Number(op.key!.slice(1))).toBeLessThanOrEqual(Math.max(1, keyCount));
  if (op.f === 'get') expect(op.value).toBeUndefined();
  if (op.f === 'put') expect(op.value).toMatch(/^v\d+$/);
  if (op.f === 'append') expect(op.value).toMatch(/^\+\d+$/);
  if (op.f === 'cas') {
    expect(Array.isArray(op.value) && op.value.length === 2).toBe(true);
    expect((op.value as string[])[1]).toMatch(/^v\d+$/);
  }
}

describe('kv ops against the kv model', () => {
  it('have the shapes the model accepts; a sequential execution is linearizable, a corrupted read or cas is not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 4 }), (seed, keyCount) => {
        const issued = generate(kvWorkload, options(keyCount, { ...kvWorkload.defaultMix }), String(seed), 150);
        for (const { op } of issued) expectKvShape(op, keyCount);
        const executed = executeKv(issued);
        const events = sequentialHistory(executed);
        expect(checkHistory(events, 'kv').verdict).toBe('linearizable');

        const reads = events.filter((e) => e.type === 'ok' && e.f === 'get').map((e) => e.index);
        if (reads.length > 0) {
          const i = reads[seed % reads.length];
          const corrupted = events.map((e) => (e.index === i ? { ...e, value: 'never-written' } : e));
          expect(checkHistory(corrupted, 'kv').verdict).toBe('not-linearizable');
        }
        const cas = events.filter((e) => e.type === 'ok' && e.f === 'cas').map((e) => e.index);
        if (cas.length > 0) {
          const i = cas[seed % cas.length];
          const flipped = events.map((e) => (e.index === i ? { ...e, value: e.value === false ? true : false } : e));
          expect(checkHistory(flipped, 'kv').verdict).toBe('not-linearizable');
        }
      }),
      { seed: fcSeed, numRuns: 100 },
    );
  });

  it('a good share of cas succeed in a sequential run', () => {
    const executed = executeKv(generate(kvWorkload, options(3, { ...kvWorkload.defaultMix }), '7', 2_000));
    const cas = executed.filter((e) => e.op.f === 'cas');
    const swapped = cas.filter((e) => e.output === true).length;
    expect(swapped / cas.length).toBeGreaterThan(0.5);
  });
});

describe('kv determinism and validation', () => {
  it('same seed, same ops; different seeds, different ops', () => {
    const opts = options(3, { ...kvWorkload.defaultMix });
    expect(generate(kvWorkload, opts, 'x', 300)).toEqual(generate(kvWorkload, opts, 'x', 300));
    const runs = SEEDS.map((s) => JSON.stringify(generate(kvWorkload, opts, s, 50).map((o) => o.op)));
    expect(new Set(runs).size).toBe(SEEDS.length);
  });

  it('validate accepts the defaults and rejects bad options', () => {
    expect(kvWorkload.validate!(options(3, { ...kvWorkload.defaultMix }))).toBeUndefined();
    expect(kvWorkload.validate!(options(1, { cas: 1 }))).toBeUndefined();
    expect(kvWorkload.validate!(options(3, { get: 1, read: 1 }))).toMatch(/mix\.read is not an operation/);
    expect(kvWorkload.validate!(options(3, { get: 0, put: 0 }))).toMatch(/no weight/);
    expect(kvWorkload.validate!(options(3, {}))).toMatch(/no weight/);
    expect(kvWorkload.validate!(options(3, { get: -1, put: 1 }))).toMatch(/mix\.get must be in 0\.\./);
    expect(kvWorkload.validate!(options(3, { get: 1.5 }))).toMatch(/mix\.get must be an integer/);
    expect(kvWorkload.validate!(options(0, { get: 1 }))).toMatch(/keyCount must be in 1\.\./);
    expect(kvWorkload.validate!(options(3, { get: 1 }, { maxTxnOps: 2 }))).toMatch(/params\.maxTxnOps is not a knob of this workload \(it has none\)/);
  });
});
