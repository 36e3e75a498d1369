// A warm pool reused across campaigns (runCampaignOnPool: bench/fuzz.ts warms the workers
// as it warms the main thread): the same results as a fresh campaign, the pool stays open
// for the next campaign, and a pool started for another scenario is refused.
import { describe, expect, it } from 'vitest';
import { runCampaign, runCampaignOnPool, type CampaignOptions } from '../../explore/campaign.js';
import { WorkerPool } from '../../explore/pool.js';
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
    const pool = await WorkerPool.start(2, { scenarioPath: ballotScenario, bugs: ['volatile-vote'], swarm: true });
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

  it('refuses a pool started for other bug variants', async () => {
    const pool = await WorkerPool.start(1, { scenarioPath: ballotScenario, bugs: [], swarm: true });
    try {
      expect(() => runCampaignOnPool(pool, base({}))).toThrow(/the pool was started for/);
    } finally {
      await pool.close();
    }
  });
});
