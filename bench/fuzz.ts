// Fuzz campaign throughput: seeds per second on the 5-node Raft nemesis scenario (swarm
// knobs, safety then liveness phase, linearizability checked, 1 seed in 64 run twice),
// with 1 worker (this thread) and with every core, then guided on every core. Figures only;
// nothing asserts on time.
// - workers=1 runs in this thread, after 50 warm-up seeds (JIT). V8 is far from done after
//   10: with --trace-opt, 400 swarm seeds of this scenario spent 770 ms in TurboFan over
//   seeds 0-49, 75 ms over 50-99, and 12-45 ms per 50 seeds after that; a campaign of
//   thousands of seeds runs at that steady state, which is the figure wanted here.
// - workers=1 "no swarm" runs the scenario as written (5 nodes, its own knobs), in this
//   thread too: swarm seeds draw 3-5 nodes, denser faults and smaller appends, and run about
//   40% more events per seed, so the two rates are not the same workload (both printed).
// - workers=N "cold" is what `faultline fuzz` does: a fresh pool, started (the scenario
//   loaded, each worker's JIT warmed up on seeds of its own: explore/campaign.ts WARM_UP)
//   before the campaign clock. "whole" is the wall time from the call to the summary, pool
//   start and warm-up included, and the CPU per seed counts them too.
// - workers=N "warm" runs on a pool started by startCampaignPool (the same warm-up) that
//   first ran 50 seeds per worker, as this thread did for workers=1 (explore/campaign.ts
//   runCampaignOnPool): the fair ratio.
// - CPU: this process's CPU time per seed, and the main thread's share of it (Linux,
//   /proc/thread-self/stat; the rest is the workers and V8's compiler and GC threads).
// - CPU-bound speed-up: N x (CPU per seed at 1 worker) / (CPU per seed at N), what N idle
//   cores would give; unlike the wall ratio it does not move with other load on the machine.
// The machine may be shared: BENCH_FUZZ_REPEAT=3 repeats the measurements, interleaved, and
// prints every ratio (their spread is the noise).
//   node --import tsx bench/fuzz.ts          BENCH_FUZZ_SEEDS=800 to change the count (400),
//                                            BENCH_FUZZ_WARM=10 the warm-up seeds per worker (50)
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCampaign, runCampaignOnPool, startCampaignPool, type CampaignOptions, type CampaignSummary } from '../explore/campaign.js';
import { executeSeed } from '../explore/execute.js';
import { loadScenario } from '../scenario/load.js';
import { goal, type BenchRow } from './table.js';

const FILE = 'scenarios/raft/nemesis.yaml';

/** This thread's CPU time in ms (Linux), else undefined. */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ = 100 on Linux
  } catch {
    return undefined;
  }
}

function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Measured {
  label: string;
  summary: CampaignSummary;
  cpuPerSeedMs: number;
  mainShare: number | undefined;
  /** Wall time from the call to the summary (pool start and warm-up included), in ms. */
  wholeMs: number;
}

async function measure(label: string, run: () => Promise<CampaignSummary>): Promise<Measured> {
  const cpu0 = processCpuMs();
  const main0 = mainThreadCpuMs();
  const wall0 = performance.now();
  const summary = await run();
  const wholeMs = performance.now() - wall0;
  const cpu = processCpuMs() - cpu0;
  const main1 = mainThreadCpuMs();
  const mainShare = main0 !== undefined && main1 !== undefined && cpu > 0 ? (main1 - main0) / cpu : undefined;
  const m = { label, summary, cpuPerSeedMs: cpu / summary.runs, mainShare, wholeMs };
  console.log(
    `  ${label.padEnd(22)} ${summary.seedsPerSecond.toFixed(1).padStart(6)} seeds/s   ` +
      `(${summary.runs} seeds in ${(summary.elapsedMs / 1000).toFixed(2)} s, whole ${(wholeMs / 1000).toFixed(2)} s, ${summary.failures.length} failing, determinism checked on ${summary.determinism.checked}; ` +
      `cpu ${m.cpuPerSeedMs.toFixed(1)} ms/seed${mainShare !== undefined ? `, main thread ${(mainShare * 100).toFixed(0)}% = ${(mainShare * m.cpuPerSeedMs).toFixed(2)} ms/seed` : ''})`,
  );
  return m;
}

/**
 * workers=1 on the scenario as written (5 nodes, its own knobs), for comparison: swarm seeds
 * draw 3-5 nodes, denser faults and smaller appends, about 40% more events per seed.
 */
async function asWrittenRow(warmUp: CampaignOptions, timed: CampaignOptions): Promise<BenchRow> {
  await runCampaign({ ...warmUp, swarm: false, seeds: Math.min(warmUp.seeds ?? 20, 20) });
  const m = await measure('workers=1 no swarm', () => runCampaign({ ...timed, swarm: false }));
  const [swarmEvents, writtenEvents] = await eventsPerSeed();
  return {
    name: 'workers=1 seeds/s, no swarm (the scenario as written)',
    figure: m.summary.seedsPerSecond,
    unit: 'seeds/s',
    note: `5 nodes, 10 s simulated, linearizability checked; ${writtenEvents.toFixed(0)} events per seed against ${swarmEvents.toFixed(0)} with swarm (seeds 0-19)`,
  };
}

/** Events per seed over seeds 0-19 of FILE: with swarm knobs, and as written. */
async function eventsPerSeed(): Promise<[swarm: number, asWritten: number]> {
  const loaded = await loadScenario(FILE);
  const mean = (swarm: boolean) => {
    let events = 0;
    for (let s = 0; s < 20; s++) events += executeSeed(loaded, String(s), { swarm, checkDeterminism: false }).events;
    return events / 20;
  };
  return [mean(true), mean(false)];
}

