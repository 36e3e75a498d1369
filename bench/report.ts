// The HTML report at a million trace rows: the run (bench/fixtures/report-million.yaml,
// Raft under the nemesis for 250 s simulated), the time to build its data and to write the
// page, the file's size per million rows; then, in headless Chromium (Debian's, when it is
// there), the time to first paint and the frame times while zooming and panning the diagram.
// Figures only; nothing asserts on time. main() returns them as rows for run-all.ts's table;
// BENCH_SMOKE=1 keeps the first 10 s simulated.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { buildReportRun, reportData } from '../reports/build-data.js';
import { clientBundle } from '../reports/client-bundle.js';
import { renderReportHtml } from '../reports/html.js';
import { encodeReport } from '../reports/shared/codec.js';
import { writeOutputSync } from '../explore/write-output.js';
import { loadScenario } from '../scenario/load.js';
import { runScenario } from '../scenario/runner.js';
import { isSmoke, type BenchRow } from './table.js';

const CHROMIUM = process.env.FAULTLINE_CHROMIUM ?? '/usr/bin/chromium';

export async function main(): Promise<BenchRow[]> {
  const file = process.env.BENCH_REPORT_SCENARIO ?? 'bench/fixtures/report-million.yaml';
  const full = await loadScenario(file, { record: 'full' });
  // A smoke run keeps the first 10 s simulated (about 4% of the million rows).
  const durationUs = isSmoke() ? Math.min(full.config.durationUs, 10_000_000) : full.config.durationUs;
  const loaded = { ...full, config: { ...full.config, durationUs, faultsStopUs: Math.min(full.config.faultsStopUs, durationUs) } };
  const figures: BenchRow[] = [];
  let t = performance.now();
  const run = runScenario(loaded);
  const runMs = performance.now() - t;
  const rows = run.result.trace?.length ?? 0;
  console.log(`report: ${file}, ${run.result.events.toLocaleString('en-US')} events, ${rows.toLocaleString('en-US')} trace rows, run ${ms(t)}`);
  t = performance.now();
  const data = reportData([buildReportRun(run, { version: 'bench' })]);
  const buildMs = performance.now() - t;
  t = performance.now();
  const deflated = encodeReport(data);
  const encodeMs = performance.now() - t;
  const bundle = await clientBundle();
  t = performance.now();
  const html = renderReportHtml(data, bundle);
  const pageMs = performance.now() - t;
  const bytes = Buffer.byteLength(html, 'utf8');
  console.log(`  data ${buildMs.toFixed(0)} ms · encode ${encodeMs.toFixed(0)} ms (${mb(deflated.length)} deflated) · page (encode again, base64) ${pageMs.toFixed(0)} ms`);
  console.log(`  file ${mb(bytes)} (${mb((bytes / rows) * 1e6)} per million rows; client script ${(Buffer.byteLength(bundle) / 1e3).toFixed(0)} kB)`);
  const rowsNote = `${rows} trace rows, ${durationUs / 1e6} s simulated`;
  figures.push(
    { name: 'run (record=full)', figure: runMs, unit: 'ms', note: rowsNote },
    { name: 'report data', figure: buildMs, unit: 'ms', note: rowsNote },
    { name: 'encode (deflate)', figure: encodeMs, unit: 'ms', note: `${mb(deflated.length)} deflated` },
    { name: 'page (encode again, base64)', figure: pageMs, unit: 'ms' },
    { name: 'file size per million rows', figure: bytes / rows, unit: 'MB' /* bytes per row = MB per million rows */, note: `file ${mb(bytes)}` },
  );

  if (!existsSync(CHROMIUM)) {
    console.log(`  browser: skipped (no Chromium at ${CHROMIUM}; apt-get install -y chromium)`);
    figures.push({ name: 'browser', figure: null, unit: 'ms', note: `skipped: no Chromium at ${CHROMIUM}` });
    return figures;
  }
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-report-'));
  try {
    const path = join(dir, 'million.html');
    writeOutputSync(path, html);
    figures.push(...(await browserFigures(path)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

async function browserFigures(path: string): Promise<BenchRow[]> {
  const figures: BenchRow[] = [];
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const t = performance.now();
    await page.goto(pathToFileURL(path).href);
    await page.waitForFunction(() => (window as unknown as { faultline?: { ready: boolean } }).faultline?.ready === true, undefined, { timeout: 120_000 });
    const wallMs = performance.now() - t;
    // performance.now() in the page counts from navigation start: ready is set in the first frame after mounting.
    const paint = await page.evaluate(() => {
      const f = (window as unknown as { faultline: { firstPaintMs: number } }).faultline;
      const p = performance.getEntriesByType('paint' as never).find((e) => e.name === 'first-contentful-paint');
      return { readyMs: performance.now(), mountMs: f.firstPaintMs, fcpMs: p ? p.startTime : -1 };
    });
    figures.push({ name: 'browser: loaded and drawn', figure: wallMs, unit: 'ms', note: `decode and mount ${paint.mountMs.toFixed(0)} ms${errors.length ? `; ${errors.length} page errors` : ''}` });
    console.log(`  browser: loaded and drawn in ${wallMs.toFixed(0)} ms (decode and mount ${paint.mountMs.toFixed(0)} ms; first contentful paint ${paint.fcpMs.toFixed(0)} ms)${errors.length ? ` · ${errors.length} page errors: ${errors[0]}` : ''}`);

    const canvas = await page.$('.fl-diagram canvas');
    if (canvas === null) {
      console.log('  frames: no diagram canvas on the page');
      figures.push({ name: 'frames', figure: null, unit: 'ms', note: 'no diagram canvas on the page' });
      return figures;
    }
    const box = (await canvas.boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + Math.min(box.height / 2, 200);
    // As text: a function would be rewritten by the TypeScript loader (its helpers do not exist in the page).
    await page.evaluate(`(() => {
      window.__frames = [];
      window.__on = true;
      let last = performance.now();
      const tick = (now) => {
        window.__frames.push(now - last);
        last = now;
        if (window.__on) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    await page.mouse.move(x, y);
    // Zoom in step by step, pan by dragging, zoom back out to the whole run.
    for (let i = 0; i < 25; i++) {
      await page.mouse.wheel(0, -240);
      await page.waitForTimeout(16);
    }
    await page.mouse.down();
    for (let i = 0; i < 25; i++) {
      await page.mouse.move(x - i * 20, y);
      await page.waitForTimeout(16);
    }
    await page.mouse.up();
    for (let i = 0; i < 30; i++) {
      await page.mouse.wheel(0, 240);
      await page.waitForTimeout(16);
    }
    const frames = (await page.evaluate('(() => { window.__on = false; return window.__frames.slice(1); })()')) as number[];
    frames.sort((a, b) => a - b);
    const q = (p: number) => frames[Math.min(frames.length - 1, Math.floor(p * frames.length))] ?? 0;
    console.log(`  frames while zooming and panning: ${frames.length} frames · median ${q(0.5).toFixed(1)} ms · p95 ${q(0.95).toFixed(1)} ms · max ${q(1).toFixed(1)} ms`);
    figures.push(
      { name: 'frame while zooming, median', figure: q(0.5), unit: 'ms', note: `${frames.length} frames` },
      { name: 'frame while zooming, p95', figure: q(0.95), unit: 'ms' },
    );
  } finally {
    await browser.close();
  }
  return figures;
}

const ms = (since: number) => `${((performance.now() - since) / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
