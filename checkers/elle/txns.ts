// Pair list-append history events into transactions and read their micro-ops. A txn value
// is a list of [f, key, value] with f = append | r (Jepsen's :append / :r keywords read as
// the same strings); keys may be strings or numbers (kept as text).
import type { HistoryEvent } from '../../sim/types.js';
import { HistoryParseError } from '../linearizability/types.js';
import { canonicalKey } from '../linearizability/values.js';
import type { MicroOp, Txn, TxnRef } from './types.js';

/** Pair each process's invoke with its next completion; unmatched invokes are info. */
export function pairTxns(events: readonly HistoryEvent[]): Txn[] {
  const open = new Map<number, { ev: HistoryEvent; position: number; id: number }>();
  const slots: Array<Txn | undefined> = [];
  const invokes: Array<{ ev: HistoryEvent; position: number }> = [];
  events.forEach((ev, position) => {
    if (ev.f !== 'txn') throw new HistoryParseError(undefined, 'f', 'txn (a list-append transaction)', position);
    if (ev.type === 'invoke') {
      if (open.has(ev.process)) throw new HistoryParseError(undefined, 'type', `a completion of process ${ev.process}'s open txn before its next invoke`, position);
      open.set(ev.process, { ev, position, id: invokes.length });
      invokes.push({ ev, position });
      slots.push(undefined);
      return;
    }
    const inv = open.get(ev.process);
    if (!inv) throw new HistoryParseError(undefined, 'type', `an invoke of process ${ev.process} before its completion`, position);
    open.delete(ev.process);
    const status = ev.type === 'ok' ? 'ok' : ev.type === 'fail' ? 'fail' : 'info';
    const source = status === 'ok' ? ev : inv.ev;
    const ops = microOps(source.value, status === 'ok', source === ev ? position : inv.position);
    if (status === 'ok') checkSameShape(microOps(inv.ev.value, false, inv.position), ops, position);
    slots[inv.id] = {
      id: inv.id,
      process: ev.process,
      status,
      ops,
      invokeIndex: inv.ev.index,
      completeIndex: ev.index,
      invokeTimeUs: inv.ev.timeUs,
      completeTimeUs: status === 'info' ? undefined : ev.timeUs,
    };
  });
  return slots.map((t, id) => {
    if (t) return t;
    const { ev, position } = invokes[id];
    return { id, process: ev.process, status: 'info', ops: microOps(ev.value, false, position), invokeIndex: ev.index, completeIndex: undefined, invokeTimeUs: ev.timeUs, completeTimeUs: undefined };
  });
}

const SHAPE = 'a list of micro-ops [append key value] or [r key list]';

function microOps(value: unknown, completed: boolean, position: number): MicroOp[] {
  if (!Array.isArray(value)) throw new HistoryParseError(undefined, 'value', SHAPE, position);
  return value.map((m: unknown, i) => {
    const field = `value[${i}]`;
    if (!Array.isArray(m) || m.length !== 3) throw new HistoryParseError(undefined, field, `a micro-op [f key value] (${SHAPE})`, position);
    const [f, k, v] = m as unknown[];
    if (typeof k !== 'string' && typeof k !== 'number') throw new HistoryParseError(undefined, `${field} key`, 'a key (a string or a number)', position);
    const key = String(k);
    if (f === 'append') {
      if (!isElement(v)) throw new HistoryParseError(undefined, `${field} value`, 'the appended value (a number or a string)', position);
      return { f: 'append', key, value: v };
    }
    if (f === 'r') {
      if (v === null || v === undefined) return { f: 'r', key, value: completed ? [] : null };
      if (!Array.isArray(v) || !v.every(isElement)) throw new HistoryParseError(undefined, `${field} value`, 'the list read (numbers or strings), or nil', position);
      return { f: 'r', key, value: completed ? (v as Array<number | string>) : null };
    }
    throw new HistoryParseError(undefined, `${field} f`, 'append or r', position);
  });
}

function isElement(v: unknown): v is number | string {
  return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
}

function checkSameShape(invoked: readonly MicroOp[], done: readonly MicroOp[], position: number): void {
  const same = invoked.length === done.length && invoked.every((m, i) => m.f === done[i].f && m.key === done[i].key && (m.f === 'r' || m.value === done[i].value));
  if (!same) throw new HistoryParseError(undefined, 'value', 'the ok completion to carry the invoke\'s micro-ops (same functions, keys and appended values)', position);
}

export function showMicroOp(m: MicroOp): string {
  if (m.f === 'append') return `[append ${m.key} ${String(m.value)}]`;
  return `[r ${m.key} ${m.value === null ? 'nil' : `[${m.value.map((x) => (typeof x === 'string' ? canonicalKey(x) : String(x))).join(' ')}]`}]`;
}

export function txnRef(t: Txn): TxnRef {
  const suffix = t.status === 'ok' ? '' : ` (${t.status})`;
  return {
    id: t.id,
    process: t.process,
    status: t.status,
    invokeIndex: t.invokeIndex,
    ...(t.completeIndex !== undefined ? { completeIndex: t.completeIndex } : {}),
    invokeTimeUs: t.invokeTimeUs,
    ...(t.completeTimeUs !== undefined ? { completeTimeUs: t.completeTimeUs } : {}),
    text: `T${t.id} p${t.process} ${t.ops.map(showMicroOp).join(' ')}${suffix}`,
  };
}
