// The report's space-time diagram and diff view in headless Chromium: every failing Raft
// bug scenario opens on its violation with no console error; hovering a message arrow
// shows the message in the tooltip; selecting a row fades what is outside its causal past;
// the diff view marks the first divergence (and none for a run against itself).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../reports/html.js';
import { clientBundle } from '../../reports/client-bundle.js';
import { reportDataOf } from '../../reports/write-report.js';
import { loadScenario } from '../../scenario/load.js';
import { runScenario, type ScenarioRun } from '../../scenario/runner.js';
import { tempDirs } from '../fuzz/helpers.js';
import { browserEnabled, launchBrowser, openReport, type OpenedReport } from './browser.js';

const BUGS = ['figure-8', 'volatile-vote', 'ack-before-persist', 'figure-8-nemesis', 'local-read', 'no-dedup', 'no-prevote'];
const out = tempDirs();

interface PageModel {
  rows: { length: number; t: Float64Array; kind: Uint8Array; lane: Int32Array; label: Int32Array; body: Int32Array };
  edges: { length: number; from: Int32Array; to: Int32Array; how: Uint8Array };
  strings: string[];
}
type Point = { x: number; y: number } | null;
type Hit = { type: 'row'; row: number } | { type: 'edge'; edge: number } | undefined;
/** The diagram's test hook (reports/client/diagram.ts DiagramHook), as far as these tests read it. */
interface DiagramHook {
  window(): [number, number];
  stats(): { faded: number; rows: number; arrowDensity: boolean };
  selected(): number;
  isFaded(row: number): boolean;
  rowPoint(row: number): Point;
  edgePoint(edge: number): Point;
  visibleEdges(limit?: number): number[];
  setWindow(t0: number, t1: number): void;
  hitAt(x: number, y: number): { hit: Hit; ms: number };
  violationOnScreen(): boolean;
  violationPoint(): Point;
}
declare global {
  interface Window {
    faultlineDiagrams?: DiagramHook[];
  }
}
type Ctx = { model: PageModel; run: { meta: { violations: Array<{ row: number; lane: number }> } }; bus: { select(row: number, source: string): void; window: { t0: number; t1: number } } };

async function runOf(file: string, seed?: string): Promise<ScenarioRun> {
  const loaded = await loadScenario(file);
  return runScenario(loaded, { record: 'full', ...(seed !== undefined ? { seed } : {}) });
}

/** The colour of the canvas pixel under a viewport point of diagram `index`. */
async function pixel(page: Page, index: number, x: number, y: number): Promise<number[]> {
  // The diagram draws in an animation frame (diagram.ts): sample after two more have run, so
  // that a draw scheduled just before is painted (on a loaded machine it had not always been).
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
  return page.evaluate(
    ([i, px, py]) => {
      const canvas = document.querySelectorAll('canvas.fl-dg-canvas')[i] as HTMLCanvasElement;
      const rect = canvas.getBoundingClientRect();
      const dpr = canvas.width / rect.width;
      const d = canvas.getContext('2d')!.getImageData(Math.round((px - rect.left) * dpr), Math.round((py - rect.top) * dpr), 1, 1).data;
      return [d[0], d[1], d[2], d[3]];
    },
    [index, x, y],
  );
}

