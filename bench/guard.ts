// The determinism guard's cost (scenario/guard.ts): events per second of the same runs
// with the protocol bare and guarded, at the fuzz recording level. Raft is a built-in (the
// guard never wraps it in a real run; here it is wrapped to measure the guard on a large
// protocol); the pinger fixture and the ABD example are loaded as user modules are, and
// `guard: false` gives their bare protocol. Same seeds both ways, so the same events.
// Rates are per CPU second of this thread (process.cpuUsage), interleaved seed by seed.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { guarded, withDeterminismGuard } from '../scenario/guard.js';
import { loadScenario } from '../scenario/load.js';
import { loadProtocolModule } from '../scenario/registry.js';
import type { SimConfig } from '../sim/config.js';
import { runSimulation } from '../sim/world.js';

export async function main(): Promise<void> {
  // The guard alone: one guarded call of an empty handler, the cost added to every handler call.
  const calls = 2_000_000;
  let sink = 0;
  const handler = (): void => {
    sink++;
  };
  for (let i = 0; i < 100_000; i++) guarded('bench', handler);
  const t = performance.now();
  for (let i = 0; i < calls; i++) guarded('bench', handler);
  console.log(`guard: ${(((performance.now() - t) * 1e6) / calls).toFixed(0)} ns per guarded handler call (swap 11 host functions in and out; ${sink} calls)`);
  const seeds = Number(process.env.BENCH_SEEDS ?? 200);
  // The pinger's runs are short: more of them, for a comparable sample.
  const cases: Array<{ file: string; runs: number; bare: () => Promise<SimConfig['protocol']> }> = [
    { file: 'scenarios/raft/nemesis.yaml', runs: seeds, bare: async () => (await loadScenario('scenarios/raft/nemesis.yaml')).config.protocol },
    { file: 'test/fixtures/protocols/pinger.yaml', runs: seeds * 8, bare: () => bareModule('test/fixtures/protocols/pinger.ts') },
    { file: 'examples/abd/scenarios/abd.yaml', runs: seeds * 2, bare: () => bareModule('examples/abd/abd.ts') },
  ];
  for (const { file, runs, bare } of cases) {
    let config: SimConfig;
    try {
      config = (await loadScenario(file)).config;
    } catch (error) {
      console.log(`guard: ${file} skipped (${(error as Error).message.split('\n')[0]})`);
      continue;
    }
    const protocol = await bare();
    const variants = { bare: protocol, guarded: withDeterminismGuard(protocol) };
    const rates: Record<string, number> = {};
    // Interleaved seed by seed, alternating which goes first, so that the load of a shared
    // machine hits both alike.
    const totals = { bare: { events: 0, ms: 0 }, guarded: { events: 0, ms: 0 } };
    for (const name of ['bare', 'guarded'] as const) for (let s = 0; s < 3; s++) runSimulation({ ...config, protocol: variants[name], seed: `warm${s}`, record: 'fuzz' });
    for (let s = 0; s < runs; s++) {
      const order = s % 2 === 0 ? (['bare', 'guarded'] as const) : (['guarded', 'bare'] as const);
      for (const name of order) {
        // CPU time, not wall time: on a shared machine, waiting for a core is not the guard's cost.
        const t0 = process.cpuUsage();
        totals[name].events += runSimulation({ ...config, protocol: variants[name], seed: String(s), record: 'fuzz' }).events;
        const used = process.cpuUsage(t0);
        totals[name].ms += (used.user + used.system) / 1000;
      }
    }
    for (const name of ['bare', 'guarded'] as const) rates[name] = totals[name].events / (totals[name].ms / 1000);
    const cost = (1 - rates.guarded / rates.bare) * 100;
    console.log(
      `guard: ${file}: bare ${(rates.bare / 1e6).toFixed(3)} M events/s, guarded ${(rates.guarded / 1e6).toFixed(3)} M events/s ` +
        `(${cost >= 0 ? `${cost.toFixed(1)}% slower` : `${(-cost).toFixed(1)}% faster`}; ${totals.bare.events} events each way)`,
    );
  }
}

async function bareModule(path: string): Promise<SimConfig['protocol']> {
  const loaded = await loadProtocolModule(pathToFileURL(path).pathname.startsWith('/') ? new URL(path, pathToFileURL(`${process.cwd()}/`)).pathname : path, { guard: false });
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.value;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
