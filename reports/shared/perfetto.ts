// PLACEHOLDER until the Perfetto export lands: the signature the report and the CLI call.
import type { ReportRun } from './data.js';

export interface ChromeTraceEvent {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  tid: number;
  [field: string]: unknown;
}

export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ms' | 'ns';
  otherData: Record<string, string>;
}

export function toChromeTrace(run: ReportRun): ChromeTrace {
  throw new Error(`the Perfetto export is not built yet (${run.meta.scenario})`);
}

export function chromeTraceJson(run: ReportRun): string {
  return JSON.stringify(toChromeTrace(run));
}
