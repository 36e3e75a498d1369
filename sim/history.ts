// The client history (Jepsen's invoke / ok / fail / info), stamped with true time, hashed
// and traced. Built-in clients and client actors both record through it.
import type { Core } from './core.js';
import { AssertionError, type HistoryEvent, type Micros, type Op, type Random, type Workload, type WorkloadOptions } from './types.js';

/**
 * Who else sees the history as it is recorded, and what of it the run keeps (a caller's
 * choice, RunOptions.history: it never changes the run, its hash or its trace).
 */
export interface HistoryRetention {
  /** Called with each event as it is recorded (a checker fed as the run goes). Must not throw. */
  sink?: (event: HistoryEvent) => void;
  /**
   * Keep only the events at or after this time in `events` (the end-of-run checks that read
   * the history, the liveness ones, judge it from faults stopping on). Default: keep all.
   */
  keepFromUs?: Micros;
}

export class History {
  /** The events recorded (from `keepFromUs` on, when the retention says so). */
  readonly events: HistoryEvent[] = [];
  /** Events recorded, kept or not: the next one's index. */
  private recordedCount = 0;
  /** The next Jepsen process id: clients start as 0..clients-1; a new one after each info. */
  private nextProcess: number;
  private readonly sink: ((event: HistoryEvent) => void) | undefined;
  private readonly keepFromUs: Micros;

  constructor(
    private readonly core: Core,
    clientCount: number,
    retention: HistoryRetention = {},
  ) {
    this.nextProcess = clientCount;
    this.sink = retention.sink;
    this.keepFromUs = retention.keepFromUs ?? -Infinity;
  }

  /**
   * One history event, built in one object: index, timeUs, process, type, f, value, then key
   * and error when there are any (the order the files and reports show). `by`: the client's
   * endpoint, kept in the trace only (reports draw the operation on its lane).
   */
  record(proc: number, type: HistoryEvent['type'], op: Op, value: unknown, error: string | undefined, by: number): void {
    const core = this.core;
    const event: HistoryEvent = { index: this.recordedCount++, timeUs: core.nowTrue, process: proc, type, f: op.f, value };
    if (op.key !== undefined) event.key = op.key;
    if (error !== undefined) event.error = error;
    if (event.timeUs >= this.keepFromUs) this.events.push(event);
    if (this.sink) this.sink(event);
    core.hash.int(proc);
    core.hash.str(type);
    core.hash.value(value);
    if (core.log !== undefined) core.log.history(core.eventIndex, core.nowTrue, event, by);
  }

  /** A fresh process id: after an indeterminate result a process is never reused. */
  newProcess(): number {
    return this.nextProcess++;
  }
}

/** The workload: draws each client operation from the scenario's generator on the workload stream. */
export class OpSource {
  private counter = 0;
  /** The generator's scratch space for this run. */
  private readonly state = new Map<string, unknown>();
  /** One context object, refilled for each draw (no allocation per operation). */
  private readonly ctx: { random: Random; counter: number; state: Map<string, unknown>; client: number };

  constructor(
    private readonly generator: Workload,
    private readonly options: WorkloadOptions,
    random: Random,
  ) {
    this.ctx = { random, counter: 0, state: this.state, client: 0 };
  }

  /** The generator's name, for reports. */
  get name(): string {
    return this.generator.name;
  }

  /** The next operation. The generator is protocol code: callers run this inside a handler boundary. */
  next(client: number): Op {
    this.ctx.counter = this.counter++;
    this.ctx.client = client;
    const op = this.generator.nextOp(this.ctx, this.options);
    if (op === null || typeof op !== 'object' || typeof op.f !== 'string') throw new AssertionError(`nextOp returned ${JSON.stringify(op)}: expected an operation { f, key?, value? }`);
    return op;
  }
}
