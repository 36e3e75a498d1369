// The space-time diagram: one lane per node and client actor, time left to right, messages
// as arrows, faults, partitions, clocks and each node's protocol state along its lane.
// Drawn on a canvas (diagram-draw.ts), zoomed and panned over time with d3-zoom (x only),
// hit-tested with flatbush (diagram-hit.ts). It shares the selection, the hover, the
// causal-past switch and the time window with the other views through the bus.
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3-zoom';
import { K } from '../shared/data.js';
import { el, formatUs, type ViewContext } from './context.js';
import { renderDetail } from './diagram-detail.js';
import { paint, type FrameStats, type Mark, type Scene } from './diagram-draw.js';
import { HitIndex, type Hit } from './diagram-hit.js';
import { AXIS_H, EVENT_Y, GUTTER_W, LANE_H, laneOrder, laneRange, laneSpans, laneCutoffs, laneTops, lowerBound, MAX_LANE_EVENTS, maxLatency, densityIndex, anchorRow, roleColour, roleOfSummary, violationLane, windowAround } from './diagram-layout.js';

const RARE: readonly number[] = [K.crash, K.restart, K.pause, K.resume, K.buggify];

export interface DiagramOptions {
  /** Vertical marks (the diff's divergence). */
  marks?: Mark[];
  /** The time domain at zoom 1 (a diff gives both runs the same). */
  domain?: [number, number];
  /** Open on this window instead of the violation's. */
  window?: [number, number];
}

/** Read-only view state for tests and the console (`window.faultlineDiagrams`). */
export interface DiagramHook {
  window(): [number, number];
  stats(): FrameStats & { frames: number; lastPaintMs: number; faded: number; hitBuildMs: number };
  selected(): number;
  isFaded(row: number): boolean;
  /** Viewport coordinates of a row's glyph, or null when outside the window. */
  rowPoint(row: number): { x: number; y: number } | null;
  /** Viewport coordinates of a point on a message edge (a third of the way along), or null. */
  edgePoint(edge: number): { x: number; y: number } | null;
  /** Edges drawn one by one in the current window (at most `limit`). */
  visibleEdges(limit?: number): number[];
  setWindow(t0: number, t1: number): void;
  /** Hit-test a viewport point; returns what is there and how long it took (ms). */
  hitAt(x: number, y: number): { hit: Hit; ms: number };
  violationOnScreen(): boolean;
  /** Viewport coordinates of the violation marker (on its lane), or null when off screen. */
  violationPoint(): { x: number; y: number } | null;
}

declare global {
  interface Window {
    faultlineDiagrams?: DiagramHook[];
  }
}

export interface DiagramHandle {
  hook: DiagramHook;
  /** Show `[t0, t1]` (animated by nothing: immediate). */
  showWindow(t0: number, t1: number): void;
}

