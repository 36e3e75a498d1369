// The incremental linearizability check: fed a history event by event as a run records it,
// it keeps only what it still needs, not the whole history (checkHistory's batch search
// needs every operation at once).
//
// Per partition (one key of a kv store; the whole history for an unpartitioned model) it
// carries the set of configurations that the events so far can reach (frontier.ts): the
// model state, the open completed operations already linearized, and the indeterminate
// operations not yet applied (an `info` op may take effect at any later time: its response
// time is +infinity, as in Knossos and Porcupine). Events are taken in the batch search's
// order (time, calls before returns at equal times, then history order):
// - the call of a completed op makes it a candidate; the call of an indeterminate one adds
//   it to every configuration's pending ops; failed ops and indeterminate reads are dropped;
// - the return of a completed op `o` keeps only what linearizes `o` in time: from each
//   configuration, every sequence of candidates (open ops, pending indeterminate ones)
//   that ends with `o` (Lowe's just-in-time linearization). Nothing is linearized earlier
//   than needed, so no choice is made before the events that decide it.
// Lookahead (Model.reach; partition-state.ts): a return waits (up to 64 queued events) until a
// later completed op that needs something of the state (a read, a cas) has returned; the
// configurations it leaves must still be able to reach those ops (jit.ts), and those whose
// states a later blind op must erase unobserved count as one. Without it, indeterminate ops
// that never took effect stay pending all run long, and every return tried them in every
// order between two reads (the frontier of the classic Raft nemesis went past 20k).
// An empty set is a violation; the set at the end is a linearization. Where a partition
// has no open completed op (a cut: P-compositionality in time), its configurations are
// (state, pending ops) only, and the operations before it are forgotten.
//
// A call can be taken only once its op is resolved (its completion tells whether it is ok,
// failed or indeterminate, and a read's value): each partition queues its events from its
// first unresolved call on. Ops resolve within the client's timeout in the kernel's
// histories; one never completed blocks its partition's queue until the end.
//
// The verdict equals checkHistory's whenever that one decides (test/checkers compares them
// over generated and real histories). Budgets as checkHistory's: past the memo budget (the
// configurations of one return) or the step budget, the partition is undecided. When a
// partition fails, its operations since its last cut and the configurations there are
// searched by searchPartition for a counterexample, as the batch check would give.
import type { HistoryEvent } from '../../sim/types.js';
import { constrains, startBudget } from './check.js';
import { PendingClasses } from './classes.js';
import { makeConfig, NO_COUNTS, withCount } from './frontier.js';
import { linearizeReturn, type Target } from './jit.js';
import { getModel, modelNames } from './models/index.js';
import { initialMap, partitionByKey } from './models/kv.js';
import { operationOf, pairingProblem } from './operations.js';
import { OutcomeFold } from './outcome.js';
import { lookahead, type Entry, type Pending, type PartitionState } from './partition-state.js';
import { searchSegment } from './segment.js';
import { HistoryParseError, type CheckOptions, type LinearizabilityResult, type Model, type Operation, type PartitionOutcome } from './types.js';
import { compareStrings } from './values.js';

export type IncrementalOptions = Pick<CheckOptions, 'initial' | 'budgetSteps' | 'budgetMemoEntries' | 'memoryBytes' | 'nilReadsUnknown' | 'explainSteps'> & {
  /** Operations kept per partition since its last cut, for the counterexample (default 100k); past it, a failure has none. */
  segmentOpsMax?: number;
  /**
   * Configurations one return may explore (default 20k). Past it (or past the memo budget),
   * the partition keeps its operations from its last cut on, and the batch search checks
   * them at the end from the configurations there: exact, but no longer bounded in memory.
   */
  frontierMax?: number;
};

const NO_TARGETS: readonly Target[] = [];

const MODEL_SUPPORTED = (m: Model): boolean => m.partition === undefined || m.partition === partitionByKey;

/**
 * Steps the search for a counterexample may take once the configurations show a violation
 * (the verdict is known; past them, the failure has no counterexample). The search from a
 * cut puts every pending indeterminate op back, and many of them can make it long.
 */
const COUNTEREXAMPLE_STEPS_MAX = 2_000_000;


export class IncrementalLinearizability {
  /** True when `model` can be checked incrementally: unpartitioned, or partitioned by key. */
  static supports(model: Model): boolean {
    return MODEL_SUPPORTED(model);
  }

