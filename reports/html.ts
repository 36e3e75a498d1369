// The report file: one self-contained HTML page. The client code (reports/client/, bundled
// into one script) and the run's data (reports/shared/codec.ts, deflated and base64) are
// inline; nothing is fetched. Every string of the run travels inside the base64 blob and is
// put on the page by the client as text, never as HTML; a Content-Security-Policy allows
// only the bundled script (by its hash), so even markup that did reach the page could not run.
import { createHash } from 'node:crypto';
import { encodeReport } from './shared/codec.js';
import type { ReportData } from './shared/data.js';

/** Text for an HTML text node or attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A script's text made safe inside <script>...</script>: no `</script` or `<!--` can end or bend it. */
export function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

export const DATA_ELEMENT_ID = 'faultline-data';

/** The report page for `data`, with the client bundle `bundle` inline. */
export function renderReportHtml(data: ReportData, bundle: string): string {
  const blob = Buffer.from(encodeReport(data)).toString('base64');
  const script = scriptSafe(bundle);
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  const first = data.runs[0]?.meta;
  const title = first ? `faultline · ${first.verdict.toUpperCase()} · ${first.scenario} · seed ${first.seed}` : 'faultline report';
  const csp = `default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; img-src data: blob:; connect-src data: blob:`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '</head>',
    '<body>',
    '<div id="app"><p id="loading" style="font:14px system-ui,sans-serif;padding:16px">Loading the report…</p></div>',
    `<script type="application/octet-stream" id="${DATA_ELEMENT_ID}">${blob}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
