// Headless Chromium for the report tests: Debian's /usr/bin/chromium driven by
// playwright-core. CI installs it (.ci/run) and sets FAULTLINE_REQUIRE_BROWSER=1, so there
// a missing browser fails the suite; elsewhere the browser suites are skipped with a note.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.FAULTLINE_CHROMIUM ?? '/usr/bin/chromium';
export const browserRequired = process.env.FAULTLINE_REQUIRE_BROWSER === '1';
/** Run the browser suites: Chromium is there, or CI requires it (then a missing one fails at launch). */
export const browserEnabled = existsSync(CHROMIUM) || browserRequired;
if (!browserEnabled) console.warn(`report browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--allow-file-access-from-files'],
  });
}

export interface OpenedReport {
  page: Page;
  /** Console errors, page errors and failed requests, as they happen. */
  errors: string[];
  /** Every dialog (alert, confirm, prompt) the page opened: an XSS would show here. */
  dialogs: string[];
  close(): Promise<void>;
}

/** Open a report file from file:// in a new page and wait until its views are mounted. */
export async function openReport(browser: Browser, file: string, viewport = { width: 1400, height: 900 }): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`requestfailed: ${r.url()}`));
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => window.faultline?.ready === true, undefined, { timeout: 60_000 });
  return { page, errors, dialogs, close: () => page.close() };
}

declare global {
  interface Window {
    faultline?: { ready: boolean; firstPaintMs: number; contexts: unknown[] };
  }
}
