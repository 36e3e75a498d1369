// The gossip workload: faultline's cost per event on the workload ns-3's scheduler
// benchmark uses, next to ns-3's own figure.
//
// What it follows: ns-3's utils/bench-scheduler.cc runs a "hold" model. It schedules a fixed
// population of events; each event, when it runs, schedules exactly one new event at a
// random delay, so the queue's size never changes; it divides the run's wall time by the
// events run. Here the population is 65 tokens among 5 nodes (bench/fixtures/gossip.ts):
// a node that receives a token forwards it to a random peer, and the network delivers it
// after a uniform 1-10 ms latency (bench/fixtures/gossip.yaml). Each delivery is one event
// that schedules one more, as in ns-3, but through the whole kernel: the event queue, the
// network's draws, the actor's handler and its context, the run's hash. The bare loop of
// bench/kernel.ts (a heap of 64 events, 5 "nodes", 1-10 ms delays, one allocation per event)
// is the same workload with no kernel at all. A second population, 100,000 tokens (ns-3's
// default population), shows what a large queue costs.
//
// ns-3's figure is not measured here: an earlier session built ns-3's C++ core and ran its
// scheduler benchmark on this machine kind, 300-425 ns/event depending on the scheduler.
//
// How it is timed: CPU time of this thread's process (process.cpuUsage), so waiting for a
// core on a shared machine does not count; the variants are interleaved round by round
// after a warm-up, and each figure is the median of the rounds.
//   node --import tsx bench/gossip.ts        BENCH_SMOKE=1: one short round
import { pathToFileURL } from 'node:url';
import { loadScenario } from '../scenario/load.js';
import type { SimConfig } from '../sim/config.js';
import { runSimulation } from '../sim/world.js';
import { protocol as gossipProtocol } from './fixtures/gossip.js';
import { bareLoop } from './kernel.js';
import { goal, median, sized, type BenchRow } from './table.js';

const SCENARIO = 'bench/fixtures/gossip.yaml';
/** ns-3's C++ scheduler benchmark on this machine kind, measured by an earlier session (not in this run). */
const NS3_NS_PER_EVENT = { low: 300, high: 425 } as const;

function cpuMs<T>(work: () => T): { ms: number; value: T } {
  const t0 = process.cpuUsage();
  const value = work();
  const used = process.cpuUsage(t0);
  return { ms: (used.user + used.system) / 1000, value };
}

/** No faults here: the faults phase ends with the run, whatever its length. */
const withDuration = (config: SimConfig, durationUs: number): SimConfig => ({ ...config, durationUs, faultsStopUs: Math.min(config.faultsStopUs, durationUs) });