  private readonly byKey: boolean;
  private readonly perKeyInitial: ((key: string) => unknown) | undefined;
  private readonly parts = new Map<string, PartitionState>();
  private readonly openByProcess = new Map<number, Pending>();
  /** Events at the latest time, not yet taken (at equal times, calls go first). */
  private group: Entry[] = [];
  private groupTimeUs = -Infinity;
  private position = 0;
  private seq = 0;
  private stepsLeft: number;
  private readonly memoEntries: number;
  private readonly memoWords: number;
  private readonly segmentOpsMax: number;
  private readonly frontierMax: number;
  private pairingError: HistoryParseError | undefined;
  private validationError: { error: HistoryParseError; invokeIndex: number } | undefined;
  private orderError: Error | undefined;
  private finished: LinearizabilityResult | undefined;
  /** Every event is in: returns no longer wait for lookahead. */
  private final = false;

  constructor(
    private readonly model: Model,
    private readonly options: IncrementalOptions = {},
  ) {
    if (!MODEL_SUPPORTED(model)) throw new Error(`model ${model.name} is partitioned in its own way: check it with checkHistory`);
    this.byKey = model.partition === partitionByKey;
    this.perKeyInitial = this.byKey ? initialMap(options.initial) : undefined;
    const budget = startBudget(options);
    this.stepsLeft = budget.stepsLeft;
    this.memoEntries = budget.memoEntries;
    this.memoWords = budget.memoWords;
    this.segmentOpsMax = options.segmentOpsMax ?? 100_000;
    this.frontierMax = options.frontierMax ?? 20_000;
  }

  /** Events still queued (waiting for an earlier call to resolve), over all partitions: what the check holds on to. */
  get queuedEvents(): number {
    let n = this.group.length;
    for (const p of this.parts.values()) n += p.queue.length - p.head;
    return n;
  }

  /** Configurations carried, over all partitions. */
  get configurations(): number {
    let n = 0;
    for (const p of this.parts.values()) n += p.frontier.length;
    return n;
  }

  /** Operations kept for a counterexample or a final batch search (since each partition's last cut), over all partitions; and the partitions that fell back to the batch search. */
  get retained(): { operations: number; partitions: string[] } {
    let operations = 0;
    const partitions: string[] = [];
    for (const p of this.parts.values()) {
      operations += p.segment?.length ?? 0;
      if (p.mode === 'retained') partitions.push(p.name);
    }
    return { operations, partitions };
  }

  /** One history event, in history order. Never throws: a malformed history is reported by `finish`. */
  add(ev: HistoryEvent): void {
    const position = this.position++;
    if (this.pairingError || this.orderError || this.validationError || this.finished) return;
    const current = this.openByProcess.get(ev.process);
    const bad = pairingProblem(ev, position, current?.invoke, current?.position ?? -1);
    if (bad) {
      this.pairingError = bad;
      return;
    }
    if (ev.timeUs < this.groupTimeUs) {
      this.orderError = new Error(`event ${position}: the incremental check takes events in time order (${ev.timeUs}us after ${this.groupTimeUs}us)`);
      return;
    }
    if (ev.timeUs > this.groupTimeUs) {
      this.flush();
      this.groupTimeUs = ev.timeUs;
    }
    if (ev.type === 'invoke') {
      const p: Pending = { seq: this.seq++, invoke: ev, position, part: undefined, resolved: false, queued: false, op: undefined };
      this.openByProcess.set(ev.process, p);
      this.group.push({ call: true, p });
      return;
    }
    const p = current!; // a completion that pairs has its process's open invoke
    this.openByProcess.delete(ev.process);
    this.resolve(p, ev);
    if (p.op?.status === 'ok') this.group.push({ call: false, p });
    if (p.queued && p.part) this.drain(p.part);
  }

  /** The verdict, once every event has been added. Throws HistoryParseError when the history is malformed. */
  finish(): LinearizabilityResult {
    if (this.finished) return this.finished;
    if (this.pairingError) throw this.pairingError;
    if (this.orderError) throw this.orderError;
    this.final = true;
    this.flush();
    // Operations never completed are indeterminate.
    const never = [...this.openByProcess.values()].sort((a, b) => a.seq - b.seq);
    this.openByProcess.clear();
    for (const p of never) {
      this.resolve(p, undefined);
      if (p.part) this.drain(p.part);
    }
    if (this.validationError) throw this.validationError.error;
    for (const part of this.parts.values()) if (part.waiting) this.drain(part);
    for (const part of this.parts.values()) if (part.mode === 'retained' && part.verdict === 'linearizable') this.decideRetained(part);
    this.finished = this.result();
    return this.finished;
  }

