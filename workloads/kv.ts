// `kv` (model `kv`): get, put, append, cas over keys k1..kN.
//
//   { f: 'get',    key: 'k2' }                          ok value: the whole current string (absent: undefined/null/"")
//   { f: 'put',    key: 'k2', value: 'v12' }
//   { f: 'append', key: 'k2', value: '+15' }            concatenated with no separator: "v12+15"
//   { f: 'cas',    key: 'k2', value: ['v12+15', 'v17'] } [expected, new]; no swap: fail, or ok with value false
//
// Every written value is unique (it carries the run's op counter). A cas expects the value
// the key would hold if every operation issued so far had taken effect in issue order (a
// guess kept in ctx.state under GUESSES); with no guess for the key, a put value of one of
// the last 8 counters. Knobs: keyCount, mix (get, put, append, cas); no params.
//
// Draw-for-draw identical to Raft's original generator (kept as test/workloads/reference-raft-kv.ts):
// random.int(1, total) for the function, random.int(1, keyCount) for the key, and for a cas
// with no guess random.int(counter - 8, counter - 1) (clamped at 0). Run hashes depend on it.
import type { Op, OpContext, Workload, WorkloadOptions } from '../sim/types.js';
import { drawFunction, stateEntry, validateOptions, type ParamSpec } from './common.js';

const NAME = 'kv';
export const kvFunctions = ['get', 'put', 'append', 'cas'] as const;
/** How far back a cas looks for its expected value when it has no guess for the key. */
const CAS_LOOKBACK = 8;
/** Where the guesses live in the run's generator state: key -> the value it would hold if all issued writes applied in order. */
const GUESSES = 'kv/guesses';
const PARAMS: Readonly<Record<string, ParamSpec>> = Object.freeze({});

export function kvNextOp(ctx: OpContext, options: WorkloadOptions): Op {
  const { random, counter, state } = ctx;
  const f = drawFunction(NAME, random, options, kvFunctions);
  const key = `k${random.int(1, Math.max(1, options.keyCount))}`;
  const guess = stateEntry(state, GUESSES, () => new Map<string, string>());
  switch (f) {
    case 'get':
      return { f, key };
    case 'put':
      guess.set(key, `v${counter}`);
      return { f, key, value: `v${counter}` };
    case 'append':
      guess.set(key, (guess.get(key) ?? '') + `+${counter}`);
      return { f, key, value: `+${counter}` };
    case 'cas': {
      const expected = guess.get(key) ?? `v${random.int(Math.max(0, counter - CAS_LOOKBACK), Math.max(0, counter - 1))}`;
      guess.set(key, `v${counter}`);
      return { f, key, value: [expected, `v${counter}`] };
    }
  }
}

export const kvWorkload: Workload = Object.freeze({
  name: NAME,
  description: 'key-value store over k1..kN: get, put, append, cas (unique written values; cas guesses the current value)',
  model: 'kv',
  defaultMix: Object.freeze({ get: 2, put: 1, append: 1, cas: 1 }),
  defaultParams: Object.freeze({}),
  validate: (options: WorkloadOptions) => validateOptions({ workload: NAME, functions: kvFunctions, params: PARAMS }, options),
  nextOp: kvNextOp,
});
