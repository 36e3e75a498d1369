// The search of search.ts for a small partition whose operations all completed (issue #14:
// a first check in a fresh process, where V8 interprets every line once). Same loop, same
// order, same memo and budget accounting, so the same outcome step for step; only the
// structures are lighter: the set of linearized ops is two 32-bit words held in locals,
// the memo an exact hash set (no indeterminate ops: no classes, nothing to dominate), and
// every array is scratch allocated once for the module and reused by every partition.
// searchPartition sends a partition here when smallPartition says it fits.
import { mix } from './config-set.js';
import type { Model, Partition } from './types.js';

/** Most operations a small partition has: the set of linearized ones is two 32-bit words. */
export const SMALL_MAX_OPS = 64;
/** Entry header words of ConfigSet (config-set.ts): the memo's word budget counts them. */
const HEADER = 5;
const EVENTS = 2 * SMALL_MAX_OPS;

/** Whether searchSmall takes a partition: at most SMALL_MAX_OPS operations, every one completed. */
export function smallPartition(ops: Partition['ops']): boolean {
  if (ops.length > SMALL_MAX_OPS) return false;
  for (let i = 0; i < ops.length; i++) if (ops[i].status !== 'ok') return false;
  return true;
}

// Scratch, sized for SMALL_MAX_OPS (the memo and transition tables grow on demand).
const times = new Float64Array(EVENTS);
const order = new Int32Array(EVENTS);
const next = new Int32Array(EVENTS + 1);
const prev = new Int32Array(EVENTS + 1);
const entryOp = new Int32Array(EVENTS + 1);
const match = new Int32Array(EVENTS + 1);
export const smallCallEntry = new Int32Array(SMALL_MAX_OPS);
export const smallReturnEntry = new Int32Array(SMALL_MAX_OPS);
const stackEntry = new Int32Array(SMALL_MAX_OPS);
const stackState = new Int32Array(SMALL_MAX_OPS);
export const smallBestOps = new Int32Array(SMALL_MAX_OPS);
export const smallBestStates = new Int32Array(SMALL_MAX_OPS);
/** Model states of the current partition, interned by key. */
export const smallStates: unknown[] = [];
const intern = new Map<string, number>();
// The memo: open addressing over (w0, w1, state); a slot is in use when its stamp is the current partition's.
let memoW0 = new Int32Array(1024);
let memoW1 = new Int32Array(1024);
let memoState = new Int32Array(1024);
let memoStamp = new Int32Array(1024);
// Transitions (state, op) → state (-1: illegal), at state * ops + op; valid when stamped.
// Beyond TRANSITIONS_MAX slots, steps are recomputed (as search.ts's transition memo does beyond its cap).
const TRANSITIONS_MAX = 1 << 22;
let trans = new Int32Array(16 * SMALL_MAX_OPS);
let transStamp = new Int32Array(16 * SMALL_MAX_OPS);
let stamp = 0;

export interface SmallOutcome {
  verdict: 'linearizable' | 'not-linearizable' | 'unknown';
  stoppedBy?: 'steps' | 'memo' | 'time';
  steps: number;
  /** Not linearizable: the longest partial linearization's length (in smallBestOps/smallBestStates) and the op that could not follow it (-1: find it). */
  bestLen: number;
  bestBlock: number;
}

/** The budget fields searchSmall reads and updates (search.ts's SearchBudget). */
interface Budget {
  stepsLeft: number;
  memoEntries: number;
  memoWords: number;
  timeUp: () => boolean;
}

