// Knossos' multi-register: `:f :txn` whose value is a vector of micro-ops `[:read k v]` /
// `[:write k v]`, applied in order as one atomic step. A read whose value is nil is always
// legal (the invoke does not know the value yet). `--initial` is a map {"x": 0, "y": 0}
// or one value for every register; without it, a register nobody wrote holds an unknown
// (but fixed) value, learnt from the first read that sees it. Operations are partitioned
// into groups of registers that transactions connect (a txn on x and y joins them).
import type { Model, Operation, Partition, StepResult } from '../types.js';
import { canonicalKey, compareStrings, isNil, showValue } from '../values.js';
import { illegal, ok } from './common.js';
import { initialMap } from './kv.js';

type MicroOp = readonly [f: 'read' | 'write', register: string, value: unknown];

interface Registers {
  /** Canonical key of the default value of registers not in `values`; undefined = unknown. */
  readonly fallback: string | undefined;
  /** Register name → canonical key of its value, sorted by name. */
  readonly values: ReadonlyArray<readonly [string, string]>;
}

function registerName(k: unknown): string {
  return typeof k === 'string' ? k : canonicalKey(k);
}

/** The micro-ops of a txn, or undefined when the value is not a vector of [f k v]. */
function microOps(v: unknown): MicroOp[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: MicroOp[] = [];
  for (const m of v) {
    if (!Array.isArray(m) || m.length < 2 || m.length > 3 || (m[0] !== 'read' && m[0] !== 'write')) return undefined;
    out.push([m[0], registerName(m[1]), m[2]]);
  }
  return out;
}

/** What the op did: the completion's micro-ops (with values read) when usable, else the invoke's. */
function effective(op: Operation): MicroOp[] {
  const input = microOps(op.input) ?? [];
  if (op.status !== 'ok') return input;
  const output = microOps(op.output);
  return output && output.length === input.length ? output : input;
}

function touched(op: Operation): string[] {
  const keys = new Set<string>();
  for (const [f, k, v] of effective(op)) if (f === 'write' || !isNil(v)) keys.add(k);
  return [...keys].sort(compareStrings);
}

function get(r: Registers, k: string): string | undefined {
  for (const [name, v] of r.values) if (name === k) return v;
  return r.fallback;
}

function set(values: Array<readonly [string, string]>, k: string, v: string): void {
  const i = values.findIndex(([name]) => name === k);
  if (i >= 0) values[i] = [k, v];
  else {
    values.push([k, v]);
    values.sort((a, b) => compareStrings(a[0], b[0]));
  }
}

function partitionByRegisters(ops: readonly Operation[], initial: unknown): Partition[] {
  // Union-find over register names; ops touching no register (only nil reads) constrain nothing.
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let x = k; x !== root; ) {
      const next = parent.get(x)!;
      parent.set(x, root);
      x = next;
    }
    return root;
  };
  const keysOf = ops.map(touched);
  for (const keys of keysOf) {
    for (const k of keys) if (!parent.has(k)) parent.set(k, k);
    for (let i = 1; i < keys.length; i++) {
      const a = find(keys[0]);
      const b = find(keys[i]);
      if (a !== b) parent.set(compareStrings(a, b) < 0 ? b : a, compareStrings(a, b) < 0 ? a : b);
    }
  }
  const groups = new Map<string, Operation[]>();
  ops.forEach((op, i) => {
    if (keysOf[i].length === 0) return;
    const root = find(keysOf[i][0]);
    let list = groups.get(root);
    if (!list) groups.set(root, (list = []));
    list.push(op);
  });
  const perKey = initialMap(initial);
  return [...groups.keys()].sort(compareStrings).map((root) => {
    const members = [...parent.keys()].filter((k) => find(k) === root).sort(compareStrings);
    const name = `registers ${members.join(',')}`;
    if (!perKey) return { name, ops: groups.get(root)! };
    const sub: Record<string, unknown> = Object.create(null);
    for (const k of members) if (perKey(k) !== undefined) sub[k] = perKey(k);
    return { name, ops: groups.get(root)!, initial: sub };
  });
}

export const multiRegisterModel: Model<Registers> = {
  name: 'multi-register',
  description: 'registers read and written by atomic txns ([:read k v] [:write k v]); nil reads always legal',
  init(initial) {
    const perKey = initialMap(initial);
    if (!perKey) return { fallback: isNil(initial) ? undefined : canonicalKey(initial), values: [] };
    const values: Array<readonly [string, string]> = [];
    const entries = initial instanceof Map ? [...initial.entries()] : Object.entries(initial as object);
    for (const [k, v] of entries) set(values, registerName(k), canonicalKey(v));
    return { fallback: undefined, values };
  },
  step(r, op): StepResult<Registers> {
    const values = r.values.slice();
    const state = { fallback: r.fallback, values };
    for (const [f, k, v] of effective(op)) {
      if (f === 'write') {
        set(values, k, canonicalKey(v));
        continue;
      }
      if (isNil(v)) continue;
      const current = get(state, k);
      const seen = canonicalKey(v);
      if (current === undefined) set(values, k, seen);
      else if (current !== seen) return illegal(() => `read ${k}=${showValue(v)} but ${k} holds ${current}`);
    }
    return ok(state);
  },
  key: (r) => r.values.map(([k, v]) => `${JSON.stringify(k)}=${v}`).join(','),
  describe: (r) => `{${r.values.map(([k, v]) => `${k}: ${v}`).join(', ')}}${r.fallback !== undefined ? ` (others ${r.fallback})` : ''}`,
  validate(op) {
    if (op.f !== 'txn') return { field: 'f', expected: `:txn (got :${op.f})` };
    if (!microOps(op.input)) return { field: 'value', expected: 'a vector of micro-ops [:read k v] / [:write k v]' };
    return undefined;
  },
  readOnly: (op) => effective(op).every(([f]) => f === 'read'),
  partition: partitionByRegisters,
};
