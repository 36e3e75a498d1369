// What the views derive from one run's rows, once, in linear time: the rows of each lane,
// each message's send, deliveries and drop, each row's predecessor on its lane, the state
// rows, the partition bands and the clock segments; and, on demand, a row's causal past.
import { K, type Lane, type Ops, type ReportRun, type Rows } from '../shared/data.js';

/** A span of time in which some links were blocked: the lanes grouped by what can still reach what. */
export interface Band {
  startUs: number;
  /** The end (the run's end when never healed). */
  endUs: number;
  /** Per lane: its connected group (0, 1, 2...; lanes in the same group reach each other). */
  group: Int32Array;
  groups: number;
  /** Directed blocked links. */
  blocked: Array<[number, number]>;
  label: string;
}

/** A lane's clock from `startUs` on: local minus true time at startUs, and drift. */
export interface ClockSegment {
  lane: number;
  startUs: number;
  offsetUs: number;
  driftPpm: number;
}

/** One message edge: from its send row to a deliver or drop row (a duplicate is a second edge). */
export interface Edges {
  length: number;
  from: Int32Array;
  to: Int32Array;
  /** 0 delivered, 1 duplicate delivery, 2 dropped in flight (at the receiver), 3 dropped at send (no `to` row: `to` is the drop row on the sender). */
  how: Uint8Array;
}

export class RunModel {
  readonly rows: Rows;
  readonly ops: Ops;
  readonly lanes: Lane[];
  readonly strings: string[];
  /** Rows of each lane, in order. */
  readonly laneRows: Int32Array[];
  /** Each row's position in its lane's list (-1 for global rows). */
  readonly lanePos: Int32Array;
  /** Per message id: its send row (-1 when not seen). */
  readonly sendOf: Int32Array;
  readonly edges: Edges;
  /** Per row: the edge that ends there (deliver or drop), or -1. */
  readonly edgeTo: Int32Array;
  /** Rows that are global (lane -1): faults and link changes. */
  readonly globalRows: Int32Array;
  readonly bands: Band[];
  readonly clocks: ClockSegment[];
  readonly startUs: number;
  readonly endUs: number;

  constructor(readonly run: ReportRun) {
    const rows = run.rows;
    this.rows = rows;
    this.ops = run.ops;
    this.lanes = run.lanes;
    this.strings = run.strings;
    const n = rows.length;
    const laneCount = run.lanes.length;

    // Rows per lane (two passes: count, then fill).
    const counts = new Int32Array(laneCount);
    let globals = 0;
    for (let r = 0; r < n; r++) {
      const l = rows.lane[r];
      if (l >= 0 && l < laneCount) counts[l]++;
      else globals++;
    }
    this.laneRows = Array.from(counts, (c) => new Int32Array(c));
    this.globalRows = new Int32Array(globals);
    this.lanePos = new Int32Array(n).fill(-1);
    const fill = new Int32Array(laneCount);
    let g = 0;
    let maxMsg = -1;
    for (let r = 0; r < n; r++) {
      const l = rows.lane[r];
      if (l >= 0 && l < laneCount) {
        this.lanePos[r] = fill[l];
        this.laneRows[l][fill[l]++] = r;
      } else this.globalRows[g++] = r;
      if (rows.msg[r] > maxMsg) maxMsg = rows.msg[r];
    }

    // Messages: send rows by id, then one edge per deliver or drop.
    this.sendOf = new Int32Array(maxMsg + 1).fill(-1);
    let edgeCount = 0;
    for (let r = 0; r < n; r++) {
      const k = rows.kind[r];
      if (k === K.send) this.sendOf[rows.msg[r]] = r;
      else if (k === K.deliver || k === K.drop) edgeCount++;
    }
    const from = new Int32Array(edgeCount);
    const to = new Int32Array(edgeCount);
    const how = new Uint8Array(edgeCount);
    this.edgeTo = new Int32Array(n).fill(-1);
    const delivered = new Uint8Array(maxMsg + 1);
    let e = 0;
    for (let r = 0; r < n; r++) {
      const k = rows.kind[r];
      if (k !== K.deliver && k !== K.drop) continue;
      const id = rows.msg[r];
      const s = id >= 0 ? this.sendOf[id] : -1;
      if (s < 0) continue;
      from[e] = s;
      to[e] = r;
      if (k === K.deliver) how[e] = delivered[id]++ > 0 ? 1 : 0;
      else how[e] = rows.lane[r] === rows.lane[s] ? 3 : 2;
      this.edgeTo[r] = e;
      e++;
    }
    this.edges = { length: e, from: from.subarray(0, e), to: to.subarray(0, e), how: how.subarray(0, e) };

    this.startUs = n > 0 ? rows.t[0] : 0;
    this.endUs = Math.max(run.meta.simulatedUs, n > 0 ? rows.t[n - 1] : 0, this.startUs + 1);
    this.bands = this.buildBands();
    this.clocks = this.buildClocks();
  }