/** searchPartition's loop for a partition smallPartition accepts, from `state0`. */
export function searchSmall(model: Model, ops: Partition['ops'], state0: unknown, budget: Budget): SmallOutcome {
  const m = ops.length;
  const E = 2 * m;
  if (++stamp === 0x7fffffff) {
    stamp = 1;
    memoStamp.fill(0);
    transStamp.fill(0);
  }
  const now = stamp;

  // The entry list (search.ts's buildEntries): events by (time, calls first, event id),
  // an insertion sort (the events come nearly sorted), numbered 1..E; 0 is the head.
  for (let x = 0; x < E; x++) {
    const op = ops[x >> 1];
    const t = (x & 1) === 0 ? op.invokeTimeUs : op.completeTimeUs!;
    times[x] = t;
    let j = x;
    while (j > 0) {
      const y = order[j - 1];
      const ty = times[y];
      if (ty < t || (ty === t && ((y & 1) < (x & 1) || ((y & 1) === (x & 1) && y < x)))) break;
      order[j] = y;
      j--;
    }
    order[j] = x;
  }
  for (let k = 0; k < E; k++) {
    const e = k + 1;
    const x = order[k];
    entryOp[e] = x >> 1;
    if ((x & 1) === 0) smallCallEntry[x >> 1] = e;
    else smallReturnEntry[x >> 1] = e;
  }
  match[0] = -1;
  for (let k = 1; k <= E; k++) {
    const o = entryOp[k];
    match[k] = smallCallEntry[o] === k ? smallReturnEntry[o] : -1;
  }
  for (let e = 0; e <= E; e++) {
    next[e] = e < E ? e + 1 : -1;
    prev[e] = e - 1;
  }

  const states = smallStates;
  states.length = 0;
  states.push(state0);
  intern.clear();
  intern.set(model.key(state0), 0);
  let stateChars = 0;
  const stateCharsMax = budget.memoWords;
  const memoEntries = budget.memoEntries;
  const memoWords = budget.memoWords;
  let memoSize = 0;
  let storedWords = 0;

  let w0 = 0;
  let w1 = 0;
  let bestLen = 0;
  let bestValid = 0;
  let bestBlock = -2;
  let state = 0;
  let depth = 0;
  let steps = 0;
  let stepsLeft = budget.stepsLeft;
  let e = next[0];
  let stoppedBy: SmallOutcome['stoppedBy'];
  let verdict: SmallOutcome['verdict'] = 'unknown';

  for (;;) {
    if (depth === m) {
      verdict = 'linearizable';
      break;
    }
    if (stepsLeft <= 0) {
      stoppedBy = 'steps';
      break;
    }
    stepsLeft--;
    if ((++steps & 4095) === 0 && budget.timeUp()) {
      stoppedBy = 'time';
      break;
    }
    if (e === -1 || match[e] < 0) {
      // A return (or the end): backtrack.
      if (depth === bestLen && bestValid === depth && bestBlock === -2) bestBlock = e === -1 ? -1 : entryOp[e];
      if (depth === 0) {
        verdict = 'not-linearizable';
        break;
      }
      depth--;
      if (depth < bestValid) bestValid = depth;
      e = stackEntry[depth];
      state = stackState[depth];
      const o = entryOp[e];
      if (o < 32) w0 &= ~(1 << o);
      else w1 &= ~(1 << (o - 32));
      const r = match[e];
      next[prev[r]] = r;
      if (next[r] >= 0) prev[next[r]] = r;
      next[prev[e]] = e;
      if (next[e] >= 0) prev[next[e]] = e;
      e = next[e];
      continue;
    }
    const o = entryOp[e];
    const ti = state * m + o;
    let ns: number;
    if (ti < trans.length && transStamp[ti] === now) ns = trans[ti];
    else {
      const r = model.step(states[state], ops[o]);
      if (!r.ok) ns = -1;
      else if (r.state === states[state]) ns = state;
      else {
        const k = model.key(r.state);
        const id = intern.get(k);
        if (id === undefined) {
          ns = states.length;
          states.push(r.state);
          intern.set(k, ns);
          stateChars += k.length;
        } else ns = id;
      }
      if (ti >= trans.length && ti < TRANSITIONS_MAX) growTransitions(ti);
      if (ti < trans.length) {
        trans[ti] = ns;
        transStamp[ti] = now;
      }
      if (stateChars > stateCharsMax) {
        stoppedBy = 'memo';
        break;
      }
    }
    if (ns < 0) {
      e = next[e];
      continue;
    }
    // The configuration after `o`: visit it in the memo (ConfigSet.add's accounting).
    const n0 = o < 32 ? w0 | (1 << o) : w0;
    const n1 = o < 32 ? w1 : w1 | (1 << (o - 32));
    const lo = n0 !== -1 ? 0 : n1 !== -1 ? 1 : 2;
    const hw = n1 !== 0 ? 1 : n0 !== 0 ? 0 : -1;
    const len = hw >= lo ? hw - lo + 1 : 0;
    const mask = memoStamp.length - 1;
    let slot = memoSlot(n0, n1, ns, mask);
    let seen = false;
    while (memoStamp[slot] === now) {
      if (memoW0[slot] === n0 && memoW1[slot] === n1 && memoState[slot] === ns) {
        seen = true;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (seen) {
      e = next[e];
      continue;
    }
    if (memoSize >= memoEntries || storedWords + HEADER + len > memoWords) {
      stoppedBy = 'memo';
      break;
    }
    memoStamp[slot] = now;
    memoW0[slot] = n0;
    memoW1[slot] = n1;
    memoState[slot] = ns;
    storedWords += HEADER + len;
    if (++memoSize * 2 > memoStamp.length) growMemo(now);
    stackEntry[depth] = e;
    stackState[depth] = state;
    depth++;
    w0 = n0;
    w1 = n1;
    state = ns;
    next[prev[e]] = next[e];
    if (next[e] >= 0) prev[next[e]] = prev[e];
    const r = match[e];
    next[prev[r]] = next[r];
    if (next[r] >= 0) prev[next[r]] = prev[r];
    if (depth > bestLen) {
      for (let i = bestValid; i < depth; i++) {
        smallBestOps[i] = entryOp[stackEntry[i]];
        smallBestStates[i] = i + 1 < depth ? stackState[i + 1] : state;
      }
      bestLen = depth;
      bestValid = depth;
      bestBlock = -2;
    }
    e = next[0];
  }
  budget.stepsLeft = stepsLeft;
  return stoppedBy ? { verdict: 'unknown', stoppedBy, steps, bestLen, bestBlock } : { verdict, steps, bestLen, bestBlock };
}

/** A memo entry's home slot: the linearized set's two words and the state, mixed (config-set.ts's mix). */
function memoSlot(w0: number, w1: number, state: number, mask: number): number {
  return mix(Math.imul(w0, 0x9e3779b1) ^ Math.imul(w1, 0x85ebca6b) ^ Math.imul(state + 1, 0xc2b2ae35)) & mask;
}

/** Double the memo table, keeping the current partition's entries. */
function growMemo(now: number): void {
  const w0 = memoW0;
  const w1 = memoW1;
  const st = memoState;
  const sp = memoStamp;
  const n = sp.length * 2;
  memoW0 = new Int32Array(n);
  memoW1 = new Int32Array(n);
  memoState = new Int32Array(n);
  memoStamp = new Int32Array(n);
  const mask = n - 1;
  for (let i = 0; i < sp.length; i++) {
    if (sp[i] !== now) continue;
    let slot = memoSlot(w0[i], w1[i], st[i], mask);
    while (memoStamp[slot] === now) slot = (slot + 1) & mask;
    memoStamp[slot] = now;
    memoW0[slot] = w0[i];
    memoW1[slot] = w1[i];
    memoState[slot] = st[i];
  }
}

/** Grow the transition table to hold index `ti` (its entries keep their places). */
function growTransitions(ti: number): void {
  let n = trans.length * 2;
  while (n <= ti) n *= 2;
  const t = new Int32Array(n);
  t.set(trans);
  const s = new Int32Array(n);
  s.set(transStamp);
  trans = t;
  transStamp = s;
}
