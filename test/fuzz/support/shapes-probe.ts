// Run by test/fuzz/swarm-shapes.test.ts in a child process with --allow-natives-syntax: the
// hidden classes of the config objects that 200 seeds of nemesis.yaml run with, counted by
// V8's own %HaveSameMap. Prints one JSON object: { config, network, nemesis, protocolOptions }.
import { applyOverrides, loadScenario } from '../../../scenario/load.js';
import { seedScenario } from '../../../explore/execute.js';
import { drawKnobs } from '../../../explore/swarm.js';

// Natives syntax parses only at run time, in a function body (esbuild would refuse it in this file).
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

const loaded = await loadScenario('scenarios/raft/nemesis.yaml');
const parts = ['config', 'network', 'nemesis', 'protocolOptions'] as const;
const classes: Record<(typeof parts)[number], object[]> = { config: [], network: [], nemesis: [], protocolOptions: [] };
for (let s = 0; s < 200; s++) {
  const seed = String(s);
  const config = applyOverrides(seedScenario(loaded, seed, drawKnobs(seed, loaded.config, loaded.swarm)), { record: 'fuzz' }).config;
  for (const part of parts) {
    const o = (part === 'config' ? config : config[part]) as object;
    if (!classes[part].some((r) => haveSameMap(r, o))) classes[part].push(o);
  }
}
console.log(JSON.stringify(Object.fromEntries(parts.map((p) => [p, classes[p].length]))));