export async function main(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const seeds = Number(process.env.BENCH_FUZZ_SEEDS ?? 400);
  const repeat = Number(process.env.BENCH_FUZZ_REPEAT ?? 1);
  const warmSeeds = Number(process.env.BENCH_FUZZ_WARM ?? 50);
  const cores = availableParallelism();
  console.log(`fuzz: ${FILE}, ${seeds} seeds per measurement after ${warmSeeds} warm-up seeds per worker, ${cores} cores${repeat > 1 ? `, ${repeat} rounds` : ''}`);
  const outDir = join(tmpdir(), `faultline-bench-fuzz-${process.pid}`);
  const base = { scenarioPath: FILE, bugs: [], outDir, swarm: true } satisfies Partial<CampaignOptions>;
  const timed: CampaignOptions = { ...base, seeds, fromSeed: 0, workers: 1, checkDeterminism: 'sample' };
  const warmUp = (workers: number): CampaignOptions => ({ ...base, seeds: warmSeeds * workers, fromSeed: 1_000_000, workers, checkDeterminism: 'off' });
  const ratios: Array<{ cold?: number; warm?: number }> = [];
  const asWrittenRows: BenchRow[] = [];
  try {
    // Warm up this thread (JIT) for workers=1.
    await runCampaign(warmUp(1));
    for (let round = 0; round < repeat; round++) {
      const one = await measure('workers=1', () => runCampaign(timed));
      if (round === 0) asWrittenRows.push(await asWrittenRow(warmUp(1), timed));
      if (cores === 1) continue;
      const cold = await measure(`workers=${cores} cold`, () => runCampaign({ ...timed, workers: cores }));
      const pool = await startCampaignPool({ ...timed, workers: cores });
      let warm: Measured;
      try {
        await runCampaignOnPool(pool, warmUp(cores));
        warm = await measure(`workers=${cores} warm`, () => runCampaignOnPool(pool, timed));
      } finally {
        await pool.close();
      }
      const ratio = { cold: cold.summary.seedsPerSecond / one.summary.seedsPerSecond, warm: warm.summary.seedsPerSecond / one.summary.seedsPerSecond };
      ratios.push(ratio);
      // What N free cores would give: N times the work per CPU-second (independent of other load on the machine).
      const bound = (m: Measured) => (cores * one.cpuPerSeedMs) / m.cpuPerSeedMs;
      if (round === 0) {
        const note = `${seeds} seeds after ${warmSeeds} warm-up seeds per worker, 10 s simulated each, swarm; linearizability checked`;
        rows.push(
          { name: 'workers=1 seeds/s (per core)', figure: one.summary.seedsPerSecond, unit: 'seeds/s', goal: goal('>=', 200, '≥ 200 seeds/s per core'), note },
          { name: `workers=${cores} warm seeds/s`, figure: warm.summary.seedsPerSecond, unit: 'seeds/s', note },
          { name: `workers=${cores} cold seeds/s`, figure: cold.summary.seedsPerSecond, unit: 'seeds/s', note: 'a fresh pool, as `faultline fuzz` starts it' },
          { name: `speed-up ${cores} workers (wall, warm)`, figure: ratio.warm, unit: '×', goal: goal('>=', 1.8, '≥ 1.8× with 2 workers'), note: 'moves with other load on the machine' },
          { name: `speed-up ${cores} workers (CPU-bound, warm)`, figure: bound(warm), unit: '×', goal: goal('>=', 1.8, '≥ 1.8× with 2 workers'), note: `${cores} × CPU per seed at 1 worker ÷ at ${cores}: what idle cores would give` },
          { name: 'CPU per seed, workers=1', figure: one.cpuPerSeedMs, unit: 'ms' },
        );
      }
      console.log(
        `  speed-up with ${cores} workers: ${ratio.warm.toFixed(2)}x warm, ${ratio.cold.toFixed(2)}x cold (wall); ` +
          `CPU-bound ${bound(warm).toFixed(2)}x warm, ${bound(cold).toFixed(2)}x cold (${cores} x cpu per seed at 1 / at ${cores})`,
      );
    }
    if (ratios.length > 1) {
      const spread = (k: 'cold' | 'warm') => ratios.map((r) => r[k]!.toFixed(2)).join(' ');
      console.log(`  speed-ups over ${ratios.length} rounds: warm ${spread('warm')} · cold ${spread('cold')}`);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  // Guided: coverage is collected on every run (every actor's summary after every handler).
  const guidedDir = join(tmpdir(), `faultline-bench-fuzz-${process.pid}-guided`);
  try {
    const guided = await runCampaign({ scenarioPath: FILE, bugs: [], seeds, fromSeed: 0, workers: cores, outDir: guidedDir, swarm: true, checkDeterminism: 'sample', guided: true });
    console.log(
      `  guided, workers=${cores}: ${guided.seedsPerSecond.toFixed(1)} seeds/s   (${guided.runs} runs, ${guided.failures.length} failing, ` +
        `coverage ${guided.coverage!.keys} states and transitions, corpus ${guided.coverage!.corpus})`,
    );
    rows.push({ name: `guided workers=${cores} seeds/s`, figure: guided.seedsPerSecond, unit: 'seeds/s', note: `coverage ${guided.coverage!.keys} states and transitions` });
  } finally {
    rmSync(guidedDir, { recursive: true, force: true });
  }
  return [...rows.slice(0, 1), ...asWrittenRows, ...rows.slice(1)];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
