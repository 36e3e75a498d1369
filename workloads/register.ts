// `register` (model `cas-register`): read, write and cas on one register. No key: the
// cas-register model is a single register and ignores keys.
//
//   { f: 'read' }                          ok value: the register's value (null/undefined while never written)
//   { f: 'write', value: 'v12' }
//   { f: 'cas',   value: ['v12', 'v17'] }   [expected, new]; no swap: fail, or ok with value false
//
// Every written value (write, and a cas's new value) is unique: `v<counter>`. The generator
// keeps in ctx.state (under STATE) the value the register would hold if every operation
// issued so far had taken effect in issue order, and the last few values written. A cas
// expects that guess 3 times in 4, else one of the recent values (so that under concurrency
// some cas still succeed and some fail); before any write it expects a `v<n>` of one of the
// last 8 counters, like kv. A cas never expects nil. Knobs: mix (read, write, cas); keyCount
// is not used; no params.
import type { Op, OpContext, Workload, WorkloadOptions } from '../sim/types.js';
import { drawFunction, stateEntry, validateOptions, type ParamSpec } from './common.js';

const NAME = 'register';
export const registerFunctions = ['read', 'write', 'cas'] as const;
const STATE = 'register/state';
/** How many recently written values a cas may expect instead of the guess. */
const RECENT = 4;
/** A cas expects the guess with this probability (ppm). */
const EXPECT_GUESS_PPM = 750_000;
const CAS_LOOKBACK = 8;
const PARAMS: Readonly<Record<string, ParamSpec>> = Object.freeze({});

interface RegisterState {
  /** The value if every issued op applied in issue order; undefined before any write. */
  guess: string | undefined;
  /** The last RECENT values written, oldest first. */
  recent: string[];
}

export function registerNextOp(ctx: OpContext, options: WorkloadOptions): Op {
  const { random, counter } = ctx;
  const f = drawFunction(NAME, random, options, registerFunctions);
  const s = stateEntry<RegisterState>(ctx.state, STATE, () => ({ guess: undefined, recent: [] }));
  const next = `v${counter}`;
  switch (f) {
    case 'read':
      return { f };
    case 'write':
      remember(s, next);
      return { f, value: next };
    case 'cas': {
      let expected: string;
      if (s.guess === undefined) expected = `v${random.int(Math.max(0, counter - CAS_LOOKBACK), Math.max(0, counter - 1))}`;
      else if (random.chance(EXPECT_GUESS_PPM)) expected = s.guess;
      else expected = random.pick(s.recent);
      remember(s, next);
      return { f, value: [expected, next] };
    }
  }
}

function remember(s: RegisterState, written: string): void {
  s.guess = written;
  s.recent.push(written);
  if (s.recent.length > RECENT) s.recent.shift();
}

export const registerWorkload: Workload = Object.freeze({
  name: NAME,
  description: 'one compare-and-set register: read, write, cas (unique written values; cas mostly expects the latest write)',
  model: 'cas-register',
  defaultMix: Object.freeze({ read: 2, write: 1, cas: 1 }),
  defaultParams: Object.freeze({}),
  validate: (options: WorkloadOptions) => validateOptions({ workload: NAME, functions: registerFunctions, params: PARAMS }, options),
  nextOp: registerNextOp,
});
