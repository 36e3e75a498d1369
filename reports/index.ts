// reports/: the HTML trace report and its data, the diff of two runs, the Perfetto export.
export { buildReportRun, reportData, summaryLine, type ReportRunOptions } from './build-data.js';
export { renderReportHtml, escapeHtml, scriptSafe } from './html.js';
export { reportDataOf, reportHtml, writeReport, type ReportSource } from './write-report.js';
export { encodeReport, decodeReport } from './shared/codec.js';
export { firstDivergence } from './shared/diverge.js';
export * from './shared/data.js';
