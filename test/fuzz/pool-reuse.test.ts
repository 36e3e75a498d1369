// A warm pool reused across campaigns (startCampaignPool, runCampaignOnPool: bench/fuzz.ts
// warms the workers as it warms the main thread): the same results as a fresh campaign, the
// pool stays open for the next campaign, the same settings in another key or bug order are
// accepted, and a pool started for another scenario is refused. A worker's JIT warm-up
// (WorkerPool.warmUp) runs seeds of its own that reach no campaign.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCampaign, runCampaignOnPool, startCampaignPool, WARM_UP, WARM_UP_MIN_SEEDS_PER_WORKER, warmUpFor, type CampaignOptions } from '../../explore/campaign.js';
import { sameInit, WorkerPool } from '../../explore/pool.js';
import { ballotScenario, readLines, tempDirs } from './helpers.js';

const out = tempDirs();

const base = (over: Partial<CampaignOptions>): CampaignOptions => ({
  scenarioPath: ballotScenario,
  bugs: ['volatile-vote'],
  seeds: 60,
  fromSeed: 0,
  workers: 1,
  outDir: out('pool-reuse'),
  swarm: true,
  checkDeterminism: 'sample',
  ...over,
});

describe('runCampaignOnPool', () => {
  it('gives the results of a fresh campaign, twice on the same pool, and leaves the pool open', async () => {
    const fresh = await runCampaign(base({}));
    const pool = await startCampaignPool(base({ workers: 2 }));
    try {
      const warmUp = await runCampaignOnPool(pool, base({ seeds: 10, fromSeed: 1000 }));
      expect(warmUp.workers).toBe(2);
      const first = await runCampaignOnPool(pool, base({}));
      const second = await runCampaignOnPool(pool, base({}));
      expect(first.failures.length).toBeGreaterThan(0);
      expect(readLines(first.resultsFile)).toEqual(readLines(fresh.resultsFile));
      expect(readLines(second.resultsFile)).toEqual(readLines(fresh.resultsFile));
      expect(second.failures.map((f) => f.seed)).toEqual(fresh.failures.map((f) => f.seed));
      expect(pool.capacity).toBe(2 * pool.inFlightPerWorker);
    } finally {
      await pool.close();
    }
  });

  it('takes a pool started for the same settings written in another key order or bug order', async () => {
    // Keys in another order than the campaign's own init (explore/campaign.ts workerInit), and a bug named twice.
    const pool = await WorkerPool.start(1, { swarm: true, bugs: ['volatile-vote', 'volatile-vote'], scenarioPath: ballotScenario });
    try {
      const summary = await runCampaignOnPool(pool, base({ seeds: 3 }));
      expect(summary.runs).toBe(3);
    } finally {
      await pool.close();
    }
    expect(sameInit({ scenarioPath: 'a.yaml', bugs: [], swarm: true }, { swarm: true, bugs: [], scenarioPath: 'a.yaml' })).toBe(true);
    expect(sameInit({ scenarioPath: 'a.yaml', bugs: ['x', 'y'], swarm: true }, { scenarioPath: 'a.yaml', bugs: ['y', 'x'], swarm: true })).toBe(true);
    expect(sameInit({ scenarioPath: 'a.yaml', bugs: ['x'], swarm: true }, { scenarioPath: 'a.yaml', bugs: ['x', 'y'], swarm: true })).toBe(false);
    expect(sameInit({ scenarioPath: 'a.yaml', bugs: [], swarm: true }, { scenarioPath: 'a.yaml', bugs: [], swarm: true, timeoutMs: 5 })).toBe(false);
    expect(sameInit({ scenarioPath: 'a.yaml', bugs: [], swarm: true }, { scenarioPath: 'a.yaml', bugs: [], swarm: false })).toBe(false);
    expect(sameInit({ scenarioPath: 'a.yaml', bugs: ['x'], swarm: true }, { scenarioPath: 'b.yaml', bugs: ['x'], swarm: true })).toBe(false);
  });

  it('refuses a pool started for other bug variants', async () => {
    const pool = await WorkerPool.start(1, { scenarioPath: ballotScenario, bugs: [], swarm: true });
    try {
      expect(() => runCampaignOnPool(pool, base({}))).toThrow(/the pool was started for/);
    } finally {
      await pool.close();
    }
  });
});

