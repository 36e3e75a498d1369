// The report never runs what a run carries. A hostile fixture protocol (test/fixtures/
// protocols/xss.ts) puts script-bearing markup into every string it can reach: the
// scenario's name and description, message types and fields, note kinds and data, timer
// names, state summaries, operation keys, values and errors, a bug variant's name, an
// invariant's name and its violation, and so the linearizability counterexample. The page must show all of it as
// literal text: no dialog, no hooked alert/confirm/prompt call, no element from a payload.
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/load.js';
import { runScenario, type ScenarioRun } from '../../scenario/runner.js';
import { clientBundle } from '../../reports/client-bundle.js';
import { DATA_ELEMENT_ID, escapeHtml, renderReportHtml } from '../../reports/html.js';
import { reportDataOf, writeReport } from '../../reports/write-report.js';
import { HOSTILE_BUG, HOSTILE_KEY, NEVER_WRITTEN, PAYLOADS } from '../fixtures/protocols/xss.js';
import { browserEnabled, launchBrowser, openReport, type OpenedReport } from './browser.js';

const SCENARIO = 'test/fixtures/protocols/xss.yaml';

async function hostileRun(): Promise<ScenarioRun> {
  const loaded = await loadScenario(SCENARIO);
  return runScenario(loaded, { record: 'full' });
}

describe('the hostile fixture', () => {
  it('carries its payloads into the run: a hostile name, violation and counterexample', async () => {
    const run = await hostileRun();
    const meta = reportDataOf([{ run }]).runs[0].meta;
    expect(meta.scenario).toContain(PAYLOADS[0]);
    expect(meta.verdict).toBe('fail');
    expect(meta.violations.some((v) => v.kind === 'safety' && v.message.includes(PAYLOADS[1]))).toBe(true);
    expect(meta.linearizability?.counterexample?.opText).toContain(HOSTILE_KEY);
    expect(meta.bugs).toEqual([HOSTILE_BUG]);
  });
});

