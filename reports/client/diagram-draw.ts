// Painting one frame of the space-time diagram on its canvas: only what falls in the time
// window. Lanes with few rows in the window get one glyph per event and one arrow per
// message; busier lanes and windows are drawn as per-pixel densities instead, so the cost
// of a frame is bounded by the canvas width, not by the trace length.
import type { ScaleLinear } from 'd3-scale';
import { K } from '../shared/data.js';
import { arrowDensity, clockText, EVENT_Y, edgeRange, GUTTER_W, LANE_H, laneDensity, laneRange, lowerBound, MAX_ARROWS, MAX_LANE_EVENTS, roleOfSummary, STRIP_H, STRIP_Y, tickLabel, upperBound, type DensityIndex, type Span } from './diagram-layout.js';
import { cross, densityBuffer, DROP, DUP, FADE, glyph, head, INK, label, line, MSG, PALE_PX, STRONG_PX, type DensityBuffer } from './diagram-glyphs.js';
import type { RunModel } from './model.js';

/** A vertical mark drawn across the lanes (the divergence in a diff). */
export interface Mark {
  tUs: number;
  row: number;
  label: string;
  colour: string;
}

/** What the painter needs, prepared once per diagram. */
export interface Scene {
  model: RunModel;
  order: number[];
  tops: Float64Array;
  spans: { down: Span[]; paused: Span[] };
  /** Per lane: its state rows, and per state row its colour. */
  stateRows: Int32Array[];
  stateColour: Map<number, string>;
  maxLat: number;
  density: DensityIndex;
  /** Per lane, per rare kind (crash, restart, pause, resume, buggify): its rows and their times, drawn even in a density. */
  rare: Array<Array<{ rows: Int32Array; times: Float64Array }>>;
  /** Per lane: the times of its state rows (parallel to stateRows). */
  stateTimes: Float64Array[];
  /** Per clock segment (model.clocks): the start of the lane's next segment (the run's end for the last). */
  clockNext: Float64Array;
  faultsStopUs: number;
  violation: { row: number; lane: number; tUs: number; label: string } | undefined;
  marks: Mark[];
  hatch: CanvasPattern | null;
}

/** The view's state for one frame. */
export interface FrameState {
  x: ScaleLinear<number, number>;
  t0: number;
  t1: number;
  /** CSS size of the canvas. */
  width: number;
  height: number;
  /** Causal cone of the selection (undefined: nothing faded). */
  mask: Uint8Array | undefined;
  /** The same cone as per-lane prefixes: the last lane position inside it. */
  cutoffs: Int32Array | undefined;
  selected: number;
  hovered: number;
  hoveredEdge: number;
}

/** What a frame drew (read by the tests through the page hook). */
export interface FrameStats {
  rows: number;
  arrows: number;
  densityLanes: number;
  arrowDensity: boolean;
  /** Milliseconds each part of the frame took to issue. */
  sections: Record<string, number>;
}

const GROUP_TINTS = ['rgba(66,133,244,0.10)', 'rgba(234,67,53,0.12)', 'rgba(52,168,83,0.12)', 'rgba(251,188,5,0.16)', 'rgba(171,71,188,0.12)'];
export function paint(g: CanvasRenderingContext2D, s: Scene, f: FrameState): FrameStats {
  const stats: FrameStats = { rows: 0, arrows: 0, densityLanes: 0, arrowDensity: false, sections: {} };
  const right = f.width;
  g.clearRect(0, 0, f.width, f.height);
  g.save();
  g.beginPath();
  g.rect(GUTTER_W, 0, right - GUTTER_W, f.height);
  g.clip();
  let mark = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    stats.sections[name] = now - mark;
    mark = now;
  };
  lanesBackground(g, s, f);
  lap('background');
  stateStrips(g, s, f);
  lap('state');
  arrows(g, s, f, stats);
  lap('arrows');
  events(g, s, f, stats);
  lap('events');
  clocks(g, s, f);
  verticals(g, s, f);
  g.restore();
  axis(g, s, f);
  lap('rest');
  return stats;
}

function xOf(f: FrameState, t: number): number {
  return f.x(t);
}

