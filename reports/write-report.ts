// Writing a report file: the runs' data, the client bundle, one HTML page, written
// atomically (a temporary file renamed over the path), so a failed write leaves nothing.
import { writeOutputSync } from '../explore/write-output.js';
import { packageVersion } from '../scenario/registry.js';
import type { ScenarioRun } from '../scenario/runner.js';
import { buildReportRun, reportData } from './build-data.js';
import { clientBundle } from './client-bundle.js';
import { renderReportHtml } from './html.js';
import { firstDivergence } from './shared/diverge.js';
import type { ReportData } from './shared/data.js';

export interface ReportSource {
  run: ScenarioRun;
  /** The command that replays this run (default: the runner's `faultline run ...`). */
  replay?: string;
  shrink?: string;
  title?: string;
  figures?: Record<string, string>;
}

/** The report's data: one run, or two compared (with their first divergence). */
export function reportDataOf(sources: readonly ReportSource[]): ReportData {
  const version = packageVersion();
  const runs = sources.map((s) => {
    const run = buildReportRun(s.run, { version, ...(s.shrink !== undefined ? { shrink: s.shrink } : {}), ...(s.title !== undefined ? { title: s.title } : {}), ...(s.figures !== undefined ? { figures: s.figures } : {}) });
    if (s.replay !== undefined) run.meta.replay = s.replay;
    return run;
  });
  return reportData(runs, runs.length === 2 ? firstDivergence(runs[0], runs[1]) : undefined);
}

/** The report page's HTML for these runs. */
export async function reportHtml(sources: readonly ReportSource[]): Promise<string> {
  return renderReportHtml(reportDataOf(sources), await clientBundle());
}

export interface WrittenReport {
  /** The file's size. */
  bytes: number;
  data: ReportData;
}

/** Write the report to `path`. OutputError (exit 2) when the path cannot be written; nothing partial is left. */
export async function writeReport(path: string, sources: readonly ReportSource[]): Promise<WrittenReport> {
  const data = reportDataOf(sources);
  const html = renderReportHtml(data, await clientBundle());
  writeOutputSync(path, html);
  return { bytes: Buffer.byteLength(html, 'utf8'), data };
}
