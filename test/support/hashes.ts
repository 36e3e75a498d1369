// Prints the hash of each seed of a scenario, one per line: `seed hash`. Used by the
// determinism test to compare runs across processes and worker threads.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadScenario } from '../../scenario/load.js';
import { runSimulation } from '../../sim/world.js';

export async function hashes(file: string, from: number, count: number): Promise<string[]> {
  const loaded = await loadScenario(file);
  const out: string[] = [];
  for (let s = from; s < from + count; s++) {
    const r = runSimulation({ ...loaded.config, seed: String(s), record: 'fuzz' });
    out.push(`${s} ${r.hash}`);
  }
  return out;
}

if (!isMainThread && workerData?.file) {
  const { file, from, count } = workerData as { file: string; from: number; count: number };
  parentPort!.postMessage(await hashes(file, from, count));
} else if (isMainThread && process.argv[1]?.endsWith('hashes.ts')) {
  const [file, from, count] = process.argv.slice(2);
  process.stdout.write((await hashes(file, Number(from), Number(count))).join('\n') + '\n');
}
