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

/** Processes below this number find their open invoke in an array; others (rare) in a Map. */
const PROCESS_SLOTS = 1 << 16;

/** Throws HistoryParseError (with `eventIndex` = position in `history`) when the history is malformed. */
export function pairOperations(history: readonly HistoryEvent[]): PairedHistory {
  const n = history.length;
  // The position + 1 of each process's open invoke (0: none).
  const slots: number[] = [];
  let others: Map<number, number> | undefined;
  // By invoke position: the completion's position + 1, -1 when never completed, 0 when no operation (failed, or not an invoke).
  const completionAt = new Int32Array(n);
  let failed = 0;
  for (let position = 0; position < n; position++) {
    const ev = history[position];
    const p = ev.process;
    const slotted = p >= 0 && p < PROCESS_SLOTS && (p | 0) === p;
    const at = (slotted ? slots[p] : others?.get(p)) ?? 0;
    const current = at > 0 ? history[at - 1] : undefined;
    // pairingProblem's conditions for "pairs", inline: a first check runs in V8's
    // interpreter, where its two calls per event cost more than the tests. Only an event
    // that fails them is handed to pairingProblem, which names what is wrong.
    const type = ev.type;
    const fine =
      (type === 'invoke' || type === 'ok' || type === 'info' || type === 'fail') &&
      typeof p === 'number' &&
      Number.isFinite(p) &&
      typeof ev.f === 'string' &&
      ev.f !== '' &&
      typeof ev.timeUs === 'number' &&
      Number.isFinite(ev.timeUs) &&
      (type === 'invoke' ? current === undefined : current !== undefined && current.f === ev.f);
    if (!fine) {
      const bad = pairingProblem(ev, position, current, at - 1);
      if (bad) throw bad;
    }
    if (type === 'invoke') {
      if (slotted) slots[p] = position + 1;
      else (others ??= new Map()).set(p, position + 1);
      continue;
    }
    // A completion that pairs has its process's open invoke.
    if (ev.timeUs < current!.timeUs) throw new HistoryParseError(undefined, 'timeUs', `a time not before its invoke's (${current!.timeUs})`, position);
    if (slotted) slots[p] = 0;
    else others!.delete(p);
    if (ev.type === 'fail') failed++;
    else completionAt[at - 1] = position + 1;
  }
  for (let i = 0; i < slots.length; i++) if (slots[i] > 0) completionAt[slots[i] - 1] = -1;
  if (others) for (const at of others.values()) completionAt[at - 1] = -1;
  const ops: Operation[] = [];
  for (let position = 0; position < n; position++) {
    const c = completionAt[position];
    if (c !== 0) ops.push(operationOf(ops.length, history[position], c > 0 ? history[c - 1] : undefined));
  }
  return { ops, failed };
}

/** An invoke and its completion (undefined: never completed) as an Operation: the invoke's argument, the ok completion's value. */
export function operationOf(id: number, invoke: HistoryEvent, completion: HistoryEvent | undefined): Operation {
  const done = completion !== undefined && completion.type === 'ok';
  const key = invoke.key ?? completion?.key;
  const output = done ? completion.value : undefined;
  const completeIndex = completion?.index;
  const completeTimeUs = done ? completion.timeUs : undefined;
  // One literal per shape (with the key last, or none): no property added afterwards.
  return key !== undefined
    ? { id, process: invoke.process, f: invoke.f, input: invoke.value, output, status: done ? 'ok' : 'info', invokeIndex: invoke.index, completeIndex, invokeTimeUs: invoke.timeUs, completeTimeUs, key }
    : { id, process: invoke.process, f: invoke.f, input: invoke.value, output, status: done ? 'ok' : 'info', invokeIndex: invoke.index, completeIndex, invokeTimeUs: invoke.timeUs, completeTimeUs };
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