  private result(): LinearizabilityResult {
    const parts = [...this.parts.values()].filter((p) => p.operations > 0);
    parts.sort((a, b) => a.operations - b.operations || compareStrings(a.name, b.name));
    let operations = 0;
    for (const p of parts) operations += p.operations;
    const fold = new OutcomeFold();
    for (const p of parts) {
      const outcome: PartitionOutcome = { name: p.name, operations: p.operations, verdict: p.verdict, steps: p.steps, ...(p.stoppedBy ? { stoppedBy: p.stoppedBy } : {}) };
      if (fold.add(outcome, p.counterexample)) break;
    }
    return fold.result(this.model.name, operations, parts.length);
  }

  /** The op's completion is known (undefined: never completed): decide what is checked of it. */
  private resolve(p: Pending, completion: HistoryEvent | undefined): void {
    p.resolved = true;
    if (completion?.type === 'fail') return;
    const op = operationOf(p.seq, p.invoke, completion);
    const bad = this.model.validate?.(op);
    if (bad) {
      if (!this.validationError || p.invoke.index < this.validationError.invokeIndex) {
        this.validationError = { error: new HistoryParseError(undefined, bad.field, bad.expected, p.position), invokeIndex: p.invoke.index };
      }
      return;
    }
    if (!constrains(this.model, op, this.options)) return;
    if (this.byKey && (op.key ?? '') !== (p.invoke.key ?? '')) {
      // Its partition was chosen from its invoke: a key first given by the completion moves it.
      this.orderError ??= new Error(`event ${p.position}: the incremental check needs the key on the invoke`);
      return;
    }
    p.op = op;
  }

  private partitionOf(ev: HistoryEvent): PartitionState {
    const k = this.byKey ? (ev.key ?? '') : '';
    let part = this.parts.get(k);
    if (!part) {
      const initial = this.byKey ? (this.perKeyInitial ? (this.perKeyInitial(k) ?? null) : undefined) : this.options.initial;
      const state = this.model.init(initial);
      const start = makeConfig(this.model, state, [], NO_COUNTS);
      part = {
        name: this.byKey ? `key ${JSON.stringify(k)}` : 'all',
        initial,
        queue: [],
        head: 0,
        frontier: [start],
        open: new Map(),
        classes: new PendingClasses(this.model),
        operations: 0,
        steps: 0,
        verdict: 'linearizable',
        mode: 'frontier',
        waiting: false,
        segment: [],
        snapshot: [start],
      };
      this.parts.set(k, part);
    }
    return part;
  }

  /** Take the events at the latest time: calls first, then in history order. */
  private flush(): void {
    if (this.group.length === 0) return;
    const group = this.group;
    this.group = [];
    group.sort((a, b) => (a.call === b.call ? (a.call ? a.p.position : a.p.seq) - (b.call ? b.p.position : b.p.seq) : a.call ? -1 : 1));
    const touched: PartitionState[] = [];
    for (const e of group) {
      const part = (e.p.part ??= this.partitionOf(e.p.invoke));
      if (e.call) e.p.queued = true;
      if (part.queue.length === part.head || (part.waiting && !touched.includes(part))) touched.push(part);
      part.queue.push(e);
    }
    for (const part of touched) this.drain(part);
  }

  private drain(part: PartitionState): void {
    const q = part.queue;
    part.waiting = false;
    while (part.head < q.length) {
      const e = q[part.head];
      if (e.call && !e.p.resolved) break;
      let targets: readonly Target[] = NO_TARGETS;
      if (!e.call && e.p.op !== undefined && part.verdict === 'linearizable' && part.mode === 'frontier' && this.model.reach) {
        const ahead = lookahead(part, this.final);
        if (ahead === undefined) {
          part.waiting = true;
          break;
        }
        targets = ahead;
      }
      part.head++;
      const op = e.p.op;
      if (op === undefined) continue;
      if (e.call) part.operations++;
      if (part.verdict === 'linearizable') {
        if (e.call) this.call(part, op);
        else if (part.mode === 'frontier') this.return(part, op, targets);
        else part.open.delete(op.id);
      }
      if (!e.call) part.classes.returned(op);
    }
    if (part.head === q.length) {
      q.length = 0;
      part.head = 0;
    } else if (part.head > 1024 && part.head * 2 > q.length) {
      q.splice(0, part.head);
      part.head = 0;
    }
  }

  private call(part: PartitionState, op: Operation): void {
    if (part.segment) {
      if (part.segment.length < this.segmentOpsMax || part.mode === 'retained') part.segment.push(op);
      else part.segment = undefined;
    }
    if (part.mode === 'retained') {
      if (op.status === 'ok') part.open.set(op.id, op);
      return;
    }
    if (op.status === 'ok') {
      part.open.set(op.id, op);
      return;
    }
    const cls = part.classes.classOf(op);
    // The same count added to every configuration keeps them distinct and undominated.
    part.frontier = part.frontier.map((k) => ({ ...k, info: withCount(k.info, cls, 1) }));
  }

