// Wing & Gong's search with Lowe's memo (as in Porcupine), for one partition.
//
// The history becomes a doubly linked list of entries: a call entry per operation, and a
// return entry per *completed* operation, sorted by time (calls before returns at equal
// times: equal timestamps are concurrent). Walking the list from the head, every call
// entry met before the first return entry is a candidate to linearize next: if the model
// accepts it and the memo has not seen the resulting configuration, it is "lifted" out of
// the list (with its return) and pushed; reaching a return entry means that operation can
// no longer be linearized in time: pop and try the next candidate.
//
// Indeterminate operations have no return entry (their return is +infinity): they stay
// candidates forever and may be linearized at any point after their invoke, or never. The
// search succeeds as soon as every completed operation is linearized.
//
// Cuts that keep the search complete (each drops only configurations that another one
// explored or explores covers; test/checkers compares the result with a brute force):
// - identical indeterminate ops (same f, key and argument) are interchangeable: only the
//   earliest-invoked one not yet linearized is a candidate, so a class of identical ops is
//   described by how many of them were linearized;
// - an indeterminate op is not linearized where it changes nothing, nor right before a
//   blind write (`Model.blind`) that erases its effect: dropping it from a linearization
//   leaves a linearization;
// - subsumption: a configuration is the set of completed ops linearized, the model state,
//   and the count per class of indeterminate ops; one whose counts are all at least those
//   of a configuration already seen (same completed ops, same state) is dominated: the
//   other can do all it can, with more ops in reserve (see DominanceMemo).
import { DominanceMemo, PairMap } from './config-set.js';
import { searchSmall, smallBestOps, smallBestStates, smallCallEntry, smallPartition, smallReturnEntry, smallStates } from './small.js';
import type { Counterexample, Model, Operation, OperationRef, Partition } from './types.js';
import { canonicalKey, isNil, sameValue, showValue } from './values.js';

export interface SearchBudget {
  /** Steps still allowed (shared by all partitions: decremented here). */
  stepsLeft: number;
  /** Memo entries allowed for this partition. */
  memoEntries: number;
  /** Memo storage allowed for this partition, in 32-bit words. */
  memoWords: number;
  /** Returns true when the wall-clock limit is reached (checked every 4096 steps). */
  timeUp: () => boolean;
  /** Counterexample: how many steps of the partial linearization to show. */
  explainSteps: number;
}

export interface SearchOutcome {
  verdict: 'linearizable' | 'not-linearizable' | 'unknown';
  stoppedBy?: 'steps' | 'memo' | 'time';
  steps: number;
  counterexample?: Counterexample;
}

/** Transition memo size cap (entries); beyond it, steps are recomputed. */
const TRANSITIONS_MAX = 1 << 22;

/**
 * `start`: the state to start from instead of `model.init(initial)` (the incremental check
 * searches a segment of a history from a configuration it carried).
 */
export function searchPartition(model: Model, partition: Partition, initial: unknown, budget: SearchBudget, start?: { state: unknown }): SearchOutcome {
  return smallPartition(partition.ops) ? searchSmallPartition(model, partition, initial, budget, start) : searchGeneral(model, partition, initial, budget, start);
}

/** searchPartition by the small path (small.ts): the partition must be one smallPartition accepts. */
export function searchSmallPartition(model: Model, partition: Partition, initial: unknown, budget: SearchBudget, start?: { state: unknown }): SearchOutcome {
  const out = searchSmall(model, partition.ops, start ? start.state : model.init(initial), budget);
  if (out.verdict !== 'not-linearizable') return out.stoppedBy ? { verdict: out.verdict, stoppedBy: out.stoppedBy, steps: out.steps } : { verdict: out.verdict, steps: out.steps };
  const ops = partition.ops;
  const best = { ops: smallBestOps.subarray(0, out.bestLen), states: smallBestStates.subarray(0, out.bestLen) };
  const blocked = out.bestBlock >= 0 ? out.bestBlock : firstUnlinearizedOk(new Uint8Array(ops.length).fill(1), best.ops, out.bestLen);
  const deadline = smallReturnEntry[blocked];
  return { verdict: out.verdict, steps: out.steps, counterexample: explain(model, partition, smallStates, best, blocked, (i) => smallCallEntry[i] < deadline, budget.explainSteps) };
}

