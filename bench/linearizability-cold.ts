// The cold figures of bench/linearizability.ts (issue #14), as Porcupine's were taken
// (bench/fixtures/porcupine-figures.md): a fresh process reads one Porcupine kv file, parses
// it once and checks it once; wall time (performance.now) and CPU (process.cpuUsage, every
// thread) of the parse, of the check and of both; the median over N fresh processes, the
// files and the ways of loading the checker interleaved process by process. Module loading
// is not counted (Porcupine's Go has none to count); the whole process is, separately:
// `node bin/faultline.js check FILE`, exec to exit, its CPU read at exit.
// Two ways of loading the checker:
// - `sources`: checkers/index.ts through tsx (V8 parses and compiles every function on its
//   first call);
// - `bundle`: dist/bundle/linearizability.cjs with its V8 code cache, as the CLI loads it
//   (scripts/build-cli-checker.ts): measured when `npm run build` has been run since the
//   checker's sources last changed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { median } from './table.js';

export type ColdMode = 'sources' | 'bundle';

/** One fresh process's first parse and first check (ms). */
export interface ColdSample {
  parseMs: number;
  checkMs: number;
  totalMs: number;
  parseCpuMs: number;
  checkCpuMs: number;
  totalCpuMs: number;
  verdict: string;
}

/** The medians of one file and mode over `processes` fresh processes; or why there are none. */
export type ColdFigures = ({ processes: number } & ColdSample) | { error: string };

/** The whole `faultline check FILE` process: exec to exit (wall, from here) and its own CPU (read at exit). */
export type ProcessFigures = { processes: number; wallMs: number; cpuMs: number; exitCode: number } | { error: string };

/**
 * The child: `node [--import tsx] --input-type=module -e CHILD <mode> <module> <file>`.
 * Plain JavaScript, so that the bundle mode runs in a plain `node` (the flags the code
 * cache was written with).
 */
const CHILD = `
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Script } from 'node:vm';
const [mode, target, file] = process.argv.slice(1);
let checker;
if (mode === 'bundle') {
  const script = new Script(Module.wrap(readFileSync(target, 'utf8')), { filename: target, cachedData: readFileSync(target + '.cache') });
  if (script.cachedDataRejected) throw new Error('V8 rejected the code cache of ' + target + ' (another Node or other V8 flags than the build)');
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(target), module, target, dirname(target));
  checker = module.exports;
} else checker = await import(target);
const text = readFileSync(file, 'utf8');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const c0 = cpu();
const t0 = performance.now();
const parsed = checker.parseHistory(text);
const t1 = performance.now();
const c1 = cpu();
const result = checker.checkHistory(parsed.events, 'kv');
const t2 = performance.now();
const c2 = cpu();
console.log(JSON.stringify({ parseMs: t1 - t0, checkMs: t2 - t1, totalMs: t2 - t0, parseCpuMs: c1 - c0, checkCpuMs: c2 - c1, totalCpuMs: c2 - c0, verdict: result.verdict }));
`;

/** Printed on stderr at exit by the whole-process child (`--import` of this data: URL). */
const CPU_AT_EXIT = "import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); writeSync(2, '\\n[faultline-bench-cpu-ms ' + (u.user + u.system) / 1000 + ']\\n'); });";

/** The newest modification time under `dir` (ms). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** dist/bundle/linearizability.cjs, or why it cannot be measured (not built, or older than the checker's sources). */
export function bundledChecker(repoRoot: string): { file: string } | { error: string } {
  const file = resolve(repoRoot, 'dist/bundle/linearizability.cjs');
  if (!existsSync(file) || !existsSync(`${file}.cache`)) return { error: 'no dist/bundle/linearizability.cjs: run npm run build' };
  if (statSync(file).mtimeMs < newestMtime(resolve(repoRoot, 'checkers/linearizability'))) return { error: 'dist/bundle/linearizability.cjs is older than checkers/linearizability/: run npm run build' };
  return { file };
}

