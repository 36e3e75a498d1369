// CLI startup: the built CLI (`node bin/faultline.js`, the esbuild bundle of dist/bundle/)
// spawned N times per command, wall time from spawn to exit and the child's own CPU time
// (user + system, read by a one-line preload at exit), median and min. A bare `node -e 0`
// and the unbundled tsc output (dist/cli/main.js, the CLI before issue #14) are measured in
// the same run, interleaved round by round, so the figures can be read as differences and
// ratios on a loaded machine. Figures only: no timed assertions (DESIGN.md). Needs `dist/`
// (npm run build; npm ci builds it through prepare).
// `node --import tsx bench/startup.ts`; BENCH_STARTUP_RUNS sets N (default 11).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { goal, median, type BenchRow } from './table.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const cli = resolve(repoRoot, 'bin/faultline.js');
const smallHistory = 'test/fixtures/histories/porcupine-kv/c01-ok.txt';

interface StartupRow {
  name: string;
  runs: number;
  medianMs: number;
  minMs: number;
  /** The child's user + system CPU time. */
  cpuMedianMs: number;
  exitCode: number | null;
}

interface Variant {
  name: string;
  args: readonly string[];
  wall: number[];
  cpu: number[];
  exitCode: number | null;
}

/** Writes the process's CPU time (µs) to fd 3 at exit: one `require` of a 2-line file. */
const PRELOAD = "process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeSync(3, String(u.user + u.system)); });\n";

function sample(v: Variant, preload: string): void {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--require', preload, ...v.args], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  v.wall.push(performance.now() - t0);
  v.cpu.push(Number(r.output[3]?.toString() ?? 'NaN') / 1000);
  v.exitCode = r.status;
}


export function main(): BenchRow[] {
  if (!existsSync(resolve(repoRoot, 'dist/bundle/main.js'))) {
    console.log('startup: skipped, dist/bundle/ is missing (npm run build first)');
    return [];
  }
  const runs = Number(process.env.BENCH_STARTUP_RUNS ?? 11);
  const scratch = mkdtempSync(join(tmpdir(), 'faultline-bench-startup-'));
  const preload = join(scratch, 'cpu.cjs');
  writeFileSync(preload, PRELOAD);
  // The CLI as tsc compiles it, without the bundle: what bin/faultline.js ran before issue #14.
  const unbundled = join(scratch, 'unbundled.mjs');
  writeFileSync(unbundled, `import { main } from ${JSON.stringify(pathToFileURL(resolve(repoRoot, 'dist/cli/main.js')).href)};\nmain(process.argv.slice(2));\n`);
  const haveUnbundled = existsSync(resolve(repoRoot, 'dist/cli/main.js'));
  const commands: Array<[string, string[]]> = [
    ['--help', ['--help']],
    ['--version', ['--version']],
    ['check c01-ok.txt --model kv', ['check', smallHistory, '--model', 'kv']],
  ];
  const variant = (name: string, args: readonly string[]): Variant => ({ name, args, wall: [], cpu: [], exitCode: null });
  const variants: Variant[] = [variant('node -e 0 (bare Node, for reference)', ['-e', '0'])];
  for (const [name, args] of commands) {
    variants.push(variant(`faultline ${name}`, [cli, ...args]));
    if (haveUnbundled) variants.push(variant(`  unbundled ${name} (dist/cli/main.js)`, [unbundled, ...args]));
  }
  try {
    for (let i = 0; i < runs; i++) for (const v of variants) sample(v, preload);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`CLI startup (built CLI, per spawn, ${runs} interleaved runs each; goal under 150 ms wall)`);
  const rows: StartupRow[] = variants.map((v) => ({ name: v.name, runs, medianMs: median(v.wall), minMs: Math.min(...v.wall), cpuMedianMs: median(v.cpu), exitCode: v.exitCode }));
  for (const r of rows) {
    console.log(
      `  ${r.name.padEnd(40)} wall median ${r.medianMs.toFixed(1).padStart(6)} ms  min ${r.minMs.toFixed(1).padStart(6)} ms  ` +
        `cpu median ${r.cpuMedianMs.toFixed(1).padStart(6)} ms  (exit ${r.exitCode})`,
    );
  }
  const table: BenchRow[] = [];
  for (const r of rows) {
    const name = r.name.trim().replace(/ \(bare Node, for reference\)$/, ' (bare Node)');
    const goalled = r.name === 'faultline --help' || r.name.startsWith('faultline check ');
    const note = `median of ${r.runs} spawns (exit ${r.exitCode})`;
    table.push({ name: `${name} wall`, figure: r.medianMs, unit: 'ms', ...(goalled ? { goal: goal('<', 150, '< 150 ms') } : {}), note });
    table.push({ name: `${name} cpu`, figure: r.cpuMedianMs, unit: 'ms', note: "the child's user + system time: steadier than wall on a loaded machine" });
  }
  return table;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
