// The linearizability counterexample drawn over the client history's bars: each step's
// linearization point (a dot on its op's bar, numbered in order, joined by a line), a
// dashed line from the last point to the op that could not be linearized, that op
// outlined in red and labelled, and the step hovered in the list highlighted.
import type { Ops } from '../shared/data.js';
import type { Counterexample } from './history-counterexample.js';
import type { HistoryLayout } from './history-layout.js';

export const CX_RED = '#c8102e';
export const CX_POINT = '#0072b2';

/** Where the history draws: its context, time and row mapping, and its outline helper. */
export interface Plot {
  g: CanvasRenderingContext2D;
  /** x of time t (µs). */
  x(t: number): number;
  /** y of the middle of layout row `ri`. */
  y(ri: number): number;
  rowPx: number;
  axis: number;
  gutter: number;
  right: number;
  /** Outline an op's bar. */
  outline(op: number, colour: string, lineWidth: number): void;
}

export function drawCounterexample(p: Plot, cx: Counterexample, ops: Ops, layout: HistoryLayout, stepOf: ReadonlyMap<number, number>, highlighted: number): void {
  const g = p.g;
  g.strokeStyle = CX_POINT;
  g.lineWidth = 1.5;
  g.beginPath();
  let started = false;
  const points: Array<[number, number, number]> = [];
  for (const s of cx.linearization) {
    const ri = s.op >= 0 ? layout.rowOf[s.op] : -1;
    if (ri < 0) continue;
    const x = p.x(s.pointUs);
    const y = p.y(ri);
    points.push([x, y, s.op]);
    if (!started) g.moveTo(x, y);
    else g.lineTo(x, y);
    started = true;
  }
  g.stroke();
  g.font = '600 10px system-ui, sans-serif';
  // Step numbers, skipped where they would overlap the previous one on the same row.
  const labelEnd = new Map<number, number>();
  for (const [x, y, op] of points) {
    const hot = op === highlighted;
    g.fillStyle = hot ? CX_RED : CX_POINT;
    g.beginPath();
    g.arc(x, y, hot ? 4.5 : 3, 0, Math.PI * 2);
    g.fill();
    const text = String(stepOf.get(op) ?? '');
    const tw = g.measureText(text).width;
    if (!hot && x + 4 < (labelEnd.get(y) ?? -Infinity) + 3) continue;
    labelEnd.set(y, x + 4 + tw);
    // Above the dot, but never into the axis.
    const ly = Math.max(p.axis + 5, y - p.rowPx / 2);
    g.fillStyle = 'rgba(255,255,255,0.8)';
    g.fillRect(x + 3, ly - 5, tw + 2, 10);
    g.fillStyle = hot ? CX_RED : '#0b2545';
    g.fillText(text, x + 4, ly);
  }
  if (cx.op >= 0 && layout.rowOf[cx.op] >= 0) {
    // A dashed line from the last linearized point to the op that could not follow it.
    const last = points[points.length - 1];
    if (last !== undefined) {
      g.setLineDash([4, 3]);
      g.strokeStyle = CX_RED;
      g.lineWidth = 1.5;
      g.beginPath();
      g.moveTo(last[0], last[1]);
      g.lineTo(p.x(ops.invokeUs[cx.op]), p.y(layout.rowOf[cx.op]));
      g.stroke();
      g.setLineDash([]);
    }
    p.outline(cx.op, CX_RED, 2.5);
    const ri = layout.rowOf[cx.op];
    // Its label beside the bar: to the right when it fits, else to the left.
    g.font = '600 11px system-ui, sans-serif';
    const label = '✗ not linearizable';
    const tw = g.measureText(label).width;
    const ly = p.y(ri);
    const barEndX = p.x(layout.solid[cx.op]);
    const lx = barEndX + 6 + tw <= p.right ? barEndX + 6 : Math.max(p.gutter + 2, p.x(ops.invokeUs[cx.op]) - tw - 8);
    g.fillStyle = 'rgba(255,255,255,0.9)';
    g.fillRect(lx - 2, ly - 7, tw + 4, 14);
    g.fillStyle = CX_RED;
    g.fillText(label, lx, ly);
  }
  if (highlighted >= 0) p.outline(highlighted, CX_RED, 2);
}
