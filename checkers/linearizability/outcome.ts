// The result of a whole check from its partitions' outcomes, taken smallest first and
// stopping at the first that has no linearization: checkHistory's fold and the incremental
// check's, one rule.
import type { Counterexample, LinearizabilityResult, PartitionOutcome } from './types.js';

export class OutcomeFold {
  private readonly outcomes: PartitionOutcome[] = [];
  private readonly undecided: string[] = [];
  private steps = 0;
  private failed = false;
  private counterexample: Counterexample | undefined;

  /** One partition's outcome (and its counterexample when it failed); true when it failed: the fold stops there. */
  add(outcome: PartitionOutcome, counterexample?: Counterexample): boolean {
    this.steps += outcome.steps;
    this.outcomes.push(outcome);
    if (outcome.verdict === 'unknown') this.undecided.push(outcome.name);
    if (outcome.verdict !== 'not-linearizable') return false;
    this.failed = true;
    this.counterexample = counterexample;
    return true;
  }

  result(model: string, operations: number, partitions: number): LinearizabilityResult {
    const verdict = this.failed ? 'not-linearizable' : this.undecided.length > 0 ? 'unknown' : 'linearizable';
    // The same fields in the same order as the spread form, without its copies: `undecided` and `counterexample` only when they apply.
    // (A counterexample comes only with a failed partition, so never with `unknown`.)
    if (verdict === 'unknown') return { verdict, model, operations, partitions, undecided: this.undecided, steps: this.steps, partitionResults: this.outcomes };
    return this.counterexample
      ? { verdict, model, operations, partitions, counterexample: this.counterexample, steps: this.steps, partitionResults: this.outcomes }
      : { verdict, model, operations, partitions, steps: this.steps, partitionResults: this.outcomes };
  }
}
