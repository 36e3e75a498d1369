// One event queue ordered by (time, tie, sequence). `seq` is global and increasing, so
// equal-time events run in insertion order, unless the run explores ties, in which case
// `tie` is a seeded draw. Nothing depends on heap internals: the order is total, so any
// heap pops the same sequence.
//
// A 4-ary heap (half the levels of a binary one: a Raft run keeps ~35 events queued), with
// the times beside the events in a Float64Array: most comparisons read only the times, four
// siblings side by side, and look at the events themselves only on equal times.
import { kernelAssert } from './errors.js';
import type { Micros } from './types.js';

export interface Scheduled {
  at: Micros;
  tie: number;
  seq: number;
}

const ARITY = 4;
const INITIAL_CAPACITY = 64;

export class EventQueue<E extends Scheduled> {
  /** The heap: events[0..count), their times in times[0..count). Slots past count hold undefined. */
  private events: Array<E | undefined> = [];
  private times = new Float64Array(INITIAL_CAPACITY);
  private count = 0;
  private nextSeq = 0;

  get size(): number {
    return this.count;
  }

  /** Assigns the sequence number and inserts. */
  push(e: E): void {
    e.seq = this.nextSeq++;
    const at = e.at;
    let i = this.count++;
    if (i === this.times.length) this.grow();
    const events = this.events;
    const times = this.times;
    if (i === events.length) events.push(undefined);
    while (i > 0) {
      const p = (i - 1) >> 2;
      const tp = times[p];
      // e goes above its parent only if it comes strictly first; on equal times, by tie, then seq (e's is the largest yet).
      if (tp < at || (tp === at && !tieBefore(e, events[p]!))) break;
      events[i] = events[p];
      times[i] = tp;
      i = p;
    }
    events[i] = e;
    times[i] = at;
  }

  peek(): E | undefined {
    return this.count === 0 ? undefined : this.events[0];
  }

  pop(): E | undefined {
    const n = this.count;
    if (n === 0) return undefined;
    const events = this.events;
    const times = this.times;
    const top = events[0]!;
    const last = n - 1;
    this.count = last;
    const e = events[last]!;
    const at = times[last];
    events[last] = undefined;
    if (last > 0) {
      let i = 0;
      for (;;) {
        const first = (i << 2) + 1;
        if (first >= last) break;
        const end = first + ARITY < last ? first + ARITY : last;
        // The first of the children.
        let c = first;
        let tc = times[first];
        for (let j = first + 1; j < end; j++) {
          const tj = times[j];
          if (tj < tc || (tj === tc && tieBefore(events[j]!, events[c]!))) {
            c = j;
            tc = tj;
          }
        }
        // Does the moved event come before that child? Then it stays here.
        if (at < tc || (at === tc && tieBefore(e, events[c]!))) break;
        events[i] = events[c];
        times[i] = tc;
        i = c;
      }
      events[i] = e;
      times[i] = at;
    }
    kernelAssert(top.at >= 0, 'event time is never negative');
    return top;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
  }
}

/** Of two events at the same time, does a come first? */
function tieBefore(a: Scheduled, b: Scheduled): boolean {
  if (a.tie !== b.tie) return a.tie < b.tie;
  return a.seq < b.seq;
}
