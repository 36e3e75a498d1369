// Determinism is the product: the same scenario and seed give the same hash in another
// process and in a worker thread; different seeds give different hashes.
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { hashes } from './support/hashes.js';

const scenario = 'scenarios/raft/nemesis.yaml';
const seeds = 200;

describe('the hash of a run is its identity', () => {
  it(`is identical in a separate process and in a worker thread, for ${seeds} seeds`, async () => {
    const here = await hashes(scenario, 0, seeds);
    const child = execFileSync(process.execPath, ['--import', 'tsx', 'test/support/hashes.ts', scenario, '0', String(seeds)], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    })
      .trim()
      .split('\n');
    expect(child).toEqual(here);
    const worker = await new Promise<string[]>((resolve, reject) => {
      const w = new Worker(new URL('./support/hashes.ts', import.meta.url), {
        workerData: { file: scenario, from: 0, count: 50 },
        execArgv: ['--import', 'tsx'],
      });
      w.once('message', resolve);
      w.once('error', reject);
    });
    expect(worker).toEqual(here.slice(0, 50));
    const distinct = new Set(here.map((line) => line.split(' ')[1]));
    expect(distinct.size).toBe(seeds);
  });
});
