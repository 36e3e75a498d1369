// A read/write register, and a compare-and-set register (Knossos' `register`, `cas-register`).
// Initially nil unless `--initial` says otherwise. A read of nil is legal only while the
// register is nil (Jepsen console-log semantics); Knossos' "nil read means unknown" is the
// checker option `nilReadsUnknown`, which drops such reads before the search.
import type { Model, Operation, Reach, StepResult } from '../types.js';
import { isNil, showValue, stateKey } from '../values.js';
import { casArgs, casStep, expectF, illegal, ok, sameOrBothAbsent, valueReach, writtenValue } from './common.js';

const READ = ['read', 'get'];
const WRITE = ['write', 'put'];

function registerStep(state: unknown, op: Operation): StepResult<unknown> | undefined {
  if (READ.includes(op.f)) {
    if (op.status === 'info') return ok(state);
    return sameOrBothAbsent(state, op.output, false) ? ok(state) : illegal(() => `read ${showValue(op.output)} but the register holds ${showValue(state)}`);
  }
  if (WRITE.includes(op.f)) {
    const v = writtenValue(op);
    return ok(isNil(v) ? null : v);
  }
  return undefined;
}

function validateWrite(op: Operation): { field: string; expected: string } | undefined {
  if (WRITE.includes(op.f) && op.input === undefined && op.output === undefined) return { field: 'value', expected: `a value to :${op.f}` };
  return undefined;
}

/**
 * Model.reach: a completed read (or a cas that swapped, or an indeterminate one, which takes
 * effect only then) needs the register to hold its value; only a write or cas of it can put it there.
 */
function reachRegister(target: Operation): Reach<unknown> | undefined {
  return valueReach<unknown>(target, READ, WRITE, [], (needed) => (state) => sameOrBothAbsent(state, needed, false));
}

export const registerModel: Model<unknown> = {
  name: 'register',
  description: 'read/write register (read, write), initially nil or --initial',
  init: (initial) => (isNil(initial) ? null : initial),
  step: (state, op) => registerStep(state, op) ?? illegal(() => `unknown operation :${op.f}`),
  key: stateKey,
  describe: (state) => showValue(state, 200),
  validate: (op) => expectF(op, [...READ, ...WRITE]) ?? validateWrite(op),
  readOnly: (op) => READ.includes(op.f),
  blind: (op) => WRITE.includes(op.f),
  reach: reachRegister,
  total: (op) => WRITE.includes(op.f),
};

export const casRegisterModel: Model<unknown> = {
  name: 'cas-register',
  description: 'compare-and-set register (read, write, cas [expected new]), initially nil or --initial',
  init: registerModel.init,
  step(state, op) {
    const done = registerStep(state, op);
    if (done) return done;
    if (op.f === 'cas') {
      const [expected, next] = casArgs(op)!;
      return casStep(op, state, sameOrBothAbsent(state, expected, false), () => (isNil(next) ? null : next), state);
    }
    return illegal(() => `unknown operation :${op.f}`);
  },
  key: stateKey,
  describe: registerModel.describe,
  validate(op) {
    const bad = expectF(op, [...READ, ...WRITE, 'cas']) ?? validateWrite(op);
    if (bad) return bad;
    if (op.f === 'cas' && !casArgs(op)) return { field: 'value', expected: 'a cas argument [expected new]' };
    return undefined;
  },
  readOnly: registerModel.readOnly,
  blind: registerModel.blind,
  reach: reachRegister,
  total: (op) => WRITE.includes(op.f),
};
