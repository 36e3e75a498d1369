// The register generator against the cas-register model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../checkers/linearizability/index.js';
import type { Op } from '../../sim/types.js';
import { registerWorkload } from '../../workloads/register.js';
import { fcSeed } from '../sim/fc-seed.js';
import { generate, options, SEEDS, sequentialHistory, type Executed, type IssuedOp } from './helpers.js';

const defaults = () => options(1, { ...registerWorkload.defaultMix });

function executeRegister(issued: readonly IssuedOp[]): Executed[] {
  let value: string | null = null;
  return issued.map(({ client, op }) => {
    switch (op.f) {
      case 'read':
        return { client, op, type: 'ok', output: value };
      case 'write':
        value = op.value as string;
        return { client, op, type: 'ok', output: op.value };
      case 'cas': {
        const [expected, next] = op.value as [string, string];
        if (value !== expected) return { client, op, type: 'ok', output: false };
        value = next;
        return { client, op, type: 'ok', output: true };
      }
      default:
        throw new Error(`unexpected op ${op.f}`);
    }
  });
}

function expectRegisterShape(op: Op): void {
  expect(['read', 'write', 'cas']).toContain(op.f);
  expect(op.key).toBeUndefined();
  if (op.f === 'read') expect(op.value).toBeUndefined();
  if (op.f === 'write') expect(op.value).toMatch(/^v\d+$/);
  if (op.f === 'cas') {
    expect(Array.isArray(op.value) && op.value.length === 2).toBe(true);
    const [expected, next] = op.value as unknown[];
    expect(expected).toMatch(/^v\d+$/);
    expect(next).toMatch(/^v\d+$/);
  }
}

describe('register ops against the cas-register model', () => {
  it('have the shapes the model accepts; a sequential execution is linearizable, a corrupted read or cas is not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const issued = generate(registerWorkload, defaults(), String(seed), 150);
        for (const { op } of issued) expectRegisterShape(op);
        const events = sequentialHistory(executeRegister(issued));
        expect(checkHistory(events, 'cas-register').verdict).toBe('linearizable');

        const reads = events.filter((e) => e.type === 'ok' && e.f === 'read').map((e) => e.index);
        const i = reads[seed % reads.length];
        const corrupted = events.map((e) => (e.index === i ? { ...e, value: 'never-written' } : e));
        expect(checkHistory(corrupted, 'cas-register').verdict).toBe('not-linearizable');
        const cas = events.filter((e) => e.type === 'ok' && e.f === 'cas').map((e) => e.index);
        const j = cas[seed % cas.length];
        const flipped = events.map((e) => (e.index === j ? { ...e, value: e.value === false ? true : false } : e));
        expect(checkHistory(flipped, 'cas-register').verdict).toBe('not-linearizable');
      }),
      { seed: fcSeed, numRuns: 100 },
    );
  });

  it('written values are unique, and some cas succeed while others fail', () => {
    const issued = generate(registerWorkload, defaults(), '3', 3_000);
    const written = issued.flatMap(({ op }) => (op.f === 'write' ? [op.value] : op.f === 'cas' ? [(op.value as unknown[])[1]] : []));
    expect(new Set(written).size).toBe(written.length);
    const cas = executeRegister(issued).filter((e) => e.op.f === 'cas');
    const swapped = cas.filter((e) => e.output === true).length;
    expect(swapped / cas.length).toBeGreaterThan(0.5);
    expect(swapped).toBeLessThan(cas.length);
  });

  it('a cas before any write expects a value not yet written (never nil)', () => {
    const [first] = generate(registerWorkload, options(1, { cas: 1 }), '1', 1);
    expect(first.op).toEqual({ f: 'cas', value: ['v0', 'v0'] });
  });
});

describe('register determinism and validation', () => {
  it('same seed, same ops; different seeds, different ops', () => {
    expect(generate(registerWorkload, defaults(), 'x', 300)).toEqual(generate(registerWorkload, defaults(), 'x', 300));
    const runs = SEEDS.map((s) => JSON.stringify(generate(registerWorkload, defaults(), s, 50).map((o) => o.op)));
    expect(new Set(runs).size).toBe(SEEDS.length);
  });

  it('validate accepts the defaults and rejects bad options', () => {
    expect(registerWorkload.model).toBe('cas-register');
    expect(registerWorkload.validate!(defaults())).toBeUndefined();
    expect(registerWorkload.validate!(options(1, { read: 1, get: 1 }))).toMatch(/mix\.get is not an operation/);
    expect(registerWorkload.validate!(options(1, { read: 0 }))).toMatch(/no weight/);
    expect(registerWorkload.validate!(options(1, { read: -3, write: 1 }))).toMatch(/mix\.read must be in/);
    expect(registerWorkload.validate!(options(1, { read: 1 }, { x: 1 }))).toMatch(/params\.x is not a knob/);
    expect(() => generate(registerWorkload, options(1, { read: 0 }), '1', 1)).toThrow(RangeError);
  });
});
