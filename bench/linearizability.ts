// Linearizability checker benchmark: `node --import tsx bench/linearizability.ts`.
// Prints, on Porcupine's four key-value histories, the end-to-end time (read + parse +
// check: cold, the first call in a fresh process, and warm, the median here) beside
// Porcupine's own figures when bench/fixtures/porcupine-figures.json is there: cold as
// parse, check and both, median of fresh processes, with the checker from the sources and
// from the CLI bundle's code cache (bench/linearizability-cold.ts), and the whole
// `faultline check FILE` process; then checker
// time (parsing excluded) on the four (by key, and c10-ok as one state), and on generated
// histories of 1k, 10k and 100k operations (1k only with BENCH_SMOKE=1). main() returns the
// figures as rows for run-all.ts's table.
// Figures only: no timed assertions anywhere (DESIGN.md).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { checkHistory, parseHistory, type LinearizabilityResult } from '../checkers/index.js';
import { coldKey, measureCold, type ColdFigures, type ColdMode } from './linearizability-cold.js';
import { prng } from './prng.js';
import { goal, isSmoke, type BenchRow } from './table.js';
import type { HistoryEvent } from '../sim/types.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const porcupineKvDir = resolve(repoRoot, 'test/fixtures/histories/porcupine-kv');

export interface CheckerRow {
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

function row(name: string, model: string, events: readonly HistoryEvent[], budgetMs: number, minRuns: number, maxRuns = 1000): CheckerRow {
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

const PORCUPINE_FILES = ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad'] as const;
const porcupineFile = (file: string) => resolve(porcupineKvDir, `${file}.txt`);

/** Parse and check one file: what `faultline check FILE --model kv` does once the CLI is loaded. */
function endToEnd(file: string): LinearizabilityResult {
  return checkHistory(parseHistory(readFileSync(porcupineFile(file), 'utf8')).events, 'kv');
}

/** Porcupine's figures for one file (ms), from bench/fixtures/porcupine-figures.json: parse+check warm median and first run in a fresh process; check only, warm median; the first parse, first check (wall, CPU) and the whole process's CPU of a fresh process. */
interface GoFigures {
  warm?: number;
  cold?: number;
  check?: number;
  parseCold?: number;
  checkCold?: number;
  checkColdCpu?: number;
  processCpu?: number;
}

/** GoFigures' fields and the JSON fields they are read from. */
const GO_FIELDS: ReadonlyArray<[keyof GoFigures, string]> = [
  ['warm', 'withParseMedianMs'],
  ['cold', 'withParseFirstMs'],
  ['check', 'checkMedianMs'],
  ['parseCold', 'parseFirstMs'],
  ['checkCold', 'checkFirstMs'],
  ['checkColdCpu', 'checkFirstCpuMs'],
  ['processCpu', 'processCpuColdMs'],
];

function porcupineFigures(): { measured: string; go: string; ms: Map<string, GoFigures> } | { missing: string } {
  const path = resolve(repoRoot, 'bench/fixtures/porcupine-figures.json');
  if (!existsSync(path)) return { missing: 'no bench/fixtures/porcupine-figures.json on this branch' };
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { measured?: unknown; go?: unknown; files?: unknown };
    const ms = new Map<string, GoFigures>();
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    if (typeof raw.files === 'object' && raw.files !== null) {
      for (const [file, figures] of Object.entries(raw.files as Record<string, unknown>)) {
        const f = (figures ?? {}) as Record<string, unknown>;
        const got: GoFigures = {};
        for (const [field, json] of GO_FIELDS) {
          const v = num(f[json]);
          if (v !== undefined) got[field] = v;
        }
        if (Object.keys(got).length > 0) ms.set(file, got);
      }
    }
    return { measured: typeof raw.measured === 'string' ? raw.measured : '?', go: typeof raw.go === 'string' ? raw.go : '?', ms };
  } catch (error) {
    const why = `bench/fixtures/porcupine-figures.json unreadable (${(error as Error).message.split('\n')[0]})`;
    console.log(`porcupine figures: ${why}`);
    return { missing: why };
  }
}

/**
 * The cold rows of one file and one way of loading the checker: first parse, first check
 * (wall and CPU) and both, each ÷ Porcupine's first-run figure when there is one. The sources
 * row of parse+check ÷ Porcupine keeps the name it had before the bundle was measured.
 */
function coldRows(file: string, mode: ColdMode, f: ColdFigures | undefined, g: GoFigures, faster: ReturnType<typeof goal>): BenchRow[] {
  if (f === undefined) return [];
  const how = mode === 'sources' ? 'checker from the sources (tsx)' : 'checker from the CLI bundle with its code cache';
  const tag = mode === 'sources' ? '' : ' (CLI bundle)';
  if ('error' in f) {
    console.log(`    cold, ${how}: ${f.error}`);
    return [{ name: `${file} cold parse+check${tag || ' (sources)'}`, figure: null, unit: 'ms', note: f.error }];
  }
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  console.log(
    `    cold, ${how}, median of ${f.processes}: parse ${ms(f.parseMs)} (CPU ${ms(f.parseCpuMs)})  check ${ms(f.checkMs)} (CPU ${ms(f.checkCpuMs)})  parse+check ${ms(f.totalMs)} (CPU ${ms(f.totalCpuMs)})${g.cold !== undefined ? `   Porcupine (Go) first parse ${g.parseCold ?? '?'} ms, check ${g.checkCold ?? '?'} ms (CPU ${g.checkColdCpu ?? '?'} ms), parse+check ${g.cold} ms` : ''}`,
  );
  const note = `${how}, first call in a fresh process, median of ${f.processes}, ${f.verdict}`;
  const rows: BenchRow[] = [
    { name: `${file} cold parse${tag || ' (sources)'}`, figure: f.parseMs, unit: 'ms', note: `${note}; CPU ${ms(f.parseCpuMs)}` },
    { name: `${file} cold check${tag || ' (sources)'}`, figure: f.checkMs, unit: 'ms', note: `${note}; CPU ${ms(f.checkCpuMs)}` },
  ];
  if (mode === 'bundle') rows.push({ name: `${file} cold parse+check${tag}`, figure: f.totalMs, unit: 'ms', note: `${note}; CPU ${ms(f.totalCpuMs)}` });
  const ratio = (name: string, figure: number, porcupine: number | undefined, extra?: string): void => {
    if (porcupine !== undefined) rows.push({ name, figure: figure / porcupine, unit: '×', goal: faster, ...(extra ? { note: extra } : {}) });
  };
  ratio(`${file} cold parse ÷ Porcupine${tag}`, f.parseMs, g.parseCold);
  ratio(`${file} cold check ÷ Porcupine${tag}`, f.checkMs, g.checkCold);
  ratio(`${file} cold check CPU ÷ Porcupine${tag}`, f.checkCpuMs, g.checkColdCpu);
  ratio(mode === 'sources' ? `${file} parse+check cold ÷ Porcupine` : `${file} cold parse+check ÷ Porcupine${tag}`, f.totalMs, g.cold, mode === 'sources' ? 'a fresh process: V8 compiles and interprets the checker on its first call' : 'the bytecode comes from the code cache; V8 still interprets it on the first call');
  return rows;
}

export function main(): BenchRow[] {
  const smoke = isSmoke();
  const rows: CheckerRow[] = [];
  const table: BenchRow[] = [];
  const print = (r: CheckerRow) => {
    rows.push(r);
    const name = r.name.padEnd(34);
    const ms = (x: number) => x.toFixed(x < 10 ? 3 : 1).padStart(9);
    console.log(`${name} ${r.model.padEnd(17)} ${String(r.operations).padStart(7)} ops  ${r.verdict.padEnd(16)} median ${ms(r.medianMs)} ms  min ${ms(r.minMs)} ms  first ${ms(r.coldMs)} ms  (${r.runs} runs)`);
    return r;
  };
  const budget = (ms: number) => (smoke ? Math.min(ms, 50) : ms);

  // End to end first: each file cold in fresh processes (all of them first, interleaved), then warm here.
  console.log('linearizability checker, end to end (read + parse + check; cold: the first call in a fresh process, module loading excluded)');
  const figures = porcupineFigures();
  const go = 'missing' in figures ? undefined : figures;
  // A smoke run spawns one round for c01-ok only.
  const coldProcesses = smoke ? 1 : Number(process.env.BENCH_COLD_PROCESSES ?? 15);
  const coldFiles = (smoke ? ['c01-ok'] : PORCUPINE_FILES).map((name) => ({ name, path: porcupineFile(name) }));
  const { cold, whole } = measureCold(repoRoot, coldFiles, coldProcesses);
  const faster = goal('<', 1, '< 1× (faster than Porcupine)');
  for (const file of PORCUPINE_FILES) {
    const samples: number[] = [];
    let verdict = '';
    // As Porcupine's figures were taken: untimed warm-up calls first, then the median of many.
    const runs = smoke ? 3 : 300;
    for (let i = 0; i < (smoke ? 1 : 30); i++) endToEnd(file);
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      verdict = endToEnd(file).verdict;
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    const warmMs = samples[Math.floor(samples.length / 2)];
    const g = go?.ms.get(file) ?? {};
    const sources = cold.get(coldKey(file, 'sources')) ?? { error: 'not measured in a smoke run' };
    console.log(`  porcupine-kv/${file.padEnd(8)} ${verdict.padEnd(16)} warm median ${warmMs.toFixed(2).padStart(8)} ms  (${runs} runs)${g.warm !== undefined ? `   Porcupine (Go) warm ${g.warm} ms` : ''}`);
    table.push(
      { name: `${file} parse+check cold`, figure: 'error' in sources ? null : sources.totalMs, unit: 'ms', note: 'error' in sources ? sources.error : `checker from the sources (tsx), first call in a fresh process, median of ${sources.processes}, ${sources.verdict}` },
      { name: `${file} parse+check warm`, figure: warmMs, unit: 'ms', note: `median of ${runs}, ${verdict}` },
    );
    for (const mode of ['sources', 'bundle'] as const) table.push(...coldRows(file, mode, cold.get(coldKey(file, mode)), g, faster));
    const w = whole.get(file);
    if (w !== undefined) {
      const label = `${file} faultline check process CPU`;
      console.log(`    whole process, node bin/faultline.js check: ${'error' in w ? w.error : `CPU ${w.cpuMs.toFixed(1)} ms, wall ${w.wallMs.toFixed(1)} ms (median of ${w.processes})${g.processCpu !== undefined ? `; Porcupine (Go) process CPU ${g.processCpu} ms` : ''}`}`);
      table.push({ name: label, figure: 'error' in w ? null : w.cpuMs, unit: 'ms', note: 'error' in w ? w.error : `exec to exit, CPU read at exit (wall ${w.wallMs.toFixed(1)} ms), median of ${w.processes} fresh processes, exit ${w.exitCode}` });
      if (g.processCpu !== undefined && !('error' in w)) table.push({ name: `${label} ÷ Porcupine`, figure: w.cpuMs / g.processCpu, unit: '×', goal: faster, note: 'Node starts in tens of ms of CPU before any of our code; Go in about 1' });
    }
    if (go !== undefined) {
      const where = `${go.go}, measured ${go.measured.split(',')[0]} on this machine kind (bench/fixtures/porcupine-figures.md)`;
      const absent = 'no figure for this file in bench/fixtures/porcupine-figures.json';
      table.push(
        { name: `${file} Porcupine (Go) parse+check cold`, figure: g.cold ?? null, unit: 'ms', note: g.cold === undefined ? absent : where },
        { name: `${file} Porcupine (Go) parse+check warm`, figure: g.warm ?? null, unit: 'ms', note: g.warm === undefined ? absent : where },
        { name: `${file} Porcupine (Go) check only warm`, figure: g.check ?? null, unit: 'ms', note: g.check === undefined ? absent : where },
      );
      if (g.warm !== undefined) table.push({ name: `${file} parse+check warm ÷ Porcupine`, figure: warmMs / g.warm, unit: '×', goal: faster });
    }
  }
  if ('missing' in figures) table.push({ name: 'Porcupine (Go)', figure: null, unit: 'ms', note: figures.missing });

  console.log('linearizability checker (checkHistory only; parsing excluded)');
  for (const file of PORCUPINE_FILES) {
    const parsed = parseHistory(readFileSync(porcupineFile(file), 'utf8'));
    const r = print(row(`porcupine-kv/${file}`, 'kv', parsed.events, budget(500), smoke ? 3 : 20));
    const g = go?.ms.get(file)?.check;
    if (g !== undefined) table.push({ name: `${file} check only warm ÷ Porcupine`, figure: r.medianMs / g, unit: '×', goal: goal('<', 1, '< 1× (faster than Porcupine)') });
  }
  // c10-ok as one state takes seconds a call: not in a smoke run.
  if (!smoke) {
    const c10 = parseHistory(readFileSync(porcupineFile('c10-ok'), 'utf8'));
    print(row('porcupine-kv/c10-ok (one state)', 'kv-unpartitioned', c10.events, 3000, 3, 10));
  }
  const sizes = smoke ? [1_000] : [1_000, 10_000, 100_000];
  for (const n of sizes) {
    print(row(`generated kv, 10 keys, ${n / 1000}k ops`, 'kv', generate(n, 10, 40, 42, kvWorkload(10)), budget(n >= 100_000 ? 3000 : 1000), 3, 200));
  }
  for (const n of sizes) {
    print(row(`generated cas-register, ${n / 1000}k ops`, 'cas-register', generate(n, 10, 40, 7, casRegisterWorkload()), budget(n >= 100_000 ? 3000 : 1000), 3, 200));
  }
  for (const r of rows) {
    const short = r.name.replace(/^porcupine-kv\//, '');
    table.push({ name: `${short} check only`, figure: r.medianMs, unit: 'ms', note: `median of ${r.runs}, ${r.verdict}, ${r.operations} ops` });
  }
  return table;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
