// A grow-only set: add v, and read returning the whole set (in any order). A read whose
// value is nil tells nothing (it is dropped like an indeterminate read).
import type { Model } from '../types.js';
import { canonicalKey, compareStrings, isNil } from '../values.js';
import { expectF, illegal, ok, writtenValue } from './common.js';

const ADD = ['add', 'insert'];
const READ = ['read', 'get'];

/** Members as sorted canonical keys. */
type Members = readonly string[];

function members(values: readonly unknown[]): string[] {
  return [...new Set(values.map(canonicalKey))].sort(compareStrings);
}

const show = (m: Members): string => `#{${m.join(' ')}}`;

export const setModel: Model<Members> = {
  name: 'set',
  description: 'set (add, read of the whole set)',
  init: (initial) => (Array.isArray(initial) ? members(initial) : []),
  step(m, op) {
    if (ADD.includes(op.f)) {
      const x = canonicalKey(writtenValue(op));
      if (m.includes(x)) return ok(m);
      return ok([...m, x].sort(compareStrings));
    }
    if (!READ.includes(op.f)) return illegal(() => `unknown operation :${op.f}`);
    if (op.status === 'info' || isNil(op.output)) return ok(m);
    const got = members(op.output as unknown[]);
    return got.length === m.length && got.every((x, i) => x === m[i]) ? ok(m) : illegal(() => `read ${show(got)} but the set is ${show(m)}`);
  },
  key: (m) => m.join('\u0000'),
  describe: show,
  validate(op) {
    const bad = expectF(op, [...ADD, ...READ]);
    if (bad) return bad;
    if (ADD.includes(op.f) && isNil(writtenValue(op))) return { field: 'value', expected: `a value to :${op.f}` };
    if (READ.includes(op.f) && op.status === 'ok' && !isNil(op.output) && !Array.isArray(op.output)) {
      return { field: 'value', expected: 'the whole set read (a vector or set of values)' };
    }
    return undefined;
  },
  readOnly: (op) => READ.includes(op.f),
};
