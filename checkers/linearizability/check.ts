// checkHistory: pair the events into operations, drop what cannot constrain anything,
// split into partitions (P-compositionality), and search each, smallest first, stopping at
// the first that has no linearization. Budgets make every call finish.
import type { HistoryEvent } from '../../sim/types.js';
import { getModel, modelNames } from './models/index.js';
import { pairOperations } from './operations.js';
import { OutcomeFold } from './outcome.js';
import { searchPartition, type SearchBudget } from './search.js';
import { HistoryParseError, type CheckOptions, type LinearizabilityResult, type Model, type Operation, type Partition, type PartitionOutcome } from './types.js';
import { compareStrings, isNil } from './values.js';

/** Default step budget: a few seconds to a minute of search, depending on the model. */
export const DEFAULT_BUDGET_STEPS = 200_000_000;
/** Default memo budget per partition: entries, and 32-bit words of storage (512 MiB). */
const DEFAULT_MEMO_ENTRIES = 50_000_000;
const DEFAULT_MEMO_WORDS = 2 ** 27;

/** Bytes of memo index per entry: a hash slot kept at most half full, doubled, and the entry's chunk and offset. */
const MEMO_INDEX_BYTES_PER_ENTRY = 32;

/** `memoryBytes` → the memo's word and entry budgets: half the bytes for stored 32-bit words, half for the index. */
function memoBudget(memoryBytes: number): { words: number; entries: number } {
  if (!(memoryBytes > 0)) throw new Error(`memoryBytes must be positive, not ${memoryBytes}`);
  return { words: Math.max(1, Math.floor(memoryBytes / 2 / 4)), entries: Math.max(1, Math.floor(memoryBytes / 2 / MEMO_INDEX_BYTES_PER_ENTRY)) };
}

/** The step and memo budgets a check starts with (checkHistory's and the incremental check's: one rule). */
export function startBudget(options: Pick<CheckOptions, 'budgetSteps' | 'budgetMemoEntries' | 'memoryBytes'>): { stepsLeft: number; memoEntries: number; memoWords: number } {
  const memory = options.memoryBytes === undefined ? undefined : memoBudget(options.memoryBytes);
  return {
    stepsLeft: options.budgetSteps ?? DEFAULT_BUDGET_STEPS,
    memoEntries: Math.min(options.budgetMemoEntries ?? DEFAULT_MEMO_ENTRIES, memory?.entries ?? Infinity),
    memoWords: memory?.words ?? DEFAULT_MEMO_WORDS,
  };
}

export function checkHistory(history: readonly HistoryEvent[], model: string | Model, options: CheckOptions = {}): LinearizabilityResult {
  const m = typeof model === 'string' ? getModel(model) : model;
  if (!m) throw new Error(`unknown model ${JSON.stringify(model)}; known models: ${modelNames.join(', ')}`);
  if (options.timeLimitMs !== undefined && !options.now) throw new Error('timeLimitMs needs a clock: pass options.now');

  // Indexed loops, no iterator: a first call runs in V8's interpreter, where for-of allocates per element.
  const { ops: paired } = pairOperations(history);
  if (m.validate) {
    for (let i = 0; i < paired.length; i++) {
      const bad = m.validate(paired[i]);
      if (bad) throw new HistoryParseError(undefined, bad.field, bad.expected, positionOf(history, paired[i].invokeIndex));
    }
  }
  const kept: Operation[] = [];
  for (let i = 0; i < paired.length; i++) if (constrains(m, paired[i], options)) kept.push(renumber(paired[i], kept.length));

  const partitions = (m.partition ? m.partition(kept, options.initial) : [{ name: 'all', ops: kept }]).filter(nonEmpty);
  partitions.sort(smallestFirst);

  const start = startBudget(options);
  const budget: SearchBudget = { stepsLeft: start.stepsLeft, memoEntries: start.memoEntries, memoWords: start.memoWords, timeUp: timeUpOf(options), explainSteps: options.explainSteps ?? 100 };
  const fold = new OutcomeFold();
  for (let i = 0; i < partitions.length; i++) {
    const p = partitions[i];
    const initial = 'initial' in p ? p.initial : options.initial;
    const out = budget.stepsLeft > 0 && !budget.timeUp() ? searchPartition(m, p as Partition, initial, budget) : { verdict: 'unknown' as const, steps: 0, stoppedBy: budget.stepsLeft > 0 ? ('time' as const) : ('steps' as const) };
    const outcome: PartitionOutcome = { name: p.name, operations: p.ops.length, verdict: out.verdict, steps: out.steps };
    if (out.stoppedBy) outcome.stoppedBy = out.stoppedBy;
    if (fold.add(outcome, 'counterexample' in out ? out.counterexample : undefined)) break;
  }
  return fold.result(m.name, kept.length, partitions.length);
}

/**
 * The time limit's test, started now. Its own function, so that checkHistory holds no
 * closure: measured on Node 20 from the CLI's code cache, the first check of every Porcupine
 * file is 3-8% faster so (c01-ok 0.68 → 0.63 ms CPU, 9 rounds).
 */
function timeUpOf(options: Pick<CheckOptions, 'timeLimitMs' | 'now'>): () => boolean {
  const now = options.now;
  const started = now ? now() : 0;
  const limit = options.timeLimitMs;
  if (limit === undefined || !now) return never;
  return () => now() - started >= limit;
}

const never = (): boolean => false;
const nonEmpty = (p: Partition): boolean => p.ops.length > 0;
const smallestFirst = (a: Partition, b: Partition): number => a.ops.length - b.ops.length || compareStrings(a.name, b.name);

/**
 * Whether an operation can constrain the search (checkHistory's and the incremental check's
 * rule): an indeterminate read may or may not have happened and changes nothing; with
 * `nilReadsUnknown`, a nil read's value is unknown (Knossos).
 */
export function constrains(m: Model, op: Operation, options: Pick<CheckOptions, 'nilReadsUnknown'>): boolean {
  const readOnly = m.readOnly?.(op) ?? false;
  if (readOnly && op.status === 'info') return false;
  return !(readOnly && options.nilReadsUnknown && isNil(op.output));
}

function renumber(op: Operation, id: number): Operation {
  return op.id === id ? op : { ...op, id };
}

function positionOf(history: readonly HistoryEvent[], index: number): number {
  if (history[index]?.index === index) return index;
  const found = history.findIndex((ev) => ev.index === index);
  return found >= 0 ? found : index;
}