function lanesBackground(g: CanvasRenderingContext2D, s: Scene, f: FrameState): void {
  const { model } = s;
  s.order.forEach((lane, i) => {
    const top = s.tops[lane];
    g.fillStyle = i % 2 === 0 ? '#ffffff' : '#f5f6f8';
    g.fillRect(GUTTER_W, top, f.width - GUTTER_W, LANE_H);
    g.strokeStyle = '#d5d9e0';
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(GUTTER_W, top + EVENT_Y + 0.5);
    g.lineTo(f.width, top + EVENT_Y + 0.5);
    g.stroke();
  });
  // Partition bands: each lane tinted by its group while the links are cut.
  for (const b of model.bands) {
    if (b.endUs < f.t0 || b.startUs > f.t1) continue;
    const x0 = Math.max(GUTTER_W, xOf(f, b.startUs));
    const x1 = Math.min(f.width, xOf(f, b.endUs));
    for (const lane of s.order) {
      if (b.group[lane] < 0) continue; // a client that reaches several sides
      g.fillStyle = GROUP_TINTS[b.group[lane] % GROUP_TINTS.length];
      g.fillRect(x0, s.tops[lane], Math.max(1, x1 - x0), LANE_H);
    }
    g.fillStyle = '#5b6472';
    g.font = 'italic 10px system-ui, sans-serif';
    g.textBaseline = 'top';
    if (x1 - x0 > 40) g.fillText(b.label, x0 + 3, s.tops[s.order[0]] + 1, x1 - x0 - 6);
  }
  // Down (crashed) lanes greyed; paused lanes hatched.
  for (const d of s.spans.down) {
    if (d.endUs < f.t0 || d.startUs > f.t1) continue;
    const x0 = Math.max(GUTTER_W, xOf(f, d.startUs));
    g.fillStyle = 'rgba(120,125,135,0.28)';
    g.fillRect(x0, s.tops[d.lane], Math.max(1, Math.min(f.width, xOf(f, d.endUs)) - x0), LANE_H);
  }
  for (const p of s.spans.paused) {
    if (p.endUs < f.t0 || p.startUs > f.t1) continue;
    const x0 = Math.max(GUTTER_W, xOf(f, p.startUs));
    g.fillStyle = s.hatch ?? 'rgba(230,140,30,0.2)';
    g.fillRect(x0, s.tops[p.lane] + 2, Math.max(1, Math.min(f.width, xOf(f, p.endUs)) - x0), LANE_H - 4);
  }
}

function stateStrips(g: CanvasRenderingContext2D, s: Scene, f: FrameState): void {
  const { model } = s;
  const t = model.rows.t;
  g.font = '10px system-ui, sans-serif';
  g.textBaseline = 'middle';
  for (const lane of s.order) {
    const list = s.stateRows[lane];
    if (list.length === 0) continue;
    const y = s.tops[lane] + STRIP_Y;
    const times = s.stateTimes[lane];
    if (upperBound(times, f.t1) - lowerBound(times, f.t0) > (f.width - GUTTER_W) * 2) {
      sampledStrip(g, s, f, lane, y);
      continue;
    }
    // First state row in force at t0.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t[list[mid]] <= f.t0) lo = mid + 1;
      else hi = mid;
    }
    let runColour = '';
    let runX = 0;
    let lastX = 0;
    for (let i = Math.max(0, lo - 1); i < list.length; i++) {
      const r = list[i];
      if (t[r] > f.t1) break;
      const x0 = Math.max(GUTTER_W, xOf(f, t[r]));
      const x1 = Math.min(f.width, i + 1 < list.length ? xOf(f, t[list[i + 1]]) : xOf(f, model.endUs));
      const colour = s.stateColour.get(r) ?? '#ccc';
      const faded = f.mask !== undefined && f.mask[r] === 0;
      const c = faded ? `${colour}|f` : colour;
      if (c !== runColour) {
        if (runColour !== '') drawRun(g, runColour, runX, lastX, y);
        runColour = c;
        runX = x0;
      }
      lastX = Math.max(lastX, x1);
      if (x1 - x0 > 60) {
        drawRun(g, runColour, runX, x1, y);
        runColour = '';
        g.globalAlpha = faded ? 0.35 : 1;
        g.fillStyle = INK;
        // The whole summary when it fits, else its role alone, else nothing (never squeezed).
        const room = x1 - x0 - 6;
        const full = model.text(model.rows.label[r]);
        const text = g.measureText(full).width <= room ? full : roleOfSummary(full);
        if (g.measureText(text).width <= room) g.fillText(text, x0 + 3, y + STRIP_H / 2);
        g.globalAlpha = 1;
      }
    }
    if (runColour !== '') drawRun(g, runColour, runX, lastX, y);
  }
}

