// CLI startup: the built CLI (`node bin/faultline.js`) spawned N times per command, wall
// time from spawn to exit, median and min. A bare `node -e 0` is measured in the same run,
// so the figure can be read as a difference on a noisy machine. Figures only: no timed
// assertions (DESIGN.md). Needs `dist/` (npm run build; npm ci builds it through prepare).
// `node --import tsx bench/startup.ts`; BENCH_STARTUP_RUNS sets N (default 11).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const cli = resolve(repoRoot, 'bin/faultline.js');
const smallHistory = 'test/fixtures/histories/porcupine-kv/c01-ok.txt';

export interface StartupRow {
  name: string;
  runs: number;
  medianMs: number;
  minMs: number;
  exitCode: number | null;
}

function measure(name: string, args: readonly string[], runs: number): StartupRow {
  const samples: number[] = [];
  let exitCode: number | null = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    samples.push(performance.now() - t0);
    exitCode = r.status;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { name, runs, medianMs: sorted[Math.floor(sorted.length / 2)], minMs: sorted[0], exitCode };
}

export function main(): StartupRow[] {
  if (!existsSync(resolve(repoRoot, 'dist/cli/main.js'))) {
    console.log('startup: skipped, dist/ is missing (npm run build first)');
    return [];
  }
  const runs = Number(process.env.BENCH_STARTUP_RUNS ?? 11);
  console.log(`CLI startup (built CLI, wall time per spawn, ${runs} runs each; goal under 150 ms)`);
  const rows = [
    measure('node -e 0 (bare Node, for reference)', ['-e', '0'], runs),
    measure('faultline --help', [cli, '--help'], runs),
    measure('faultline --version', [cli, '--version'], runs),
    measure(`faultline check c01-ok.txt --model kv`, [cli, 'check', smallHistory, '--model', 'kv'], runs),
  ];
  for (const r of rows) {
    console.log(`  ${r.name.padEnd(40)} median ${r.medianMs.toFixed(1).padStart(7)} ms  min ${r.minMs.toFixed(1).padStart(7)} ms  (exit ${r.exitCode})`);
  }
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