describe('WorkerPool.warmUp', () => {
  it('runs each worker on seeds of its own, bounded, and the campaign after it is the same', async () => {
    const fresh = await runCampaign(base({}));
    const pool = await startCampaignPool(base({ workers: 2 }), false);
    try {
      const runs = await pool.warmUp({ seeds: 4, budgetMs: 60_000 });
      expect(runs).toEqual([4, 4]);
      // A budget already spent still runs one seed per worker.
      expect(await pool.warmUp({ seeds: 4, budgetMs: 0 })).toEqual([1, 1]);
      const dir = out('warmed');
      const after = await runCampaignOnPool(pool, base({ outDir: dir }));
      expect(readLines(after.resultsFile)).toEqual(readLines(fresh.resultsFile));
      expect(after.runs).toBe(60);
      // Nothing of the warm-up seeds reached the campaign's folder.
      expect(readdirSync(dir).filter((name) => name.includes('warm-up'))).toEqual([]);
      expect(readLines(after.resultsFile).some((l) => (JSON.parse(l) as { seed: string }).seed.startsWith('warm-up'))).toBe(false);
    } finally {
      await pool.close();
    }
  });

  it('startCampaignPool warms up by default (WARM_UP)', async () => {
    const pool = await startCampaignPool(base({ workers: 2 }));
    try {
      expect(pool.warmedUp).toHaveLength(2);
      for (const runs of pool.warmedUp!) expect(runs).toBeGreaterThanOrEqual(1);
      for (const runs of pool.warmedUp!) expect(runs).toBeLessThanOrEqual(WARM_UP.seeds);
    } finally {
      await pool.close();
    }
    const cold = await startCampaignPool(base({ workers: 1 }), false);
    await cold.close();
    expect(cold.warmedUp).toBeUndefined();
  });

  it('a fresh pool warms up for a --duration campaign or enough seeds per worker, and its campaign gives the 1-worker results', async () => {
    expect(warmUpFor(base({ seeds: undefined, durationMs: 1000, workers: 2 }))).toEqual(WARM_UP);
    expect(warmUpFor(base({ seeds: 2 * WARM_UP_MIN_SEEDS_PER_WORKER, workers: 2 }))).toEqual(WARM_UP);
    expect(warmUpFor(base({ seeds: 2 * WARM_UP_MIN_SEEDS_PER_WORKER - 1, workers: 2 }))).toBe(false);
    // A shard runs its share of the seeds: that is what counts.
    expect(warmUpFor(base({ seeds: 4 * WARM_UP_MIN_SEEDS_PER_WORKER, workers: 2, shard: { index: 0, count: 2 } }))).toEqual(WARM_UP);
    expect(warmUpFor(base({ seeds: 4 * WARM_UP_MIN_SEEDS_PER_WORKER - 2, workers: 2, shard: { index: 1, count: 2 } }))).toBe(false);
    const seeds = 2 * WARM_UP_MIN_SEEDS_PER_WORKER;
    const one = await runCampaign(base({ seeds, workers: 1, outDir: out('one') }));
    const dir = out('two');
    const two = await runCampaign(base({ seeds, workers: 2, outDir: dir }));
    expect(two.workers).toBe(2);
    expect(readLines(two.resultsFile)).toEqual(readLines(one.resultsFile));
    // The same failure files, and none of the warm-up's.
    expect(readdirSync(dir).sort()).toEqual(readdirSync(dirname(one.resultsFile)).sort());
  });
});
