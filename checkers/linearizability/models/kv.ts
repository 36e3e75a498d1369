// A key-value store: get, put, append, cas. A get returns the whole current value; an absent
// key reads as nil, undefined or "" (Porcupine's files read ""); put replaces; append
// concatenates strings with no separator; cas [expected new] swaps when the value equals
// `expected` (nil or "" match an absent key). A completed cas whose value is `false` did
// not swap (faultline's own histories); any other completed cas swapped.
// `kv` checks each key on its own (P-compositionality); `kv-unpartitioned` keeps the whole
// map as one state, for comparison and for benchmarks.
import type { Model, Operation, Partition, Reach, StepResult } from '../types.js';
import { canonicalKey, compareStrings, isNil, showValue, stateKey } from '../values.js';
import { casArgs, casStep, expectF, illegal, ok, sameOrBothAbsent, valueReach, writtenValue } from './common.js';

const GET = ['get', 'read'];
const PUT = ['put', 'write'];
const APPEND = ['append'];
const FS = [...GET, ...PUT, 'append', 'cas'];

/** One key's value: a string, another JSON value, or null when absent. */
export type KvValue = unknown;

function show(v: KvValue): string {
  return isNil(v) ? '(absent)' : showValue(v, 200);
}

/** The step of one key's value. */
export function kvValueStep(value: KvValue, op: Operation): StepResult<KvValue> {
  const f = op.f;
  if (f === 'get' || f === 'read') {
    if (op.status === 'info') return ok(value);
    const read = op.output;
    // Two strings: sameOrBothAbsent is plain equality ("" against "" is absent against absent).
    const same = typeof value === 'string' && typeof read === 'string' ? value === read : sameOrBothAbsent(value, read, true);
    return same ? ok(value) : illegal(() => `get ${showValue(op.output)} but key ${showValue(op.key)} holds ${show(value)}`);
  }
  if (f === 'put' || f === 'write') {
    const v = writtenValue(op);
    return ok(isNil(v) ? null : v);
  }
  if (f === 'append') {
    const suffix = writtenValue(op);
    const base = isNil(value) ? '' : typeof value === 'string' ? value : String(value);
    return ok(base + (isNil(suffix) ? '' : typeof suffix === 'string' ? suffix : String(suffix)));
  }
  if (op.f === 'cas') {
    const [expected, next] = casArgs(op)!;
    return casStep(op, value, sameOrBothAbsent(value, expected, true), () => (isNil(next) ? null : next), value);
  }
  return illegal(() => `unknown operation :${op.f}`);
}

function validateKv(op: Operation): { field: string; expected: string } | undefined {
  const bad = expectF(op, FS);
  if (bad) return bad;
  if (op.key === undefined) return { field: 'key', expected: `a key for :${op.f}` };
  if (op.f === 'cas' && !casArgs(op)) return { field: 'value', expected: 'a cas argument [expected new]' };
  if ((PUT.includes(op.f) || op.f === 'append') && op.input === undefined && op.output === undefined) {
    return { field: 'value', expected: `a value to :${op.f}` };
  }
  return undefined;
}

const readOnly = (op: Operation): boolean => GET.includes(op.f);

/**
 * Model.reach for one key: a completed get of a string (or nil), or a cas that swapped from
 * one (or an indeterminate cas, which takes effect only then), needs the value to equal it. Appends only extend a value, so a value
 * that is not a prefix of it (an absent one is the prefix '') can lead there only through
 * a put or cas that writes such a prefix. Values of other types: no help.
 */
function reachKv(target: Operation): Reach<KvValue> | undefined {
  return valueReach<KvValue>(target, GET, PUT, APPEND, (needed) => {
    if (!isNil(needed) && typeof needed !== 'string') return undefined;
    const text = isNil(needed) ? '' : needed;
    return (value) => typeof value !== 'string' || text.startsWith(value);
  });
}