/** searchPartition by the general path, whatever the partition. */
export function searchGeneral(model: Model, partition: Partition, initial: unknown, budget: SearchBudget, start?: { state: unknown }): SearchOutcome {
  const ops = partition.ops;
  const m = ops.length;
  const isOk = new Uint8Array(m);
  let okCount = 0;
  for (let i = 0; i < m; i++) if (ops[i].status === 'ok') okCount += isOk[i] = 1;

  const { order, next, prev, entryOp, isCall, match, callEntry, returnEntry } = buildEntries(ops, isOk, okCount);

  const okIndex = new Int32Array(m).fill(-1);
  for (let i = 0, k = 0; i < m; i++) if (isOk[i]) okIndex[i] = k++;
  const { cls, clsPos, classes } = classify(ops, isOk, order);
  const counts = new Int32Array(classes);
  // The classes with a non-zero count, in the order they became non-zero (a stack: counts
  // go up on push and down on pop, so the last class to become non-zero is the first to
  // go back to zero).
  const nonZero = new Int32Array(classes);
  let nonZeroLen = 0;

  // Pointless indeterminate ops are never linearized: one that leaves the state as it is,
  // or one followed at once by a blind write (which erases its effect).
  const blind = new Uint8Array(m);
  if (model.blind) for (let i = 0; i < m; i++) blind[i] = model.blind(ops[i]) ? 1 : 0;

  // Zobrist hashes of the set of completed ops linearized, updated incrementally.
  const z1 = zobrist(okCount, 0x2545f491);
  const z2 = zobrist(okCount, 0x1b873593);

  // Model states, interned by key; transitions memoised by (state, op).
  const states: unknown[] = [start ? start.state : model.init(initial)];
  const intern = new Map<string, number>([[model.key(states[0]), 0]]);
  const transitions = new PairMap(TRANSITIONS_MAX, 4 * m);
  // Distinct states are kept with their keys: bounded too (the memo budget), or a model
  // with large states could exhaust memory before the step budget runs out.
  let stateChars = 0;
  const stateCharsMax = budget.memoWords;
  const computeTransition = (s: number, o: number): number => {
    const r = model.step(states[s], ops[o]);
    if (!r.ok) return -1;
    if (r.state === states[s]) return s; // reads: the same state object, no need to key it
    const k = model.key(r.state);
    let id = intern.get(k);
    if (id === undefined) {
      id = states.length;
      states.push(r.state);
      intern.set(k, id);
      stateChars += k.length;
    }
    return id;
  };

  // The completed ops linearized, as a bitset over their okIndex. The memo stores it from
  // the word of the first one not linearized (`low`) to the word of the highest one
  // linearized (`high`, restored from a stack on pop): in a long history, the window of
  // concurrent ops rather than the whole history.
  const words = Math.max(1, (okCount + 31) >>> 5);
  const bits = new Uint32Array(words + 1); // one spare word: the first-unlinearized scan stops on it
  const memo = new DominanceMemo(budget.memoEntries, budget.memoWords, 4 * m, classes);
  const stackEntry = new Int32Array(m);
  const stackState = new Int32Array(m);
  const stackHigh = new Int32Array(m);
  let low = 0;
  let high = -1;
  // The longest partial linearization: ops and the state after each. The current stack
  // agrees with it on [0, bestValid), so extending it copies each pushed entry at most once.
  const bestOps = new Int32Array(m);
  const bestStates = new Int32Array(m);
  let bestLen = 0;
  let bestValid = 0;
  let bestBlock = -2;

  let state = 0;
  let depth = 0;
  let linearizedOk = 0;
  let h1 = 0;
  let h2 = 0;
  let steps = 0;
  let stepsLeft = budget.stepsLeft;
  let e = next[0];
  let stoppedBy: SearchOutcome['stoppedBy'];
  let verdict: SearchOutcome['verdict'] = 'unknown';

  for (;;) {
    if (linearizedOk === okCount) {
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
    if (e === -1 || isCall[e] === 0) {
      // A completed op's return (or the end): it can no longer be linearized here. Backtrack.
      if (depth === bestLen && bestValid === depth && bestBlock === -2) bestBlock = e === -1 ? -1 : entryOp[e];
      if (depth === 0) {
        verdict = 'not-linearizable';
        break;
      }
      depth--;
      if (depth < bestValid) bestValid = depth;
      e = stackEntry[depth];
      state = stackState[depth];
      high = stackHigh[depth];
      const o = entryOp[e];
      if (isOk[o] === 1) {
        const k = okIndex[o];
        if (k < low) low = k;
        bits[k >>> 5] &= ~(1 << (k & 31));
        h1 ^= z1[k];
        h2 ^= z2[k];
        linearizedOk--;
      } else if (--counts[cls[o]] === 0) nonZeroLen--;
      const r = match[e];
      if (r >= 0) {
        next[prev[r]] = r;
        if (next[r] >= 0) prev[next[r]] = r;
      }
      next[prev[e]] = e;
      if (next[e] >= 0) prev[next[e]] = e;
      e = next[e];
      continue;
    }
    const o = entryOp[e];
    if ((isOk[o] === 0 && clsPos[o] !== counts[cls[o]]) || (blind[o] === 1 && depth > 0 && isOk[entryOp[stackEntry[depth - 1]]] === 0)) {
      e = next[e]; // not the first of its class; or a blind write right after an indeterminate op
      continue;
    }
    let ns = transitions.get(state, o, -2);
    if (ns === -2) {
      ns = computeTransition(state, o);
      transitions.add(state, o, ns);
      if (stateChars > stateCharsMax) {
        stoppedBy = 'memo';
        break;
      }
    }
    if (ns < 0 || (ns === state && isOk[o] === 0)) {
      e = next[e]; // illegal here; or an indeterminate op that would change nothing
      continue;
    }
    // The configuration after `o`, tentatively.
    let newLow = low;
    let newHigh = high;
    let nh1 = h1;
    let nh2 = h2;
    const k = okIndex[o];
    const c = cls[o];
    if (k >= 0) {
      bits[k >>> 5] |= 1 << (k & 31);
      if (k === low) newLow = firstZero(bits, k);
      if (k > high) newHigh = k;
      nh1 ^= z1[k];
      nh2 ^= z2[k];
    } else if (counts[c]++ === 0) nonZero[nonZeroLen++] = c;
    const lo = newLow >>> 5;
    const hw = newHigh >= 0 ? newHigh >>> 5 : -1;
    const visit = memo.visit(bits, lo, hw >= lo ? hw - lo + 1 : 0, ns, nh1, nh2, counts, nonZero, nonZeroLen);
    if (visit === 1) {
      stackEntry[depth] = e;
      stackState[depth] = state;
      stackHigh[depth] = high;
      depth++;
      low = newLow;
      high = newHigh;
      h1 = nh1;
      h2 = nh2;
      state = ns;
      linearizedOk += isOk[o];
      next[prev[e]] = next[e];
      if (next[e] >= 0) prev[next[e]] = prev[e];
      const r = match[e];
      if (r >= 0) {
        next[prev[r]] = next[r];
        if (next[r] >= 0) prev[next[r]] = prev[r];
      }
      if (depth > bestLen) {
        for (let i = bestValid; i < depth; i++) {
          bestOps[i] = entryOp[stackEntry[i]];
          bestStates[i] = i + 1 < depth ? stackState[i + 1] : state;
        }
        bestLen = depth;
        bestValid = depth;
        bestBlock = -2;
      }
      e = next[0];
      continue;
    }
    if (k >= 0) bits[k >>> 5] &= ~(1 << (k & 31));
    else if (--counts[c] === 0) nonZeroLen--;
    if (visit < 0) {
      stoppedBy = 'memo';
      break;
    }
    e = next[e];
  }
  budget.stepsLeft = stepsLeft;
  if (stoppedBy) return { verdict: 'unknown', stoppedBy, steps };
  if (verdict === 'linearizable') return { verdict, steps };

  const blocked = bestBlock >= 0 ? bestBlock : firstUnlinearizedOk(isOk, bestOps, bestLen);
  const best = { ops: bestOps.subarray(0, bestLen), states: bestStates.subarray(0, bestLen) };
  return { verdict, steps, counterexample: explain(model, partition, states, best, blocked, (i) => callEntry[i] < returnEntry[blocked], budget.explainSteps) };
}

/**
 * The entry list: call entries of every op and return entries of completed ones, in time
 * order (calls first at equal times), numbered 1..E; 0 is the head and -1 ends the list.
 */
function buildEntries(ops: readonly Operation[], isOk: Uint8Array, okCount: number) {
  const m = ops.length;
  const E = m + okCount;
  // Event x: op x >> 1, its call when x is even, its return when odd.
  const times = new Float64Array(2 * m);
  for (let i = 0; i < m; i++) {
    times[2 * i] = ops[i].invokeTimeUs;
    times[2 * i + 1] = isOk[i] ? ops[i].completeTimeUs! : Infinity;
  }
  const order = mergedOrder(m, isOk, okCount, times) ?? sortedOrder(m, isOk, E, times);
  const next = new Int32Array(E + 1);
  const prev = new Int32Array(E + 1);
  const entryOp = new Int32Array(E + 1);
  const isCall = new Uint8Array(E + 1);
  const match = new Int32Array(E + 1).fill(-1);
  const callEntry = new Int32Array(m);
  const returnEntry = new Int32Array(m).fill(-1);
  for (let k = 0; k < E; k++) {
    const e = k + 1;
    const x = order[k];
    entryOp[e] = x >> 1;
    if ((x & 1) === 0) {
      isCall[e] = 1;
      callEntry[x >> 1] = e;
    } else returnEntry[x >> 1] = e;
  }
  for (let i = 0; i < m; i++) match[callEntry[i]] = returnEntry[i];
  for (let e = 0; e <= E; e++) {
    next[e] = e < E ? e + 1 : -1;
    prev[e] = e - 1;
  }
  return { order, next, prev, entryOp, isCall, match, callEntry, returnEntry };
}

/** Events by (time, calls before returns, event id): the general case, a comparator sort. */
function sortedOrder(m: number, isOk: Uint8Array, E: number, times: Float64Array): Int32Array {
  const order = new Int32Array(E);
  for (let i = 0, k = 0; i < m; i++) {
    order[k++] = 2 * i;
    if (isOk[i]) order[k++] = 2 * i + 1;
  }
  return order.sort((a, b) => times[a] - times[b] || (a & 1) - (b & 1) || a - b);
}

/**
 * The same order as sortedOrder without its comparator calls, in the usual case: ops come
 * in invoke order, and returns are nearly so. Returns are insertion-sorted by (time, op),
 * then merged with the calls, a call first on equal times. Undefined (use sortedOrder) when
 * the invokes are out of order or the returns are too far from sorted (bounded work).
 */
function mergedOrder(m: number, isOk: Uint8Array, okCount: number, times: Float64Array): Int32Array | undefined {
  for (let i = 1; i < m; i++) if (times[2 * i] < times[2 * i - 2]) return undefined;
  const returns = new Int32Array(okCount);
  let moves = 0;
  const movesMax = 8 * okCount + 64;
  for (let i = 0, r = 0; i < m; i++) {
    if (!isOk[i]) continue;
    const t = times[2 * i + 1];
    let j = r++;
    while (j > 0 && times[2 * returns[j - 1] + 1] > t) {
      returns[j] = returns[j - 1];
      j--;
      if (++moves > movesMax) return undefined;
    }
    returns[j] = i;
  }
  const order = new Int32Array(m + okCount);
  let k = 0;
  let c = 0;
  let r = 0;
  while (c < m && r < okCount) order[k++] = times[2 * c] <= times[2 * returns[r] + 1] ? 2 * c++ : 2 * returns[r++] + 1;
  while (c < m) order[k++] = 2 * c++;
  while (r < okCount) order[k++] = 2 * returns[r++] + 1;
  return order;
}

/**
 * Classes of identical indeterminate ops (same f, key and argument), and each op's rank in
 * its class in invoke-time order. Within a class only the earliest-invoked op not yet
 * linearized is a candidate, so the ops of a class linearized so far are always its first
 * `counts[class]` ones.
 */
function classify(ops: readonly Operation[], isOk: Uint8Array, order: Int32Array) {
  const cls = new Int32Array(ops.length).fill(-1);
  const clsPos = new Int32Array(ops.length);
  const classOf = new Map<string, number>();
  const classSize: number[] = [];
  for (const x of order) {
    const i = x >> 1;
    if ((x & 1) === 1 || isOk[i]) continue; // calls of indeterminate ops, in invoke-time order
    const k = `${ops[i].f}\u0000${ops[i].key ?? ''}\u0000${canonicalKey(ops[i].input)}`;
    let c = classOf.get(k);
    if (c === undefined) {
      c = classSize.length;
      classOf.set(k, c);
      classSize.push(0);
    }
    cls[i] = c;
    clsPos[i] = classSize[c]++;
  }
  return { cls, clsPos, classes: classSize.length };
}

/** `n` pseudo-random 32-bit values from a fixed seed (xorshift32): deterministic hashing. */
function zobrist(n: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
  }
  return out;
}

