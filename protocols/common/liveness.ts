// The client-progress half of a replicated state machine's liveness check, shared by
// Multi-Paxos and Zab: once faults stop, clients must be served. Judged on the history:
// - some operation completes ok within `bound` of faults stopping (when clients are active);
// - every operation invoked more than `bound` after faults stopped is answered (ok or fail)
//   within `bound` of its invoke (info or still open at the end, with `bound` to spare, is
//   a failure).
import type { HistoryEvent, Micros } from '../../sim/types.js';

/** Microseconds as the checks print them: `250ms`, or `1234us`. */
export const formatUs = (us: Micros): string => (us % 1000 === 0 ? `${us / 1000}ms` : `${us}us`);

/** Why clients were not served after faults stopped at `startUs` (the run ended at `endUs`), or undefined. */
export function clientsServed(bound: Micros, startUs: Micros, endUs: Micros, history: readonly HistoryEvent[]): string | undefined {
  const fmt = formatUs;
  const firstDeadline = Math.min(startUs + bound, endUs);
  let active = false;
  let okInTime = false;
  const open = new Map<number, Micros>();
  for (const e of history) {
    if (e.type === 'invoke') {
      open.set(e.process, e.timeUs);
      if (e.timeUs >= startUs) active = true;
      continue;
    }
    const invokedUs = open.get(e.process);
    open.delete(e.process);
    if (e.type === 'ok' && e.timeUs >= startUs && e.timeUs <= firstDeadline) okInTime = true;
    if (invokedUs === undefined || invokedUs <= startUs + bound) continue;
    const answered = e.type === 'ok' || e.type === 'fail';
    if (!(answered && e.timeUs - invokedUs <= bound) && endUs - invokedUs >= bound) {
      return `${e.f} ${e.key ?? ''} invoked at ${fmt(invokedUs)} by process ${e.process} ended ${e.type} at ${fmt(e.timeUs)}, over the ${fmt(bound)} bound`;
    }
  }
  for (const [process, invokedUs] of open) {
    if (invokedUs > startUs + bound && endUs - invokedUs > bound) {
      return `an operation invoked at ${fmt(invokedUs)} by process ${process} was still open at the end (${fmt(endUs)}), over the ${fmt(bound)} bound`;
    }
  }
  if ((active || open.size > 0) && !okInTime) return `no client operation completed ok between faults stopping (${fmt(startUs)}) and ${fmt(firstDeadline)}`;
  return undefined;
}

/** A leader's rise, as a liveness check remembers it from its become-leader notes. */
export interface Election {
  readonly atUs: Micros;
  readonly node: number;
  /** `in epoch 4`, `at ballot 3.n2`: how the message names its term. */
  readonly term: string;
}

/**
 * Leadership settles: no leader rises more than `bound` after faults stopped at `startUs`
 * (unless the run ends before that). `verb`: `elected`, `established`.
 */
export function leadershipSettled(elections: readonly Election[], bound: Micros, startUs: Micros, endUs: Micros, verb: string): string | undefined {
  const fmt = formatUs;
  const by = startUs + bound;
  if (by >= endUs) return undefined;
  const late = elections.filter((e) => e.atUs > by);
  if (late.length === 0) return undefined;
  const shown = late.slice(0, 4).map((e) => `n${e.node + 1} ${e.term} at ${fmt(e.atUs)}`).join(', ');
  return `leadership did not settle: ${late.length} leader(s) ${verb} after ${fmt(by)} (faults stopped at ${fmt(startUs)}, bound ${fmt(bound)}): ${shown}${late.length > 4 ? ', ...' : ''}`;
}