export async function main(): Promise<BenchRow[]> {
  const loaded = await loadScenario(SCENARIO);
  const durationUs = sized(60_000_000, 2_000_000);
  const rounds = sized(5, 1);
  // The guarded protocol is what a user's module gets (scenario/guard.ts); the bare one is the kernel's own cost.
  const base: SimConfig = withDuration(loaded.config, durationUs);
  const bare = gossipProtocol as SimConfig['protocol'];
  // ns-3's default population is 100,000 events: 20,000 tokens per node, over 60 ms simulated (about 1 M events).
  const crowded = { ...withDuration(base, sized(60_000, 12_000)), protocol: bare, record: 'fuzz' as const, protocolOptions: { ...base.protocolOptions, tokensPerNode: 20_000 } };
  const variants: Record<'fuzz' | 'full' | 'guarded' | 'crowded', SimConfig> = {
    fuzz: { ...base, protocol: bare, record: 'fuzz' },
    // A third of the run at the full level: every event is kept (the whole 60 s, 700k events, peaked at 1.2 GB RSS).
    full: { ...withDuration(base, durationUs / 3), protocol: bare, record: 'full' },
    guarded: { ...base, record: 'fuzz' },
    crowded,
  };
  const names = ['fuzz', 'full', 'guarded', 'crowded'] as const;
  for (const name of names) runSimulation({ ...withDuration(variants[name], Math.min(variants[name].durationUs, 5_000_000)), seed: 'warm' });
  bareLoop(200_000);
  const samples: Record<(typeof names)[number] | 'bare', number[]> = { fuzz: [], full: [], guarded: [], crowded: [], bare: [] };
  const eventsPerRun: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const { ms, value } = cpuMs(() => runSimulation({ ...variants[name], seed: String(round) }));
      eventsPerRun[name] = value.events;
      samples[name].push((ms * 1e6) / value.events);
    }
    const bareEvents = sized(1_000_000, 100_000);
    const { ms, value: checksum } = cpuMs(() => bareLoop(bareEvents));
    if (checksum === -1) console.log('(unreachable: keeps the loop from being optimised away)');
    samples.bare.push((ms * 1e6) / bareEvents);
  }
  const ns = { fuzz: median(samples.fuzz), full: median(samples.full), guarded: median(samples.guarded), crowded: median(samples.crowded), bare: median(samples.bare) };
  const ns3Mid = (NS3_NS_PER_EVENT.low + NS3_NS_PER_EVENT.high) / 2;
  console.log(`gossip: ${SCENARIO}, 5 nodes, 65 tokens in flight, 1-10 ms latency, ${durationUs / 1e6} s simulated, ${eventsPerRun.fuzz} events per run, median of ${rounds} rounds, CPU time`);
  console.log(`  faultline record=fuzz      ${ns.fuzz.toFixed(0).padStart(6)} ns/event   (protocol bare, as the built-ins run)`);
  console.log(`  faultline record=full      ${ns.full.toFixed(0).padStart(6)} ns/event   (${variants.full.durationUs / 1e6} s simulated, ${eventsPerRun.full} events)`);
  console.log(`  faultline fuzz, guarded    ${ns.guarded.toFixed(0).padStart(6)} ns/event   (as a user's protocol module runs: scenario/guard.ts)`);
  console.log(`  faultline fuzz, 100k tokens ${ns.crowded.toFixed(0).padStart(5)} ns/event   (ns-3's default population; ${crowded.durationUs / 1000} ms simulated, ${eventsPerRun.crowded} events)`);
  console.log(`  bare loop (bench/kernel)   ${ns.bare.toFixed(0).padStart(6)} ns/event   faultline fuzz ÷ bare = ${(ns.fuzz / ns.bare).toFixed(1)}×`);
  console.log(
    `  ns-3 C++ core scheduler    ${NS3_NS_PER_EVENT.low}-${NS3_NS_PER_EVENT.high} ns/event   (utils/bench-scheduler, measured by an earlier session on this machine kind, not in this run; its population is not recorded: ns-3's default is 100,000); ` +
      `faultline fuzz ÷ ns-3 = ${(ns.fuzz / NS3_NS_PER_EVENT.high).toFixed(1)}-${(ns.fuzz / NS3_NS_PER_EVENT.low).toFixed(1)}×`,
  );
  const how = `65 tokens, median of ${rounds} rounds of ${eventsPerRun.fuzz} events, CPU time`;
  return [
    { name: 'gossip record=fuzz', figure: ns.fuzz, unit: 'ns/event', note: how },
    { name: 'gossip record=full', figure: ns.full, unit: 'ns/event', note: `65 tokens, median of ${rounds} rounds of ${eventsPerRun.full} events, CPU time` },
    { name: 'gossip record=fuzz, guarded module', figure: ns.guarded, unit: 'ns/event', note: 'as a user protocol module runs (scenario/guard.ts)' },
    { name: 'gossip record=fuzz, 100k tokens in flight', figure: ns.crowded, unit: 'ns/event', note: `ns-3's default population; median of ${rounds} rounds of ${eventsPerRun.crowded} events, CPU time` },
    { name: 'bare loop (same run)', figure: ns.bare, unit: 'ns/event', note: 'bench/kernel.ts bareLoop, 1 M events a round, CPU time' },
    { name: 'gossip fuzz ÷ bare', figure: ns.fuzz / ns.bare, unit: '×', goal: goal('<=', 4, 'fuzz ÷ bare ≤ 4×') },
    { name: 'ns-3 C++ core scheduler (reference)', figure: ns3Mid, unit: 'ns/event', note: `${NS3_NS_PER_EVENT.low}-${NS3_NS_PER_EVENT.high} ns/event, utils/bench-scheduler, measured by an earlier session on this machine kind, not in this run (population not recorded)` },
    { name: 'gossip fuzz ÷ ns-3', figure: ns.fuzz / ns3Mid, unit: '×', note: `against the midpoint; ${(ns.fuzz / NS3_NS_PER_EVENT.high).toFixed(1)}-${(ns.fuzz / NS3_NS_PER_EVENT.low).toFixed(1)}× against ${NS3_NS_PER_EVENT.high}-${NS3_NS_PER_EVENT.low} ns/event` },
    { name: 'gossip fuzz 100k tokens ÷ ns-3', figure: ns.crowded / ns3Mid, unit: '×', note: `against the midpoint; ${(ns.crowded / NS3_NS_PER_EVENT.high).toFixed(1)}-${(ns.crowded / NS3_NS_PER_EVENT.low).toFixed(1)}×` },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