describe.skipIf(!browserEnabled)('report space-time diagram', () => {
  let browser: Browser;
  const files = new Map<string, string>();
  let opened: OpenedReport[] = [];

  beforeAll(async () => {
    const dir = out('diagram');
    const bundle = await clientBundle();
    for (const bug of BUGS) {
      const run = await runOf(`scenarios/raft/${bug}.yaml`);
      expect(run.verdict, bug).toBe('fail');
      const file = join(dir, `${bug}.html`);
      writeFileSync(file, renderReportHtml(reportDataOf([{ run }]), bundle));
      files.set(bug, file);
    }
    const nemesis = await runOf('scenarios/raft/nemesis.yaml');
    files.set('nemesis', join(dir, 'nemesis.html'));
    writeFileSync(files.get('nemesis')!, renderReportHtml(reportDataOf([{ run: nemesis }]), bundle));
    const a = await runOf('scenarios/raft/happy.yaml', '1');
    const b = await runOf('scenarios/raft/happy.yaml', '2');
    files.set('diff', join(dir, 'diff.html'));
    writeFileSync(files.get('diff')!, renderReportHtml(reportDataOf([{ run: a, title: 'seed 1' }, { run: b, title: 'seed 2' }]), bundle));
    files.set('same', join(dir, 'same.html'));
    writeFileSync(files.get('same')!, renderReportHtml(reportDataOf([{ run: a, title: 'seed 1' }, { run: a, title: 'seed 1 again' }]), bundle));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    opened = [];
    await browser?.close();
  });
  async function open(name: string): Promise<OpenedReport> {
    const o = await openReport(browser, files.get(name)!);
    opened.push(o);
    return o;
  }

  it.each(BUGS)('%s: opens on the violation, selected and marked, with no console error', async (bug) => {
    const { page, errors, dialogs } = await open(bug);
    const state = await page.evaluate(() => {
      const d = window.faultlineDiagrams![0];
      const ctx = (window.faultline!.contexts as Ctx[])[0];
      const v = ctx.run.meta.violations[0];
      const [t0, t1] = d.window();
      return { row: v.row, t: ctx.model.rows.t[v.row], t0, t1, selected: d.selected(), onScreen: d.violationOnScreen(), point: d.violationPoint(), bus: ctx.bus.window, faded: d.stats().faded, rows: ctx.model.rows.length };
    });
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(state.row).toBeGreaterThanOrEqual(0);
    expect(state.selected).toBe(state.row);
    expect(state.onScreen).toBe(true);
    expect(state.t).toBeGreaterThanOrEqual(state.t0);
    expect(state.t).toBeLessThanOrEqual(state.t1);
    // Zoomed to the failure, not the whole run; the bus carries the same window.
    expect(state.bus.t0).toBeCloseTo(state.t0, 3);
    expect(state.bus.t1).toBeCloseTo(state.t1, 3);
    // The violation's causal past is highlighted: something else is faded.
    expect(state.faded).toBeGreaterThan(0);
    expect(state.faded).toBeLessThan(state.rows);
    // The marker is painted: a red disc on the violation's lane (sampled beside its "!").
    expect(state.point).not.toBeNull();
    const [r, g, b] = await pixel(page, 0, state.point!.x - 5, state.point!.y);
    expect(r).toBeGreaterThan(170);
    expect(g).toBeLessThan(100);
    expect(b).toBeLessThan(100);
  });

  it('hovering a message arrow shows the message in the tooltip', async () => {
    const { page, errors } = await open('figure-8');
    const target = await page.evaluate(() => {
      const d = window.faultlineDiagrams![0];
      const m = (window.faultline!.contexts as Ctx[])[0].model;
      // A delivered message whose point on the arrow hits that arrow (not an event glyph).
      for (const e of d.visibleEdges(2000)) {
        if (m.edges.how[e] !== 0) continue;
        const p = d.edgePoint(e);
        if (p === null) continue;
        const h = d.hitAt(p.x, p.y).hit;
        if (h?.type !== 'edge' || h.edge !== e) continue;
        const send = m.edges.from[e];
        const body = JSON.parse(m.strings[m.rows.body[send]]) as Record<string, unknown>;
        const field = Object.keys(body).find((k) => k !== 'type' && (typeof body[k] === 'number' || typeof body[k] === 'string'));
        if (field === undefined) continue;
        return { p, type: m.strings[m.rows.label[send]], field, value: body[field] };
      }
      return null;
    });
    expect(target).not.toBeNull();
    const tooltip = page.locator('.fl-tooltip');
    await expect.poll(() => tooltip.isVisible()).toBe(false);
    await page.mouse.move(target!.p.x, target!.p.y);
    await expect.poll(() => tooltip.isVisible()).toBe(true);
    const text = (await tooltip.textContent()) ?? '';
    expect(text).toContain(`message ${target!.type}`);
    expect(text).toContain(`"${target!.field}": ${JSON.stringify(target!.value)}`);
    expect(text).toContain('latency');
    // Moving away hides it again.
    await page.mouse.move(5, 5);
    await expect.poll(() => tooltip.isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });

  it('selecting a delivery fades everything outside its causal past, and the toggle turns it off', async () => {
    const { page, errors } = await open('volatile-vote');
    const got = await page.evaluate(() => {
      const d = window.faultlineDiagrams![0];
      const ctx = (window.faultline!.contexts as Ctx[])[0];
      const m = ctx.model;
      // A delivery in the middle of the trace.
      let e = m.edges.length >> 1;
      while (e < m.edges.length && m.edges.how[e] !== 0) e++;
      const deliver = m.edges.to[e];
      const send = m.edges.from[e];
      ctx.bus.select(deliver, 'test');
      const [t0, t1] = d.window();
      return {
        deliver,
        send,
        selected: d.selected(),
        inWindow: m.rows.t[deliver] >= t0 && m.rows.t[deliver] <= t1,
        faded: d.stats().faded,
        deliverFaded: d.isFaded(deliver),
        sendFaded: d.isFaded(send),
        firstFaded: d.isFaded(0),
        laterFaded: d.isFaded(deliver + 1),
        lastFaded: d.isFaded(m.rows.length - 1),
      };
    });
    expect(got.selected).toBe(got.deliver);
    expect(got.inWindow).toBe(true);
    expect(got.faded).toBeGreaterThan(0);
    expect(got.deliverFaded).toBe(false);
    expect(got.sendFaded).toBe(false);
    expect(got.lastFaded).toBe(true);
    expect(got.laterFaded).toBe(true);
    await expect.poll(() => page.locator('.fl-diagram').first().getAttribute('data-faded')).toBe(String(got.faded));
    // The toggle switches the fading off, and on again.
    await page.locator('.fl-causal-toggle').uncheck();
    expect(await page.evaluate(() => window.faultlineDiagrams![0].stats().faded)).toBe(0);
    await page.locator('.fl-causal-toggle').check();
    expect(await page.evaluate(() => window.faultlineDiagrams![0].stats().faded)).toBe(got.faded);
    // A click on an event selects it.
    const point = await page.evaluate((row) => window.faultlineDiagrams![0].rowPoint(row), got.send);
    expect(point).not.toBeNull();
    await page.mouse.click(point!.x, point!.y);
    const clicked = await page.evaluate(() => window.faultlineDiagrams![0].selected());
    expect(clicked).not.toBe(got.deliver);
    expect(await page.evaluate((r) => (window.faultline!.contexts as Ctx[])[0].model.rows.t[r], clicked)).toBe(await page.evaluate((r) => (window.faultline!.contexts as Ctx[])[0].model.rows.t[r], got.send));
    expect(errors).toEqual([]);
  });

  it('follows the time window another view sets, and publishes its own (keyboard pan and zoom)', async () => {
    const { page, errors } = await open('figure-8');
    type Bus = { setWindow(t0: number, t1: number, source: string): void; window: { t0: number; t1: number } };
    await page.evaluate(() => ((window.faultline!.contexts[0] as { bus: Bus }).bus as Bus).setWindow(100_000, 300_000, 'history'));
    const w = await page.evaluate(() => window.faultlineDiagrams![0].window());
    expect(w[0]).toBeCloseTo(100_000, 3);
    expect(w[1]).toBeCloseTo(300_000, 3);
    await page.locator('canvas.fl-dg-canvas').focus();
    await page.keyboard.press('ArrowRight');
    const moved = await page.evaluate(() => ({ d: window.faultlineDiagrams![0].window(), bus: (window.faultline!.contexts[0] as { bus: Bus }).bus.window }));
    expect(moved.d[0]).toBeCloseTo(140_000, 3);
    expect(moved.bus.t0).toBeCloseTo(140_000, 3);
    expect(moved.bus.t1).toBeCloseTo(340_000, 3);
    await page.keyboard.press('+');
    const zoomed = await page.evaluate(() => window.faultlineDiagrams![0].window());
    expect(zoomed[1] - zoomed[0]).toBeLessThan(200_000 * 0.7);
    // The wheel zooms time only (around the mouse); a drag pans it.
    const box = (await page.locator('canvas.fl-dg-canvas').boundingBox())!;
    const before = await page.evaluate(() => window.faultlineDiagrams![0].window());
    await page.mouse.move(box.x + box.width * 0.6, box.y + 60);
    await page.mouse.wheel(0, -300);
    await expect.poll(() => page.evaluate(() => window.faultlineDiagrams![0].window()[1] - window.faultlineDiagrams![0].window()[0])).toBeLessThan((before[1] - before[0]) * 0.9);
    const mid = await page.evaluate(() => window.faultlineDiagrams![0].window());
    await page.mouse.move(box.x + box.width * 0.5, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5 - 200, box.y + 90, { steps: 5 });
    await page.mouse.up();
    const dragged = await page.evaluate(() => window.faultlineDiagrams![0].window());
    expect(dragged[0]).toBeGreaterThan(mid[0]);
    expect(dragged[1] - dragged[0]).toBeCloseTo(mid[1] - mid[0], 0);
    // Escape clears the selection, and with it the fading.
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => [window.faultlineDiagrams![0].selected(), window.faultlineDiagrams![0].stats().faded])).toEqual([-1, 0]);
    expect(errors).toEqual([]);
  });

  it('a passing run opens on the whole run, drawn as densities where it is busy', async () => {
    const { page, errors } = await open('nemesis');
    const got = await page.evaluate(() => {
      const d = window.faultlineDiagrams![0];
      const m = (window.faultline!.contexts[0] as Ctx).model;
      return { w: d.window(), rows: m.rows.length, t: m.rows.t[m.rows.length - 1], selected: d.selected(), stats: d.stats() as ReturnType<DiagramHook['stats']> & { densityLanes: number; lastPaintMs: number } };
    });
    expect(got.selected).toBe(-1);
    expect(got.stats.faded).toBe(0);
    expect(got.w[0]).toBeLessThanOrEqual(0);
    expect(got.w[1]).toBeGreaterThanOrEqual(got.t);
    expect(got.stats.densityLanes).toBeGreaterThan(0);
    expect(got.stats.arrowDensity).toBe(true);
    expect(got.stats.lastPaintMs).toBeLessThan(200);
    expect(await page.locator('.fl-dg-violation').isDisabled()).toBe(true);
    // Over a density the tooltip counts the events under the mouse.
    const label = (await page.locator('.fl-lane-label').first().boundingBox())!;
    const box = (await page.locator('canvas.fl-dg-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, label.y + 18);
    await expect.poll(() => page.locator('.fl-tooltip').textContent()).toMatch(/\d+ events? on n\d between/);
    expect(errors).toEqual([]);
  });

  it('the diff view marks the first divergence on both runs and shares one time axis', async () => {
    const { page, errors } = await open('diff');
    const banner = page.locator('.fl-divergence');
    expect(await banner.getAttribute('data-diverged')).toBe('true');
    const info = await page.evaluate(() => {
      const div = (window.faultline!.contexts[0] as { data: { divergence: { rows: [number, number]; atUs: [number, number]; why: string } } }).data.divergence;
      const hooks = window.faultlineDiagrams!;
      return { div, windows: hooks.map((h) => h.window()), selected: hooks.map((h) => h.selected()), points: hooks.map((h, i) => h.rowPoint(div.rows[i])) };
    });
    expect(await banner.textContent()).toContain(info.div.why);
    expect(info.selected).toEqual(info.div.rows);
    info.windows.forEach(([t0, t1], i) => {
      expect(info.div.atUs[i]).toBeGreaterThanOrEqual(t0);
      expect(info.div.atUs[i]).toBeLessThanOrEqual(t1);
    });
    // The divergence line is painted (orange) on both canvases, just under the axis.
    for (const i of [0, 1]) {
      const p = info.points[i];
      expect(p).not.toBeNull();
      const box = (await page.locator('canvas.fl-dg-canvas').nth(i).boundingBox())!;
      const around = await Promise.all([-1, 0, 1].map((dx) => pixel(page, i, p!.x + dx, box.y + 34)));
      expect(around.some(([r, g, b]) => r > 200 && g > 80 && g < 160 && b < 90), JSON.stringify(around)).toBe(true);
    }
    // Zooming one run zooms the other.
    await page.evaluate(() => window.faultlineDiagrams![0].setWindow(10_000, 20_000));
    const after = await page.evaluate(() => window.faultlineDiagrams!.map((h) => h.window()));
    expect(after[1][0]).toBeCloseTo(10_000, 3);
    expect(after[1][1]).toBeCloseTo(20_000, 3);
    // "go to divergence" brings it back.
    await page.locator('.fl-go-divergence').click();
    const back = await page.evaluate(() => window.faultlineDiagrams!.map((h) => h.window()));
    back.forEach(([t0, t1], i) => expect(info.div.atUs[i] >= t0 && info.div.atUs[i] <= t1).toBe(true));
    expect(errors).toEqual([]);
  });

  it('the diff of a run with itself shows no divergence', async () => {
    const { page, errors } = await open('same');
    const banner = page.locator('.fl-divergence');
    expect(await banner.getAttribute('data-diverged')).toBe('false');
    expect(await banner.textContent()).toContain('No divergence');
    expect(await page.locator('.fl-go-divergence').isDisabled()).toBe(true);
    expect(await page.locator('canvas.fl-dg-canvas').count()).toBe(2);
    expect(errors).toEqual([]);
  });
});