/** A busy state strip: per pixel column, the colour of the state in force at the column's end. */
function sampledStrip(g: CanvasRenderingContext2D, s: Scene, f: FrameState, lane: number, y: number): void {
  const list = s.stateRows[lane];
  const times = s.stateTimes[lane];
  const pos = s.model.lanePos;
  const cut = f.cutoffs?.[lane];
  const plotW = Math.floor(f.width - GUTTER_W);
  const step = (f.t1 - f.t0) / plotW;
  let run = '';
  let runX = 0;
  for (let c = 0; c < plotW; c++) {
    const i = upperBound(times, f.t0 + (c + 1) * step) - 1;
    let colour = '';
    if (i >= 0) {
      const r = list[i];
      colour = (s.stateColour.get(r) ?? '#ccc') + (cut !== undefined && pos[r] > cut ? '|f' : '');
    }
    if (colour !== run) {
      if (run !== '') drawRun(g, run, runX, GUTTER_W + c, y);
      run = colour;
      runX = GUTTER_W + c;
    }
  }
  if (run !== '') drawRun(g, run, runX, GUTTER_W + plotW, y);
}

function drawRun(g: CanvasRenderingContext2D, c: string, x0: number, x1: number, y: number): void {
  const faded = c.endsWith('|f');
  g.globalAlpha = faded ? 0.25 : 0.85;
  g.fillStyle = faded ? c.slice(0, -2) : c;
  g.fillRect(x0, y, Math.max(1, x1 - x0), STRIP_H);
  g.globalAlpha = 1;
}

function laneY(s: Scene, row: number): number {
  const lane = s.model.rows.lane[row];
  return lane >= 0 ? s.tops[lane] + EVENT_Y : s.tops[s.order[0]] + 4;
}

function arrows(g: CanvasRenderingContext2D, s: Scene, f: FrameState, stats: FrameStats): void {
  const { model } = s;
  const t = model.rows.t;
  const { from, to, how } = model.edges;
  const [lo, hi] = edgeRange(model, f.t0, f.t1, s.maxLat);
  let count = 0;
  for (let e = lo; e < hi && count <= MAX_ARROWS; e++) if (t[from[e]] <= f.t1) count++;
  if (count > MAX_ARROWS) {
    // Too many to draw one by one: lines per (bucket, from lane, to lane), darker for more messages.
    stats.arrowDensity = true;
    const bucket = 6;
    const quads = arrowDensity(s.density, f.t0, f.t1, f.width - GUTTER_W, bucket);
    let max = 1;
    for (let i = 3; i < quads.length; i += 4) max = Math.max(max, quads[i]);
    // Batched by opacity level: one path per level, so a frame is a handful of strokes.
    const LEVELS = 8;
    const paths = Array.from({ length: LEVELS }, () => new Path2D());
    for (let i = 0; i < quads.length; i += 4) {
      const x = GUTTER_W + quads[i] * bucket;
      const level = Math.min(LEVELS - 1, Math.floor((Math.log1p(quads[i + 3]) / Math.log1p(max)) * LEVELS));
      paths[level].moveTo(x, s.tops[quads[i + 1]] + EVENT_Y);
      paths[level].lineTo(x + bucket, s.tops[quads[i + 2]] + EVENT_Y);
    }
    g.strokeStyle = MSG;
    g.lineWidth = 1;
    paths.forEach((path, level) => {
      g.globalAlpha = 0.06 + (0.5 * (level + 1)) / LEVELS;
      g.stroke(path);
    });
    g.globalAlpha = 1;
    return;
  }
  for (let e = lo; e < hi; e++) {
    const a = from[e];
    const b = to[e];
    if (t[a] > f.t1) continue;
    stats.arrows++;
    const faded = f.mask !== undefined && (f.mask[b] === 0 || f.mask[a] === 0);
    const hot = e === f.hoveredEdge;
    g.globalAlpha = faded ? FADE : 1;
    const x0 = xOf(f, t[a]);
    const y0 = laneY(s, a);
    if (how[e] === 3) {
      // Lost at send: a short stub from the sender ending in an X.
      g.strokeStyle = DROP;
      g.lineWidth = hot ? 2.5 : 1.2;
      g.setLineDash([2, 2]);
      line(g, x0, y0, x0 + 10, y0 - 8);
      g.setLineDash([]);
      cross(g, x0 + 10, y0 - 8, 3);
      continue;
    }
    const x1 = xOf(f, t[b]);
    const y1 = laneY(s, b);
    g.strokeStyle = how[e] === 1 ? DUP : how[e] === 2 ? DROP : MSG;
    g.lineWidth = hot ? 2.5 : 1;
    if (how[e] === 1) g.setLineDash([5, 3]);
    else if (how[e] === 2) g.setLineDash([2, 2]);
    line(g, x0, y0, x1, y1);
    g.setLineDash([]);
    if (how[e] === 2) cross(g, x1, y1, 4);
    else head(g, x0, y0, x1, y1, g.strokeStyle as string);
  }
  g.globalAlpha = 1;
}

