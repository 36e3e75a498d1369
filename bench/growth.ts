// Growth in simulated time (issue #14: "linear in simulated time"): the 5-node Raft nemesis
// scenario (the classic one, fuzz recording level) stretched to 10 s, 100 s and 1000 s
// simulated, faults stopping at 75 % of the run, as .scratch/mem.mts stretches it. Prints
// ns/event per duration and its ratio to the shortest (the goal: 1000 s within 1.2× of 10 s).
//
// CPU time (process.cpuUsage, user + system), not wall time: other processes share the
// machine. Every sample runs about the same number of events (10 s × 100 seeds, 100 s × 10,
// 1000 s × 1), the durations interleaved round by round after a warm-up; the median per
// duration is printed. Figures only: nothing here asserts a time.
//
// Knobs: BENCH_GROWTH_SECONDS (default "10,100,1000"; "10,100" for a short CI run),
// BENCH_GROWTH_ROUNDS (default 3), BENCH_GROWTH_EVENTS_SECONDS (simulated seconds per
// sample, default the longest duration).
import { pathToFileURL } from 'node:url';
import { loadScenario } from '../scenario/load.js';
import type { SimConfig } from '../sim/config.js';
import { runSimulation } from '../sim/world.js';
import { goal, median, type BenchRow } from './table.js';

const SCENARIO = 'test/fixtures/scenarios/raft-nemesis-classic.yaml';

export async function main(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const seconds = (process.env.BENCH_GROWTH_SECONDS ?? '10,100,1000').split(',').map(Number);
  if (seconds.some((s) => !(Number.isInteger(s) && s > 0))) throw new Error(`BENCH_GROWTH_SECONDS: positive integers, got ${process.env.BENCH_GROWTH_SECONDS}`);
  const rounds = Number(process.env.BENCH_GROWTH_ROUNDS ?? 3);
  const perSample = Number(process.env.BENCH_GROWTH_EVENTS_SECONDS ?? Math.max(...seconds));
  const loaded = await loadScenario(SCENARIO);
  const config = (durationS: number, seed: string): SimConfig => ({
    ...loaded.config,
    seed,
    record: 'fuzz',
    durationUs: durationS * 1_000_000,
    faultsStopUs: Math.floor(durationS * 1_000_000 * 0.75),
    maxEvents: Number.MAX_SAFE_INTEGER,
  });
  console.log(`growth: ${SCENARIO} stretched to ${seconds.join(', ')} s simulated (faults stop at 75 %), fuzz level, ${rounds} rounds, ~${perSample} simulated s per sample`);
  // Warm up the JIT.
  for (let s = 0; s < 5; s++) runSimulation(config(Math.min(...seconds), `warm${s}`));
  const samples = new Map<number, number[]>(seconds.map((s) => [s, []]));
  let events = new Map<number, number>();
  for (let round = 0; round < rounds; round++) {
    events = new Map();
    for (const s of seconds) {
      const seeds = Math.max(1, Math.round(perSample / s));
      let n = 0;
      const before = process.cpuUsage();
      for (let k = 0; k < seeds; k++) n += runSimulation(config(s, String(k))).events;
      const cpu = process.cpuUsage(before);
      samples.get(s)!.push(((cpu.user + cpu.system) * 1000) / n);
      events.set(s, n);
    }
  }
  const base = median(samples.get(seconds[0])!);
  for (const s of seconds) {
    const ns = median(samples.get(s)!);
    const seeds = Math.max(1, Math.round(perSample / s));
    console.log(
      `  ${String(s).padStart(5)} s simulated: ${ns.toFixed(0).padStart(5)} ns/event (CPU, median of ${rounds})   ${(ns / base).toFixed(2)}× of ${seconds[0]} s   ` +
        `(${seeds} seed${seeds === 1 ? '' : 's'}, ${events.get(s)} events per sample; samples ${samples.get(s)!.map((x) => x.toFixed(0)).join(' ')})`,
    );
    const note = `CPU, median of ${rounds}, ${events.get(s)} events per sample`;
    rows.push({ name: `${s} s simulated`, figure: ns, unit: 'ns/event', note });
    if (s !== seconds[0]) {
      const last = s === Math.max(...seconds);
      rows.push({ name: `${s} s ÷ ${seconds[0]} s`, figure: ns / base, unit: '×', ...(last ? { goal: goal('<=', 1.2, `≤ 1.2× (${s} s vs ${seconds[0]} s)`) } : {}) });
    }
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
