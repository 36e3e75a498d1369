// Linearizability checker benchmark: `node --import tsx bench/linearizability.ts`.
// Prints checker time (parsing excluded) on Porcupine's four key-value histories (by key,
// and c10-ok as one state), and on generated histories of 1k, 10k and 100k operations.
// Figures only: no timed assertions anywhere (DESIGN.md).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { checkHistory, parseHistory, type LinearizabilityResult } from '../checkers/index.js';
import { prng } from './prng.js';
import type { HistoryEvent } from '../sim/types.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const porcupineKvDir = resolve(repoRoot, 'test/fixtures/histories/porcupine-kv');

export interface BenchRow {
  name: string;
  model: string;
  operations: number;
  verdict: LinearizabilityResult['verdict'];
  runs: number;
  medianMs: number;
  minMs: number;
  /** The first call, before any warm-up (in this process the checker's code may already be warm from an earlier row). */
  coldMs: number;
}

/** Time `work` until ~`budgetMs` of runs (at least `minRuns`, at most `maxRuns`), after one warm-up (timed: coldMs). */
function time(work: () => LinearizabilityResult, budgetMs: number, minRuns: number, maxRuns: number): { result: LinearizabilityResult; samples: number[]; coldMs: number } {
  const cold0 = performance.now();
  let result = work();
  const coldMs = performance.now() - cold0;
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < maxRuns && (samples.length < minRuns || performance.now() - started < budgetMs)) {
    const t0 = performance.now();
    result = work();
    samples.push(performance.now() - t0);
  }
  return { result, samples, coldMs };
}

function row(name: string, model: string, events: readonly HistoryEvent[], budgetMs: number, minRuns: number, maxRuns = 1000): BenchRow {
  const { result, samples, coldMs } = time(() => checkHistory(events, model), budgetMs, minRuns, maxRuns);
  const sorted = [...samples].sort((a, b) => a - b);
  return { name, model, operations: result.operations, verdict: result.verdict, runs: samples.length, medianMs: sorted[Math.floor(sorted.length / 2)], minMs: sorted[0], coldMs };
}

// ---------------------------------------------------------------------------------------
// Generated histories: a sequential execution laid out with concurrency and crashes.

interface GenOp {
  f: string;
  key?: string;
  input?: unknown;
  output?: unknown;
}

/**
 * `n` operations by `clients` clients: op i takes effect at time 10·i; its invoke comes up to
 * `window` µs before and its return up to `window` µs after; 1% of ops crash (info), half of
 * those having taken effect. A crashed client comes back as a new process.
 */
function generate(n: number, clients: number, window: number, seed: number, execute: (rand: (k: number) => number, applies: boolean) => GenOp): HistoryEvent[] {
  const rand = prng(seed);
  const free = Array.from({ length: clients }, (_, i) => ({ process: i, freeAt: -1 }));
  let nextProcess = clients;
  const raw: Array<{ t: number; seq: number; ev: Omit<HistoryEvent, 'index' | 'timeUs'> }> = [];
  let seq = 0;
  for (let i = 0; i < n; i++) {
    const at = 10 * (i + 1);
    const invokeT = at - rand(window + 1);
    const returnT = at + rand(window + 1);
    let slot = free.find((c) => c.freeAt < invokeT);
    if (!slot) {
      slot = { process: nextProcess++, freeAt: -1 };
      free.push(slot);
    }
    const crashed = rand(100) === 0;
    const op = execute(rand, !crashed || rand(2) === 0);
    const base = { process: slot.process, f: op.f, ...(op.key !== undefined ? { key: op.key } : {}) };
    raw.push({ t: invokeT, seq: seq++, ev: { ...base, type: 'invoke', ...(op.input !== undefined ? { value: op.input } : {}) } });
    if (crashed) {
      raw.push({ t: returnT, seq: seq++, ev: { ...base, type: 'info' } });
      slot.process = nextProcess++;
      slot.freeAt = invokeT;
    } else {
      raw.push({ t: returnT, seq: seq++, ev: { ...base, type: 'ok', ...(op.output !== undefined ? { value: op.output } : {}) } });
      slot.freeAt = returnT;
    }
  }
  raw.sort((a, b) => a.t - b.t || a.seq - b.seq);
  return raw.map(({ t, ev }, index) => ({ ...ev, index, timeUs: t }) as HistoryEvent);
}

function kvWorkload(keys: number): (rand: (k: number) => number, applies: boolean) => GenOp {
  const store = new Map<string, string>();
  let token = 0;
  return (rand, applies) => {
    const key = `k${rand(keys)}`;
    const r = rand(10);
    if (r < 5) return { f: 'get', key, output: store.get(key) ?? '' };
    const v = `${token++};`;
    if (r < 8) {
      if (applies) store.set(key, v);
      return { f: 'put', key, input: v };
    }
    if (applies) store.set(key, (store.get(key) ?? '') + v);
    return { f: 'append', key, input: v };
  };
}

function casRegisterWorkload(): (rand: (k: number) => number, applies: boolean) => GenOp {
  let value: number | null = null;
  return (rand, applies) => {
    const r = rand(10);
    if (r < 5) return { f: 'read', output: value };
    const v = rand(5);
    if (r < 8) {
      if (applies) value = v;
      return { f: 'write', input: v };
    }
    const swapped = value === v;
    if (applies && swapped) value = v + 1;
    return { f: 'cas', input: [v, v + 1], output: swapped };
  };
}

// ---------------------------------------------------------------------------------------

export function main(): BenchRow[] {
  const rows: BenchRow[] = [];
  const print = (r: BenchRow) => {
    rows.push(r);
    const name = r.name.padEnd(34);
    const ms = (x: number) => x.toFixed(x < 10 ? 3 : 1).padStart(9);
    console.log(`${name} ${r.model.padEnd(17)} ${String(r.operations).padStart(7)} ops  ${r.verdict.padEnd(16)} median ${ms(r.medianMs)} ms  min ${ms(r.minMs)} ms  first ${ms(r.coldMs)} ms  (${r.runs} runs)`);
  };
  console.log('linearizability checker (checkHistory only; parsing excluded)');
  for (const file of ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad']) {
    const parsed = parseHistory(readFileSync(resolve(porcupineKvDir, `${file}.txt`), 'utf8'));
    print(row(`porcupine-kv/${file}`, 'kv', parsed.events, 500, 20));
  }
  const c10 = parseHistory(readFileSync(resolve(porcupineKvDir, 'c10-ok.txt'), 'utf8'));
  print(row('porcupine-kv/c10-ok (one state)', 'kv-unpartitioned', c10.events, 3000, 3, 10));
  for (const n of [1_000, 10_000, 100_000]) {
    print(row(`generated kv, 10 keys, ${n / 1000}k ops`, 'kv', generate(n, 10, 40, 42, kvWorkload(10)), n >= 100_000 ? 3000 : 1000, 3, 200));
  }
  for (const n of [1_000, 10_000, 100_000]) {
    print(row(`generated cas-register, ${n / 1000}k ops`, 'cas-register', generate(n, 10, 40, 7, casRegisterWorkload()), n >= 100_000 ? 3000 : 1000, 3, 200));
  }
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
