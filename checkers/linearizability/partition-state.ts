// One partition of the incremental linearizability check (incremental.ts): what it carries
// (configurations, open ops, pending classes, the ops since its last cut) and its queue of
// events, taken from its first unresolved call on; and the lookahead, which picks the
// later completed ops a return at the head of the queue is held to (jit.ts's targets).
import type { HistoryEvent } from '../../sim/types.js';
import type { PendingClasses } from './classes.js';
import type { Config } from './frontier.js';
import type { Target } from './jit.js';
import type { Counterexample, Operation } from './types.js';

/** An operation from its call to its completion. */
export interface Pending {
  readonly seq: number;
  readonly invoke: HistoryEvent;
  readonly position: number;
  part: PartitionState | undefined;
  resolved: boolean;
  /** The call entry is in its partition's queue. */
  queued: boolean;
  /** The operation checked; undefined when dropped (failed, an indeterminate read...). */
  op: Operation | undefined;
}

export interface Entry {
  readonly call: boolean;
  readonly p: Pending;
}

export interface PartitionState {
  readonly name: string;
  readonly initial: unknown;
  readonly queue: Entry[];
  head: number;
  frontier: Config[];
  /** Open completed ops, by id, in call order. */
  readonly open: Map<number, Operation>;
  /** Classes of identical indeterminate ops (a representative of each), and the ops' Model.reach. */
  readonly classes: PendingClasses;
  operations: number;
  steps: number;
  verdict: 'linearizable' | 'not-linearizable' | 'unknown';
  /** `retained`: too hard for the configurations; every op since the last cut is kept for the batch search at the end. */
  mode: 'frontier' | 'retained';
  /** Its next return waits for a later completed op to look ahead to (see lookahead). */
  waiting: boolean;
  stoppedBy?: 'steps' | 'memo';
  counterexample?: Counterexample;
  /** The operations since the last cut (undefined once past segmentOpsMax), and the configurations at that cut. */
  segment: Operation[] | undefined;
  snapshot: Config[];
}

/**
 * Lookahead: a return waits until a later completed op with a Model.reach test has
 * returned in its partition, so that the configurations it leaves can be held to it; it
 * waits for at most this many queued events (then it goes without)...
 */
const LOOKAHEAD_EVENTS_MAX = 64;
/** ...and looks ahead to at most this many such ops. */
const LOOKAHEAD_TARGETS_MAX = 4;
/**
 * The targets of the return at the head of `part`'s queue: the next completed ops that
 * return after it with a Model.reach test, among the events queued up to the first
 * unresolved call, each unless an op called before it returns may lead to it whatever
 * the configuration (then it prunes nothing). Undefined: wait for more events (none
 * returned yet, and the queue is short of LOOKAHEAD_EVENTS_MAX, and more events may come).
 */
export function lookahead(part: PartitionState, final: boolean): readonly Target[] | undefined {
  const q = part.queue;
  // First, without building anything (a waiting return asks again at each event): is there a target called in the
  // lookahead (linearized in no configuration yet), or the end of what it may wait for?
  let found = 0;
  let count = 0;
  let end = part.head + 1;
  for (; end < q.length && end - part.head <= LOOKAHEAD_EVENTS_MAX && found < LOOKAHEAD_TARGETS_MAX; end++) {
    const e = q[end];
    if (e.call && !e.p.resolved) break;
    const op = e.p.op;
    if (op === undefined || e.call || count >= 2 * LOOKAHEAD_TARGETS_MAX || part.classes.reach(op) === undefined) continue;
    count++;
    if (!part.open.has(op.id)) found++;
  }
  if (found === 0 && !final && end - part.head <= LOOKAHEAD_EVENTS_MAX) return undefined;
  // The targets, over the same events: up to 2 LOOKAHEAD_TARGETS_MAX of them, sharing the calls seen.
  const calls: Operation[] = [];
  const targets: Target[] = [];
  for (let i = part.head + 1; i < end; i++) {
    const e = q[i];
    const op = e.p.op;
    if (op === undefined) continue;
    if (e.call) {
      calls.push(op);
      continue;
    }
    const r = part.classes.reach(op);
    if (r === undefined || targets.length >= 2 * LOOKAHEAD_TARGETS_MAX) continue;
    targets.push({ op, reach: r, later: calls, laterEnd: calls.length });
  }
  return targets;
}
