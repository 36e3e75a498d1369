// The client history's layout, without the DOM (unit-tested in node): which operation goes
// on which row, where each bar ends, hit-testing, and the time-window arithmetic shared by
// zoom and pan.
import type { Lane, Ops } from '../shared/data.js';

/** A row of bars: one Jepsen process (a process whose bars overlap gets extra rows). */
export interface HistoryRow {
  lane: number;
  process: number;
  /** Sub-row within the process (0 for the first). */
  sub: number;
  /** Ops rows on this row, by invoke time; their solid parts never overlap. */
  ops: Int32Array;
  /** The info ops among them: their pale tails run to the end of the run, under later bars. */
  tails: Int32Array;
}

/** Consecutive rows of one client lane. */
export interface HistoryGroup {
  lane: number;
  name: string;
  first: number;
  count: number;
}

export interface HistoryLayout {
  rows: HistoryRow[];
  groups: HistoryGroup[];
  /** Per op: its row. */
  rowOf: Int32Array;
  /** Per op: where its bar ends (its completion; info and open ops: the run's end). */
  end: Float64Array;
  /**
   * Per op: where its solid part ends: its completion when it has one (an info op's tail
   * after that is drawn pale and may lie under later bars), else the run's end. Packing,
   * search and hit-testing use this; it grows along a row.
   */
  solid: Float64Array;
}

/** Where an op's bar ends: ok and fail at their completion; info (outcome unknown) and open at the run's end. */
export function barEnd(ops: Ops, op: number, runEndUs: number): number {
  const s = ops.status[op];
  if (s === 2 || s === 3 || ops.completeUs[op] < 0) return Math.max(runEndUs, ops.invokeUs[op]);
  return ops.completeUs[op];
}

/**
 * Rows grouped by client lane (lane order; unknown lane last), a row per process (ordered
 * by its first invoke), and within a process a new sub-row whenever a bar would overlap
 * the previous one (Jepsen gives a process one open op at a time, so this is rare).
 */
export function layoutHistory(ops: Ops, lanes: readonly Lane[], runEndUs: number): HistoryLayout {
  const n = ops.length;
  const end = new Float64Array(n);
  const solid = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    end[o] = barEnd(ops, o, runEndUs);
    solid[o] = ops.completeUs[o] >= 0 ? Math.max(ops.completeUs[o], ops.invokeUs[o]) : end[o];
  }
  // Processes in order of first appearance (ops are in invoke order).
  const byProcess = new Map<number, number[]>();
  for (let o = 0; o < n; o++) {
    const p = ops.process[o];
    let list = byProcess.get(p);
    if (list === undefined) byProcess.set(p, (list = []));
    list.push(o);
  }
  const laneOfProcess = (list: number[]): number => {
    for (const o of list) if (ops.lane[o] >= 0) return ops.lane[o];
    return -1;
  };
  const procs = [...byProcess.entries()].map(([process, list]) => ({ process, list, lane: laneOfProcess(list) }));
  const laneKey = (l: number): number => (l < 0 ? Number.MAX_SAFE_INTEGER : l);
  procs.sort((a, b) => laneKey(a.lane) - laneKey(b.lane) || a.list[0] - b.list[0]);

  const rows: HistoryRow[] = [];
  const groups: HistoryGroup[] = [];
  const rowOf = new Int32Array(n).fill(-1);
  for (const proc of procs) {
    // Greedy packing: the first sub-row whose last bar ends before this one starts.
    const subEnds: number[] = [];
    const subOps: number[][] = [];
    for (const o of proc.list) {
      let s = subEnds.findIndex((e) => e <= ops.invokeUs[o]);
      if (s < 0) {
        s = subEnds.length;
        subEnds.push(0);
        subOps.push([]);
      }
      subEnds[s] = solid[o];
      subOps[s].push(o);
    }
    const last = groups[groups.length - 1];
    if (last === undefined || last.lane !== proc.lane) groups.push({ lane: proc.lane, name: proc.lane >= 0 ? (lanes[proc.lane]?.name ?? `lane ${proc.lane}`) : 'unknown', first: rows.length, count: 0 });
    subOps.forEach((list, sub) => {
      for (const o of list) rowOf[o] = rows.length;
      rows.push({ lane: proc.lane, process: proc.process, sub, ops: Int32Array.from(list), tails: Int32Array.from(list.filter((o) => ops.status[o] === 2)) });
      groups[groups.length - 1].count++;
    });
  }
  return { rows, groups, rowOf, end, solid };
}