/** A map (plain object or Map) of per-key initial values, or undefined when `initial` is not one. */
export function initialMap(initial: unknown): ((key: string) => unknown) | undefined {
  if (initial instanceof Map) return (k) => initial.get(k);
  if (typeof initial === 'object' && initial !== null && !Array.isArray(initial)) {
    return (k) => (Object.prototype.hasOwnProperty.call(initial, k) ? (initial as Record<string, unknown>)[k] : undefined);
  }
  return undefined;
}

/** Group operations by key, keys in code-unit order; an `--initial` map gives each key its value. */
export function partitionByKey(ops: readonly Operation[], initial: unknown): Partition[] {
  // Indexed loops, no iterator or spread: a first check runs in V8's interpreter.
  const byKey = new Map<string, Operation[]>();
  const keys: string[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    const k = op.key ?? '';
    let list = byKey.get(k);
    if (!list) {
      byKey.set(k, (list = []));
      keys.push(k);
    }
    list.push(op);
  }
  keys.sort(compareStrings);
  const perKey = initialMap(initial);
  const out: Partition[] = [];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const name = `key ${JSON.stringify(k)}`;
    out.push(perKey ? { name, ops: byKey.get(k)!, initial: perKey(k) ?? null } : { name, ops: byKey.get(k)! });
  }
  return out;
}

export const kvModel: Model<KvValue> = {
  name: 'kv',
  description: 'key-value store (get, put, append, cas), checked key by key',
  init: (initial) => (isNil(initial) ? null : initial),
  step: kvValueStep,
  key: stateKey,
  describe: show,
  validate: validateKv,
  readOnly,
  blind: (op) => PUT.includes(op.f),
  reach: reachKv,
  total: (op) => PUT.includes(op.f) || op.f === 'append',
  partition: partitionByKey,
};

/**
 * The whole map as one state: keys sorted, absent keys left out, and the canonical text of
 * each entry kept so that a new state's key costs one entry's text plus a join.
 */
interface KvMap {
  readonly keys: readonly string[];
  readonly values: readonly KvValue[];
  readonly parts: readonly string[];
  readonly text: string;
}

const EMPTY_MAP: KvMap = { keys: [], values: [], parts: [], text: '' };

function lookup(map: KvMap, key: string): KvValue {
  const i = map.keys.indexOf(key);
  return i < 0 ? null : map.values[i];
}

function assign(map: KvMap, key: string, value: KvValue): KvMap {
  const keys = map.keys.slice();
  const values = map.values.slice();
  const parts = map.parts.slice();
  let i = keys.indexOf(key);
  if (isNil(value)) {
    if (i < 0) return map;
    keys.splice(i, 1);
    values.splice(i, 1);
    parts.splice(i, 1);
  } else {
    const part = `${JSON.stringify(key)}=${canonicalKey(value)}`;
    if (i < 0) {
      i = 0;
      while (i < keys.length && compareStrings(keys[i], key) < 0) i++;
      keys.splice(i, 0, key);
      values.splice(i, 0, value);
      parts.splice(i, 0, part);
    } else {
      values[i] = value;
      parts[i] = part;
    }
  }
  return { keys, values, parts, text: parts.join(',') };
}

export const kvUnpartitionedModel: Model<KvMap> = {
  name: 'kv-unpartitioned',
  description: 'key-value store checked as one state (no partitioning; slower, for comparison)',
  init(initial) {
    let map = EMPTY_MAP;
    const entries = initial instanceof Map ? [...initial.entries()] : initialMap(initial) ? Object.entries(initial as object) : [];
    for (const [k, v] of entries) map = assign(map, String(k), v);
    return map;
  },
  step(map, op) {
    const key = op.key ?? '';
    const before = lookup(map, key);
    const r = kvValueStep(before, op);
    if (!r.ok) return r;
    return r.state === before ? ok(map) : ok(assign(map, key, r.state));
  },
  key: (map) => map.text,
  describe: (map) => (map.keys.length === 0 ? '{}' : `{${map.keys.map((k, i) => `${JSON.stringify(k)}: ${show(map.values[i])}`).join(', ')}}`),
  validate: validateKv,
  readOnly,
};
