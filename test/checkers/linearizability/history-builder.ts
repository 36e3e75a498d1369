// Hand-written histories for tests: one row per event, times = positions unless given.
import type { HistoryEvent } from '../../../sim/types.js';

export type EventType = HistoryEvent['type'];
export interface RowOptions {
  key?: string;
  /** Time in microseconds; default: the row's position. */
  t?: number;
}
export type Row = [process: number, type: EventType, f: string, value?: unknown, options?: RowOptions];

export function history(rows: readonly Row[]): HistoryEvent[] {
  return rows.map(([process, type, f, value, options], index) => {
    const ev: HistoryEvent = { index, process, type, f, timeUs: options?.t ?? index };
    if (value !== undefined) ev.value = value;
    if (options?.key !== undefined) ev.key = options.key;
    return ev;
  });
}

/** A completed operation on its own: invoke then ok, back to back. */
export function op(process: number, f: string, input: unknown, output: unknown, options: Omit<RowOptions, 't'> = {}): Row[] {
  return [
    [process, 'invoke', f, input, options],
    [process, 'ok', f, output, options],
  ];
}