export function mountDiagram(root: HTMLElement, ctx: ViewContext, options: DiagramOptions = {}): DiagramHandle {
  const { model, bus, run } = ctx;
  const source = `diagram${ctx.index}`;
  const order = laneOrder(model);
  const tops = laneTops(order, model.lanes.length);
  const height = AXIS_H + order.length * LANE_H + 4;
  // The domain runs a little past the end, so that the last event (often the violation) is not on the edge.
  const [d0, d1] = options.domain ?? paddedDomain(model.startUs, model.endUs);

  // DOM: toolbar, the canvas with lane labels and the tooltip over it, the side panel.
  const toolbar = el('div', 'fl-dg-toolbar');
  const causalBox = el('input');
  causalBox.type = 'checkbox';
  causalBox.checked = bus.causal;
  causalBox.className = 'fl-causal-toggle';
  const causalLabel = el('label', 'fl-dg-check');
  causalLabel.append(causalBox, document.createTextNode(' causal past of the selection'));
  const fitButton = el('button', 'fl-dg-fit', 'whole run');
  const violationButton = el('button', 'fl-dg-violation', 'go to violation');
  const status = el('span', 'fl-dg-status');
  toolbar.append(causalLabel, fitButton, violationButton, status);
  const body = el('div', 'fl-dg-body');
  const canvas = el('canvas', 'fl-dg-canvas');
  canvas.style.height = `${height}px`;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `space-time diagram of ${run.meta.scenario}`);
  const labels = el('div', 'fl-dg-labels');
  for (const lane of order) {
    const l = model.lanes[lane];
    const box = el('div', `fl-lane-label fl-lane-${l.kind}`);
    box.dataset.lane = String(lane);
    box.style.top = `${tops[lane]}px`;
    box.style.height = `${LANE_H}px`;
    box.append(el('strong', undefined, l.name), el('span', 'fl-lane-roles', l.roles.join(', ')));
    labels.appendChild(box);
  }
  const tooltip = el('div', 'fl-tooltip');
  tooltip.hidden = true;
  body.append(canvas, labels, tooltip);
  const detail = el('aside', 'fl-dg-detail');
  root.append(toolbar, body, detail);
  const g = canvas.getContext('2d')!;

  // What the painter needs, computed once.
  const stateRows = order.map(() => new Int32Array(0));
  const stateColour = new Map<number, string>();
  const colourOfLabel = new Map<number, string>();
  model.laneRows.forEach((list, lane) => {
    const out: number[] = [];
    for (const r of list) {
      if (model.rows.kind[r] !== K.state) continue;
      out.push(r);
      const label = model.rows.label[r];
      let c = colourOfLabel.get(label);
      if (c === undefined) colourOfLabel.set(label, (c = roleColour(roleOfSummary(model.text(label)))));
      stateColour.set(r, c);
    }
    stateRows[lane] = Int32Array.from(out);
  });
  const v = run.meta.violations[0];
  const vRow = v !== undefined && v.row >= 0 && v.row < model.rows.length ? v.row : -1;
  const vLane = v !== undefined ? violationLane(model.lanes, v.lane, v.message) : -1;
  const scene: Scene = {
    model,
    order,
    tops,
    spans: laneSpans(model),
    stateRows,
    stateColour,
    maxLat: maxLatency(model),
    density: densityIndex(model),
    rare: model.laneRows.map((list) =>
      RARE.map((kind) => {
        const rows = list.filter((r) => model.rows.kind[r] === kind);
        return { rows, times: Float64Array.from(rows, (r) => model.rows.t[r]) };
      }),
    ),
    clockNext: clockNext(model),
    stateTimes: stateRows.map((list) => Float64Array.from(list, (r) => model.rows.t[r])),
    faultsStopUs: run.meta.faultsStopUs,
    violation: v !== undefined ? { row: vRow, lane: vLane >= 0 ? vLane : vRow >= 0 ? model.rows.lane[anchorRow(model, vRow)] : -1, tUs: vRow >= 0 ? model.rows.t[vRow] : v.atUs, label: `✗ ${v.checker}` } : undefined,
    marks: options.marks ?? [],
    hatch: hatchPattern(g),
  };
  const hits = new HitIndex(model, tops);

  // The time scale: xBase maps the whole domain on the plot; the zoom transform rescales it.
  let width = Math.max(GUTTER_W + 100, body.clientWidth || 1000);
  const xBase = scaleLinear().domain([d0, d1]).range([GUTTER_W, width]);
  let x = xBase.copy();
  let mask: Uint8Array | undefined;
  let cutoffs: Int32Array | undefined;
  let maskRow = -1;
  let faded = 0;
  let hover: Hit;
  let stats: FrameStats = { rows: 0, arrows: 0, densityLanes: 0, arrowDensity: false, sections: {} };
  let frames = 0;
  let lastPaintMs = 0;
  let pending = 0;
  let applying = false;

  const zoomer: ZoomBehavior<HTMLCanvasElement, unknown> = d3zoom<HTMLCanvasElement, unknown>()
    .scaleExtent([1, Math.max(1, (d1 - d0) / 20)])
    .extent(() => [[GUTTER_W, 0], [width, height]])
    .translateExtent([[GUTTER_W, 0], [width, height]])
    .on('zoom', (event: D3ZoomEvent<HTMLCanvasElement, unknown>) => {
      x = event.transform.rescaleX(xBase);
      const [t0, t1] = x.domain();
      if (!applying) bus.setWindow(t0, t1, source);
      schedule();
    });
  const selection = select(canvas);
  selection.call(zoomer).on('dblclick.zoom', null);

  function transformFor(t0: number, t1: number): ReturnType<typeof zoomIdentity.scale> {
    const a = xBase(t0);
    const b = xBase(Math.max(t1, t0 + 1));
    const k = (width - GUTTER_W) / (b - a);
    return zoomIdentity.translate(GUTTER_W - a * k, 0).scale(k);
  }
  function showWindow(t0: number, t1: number, echo = true): void {
    applying = !echo;
    zoomer.transform(selection, transformFor(t0, t1));
    applying = false;
  }

  function resize(): void {
    const [t0, t1] = x.domain();
    width = Math.max(GUTTER_W + 100, body.clientWidth || width);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = `${width}px`;
    xBase.range([GUTTER_W, width]);
    showWindow(t0, t1, false);
    schedule();
  }

  function schedule(): void {
    if (pending !== 0) return;
    pending = requestAnimationFrame(draw);
  }
  function draw(): void {
    pending = 0;
    const started = performance.now();
    const dpr = window.devicePixelRatio || 1;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const [t0, t1] = x.domain();
    const hoveredEdge = hover?.type === 'edge' ? hover.edge : -1;
    stats = paint(g, scene, { x, t0, t1, width, height, mask, cutoffs, selected: bus.selected, hovered: bus.hovered, hoveredEdge });
    lastPaintMs = performance.now() - started;
    frames++;
    status.textContent = `${formatUs(Math.round(t0))} – ${formatUs(Math.round(t1))} · ${stats.rows.toLocaleString('en-US')} rows in view${stats.densityLanes > 0 || stats.arrowDensity ? ' (zoomed out: densities)' : ''}${mask !== undefined ? ` · ${faded.toLocaleString('en-US')} rows outside the causal past` : ''}`;
    root.dataset.t0 = String(t0);
    root.dataset.t1 = String(t1);
    root.dataset.selected = String(bus.selected);
    root.dataset.faded = String(mask !== undefined ? faded : 0);
  }

  function refreshMask(): void {
    const row = bus.causal ? bus.selected : -1;
    if (row === maskRow) return;
    maskRow = row;
    mask = row >= 0 ? model.causalPast(anchorRow(model, row, row === vRow ? vLane : -1)) : undefined;
    if (mask !== undefined) mask[row] = 1;
    cutoffs = mask !== undefined ? laneCutoffs(model, mask) : undefined;
    faded = 0;
    if (mask !== undefined) for (let r = 0; r < mask.length; r++) if (mask[r] === 0) faded++;
  }

  // Which lanes are drawn as densities at the current zoom (no single events to hit there).
  function denseLane(lane: number): boolean {
    if (lane < 0 || lane >= model.lanes.length) return false;
    const [t0, t1] = x.domain();
    const [lo, hi] = laneRange(model, lane, t0, t1);
    return hi - lo > MAX_LANE_EVENTS;
  }
  function hitAtCanvas(px: number, py: number): Hit {
    if (px < GUTTER_W || py < AXIS_H) return undefined;
    return hits.at(px, py, x, denseLane, stats.arrowDensity);
  }
  /** Over a lane drawn as a density: how many events the pixel column under the mouse holds. */
  function densitySummary(px: number, py: number): string | undefined {
    if (px < GUTTER_W || py < AXIS_H) return undefined;
    const lane = order[Math.floor((py - AXIS_H) / LANE_H)];
    if (lane === undefined || !denseLane(lane)) return undefined;
    const a = x.invert(px - 0.5);
    const b = x.invert(px + 0.5);
    const times = scene.density.eventTimes[lane];
    const n = lowerBound(times, b) - lowerBound(times, a);
    return `${n.toLocaleString('en-US')} event${n === 1 ? '' : 's'} on ${model.lanes[lane].name} between ${formatUs(Math.round(a))} and ${formatUs(Math.round(b))}: click or wheel to zoom in`;
  }
  function rowOfHit(h: Hit): number {
    if (h === undefined) return -1;
    return h.type === 'row' ? h.row : model.edges.to[h.edge];
  }

  canvas.addEventListener('mousemove', (event) => {
    const rect = canvas.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const py = event.clientY - rect.top;
    const h = event.buttons !== 0 ? undefined : hitAtCanvas(px, py);
    const changed = JSON.stringify(h) !== JSON.stringify(hover);
    hover = h;
    const summary = h === undefined && event.buttons === 0 ? densitySummary(px, py) : undefined;
    if (h === undefined && summary === undefined) {
      tooltip.hidden = true;
    } else {
      if (h !== undefined && changed) renderDetail(tooltip, model, h);
      else if (summary !== undefined) {
        tooltip.textContent = '';
        tooltip.appendChild(el('div', 'fl-detail-title', summary));
      }
      tooltip.hidden = false;
      const bodyRect = body.getBoundingClientRect();
      const left = Math.min(event.clientX - bodyRect.left + 14, bodyRect.width - 380);
      tooltip.style.left = `${Math.max(0, left)}px`;
      tooltip.style.top = `${event.clientY - bodyRect.top + 14}px`;
    }
    if (changed) {
      bus.hover(rowOfHit(h), source);
      schedule();
    }
  });
  canvas.addEventListener('mouseleave', () => {
    hover = undefined;
    tooltip.hidden = true;
    bus.hover(-1, source);
    schedule();
  });
  canvas.addEventListener('click', (event) => {
    const rect = canvas.getBoundingClientRect();
    const h = hitAtCanvas(event.clientX - rect.left, event.clientY - rect.top);
    if (h !== undefined) {
      bus.select(rowOfHit(h), source);
      renderDetail(detail, model, h);
    } else if (densitySummary(event.clientX - rect.left, event.clientY - rect.top) !== undefined) {
      // A click on a density zooms in on it, 10x around the click.
      const px = event.clientX - rect.left;
      const span = (width - GUTTER_W) / 10;
      showWindow(x.invert(px - span * ((px - GUTTER_W) / (width - GUTTER_W))), x.invert(px + span * ((width - px) / (width - GUTTER_W))));
    }
  });
  // Keyboard: arrows pan, + and - zoom around the middle, Escape clears the selection.
  canvas.tabIndex = 0;
  canvas.addEventListener('keydown', (event) => {
    const [t0, t1] = x.domain();
    const span = t1 - t0;
    const mid = (t0 + t1) / 2;
    let next: [number, number] | undefined;
    if (event.key === 'ArrowLeft') next = [t0 - span * 0.2, t1 - span * 0.2];
    else if (event.key === 'ArrowRight') next = [t0 + span * 0.2, t1 + span * 0.2];
    else if (event.key === '+' || event.key === '=') next = [mid - span / 3, mid + span / 3];
    else if (event.key === '-') next = [mid - span * 0.75, mid + span * 0.75];
    else if (event.key === 'Escape') bus.select(-1, source);
    else return;
    event.preventDefault();
    if (next !== undefined) showWindow(next[0], next[1]);
  });
  causalBox.addEventListener('change', () => bus.setCausal(causalBox.checked, source));
  fitButton.addEventListener('click', () => showWindow(d0, d1));
  violationButton.disabled = vRow < 0;
  violationButton.addEventListener('click', () => {
    if (vRow < 0) return;
    bus.select(vRow, source);
    const [a, b] = windowAround(model, vRow);
    showWindow(a, b);
  });

  bus.on('select', () => {
    refreshMask();
    const r = bus.selected;
    if (r < 0) detail.textContent = '';
    if (bus.source !== source && r >= 0 && r < model.rows.length) {
      renderDetail(detail, model, { type: 'row', row: r });
      // Bring the selected row into view: pan to it, zooming in when it is lost in a density.
      const [t0, t1] = x.domain();
      const t = model.rows.t[r];
      const lane = model.rows.lane[r];
      if (lane >= 0 && denseLane(lane)) {
        const [a, b] = windowAround(model, r);
        showWindow(a, b);
      } else if (t < t0 || t > t1) {
        const span = t1 - t0;
        showWindow(t - span * 0.6, t + span * 0.4);
      }
    }
    schedule();
  });
  bus.on('hover', () => {
    if (bus.source !== source) schedule();
  });
  bus.on('causal', () => {
    causalBox.checked = bus.causal;
    refreshMask();
    schedule();
  });
  bus.on('window', () => {
    if (bus.source === source) return;
    showWindow(bus.window.t0, bus.window.t1, false);
  });

  // The page opens on the violation, selected (its causal past highlighted), or on the whole run.
  if (vRow >= 0) {
    bus.select(vRow, source);
    renderDetail(detail, model, { type: 'row', row: vRow });
  }
  refreshMask();
  new ResizeObserver(() => resize()).observe(body);
  resize();
  const [w0, w1] = options.window ?? (vRow >= 0 ? windowAround(model, vRow) : [d0, d1]);
  showWindow(w0, w1);

  // Build the hit-test indexes once the page is idle, so that the first hover does not wait for them.
  const idle = (window as { requestIdleCallback?: (fn: () => void, opts?: { timeout: number }) => number }).requestIdleCallback;
  if (idle !== undefined) idle(() => hits.build(), { timeout: 3000 });
  else setTimeout(() => hits.build(), 500);

  const toViewport = (px: number, py: number): { x: number; y: number } => {
    const rect = canvas.getBoundingClientRect();
    return { x: rect.left + px, y: rect.top + py };
  };
  const hook: DiagramHook = {
    window: () => x.domain() as [number, number],
    stats: () => ({ ...stats, frames, lastPaintMs, faded: mask !== undefined ? faded : 0, hitBuildMs: hits.buildMs }),
    selected: () => bus.selected,
    isFaded: (row) => mask !== undefined && mask[row] === 0,
    rowPoint: (row) => {
      const t = model.rows.t[row];
      const [t0, t1] = x.domain();
      if (t < t0 || t > t1 || model.rows.lane[row] < 0) return null;
      return toViewport(x(t), hits.rowY(row));
    },
    edgePoint: (e) => {
      const a = model.edges.from[e];
      const b = model.edges.to[e];
      const ax = x(model.rows.t[a]);
      const ay = tops[model.rows.lane[a]] + EVENT_Y;
      const [bx, by] = model.edges.how[e] === 3 ? [ax + 10, ay - 8] : [x(model.rows.t[b]), tops[model.rows.lane[b]] + EVENT_Y];
      const px = ax + (bx - ax) / 3;
      if (px < GUTTER_W || px > width) return null;
      return toViewport(px, ay + (by - ay) / 3);
    },
    visibleEdges: (limit = 1000) => {
      const out: number[] = [];
      if (stats.arrowDensity) return out;
      const [t0, t1] = x.domain();
      for (let e = 0; e < model.edges.length && out.length < limit; e++) {
        if (model.rows.t[model.edges.from[e]] >= t0 && model.rows.t[model.edges.to[e]] <= t1) out.push(e);
      }
      return out;
    },
    setWindow: (t0, t1) => showWindow(t0, t1),
    hitAt: (cx, cy) => {
      const rect = canvas.getBoundingClientRect();
      const started = performance.now();
      const hit = hitAtCanvas(cx - rect.left, cy - rect.top);
      return { hit, ms: performance.now() - started };
    },
    violationOnScreen: () => {
      const sv = scene.violation;
      if (sv === undefined) return false;
      const [t0, t1] = x.domain();
      return sv.tUs >= t0 && sv.tUs <= t1;
    },
    violationPoint: () => {
      const sv = scene.violation;
      if (sv === undefined || sv.lane < 0 || !hook.violationOnScreen()) return null;
      return toViewport(x(sv.tUs), tops[sv.lane] + EVENT_Y);
    },
  };
  (window.faultlineDiagrams ??= []).push(hook);
  return { hook, showWindow: (t0, t1) => showWindow(t0, t1) };
}