/** In a row, the position of the first op whose solid part ends at or after `t` (`solid`: the layout's, ordered along a row). */
export function firstEndingAfter(row: HistoryRow, end: Float64Array, t: number): number {
  let lo = 0;
  let hi = row.ops.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (end[row.ops[mid]] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The op whose solid bar (`end`: the layout's `solid`) on `row` is under time `t`, within `tolUs` either side (-1: none); the nearest wins. */
export function hitOp(row: HistoryRow, ops: Ops, end: Float64Array, t: number, tolUs: number): number {
  let best = -1;
  let bestDist = Infinity;
  const from = firstEndingAfter(row, end, t - tolUs);
  for (let i = from; i < row.ops.length; i++) {
    const o = row.ops[i];
    const start = ops.invokeUs[o];
    if (start > t + tolUs) break;
    const dist = t < start ? start - t : t > end[o] ? t - end[o] : 0;
    if (dist < bestDist) {
      best = o;
      bestDist = dist;
    }
  }
  return best;
}

export interface Window {
  t0: number;
  t1: number;
}

/** Keep a window inside [min, max] and at least `minSpan` wide, preserving its span where possible. */
export function clampWindow(w: Window, min: number, max: number, minSpan = 10): Window {
  let span = Math.max(minSpan, Math.min(w.t1 - w.t0, max - min));
  if (!Number.isFinite(span) || span <= 0) span = Math.max(minSpan, max - min);
  let t0 = w.t0;
  if (t0 < min) t0 = min;
  if (t0 + span > max) t0 = Math.max(min, max - span);
  return { t0, t1: t0 + span };
}

/** Zoom by `factor` (>1 zooms out) about time `anchor`, which stays under the cursor. */
export function zoomWindow(w: Window, factor: number, anchor: number, min: number, max: number, minSpan = 10): Window {
  const t0 = anchor - (anchor - w.t0) * factor;
  const t1 = anchor + (w.t1 - anchor) * factor;
  if (t1 - t0 < minSpan) {
    const mid = (anchor - w.t0) / Math.max(1e-9, w.t1 - w.t0);
    return clampWindow({ t0: anchor - mid * minSpan, t1: anchor + (1 - mid) * minSpan }, min, max, minSpan);
  }
  return clampWindow({ t0, t1 }, min, max, minSpan);
}

/** Shift by `dt` µs. */
export function panWindow(w: Window, dt: number, min: number, max: number): Window {
  return clampWindow({ t0: w.t0 + dt, t1: w.t1 + dt }, min, max);
}

/** A window around the given ops' bars (from first invoke to last completion), padded on both sides. */
export function windowAround(ops: Ops, list: readonly number[], end: Float64Array, min: number, max: number, pad = 0.08): Window | undefined {
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const o of list) {
    if (o < 0 || o >= ops.length) continue;
    t0 = Math.min(t0, ops.invokeUs[o]);
    // Unknown-outcome bars run to the end: use their completion (or invoke) for the fit.
    const stop = ops.completeUs[o] >= 0 ? ops.completeUs[o] : ops.invokeUs[o];
    t1 = Math.max(t1, Math.min(end[o], stop));
  }
  if (!Number.isFinite(t0)) return undefined;
  const span = Math.max(t1 - t0, 100);
  return clampWindow({ t0: t0 - span * pad, t1: t1 + span * pad }, min, max);
}

/** Tick step for a span: 1, 2 or 5 × a power of ten, about `target` ticks. */
export function tickStep(span: number, target = 8): number {
  const raw = span / Math.max(1, target);
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  const m = raw / pow;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * pow;
}

/** A tick label for time `us` at tick step `step`: units and digits chosen by the step. */
export function tickLabel(us: number, step: number): string {
  if (step >= 1_000_000) return `${(us / 1e6).toFixed(0)} s`;
  if (step >= 1_000) {
    const digits = Math.max(0, Math.min(3, -Math.floor(Math.log10(step / 1e6) + 1e-9)));
    return `${(us / 1e6).toFixed(digits)} s`;
  }
  const digits = Math.max(0, Math.min(3, -Math.floor(Math.log10(step / 1e3) + 1e-9)));
  return `${(us / 1e3).toFixed(digits)} ms`;
}
