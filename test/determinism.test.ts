// Determinism is the product: the same scenario and seed give the same hash in another
// process and in a worker thread; different seeds give different hashes.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { hashes } from './support/hashes.js';

const seeds = 200;

describe('the hash of a run is its identity', () => {
  it.each([
    // Raft: built-in clients, one role, the random nemesis.
    { scenario: 'scenarios/raft/nemesis.yaml' },
    // Two roles, client actors holding leases, faults aimed at a role and at clients.
    { scenario: 'test/fixtures/protocols/primary-backup.yaml' },
    // The richer fault model: latency mixtures and tails, link bursts, group targets, names, partial heals, pinned clients.
    { scenario: 'test/fixtures/scenarios/fault-model.yaml' },
    // Multi-Paxos KV under the nemesis, and single-decree Paxos with three roles on shared nodes.
    { scenario: 'scenarios/paxos/nemesis.yaml' },
    { scenario: 'scenarios/paxos/single-nemesis.yaml' },
  ])(`is identical in a separate process and in a worker thread, for ${seeds} seeds: $scenario`, async ({ scenario }) => {
    const here = await hashes(scenario, 0, seeds);
    const child = execFileSync(process.execPath, ['--import', 'tsx', 'test/support/hashes.ts', scenario, '0', String(seeds)], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    })
      .trim()
      .split('\n');
    expect(child).toEqual(here);
    const worker = await new Promise<string[]>((resolve, reject) => {
      // On Node 20, `--import tsx` does not reach a worker's entry: register tsx's hooks first.
      const api = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
      const entry = new URL('./support/hashes.ts', import.meta.url).href;
      const boot = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
      const w = new Worker(boot, { eval: true, workerData: { file: scenario, from: 0, count: 50 } });
      w.once('message', resolve);
      w.once('error', reject);
    });
    expect(worker).toEqual(here.slice(0, 50));
    const distinct = new Set(here.map((line) => line.split(' ')[1]));
    expect(distinct.size).toBe(seeds);
  });
});
