// `bank` (model `bank`: the conservation checker, checkers/bank, reads these ops):
// accounts a1..aN, where N is keyCount (the scenario's `clients.keys`), each starting with
// `initialBalance`. Total money is N * initialBalance and must never change.
//
//   { f: 'transfer', value: { from: 'a1', to: 'a3', amount: 4 } }
//       from != to, both in a1..aN; 1 <= amount <= maxTransfer. A transfer that would make
//       `from` negative must not take effect: the protocol answers fail (ok means it moved
//       the money). Either way the total is conserved.
//   { f: 'read' }
//       value undefined at invoke; ok value: every account's balance, e.g.
//       { a1: 96, a2: 100, a3: 104 } (a plain object keyed by account name, all N accounts).
//
// Knobs: keyCount = accounts (at least 2); mix (transfer, read); params initialBalance
// (default 100, >= 0) and maxTransfer (default 5, >= 1). There is no `accounts` param: the
// account count is keyCount.
import type { Op, OpContext, Workload, WorkloadOptions } from '../sim/types.js';
import { defaultsOf, drawFunction, MAX_KNOB, param, validateOptions, type ParamSpec } from './common.js';

const NAME = 'bank';
export const bankFunctions = ['transfer', 'read'] as const;
const PARAMS: Readonly<Record<string, ParamSpec>> = Object.freeze({
  initialBalance: { default: 100, min: 0, max: MAX_KNOB },
  maxTransfer: { default: 5, min: 1, max: MAX_KNOB },
});

/** The argument of a transfer. */
export interface BankTransfer {
  from: string;
  to: string;
  amount: number;
}

/** What an ok read returns: account name -> balance. */
export type BankBalances = Record<string, number>;

/** The account names a1..aN, in order. */
export function bankAccounts(options: WorkloadOptions): string[] {
  return Array.from({ length: Math.max(2, options.keyCount) }, (_, i) => `a${i + 1}`);
}

/** The balances before any transfer: every account holds initialBalance. */
export function bankInitialBalances(options: WorkloadOptions): BankBalances {
  const initial = param(NAME, options, PARAMS, 'initialBalance');
  const out: BankBalances = {};
  for (const a of bankAccounts(options)) out[a] = initial;
  return out;
}

/** The money in the bank: accounts * initialBalance. */
export function bankTotal(options: WorkloadOptions): number {
  return bankAccounts(options).length * param(NAME, options, PARAMS, 'initialBalance');
}

export function bankNextOp(ctx: OpContext, options: WorkloadOptions): Op {
  const { random } = ctx;
  const f = drawFunction(NAME, random, options, bankFunctions);
  if (f === 'read') return { f };
  const accounts = Math.max(2, options.keyCount);
  const maxTransfer = param(NAME, options, PARAMS, 'maxTransfer');
  const from = random.int(1, accounts);
  const other = random.int(1, accounts - 1);
  const to = other >= from ? other + 1 : other;
  const transfer: BankTransfer = { from: `a${from}`, to: `a${to}`, amount: random.int(1, maxTransfer) };
  return { f, value: transfer };
}

export const bankWorkload: Workload = Object.freeze({
  name: NAME,
  description: 'bank accounts a1..aN (N = keyCount): transfer between two accounts, read all balances; the total is conserved',
  model: 'bank',
  defaultMix: Object.freeze({ transfer: 2, read: 1 }),
  defaultParams: defaultsOf(PARAMS),
  validate: (options: WorkloadOptions) =>
    validateOptions(
      { workload: NAME, functions: bankFunctions, params: PARAMS, minKeys: 2, paramHints: { accounts: 'the account count is keyCount (clients.keys)' } },
      options,
    ),
  nextOp: bankNextOp,
});
