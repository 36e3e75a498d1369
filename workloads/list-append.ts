// `list-append` (Jepsen's txn-list-append; model `list-append`: the Elle-style
// serializability checker, checkers/elle, reads these ops): each key k1..kN holds a list; a transaction appends to lists
// and reads whole lists, atomically.
//
//   { f: 'txn', value: [['append', 'k2', 3], ['r', 'k1', null], ['append', 'k1', 7]] }
//
// value: 1..maxTxnOps micro-ops, applied in order:
//   ['append', key, v]  appends the integer v to key's list. v is unique per key across the
//                       run (1, 2, 3... per key, in issue order), so a read list names the
//                       exact appends it saw.
//   ['r', key, null]    reads key's list; the ok completion carries the same micro-ops with
//                       the list read in place of null (e.g. ['r', 'k1', [1, 2, 7]]; an empty
//                       or absent list reads as []).
// Knobs: keyCount (keys k1..kN); mix weighs the micro-op kinds (append, r); params
// maxTxnOps (default 4, 1..1000). The per-key next value lives in ctx.state under STATE.
import type { Op, OpContext, Workload, WorkloadOptions } from '../sim/types.js';
import { defaultsOf, drawFunction, param, stateEntry, validateOptions, type ParamSpec } from './common.js';

const NAME = 'list-append';
export const listAppendFunctions = ['append', 'r'] as const;
const STATE = 'list-append/next';
const PARAMS: Readonly<Record<string, ParamSpec>> = Object.freeze({
  maxTxnOps: { default: 4, min: 1, max: 1000 },
});

export type ListAppendMicroOp = [f: 'append', key: string, value: number] | [f: 'r', key: string, value: null | number[]];

export function listAppendNextOp(ctx: OpContext, options: WorkloadOptions): Op {
  const { random } = ctx;
  const maxTxnOps = param(NAME, options, PARAMS, 'maxTxnOps');
  const keys = Math.max(1, options.keyCount);
  const next = stateEntry(ctx.state, STATE, () => new Map<string, number>());
  const count = random.int(1, maxTxnOps);
  const txn: ListAppendMicroOp[] = [];
  for (let i = 0; i < count; i++) {
    const f = drawFunction(NAME, random, options, listAppendFunctions);
    const key = `k${random.int(1, keys)}`;
    if (f === 'r') {
      txn.push(['r', key, null]);
    } else {
      const v = next.get(key) ?? 1;
      next.set(key, v + 1);
      txn.push(['append', key, v]);
    }
  }
  return { f: 'txn', value: txn };
}

export const listAppendWorkload: Workload = Object.freeze({
  name: NAME,
  description: "transactions of appends and whole-list reads over keys k1..kN (Jepsen's list-append; values unique per key)",
  model: 'list-append',
  defaultMix: Object.freeze({ append: 1, r: 1 }),
  defaultParams: defaultsOf(PARAMS),
  validate: (options: WorkloadOptions) => validateOptions({ workload: NAME, functions: listAppendFunctions, params: PARAMS }, options),
  nextOp: listAppendNextOp,
});
