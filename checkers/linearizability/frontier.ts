// The configurations of one partition that the incremental checker carries from event to
// event (see incremental.ts). A configuration is what a partial linearization leaves:
// the model state, which of the completed-but-still-open operations it has linearized
// (a sorted list of their ids), and the indeterminate operations not yet applied (a count
// per class of identical ones: same f, key and argument). Sets are deduplicated by a
// canonical text, and a configuration whose pending counts are all at most those of
// another with the same state and linearized ops is dropped (the other can do all it can,
// with more operations in reserve).
import { Counts, EMPTY_COUNTS } from './counts.js';
import type { Model } from './types.js';

export { Counts } from './counts.js';

export interface Config {
  readonly state: unknown;
  /** model.key(state). */
  readonly stateKey: string;
  /** Ids of the open completed ops already linearized, ascending. */
  readonly lin: readonly number[];
  /** Pending indeterminate ops: class id -> count (only counts above zero). */
  readonly info: Counts;
  /**
   * Its state is one of several that cannot matter (a later blind op erases it before any
   * op can observe it; see jit.ts): deduplicated and dominated regardless of the state.
   */
  readonly erased?: boolean;
}

/** The canonical text of a configuration's state and linearized ops (dominance compares within one). */
export function headKey(c: Config): string {
  const state = c.erased ? '\u0002' : c.stateKey;
  return c.lin.length === 0 ? state : `${state}\u0000${c.lin.join(',')}`;
}

/** No pending op. */
export const NO_COUNTS: Counts = EMPTY_COUNTS;

/** The classes of a configuration's pending counts, ascending (shared: do not change it). */
export function sortedClasses(info: Counts): readonly number[] {
  return info.classes();
}

/** The canonical text of a configuration's pending counts. */
export function infoKey(info: Counts): string {
  if (info.size === 0) return '';
  if (info.text !== undefined) return info.text;
  let s = '';
  for (const c of info.classes()) s += `${c}:${info.get(c)!},`;
  info.text = s;
  return s;
}

/**
 * The approximate heap a configuration takes, in 32-bit words (for the memo budget): its
 * object, its state's key (two bytes a character), its list and its map of counts.
 */
export function configWords(c: Config): number {
  return 24 + (c.stateKey.length >>> 1) + 3 * c.lin.length + 12 * c.info.size;
}

/**
 * A set of configurations, deduplicated, keeping only undominated ones. Insertion order is
 * kept (the run's order), so iteration never depends on anything but the input.
 */
export class ConfigFrontier {
  private readonly groups = new Map<string, Config[]>();
  private count = 0;
  private words = 0;

  get size(): number {
    return this.count;
  }

  /** Its size in 32-bit words (approximate). */
  get storedWords(): number {
    return this.words;
  }

  /** Add `c` unless an equal or dominating one is there; drop those it dominates. */
  add(c: Config): void {
    const head = headKey(c);
    const group = this.groups.get(head);
    if (!group) {
      this.groups.set(head, [c]);
      this.count++;
      this.words += configWords(c);
      return;
    }
    for (const other of group) if (c.info.coveredBy(other.info)) return;
    let kept = 0;
    for (const other of group) {
      if (other.info.coveredBy(c.info)) {
        this.count--;
        this.words -= configWords(other);
        continue;
      }
      group[kept++] = other;
    }
    group.length = kept;
    group.push(c);
    this.count++;
    this.words += configWords(c);
  }

  *[Symbol.iterator](): IterableIterator<Config> {
    for (const group of this.groups.values()) yield* group;
  }

  toArray(): Config[] {
    return [...this];
  }
}

/** The configuration after applying `state` (already stepped) with the linearized ops and pending counts given. */
export function makeConfig(model: Model, state: unknown, lin: readonly number[], info: Counts, stateKey?: string): Config {
  return { state, stateKey: stateKey ?? model.key(state), lin, info };
}

/** `lin` with `id` inserted (ascending). */
export function withId(lin: readonly number[], id: number): number[] {
  const out = lin.slice();
  let i = out.length;
  while (i > 0 && out[i - 1] > id) i--;
  out.splice(i, 0, id);
  return out;
}

/** `lin` without `id`. */
export function withoutId(lin: readonly number[], id: number): readonly number[] {
  const i = lin.indexOf(id);
  if (i < 0) return lin;
  const out = lin.slice();
  out.splice(i, 1);
  return out;
}

/** `info` with class `c` changed by `delta` (a count reaching zero is removed). */
export function withCount(info: Counts, c: number, delta: number): Counts {
  return info.with(c, delta);
}