  /** Text of a string index ('' for -1). */
  text(index: number): string {
    return index >= 0 ? (this.strings[index] ?? '') : '';
  }

  /** The trace row's kind name. */
  kindName(row: number): string {
    return KIND_LABELS[this.rows.kind[row]] ?? 'event';
  }

  /** The first row at or after true time `t` (n when none). */
  rowAt(t: number): number {
    const ts = this.rows.t;
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ts[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** In a lane's row list, the first position whose time is at or after `t`. */
  lanePosAt(lane: number, t: number): number {
    const list = this.laneRows[lane];
    const ts = this.rows.t;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ts[list[mid]] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The last state row of `lane` at or before `row` (-1: none). */
  stateBefore(lane: number, row: number): number {
    const list = this.laneRows[lane];
    if (list === undefined) return -1;
    let pos = this.lanePos[row] >= 0 && this.rows.lane[row] === lane ? this.lanePos[row] : this.lanePosAt(lane, this.rows.t[row] + 1) - 1;
    for (; pos >= 0; pos--) if (this.rows.kind[list[pos]] === K.state) return list[pos];
    return -1;
  }

  /** The first state row of `lane` after `row` within the same step, else the state before it (the state after the step). */
  stateAfter(lane: number, row: number): number {
    const list = this.laneRows[lane];
    if (list === undefined) return -1;
    const step = this.rows.step[row];
    let pos = this.lanePos[row] >= 0 && this.rows.lane[row] === lane ? this.lanePos[row] : this.lanePosAt(lane, this.rows.t[row] + 1) - 1;
    let found = -1;
    for (pos = Math.max(pos, 0); pos < list.length && this.rows.step[list[pos]] === step; pos++) if (this.rows.kind[list[pos]] === K.state) found = list[pos];
    return found >= 0 ? found : this.stateBefore(lane, row);
  }

  /**
   * The causal past of `row` (Lamport's happens-before, inclusive): every row that precedes
   * it on its lane, and, through each delivery, the send and everything before the send.
   * A global row (a fault) has no past but itself. One linear pass backwards.
   */
  causalPast(row: number): Uint8Array {
    const n = this.rows.length;
    const mask = new Uint8Array(n);
    if (row < 0 || row >= n) return mask;
    const rows = this.rows;
    // For each lane, the latest row already known to be in the cone (its whole lane prefix is then in).
    const laneUpTo = new Int32Array(this.lanes.length).fill(-1);
    const stack: number[] = [row];
    while (stack.length > 0) {
      const r = stack.pop()!;
      const lane = rows.lane[r];
      if (lane < 0 || lane >= this.lanes.length) {
        mask[r] = 1;
        continue;
      }
      const pos = this.lanePos[r];
      const done = laneUpTo[lane];
      if (pos <= done) continue;
      laneUpTo[lane] = pos;
      // Everything on the lane from pos down to the part already covered.
      const list = this.laneRows[lane];
      for (let p = pos; p > done; p--) {
        const x = list[p];
        mask[x] = 1;
        const e = this.edgeTo[x];
        if (e >= 0 && this.edges.how[e] !== 3) stack.push(this.edges.from[e]);
      }
    }
    return mask;
  }

  private buildBands(): Band[] {
    const rows = this.rows;
    const bands: Band[] = [];
    let open: Band | undefined;
    for (const r of this.globalRows) {
      if (rows.kind[r] !== K.links) continue;
      let blocked: Array<[number, number]> = [];
      try {
        blocked = (JSON.parse(this.text(rows.body[r])) as { blocked: Array<[number, number]> }).blocked;
      } catch {
        blocked = [];
      }
      const t = rows.t[r];
      if (open !== undefined) {
        open.endUs = t;
        if (open.endUs > open.startUs) bands.push(open);
        open = undefined;
      }
      if (blocked.length === 0) continue;
      const { group, groups } = components(this.lanes, blocked);
      open = { startUs: t, endUs: this.endUs, group, groups, blocked, label: bandLabel(group, groups, blocked, this.lanes) };
    }
    if (open !== undefined) bands.push(open);
    return bands;
  }

  private buildClocks(): ClockSegment[] {
    const out: ClockSegment[] = [];
    const rows = this.rows;
    for (let r = 0; r < rows.length; r++) {
      if (rows.kind[r] !== K.clock) continue;
      try {
        const c = JSON.parse(this.text(rows.body[r])) as { offsetUs: number; driftPpm: number };
        out.push({ lane: rows.lane[r], startUs: rows.t[r], offsetUs: c.offsetUs, driftPpm: c.driftPpm });
      } catch {
        // not a clock body: skip
      }
    }
    return out;
  }
}

export const KIND_LABELS: readonly string[] = ['send', 'deliver', 'drop', 'timer', 'crash', 'restart', 'pause', 'resume', 'note', 'state', 'op', 'fault', 'buggify', 'clock', 'links'];

/**
 * Nodes grouped by reachability over the links that are not blocked (a link joins two
 * nodes only when it is up both ways). Clients do not join groups (they usually reach
 * every side, which would make one group of all): a client gets the group of the only side
 * it reaches, else -1 (it reaches several sides, or none).
 */
function components(lanes: Lane[], blocked: Array<[number, number]>): { group: Int32Array; groups: number } {
  const laneCount = lanes.length;
  const cut = new Set<number>();
  for (const [a, b] of blocked) cut.add(a * laneCount + b);
  const up = (x: number, y: number) => !cut.has(x * laneCount + y) && !cut.has(y * laneCount + x);
  const isNode = (l: number) => lanes[l]?.kind === 'node';
  const group = new Int32Array(laneCount).fill(-1);
  let groups = 0;
  for (let start = 0; start < laneCount; start++) {
    if (!isNode(start) || group[start] >= 0) continue;
    const stack = [start];
    group[start] = groups;
    while (stack.length > 0) {
      const x = stack.pop()!;
      for (let y = 0; y < laneCount; y++) {
        if (!isNode(y) || group[y] >= 0 || !up(x, y)) continue;
        group[y] = groups;
        stack.push(y);
      }
    }
    groups++;
  }
  for (let c = 0; c < laneCount; c++) {
    if (isNode(c)) continue;
    const reached = new Set<number>();
    for (let n = 0; n < laneCount; n++) if (isNode(n) && up(c, n)) reached.add(group[n]);
    group[c] = reached.size === 1 ? [...reached][0] : -1;
  }
  return { group, groups };
}

function bandLabel(group: Int32Array, groups: number, blocked: Array<[number, number]>, lanes: Lane[]): string {
  if (groups <= 1) return `${blocked.length} link${blocked.length === 1 ? '' : 's'} blocked`;
  const names: string[][] = Array.from({ length: groups }, () => []);
  for (let l = 0; l < group.length; l++) if (lanes[l]?.kind === 'node' && group[l] >= 0) names[group[l]].push(lanes[l].name);
  return `partition ${names.filter((g) => g.length > 0).map((g) => `{${g.join(' ')}}`).join(' | ')}`;
}
