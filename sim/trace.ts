// The trace of a run at the full recording level, kept in columns while the run goes: one
// byte of kind, the event index, the time and up to three numbers per row in typed arrays,
// and the row's one object (a message, a note's data, a summary, a history event) in a
// plain array. No object per row: the rows of a run (several per event) were most of what
// the full level cost beyond the fuzz level, in allocation and in the garbage collector
// copying and marking them. `rows()` builds the TraceEvent objects, with the fields in the
// order they always had, once at the end of the run. Rare rows (faults, links, clocks,
// roles, crashes) are kept whole.
import type { TraceEvent } from './result.js';
import type { Endpoint, HistoryEvent, Micros, NodeId } from './types.js';

// Row kinds (the column `kind`).
export const SEND = 1;
export const DELIVER_ROW = 2;
export const DROP = 3;
export const TIMER_ROW = 4;
export const BUGGIFY = 5;
export const NOTE = 6;
export const STATE = 7;
export const HISTORY = 8;
/** A row kept whole (rare kinds). */
const WHOLE = 0;

const INITIAL_ROWS = 1024;

export class TraceLog {
  private count = 0;
  private capacity = INITIAL_ROWS;
  private kind = new Uint8Array(INITIAL_ROWS);
  // Whole numbers in Int32Arrays: read back, they are small integers, which the rows hold
  // unboxed (a Float64Array's reads would be stored as boxed doubles, an object per field).
  // A number that does not fit (a run past 35 minutes simulated) widens the three to Float64Array.
  private index: Int32Array | Float64Array = new Int32Array(INITIAL_ROWS);
  private time: Int32Array | Float64Array = new Int32Array(INITIAL_ROWS);
  /** send, deliver, drop: from; timer, buggify, note, state: node; history: by. */
  private x = new Int32Array(INITIAL_ROWS);
  /** send, deliver, drop: to. */
  private y = new Int32Array(INITIAL_ROWS);
  /** send, deliver, drop: the message id. */
  private id: Int32Array | Float64Array = new Int32Array(INITIAL_ROWS);
  private wide = false;
  /** Each row's object: msg, timer or fault point name, note data, summary, history event, or the whole row. */
  private readonly refs: unknown[] = [];
  /** The rows' second string, in row order, for the kinds that have one: a drop's why, a note's kind. */
  private readonly texts: string[] = [];

  get length(): number {
    return this.count;
  }

  /** A send or delivery (`kind` SEND or DELIVER_ROW). */
  message(kind: number, i: number, t: Micros, from: Endpoint, to: Endpoint, msg: unknown, id: number): void {
    if ((i | 0) !== i || (t | 0) !== t || (id | 0) !== id) this.widen();
    const r = this.next();
    this.kind[r] = kind;
    this.index[r] = i;
    this.time[r] = t;
    this.x[r] = from;
    this.y[r] = to;
    this.id[r] = id;
    this.refs.push(msg);
  }

  drop(i: number, t: Micros, from: Endpoint, to: Endpoint, msg: unknown, id: number, why: string): void {
    this.message(DROP, i, t, from, to, msg, id);
    this.texts.push(why);
  }

  /** A timer firing or a fault point (`kind` TIMER_ROW or BUGGIFY): the node and the name. */
  named(kind: number, i: number, t: Micros, node: Endpoint, name: string): void {
    this.simple(kind, i, t, node, name);
  }

  note(i: number, t: Micros, node: NodeId, kind: string, data: Record<string, unknown>): void {
    this.simple(NOTE, i, t, node, data);
    this.texts.push(kind);
  }

  state(i: number, t: Micros, node: NodeId, summary: Record<string, unknown>): void {
    this.simple(STATE, i, t, node, summary);
  }

  history(i: number, t: Micros, event: HistoryEvent, by: Endpoint): void {
    this.simple(HISTORY, i, t, by, event);
  }

  /** Any row, kept as it is. */
  whole(e: TraceEvent): void {
    const r = this.next();
    this.kind[r] = WHOLE;
    this.refs.push(e);
  }

  /** The rows as TraceEvent objects, in order (built anew on each call). */
  rows(): TraceEvent[] {
    // Pushed, not preallocated: new Array(n) of 100,000 or more holds its elements in a dictionary.
    const out: TraceEvent[] = [];
    const { kind, index, time, x, y, id, refs, texts } = this;
    let text = 0;
    for (let r = 0; r < this.count; r++) {
      const i = index[r];
      const t = time[r];
      switch (kind[r]) {
        case SEND:
          out.push({ i, t, k: 'send', from: x[r], to: y[r], msg: refs[r], id: id[r] });
          break;
        case DELIVER_ROW:
          out.push({ i, t, k: 'deliver', from: x[r], to: y[r], msg: refs[r], id: id[r] });
          break;
        case DROP:
          out.push({ i, t, k: 'drop', from: x[r], to: y[r], msg: refs[r], id: id[r], why: texts[text++] });
          break;
        case TIMER_ROW:
          out.push({ i, t, k: 'timer', node: x[r], name: refs[r] as string });
          break;
        case BUGGIFY:
          out.push({ i, t, k: 'buggify', node: x[r], name: refs[r] as string });
          break;
        case NOTE:
          out.push({ i, t, k: 'note', node: x[r], kind: texts[text++], data: refs[r] as Record<string, unknown> });
          break;
        case STATE:
          out.push({ i, t, k: 'state', node: x[r], summary: refs[r] as Record<string, unknown> });
          break;
        case HISTORY:
          out.push({ i, t, k: 'history', event: refs[r] as HistoryEvent, by: x[r] });
          break;
        default:
          out.push(refs[r] as TraceEvent);
      }
    }
    return out;
  }

  private simple(kind: number, i: number, t: Micros, node: number, ref: unknown): void {
    if ((i | 0) !== i || (t | 0) !== t) this.widen();
    const r = this.next();
    this.kind[r] = kind;
    this.index[r] = i;
    this.time[r] = t;
    this.x[r] = node;
    this.refs.push(ref);
  }

  /** The next row's index, the columns grown (doubled) when full. */
  private next(): number {
    const r = this.count;
    if (r === this.capacity) this.grow();
    this.count = r + 1;
    return r;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    this.kind = grown(new Uint8Array(capacity), this.kind);
    this.index = grown(this.wide ? new Float64Array(capacity) : new Int32Array(capacity), this.index);
    this.time = grown(this.wide ? new Float64Array(capacity) : new Int32Array(capacity), this.time);
    this.x = grown(new Int32Array(capacity), this.x);
    this.y = grown(new Int32Array(capacity), this.y);
    this.id = grown(this.wide ? new Float64Array(capacity) : new Int32Array(capacity), this.id);
    this.capacity = capacity;
  }

  /** Index, time and id columns as Float64Array from now on (a number beyond Int32). */
  private widen(): void {
    if (this.wide) return;
    this.wide = true;
    this.index = grown(new Float64Array(this.capacity), this.index);
    this.time = grown(new Float64Array(this.capacity), this.time);
    this.id = grown(new Float64Array(this.capacity), this.id);
  }
}

function grown<A extends Uint8Array | Int32Array | Float64Array>(into: A, from: Uint8Array | Int32Array | Float64Array): A {
  into.set(from);
  return into;
}