describe('renderReportHtml with hostile data', () => {
  it('has no raw payload outside the base64 data blob', async () => {
    const run = await hostileRun();
    const html = renderReportHtml(reportDataOf([{ run }]), await clientBundle());
    const open = `<script type="application/octet-stream" id="${DATA_ELEMENT_ID}">`;
    const start = html.indexOf(open);
    const end = html.indexOf('</script>', start);
    expect(start).toBeGreaterThan(0);
    const blob = html.slice(start + open.length, end);
    expect(blob).toMatch(/^[A-Za-z0-9+/=]+$/);
    // The title holds the hostile scenario name, escaped (no < or > left in it).
    const title = /<title>([^<]*)<\/title>/.exec(html)?.[1];
    expect(title).toBe(`faultline · FAIL · ${escapeHtml(`${PAYLOADS[0]} ${PAYLOADS[1]}`)} · seed 1`);
    const outside = (html.slice(0, start) + html.slice(end)).replace(`<title>${title}</title>`, '');
    for (const p of [...PAYLOADS, HOSTILE_KEY, NEVER_WRITTEN, HOSTILE_BUG]) expect(outside).not.toContain(p);
    for (const bit of ['<img', '<svg', '<iframe', '<b ', 'onerror', 'onload', 'onmouseover', 'alert(', 'javascript:']) expect(outside.toLowerCase()).not.toContain(bit);
    // Exactly the page's own two scripts.
    expect(html.match(/<script/g)?.length).toBe(2);
  });

  it('client sources never parse HTML or evaluate code', () => {
    const dir = 'reports/client';
    const banned = /\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\s*\(|new Function\b|createContextualFragment|DOMParser|\.html\s*\(/;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((line) => !line.trim().startsWith('//'))
        .join('\n');
      expect(banned.exec(text)?.[0], `${file}`).toBeUndefined();
      // No inline handler attributes set by name either.
      expect(/setAttribute\(\s*['"]on/i.test(text), `${file}`).toBe(false);
    }
  });
});

describe.skipIf(!browserEnabled)('the hostile report in a browser', () => {
  let dir: string;
  let browser: Browser;
  let report: OpenedReport;
  let page: Page;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fl-xss-'));
    const file = join(dir, 'xss.html');
    await writeReport(file, [{ run: await hostileRun() }]);
    browser = await launchBrowser();
    report = await openReport(browser, file);
    page = report.page;
    // Hook the dialogs before any page script runs (from the next load on), then reload.
    await page.addInitScript(() => {
      const calls: string[] = [];
      (window as unknown as { __xssCalls: string[] }).__xssCalls = calls;
      for (const name of ['alert', 'confirm', 'prompt'] as const) {
        (window as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
          calls.push(`${name}(${args.map(String).join(',')})`);
          return name === 'confirm' ? false : null;
        };
      }
    });
    await page.reload();
    await page.waitForFunction(() => window.faultline?.ready === true, undefined, { timeout: 60_000 });
    // Exercise the views: hover an op bar, open tooltips, search the log, select rows.
    await page.locator('.fl-jump').click();
    await page.locator('.fl-log input[type=search]').fill('onerror');
    await page.locator('.fl-log input[type=search]').press('Enter');
    await page.locator('.fl-log-scroll .fl-log-row:visible').first().click();
    const canvas = page.locator('canvas.fl-history-canvas');
    const box = (await canvas.boundingBox())!;
    for (let x = 80; x < box.width; x += 40) await canvas.hover({ position: { x, y: 29 } });
    await page.locator('.fl-cx-step').first().hover();
    await page.waitForTimeout(100);
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens no dialog and calls no hooked alert, confirm or prompt', async () => {
    expect(report.dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __xssCalls: string[] }).__xssCalls)).toEqual([]);
    // The hook is live: a probe call is recorded (so an empty list means no call, not no hook).
    expect(await page.evaluate(() => {
      window.alert('probe');
      return (window as unknown as { __xssCalls: string[] }).__xssCalls;
    })).toEqual(['alert(probe)']);
    expect(report.dialogs).toEqual([]);
  });

  it('logs no console error (an inline script refused by the CSP would show here)', () => {
    expect(report.errors).toEqual([]);
  });

  it('shows the hostile strings as literal text', async () => {
    await expect(page.locator('.fl-scenario').textContent()).resolves.toBe(`${PAYLOADS[0]} ${PAYLOADS[1]}`);
    const messages = await page.locator('.fl-violation-message').allTextContents();
    expect(messages.some((m) => m === `the store holds ${PAYLOADS[0]} and ${PAYLOADS[1]} and ${PAYLOADS[2]}`)).toBe(true);
    const properties = (await page.locator('.fl-violation-property').allTextContents()).join(' ');
    expect(properties).toContain('never-<img src=x onerror=alert(2)>');
    await expect(page.locator('.fl-bug').allTextContents()).resolves.toEqual([HOSTILE_BUG]);
    await expect(page.getByText(PAYLOADS[1]).first().isVisible()).resolves.toBe(true);
    await expect(page.getByText(PAYLOADS[2]).first().isVisible()).resolves.toBe(true);
    // In the log (the search kept rows mentioning onerror) and the counterexample.
    const logText = (await page.locator('.fl-log-scroll').textContent())!;
    expect(logText).toContain(HOSTILE_KEY);
    const cx = (await page.locator('.fl-counterexample').textContent())!;
    expect(cx).toContain(NEVER_WRITTEN);
    expect(cx).toContain(PAYLOADS[0]);
  });

  it('creates no element from a payload', async () => {
    const found = await page.evaluate(() => ({
      img: document.querySelectorAll('img').length,
      svg: document.querySelectorAll('svg').length,
      iframe: document.querySelectorAll('iframe').length,
      b: document.querySelectorAll('b').length,
      scripts: document.querySelectorAll('script').length,
      styles: document.querySelectorAll('style').length,
      link: document.querySelectorAll('#xss-link, a[href^="javascript:"]').length,
      handlers: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName}[${a.name}]`)),
      bodyShown: getComputedStyle(document.body).display !== 'none',
    }));
    // The page's own: the data blob and the bundle; one style sheet (the client's).
    expect(found).toEqual({ img: 0, svg: 0, iframe: 0, b: 0, scripts: 2, styles: 1, link: 0, handlers: [], bodyShown: true });
  });
});
