// The batch search behind the incremental check (incremental.ts): a partition's operations
// since its last cut, searched by searchPartition from each configuration carried there,
// for the counterexample of a failure and for the verdict of a partition too hard for the
// configurations (retained).
import { sortedClasses } from './frontier.js';
import type { PartitionState } from './partition-state.js';
import { searchPartition, type SearchBudget } from './search.js';
import type { Counterexample, Model, Operation } from './types.js';

export interface SegmentLimits {
  /** Steps left to the whole check (the search takes at least one). */
  readonly stepsLeft: number;
  readonly memoEntries: number;
  readonly memoWords: number;
  readonly explainSteps: number;
}

/**
 * The batch search over a partition's ops since its last cut (those invoked by `untilUs`),
 * from each configuration there (its pending indeterminate ops put back as operations):
 * linearizable from one of them, or not from any (the deepest counterexample kept). The
 * steps it takes come out of the check's: the caller subtracts `steps`.
 */
export function searchSegment(
  model: Model,
  part: PartitionState,
  limits: SegmentLimits,
  untilUs: number | undefined,
  stepsMax = Infinity,
): { verdict: 'linearizable' | 'not-linearizable' | 'unknown'; steps: number; stoppedBy?: 'steps' | 'memo'; counterexample?: Counterexample } {
  let stepsLeft = limits.stepsLeft;
  const segment = part.segment ?? [];
  if (part.snapshot.length === 0) return { verdict: 'unknown', steps: 0, stoppedBy: 'memo' };
  let best: Counterexample | undefined;
  let steps = 0;
  let stoppedBy: 'steps' | 'memo' | undefined;
  for (const start of part.snapshot) {
    const ops: Operation[] = [];
    for (const cls of sortedClasses(start.info)) {
      const rep = part.classes.rep.get(cls)!;
      for (let i = 0; i < start.info.get(cls)!; i++) ops.push(rep);
    }
    for (const op of segment) if (op.invokeTimeUs <= (untilUs ?? Infinity)) ops.push(op);
    ops.sort((a, b) => a.invokeTimeUs - b.invokeTimeUs || a.id - b.id);
    const renumbered = ops.map((op, id) => ({ ...op, id }));
    const budget: SearchBudget = { stepsLeft: Math.max(Math.min(stepsLeft, stepsMax - steps), 1), memoEntries: limits.memoEntries, memoWords: limits.memoWords, timeUp: () => false, explainSteps: limits.explainSteps };
    const out = searchPartition(model, { name: part.name, ops: renumbered }, part.initial, budget, { state: start.state });
    steps += out.steps;
    stepsLeft = Math.max(0, stepsLeft - out.steps);
    if (out.verdict === 'linearizable') return { verdict: 'linearizable', steps };
    if (out.verdict === 'unknown') stoppedBy = out.stoppedBy === 'memo' ? 'memo' : 'steps';
    if (out.counterexample && (!best || out.counterexample.linearizedCount > best.linearizedCount)) best = out.counterexample;
  }
  if (stoppedBy) return { verdict: 'unknown', steps, stoppedBy };
  return { verdict: 'not-linearizable', steps, ...(best ? { counterexample: best } : {}) };
}
