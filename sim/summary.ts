// Whether an actor's summary changed since the last one the trace recorded (full recording
// level: a state row per change). Most handlers change nothing a summary shows, so the
// answer is found, where it can be, without building either JSON text (compareFlatSummary).

/** One actor's last recorded summary, and the test of whether the next one differs from it in JSON. */
export class LastSummary {
  /** The JSON text of `object` ('' before the first; undefined when not built: the summary was recorded as changed without it). */
  private text: string | undefined = '';
  /** The last summary compared, whose JSON text `text` is, its keys and their values as they were read then. */
  object: Record<string, unknown> | undefined;
  keys: readonly string[] = [];
  values: readonly unknown[] = [];
  /** `object` is frozen and holds no object: the same object again has the same text. */
  private sealed = false;

  /** A new incarnation: its first summary is recorded whatever it is. */
  reset(): void {
    this.text = '';
    this.object = undefined;
    this.sealed = false;
  }

  /**
   * Is `summary`'s JSON text other than the last one's? Either way it is the last from now
   * on. Throws what reading it or JSON.stringify throws (a getter's error, a BigInt, a cycle).
   */
  changed(summary: Record<string, unknown>): boolean {
    if (summary === this.object && this.sealed) return false;
    // The same keys in the same order with the same primitive values give the same JSON
    // text, without building it; and a flat summary whose values differ in JSON from the
    // last one's has a different text: it is recorded without building either text.
    const keys = Object.keys(summary);
    const values = Object.values(summary);
    const compared = compareFlatSummary(this, summary, keys, values);
    if (compared === SAME_TEXT) return false;
    if (compared === OTHER_TEXT) {
      this.text = undefined;
      // compareFlatSummary answers OTHER_TEXT only when no value is an object: flat.
      this.keep(summary, keys, values, true);
      return true;
    }
    const text = JSON.stringify(summary);
    if (this.text === undefined) this.text = JSON.stringify(this.object);
    this.keep(summary, keys, values, false);
    if (text === this.text) return false;
    this.text = text;
    return true;
  }

  /** `flat`: known to hold no object (else it is looked at, for a frozen summary only). */
  private keep(summary: Record<string, unknown>, keys: readonly string[], values: readonly unknown[], flat: boolean): void {
    this.sealed = Object.isFrozen(summary) && (flat || values.every(notAnObject));
    this.object = summary;
    this.keys = keys;
    this.values = values;
  }
}

/** A value that nothing can change inside: a primitive, null or a function (which JSON leaves out). */
const notAnObject = (v: unknown): boolean => v === null || typeof v !== 'object';

const SAME_TEXT = 0;
const OTHER_TEXT = 1;
const UNKNOWN = 2;

/**
 * Does `summary` have the JSON text of the last summary? Answered without building
 * either text only when both are flat (every value a primitive, so nothing nested can have
 * changed unseen) with the same keys in the same order: SAME_TEXT when every value is
 * identical; OTHER_TEXT when some value writes differently in JSON (with the same keys,
 * each value's text is in its own place, so one differing value makes the texts differ).
 * Anything else (nested values, other keys, a BigInt that JSON.stringify must throw on) is
 * UNKNOWN, and the caller compares the texts.
 *
 * `keys` and `values` are the summary's Object.keys and Object.values, compared with the
 * last summary's as they were read then: two arrays V8 fills from the object's own
 * properties in one go each, instead of a keyed load per key on two objects (summaries of
 * every protocol's shapes pass here: those loads were megamorphic).
 */
function compareFlatSummary(last: LastSummary, summary: Record<string, unknown>, keys: readonly string[], values: readonly unknown[]): number {
  const prev = last.object;
  if (prev === undefined || prev === summary) return UNKNOWN;
  const prevKeys = last.keys;
  const prevValues = last.values;
  const n = keys.length;
  if (n !== prevKeys.length) return UNKNOWN;
  let differs = false;
  for (let i = 0; i < n; i++) {
    if (keys[i] !== prevKeys[i]) return UNKNOWN;
    const v = values[i];
    const w = prevValues[i];
    if (v === w) {
      if ((typeof v === 'object' && v !== null) || typeof v === 'function' || typeof v === 'bigint') return UNKNOWN;
      continue;
    }
    const a = jsonClass(v);
    const b = jsonClass(w);
    if (a === UNKNOWN_CLASS || b === UNKNOWN_CLASS) return UNKNOWN;
    // null, NaN and the infinities all write null; undefined, functions and symbols drop the key.
    if (a !== b || a === VALUE_CLASS) differs = true;
  }
  return differs ? OTHER_TEXT : SAME_TEXT;
}

const VALUE_CLASS = 0;
const NULL_CLASS = 1;
const OMITTED_CLASS = 2;
const UNKNOWN_CLASS = 3;

/** How JSON.stringify writes a property value: as itself (finite numbers, strings, booleans), as null, not at all, or unknown here (objects, BigInt). */
function jsonClass(v: unknown): number {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return VALUE_CLASS;
    case 'number':
      return Number.isFinite(v) ? VALUE_CLASS : NULL_CLASS;
    case 'undefined':
    case 'function':
    case 'symbol':
      return OMITTED_CLASS;
    case 'object':
      return v === null ? NULL_CLASS : UNKNOWN_CLASS;
    default:
      return UNKNOWN_CLASS;
  }
}
