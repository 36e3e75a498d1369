// checkListAppend: an Elle-style checker for list-append histories. Pair txns, infer each
// key's version order and the ww / wr / rw dependencies between committed txns (plus
// real-time edges under strict serializability), report non-cycle anomalies, then find
// cycles: in each strongly connected component the shortest cycle, searched first over ww
// edges only (G0), then ww+wr (G1c), then all data edges (G-single, G2), then with
// real-time edges (the -realtime variants).
import type { HistoryEvent } from '../../sim/types.js';
import { compareStrings } from '../linearizability/values.js';
import { DependencyGraph } from './graph.js';
import { inferDependencies } from './infer.js';
import { pairTxns, txnRef } from './txns.js';
import type { CycleAnomalyKind, Edge, EdgeKind, EdgeRef, ElleAnomaly, ElleOptions, ElleResult, Txn } from './types.js';

const LEVELS: ReadonlyArray<ReadonlySet<EdgeKind>> = [new Set(['ww']), new Set(['ww', 'wr']), new Set(['ww', 'wr', 'rw']), new Set(['ww', 'wr', 'rw', 'rt'])];
const PREFER: readonly EdgeKind[] = ['ww', 'wr', 'rw', 'rt'];
/** Components larger than this get one BFS (from their smallest txn) rather than one per node. */
const FULL_SEARCH_LIMIT = 200;

export function checkListAppend(events: readonly HistoryEvent[], options: ElleOptions = {}): ElleResult {
  const consistency = options.consistency ?? 'strict-serializable';
  const perKind = options.maxAnomaliesPerKind ?? 20;
  const txns = pairTxns(events);
  const graph = new DependencyGraph(txns.length);
  const inferred = inferDependencies(txns, graph);
  if (consistency === 'strict-serializable') addRealtimeEdges(txns, graph);
  const levels = consistency === 'strict-serializable' ? LEVELS : LEVELS.slice(0, 3);
  const cycles: ElleAnomaly[] = [];
  for (const scc of graph.components(levels[levels.length - 1])) cycles.push(...cyclesIn(scc, graph, txns, levels));
  const all = [...inferred.anomalies, ...cycles];
  const counts = new Map<string, number>();
  const anomalies: ElleAnomaly[] = [];
  for (const a of all) {
    const n = (counts.get(a.kind) ?? 0) + 1;
    counts.set(a.kind, n);
    if (n <= perKind) anomalies.push(a);
  }
  const count = (s: Txn['status']) => txns.filter((t) => t.status === s).length;
  return {
    verdict: all.length > 0 ? 'invalid' : 'valid',
    consistency,
    txns: txns.length,
    committed: count('ok'),
    aborted: count('fail'),
    indeterminate: count('info'),
    keys: inferred.keys,
    edges: graph.edges.length,
    anomalies,
    anomalyTypes: [...counts.keys()].sort(compareStrings),
  };
}

/**
 * T1 -> T2 when T1 completed before T2 was invoked (T1 committed, T2 committed or info;
 * equal times are concurrent). Only a transitive reduction: each invoke links from the txns completed
 * since which no later-completed txn has started and finished (the frontier).
 */
function addRealtimeEdges(txns: readonly Txn[], graph: DependencyGraph): void {
  type Point = { time: number; invoke: boolean; txn: Txn };
  const points: Point[] = [];
  for (const t of txns) {
    // An info txn may have taken effect any time after its invoke: edges into it only.
    if (t.status === 'info') points.push({ time: t.invokeTimeUs, invoke: true, txn: t });
    if (t.status !== 'ok') continue;
    points.push({ time: t.invokeTimeUs, invoke: true, txn: t }, { time: t.completeTimeUs!, invoke: false, txn: t });
  }
  points.sort((a, b) => a.time - b.time || (a.invoke === b.invoke ? a.txn.id - b.txn.id : a.invoke ? -1 : 1));
  let frontier: Txn[] = [];
  const predecessors = new Map<number, Txn[]>();
  for (const p of points) {
    if (p.invoke) {
      predecessors.set(p.txn.id, frontier);
      for (const t of frontier) graph.add({ from: t.id, to: p.txn.id, kind: 'rt' });
    } else {
      const before = new Set(predecessors.get(p.txn.id));
      frontier = frontier.filter((t) => !before.has(t));
      frontier.push(p.txn);
    }
  }
}

function cyclesIn(scc: readonly number[], graph: DependencyGraph, txns: readonly Txn[], levels: ReadonlyArray<ReadonlySet<EdgeKind>>): ElleAnomaly[] {
  for (const kinds of levels) {
    const found: ElleAnomaly[] = [];
    for (const sub of graph.components(kinds, scc)) {
      const within = new Set(sub);
      const starts = sub.length <= FULL_SEARCH_LIMIT ? sub : [sub[0]];
      let best: number[] | undefined;
      for (const s of starts) {
        const c = graph.shortestCycleThrough(s, kinds, within, PREFER);
        if (c && (best === undefined || c.length < best.length)) best = c;
      }
      if (best) found.push(describeCycle(best.map((ei) => graph.edges[ei]), txns));
    }
    if (found.length > 0) return found;
  }
  return [];
}

export function classify(edges: readonly Edge[]): CycleAnomalyKind {
  const rw = edges.filter((e) => e.kind === 'rw').length;
  const wr = edges.some((e) => e.kind === 'wr');
  const base = rw === 1 ? 'G-single' : rw > 1 ? 'G2' : wr ? 'G1c' : 'G0';
  return (edges.some((e) => e.kind === 'rt') ? `${base}-realtime` : base) as CycleAnomalyKind;
}

function describeCycle(edges: readonly Edge[], txns: readonly Txn[]): ElleAnomaly {
  const kind = classify(edges);
  const cycle: EdgeRef[] = edges.map((e) => ({ from: e.from, to: e.to, kind: e.kind, ...(e.key !== undefined ? { key: e.key } : {}), why: explain(e, txns) }));
  const steps = edges.map((e) => `T${e.from} -${e.kind}-> `);
  const shown = steps.length > 12 ? [...steps.slice(0, 6), `… ${steps.length - 11} more … `, ...steps.slice(-5)] : steps;
  const path = shown.join('') + `T${edges[0].from}`;
  return { kind, message: `cycle ${path}`, txns: edges.map((e) => txnRef(txns[e.from])), cycle };
}

const val = (v: unknown) => (v === null || v === undefined ? 'nothing' : String(v));

function explain(e: Edge, txns: readonly Txn[]): string {
  const a = `T${e.from}`;
  const b = `T${e.to}`;
  const v = e.values ?? [];
  switch (e.kind) {
    case 'ww':
      return `${a} appended ${val(v[0])} to ${e.key}, and ${b} appended ${val(v[1])}, the next element of ${e.key}`;
    case 'wr':
      return `${b} read ${e.key} ending at ${val(v[0])}, which ${a} appended`;
    case 'rw':
      return v[0] === null ? `${a} read ${e.key} as [], and ${b} appended ${val(v[1])}, its first element` : `${a} read ${e.key} ending at ${val(v[0])}, and ${b} appended ${val(v[1])}, the next element`;
    case 'rt':
      return `${a} completed (t=${String(txns[e.from].completeTimeUs)}) before ${b} was invoked (t=${txns[e.to].invokeTimeUs})`;
  }
}
