// Helpers shared by the built-in models.
import type { Operation, Reach, StepResult } from '../types.js';
import { isNil, sameValue, showValue } from '../values.js';

export const ok = <S>(state: S): StepResult<S> => ({ ok: true, state });
/** A refused step; pass a function when the reason costs something to build (it is needed only to explain). */
export const illegal = <S>(reason: string | (() => string)): StepResult<S> => ({ ok: false, reason });

/** The value a write-like op writes: the invoke's argument, else the completion's echo. */
export function writtenValue(op: Operation): unknown {
  return op.input !== undefined && op.input !== null ? op.input : op.output;
}

/** [expected, new] of a cas, or undefined when the argument is not a pair. */
export function casArgs(op: Operation): readonly [unknown, unknown] | undefined {
  const v: unknown = Array.isArray(op.input) ? op.input : Array.isArray(op.output) ? op.output : undefined;
  // The op's own array (ops are never changed): no copy per step.
  return Array.isArray(v) && v.length === 2 ? (v as unknown as readonly [unknown, unknown]) : undefined;
}

/** Did a completed cas swap? `ok` means swapped, unless its value is `false` (faultline's kv). */
export function casSwapped(op: Operation): boolean {
  return op.output !== false;
}

/**
 * A cas step on one value. `matches` says whether the current value equals the expected one.
 * ok+swapped: legal iff matches; ok+false: legal iff not; info: takes effect only when it matches.
 */
export function casStep<S>(op: Operation, current: unknown, matches: boolean, swapped: () => S, same: S): StepResult<S> {
  const args = casArgs(op)!;
  if (op.status === 'info') {
    return matches ? ok(swapped()) : illegal(() => `cas ${showValue(args[0])}→${showValue(args[1])} cannot swap: value is ${showValue(current)}`);
  }
  if (casSwapped(op)) {
    return matches ? ok(swapped()) : illegal(() => `cas ${showValue(args[0])}→${showValue(args[1])} succeeded but the value is ${showValue(current)}`);
  }
  return matches ? illegal(() => `cas ${showValue(args[0])}→${showValue(args[1])} reported no swap but the value is ${showValue(current)}`) : ok(same);
}

/** Equality where nil, undefined and (when `emptyIsNil`) "" all mean "absent". */
export function sameOrBothAbsent(a: unknown, b: unknown, emptyIsNil: boolean): boolean {
  const na = isNil(a) || (emptyIsNil && a === '');
  const nb = isNil(b) || (emptyIsNil && b === '');
  if (na || nb) return na && nb;
  return sameValue(a, b);
}

export function expectF(op: Operation, fs: readonly string[]): { field: string; expected: string } | undefined {
  return fs.includes(op.f) ? undefined : { field: 'f', expected: `one of ${fs.map((f) => `:${f}`).join(', ')} (got :${op.f})` };
}

/**
 * Model.reach for a value store (kv's keys, the registers): a completed read needs the
 * value it read, and a cas that swapped (or an indeterminate one, which takes effect only
 * then) its expected value; `test` turns that value into Reach.from (undefined: no help).
 * Reads and `inert` ops never lead there, a write only with a value `from` accepts, a cas
 * only with such a new value; any other op may.
 */
export function valueReach<S>(target: Operation, reads: readonly string[], writes: readonly string[], inert: readonly string[], test: (needed: unknown) => ((state: S) => boolean) | undefined): Reach<S> | undefined {
  let needed: unknown;
  if (reads.includes(target.f) && target.status === 'ok') needed = target.output;
  else if (target.f === 'cas' && (target.status === 'info' || casSwapped(target)) && casArgs(target)) needed = casArgs(target)![0];
  else return undefined;
  const from = test(needed);
  if (from === undefined) return undefined;
  return {
    from,
    via(op) {
      if (reads.includes(op.f) || inert.includes(op.f)) return false;
      if (writes.includes(op.f)) return from(writtenValue(op) as S);
      if (op.f === 'cas') {
        const args = casArgs(op);
        return args === undefined || from(args[1] as S);
      }
      return true;
    },
  };
}
