// One event queue ordered by (time, tie, sequence). `seq` is global and increasing, so
// equal-time events run in insertion order, unless the run explores ties, in which case
// `tie` is a seeded draw. Nothing depends on heap internals.
import { kernelAssert } from './errors.js';
import type { Micros } from './types.js';

export interface Scheduled {
  at: Micros;
  tie: number;
  seq: number;
}

export class EventQueue<E extends Scheduled> {
  private heap: E[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Assigns the sequence number and inserts. */
  push(e: E): void {
    e.seq = this.nextSeq++;
    const h = this.heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  pop(): E | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r], h[l]) ? r : l;
        if (!before(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    kernelAssert(top.at >= 0, 'event time is never negative');
    return top;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (a.tie !== b.tie) return a.tie < b.tie;
  return a.seq < b.seq;
}
