// What every view is mounted with.
import type { ReportData, ReportRun } from '../shared/data.js';
import type { Bus } from './bus.js';
import type { RunModel } from './model.js';

export interface ViewContext {
  data: ReportData;
  /** Which run of `data.runs` this view shows. */
  index: number;
  run: ReportRun;
  model: RunModel;
  bus: Bus;
}

/** Create an element with a class and text (text only: nothing from the run is ever parsed as HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** µs as a short time text: 1.234567 s, 12.345 ms, 87 µs. */
export function formatUs(us: number): string {
  const a = Math.abs(us);
  if (a >= 1_000_000) return `${(us / 1_000_000).toFixed(6)} s`;
  if (a >= 1_000) return `${(us / 1_000).toFixed(3)} ms`;
  return `${us} µs`;
}
