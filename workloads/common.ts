// Helpers shared by the workload generators: drawing a function from the mix, reading knobs,
// validating options. Deterministic: every draw comes from the Random handed in, and every
// iteration is over a fixed array (never over an object's own key order).
import type { Random, WorkloadOptions } from '../sim/types.js';

/** Largest weight or knob a generator accepts (the scenario schema caps weights at 1e6 too). */
export const MAX_KNOB = 1_000_000_000;

/** A knob a generator reads from `params`: its default and inclusive integer range. */
export interface ParamSpec {
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

/** One weight of the mix: absent is 0, fractions round down; a negative or non-finite weight throws. */
export function mixWeight(workload: string, options: WorkloadOptions, f: string): number {
  const w = options.mix[f];
  if (w === undefined) return 0;
  if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new RangeError(`${workload} workload: mix.${f} must be a non-negative number`);
  return Math.floor(w);
}

/**
 * Draw a function: one `random.int(1, total)` over the weights of `functions`, in the order
 * given (cumulative). Functions of the mix that are not in `functions` are ignored (validate
 * reports them). Throws a RangeError when no function has a weight.
 */
export function drawFunction<F extends string>(workload: string, random: Random, options: WorkloadOptions, functions: readonly F[]): F {
  let total = 0;
  for (const f of functions) total += mixWeight(workload, options, f);
  if (total <= 0) throw new RangeError(`${workload} workload: the mix gives no weight to any of ${functions.join(', ')}`);
  let r = random.int(1, total);
  for (const f of functions) {
    r -= mixWeight(workload, options, f);
    if (r <= 0) return f;
  }
  return functions[0]; // unreachable: r <= total
}

/** A knob's value: `params[name]` when set, else its default. Throws a RangeError when out of range. */
export function param(workload: string, options: WorkloadOptions, specs: Readonly<Record<string, ParamSpec>>, name: string): number {
  const spec = specs[name];
  const v = options.params?.[name];
  if (v === undefined) return spec.default;
  const bad = checkInteger(v, spec.min, spec.max);
  if (bad) throw new RangeError(`${workload} workload: params.${name} ${bad}`);
  return v;
}

/** The defaults of a knob table, as `Workload.defaultParams`. */
export function defaultsOf(specs: Readonly<Record<string, ParamSpec>>): Readonly<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(specs).sort(compareCodeUnits)) out[name] = specs[name].default;
  return Object.freeze(out);
}

export interface ValidateSpec {
  readonly workload: string;
  /** The functions the mix may name, in draw order. */
  readonly functions: readonly string[];
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Smallest keyCount the generator works with (default 1). */
  readonly minKeys?: number;
  /** Extra hint for a param that is not a knob (e.g. bank's account count lives in keyCount). */
  readonly paramHints?: Readonly<Record<string, string>>;
}

/** The first problem with these options, or undefined: keyCount, mix functions and weights, params. */
export function validateOptions(spec: ValidateSpec, options: WorkloadOptions): string | undefined {
  const { workload } = spec;
  const minKeys = spec.minKeys ?? 1;
  const keys = checkInteger(options.keyCount, minKeys, MAX_KNOB);
  if (keys) return `${workload} workload: keyCount ${keys}`;
  const mix = options.mix ?? {};
  const names = Object.keys(mix).sort(compareCodeUnits);
  for (const f of names) {
    if (!spec.functions.includes(f)) return `${workload} workload: mix.${f} is not an operation of this workload (known: ${spec.functions.join(', ')})`;
    const bad = checkInteger(mix[f], 0, MAX_KNOB);
    if (bad) return `${workload} workload: mix.${f} ${bad}`;
  }
  if (!spec.functions.some((f) => (mix[f] ?? 0) > 0)) return `${workload} workload: the mix gives no weight to any of ${spec.functions.join(', ')}`;
  const params = options.params ?? {};
  for (const name of Object.keys(params).sort(compareCodeUnits)) {
    const s = Object.prototype.hasOwnProperty.call(spec.params, name) ? spec.params[name] : undefined;
    if (!s) {
      const known = Object.keys(spec.params).sort(compareCodeUnits);
      const hint = spec.paramHints?.[name];
      return `${workload} workload: params.${name} is not a knob of this workload (${hint ?? (known.length > 0 ? `known: ${known.join(', ')}` : 'it has none')})`;
    }
    const bad = checkInteger(params[name], s.min, s.max);
    if (bad) return `${workload} workload: params.${name} ${bad}`;
  }
  return undefined;
}

function checkInteger(v: unknown, min: number, max: number): string | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v)) return `must be an integer (got ${JSON.stringify(v)})`;
  if (v < min || v > max) return `must be in ${min}..${max} (got ${v})`;
  return undefined;
}

/** Code-unit order, independent of the host locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The generator's entry of the run's state map, created on first use. */
export function stateEntry<T>(state: Map<string, unknown>, key: string, create: () => T): T {
  let v = state.get(key) as T | undefined;
  if (v === undefined) state.set(key, (v = create()));
  return v;
}