/** The counterexample: the longest partial linearization, and the op that could not follow it. */
function explain(
  model: Model,
  partition: Partition,
  states: readonly unknown[],
  best: { ops: Int32Array; states: Int32Array },
  blocked: number,
  invokedBeforeDeadline: (op: number) => boolean,
  explainSteps: number,
): Counterexample {
  const ops = partition.ops;
  const n = best.ops.length;
  const failedAt = n > 0 ? best.states[n - 1] : 0;
  const tried = model.step(states[failedAt], ops[blocked]);
  const reason = tried.ok
    ? 'it can take effect here, but then no order of the operations concurrent with it lets every completed operation be linearized'
    : typeof tried.reason === 'function'
      ? tried.reason()
      : tried.reason;
  const linearized = new Uint8Array(ops.length);
  for (const o of best.ops) linearized[o] = 1;
  const pending: OperationRef[] = [];
  for (let i = 0; i < ops.length && pending.length < 50; i++) {
    if (!linearized[i] && i !== blocked && invokedBeforeDeadline(i)) pending.push(operationRef(ops[i]));
  }
  const shownFrom = Math.max(0, n - explainSteps);
  const linearization: Counterexample['linearization'] = [];
  for (let i = shownFrom; i < n; i++) linearization.push({ op: operationRef(ops[best.ops[i]]), stateAfter: model.describe(states[best.states[i]]) });
  return {
    partition: partition.name,
    op: operationRef(ops[blocked]),
    reason,
    ...(n > 0 ? { lastLinearized: operationRef(ops[best.ops[n - 1]]) } : {}),
    linearizedCount: n,
    linearization,
    stateBefore: model.describe(states[shownFrom > 0 ? best.states[shownFrom - 1] : 0]),
    stateAtFailure: model.describe(states[failedAt]),
    pending,
  };
}