function coldChild(repoRoot: string, mode: ColdMode, bundle: string | undefined, file: string): ColdSample | { error: string } {
  const args =
    mode === 'bundle'
      ? ['--input-type=module', '-e', CHILD, 'bundle', bundle ?? '', file]
      : ['--import', 'tsx', '--input-type=module', '-e', CHILD, 'sources', pathToFileURL(resolve(repoRoot, 'checkers/index.ts')).href, file];
  const child = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
  try {
    const sample = JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as ColdSample;
    if (typeof sample.totalMs === 'number') return sample;
  } catch {
    // fall through
  }
  return { error: `child exited ${child.status}: ${(child.stderr ?? '').trim().split('\n').slice(-1)[0] ?? ''}` };
}

function processChild(repoRoot: string, file: string): { wallMs: number; cpuMs: number; exitCode: number } | { error: string } {
  const t0 = performance.now();
  const child = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(CPU_AT_EXIT)}`, resolve(repoRoot, 'bin/faultline.js'), 'check', file], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const wallMs = performance.now() - t0;
  const m = /\[faultline-bench-cpu-ms ([\d.]+)\]/.exec(child.stderr ?? '');
  if (!m || child.status === null || child.status > 1) return { error: `faultline check exited ${child.status}: ${(child.stderr ?? '').trim().split('\n')[0]}` };
  return { wallMs, cpuMs: Number(m[1]), exitCode: child.status };
}

/**
 * Cold figures for every file and mode, and the whole process for every file (when the
 * bundle is there), over `processes` rounds; each round runs every file in every way once.
 */
export function measureCold(repoRoot: string, files: ReadonlyArray<{ name: string; path: string }>, processes: number): { cold: Map<string, ColdFigures>; whole: Map<string, ProcessFigures> } {
  const bundle = bundledChecker(repoRoot);
  const modes: ColdMode[] = ['sources', 'bundle'];
  const samples = new Map<string, ColdSample[]>();
  const wholeSamples = new Map<string, Array<{ wallMs: number; cpuMs: number; exitCode: number }>>();
  const errors = new Map<string, string>();
  const key = (name: string, mode: ColdMode | 'process') => `${name} ${mode}`;
  for (let round = 0; round < processes; round++) {
    for (const { name, path } of files) {
      for (const mode of modes) {
        if (mode === 'bundle' && 'error' in bundle) {
          errors.set(key(name, mode), bundle.error);
          continue;
        }
        const s = coldChild(repoRoot, mode, 'file' in bundle ? bundle.file : undefined, path);
        if ('error' in s) errors.set(key(name, mode), s.error);
        else samples.set(key(name, mode), [...(samples.get(key(name, mode)) ?? []), s]);
      }
      if ('error' in bundle) {
        errors.set(key(name, 'process'), bundle.error.replace('dist/bundle/linearizability.cjs', 'CLI bundle'));
        continue;
      }
      const p = processChild(repoRoot, path);
      if ('error' in p) errors.set(key(name, 'process'), p.error);
      else wholeSamples.set(key(name, 'process'), [...(wholeSamples.get(key(name, 'process')) ?? []), p]);
    }
  }
  const cold = new Map<string, ColdFigures>();
  const whole = new Map<string, ProcessFigures>();
  for (const { name } of files) {
    for (const mode of modes) {
      const got = samples.get(key(name, mode));
      if (!got || got.length < processes) {
        cold.set(key(name, mode), { error: errors.get(key(name, mode)) ?? 'no sample' });
        continue;
      }
      const verdicts = [...new Set(got.map((s) => s.verdict))];
      cold.set(key(name, mode), {
        processes: got.length,
        parseMs: median(got.map((s) => s.parseMs)),
        checkMs: median(got.map((s) => s.checkMs)),
        totalMs: median(got.map((s) => s.totalMs)),
        parseCpuMs: median(got.map((s) => s.parseCpuMs)),
        checkCpuMs: median(got.map((s) => s.checkCpuMs)),
        totalCpuMs: median(got.map((s) => s.totalCpuMs)),
        verdict: verdicts.join('/'),
      });
    }
    const w = wholeSamples.get(key(name, 'process'));
    whole.set(
      name,
      !w || w.length < processes
        ? { error: errors.get(key(name, 'process')) ?? 'no sample' }
        : { processes: w.length, wallMs: median(w.map((s) => s.wallMs)), cpuMs: median(w.map((s) => s.cpuMs)), exitCode: w[0].exitCode },
    );
  }
  return { cold, whole };
}

export const coldKey = (name: string, mode: ColdMode): string => `${name} ${mode}`;
