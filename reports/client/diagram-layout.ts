// The space-time diagram's DOM-free logic: lane order and geometry, role colours, the
// per-lane intervals (down, paused), which rows and message edges fall in a time window,
// and the per-pixel aggregation used when zoomed out. Pure functions over the RunModel, so
// they are unit-tested in Node (test/reports/diagram-model.test.ts).
import { K } from '../shared/data.js';
import type { RunModel } from './model.js';

/** Vertical geometry, CSS pixels. */
export const AXIS_H = 30;
export const LANE_H = 46;
/** Where on a lane (from its top) the event line runs, and the state strip below it. */
export const EVENT_Y = 18;
export const STRIP_Y = 31;
export const STRIP_H = 11;
export const GUTTER_W = 150;
/** Above this many rows of one lane in the window, the lane is drawn as a density. */
export const MAX_LANE_EVENTS = 1500;
/** Above this many message edges in the window, arrows are drawn as a density. */
export const MAX_ARROWS = 2500;

/** Lane display order: nodes first (grouped by their roles, in id order within a group), then clients. */
export function laneOrder(model: RunModel): number[] {
  const lanes = model.lanes;
  const nodes = lanes.filter((l) => l.kind === 'node');
  const groups = new Map<string, number[]>();
  for (const l of nodes) {
    const key = l.roles.join(',');
    const list = groups.get(key) ?? [];
    list.push(l.id);
    groups.set(key, list);
  }
  const out: number[] = [];
  for (const list of groups.values()) out.push(...list);
  for (const l of lanes) if (l.kind !== 'node') out.push(l.id);
  return out;
}

/** Per lane id: the top of its slot (CSS px, from the canvas top). */
export function laneTops(order: readonly number[], laneCount: number): Float64Array {
  const top = new Float64Array(laneCount).fill(-1);
  order.forEach((lane, i) => (top[lane] = AXIS_H + i * LANE_H));
  return top;
}

/** A stable colour for a role name (hash of the text → hue). Known Raft roles get fixed hues. */
export function roleColour(role: string): string {
  const fixed: Record<string, number> = { leader: 10, candidate: 45, follower: 210, 'pre-candidate': 280, precandidate: 280, down: 0 };
  let hue = fixed[role];
  if (hue === undefined) {
    let h = 2166136261;
    for (let i = 0; i < role.length; i++) h = Math.imul(h ^ role.charCodeAt(i), 16777619);
    hue = (h >>> 0) % 360;
  }
  return role === 'down' ? 'hsl(0 0% 70%)' : `hsl(${hue} 65% 62%)`;
}

/** A state summary's role: the text before the first ' · ' (the summary line puts it first). */
export function roleOfSummary(summary: string): string {
  const i = summary.indexOf(' · ');
  return i >= 0 ? summary.slice(0, i) : summary;
}

/** An interval on a lane: [startUs, endUs). */
export interface Span {
  lane: number;
  startUs: number;
  endUs: number;
}

/** Crashed (crash → restart) and paused (pause → resume) spans of each lane; an unended span runs to the end. */
export function laneSpans(model: RunModel): { down: Span[]; paused: Span[] } {
  const down: Span[] = [];
  const paused: Span[] = [];
  const rows = model.rows;
  model.laneRows.forEach((list, lane) => {
    let crashAt = -1;
    let pauseAt = -1;
    for (const r of list) {
      const k = rows.kind[r];
      if (k === K.crash && crashAt < 0) crashAt = rows.t[r];
      else if (k === K.restart && crashAt >= 0) {
        down.push({ lane, startUs: crashAt, endUs: rows.t[r] });
        crashAt = -1;
      } else if (k === K.pause && pauseAt < 0) pauseAt = rows.t[r];
      else if (k === K.resume && pauseAt >= 0) {
        paused.push({ lane, startUs: pauseAt, endUs: rows.t[r] });
        pauseAt = -1;
      }
    }
    if (crashAt >= 0) down.push({ lane, startUs: crashAt, endUs: model.endUs });
    if (pauseAt >= 0) paused.push({ lane, startUs: pauseAt, endUs: model.endUs });
  });
  return { down, paused };
}

/** Positions [lo, hi) in a lane's row list whose times fall in [t0, t1]. */
export function laneRange(model: RunModel, lane: number, t0: number, t1: number): [number, number] {
  return [model.lanePosAt(lane, t0), model.lanePosAt(lane, t1 + 1e-9)];
}

/** Precomputed for edges: the longest latency (to bound the search), and edges are in `to` order. */
export function maxLatency(model: RunModel): number {
  const { from, to, length } = model.edges;
  const t = model.rows.t;
  let max = 0;
  for (let e = 0; e < length; e++) max = Math.max(max, t[to[e]] - t[from[e]]);
  return max;
}

