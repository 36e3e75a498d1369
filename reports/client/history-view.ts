// The client history: a row per Jepsen process, grouped by client lane, each operation a
// bar from invoke to completion (info and open ops run to the end of the run), coloured by
// status. Drawn on a canvas (100k ops stay cheap). Shares the time window with the diagram
// through the bus: wheel zooms (x only, about the cursor), drag pans, double-click fits
// the run. Hover shows the op; a click selects its completion row. A linearizability
// counterexample is drawn over it (history-overlay.ts) and its states listed below
// (history-counterexample.ts).
import { K, OP_STATUS } from '../shared/data.js';
import { el, type ViewContext } from './context.js';
import { firstStepNumber, opTimes, renderCounterexample, type Counterexample, type CounterexampleList } from './history-counterexample.js';
import { drawCounterexample, type Plot } from './history-overlay.js';
import { firstEndingAfter, hitOp, layoutHistory, panWindow, tickLabel, tickStep, windowAround, zoomWindow, type Window } from './history-layout.js';

/** Colour-blind-safe (Okabe–Ito): ok bluish green, fail vermillion, info orange, open grey. */
export const STATUS_COLOURS = ['#009e73', '#d55e00', '#e69f00', '#8a8f98'] as const;
/** The same, faded: ops the log's filter hides. */
const DIM_COLOURS = ['rgba(0,158,115,0.2)', 'rgba(213,94,0,0.25)', 'rgba(230,159,0,0.25)', 'rgba(138,143,152,0.2)'] as const;
const GUTTER = 72;
const AXIS = 20;
/** How many of the counterexample's last steps the initial zoom shows, with the failing op. */
const CX_ZOOM_STEPS = 12;

