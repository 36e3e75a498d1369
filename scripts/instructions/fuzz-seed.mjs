// One process of scripts/instructions/ir-per-event.sh with RUN=fuzz-seed: WARM warm-up seeds, then
// SEEDS measured seeds of FILE as a fuzz worker runs them (explore/execute.ts executeSeed, swarm
// knobs drawn per seed, linearizability checked), from the built code (dist/, `npm run build`).
import { executeSeed } from '../../dist/explore/execute.js';
import { loadScenario } from '../../dist/scenario/load.js';
const file = process.env.FILE ?? 'scenarios/raft/nemesis.yaml';
const loaded = await loadScenario(file);
const options = { swarm: true, checkDeterminism: false };
for (let s = 0; s < Number(process.env.WARM ?? 20); s++) executeSeed(loaded, `w${s}`, options);
let events = 0;
for (let s = 0; s < Number(process.env.SEEDS ?? 10); s++) events += executeSeed(loaded, String(1000 + s), options).events;
console.log(`events ${events}`);
