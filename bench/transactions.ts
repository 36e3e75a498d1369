// Transactional checkers benchmark: `node --import tsx bench/transactions.ts`. Prints the
// time of the Elle-style list-append checker on generated strict-serializable histories
// of 10k and 100k txns (and of one with a stale read closing a cycle), the bank checker on
// 100k ops, and the atomicity checker on 100k three-participant txns. Figures only.
// main() returns them as rows for run-all.ts's table; BENCH_SMOKE=1 uses 1k and 2k.
import { performance } from 'node:perf_hooks';
import { checkAtomicity, checkBank, checkListAppend, type AtomicityRecord } from '../checkers/index.js';
import { prng } from './prng.js';
import { sized, type BenchRow } from './table.js';
import type { HistoryEvent } from '../sim/types.js';

type Mop = ['append', string, number] | ['r', string, number[] | null];

/**
 * A strict-serializable list-append history: txns take effect one after another at their
 * commit points, run by `processes` concurrent processes whose intervals overlap; each txn
 * has 1–4 micro-ops over `keys` keys (default: one per 40 txns). With `stale`, one late read misses the last append.
 */
export function listAppendHistory(txns: number, options: { processes?: number; keys?: number; seed?: number; stale?: boolean } = {}): HistoryEvent[] {
  const processes = options.processes ?? 10;
  // Keys grow with the history, as Jepsen rotates keys after a number of writes: about 50
  // appends per key, so reads stay short and the history's size is linear in its txns.
  const keys = options.keys ?? Math.max(10, Math.floor(txns / 40));
  const rand = prng(options.seed ?? 7);
  const lists = new Map<string, number[]>();
  const next = new Map<string, number>();
  const raw: Array<{ process: number; type: 'invoke' | 'ok'; value: Mop[]; timeUs: number; order: number }> = [];
  const free = Array.from({ length: processes }, () => 0);
  for (let t = 0; t < txns; t++) {
    const commit = t * 10 + 5;
    const p = t % processes;
    const start = Math.max(free[p], commit - 1 - rand(40));
    const end = commit + 1 + rand(40);
    free[p] = end + 1;
    const ops: Mop[] = [];
    const n = 1 + rand(4);
    for (let i = 0; i < n; i++) {
      const key = `k${rand(keys)}`;
      if (rand(2) === 0) {
        const v = (next.get(key) ?? 0) + 1;
        next.set(key, v);
        lists.set(key, [...(lists.get(key) ?? []), v]);
        ops.push(['append', key, v]);
      } else {
        const list = lists.get(key) ?? [];
        const stale = options.stale && t === txns - 1 && list.length > 0;
        ops.push(['r', key, stale ? list.slice(0, -1) : [...list]]);
      }
    }
    raw.push({ process: p, type: 'invoke', value: ops.map((m) => (m[0] === 'r' ? ['r', m[1], null] : m)), timeUs: start, order: t });
    raw.push({ process: p, type: 'ok', value: ops, timeUs: end, order: t });
  }
  raw.sort((a, b) => a.timeUs - b.timeUs || (a.type === 'invoke' ? 0 : 1) - (b.type === 'invoke' ? 0 : 1) || a.order - b.order);
  return raw.map((e, index) => ({ index, process: e.process, type: e.type, f: 'txn', value: e.value, timeUs: e.timeUs }));
}

function bankHistory(ops: number): HistoryEvent[] {
  const rand = prng(11);
  const balances = Array.from({ length: 8 }, () => 100);
  const out: HistoryEvent[] = [];
  for (let i = 0; i < ops; i++) {
    const process = i % 10;
    if (rand(3) === 0) {
      const value = Object.fromEntries(balances.map((b, k) => [String(k), b]));
      out.push({ index: out.length, process, type: 'invoke', f: 'read', timeUs: out.length }, { index: out.length + 1, process, type: 'ok', f: 'read', value, timeUs: out.length + 1 });
      continue;
    }
    const from = rand(8);
    const to = (from + 1 + rand(7)) % 8;
    const amount = 1 + rand(5);
    const ok = balances[from] >= amount;
    if (ok) {
      balances[from] -= amount;
      balances[to] += amount;
    }
    const value = { from: String(from), to: String(to), amount };
    out.push({ index: out.length, process, type: 'invoke', f: 'transfer', value, timeUs: out.length }, { index: out.length + 1, process, type: ok ? 'ok' : 'fail', f: 'transfer', value, timeUs: out.length + 1 });
  }
  return out;
}

function commitRecords(txns: number): AtomicityRecord[] {
  const rand = prng(13);
  const out: AtomicityRecord[] = [];
  const ps = ['p1', 'p2', 'p3'];
  for (let t = 0; t < txns; t++) {
    const txn = `t${t}`;
    const votes = ps.map(() => (rand(10) === 0 ? 'no' : 'yes') as 'yes' | 'no');
    const decision = votes.every((v) => v === 'yes') ? 'commit' : 'abort';
    out.push({ kind: 'begin', txn, participants: ps });
    ps.forEach((participant, i) => out.push({ kind: 'vote', txn, participant, vote: votes[i] }));
    out.push({ kind: 'decide', txn, decision });
    for (const participant of ps) out.push({ kind: 'outcome', txn, participant, outcome: decision });
  }
  return out;
}

function median(work: () => unknown, runs: number): { ms: number; result: unknown } {
  let result = work();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = work();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)], result };
}

export function main(): BenchRow[] {
  const n = sized(100_000, 2_000);
  const small = sized(10_000, 1_000);
  const k = (x: number) => `${x / 1000}k`;
  const rows: BenchRow[] = [];
  for (const [name, events, runs] of [
    [`list-append ${k(small)} txns`, listAppendHistory(small), sized(5, 1)],
    [`list-append ${k(n)} txns`, listAppendHistory(n), sized(3, 1)],
    [`list-append ${k(small)} txns, one stale read`, listAppendHistory(small, { stale: true }), sized(5, 1)],
  ] as const) {
    const { ms, result } = median(() => checkListAppend(events), runs);
    const r = result as ReturnType<typeof checkListAppend>;
    console.log(`${name.padEnd(40)} ${r.verdict.padEnd(8)} ${String(r.edges).padStart(8)} edges ${ms.toFixed(1).padStart(9)} ms  (${r.anomalyTypes.join(', ') || 'no anomaly'})`);
    rows.push({ name, figure: ms, unit: 'ms', note: `median of ${runs}, ${r.verdict}, ${r.edges} edges` });
  }
  const bank = bankHistory(n);
  const b = median(() => checkBank(bank, { total: 800 }), sized(5, 1));
  const bankVerdict = (b.result as ReturnType<typeof checkBank>).verdict;
  console.log(`${`bank ${k(n)} ops`.padEnd(40)} ${bankVerdict.padEnd(8)} ${b.ms.toFixed(1).padStart(24)} ms`);
  rows.push({ name: `bank ${k(n)} ops`, figure: b.ms, unit: 'ms', note: `median of ${sized(5, 1)}, ${bankVerdict}` });
  const records = commitRecords(n);
  const a = median(() => checkAtomicity(records), sized(5, 1));
  const atomicityVerdict = (a.result as ReturnType<typeof checkAtomicity>).verdict;
  console.log(`${`atomicity ${k(n)} txns (${k(n * 8)} records)`.padEnd(40)} ${atomicityVerdict.padEnd(8)} ${a.ms.toFixed(1).padStart(24)} ms`);
  rows.push({ name: `atomicity ${k(n)} txns`, figure: a.ms, unit: 'ms', note: `median of ${sized(5, 1)}, ${atomicityVerdict}, ${n * 8} records` });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) main();
