// The types of the linearizability checker: operations (an invoke paired with its
// completion), models (sequential specifications), and the result with its explanation.

/**
 * One client operation: an invoke paired with its completion. `fail` operations never
 * become an Operation (they did not happen). `info` (or never completed) operations are
 * indeterminate: they may take effect at any point after their invoke, or never.
 */
export interface Operation {
  /** Dense id in the checked history (0-based, in invoke order). */
  readonly id: number;
  readonly process: number;
  readonly f: string;
  readonly key?: string;
  /** The invoke's value: the argument (write/put/append value, [expected, new] for cas). */
  readonly input: unknown;
  /** The ok completion's value (the value read for reads); undefined for indeterminate ops. */
  readonly output: unknown;
  readonly status: 'ok' | 'info';
  /** Position of the invoke in the history. */
  readonly invokeIndex: number;
  /** Position of the completion in the history; undefined when never completed. */
  readonly completeIndex: number | undefined;
  readonly invokeTimeUs: number;
  /** Completion time for ok operations; undefined for indeterminate ones (treated as +infinity). */
  readonly completeTimeUs: number | undefined;
}

/**
 * What a model answers for one operation applied to one state. The reason of a refusal is
 * read only to explain a violation: give a function when building the text costs something.
 */
export type StepResult<S> = { ok: true; state: S } | { ok: false; reason: string | (() => string) };

/** A set of operations checked on its own (P-compositionality: e.g. one key of a KV store). */
export interface Partition {
  readonly name: string;
  readonly ops: readonly Operation[];
  /** This partition's own initial value (e.g. one key's value out of an `--initial` map), when it has one. */
  readonly initial?: unknown;
}

/**
 * A sequential specification. Pure: no field is mutated, states are treated as immutable.
 * `key` must be canonical: two states are equal exactly when their keys are equal.
 * `step` may read only an op's f, key, input, output and status (not its process, times or
 * ids): the search treats indeterminate ops with the same f, key and input as identical.
 */
export interface Model<S = any> {
  readonly name: string;
  /** One line for `--help` and reports. */
  readonly description: string;
  /** The initial state; `initial` is the user's `--initial` value (undefined when not given). */
  init(initial: unknown): S;
  /**
   * Apply `op` to `state`. For an indeterminate (`info`) op the output is unknown: accept it
   * when it can take effect here (the search separately considers that it never happened).
   */
  step(state: S, op: Operation): StepResult<S>;
  key(state: S): string;
  describe(state: S): string;
  /** Why an operation is malformed for this model (`{ field, expected }`), or undefined when fine. */
  validate?(op: Operation): { field: string; expected: string } | undefined;
  /** True when the op never changes the state (reads): an indeterminate one is dropped. */
  readOnly?(op: Operation): boolean;
  /**
   * True when the op is a blind write: legal in every state, and the state after it does not
   * depend on the state before (a register write, a put on one key). Optional: it only lets
   * the search skip pointless orders of crashed operations.
   */
  blind?(op: Operation): boolean;
  /**
   * What a completed op needs of the states before it, for the incremental check's
   * lookahead (optional; undefined: no help for this op). The check then drops a
   * configuration from which no order of the ops still available can make `target` legal.
   */
  reach?(target: Operation): Reach<S> | undefined;
  /**
   * True when the op is legal in every state (a put, an append). Optional, with `reach`: the
   * lookahead then treats as one the configurations whose states a later blind op must
   * erase before anything can observe them.
   */
  total?(op: Operation): boolean;
  /**
   * Split the operations into independent partitions (e.g. per key). Default: one partition.
   * A partition that sets `initial` is initialised with it instead of the user's value.
   */
  partition?(ops: readonly Operation[], initial: unknown): Partition[];
}

/**
 * A conservative test that states can still lead to a state where a target op is legal
 * (Model.reach). The contract: when `from(s)` is false, the target is illegal in `s`, and
 * every op `x` with `via(x)` false leads from `s` (when legal) to a state where `from` is
 * false again. So from a state where `from` is false, only ops with `via` true can ever make
 * the target legal. `from` may answer true and `via` may answer true whenever unsure.
 */
export interface Reach<S = any> {
  from(state: S): boolean;
  via(op: Operation): boolean;
}