function events(g: CanvasRenderingContext2D, s: Scene, f: FrameState, stats: FrameStats): void {
  const { model } = s;
  const rows = model.rows;
  const plotW = Math.max(1, Math.floor(f.width - GUTTER_W));
  // Density lanes are written as pixels into one buffer, then drawn with a single drawImage.
  let buffer: DensityBuffer | undefined;
  for (const lane of s.order) {
    const [lo, hi] = laneRange(model, lane, f.t0, f.t1);
    stats.rows += hi - lo;
    const y = s.tops[lane] + EVENT_Y;
    if (hi - lo > MAX_LANE_EVENTS) {
      // Density: one bar per pixel column, height by log count; faded part drawn pale.
      stats.densityLanes++;
      const d = laneDensity(s.density, lane, f.t0, f.t1, plotW, f.cutoffs?.[lane]);
      buffer ??= densityBuffer(plotW, f.height);
      const scale = 12 / Math.log1p(Math.max(1, d.max));
      const px = buffer.pixels;
      for (let c = 0; c < plotW; c++) {
        const n = d.inside[c] + d.outside[c];
        if (n === 0) continue;
        const half = (2 + Math.log1p(n) * scale) / 2;
        const colour = d.inside[c] > 0 ? STRONG_PX : PALE_PX;
        const yEnd = Math.min(f.height - 1, Math.round(y + half));
        for (let yy = Math.max(0, Math.round(y - half)); yy <= yEnd; yy++) px[yy * plotW + c] = colour;
      }
      // Rare but important events still get their glyphs.
      // At most one per pixel column and kind (jumping over the rest), without their text labels.
      for (const { rows: rare, times } of s.rare[lane]) {
        let i = lowerBound(times, f.t0);
        while (i < times.length && times[i] <= f.t1) {
          const x = Math.round(xOf(f, times[i]));
          glyph(g, s, f, rare[i], x, y, false);
          i = Math.max(i + 1, lowerBound(times, f.x.invert(x + 1)));
        }
      }
      continue;
    }
    const list = model.laneRows[lane];
    for (let p = lo; p < hi; p++) {
      const r = list[p];
      glyph(g, s, f, r, xOf(f, rows.t[r]), y);
    }
  }
  if (buffer !== undefined) {
    buffer.context.putImageData(buffer.image, 0, 0);
    g.imageSmoothingEnabled = false;
    g.drawImage(buffer.canvas, GUTTER_W, 0, plotW, f.height);
  }
  // Global rows (network faults): small marks just under the axis.
  for (const r of model.globalRows) {
    const tr = rows.t[r];
    if (tr < f.t0 || tr > f.t1 || rows.kind[r] !== K.fault) continue;
    g.fillStyle = '#e67e22';
    g.fillRect(xOf(f, tr) - 1, laneY(s, r) - 4, 2, 8);
  }
  for (const r of [f.hovered, f.selected]) {
    if (r < 0 || r >= rows.length || rows.t[r] < f.t0 || rows.t[r] > f.t1) continue;
    const yy = rows.kind[r] === K.state && rows.lane[r] >= 0 ? s.tops[rows.lane[r]] + STRIP_Y + STRIP_H / 2 : laneY(s, r);
    g.strokeStyle = r === f.selected ? '#0b57d0' : '#f39c12';
    g.lineWidth = 2;
    g.beginPath();
    g.arc(xOf(f, rows.t[r]), yy, 7, 0, Math.PI * 2);
    g.stroke();
  }
}