  /** `o` returns: keep what linearizes it by now. */
  private return(part: PartitionState, o: Operation, targets: readonly Target[] = []): void {
    // Every event in, and every return queued after this one is of a total op (legal in every state, so it can be
    // linearized after anything): any configuration leads to a linearization, one is enough.
    const last = this.final && part.queue.every((e, i) => i < part.head || e.call || e.p.op === undefined || (this.model.total?.(e.p.op) ?? false));
    const limits = { stepsLeft: this.stepsLeft, configurationsMax: Math.min(this.memoEntries, this.frontierMax), wordsMax: this.memoWords, last };
    let { out, steps, stopped } = linearizeReturn(this.model, part.frontier, part.open, part.classes, o, limits, targets);
    this.stepsLeft -= Math.min(steps, this.stepsLeft);
    part.steps += steps;
    if (out.length === 0 && !stopped && targets.length > 0) {
      // No configuration reaches a later op: the history fails there, not necessarily here.
      // Take this return without lookahead, so that the failure is found (and explained) where the batch check finds it.
      limits.stepsLeft = this.stepsLeft;
      ({ out, steps, stopped } = linearizeReturn(this.model, part.frontier, part.open, part.classes, o, limits));
      this.stepsLeft -= Math.min(steps, this.stepsLeft);
      part.steps += steps;
    }
    part.open.delete(o.id);
    if (stopped === 'memo' && part.segment) {
      this.retain(part);
      return;
    }
    if (stopped) {
      this.giveUp(part, stopped);
      return;
    }
    if (out.length === 0) {
      part.verdict = 'not-linearizable';
      part.counterexample = part.segment ? this.searchSegment(part, o.completeTimeUs, COUNTEREXAMPLE_STEPS_MAX).counterexample : undefined;
      part.frontier = [];
      part.segment = undefined;
      part.snapshot = [];
      part.open.clear();
      return;
    }
    part.frontier = out;
    if (part.open.size === 0) this.cut(part);
  }

  /** No completed op is open: forget the operations before, and the classes no configuration holds. */
  private cut(part: PartitionState): void {
    part.snapshot = part.frontier;
    part.segment = [];
    if (part.classes.size > 64) {
      const live = new Set<number>();
      for (const c of part.frontier) for (const cls of c.info.keys()) live.add(cls);
      if (live.size * 2 < part.classes.size) part.classes.retain(live);
    }
  }

  private giveUp(part: PartitionState, stoppedBy: 'steps' | 'memo'): void {
    part.verdict = 'unknown';
    part.stoppedBy = stoppedBy;
    part.frontier = [];
    part.segment = undefined;
    part.snapshot = [];
    part.open.clear();
    part.classes.clear();
  }

  /** Too hard for the configurations: keep the ops from the last cut on, for the batch search at the end. */
  private retain(part: PartitionState): void {
    part.mode = 'retained';
    part.frontier = [];
  }

  /** searchSegment within the check's budgets; its steps come out of the check's. */
  private searchSegment(part: PartitionState, untilUs: number | undefined, stepsMax?: number): ReturnType<typeof searchSegment> {
    const limits = { stepsLeft: this.stepsLeft, memoEntries: this.memoEntries, memoWords: this.memoWords, explainSteps: this.options.explainSteps ?? 100 };
    const out = searchSegment(this.model, part, limits, untilUs, stepsMax);
    this.stepsLeft = Math.max(0, this.stepsLeft - out.steps);
    return out;
  }

  /** A retained partition's verdict: the batch search over its ops since its last cut. */
  private decideRetained(part: PartitionState): void {
    const out = this.searchSegment(part, Infinity);
    part.steps += out.steps;
    part.verdict = out.verdict;
    if (out.stoppedBy) part.stoppedBy = out.stoppedBy;
    if (out.counterexample) part.counterexample = out.counterexample;
    part.segment = undefined;
    part.snapshot = [];
  }
}

/** The incremental check over a whole history at once (for tests and comparisons): events must be in time order. */
export function checkIncrementally(history: readonly HistoryEvent[], model: string | Model, options: IncrementalOptions = {}): LinearizabilityResult {
  const m = typeof model === 'string' ? getModel(model) : model;
  if (!m) throw new Error(`unknown model ${JSON.stringify(model)}; known models: ${modelNames.join(', ')}`);
  const check = new IncrementalLinearizability(m, options);
  for (const ev of history) check.add(ev);
  return check.finish();
}
