// The bank generator: transfer and read shapes, knobs, and conservation of money.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bankAccounts, bankInitialBalances, bankTotal, bankWorkload, type BankTransfer } from '../../workloads/bank.js';
import { fcSeed } from '../sim/fc-seed.js';
import { generate, options, SEEDS, type IssuedOp } from './helpers.js';

const defaults = (keyCount = 5) => options(keyCount, { ...bankWorkload.defaultMix });

/** Apply transfers in order, skipping those that would overdraw; reads see all balances. */
function executeBank(issued: readonly IssuedOp[], initial: Record<string, number>): { balances: Map<string, number>; reads: Array<Record<string, number>>; skipped: number } {
  const balances = new Map(Object.entries(initial));
  const reads: Array<Record<string, number>> = [];
  let skipped = 0;
  for (const { op } of issued) {
    if (op.f === 'read') {
      reads.push(Object.fromEntries(balances));
      continue;
    }
    const { from, to, amount } = op.value as BankTransfer;
    if (balances.get(from)! < amount) {
      skipped++;
      continue;
    }
    balances.set(from, balances.get(from)! - amount);
    balances.set(to, balances.get(to)! + amount);
  }
  return { balances, reads, skipped };
}

const sum = (xs: Iterable<number>): number => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};

describe('bank ops', () => {
  it('transfers move 1..maxTransfer between two distinct accounts of a1..aN; reads carry no value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 20 }), (seed, keyCount, maxTransfer) => {
        const opts = options(keyCount, { ...bankWorkload.defaultMix }, { maxTransfer });
        expect(bankWorkload.validate!(opts)).toBeUndefined();
        const accounts = bankAccounts(opts);
        for (const { op } of generate(bankWorkload, opts, String(seed), 100)) {
          expect(op.key).toBeUndefined();
          if (op.f === 'read') {
            expect(op).toEqual({ f: 'read' });
            continue;
          }
          expect(op.f).toBe('transfer');
          const t = op.value as BankTransfer;
          expect(Object.keys(t)).toEqual(['from', 'to', 'amount']);
          expect(accounts).toContain(t.from);
          expect(accounts).toContain(t.to);
          expect(t.from).not.toBe(t.to);
          expect(Number.isInteger(t.amount) && t.amount >= 1 && t.amount <= maxTransfer).toBe(true);
        }
      }),
      { seed: fcSeed, numRuns: 100 },
    );
  });

  it('every account is used on both sides, and every amount is drawn', () => {
    const transfers = generate(bankWorkload, options(4, { transfer: 1 }, { maxTransfer: 3 }), '1', 2_000).map((o) => o.op.value as BankTransfer);
    expect(new Set(transfers.map((t) => t.from))).toEqual(new Set(['a1', 'a2', 'a3', 'a4']));
    expect(new Set(transfers.map((t) => t.to))).toEqual(new Set(['a1', 'a2', 'a3', 'a4']));
    expect(new Set(transfers.map((t) => t.amount))).toEqual(new Set([1, 2, 3]));
  });

  it('the total is conserved by any generated sequence applied in order (overdrawing transfers skipped)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 30 }),
        (seed, keyCount, initialBalance, maxTransfer) => {
          const opts = options(keyCount, { ...bankWorkload.defaultMix }, { initialBalance, maxTransfer });
          const initial = bankInitialBalances(opts);
          expect(Object.keys(initial)).toEqual(bankAccounts(opts));
          expect(sum(Object.values(initial))).toBe(bankTotal(opts));
          const { balances, reads } = executeBank(generate(bankWorkload, opts, String(seed), 200), initial);
          expect(sum(balances.values())).toBe(keyCount * initialBalance);
          for (const b of balances.values()) expect(b).toBeGreaterThanOrEqual(0);
          for (const r of reads) expect(sum(Object.values(r))).toBe(keyCount * initialBalance);
        },
      ),
      { seed: fcSeed, numRuns: 200 },
    );
  });

  it('with nothing to move, every transfer is skipped', () => {
    const opts = options(3, { transfer: 1 }, { initialBalance: 0 });
    const { skipped } = executeBank(generate(bankWorkload, opts, '1', 50), bankInitialBalances(opts));
    expect(skipped).toBe(50);
  });
});

describe('bank determinism and validation', () => {
  it('same seed, same ops; different seeds, different ops', () => {
    expect(generate(bankWorkload, defaults(), 'x', 300)).toEqual(generate(bankWorkload, defaults(), 'x', 300));
    const runs = SEEDS.map((s) => JSON.stringify(generate(bankWorkload, defaults(), s, 50).map((o) => o.op)));
    expect(new Set(runs).size).toBe(SEEDS.length);
  });

  it('names the transactional bank model (conservation), and documents its knobs', () => {
    expect(bankWorkload.model).toBe('bank');
    expect(bankWorkload.defaultParams).toEqual({ initialBalance: 100, maxTransfer: 5 });
    expect(bankWorkload.defaultMix).toEqual({ transfer: 2, read: 1 });
  });

  it('validate rejects bad options', () => {
    expect(bankWorkload.validate!(defaults(2))).toBeUndefined();
    expect(bankWorkload.validate!(options(5, { transfer: 1 }, { initialBalance: 0, maxTransfer: 1 }))).toBeUndefined();
    expect(bankWorkload.validate!(defaults(1))).toMatch(/keyCount must be in 2\.\./);
    expect(bankWorkload.validate!(options(5, { transfer: 1, deposit: 1 }))).toMatch(/mix\.deposit is not an operation/);
    expect(bankWorkload.validate!(options(5, { transfer: 0, read: 0 }))).toMatch(/no weight/);
    expect(bankWorkload.validate!(options(5, { transfer: 1 }, { maxTransfer: 0 }))).toMatch(/params\.maxTransfer must be in 1\.\./);
    expect(bankWorkload.validate!(options(5, { transfer: 1 }, { initialBalance: -1 }))).toMatch(/params\.initialBalance must be in 0\.\./);
    expect(bankWorkload.validate!(options(5, { transfer: 1 }, { initialBalance: 2.5 }))).toMatch(/params\.initialBalance must be an integer/);
    expect(bankWorkload.validate!(options(5, { transfer: 1 }, { accounts: 5 }))).toMatch(/params\.accounts is not a knob of this workload \(the account count is keyCount/);
    expect(() => generate(bankWorkload, options(5, { transfer: 1 }, { maxTransfer: 0 }), '1', 1)).toThrow(RangeError);
  });
});
