// Inference from the txns' micro-ops: who appended each value, each key's version order
// (the longest read; every other read must be a prefix of it), the non-cycle anomalies
// (G1a, G1b, duplicates, unwritten values, incompatible orders, internal), and the ww /
// wr / rw edges. Edges join committed txns and indeterminate (info) txns whose append was
// read: a value in the version order came from a read, so its writer did commit. Failed
// txns never get edges; an info txn's reads are unknown.
import { HistoryParseError } from '../linearizability/types.js';
import type { DependencyGraph } from './graph.js';
import { txnRef } from './txns.js';
import type { ElleAnomaly, Txn } from './types.js';

type Element = number | string;

interface Write {
  txn: Txn;
  /** True when it is the txn's last append to the key. */
  final: boolean;
}

interface Read {
  txn: Txn;
  key: string;
  list: readonly Element[];
}

export interface Inference {
  anomalies: ElleAnomaly[];
  keys: number;
}

const show = (list: readonly Element[]) => `[${list.map(String).join(' ')}]`;

/** Add ww, wr and rw edges to `graph` (nodes = txn ids; failed txns get none). */
export function inferDependencies(txns: readonly Txn[], graph: DependencyGraph): Inference {
  const anomalies: ElleAnomaly[] = [];
  const writers = new Map<string, Map<Element, Write>>();
  const readsByKey = new Map<string, Read[]>();
  const keyOrder: string[] = [];
  const touch = (key: string) => {
    if (!writers.has(key)) {
      writers.set(key, new Map());
      readsByKey.set(key, []);
      keyOrder.push(key);
    }
  };
  for (const t of txns) {
    const lastAppend = new Map<string, number>();
    t.ops.forEach((m, i) => {
      touch(m.key);
      if (m.f === 'append') lastAppend.set(m.key, i);
    });
    t.ops.forEach((m, i) => {
      if (m.f === 'append') {
        const byValue = writers.get(m.key)!;
        const other = byValue.get(m.value);
        if (other) {
          throw new HistoryParseError(undefined, 'value', `appended values unique per key (${String(m.value)} is appended to ${m.key} by T${other.txn.id} and T${t.id})`, undefined);
        }
        byValue.set(m.value, { txn: t, final: lastAppend.get(m.key) === i });
      } else if (t.status === 'ok' && m.value !== null) {
        readsByKey.get(m.key)!.push({ txn: t, key: m.key, list: m.value });
      }
    });
  }
  for (const t of txns) if (t.status === 'ok') checkInternal(t, anomalies);
  for (const key of keyOrder) inferKey(key, writers.get(key)!, readsByKey.get(key)!, graph, anomalies);
  return { anomalies, keys: keyOrder.length };
}

function inferKey(key: string, writers: Map<Element, Write>, reads: readonly Read[], graph: DependencyGraph, anomalies: ElleAnomaly[]): void {
  // Reads that can order the key: no duplicates, only appended values.
  const usable: Read[] = [];
  for (const r of reads) {
    const seen = new Set<Element>();
    let clean = true;
    for (const v of r.list) {
      if (seen.has(v)) {
        anomalies.push({ kind: 'duplicate-elements', key, message: `T${r.txn.id} read ${key} = ${show(r.list)}, which holds ${String(v)} twice`, txns: [txnRef(r.txn)] });
        clean = false;
        break;
      }
      seen.add(v);
      const w = writers.get(v);
      if (!w) {
        anomalies.push({ kind: 'unwritten-read', key, message: `T${r.txn.id} read ${key} = ${show(r.list)}, but no txn appended ${String(v)} to ${key}`, txns: [txnRef(r.txn)] });
        clean = false;
        break;
      }
      if (w.txn.status === 'fail') {
        anomalies.push({ kind: 'G1a', key, message: `T${r.txn.id} read ${key} = ${show(r.list)}, which holds ${String(v)}, appended by T${w.txn.id}, which failed (aborted read)`, txns: [txnRef(r.txn), txnRef(w.txn)] });
      }
    }
    if (r.list.length > 0) {
      const last = r.list[r.list.length - 1];
      const w = writers.get(last);
      if (w && !w.final && w.txn !== r.txn) {
        anomalies.push({ kind: 'G1b', key, message: `T${r.txn.id} read ${key} = ${show(r.list)}, ending at ${String(last)}, an intermediate append of T${w.txn.id}, which appended to ${key} again later (intermediate read)`, txns: [txnRef(r.txn), txnRef(w.txn)] });
      }
    }
    if (clean) usable.push(r);
  }
  if (usable.length === 0) return;
  // The version order: the longest read (the first of the longest, in txn order).
  let longest = usable[0];
  for (const r of usable) if (r.list.length > longest.list.length) longest = r;
  const order = longest.list;
  const position = new Map<Element, number>();
  order.forEach((v, i) => position.set(v, i));
  const consistent: Read[] = [];
  for (const r of usable) {
    const prefix = r.list.every((v, i) => order[i] === v);
    if (prefix) {
      consistent.push(r);
      continue;
    }
    anomalies.push({
      kind: 'incompatible-order',
      key,
      message: `${key}: T${r.txn.id} read ${show(r.list)} and T${longest.txn.id} read ${show(order)}; neither is a prefix of the other`,
      txns: [txnRef(r.txn), txnRef(longest.txn)],
    });
  }
  // ww: consecutive versions.
  for (let i = 1; i < order.length; i++) {
    const a = writers.get(order[i - 1])!.txn;
    const b = writers.get(order[i])!.txn;
    if (a.status !== 'fail' && b.status !== 'fail') graph.add({ from: a.id, to: b.id, kind: 'ww', key, values: [order[i - 1], order[i]] });
  }
  // wr and rw from each read that fits the order.
  for (const r of consistent) {
    const n = r.list.length;
    if (n > 0) {
      const w = writers.get(r.list[n - 1])!.txn;
      if (w.status !== 'fail') graph.add({ from: w.id, to: r.txn.id, kind: 'wr', key, values: [r.list[n - 1]] });
    }
    if (n < order.length) {
      const next = writers.get(order[n])!.txn;
      if (next.status !== 'fail') graph.add({ from: r.txn.id, to: next.id, kind: 'rw', key, values: [n > 0 ? r.list[n - 1] : null, order[n]] });
    }
  }
}

/**
 * Internal consistency: within a txn, a read of a key must show the txn's own earlier
 * appends to it, in order, after what an earlier read of the key in the txn showed.
 */
function checkInternal(t: Txn, anomalies: ElleAnomaly[]): void {
  // Per key: the list known so far (from a read), or just the txn's own appends since the start.
  const known = new Map<string, { read: boolean; list: Element[] }>();
  for (const m of t.ops) {
    const k = known.get(m.key) ?? { read: false, list: [] };
    known.set(m.key, k);
    if (m.f === 'append') {
      k.list.push(m.value);
      continue;
    }
    if (m.value === null) continue;
    const got = m.value;
    const fits = k.read ? got.length === k.list.length && got.every((v, i) => v === k.list[i]) : got.length >= k.list.length && k.list.every((v, i) => got[got.length - k.list.length + i] === v);
    if (!fits) {
      const expected = k.read ? `exactly ${show(k.list)}` : `a list ending with its own appends ${show(k.list)}`;
      anomalies.push({ kind: 'internal', key: m.key, message: `T${t.id} read ${m.key} = ${show(got)}, but within the txn it should read ${expected}`, txns: [txnRef(t)] });
    }
    known.set(m.key, { read: true, list: [...got] });
  }
}