/** [start, end] with a margin after the end (2% of the run, at least 1 ms). */
export function paddedDomain(start: number, end: number): [number, number] {
  return [start, end + Math.max(1_000, (end - start) * 0.02)];
}

/** Per clock segment, when the lane's next one starts. */
function clockNext(model: ViewContext['model']): Float64Array {
  const segs = model.clocks;
  const next = new Float64Array(segs.length).fill(model.endUs);
  const later = new Map<number, number>();
  for (let i = segs.length - 1; i >= 0; i--) {
    const n = later.get(segs[i].lane);
    if (n !== undefined) next[i] = n;
    later.set(segs[i].lane, segs[i].startUs);
  }
  return next;
}

/** Diagonal hatching for paused spans. */
function hatchPattern(g: CanvasRenderingContext2D): CanvasPattern | null {
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const t = tile.getContext('2d');
  if (t === null) return null;
  t.strokeStyle = 'rgba(214,137,16,0.45)';
  t.lineWidth = 1.5;
  t.beginPath();
  t.moveTo(0, 8);
  t.lineTo(8, 0);
  t.moveTo(-2, 2);
  t.lineTo(2, -2);
  t.moveTo(6, 10);
  t.lineTo(10, 6);
  t.stroke();
  return g.createPattern(tile, 'repeat');
}
