// Fuzz campaign throughput: seeds per second on the 5-node Raft nemesis scenario (swarm
// knobs, safety then liveness phase, linearizability checked, 1 seed in 64 run twice),
// with 1 worker (this thread) and with every core, then guided on every core. Figures only;
// nothing asserts on time.
//   node --import tsx bench/fuzz.ts          BENCH_FUZZ_SEEDS=400 to change the count
import { rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCampaign, type CampaignSummary } from '../explore/campaign.js';

export async function main(): Promise<void> {
  const file = 'scenarios/raft/nemesis.yaml';
  const seeds = Number(process.env.BENCH_FUZZ_SEEDS ?? 200);
  const cores = availableParallelism();
  console.log(`fuzz: ${file}, ${seeds} seeds per measurement, ${cores} cores`);
  const counts = [...new Set([1, cores])];
  const results: Array<{ workers: number; summary: CampaignSummary }> = [];
  for (const workers of counts) {
    const outDir = join(tmpdir(), `faultline-bench-fuzz-${process.pid}-${workers}`);
    try {
      // Warm up (JIT; worker start-up is outside the timed part anyway).
      await runCampaign({ scenarioPath: file, bugs: [], seeds: 10, fromSeed: 1_000_000, workers: 1, outDir, swarm: true, checkDeterminism: 'off' });
      const summary = await runCampaign({ scenarioPath: file, bugs: [], seeds, fromSeed: 0, workers, outDir, swarm: true, checkDeterminism: 'sample' });
      results.push({ workers, summary });
      console.log(
        `  workers=${String(workers).padEnd(3)} ${summary.seedsPerSecond.toFixed(1)} seeds/s   ` +
          `(${summary.runs} seeds in ${(summary.elapsedMs / 1000).toFixed(2)} s, ${summary.failures.length} failing, determinism checked on ${summary.determinism.checked})`,
      );
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }
  if (results.length === 2) console.log(`  speed-up with ${cores} workers: ${(results[1].summary.seedsPerSecond / results[0].summary.seedsPerSecond).toFixed(2)}x`);
  // Guided: coverage is collected on every run (every actor's summary after every handler).
  const outDir = join(tmpdir(), `faultline-bench-fuzz-${process.pid}-guided`);
  try {
    const guided = await runCampaign({ scenarioPath: file, bugs: [], seeds, fromSeed: 0, workers: cores, outDir, swarm: true, checkDeterminism: 'sample', guided: true });
    console.log(
      `  guided, workers=${cores}: ${guided.seedsPerSecond.toFixed(1)} seeds/s   (${guided.runs} runs, ${guided.failures.length} failing, ` +
        `coverage ${guided.coverage!.keys} states and transitions, corpus ${guided.coverage!.corpus})`,
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