/** Edges whose time span meets [t0, t1]: a range [lo, hi) of edge indices to scan (edges are in `to` row order), the caller checks the send time. */
export function edgeRange(model: RunModel, t0: number, t1: number, maxLat: number): [number, number] {
  const { to, length } = model.edges;
  const t = model.rows.t;
  const first = (x: number): number => {
    let lo = 0;
    let hi = length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t[to[mid]] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return [first(t0), first(t1 + maxLat + 1e-9)];
}

/** Does edge `e` meet the window [t0, t1]? */
export function edgeVisible(model: RunModel, e: number, t0: number, t1: number): boolean {
  const t = model.rows.t;
  return t[model.edges.from[e]] <= t1 && t[model.edges.to[e]] >= t0;
}

/** First index in the sorted `a` whose value is >= x (`a.length` when none). */
export function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in the sorted `a` whose value is > x. */
export function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Sorted per-lane and per-link time arrays, built once, so that a zoomed-out frame counts
 * what falls in each pixel column with two binary searches instead of visiting every row:
 * a frame then costs O(width · log n) whatever the trace length.
 */
export interface DensityIndex {
  /** Per lane: times of its rows that are drawn as events (not state or clock rows). */
  eventTimes: Float64Array[];
  /** Per lane: each of those rows' position in the lane (ascending), to split at a causal cutoff. */
  eventPos: Int32Array[];
  /** Per (from lane · laneCount + to lane): the send times of its message edges, sorted. */
  linkTimes: Map<number, Float64Array>;
  laneCount: number;
}

export function densityIndex(model: RunModel): DensityIndex {
  const { t, kind } = model.rows;
  const eventTimes: Float64Array[] = [];
  const eventPos: Int32Array[] = [];
  for (const list of model.laneRows) {
    let n = 0;
    for (const r of list) if (kind[r] !== K.state && kind[r] !== K.clock) n++;
    const times = new Float64Array(n);
    const pos = new Int32Array(n);
    let i = 0;
    for (let p = 0; p < list.length; p++) {
      const r = list[p];
      if (kind[r] === K.state || kind[r] === K.clock) continue;
      times[i] = t[r];
      pos[i++] = p;
    }
    eventTimes.push(times);
    eventPos.push(pos);
  }
  const laneCount = model.lanes.length;
  const lists = new Map<number, number[]>();
  const { from, to, length } = model.edges;
  const lane = model.rows.lane;
  for (let e = 0; e < length; e++) {
    const key = lane[from[e]] * laneCount + lane[to[e]];
    let list = lists.get(key);
    if (list === undefined) lists.set(key, (list = []));
    list.push(t[from[e]]);
  }
  const linkTimes = new Map<number, Float64Array>();
  for (const [key, list] of lists) linkTimes.set(key, Float64Array.from(list).sort());
  return { eventTimes, eventPos, linkTimes, laneCount };
}

/**
 * Per-pixel-column counts of a lane's event rows in [t0, t1] drawn `width` columns wide,
 * split in two: rows inside the causal cone and rows outside it. The cone is a prefix of
 * each lane (causalPast), given as `cutoff`: the last lane position inside it (-1: none;
 * undefined: no cone, everything inside).
 */
export function laneDensity(index: DensityIndex, lane: number, t0: number, t1: number, width: number, cutoff?: number): { inside: Uint32Array; outside: Uint32Array; max: number } {
  const inside = new Uint32Array(width);
  const outside = new Uint32Array(width);
  const times = index.eventTimes[lane];
  const split = cutoff === undefined ? times.length : upperBound(index.eventPos[lane], cutoff);
  const step = (t1 - t0) / width;
  let max = 0;
  let lo = lowerBound(times, t0);
  for (let c = 0; c < width; c++) {
    // Column c holds [t0 + c·step, t0 + (c+1)·step), the last one also t1 itself.
    const hi = c === width - 1 ? upperBound(times, t1) : lowerBound(times, t0 + (c + 1) * step);
    const n = Math.max(0, hi - lo);
    if (n > 0) {
      const inn = Math.max(0, Math.min(hi, split) - lo);
      inside[c] = inn;
      outside[c] = n - inn;
      if (n > max) max = n;
    }
    lo = Math.max(lo, hi);
  }
  return { inside, outside, max };
}

/**
 * Message density when there are too many arrows: per bucket of `bucketPx` columns (by send
 * time in [t0, t1]) and per (from lane, to lane) pair, how many edges. A flat list of
 * [bucket, fromLane, toLane, count] quadruples.
 */
export function arrowDensity(index: DensityIndex, t0: number, t1: number, width: number, bucketPx: number): Int32Array {
  const buckets = Math.max(1, Math.ceil(width / bucketPx));
  const step = ((t1 - t0) * bucketPx) / width;
  const out: number[] = [];
  const L = index.laneCount;
  for (const [key, times] of index.linkTimes) {
    let lo = lowerBound(times, t0);
    const end = upperBound(times, t1);
    if (lo >= end) continue;
    for (let b = 0; b < buckets && lo < end; b++) {
      const hi = b === buckets - 1 ? end : Math.min(end, lowerBound(times, t0 + (b + 1) * step));
      if (hi > lo) out.push(b, Math.floor(key / L), key % L, hi - lo);
      lo = Math.max(lo, hi);
    }
  }
  return Int32Array.from(out);
}

/** Per lane: the last lane position inside a causal mask (-1 when none of the lane is). */
export function laneCutoffs(model: RunModel, mask: Uint8Array): Int32Array {
  const cut = new Int32Array(model.lanes.length).fill(-1);
  model.laneRows.forEach((list, lane) => {
    for (let p = list.length - 1; p >= 0; p--) {
      if (mask[list[p]] === 1) {
        cut[lane] = p;
        break;
      }
    }
  });
  return cut;
}

/**
 * The row whose causal past stands for `row`'s: itself, or for a global row (a fault, which
 * has no lane) a row of the same kernel step on a lane: on `lane` when given and the step
 * has one there, else the first such row after it, else before it; else the row itself.
 */
export function anchorRow(model: RunModel, row: number, lane = -1): number {
  const rows = model.rows;
  if (row < 0 || row >= rows.length || rows.lane[row] >= 0) return row;
  const step = rows.step[row];
  let after = -1;
  let before = -1;
  for (let r = row + 1; r < rows.length && rows.step[r] === step; r++) {
    if (rows.lane[r] === lane && lane >= 0) return r;
    if (rows.lane[r] >= 0 && after < 0) after = r;
  }
  for (let r = row - 1; r >= 0 && rows.step[r] === step; r--) {
    if (rows.lane[r] === lane && lane >= 0) return r;
    if (rows.lane[r] >= 0 && before < 0) before = r;
  }
  return after >= 0 ? after : before >= 0 ? before : row;
}

/**
 * The lane a violation is drawn on: its own, else the lane a checker names first in its
 * message ("n2 (restarted) no longer holds..."), else -1.
 */
export function violationLane(lanes: ReadonlyArray<{ name: string }>, lane: number, message: string): number {
  if (lane >= 0) return lane;
  const m = /^([nc]\d+)\b/.exec(message);
  return m === null ? -1 : lanes.findIndex((l) => l.name === m[1]);
}

/** The window the page opens on: around row `row`, wide enough to hold the ~`context` rows before it. */
export function windowAround(model: RunModel, row: number, context = 300): [number, number] {
  const t = model.rows.t;
  if (row < 0 || row >= model.rows.length) return [model.startUs, model.endUs];
  const tr = t[row];
  const before = t[Math.max(0, row - context)];
  let span = Math.max(tr - before, 5_000);
  span = Math.min(span, model.endUs - model.startUs);
  const t0 = Math.max(model.startUs, tr - span);
  const t1 = tr + span * 0.15 + 1_000;
  return [t0, t1];
}

/** Short axis label for a tick at `us` when ticks are `step` µs apart. */
export function tickLabel(us: number, step: number): string {
  if (step >= 1_000_000) return `${+(us / 1e6).toFixed(Math.max(0, -Math.floor(Math.log10(step / 1e6))))} s`;
  if (step >= 1_000) {
    if (us >= 1_000_000) return `${+(us / 1e6).toFixed(Math.max(3, 6 - Math.floor(Math.log10(step))))} s`;
    return `${+(us / 1e3).toFixed(Math.max(0, 3 - Math.floor(Math.log10(step))))} ms`;
  }
  if (us >= 1_000_000) return `${+(us / 1e6).toFixed(6)} s`;
  if (us >= 1_000) return `${+(us / 1e3).toFixed(3)} ms`;
  return `${Math.round(us)} µs`;
}

/** Distance from point (px, py) to the segment (ax, ay)–(bx, by). */
export function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + u * dx), py - (ay + u * dy));
}

/** A clock segment's text: "clock +12.000 ms, drift 100 ppm". */
export function clockText(offsetUs: number, driftPpm: number): string {
  const ms = offsetUs / 1000;
  return `clock ${ms >= 0 ? '+' : ''}${ms.toFixed(3)} ms${driftPpm !== 0 ? `, drift ${driftPpm} ppm` : ''}`;
}
