// Pair a history's invokes with their completions (Jepsen's rules): a process has at most
// one open operation; ok / fail / info closes it. fail = it did not happen: dropped.
// info, or an invoke never closed, = indeterminate.
import type { HistoryEvent } from '../../sim/types.js';
import { HistoryParseError, type Operation } from './types.js';

export interface PairedHistory {
  /** Operations in invoke order, ids 0..n-1. */
  ops: Operation[];
  /** Operations that failed (dropped). */
  failed: number;
}

interface Open {
  event: HistoryEvent;
  position: number;
}

/** Throws HistoryParseError (with `eventIndex` = position in `history`) when the history is malformed. */
export function pairOperations(history: readonly HistoryEvent[]): PairedHistory {
  const open = new Map<number, Open>();
  // Completed (or crashed) operations by their invoke's position, so they come out in invoke order.
  const byInvoke: Array<HistoryEvent | null | undefined> = new Array(history.length);
  let failed = 0;
  for (let position = 0; position < history.length; position++) {
    const ev = history[position];
    const current = open.get(ev.process);
    const bad = pairingProblem(ev, position, current?.event, current?.position ?? -1);
    if (bad) throw bad;
    if (ev.type === 'invoke') {
      open.set(ev.process, { event: ev, position });
      continue;
    }
    const invoke = current!; // a completion that pairs has its process's open invoke
    if (ev.timeUs < invoke.event.timeUs) throw new HistoryParseError(undefined, 'timeUs', `a time not before its invoke's (${invoke.event.timeUs})`, position);
    open.delete(ev.process);
    if (ev.type === 'fail') {
      failed++;
      continue;
    }
    byInvoke[invoke.position] = ev;
  }
  for (const { position } of open.values()) byInvoke[position] = null;
  const ops: Operation[] = [];
  for (let position = 0; position < history.length; position++) {
    const completion = byInvoke[position];
    if (completion !== undefined) ops.push(operationOf(ops.length, history[position], completion ?? undefined));
  }
  return { ops, failed };
}

/** An invoke and its completion (undefined: never completed) as an Operation: the invoke's argument, the ok completion's value. */
export function operationOf(id: number, invoke: HistoryEvent, completion: HistoryEvent | undefined): Operation {
  const done = completion?.type === 'ok';
  const key = invoke.key ?? completion?.key;
  const op: Operation = {
    id,
    process: invoke.process,
    f: invoke.f,
    input: invoke.value,
    output: done ? completion!.value : undefined,
    status: done ? 'ok' : 'info',
    invokeIndex: invoke.index,
    completeIndex: completion?.index,
    invokeTimeUs: invoke.timeUs,
    completeTimeUs: done ? completion!.timeUs : undefined,
  };
  if (key !== undefined) (op as { key?: string }).key = key;
  return op;
}

/**
 * What is wrong with event `position` of a history (pairOperations' and the incremental
 * check's rules), given its process's open invoke (undefined: none) at `openPosition`:
 * its own fields, an invoke while one is open, a completion with none open or of another
 * function. Undefined when it pairs.
 */
export function pairingProblem(ev: HistoryEvent, position: number, openInvoke: HistoryEvent | undefined, openPosition: number): HistoryParseError | undefined {
  const bad = eventProblem(ev);
  if (bad) return new HistoryParseError(undefined, bad.field, bad.expected, position);
  if (ev.type === 'invoke') {
    if (!openInvoke) return undefined;
    return new HistoryParseError(undefined, 'process', `a completion of process ${ev.process}'s open :${openInvoke.f} (event ${openPosition}) before it invokes again`, position);
  }
  if (!openInvoke) return new HistoryParseError(undefined, 'process', `an :invoke by process ${ev.process} before this :${ev.type}`, position);
  if (openInvoke.f !== ev.f) return new HistoryParseError(undefined, 'f', `:${openInvoke.f}, the function of process ${ev.process}'s open invoke (event ${openPosition}), got :${ev.f}`, position);
  return undefined;
}

/** What is wrong with one event's own fields (type, process, f, timeUs), or undefined when they are fine. */
export function eventProblem(ev: HistoryEvent): { field: string; expected: string } | undefined {
  if (ev.type !== 'invoke' && ev.type !== 'ok' && ev.type !== 'info' && ev.type !== 'fail') return { field: 'type', expected: `one of invoke, ok, fail, info (got ${JSON.stringify(ev.type)})` };
  if (typeof ev.process !== 'number' || !Number.isFinite(ev.process)) return { field: 'process', expected: 'a process number' };
  if (typeof ev.f !== 'string' || ev.f === '') return { field: 'f', expected: 'the operation name (a string)' };
  if (typeof ev.timeUs !== 'number' || !Number.isFinite(ev.timeUs)) return { field: 'timeUs', expected: 'a time in microseconds (a number)' };
  return undefined;
}
