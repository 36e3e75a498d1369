// The gossip fixture of bench/gossip.ts: a fixed number of tokens in flight, so the event
// count follows from the latency range; and a run replays bit for bit.
import { describe, expect, it } from 'vitest';
import { protocol } from '../../bench/fixtures/gossip.js';
import { loadScenario } from '../../scenario/load.js';
import type { SimConfig } from '../../sim/config.js';
import { runSimulation } from '../../sim/world.js';

async function config(durationUs: number, tokensPerNode?: number): Promise<SimConfig> {
  const loaded = await loadScenario('bench/fixtures/gossip.yaml');
  return {
    ...loaded.config,
    protocol: protocol as SimConfig['protocol'],
    durationUs,
    faultsStopUs: Math.min(loaded.config.faultsStopUs, durationUs),
    protocolOptions: tokensPerNode === undefined ? loaded.config.protocolOptions : { ...loaded.config.protocolOptions, tokensPerNode },
    record: 'fuzz',
  };
}

describe('bench/fixtures/gossip', () => {
  it('keeps its tokens in flight: events over 1 s lie between tokens × 1 s / 10 ms and tokens × 1 s / 1 ms', async () => {
    const c = await config(1_000_000);
    const tokens = 5 * 13;
    const r = runSimulation({ ...c, seed: '1' });
    expect(r.violations).toEqual([]);
    expect(r.events).toBeGreaterThanOrEqual(tokens * 100);
    expect(r.events).toBeLessThanOrEqual(tokens * 1000 + 1000);
    // Uniform 1-10 ms: a mean of 5.5 ms, so about tokens / 5.5 ms deliveries per second.
    expect(Math.abs(r.events - tokens / 0.0055) / (tokens / 0.0055)).toBeLessThan(0.1);
  });

  it('scales with tokensPerNode', async () => {
    const few = runSimulation({ ...(await config(500_000, 1)), seed: '2' }).events;
    const many = runSimulation({ ...(await config(500_000, 10)), seed: '2' }).events;
    expect(many / few).toBeGreaterThan(7);
    expect(many / few).toBeLessThan(13);
  });

  it('replays bit for bit, and another seed is another run', async () => {
    const c = await config(300_000);
    const a = runSimulation({ ...c, seed: '7' });
    const b = runSimulation({ ...c, seed: '7' });
    const other = runSimulation({ ...c, seed: '8' });
    expect(b.hash).toBe(a.hash);
    expect(b.events).toBe(a.events);
    expect(other.hash).not.toBe(a.hash);
  });

  it('refuses a bad tokensPerNode (a protocol exception, so the run fails with it)', async () => {
    const r = runSimulation({ ...(await config(100_000, 0)), seed: '1' });
    expect(r.violations.map((v) => v.checker)).toEqual(['protocol-exception']);
    expect(r.violations[0].message).toMatch(/tokensPerNode must be an integer in 1\.\.100000, got 0/);
  });
});
