// Hit-testing the diagram: which event or message arrow is under the mouse. Two static
// spatial indexes (flatbush), built once on first use, in (true time µs, canvas y px)
// coordinates: one point per lane row, one box per message edge. A query asks for the box
// of a few pixels around the mouse (converted to µs at the current zoom), then keeps the
// nearest candidate measured in screen pixels.
import Flatbush from 'flatbush';
import type { ScaleLinear } from 'd3-scale';
import { K } from '../shared/data.js';
import { AXIS_H, EVENT_Y, MAX_ARROWS, MAX_LANE_EVENTS, segmentDistance, STRIP_H, STRIP_Y } from './diagram-layout.js';
import type { RunModel } from './model.js';

export type Hit = { type: 'row'; row: number } | { type: 'edge'; edge: number } | undefined;

export class HitIndex {
  private rowsIndex: Flatbush | undefined;
  private rowIds: Int32Array = new Int32Array(0);
  private edgeIndex: Flatbush | undefined;
  /** Milliseconds the last build took (shown by the test hook). */
  buildMs = 0;

  constructor(
    private readonly model: RunModel,
    private readonly tops: Float64Array,
  ) {}

  /** Canvas y of a row's glyph (state rows: the middle of the state strip). */
  rowY(row: number): number {
    const lane = this.model.rows.lane[row];
    // Global rows (network faults) are drawn just under the axis, at the top of the first lane.
    if (lane < 0) return AXIS_H + 4;
    return this.tops[lane] + (this.model.rows.kind[row] === K.state ? STRIP_Y + STRIP_H / 2 : EVENT_Y);
  }

  /** Build the indexes now (idempotent; the view calls it when the page is idle). */
  build(): void {
    if (this.rowsIndex !== undefined) return;
    const started = performance.now();
    const { rows, edges } = this.model;
    let n = 0;
    const indexed = (r: number): boolean => (rows.lane[r] >= 0 ? rows.kind[r] !== K.clock : rows.kind[r] === K.fault);
    for (let r = 0; r < rows.length; r++) if (indexed(r)) n++;
    this.rowIds = new Int32Array(n);
    const index = new Flatbush(Math.max(1, n));
    for (let r = 0; r < rows.length; r++) {
      if (!indexed(r)) continue;
      const y = this.rowY(r);
      this.rowIds[index.add(rows.t[r], y, rows.t[r], y)] = r;
    }
    if (n === 0) index.add(0, -1e9, 0, -1e9);
    index.finish();
    this.rowsIndex = index;
    const ei = new Flatbush(Math.max(1, edges.length));
    for (let e = 0; e < edges.length; e++) {
      const a = edges.from[e];
      const b = edges.to[e];
      const ya = this.rowY(a);
      const yb = edges.how[e] === 3 ? ya - 8 : this.rowY(b);
      ei.add(rows.t[a], Math.min(ya, yb), rows.t[b], Math.max(ya, yb));
    }
    if (edges.length === 0) ei.add(0, -1e9, 0, -1e9);
    ei.finish();
    this.edgeIndex = ei;
    this.buildMs = performance.now() - started;
  }

  /**
   * What is at canvas point (px, py) with the time scale `x`. Events win over arrows when
   * both are within reach. `dense(lane)` says a lane is drawn as a density (no single events
   * to hit there); `arrowsDense` that arrows are (no single arrow to hit).
   */
  at(px: number, py: number, x: ScaleLinear<number, number>, dense: (lane: number) => boolean, arrowsDense: boolean): Hit {
    this.build();
    const rows = this.model.rows;
    const tol = 6;
    const tA = x.invert(px - tol);
    const tB = x.invert(px + tol);
    let best: Hit;
    let bestD = tol + 0.01;
    const found = this.rowsIndex!.search(tA, py - tol, tB, py + tol, (i) => rows.lane[this.rowIds[i]] < 0 || !dense(rows.lane[this.rowIds[i]]));
    for (const i of found.length > 4 * MAX_LANE_EVENTS ? [] : found) {
      const r = this.rowIds[i];
      const d = Math.hypot(x(rows.t[r]) - px, this.rowY(r) - py);
      // Prefer the glyph rows (not the strip) on ties: state rows only when nearer.
      if (d < bestD) {
        bestD = d;
        best = { type: 'row', row: r };
      }
    }
    if (best !== undefined || arrowsDense) return best;
    const edges = this.model.edges;
    const cand = this.edgeIndex!.search(tA, py - tol, tB, py + tol);
    bestD = 4.01;
    for (const e of cand.length > 4 * MAX_ARROWS ? [] : cand) {
      const a = edges.from[e];
      const b = edges.to[e];
      const ax = x(rows.t[a]);
      const ay = this.rowY(a);
      const [bx, by] = edges.how[e] === 3 ? [ax + 10, ay - 8] : [x(rows.t[b]), this.rowY(b)];
      const d = segmentDistance(px, py, ax, ay, bx, by);
      if (d < bestD) {
        bestD = d;
        best = { type: 'edge', edge: e };
      }
    }
    return best;
  }
}
