// The core every part of the kernel shares: the event shape and kinds, the event queue and
// its free list, true time, the running hash, the trace, and the run's stop flag with its
// violations. The parts (network, actors, clients, faults, nemesis) each hold the core and
// schedule through it; the world's event loop pops and dispatches.
import { describeThrown, KernelError, PROTOCOL_EXCEPTION, protocolFrames } from './errors.js';
import { EventQueue } from './event-queue.js';
import { RunHash } from './hash.js';
import type { Prng } from './prng.js';
import type { TraceEvent, Violation } from './result.js';
import { TraceLog } from './trace.js';
import type { Endpoint, Micros } from './types.js';

// Event kinds (numbers keep the hot loop monomorphic and the hash cheap). The values are
// part of every run's hash: do not renumber.
export const DELIVER = 1;
export const DELIVER_REQUEST = 2;
export const DELIVER_REPLY = 3;
export const TIMER = 4;
export const FAULT = 5;
export const NEMESIS = 6;
export const FAULTS_STOP = 7;
export const CLIENT_INVOKE = 8;
export const CLIENT_TIMEOUT = 9;
export const CLIENT_RETRY = 10;
export const RESUME = 11;

/** One scheduled event. A single shape for every kind (fields a, b, c mean different things per kind). */
export class Ev {
  seq = 0;
  constructor(
    public at: Micros,
    public tie: number,
    public kind: number,
    /** DELIVER*: from; TIMER, RESUME: actor endpoint; CLIENT_*: client index. */
    public a: number,
    /** DELIVER*: to; TIMER: timer token; CLIENT_*: generation. */
    public b: number,
    /** DELIVER*: message id; TIMER: incarnation; RESUME: pause generation. */
    public c: number,
    public name: string,
    public payload: unknown,
  ) {}
}

/** At most this many handled events are kept for reuse. */
const FREE_EVENTS_MAX = 4096;

export class Core {
  readonly queue = new EventQueue<Ev>();
  readonly hash = new RunHash();
  /** Every event of the run, at the full recording level only (TraceLog.rows() at the end). */
  readonly log: TraceLog | undefined;
  readonly violations: Violation[] = [];
  nowTrue: Micros = 0;
  eventIndex = 0;
  /** Set by the first violation: the run ends after the current event. */
  stopped = false;
  /** Set once faults have stopped (the liveness phase). */
  faultsOver = false;
  /** Set by a handler that keeps the event (buffered during a pause): it must not be reused. */
  retained = false;
  /**
   * Handled events kept for reuse: a stack of freeCount events in a preallocated array, read
   * and written by index. (Array push and pop here were calls into V8's builtins on every
   * event: the optimising compiler did not inline them in the event loop.)
   */
  private readonly freeEvents: Ev[] = new Array<Ev>(FREE_EVENTS_MAX);
  private freeCount = 0;

  constructor(
    full: boolean,
    private readonly tieRandom: Prng | undefined,
  ) {
    this.log = full ? new TraceLog() : undefined;
  }

  schedule(at: Micros, kind: number, a: number, b: number, c: number, name: string, payload: unknown): void {
    const tie = this.tieRandom ? this.tieRandom.int(0, 0x7fffffff) : 0;
    if (this.freeCount === 0) {
      this.queue.push(new Ev(at, tie, kind, a, b, c, name, payload));
      return;
    }
    const ev = this.freeEvents[--this.freeCount];
    ev.at = at;
    ev.tie = tie;
    ev.kind = kind;
    ev.a = a;
    ev.b = b;
    ev.c = c;
    ev.name = name;
    ev.payload = payload;
    this.queue.push(ev);
  }

  /** A handled event goes back to the free list unless its handler kept it. */
  release(ev: Ev): void {
    if (this.retained || this.freeCount === FREE_EVENTS_MAX) return;
    ev.payload = undefined;
    this.freeEvents[this.freeCount++] = ev;
  }

  /** A rare row of the trace, kept whole (full recording only). */
  record(e: TraceEvent): void {
    this.log!.whole(e);
  }

  violate(kind: Violation['kind'], checker: string, message: string): void {
    this.violations.push({ kind, checker, message, atUs: this.nowTrue, event: this.eventIndex });
    this.stopped = true;
  }

  /**
   * An exception caught at a handler boundary (a call into protocol code). A KernelError is
   * faultline's own and goes on up (an internal error); anything else is the protocol's
   * failure: a `protocol-exception` violation, and the run stops after this event, as
   * after a safety violation. Once the run is stopping, a later exception adds nothing.
   * `who` and `where` name the code that threw (`n2`, `onMessage`); `node` is the actor's
   * endpoint (none for an invariant or a liveness check).
   */
  caught(error: unknown, who: string, where: string, node?: Endpoint): void {
    if (error instanceof KernelError) throw error;
    if (this.stopped) return;
    const v: Violation = { kind: 'exception', checker: PROTOCOL_EXCEPTION, message: `${who} threw in ${where}: ${describeThrown(error)}`, atUs: this.nowTrue, event: this.eventIndex };
    if (node !== undefined) v.node = node;
    const stack = protocolFrames(error);
    if (stack !== undefined) v.stack = stack;
    this.violations.push(v);
    this.stopped = true;
  }
}