function clocks(g: CanvasRenderingContext2D, s: Scene, f: FrameState): void {
  const segs = s.model.clocks;
  g.font = '10px system-ui, sans-serif';
  g.textBaseline = 'middle';
  for (let i = 0; i < segs.length; i++) {
    const c = segs[i];
    if (c.lane < 0 || c.startUs > f.t1) continue;
    const next = s.clockNext[i];
    if (next < f.t0) continue;
    const y = s.tops[c.lane] + 6;
    const x = xOf(f, c.startUs);
    if (c.startUs >= f.t0) {
      // A jump or drift change: a small clock marker.
      g.fillStyle = '#00796b';
      g.fillRect(x - 1, y - 5, 2, 10);
    }
    const x0 = Math.max(GUTTER_W + 2, x + 4);
    const room = Math.min(f.width, xOf(f, next)) - x0;
    if (room > 70 && (c.offsetUs !== 0 || c.driftPpm !== 0)) {
      const text = clockText(c.offsetUs, c.driftPpm);
      if (g.measureText(text).width < room - 4) {
        g.fillStyle = '#00796b';
        g.fillText(text, x0, y);
      }
    }
  }
}

function verticals(g: CanvasRenderingContext2D, s: Scene, f: FrameState): void {
  const top = s.tops[s.order[0]] ?? 0;
  const bottom = f.height;
  const vline = (t: number, colour: string, dash: number[], width: number): number => {
    const x = xOf(f, t);
    g.strokeStyle = colour;
    g.lineWidth = width;
    g.setLineDash(dash);
    line(g, x, top, x, bottom);
    g.setLineDash([]);
    return x;
  };
  if (s.faultsStopUs > 0 && s.faultsStopUs >= f.t0 && s.faultsStopUs <= f.t1) vline(s.faultsStopUs, '#7f8c8d', [6, 4], 1);
  for (const m of s.marks) {
    if (m.tUs < f.t0 || m.tUs > f.t1) continue;
    const mx = vline(m.tUs, m.colour, [], 2);
    g.font = 'bold 10px system-ui, sans-serif';
    const w = g.measureText(m.label).width;
    g.fillStyle = m.colour;
    g.fillRect(mx + 2, top + 1, w + 6, 13);
    g.fillStyle = '#fff';
    g.textBaseline = 'middle';
    g.fillText(m.label, mx + 5, top + 8);
    if (m.row >= 0) {
      g.strokeStyle = m.colour;
      g.lineWidth = 3;
      g.beginPath();
      g.arc(xOf(f, m.tUs), laneY(s, m.row), 9, 0, Math.PI * 2);
      g.stroke();
    }
  }
  const v = s.violation;
  if (v !== undefined && v.tUs >= f.t0 && v.tUs <= f.t1) {
    const x = vline(v.tUs, 'rgba(208,52,44,0.6)', [3, 3], 1.5);
    if (v.lane >= 0) {
      const y = s.tops[v.lane] + EVENT_Y;
      g.fillStyle = DROP;
      g.beginPath();
      g.arc(x, y, 8, 0, Math.PI * 2);
      g.fill();
      g.fillStyle = '#fff';
      g.font = 'bold 11px system-ui, sans-serif';
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.fillText('!', x, y + 0.5);
      g.textAlign = 'left';
      // The checker's name beside the marker, on its left when the right has no room.
      g.font = '10px system-ui, sans-serif';
      const w = g.measureText(v.label).width;
      label(g, v.label, x + 11 + w > f.width ? x - 11 - w : x + 11, y - 12, DROP);
    }
  }
}

function axis(g: CanvasRenderingContext2D, s: Scene, f: FrameState): void {
  g.fillStyle = '#fbfbfc';
  g.fillRect(0, 0, f.width, 30);
  g.strokeStyle = '#9aa3b0';
  g.lineWidth = 1;
  line(g, GUTTER_W, 29.5, f.width, 29.5);
  const ticks = f.x.ticks(Math.max(2, Math.floor((f.width - GUTTER_W) / 110)));
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : f.t1 - f.t0;
  g.fillStyle = '#4a5260';
  g.font = '11px system-ui, sans-serif';
  g.textBaseline = 'middle';
  g.textAlign = 'center';
  for (const tk of ticks) {
    const x = Math.round(xOf(f, tk)) + 0.5;
    if (x < GUTTER_W) continue;
    line(g, x, 23, x, 30);
    g.fillText(tickLabel(tk, step), x, 13);
  }
  g.textAlign = 'left';
  if (s.faultsStopUs > 0 && s.faultsStopUs >= f.t0 && s.faultsStopUs <= f.t1) {
    const x = xOf(f, s.faultsStopUs);
    g.fillStyle = '#7f8c8d';
    g.fillRect(x - 1, 20, 2, 10);
    g.font = '10px system-ui, sans-serif';
    g.fillText('faults stop', x + 3, 25);
  }
}
