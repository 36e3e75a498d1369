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
  /**
   * Each heap entry's `at`, in the same place: the sift loops compare times from here,
   * without a load from each event object (its tie and seq are read only on equal times).
   */
  private times = new Float64Array(64);
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Assigns the sequence number and inserts. */
  push(e: E): void {
    e.seq = this.nextSeq++;
    const h = this.heap;
    let i = h.length;
    if (i === this.times.length) this.grow();
    const times = this.times;
    const at = e.at;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      // before(e, parent), as in the comparison of (at, tie, seq): written so, NaN orders as it did.
      if (!(at < pt || (at === pt && tieBefore(e, h[p])))) break;
      h[i] = h[p];
      times[i] = pt;
      i = p;
    }
    h[i] = e;
    times[i] = at;
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  pop(): E | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      const times = this.times;
      const lastAt = times[n];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        let ct = times[l];
        if (r < n) {
          const rt = times[r];
          if (rt < ct || (rt === ct && tieBefore(h[r], h[l]))) {
            c = r;
            ct = rt;
          }
        }
        if (!(ct < lastAt || (ct === lastAt && tieBefore(h[c], last)))) break;
        h[i] = h[c];
        times[i] = ct;
        i = c;
      }
      h[i] = last;
      times[i] = lastAt;
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

/** Of two events at the same time, does `a` come first? */
function tieBefore(a: Scheduled, b: Scheduled): boolean {
  if (a.tie !== b.tie) return a.tie < b.tie;
  return a.seq < b.seq;
}