export function mountHistory(root: HTMLElement, ctx: ViewContext): void {
  const { model, bus } = ctx;
  const ops = ctx.run.ops;
  const layout = layoutHistory(ops, model.lanes, model.endUs);
  const min = model.startUs;
  const max = model.endUs;
  const cx: Counterexample | undefined = ctx.run.meta.linearizability?.counterexample;
  const rowPx = Math.max(5, Math.min(18, Math.floor(360 / Math.max(1, layout.rows.length))));

  const head = el('div', 'fl-history-bar');
  head.appendChild(el('h2', 'fl-section-title', 'Client history'));
  const legend = el('span', 'fl-legend');
  OP_STATUS.forEach((s, i) => {
    const item = el('span', 'fl-legend-item');
    const swatch = el('span', 'fl-swatch');
    swatch.style.background = STATUS_COLOURS[i];
    item.append(swatch, document.createTextNode(s));
    legend.appendChild(item);
  });
  const fit = el('button', 'fl-history-fit', 'whole run');
  fit.type = 'button';
  head.append(legend, fit);
  const cxButton = el('button', 'fl-history-cx', 'zoom to the failure');
  cxButton.type = 'button';
  const cxAllButton = el('button', 'fl-history-cx-all', 'all its steps');
  cxAllButton.type = 'button';
  cxAllButton.title = 'Zoom to every op of the counterexample’s partial linearization';
  if (cx !== undefined) head.append(cxButton, cxAllButton);
  head.appendChild(el('span', 'fl-history-hint', `${ops.length.toLocaleString('en-US')} operations · wheel zooms, drag pans, double-click fits`));
  root.appendChild(head);

  const wrap = el('div', 'fl-history-canvas-wrap');
  const canvas = el('canvas', 'fl-history-canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `Client history: ${ops.length} operations of ${layout.rows.length} processes over time`);
  const tooltip = el('div', 'fl-op-tooltip');
  tooltip.hidden = true;
  wrap.append(canvas, tooltip);
  root.appendChild(wrap);
  if (ops.length === 0) {
    wrap.hidden = true;
    root.appendChild(el('p', 'fl-empty', 'This run has no client operations.'));
  }

  // The counterexample's ops and their step numbers.
  const cxOps: number[] = [];
  const stepOf = new Map<number, number>();
  let cxWindow: Window | undefined;
  let cxAllWindow: Window | undefined;
  let highlighted = -1;
  let cxList: CounterexampleList | undefined;
  if (cx !== undefined) {
    const first = firstStepNumber(cx);
    cx.linearization.forEach((s, i) => {
      if (s.op >= 0) stepOf.set(s.op, first + i);
      cxOps.push(s.op);
    });
    cxOps.push(cx.op);
    // Open on the failure: the op that could not be linearized and the last steps before it.
    cxWindow = windowAround(ops, [...cxOps.slice(-1 - CX_ZOOM_STEPS)], layout.end, min, max);
    cxAllWindow = windowAround(ops, cxOps, layout.end, min, max);
    cxList = renderCounterexample(root, ctx, ctx.run.meta.linearizability!.model, cx, {
      onHover: (op) => {
        highlighted = op;
        bus.hover(op >= 0 ? rowOfOp(op) : -1, 'history');
        draw();
      },
      onPick: (op) => pick(op),
    });
  }

  /** The op of a history trace row (-1 for any other row). */
  const opOfRow = (r: number): number => (r >= 0 && r < model.rows.length && model.rows.kind[r] === K.history ? model.rows.peer[r] : -1);
  const rowOfOp = (op: number): number => (ops.completeRow[op] >= 0 ? ops.completeRow[op] : ops.invokeRow[op]);
  function pick(op: number): void {
    const r = rowOfOp(op);
    if (r >= 0) bus.select(r, 'history');
  }

  // The window: follow the bus; start at the counterexample, else the whole run when unset.
  if (cxWindow !== undefined) bus.setWindow(cxWindow.t0, cxWindow.t1, 'history');
  else if (bus.window.t0 === 0 && bus.window.t1 === 1) bus.setWindow(min, max, 'history');

  // The log's filter: ops none of whose rows it keeps are drawn faded (undefined: none).
  let dim: Uint8Array | undefined;
  function updateDim(): void {
    const mask = bus.filter;
    if (mask === undefined) {
      dim = undefined;
      canvas.dataset.dimmed = '0';
      return;
    }
    dim = new Uint8Array(ops.length);
    let count = 0;
    for (let o = 0; o < ops.length; o++) {
      const a = ops.invokeRow[o];
      const b = ops.completeRow[o];
      if (a < 0 && b < 0) continue;
      dim[o] = (a >= 0 && mask[a] === 1) || (b >= 0 && mask[b] === 1) ? 0 : 1;
      count += dim[o];
    }
    canvas.dataset.dimmed = String(count);
  }

  let width = 0;
  const height = AXIS + layout.rows.length * rowPx + 6;
  // Time <-> x in the plot (GUTTER .. width-8); a window of no width is taken as 1 µs wide.
  const xOf = (t: number, w: Window): number => GUTTER + ((t - w.t0) / Math.max(1, w.t1 - w.t0)) * (width - GUTTER - 8);
  const tOf = (x: number, w: Window): number => w.t0 + ((x - GUTTER) / Math.max(1, width - GUTTER - 8)) * Math.max(1, w.t1 - w.t0);

  let lastDrawMs = 0;
  function draw(): void {
    const started = performance.now();
    const dpr = window.devicePixelRatio || 1;
    width = wrap.clientWidth || 800;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    const g = canvas.getContext('2d');
    if (g === null) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    const w = bus.window;
    const right = width - 8;

    // Axis and grid.
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    const step = tickStep(w.t1 - w.t0, Math.max(2, Math.floor((width - GUTTER) / 110)));
    g.strokeStyle = '#e6e8ec';
    g.fillStyle = '#5b6472';
    g.lineWidth = 1;
    for (let t = Math.ceil(w.t0 / step) * step; t <= w.t1; t += step) {
      const x = Math.round(xOf(t, w)) + 0.5;
      g.beginPath();
      g.moveTo(x, AXIS - 4);
      g.lineTo(x, height);
      g.stroke();
      const label = tickLabel(t, step);
      if (x + 3 + g.measureText(label).width <= width) g.fillText(label, x + 3, AXIS / 2);
    }

    // Lane groups and process labels.
    layout.groups.forEach((group, gi) => {
      const y0 = AXIS + group.first * rowPx;
      if (gi % 2 === 1) {
        g.fillStyle = '#f3f4f7';
        g.fillRect(0, y0, width, group.count * rowPx);
      }
      g.fillStyle = '#1d2430';
      g.font = '600 11px system-ui, sans-serif';
      g.fillText(group.name, 4, y0 + Math.min(group.count * rowPx, rowPx) / 2);
    });
    if (rowPx >= 10) {
      g.font = '10px system-ui, sans-serif';
      g.fillStyle = '#6b7380';
      layout.rows.forEach((row, i) => g.fillText(`p${row.process}${row.sub > 0 ? `.${row.sub}` : ''}`, 34, AXIS + i * rowPx + rowPx / 2));
    }

    // Bars: clip to the plot, coalesce runs of sub-pixel bars of one colour into one rect.
    g.save();
    g.beginPath();
    g.rect(GUTTER, AXIS, right - GUTTER, height - AXIS);
    g.clip();
    const barH = Math.max(2, rowPx - 4);
    for (let i = 0; i < layout.rows.length; i++) {
      const row = layout.rows[i];
      const y = AXIS + i * rowPx + (rowPx - barH) / 2;
      let pendX0 = 0;
      let pendX1 = -1;
      let pendColour = '';
      const flush = (): void => {
        if (pendX1 < pendX0) return;
        g.fillStyle = pendColour;
        g.fillRect(pendX0, y, pendX1 - pendX0, barH);
        pendX1 = -1;
      };
      // Info tails first (pale, to the run's end), so that later bars draw over them.
      g.fillStyle = 'rgba(230,159,0,0.28)';
      for (const o of row.tails) {
        const from = Math.max(GUTTER - 2, xOf(layout.solid[o], w));
        const to = Math.min(right + 2, xOf(layout.end[o], w));
        if (to > from && ops.invokeUs[o] <= w.t1) g.fillRect(from, y, to - from, barH);
      }
      // Two passes: ok bars, then fail/info/open over them, so that a rare failure stays
      // visible when thousands of ops share a pixel.
      const from = firstEndingAfter(row, layout.solid, w.t0);
      for (let pass = 0; pass < 2; pass++) {
        for (let p = from; p < row.ops.length; p++) {
          const o = row.ops[p];
          const start = ops.invokeUs[o];
          if (start > w.t1) break;
          const status = ops.status[o];
          if ((status === 0) !== (pass === 0)) continue;
          const x0 = Math.max(GUTTER - 2, xOf(start, w));
          const done = ops.completeUs[o];
          // Solid to the completion; open: a pale bar to the run's end.
          const solidEnd = status === 3 || done < 0 ? start : done;
          let x1 = Math.min(right + 2, xOf(solidEnd, w));
          if (x1 - x0 < 1) x1 = x0 + 1;
          const colour = (dim !== undefined && dim[o] === 1 ? DIM_COLOURS : STATUS_COLOURS)[status] ?? '#888';
          if (colour === pendColour && x0 <= pendX1 + 0.5) pendX1 = Math.max(pendX1, x1);
          else {
            flush();
            pendX0 = x0;
            pendX1 = x1;
            pendColour = colour;
          }
          if (status === 3) {
            flush();
            g.fillStyle = 'rgba(138,143,152,0.35)';
            const tailEnd = Math.min(right + 2, xOf(layout.end[o], w));
            if (tailEnd > x1) g.fillRect(x1, y, tailEnd - x1, barH);
          }
        }
        flush();
      }
    }

    // Selection and hover: outline the op of a selected/hovered history row, and a time line.
    const outline = (op: number, colour: string, lw: number): void => {
      const ri = layout.rowOf[op];
      if (ri < 0) return;
      const x0 = xOf(ops.invokeUs[op], w);
      const x1 = Math.max(x0 + 2, xOf(layout.solid[op], w));
      g.strokeStyle = colour;
      g.lineWidth = lw;
      g.strokeRect(x0 - 1, AXIS + ri * rowPx + 1, x1 - x0 + 2, rowPx - 2);
    };

    // The counterexample: points joined in order, numbered; the failing op outlined.
    if (cx !== undefined) {
      const plot: Plot = { g, x: (t) => xOf(t, w), y: (ri) => AXIS + ri * rowPx + rowPx / 2, rowPx, axis: AXIS, gutter: GUTTER, right, outline };
      drawCounterexample(plot, cx, ops, layout, stepOf, highlighted);
    }
    const selOp = opOfRow(bus.selected);
    if (selOp >= 0) outline(selOp, '#1d2430', 2);
    const hovOp = opOfRow(bus.hovered);
    if (hovOp >= 0 && hovOp !== selOp) outline(hovOp, '#56b4e9', 2);
    for (const [r, colour] of [[bus.selected, 'rgba(29,36,48,0.55)'], [bus.hovered, 'rgba(86,180,233,0.7)']] as const) {
      if (r < 0 || r >= model.rows.length) continue;
      const x = Math.round(xOf(model.rows.t[r], w)) + 0.5;
      g.strokeStyle = colour;
      g.lineWidth = 1;
      g.beginPath();
      g.moveTo(x, AXIS);
      g.lineTo(x, height);
      g.stroke();
    }
    g.restore();
    lastDrawMs = performance.now() - started;
    // Geometry and timing for tests and the console.
    canvas.dataset.drawMs = lastDrawMs.toFixed(2);
    canvas.dataset.gutter = String(GUTTER);
    canvas.dataset.axis = String(AXIS);
    canvas.dataset.rowPx = String(rowPx);
  }

  // Hit-testing, tooltip, hover and click.
  function opAt(x: number, y: number): number {
    if (x < GUTTER || y < AXIS) return -1;
    const ri = Math.floor((y - AXIS) / rowPx);
    const row = layout.rows[ri];
    if (row === undefined) return -1;
    const w = bus.window;
    const usPerPx = (w.t1 - w.t0) / Math.max(1, width - GUTTER - 8);
    return hitOp(row, ops, layout.solid, tOf(x, w), usPerPx * 3);
  }
  function showTooltip(op: number, x: number, y: number): void {
    if (op < 0) {
      tooltip.hidden = true;
      return;
    }
    const m = model;
    const lines: Array<[string, string]> = [
      ['op', `${m.text(ops.f[op])}${ops.key[op] >= 0 ? ` ${m.text(ops.key[op])}` : ''}`],
      ['input', m.text(ops.input[op]) || '—'],
      ['output', m.text(ops.output[op]) || '—'],
      ['status', OP_STATUS[ops.status[op]] ?? '?'],
      ['times', opTimes(ctx, op)],
      ['process', `p${ops.process[op]}${ops.lane[op] >= 0 ? ` on ${m.lanes[ops.lane[op]]?.name ?? ops.lane[op]}` : ''}`],
    ];
    const step = stepOf.get(op);
    if (step !== undefined) lines.push(['linearized', `step ${step} of the counterexample`]);
    if (cx !== undefined && op === cx.op) lines.push(['linearizability', `cannot be linearized: ${cx.reason}`]);
    tooltip.textContent = '';
    for (const [k, v] of lines) {
      const line = el('div', 'fl-tip-line');
      line.append(el('span', 'fl-tip-key', k), el('span', 'fl-tip-value', v.length > 300 ? `${v.slice(0, 300)}…` : v));
      tooltip.appendChild(line);
    }
    tooltip.hidden = false;
    const tw = tooltip.offsetWidth;
    tooltip.style.left = `${Math.max(0, Math.min(x + 14, width - tw - 4))}px`;
    tooltip.style.top = `${y + 14}px`;
  }

  let drag: { x: number; w: Window; moved: boolean } | undefined;
  const local = (e: MouseEvent): [number, number] => {
    const rect = canvas.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  };
  canvas.addEventListener('mousedown', (e) => {
    const [x] = local(e);
    drag = { x, w: bus.window, moved: false };
  });
  window.addEventListener('mousemove', (e) => {
    if (drag === undefined || (e.buttons & 1) === 0) return;
    const [x] = local(e);
    if (Math.abs(x - drag.x) > 3) drag.moved = true;
    if (!drag.moved) return;
    const dt = -((x - drag.x) / Math.max(1, width - GUTTER - 8)) * (drag.w.t1 - drag.w.t0);
    const next = panWindow(drag.w, dt, min, max);
    bus.setWindow(next.t0, next.t1, 'history');
    tooltip.hidden = true;
  });
  window.addEventListener('mouseup', () => {
    // A drag leaves `drag` set until the click handler has seen it.
    setTimeout(() => (drag = undefined), 0);
  });
  canvas.addEventListener('mousemove', (e) => {
    if (drag?.moved === true) return;
    const [x, y] = local(e);
    const op = opAt(x, y);
    canvas.style.cursor = op >= 0 ? 'pointer' : 'grab';
    showTooltip(op, x, y);
    cxList?.mark(op);
    bus.hover(op >= 0 ? rowOfOp(op) : -1, 'history');
  });
  canvas.addEventListener('mouseleave', () => {
    tooltip.hidden = true;
    cxList?.mark(-1);
    bus.hover(-1, 'history');
  });
  canvas.addEventListener('click', (e) => {
    if (drag?.moved === true) return;
    const [x, y] = local(e);
    const op = opAt(x, y);
    if (op >= 0) pick(op);
  });
  canvas.addEventListener(
    'wheel',
    (e) => {
      const [x] = local(e);
      if (x < GUTTER) return;
      e.preventDefault();
      const w = bus.window;
      let next: Window;
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY) || e.shiftKey) {
        const d = e.shiftKey ? e.deltaY : e.deltaX;
        next = panWindow(w, (d / Math.max(1, width - GUTTER)) * (w.t1 - w.t0), min, max);
      } else {
        next = zoomWindow(w, Math.exp(e.deltaY * 0.002), tOf(x, w), min, max);
      }
      bus.setWindow(next.t0, next.t1, 'history');
    },
    { passive: false },
  );
  canvas.addEventListener('dblclick', () => bus.setWindow(min, max, 'history'));
  fit.addEventListener('click', () => bus.setWindow(min, max, 'history'));
  cxButton.addEventListener('click', () => {
    if (cxWindow !== undefined) bus.setWindow(cxWindow.t0, cxWindow.t1, 'history');
  });
  cxAllButton.addEventListener('click', () => {
    if (cxAllWindow !== undefined) bus.setWindow(cxAllWindow.t0, cxAllWindow.t1, 'history');
  });

  // Redraw on the bus (one frame at most per burst of events) and on resize.
  let queued = false;
  const schedule = (): void => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      draw();
    });
  };
  bus.on('window', schedule);
  bus.on('filter', () => {
    updateDim();
    schedule();
  });
  bus.on('select', schedule);
  bus.on('hover', () => {
    // A hover from another view (the diagram, the log) marks the op in the counterexample too.
    if (bus.source !== 'history') cxList?.mark(opOfRow(bus.hovered));
    schedule();
  });
  new ResizeObserver(schedule).observe(wrap);
  updateDim();
  draw();
}
