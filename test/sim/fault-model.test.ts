// The richer fault model, seen in the trace (record: 'full'): latency mixtures and Pareto
// tails, and determinism (same seed, same hash) for runs that use them.
import { describe, expect, it } from 'vitest';
import type { LatencyModel, SimConfig } from '../../sim/config.js';
import { sampleLatency } from '../../sim/network.js';
import { Prng } from '../../sim/prng.js';
import type { RunResult, TraceEvent } from '../../sim/result.js';
import { runSimulation } from '../../sim/world.js';
import { toyConfig } from './config-helpers.js';

type Send = Extract<TraceEvent, { k: 'send' }>;
type Deliver = Extract<TraceEvent, { k: 'deliver' }>;

/** Every delivered message: its link, when it was sent and how long it took. */
export function deliveries(r: RunResult): Array<{ from: number; to: number; sentAt: number; latency: number; id: number }> {
  const sent = new Map<number, Send>();
  const out: Array<{ from: number; to: number; sentAt: number; latency: number; id: number }> = [];
  for (const e of r.trace!) {
    if (e.k === 'send') sent.set(e.id, e);
    else if (e.k === 'deliver') {
      const s = sent.get((e as Deliver).id)!;
      out.push({ from: e.from, to: e.to, sentAt: s.t, latency: e.t - s.t, id: e.id });
    }
  }
  return out;
}

/** A quiet network (no loss, no duplicates) with the given latency. */
export function withLatency(latency: LatencyModel, overrides: Partial<SimConfig> = {}): SimConfig {
  return toyConfig({ network: { latency, lossPpm: 0, duplicatePpm: 0, cut: [] }, ...overrides });
}

const mixture: LatencyModel = {
  kind: 'mixture',
  components: [
    { weight: 9, model: { kind: 'uniform', minUs: 1_000, maxUs: 10_000 } },
    { weight: 1, model: { kind: 'uniform', minUs: 200_000, maxUs: 2_000_000 } },
  ],
};
const pareto: LatencyModel = { kind: 'pareto', minUs: 1_000, alphaMilli: 1_500, maxUs: 2_000_000 };

describe('latency mixtures', () => {
  it('each message takes one component: 90% within 1–10ms, 10% within 200ms–2s, nothing in between', () => {
    const r = runSimulation(withLatency(mixture, { durationUs: 4_000_000, faultsStopUs: 0 }));
    const lat = deliveries(r).filter((d) => d.sentAt < 1_500_000).map((d) => d.latency);
    expect(lat.length).toBeGreaterThan(300);
    const fast = lat.filter((l) => l >= 1_000 && l <= 10_000).length;
    const slow = lat.filter((l) => l >= 200_000 && l <= 2_000_000).length;
    expect(fast + slow).toBe(lat.length);
    expect(slow / lat.length).toBeGreaterThan(0.05);
    expect(slow / lat.length).toBeLessThan(0.15);
  });

  it('draws the component and its latency from the network stream alone', () => {
    const a = new Prng('7/network');
    const b = new Prng('7/network');
    const xs = Array.from({ length: 1000 }, () => sampleLatency(mixture, a));
    const ys = Array.from({ length: 1000 }, () => sampleLatency(mixture, b));
    expect(xs).toEqual(ys);
    expect(xs.every((x) => Number.isInteger(x))).toBe(true);
  });

  it('a component of weight 0 is never drawn', () => {
    const m: LatencyModel = { kind: 'mixture', components: [{ weight: 0, model: { kind: 'fixed', us: 7 } }, { weight: 3, model: { kind: 'fixed', us: 5 } }] };
    const r = new Prng('x');
    expect(new Set(Array.from({ length: 200 }, () => sampleLatency(m, r)))).toEqual(new Set([5]));
  });

  it('a nested mixture or a zero total weight is refused', () => {
    const nested = { kind: 'mixture', components: [{ weight: 1, model: mixture }] } as unknown as LatencyModel;
    expect(() => runSimulation(withLatency(nested))).toThrow(/does not nest/);
    const zero: LatencyModel = { kind: 'mixture', components: [{ weight: 0, model: { kind: 'fixed', us: 1 } }] };
    expect(() => runSimulation(withLatency(zero))).toThrow(/total weight above 0/);
  });
});

describe('Pareto latency', () => {
  it('integers within [min, max], a heavy tail: the median near min * 2^(1/alpha), some messages 30x slower', () => {
    const r = new Prng('pareto');
    const xs = Array.from({ length: 20_000 }, () => sampleLatency(pareto, r)).sort((x, y) => x - y);
    expect(xs.every((x) => Number.isInteger(x) && x >= 1_000 && x <= 2_000_000)).toBe(true);
    const median = xs[xs.length / 2];
    expect(median).toBeGreaterThan(1_500);
    expect(median).toBeLessThan(1_700); // 2^(1/1.5) = 1.587
    // P(X > 30 min) = 30^-1.5 = 0.6%
    const tail = xs.filter((x) => x > 30_000).length / xs.length;
    expect(tail).toBeGreaterThan(0.003);
    expect(tail).toBeLessThan(0.01);
    expect(xs.at(-1)).toBeGreaterThan(100_000);
  });

  it('caps at max, even for the smallest alpha', () => {
    const r = new Prng('cap');
    const heavy: LatencyModel = { kind: 'pareto', minUs: 1, alphaMilli: 1, maxUs: 5_000 };
    const xs = Array.from({ length: 1000 }, () => sampleLatency(heavy, r));
    expect(Math.max(...xs)).toBe(5_000);
    expect(xs.every((x) => x >= 1 && x <= 5_000)).toBe(true);
  });

  it('shows in the trace: every delivery within [min, max], some far beyond the body', () => {
    const r = runSimulation(withLatency(pareto, { faultsStopUs: 0 }));
    const lat = deliveries(r).map((d) => d.latency);
    expect(lat.length).toBeGreaterThan(200);
    expect(Math.min(...lat)).toBeGreaterThanOrEqual(1_000);
    expect(Math.max(...lat)).toBeLessThanOrEqual(2_000_000);
    expect(lat.some((l) => l > 20_000)).toBe(true);
  });
});

describe('determinism with the new latency models', () => {
  it.each([
    { name: 'mixture', latency: mixture },
    { name: 'pareto', latency: pareto },
  ])('$name: same seed, same hash (full and fuzz levels); different seeds differ', ({ latency }) => {
    const hashes = new Set<string>();
    for (let s = 0; s < 8; s++) {
      const a = runSimulation(withLatency(latency, { seed: String(s) }));
      const b = runSimulation(withLatency(latency, { seed: String(s), record: 'fuzz' }));
      expect(b.hash).toBe(a.hash);
      hashes.add(a.hash);
    }
    expect(hashes.size).toBe(8);
  });
});
