// One process of scripts/instructions/ir-per-event.sh: WARM warm-up seeds, then SEEDS
// measured seeds of FILE at LEVEL, from the built code (dist/, `npm run build`). It prints
// the measured seeds' event count; the shell script runs it twice under callgrind (SEEDS=0
// and SEEDS=N) and divides the difference in instructions by those events.
// RUN=fuzz-seed runs each seed as a fuzz worker does (explore/execute.ts executeSeed: swarm
// knobs drawn per seed, linearizability checked) instead of runSimulation alone.
import { executeSeed } from '../../dist/explore/execute.js';
import { loadScenario } from '../../dist/scenario/load.js';
import { runSimulation } from '../../dist/sim/world.js';

const file = process.env.FILE ?? 'scenarios/raft/nemesis.yaml';
const level = process.env.LEVEL ?? 'fuzz';
const loaded = await loadScenario(file);
const checks = process.env.CHECKS;
const config = { ...loaded.config, record: level, ...(checks !== undefined ? { checks: checks === '' ? [] : checks.split(',') } : {}) };
const fuzzOptions = { swarm: true, checkDeterminism: false };
const seed = process.env.RUN === 'fuzz-seed' ? (s) => executeSeed({ ...loaded, config }, s, fuzzOptions).events : (s) => runSimulation({ ...config, seed: s }).events;
for (let s = 0; s < Number(process.env.WARM ?? 20); s++) seed(`w${s}`);
let events = 0;
for (let s = 0; s < Number(process.env.SEEDS ?? 10); s++) events += seed(String(s));
console.log(`events ${events}`);