/** The first clear bit at or after `from` (the spare last word is always clear). */
function firstZero(bits: Uint32Array, from: number): number {
  let w = from >>> 5;
  let x = ~bits[w] & (-1 << (from & 31));
  while (x === 0) x = ~bits[++w];
  return (w << 5) + (31 - Math.clz32(x & -x));
}

function firstUnlinearizedOk(isOk: Uint8Array, bestOps: Int32Array, bestLen: number): number {
  const done = new Uint8Array(isOk.length);
  for (let i = 0; i < bestLen; i++) done[bestOps[i]] = 1;
  for (let i = 0; i < isOk.length; i++) if (isOk[i] && !done[i]) return i;
  return 0;
}

/** A JSON-able reference to an operation, with a one-line summary. */
export function operationRef(op: Operation): OperationRef {
  return {
    id: op.id,
    process: op.process,
    f: op.f,
    ...(op.key !== undefined ? { key: op.key } : {}),
    ...(op.input !== undefined ? { input: op.input } : {}),
    ...(op.output !== undefined ? { output: op.output } : {}),
    status: op.status,
    invokeIndex: op.invokeIndex,
    ...(op.completeIndex !== undefined ? { completeIndex: op.completeIndex } : {}),
    invokeTimeUs: op.invokeTimeUs,
    ...(op.completeTimeUs !== undefined ? { completeTimeUs: op.completeTimeUs } : {}),
    text: describeOperation(op),
  };
}

/** `p3 read → 2`, `p1 write 3`, `p0 append "k" "x 0 0 y"`, `p2 cas [1,2] (indeterminate)`. */
export function describeOperation(op: Operation): string {
  let s = `p${op.process} ${op.f}`;
  if (op.key !== undefined) s += ` ${JSON.stringify(op.key)}`;
  if (!isNil(op.input)) s += ` ${showValue(op.input)}`;
  if (op.status === 'info') return `${s} (indeterminate)`;
  if (op.output === false) return `${s} → false`;
  if (op.output !== undefined && !sameValue(op.output, op.input)) s += ` → ${showValue(op.output)}`;
  else if (op.output === null && isNil(op.input)) s += ' → nil';
  return s;
}