/** Malformed history input: the 1-based line when known, the field, and what was expected. */
export class HistoryParseError extends Error {
  override name = 'HistoryParseError';
  constructor(
    readonly line: number | undefined,
    readonly field: string | undefined,
    readonly expected: string,
    /** Index of the offending event in the parsed history, when the error comes from the checker. */
    readonly eventIndex?: number,
  ) {
    super(`${line !== undefined ? `line ${line}: ` : eventIndex !== undefined ? `event ${eventIndex}: ` : ''}${field ? `${field}: ` : ''}${expected}`);
  }
}

/** An operation as reported in a result (JSON-able). */
export interface OperationRef {
  id: number;
  process: number;
  f: string;
  key?: string;
  input?: unknown;
  output?: unknown;
  status: 'ok' | 'info';
  invokeIndex: number;
  completeIndex?: number;
  invokeTimeUs: number;
  completeTimeUs?: number;
  /** A short human summary, e.g. `p3 read -> 2` or `p1 cas [1,2] (info)`. */
  text: string;
}

/** Why a partition is not linearizable: the deepest point the search reached. */
export interface Counterexample {
  /** The partition that has no linearization (e.g. `key "4"`, or `all`). */
  partition: string;
  /** The completed operation that could not be linearized after the longest partial linearization. */
  op: OperationRef;
  /** Why the model refused `op` in `stateAtFailure` (or why no order of its concurrent ops worked). */
  reason: string;
  /** The last operation of the longest partial linearization (undefined when it is empty). */
  lastLinearized?: OperationRef;
  /** Length of the longest partial linearization found. */
  linearizedCount: number;
  /** Its last operations (at most `explainSteps`, oldest first), with the model state after each. */
  linearization: Array<{ op: OperationRef; stateAfter: string }>;
  /** The model state before `linearization[0]` (the initial state when the whole prefix is shown). */
  stateBefore: string;
  /** The model state in which `op` could not be applied. */
  stateAtFailure: string;
  /** Operations of the partition still open (invoked, not linearized) at that point, for the report. */
  pending: OperationRef[];
}

export type Verdict = 'linearizable' | 'not-linearizable' | 'unknown';

export interface PartitionOutcome {
  name: string;
  operations: number;
  verdict: Verdict;
  steps: number;
  /** Why the verdict is unknown: the step budget, the memo budget or the time limit ran out. */
  stoppedBy?: 'steps' | 'memo' | 'time';
}

export interface LinearizabilityResult {
  verdict: Verdict;
  model: string;
  /** Operations checked (fail dropped, indeterminate reads dropped). */
  operations: number;
  partitions: number;
  /** Names of the partitions left undecided (verdict unknown). */
  undecided?: string[];
  counterexample?: Counterexample;
  /** Search steps spent over all partitions. */
  steps: number;
  /** Per-partition outcomes, in the order they were checked (smallest first). */
  partitionResults: PartitionOutcome[];
}

export interface CheckOptions {
  /** The model's initial value (`--initial`): a register's value, a multi-register's map... */
  initial?: unknown;
  /** Deterministic budget: total search steps over all partitions. */
  budgetSteps?: number;
  /** Deterministic budget: memo entries (explored configurations) per partition. */
  budgetMemoEntries?: number;
  /**
   * The memo's memory per partition, in bytes (`--memory 2GB`): half for its stored words,
   * half for its index (about 32 bytes an entry). Partitions are searched one at a time,
   * so this bounds the search's peak. Out of it, the verdict is unknown (stoppedBy 'memo').
   * Default: 2^27 words (512 MiB) and 50M entries.
   */
  memoryBytes?: number;
  /** Optional wall-clock limit; needs `now`. */
  timeLimitMs?: number;
  /** A clock in milliseconds (injected by the CLI, which owns the wall clock); checkers never read one. */
  now?: () => number;
  /**
   * Knossos' reading of reads: a completed read-only op whose value is nil tells nothing
   * (always legal). Default false: nil is a value (absent), as in Jepsen console logs.
   */
  nilReadsUnknown?: boolean;
  /** How many steps of the longest partial linearization a counterexample shows (default 100). */
  explainSteps?: number;
}
