// `npm run bench`: every benchmark, one after the other, each in its own child process (so
// each step's peak RSS is its own), each printing its own lines; then one summary table of
// every figure, with each goal met or not met. Figures only; nothing asserts on time.
//   npm run bench                      the full run (a few minutes)
//   npm run bench -- --smoke           every bench at tiny sizes (CI; BENCH_SMOKE=1 too)
//   npm run bench -- --json FILE       also write the table as JSON (BENCH_JSON=FILE too)
//   npm run bench -- --compare OLD.json  a column with each figure of an earlier --json run
//   npm run bench -- --only kernel,gossip
// A step that throws (or whose process fails) is listed, the table is still printed, and
// the run exits 1, so CI notices a bench that rotted.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { asRows, figuresOf, formatTable, judge, rowKey, type BenchReport, type BenchRow, type StepResult, type TableRow } from './table.js';

/** In order. growth and memory are written elsewhere and run when present. */
const STEPS = ['kernel', 'gossip', 'growth', 'memory', 'linearizability', 'transactions', 'fuzz', 'report', 'startup'] as const;

const benchDir = fileURLToPath(new URL('./', import.meta.url));
const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const stepFile = (name: string) => join(benchDir, `${name}.ts`);

/** For the benches whose sizes come from the environment: the smoke run's sizes (an explicit setting wins). */
const SMOKE_ENV: Record<string, string> = { BENCH_SEEDS: '3', BENCH_FUZZ_SEEDS: '4', BENCH_FUZZ_WARM: '1', BENCH_STARTUP_RUNS: '3', BENCH_GROWTH_SECONDS: '2,20', BENCH_GROWTH_ROUNDS: '1', BENCH_MEMORY_DURATIONS: '10,60', BENCH_MEMORY_MODES: 'bounded' };

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// ---- The child: one step -----------------------------------------------------------------

async function runStep(name: string, outFile: string): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let result: Omit<StepResult, 'wallMs' | 'cpuMs' | 'peakRssMb'>;
  try {
    const mod = (await import(pathToFileURL(stepFile(name)).href)) as { main: () => unknown };
    const returned = await mod.main();
    result = { bench: name, ok: true, rows: adapt(name, returned) };
  } catch (error) {
    console.error(error);
    result = { bench: name, ok: false, error: String((error as Error)?.message ?? error).split('\n')[0], rows: [] };
  }
  const cpu = process.cpuUsage(cpu0);
  // maxRSS is in kilobytes.
  const step: StepResult = { ...result, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  writeFileSync(outFile, JSON.stringify(step));
  process.exitCode = step.ok ? 0 : 1;
}

/**
 * A step's return value as rows: BenchRow[] is taken as is (every bench returns it); a step
 * that returns nothing gets one row that says so (its own printed lines still show its figures).
 */
function adapt(name: string, returned: unknown): BenchRow[] {
  const rows = asRows(returned);
  if (rows !== undefined && rows.length > 0) return rows;
  if (Array.isArray(returned) && returned.length === 0) return [{ name: '(no figures)', figure: null, unit: '', note: 'the bench returned no rows (see its own lines above)' }];
  return [{ name: '(no figures returned)', figure: null, unit: '', note: `bench/${name}.ts prints its figures but returns no BenchRow[] (bench/table.ts)` }];
}

// ---- The parent: every step, then the table ----------------------------------------------

function gitCommit(): string | null {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

async function runAll(): Promise<void> {
  const smoke = process.env.BENCH_SMOKE === '1' || process.argv.includes('--smoke');
  const jsonFile = argValue('--json') ?? process.env.BENCH_JSON;
  const compareFile = argValue('--compare');
  let before: Map<string, number | null> | undefined;
  if (compareFile !== undefined) {
    try {
      before = figuresOf(JSON.parse(readFileSync(compareFile, 'utf8')));
    } catch (error) {
      console.log(`--compare ${compareFile}: unreadable (${(error as Error).message.split('\n')[0]}); no comparison`);
    }
  }
  const only = argValue('--only')?.split(',');
  const startedAt = new Date().toISOString();
  const tmp = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  const steps: StepResult[] = [];
  const t0 = performance.now();
  try {
    for (const name of STEPS) {
      if (only && !only.includes(name)) continue;
      if (!existsSync(stepFile(name))) {
        steps.push({ bench: name, ok: true, wallMs: 0, cpuMs: 0, peakRssMb: null, rows: [{ name: '(not present)', figure: null, unit: '', note: `no bench/${name}.ts on this branch` }] });
        continue;
      }
      console.log(`\n# ${name}${smoke ? ' (smoke)' : ''}`);
      const outFile = join(tmp, `${name}.json`);
      const env = { ...(smoke ? SMOKE_ENV : {}), ...process.env, ...(smoke ? { BENCH_SMOKE: '1' } : {}) };
      const t = performance.now();
      const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--step', name, '--out', outFile], { cwd: repoRoot, env, stdio: 'inherit' });
      let step: StepResult;
      try {
        step = JSON.parse(readFileSync(outFile, 'utf8')) as StepResult;
      } catch {
        const why = child.error?.message ?? (child.signal ? `killed by ${child.signal}` : `exit ${child.status}`);
        step = { bench: name, ok: false, error: `its process failed before reporting (${why})`, wallMs: performance.now() - t, cpuMs: 0, peakRssMb: null, rows: [] };
      }
      if (child.status !== 0 && step.ok) step = { ...step, ok: false, error: `its process exited with ${child.status ?? child.signal}` };
      steps.push(step);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const rows: TableRow[] = steps.flatMap((s) => [
    ...s.rows.map((r) => {
      const row: TableRow = { ...r, bench: s.bench, peakRssMb: s.peakRssMb };
      if (before !== undefined) row.before = before.get(rowKey(row)) ?? null;
      const status = judge(r);
      return status === undefined ? row : { ...row, status };
    }),
    ...(s.ok ? [] : [{ bench: s.bench, name: '(failed)', figure: null, unit: '', peakRssMb: s.peakRssMb, note: s.error ?? 'failed' }]),
  ]);
  const wallS = (performance.now() - t0) / 1000;
  console.log(`\n# summary${smoke ? ' (smoke: tiny sizes, the figures are not comparable with a full run)' : ''}: ${steps.length} steps in ${wallS.toFixed(1)} s, node ${process.version}, ${availableParallelism()} cores`);
  console.log('peak MB: the step\'s own process (process.resourceUsage().maxRSS); ns/event and ratios: see each step\'s lines for how they were timed');
  for (const line of formatTable(rows)) console.log(line);
  const withGoal = rows.filter((r) => r.status !== undefined);
  const failed = steps.filter((s) => !s.ok);
  console.log(
    `goals: ${withGoal.filter((r) => r.status === 'met').length} met, ${withGoal.filter((r) => r.status === 'not met').length} not met` +
      `${failed.length > 0 ? `; FAILED steps: ${failed.map((s) => `${s.bench} (${s.error})`).join(', ')}` : ''}`,
  );
  if (jsonFile) {
    const report: BenchReport = { schema: 1, smoke, node: process.version, platform: `${process.platform}-${process.arch}`, cpus: availableParallelism(), startedAt, commit: gitCommit(), steps, rows };
    writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`written: ${jsonFile}`);
  }
  if (failed.length > 0) process.exitCode = 1;
}

const step = argValue('--step');
if (step !== undefined) await runStep(step, argValue('--out') ?? join(tmpdir(), `faultline-bench-${step}.json`));
else await runAll();
