// Kernel throughput: a 5-node Raft cluster under the random nemesis, at the fuzz
// recording level (history + running hash), and at the full level (every event kept).
// Prints events per second and simulated seconds per real second. The classic scenario
// (the generic nemesis as it was before the richer fault model) keeps the figure comparable
// from one version to the next; the current generic one follows.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadScenario } from '../scenario/load.js';
import type { RecordLevel } from '../sim/config.js';
import { runSimulation } from '../sim/world.js';

export async function main(): Promise<void> {
  for (const file of ['test/fixtures/scenarios/raft-nemesis-classic.yaml', 'scenarios/raft/nemesis.yaml', 'scenarios/paxos/nemesis.yaml', 'scenarios/zab/nemesis.yaml']) await bench(file);
}

async function bench(file: string): Promise<void> {
  const loaded = await loadScenario(file);
  const seeds = Number(process.env.BENCH_SEEDS ?? 100);
  console.log(`kernel: ${file}, ${loaded.config.nodes} nodes, ${loaded.config.durationUs / 1e6} s simulated per seed, ${seeds} seeds`);
  for (const record of ['fuzz', 'full'] as RecordLevel[]) {
    // Warm up the JIT on a few seeds first.
    for (let s = 0; s < 3; s++) runSimulation({ ...loaded.config, seed: `warm${s}`, record });
    let events = 0;
    let simulatedUs = 0;
    const t0 = performance.now();
    for (let s = 0; s < seeds; s++) {
      const r = runSimulation({ ...loaded.config, seed: String(s), record });
      events += r.events;
      simulatedUs += r.simulatedUs;
    }
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `  record=${record.padEnd(4)} ${(events / seconds / 1e6).toFixed(2)} M events/s   ` +
        `${(simulatedUs / 1e6 / seconds).toFixed(0)} simulated s per real s   ` +
        `${(seeds / seconds).toFixed(1)} seeds/s   (${events} events in ${seconds.toFixed(2)} s)`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
