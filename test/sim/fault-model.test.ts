// The richer fault model, seen in the trace (record: 'full'): latency mixtures and Pareto
// tails, delay and reorder bursts on links, and determinism (same seed, same hash) for runs
// that use them.
import { describe, expect, it } from 'vitest';
import type { FaultAction, LatencyModel, NemesisConfig, ScriptedFault, SimConfig } from '../../sim/config.js';
import { sampleLatency } from '../../sim/latency.js';
import { Prng } from '../../sim/prng.js';
import type { RunResult, TraceEvent } from '../../sim/result.js';
import { runSimulation } from '../../sim/world.js';
import { registerWorkload } from '../../workloads/index.js';
import { protocol as primaryBackup } from '../fixtures/protocols/primary-backup.js';
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

const fixed5ms: LatencyModel = { kind: 'fixed', us: 5_000 };
const at = (atUs: number, action: FaultAction): ScriptedFault => ({ atUs, action });
const during = (d: { sentAt: number }, from: number, to: number) => d.sentAt >= from && d.sentAt < to;

describe('delay bursts', () => {
  it('add their delay to every message sent on the chosen links while they last, and only there', () => {
    const r = runSimulation(withLatency(fixed5ms, { faults: [at(500_000, { kind: 'delay-burst', links: { from: [0], to: [1] }, delayUs: 100_000, durationUs: 300_000 })] }));
    const ds = deliveries(r);
    const slowed = ds.filter((d) => d.from === 0 && d.to === 1 && during(d, 500_000, 800_000));
    expect(slowed.length).toBeGreaterThan(5);
    expect(slowed.every((d) => d.latency === 105_000)).toBe(true);
    // The reverse link, other links, and the same link before and after: the plain 5ms.
    expect(ds.filter((d) => !slowed.includes(d)).every((d) => d.latency === 5_000)).toBe(true);
    expect(ds.some((d) => d.from === 1 && d.to === 0 && during(d, 500_000, 800_000))).toBe(true);
    const fault = r.trace!.find((e) => e.k === 'fault' && e.what === 'delay-burst');
    expect(fault?.t).toBe(500_000);
    expect(r.trace!.find((e) => e.k === 'fault' && e.what === 'link-burst-end')?.t).toBe(800_000);
  });

  it('both: true slows the reverse links too; no links means every link, clients included', () => {
    const both = runSimulation(withLatency(fixed5ms, { faults: [at(500_000, { kind: 'delay-burst', links: { from: [0], to: [1, 2], both: true }, delayUs: 50_000, durationUs: 300_000 })] }));
    const inBurst = deliveries(both).filter((d) => during(d, 500_000, 800_000));
    for (const d of inBurst) expect(d.latency).toBe((d.from === 0 && d.to < 3) || (d.to === 0 && d.from < 3) ? 55_000 : 5_000);
    expect(inBurst.some((d) => d.from === 2 && d.to === 0 && d.latency === 55_000)).toBe(true);
    expect(inBurst.some((d) => d.from === 1 && d.to === 2 && d.latency === 5_000)).toBe(true);
    const all = runSimulation(withLatency(fixed5ms, { faults: [at(500_000, { kind: 'delay-burst', delayUs: 50_000, durationUs: 300_000 })] }));
    const everything = deliveries(all).filter((d) => during(d, 500_000, 800_000));
    expect(everything.some((d) => d.from >= 3 || d.to >= 3)).toBe(true); // client links
    expect(everything.every((d) => d.latency === 55_000)).toBe(true);
  });

  it('overlapping bursts add up and each ends at its own time; faults stopping ends them all', () => {
    const r = runSimulation(
      withLatency(fixed5ms, {
        faultsStopUs: 1_200_000,
        faults: [
          at(400_000, { kind: 'delay-burst', delayUs: 10_000, durationUs: 400_000 }),
          at(600_000, { kind: 'delay-burst', links: { from: [0, 1, 2], to: [0, 1, 2] }, delayUs: 20_000, durationUs: 5_000_000 }),
        ],
      }),
    );
    const nodeLinks = deliveries(r).filter((d) => d.from < 3 && d.to < 3);
    const latencies = (from: number, to: number) => new Set(nodeLinks.filter((d) => during(d, from, to)).map((d) => d.latency));
    expect(latencies(0, 400_000)).toEqual(new Set([5_000]));
    expect(latencies(400_000, 600_000)).toEqual(new Set([15_000]));
    expect(latencies(600_000, 800_000)).toEqual(new Set([35_000]));
    expect(latencies(800_000, 1_200_000)).toEqual(new Set([25_000]));
    expect(latencies(1_200_000, 2_000_000)).toEqual(new Set([5_000]));
  });
});

describe('reorder bursts', () => {
  /** Pairs of messages on one link where the later one arrives first. */
  const overtakes = (ds: ReturnType<typeof deliveries>, from: number, to: number) => {
    let n = 0;
    for (let i = 0; i < ds.length; i++) for (let j = 0; j < ds.length; j++) if (ds[i].sentAt < ds[j].sentAt && ds[i].sentAt + ds[i].latency > ds[j].sentAt + ds[j].latency && during(ds[i], from, to)) n++;
    return n;
  };

  it('jitter on the chosen links only: their latencies spread over [latency, latency + jitter], other links keep theirs', () => {
    const faults = [at(300_000, { kind: 'reorder-burst', links: { from: [3], to: [0], both: true }, jitterUs: 80_000, durationUs: 1_000_000 } as const)];
    const r = runSimulation(withLatency(fixed5ms, { faults, protocolOptions: { periodUs: 2_000 } }));
    const link = (a: number, b: number) => deliveries(r).filter((d) => d.from === a && d.to === b);
    const jittered = [...link(3, 0), ...link(0, 3)].filter((d) => during(d, 300_000, 1_300_000));
    expect(jittered.length).toBeGreaterThan(10);
    expect(jittered.every((d) => d.latency >= 5_000 && d.latency <= 85_000)).toBe(true);
    expect(new Set(jittered.map((d) => d.latency)).size).toBeGreaterThan(5);
    // Node links keep their fixed latency: no overtaking among them.
    const nodeLinks = deliveries(r).filter((d) => d.from < 3 && d.to < 3);
    expect(nodeLinks.every((d) => d.latency === 5_000)).toBe(true);
    const plain = runSimulation(withLatency(fixed5ms, { protocolOptions: { periodUs: 2_000 } }));
    expect(deliveries(plain).every((d) => d.latency === 5_000)).toBe(true);
  });

  it('on every link of a busy cluster, later messages arrive first', () => {
    const r = runSimulation(withLatency(fixed5ms, { faults: [at(300_000, { kind: 'reorder-burst', jitterUs: 50_000, durationUs: 500_000 })], protocolOptions: { periodUs: 1_000 } }));
    const ds = deliveries(r).filter((d) => d.from === 0 && d.to === 1);
    expect(overtakes(ds, 300_000, 800_000)).toBeGreaterThan(10);
    expect(overtakes(ds, 900_000, 2_000_000)).toBe(0);
  });
});

describe('delay and reorder in the nemesis', () => {
  const nemesis = (weights: NemesisConfig['weights'], more: Partial<NemesisConfig> = {}): NemesisConfig => ({
    weights,
    intervalUs: [20_000, 100_000],
    durationUs: [20_000, 200_000],
    maxCrashed: 1,
    clockJumpMaxUs: 0,
    clockDriftMaxPpm: 0,
    ...more,
  });

  it('draws delay and reorder bursts within their bounds, on every link or between a group and the rest', () => {
    const r = runSimulation(toyConfig({ seed: '3', record: 'fuzz', nemesis: nemesis({ delay: 1, reorder: 1 }, { delayMaxUs: 30_000, jitterMaxUs: 7_000 }) }));
    const delays = r.faultLog.filter((f) => f.action.kind === 'delay-burst').map((f) => f.action as Extract<FaultAction, { kind: 'delay-burst' }>);
    const reorders = r.faultLog.filter((f) => f.action.kind === 'reorder-burst').map((f) => f.action as Extract<FaultAction, { kind: 'reorder-burst' }>);
    expect(delays.length).toBeGreaterThan(3);
    expect(reorders.length).toBeGreaterThan(3);
    expect(delays.every((a) => a.delayUs >= 1 && a.delayUs <= 30_000)).toBe(true);
    expect(reorders.every((a) => a.jitterUs >= 1 && a.jitterUs <= 7_000)).toBe(true);
    const shapes = [...delays, ...reorders].map((a) => (a.links === undefined ? 'all' : 'group'));
    expect(new Set(shapes)).toEqual(new Set(['all', 'group']));
    for (const a of [...delays, ...reorders]) {
      if (a.links === undefined) continue;
      expect(a.links.both).toBe(true);
      expect([...a.links.from, ...a.links.to].sort()).toEqual([0, 1, 2]);
    }
  });

  it('is deterministic, and its concrete log replays as a script to the same history', () => {
    for (let s = 0; s < 6; s++) {
      const config = toyConfig({ seed: String(s), nemesis: nemesis({ delay: 2, reorder: 2, partition: 1, crash: 1 }) });
      const a = runSimulation(config);
      const b = runSimulation({ ...config, record: 'fuzz' });
      expect(b.hash).toBe(a.hash);
      const replay = runSimulation(toyConfig({ seed: String(s), faults: a.faultLog }));
      expect(replay.faultLog).toEqual(a.faultLog);
      expect(replay.history).toEqual(a.history);
    }
  });
});

describe('the network after faults stop', () => {
  it('takes the latency, loss and duplication of afterFaults from faultsStop on', () => {
    const config = withLatency(fixed5ms, { faultsStopUs: 1_000_000 });
    config.network = { ...config.network, afterFaults: { latency: { kind: 'fixed', us: 40_000 }, duplicatePpm: 1_000_000 } };
    const r = runSimulation(config);
    const ds = deliveries(r);
    expect(ds.filter((d) => d.sentAt < 1_000_000).every((d) => d.latency === 5_000)).toBe(true);
    const after = ds.filter((d) => d.sentAt >= 1_000_000);
    expect(after.length).toBeGreaterThan(20);
    expect(after.every((d) => d.latency === 40_000)).toBe(true);
    // Every message is now delivered twice.
    const copies = new Map<number, number>();
    for (const d of after) copies.set(d.id, (copies.get(d.id) ?? 0) + 1);
    expect([...copies.values()].filter((n) => n === 2).length).toBeGreaterThan(after.length / 3);
    expect(r.trace!.find((e) => e.k === 'fault' && e.what === 'faults-stop')?.t).toBe(1_000_000);
  });

  it('a permanently lossy network in the liveness phase: every message lost after faults stop', () => {
    const config = withLatency(fixed5ms, { faultsStopUs: 1_000_000 });
    config.network = { ...config.network, afterFaults: { lossPpm: 1_000_000 } };
    const r = runSimulation(config);
    expect(deliveries(r).filter((d) => d.sentAt >= 1_000_000)).toEqual([]);
    const drops = r.trace!.filter((e) => e.k === 'drop' && e.t >= 1_000_000);
    expect(drops.length).toBeGreaterThan(20);
    expect(drops.every((e) => e.k === 'drop' && e.why === 'loss')).toBe(true);
  });

  it('replaces the cut links: [] restores them, a new list cuts others', () => {
    const config = withLatency(fixed5ms, { faultsStopUs: 1_000_000 });
    config.network = { ...config.network, cut: [[0, 1]], afterFaults: { cut: [[1, 2]] } };
    const r = runSimulation(config);
    const ds = deliveries(r);
    const on = (from: number, to: number, before: boolean) => ds.filter((d) => d.from === from && d.to === to && (d.sentAt < 1_000_000) === before).length;
    expect(on(0, 1, true)).toBe(0);
    expect(on(0, 1, false)).toBeGreaterThan(0);
    expect(on(1, 2, true)).toBeGreaterThan(0);
    expect(on(1, 2, false)).toBe(0);
  });

  it('is deterministic', () => {
    const hashes = new Set<string>();
    for (let s = 0; s < 6; s++) {
      const config = toyConfig({ seed: String(s), faultsStopUs: 1_000_000 });
      config.network = { ...config.network, afterFaults: { latency: pareto, lossPpm: 50_000 } };
      const a = runSimulation(config);
      expect(runSimulation({ ...config, record: 'fuzz' }).hash).toBe(a.hash);
      hashes.add(a.hash);
    }
    expect(hashes.size).toBe(6);
  });
});

describe('group targets', () => {
  const five = (faults: ScriptedFault[], overrides: Partial<SimConfig> = {}) => runSimulation(toyConfig({ nodes: 5, faults, ...overrides }));
  const crashedNodes = (r: RunResult) => r.trace!.filter((e) => e.k === 'crash').map((e) => (e as { node: number }).node);
  const logged = (r: RunResult, kind: string) => r.faultLog.filter((f) => f.action.kind === kind).map((f) => (f.action as { node: number }).node);

  it('leader+K: the leader (the toy protocol\'s n1) and K other nodes, a seeded draw; one logged fault per node', () => {
    const seen = new Set<string>();
    for (let s = 0; s < 12; s++) {
      const r = five([at(300_000, { kind: 'crash', node: { group: 'leader-plus', k: 2 } })], { seed: String(s) });
      const crashed = crashedNodes(r);
      expect(crashed).toHaveLength(3);
      expect(crashed).toContain(0);
      expect(new Set(crashed).size).toBe(3);
      expect(logged(r, 'crash')).toEqual(crashed);
      expect(r.faultLog.every((f) => f.atUs === 300_000)).toBe(true);
      seen.add(crashed.join());
    }
    expect(seen.size).toBeGreaterThan(2);
  });

  it('leader-minority: the leader and others, ⌊(n − 1) / 2⌋ nodes in all', () => {
    for (const [nodes, size] of [[3, 1], [4, 1], [5, 2], [7, 3]]) {
      const r = runSimulation(toyConfig({ nodes, faults: [at(300_000, { kind: 'pause', node: { group: 'leader-minority' }, durationUs: 100_000 })] }));
      const paused = r.trace!.filter((e) => e.k === 'pause').map((e) => (e as { node: number }).node);
      expect(paused).toHaveLength(size);
      expect(paused).toContain(0);
      expect(logged(r, 'pause')).toEqual(paused);
    }
  });

  it('random-K: K distinct nodes, of a role when one is named', () => {
    const r = five([at(300_000, { kind: 'clock-jump', node: { group: 'random', k: 3 }, byUs: 1_000_000 })]);
    const jumped = logged(r, 'clock-jump');
    expect(jumped).toHaveLength(3);
    expect(new Set(jumped).size).toBe(3);
    expect(r.trace!.find((e) => e.k === 'fault' && e.what === 'clock-jump')).toMatchObject({ detail: { nodes: jumped } });
  });

  it('isolate of a group cuts it off as one side: its nodes still talk to each other, not to the rest', () => {
    const faults = [at(300_000, { kind: 'isolate', node: { group: 'leader-plus', k: 1 } } as const), at(900_000, { kind: 'heal' } as const)];
    const r = five(faults, { protocolOptions: { periodUs: 2_000 }, network: { ...toyConfig().network, lossPpm: 0 } });
    expect(r.faultLog[0].action.kind).toBe('partition');
    const [group, rest] = (r.faultLog[0].action as { groups: number[][] }).groups;
    expect(group).toHaveLength(2);
    expect(group).toContain(0);
    expect([...group, ...rest].sort()).toEqual([0, 1, 2, 3, 4]);
    const inside = r.trace!.filter((e) => e.k === 'deliver' && e.t > 320_000 && e.t < 900_000 && e.from < 5 && e.to < 5) as Deliver[];
    const side = (n: number) => group.includes(n);
    expect(inside.some((e) => side(e.from) && side(e.to))).toBe(true);
    expect(inside.some((e) => !side(e.from) && !side(e.to))).toBe(true);
    expect(inside.filter((e) => side(e.from) !== side(e.to))).toEqual([]);
  });

  it('crash-restart of a group: each node down, each back after its down time', () => {
    const r = five([at(300_000, { kind: 'crash-restart', node: { group: 'random', k: 2 }, downUs: 200_000 })]);
    const crashes = r.trace!.filter((e) => e.k === 'crash');
    const restarts = r.trace!.filter((e) => e.k === 'restart');
    expect(crashes.map((e) => e.t)).toEqual([300_000, 300_000]);
    expect(restarts.map((e) => (e as { node: number }).node).sort()).toEqual(crashes.map((e) => (e as { node: number }).node).sort());
    expect(restarts.every((e) => e.t === 500_000)).toBe(true);
  });

  it('without a leader, leader+K and leader-minority name nobody', () => {
    // The toy protocol's n1 leads: crash it, and nobody does.
    const r = five([at(100_000, { kind: 'crash', node: 0 }), at(200_000, { kind: 'crash', node: { group: 'leader-plus', k: 2 } }), at(300_000, { kind: 'isolate', node: { group: 'leader-minority' } })]);
    expect(crashedNodes(r)).toEqual([0]);
    expect(r.faultLog).toEqual([at(100_000, { kind: 'crash', node: 0 })]);
  });

  it('is deterministic, and the concrete log replays as a script to the same history', () => {
    const faults: ScriptedFault[] = [
      at(200_000, { kind: 'pause', node: { group: 'random', k: 2 }, durationUs: 150_000 }),
      at(400_000, { kind: 'isolate', node: { group: 'leader-minority' } }),
      at(600_000, { kind: 'heal' }),
      at(700_000, { kind: 'crash-restart', node: { group: 'leader-plus', k: 1 }, downUs: 100_000 }),
      at(900_000, { kind: 'clock-drift', node: { group: 'random', k: 3 }, driftPpm: 300 }),
    ];
    const hashes = new Set<string>();
    for (let s = 0; s < 6; s++) {
      const a = five(faults, { seed: String(s) });
      expect(five(faults, { seed: String(s), record: 'fuzz' }).hash).toBe(a.hash);
      const replay = five(a.faultLog.filter((f) => f.action.kind !== 'restart'), { seed: String(s) });
      expect(replay.faultLog).toEqual(a.faultLog);
      expect(replay.history).toEqual(a.history);
      hashes.add(a.hash);
    }
    expect(hashes.size).toBe(6);
  });
});

describe('naming what a fault picked (as) and aiming at it later ($name)', () => {
  const five = (faults: ScriptedFault[], overrides: Partial<SimConfig> = {}) => runSimulation(toyConfig({ nodes: 5, faults, ...overrides }));
  const nodesOf = (r: RunResult, k: 'crash' | 'restart' | 'pause') => r.trace!.filter((e) => e.k === k).map((e) => (e as { node: number }).node);

  it('a crash of a random node as a, then a restart of $a: the same node comes back, whichever the seed drew', () => {
    const picked = new Set<number>();
    for (let s = 0; s < 12; s++) {
      const r = five([at(300_000, { kind: 'crash', node: 'random', as: 'a' }), at(600_000, { kind: 'restart', node: { ref: 'a' } })], { seed: String(s) });
      const [crashed] = nodesOf(r, 'crash');
      expect(nodesOf(r, 'restart')).toEqual([crashed]);
      expect(r.trace!.find((e) => e.k === 'restart')!.t).toBe(600_000);
      // The log is concrete: no names.
      expect(r.faultLog).toEqual([at(300_000, { kind: 'crash', node: crashed }), at(600_000, { kind: 'restart', node: crashed })]);
      picked.add(crashed);
    }
    expect(picked.size).toBeGreaterThan(2);
  });

  it('a name holds a whole group; a pause and a clock jump aim at the node a pause picked', () => {
    const r = five([
      at(200_000, { kind: 'crash', node: { group: 'leader-plus', k: 2 }, as: 'g' }),
      at(400_000, { kind: 'restart', node: { ref: 'g' } }),
      at(500_000, { kind: 'pause', node: { group: 'random', k: 1 }, durationUs: 50_000, as: 'p' }),
      at(700_000, { kind: 'clock-jump', node: { ref: 'p' }, byUs: 300_000 }),
    ]);
    expect(nodesOf(r, 'restart').sort()).toEqual(nodesOf(r, 'crash').sort());
    expect(nodesOf(r, 'crash')).toHaveLength(3);
    const paused = nodesOf(r, 'pause');
    expect(r.faultLog.filter((f) => f.action.kind === 'clock-jump').map((f) => (f.action as { node: number }).node)).toEqual(paused);
  });

  it('the latest fault to give a name wins; a name nobody gave names nobody', () => {
    const r = five([
      at(100_000, { kind: 'crash', node: 1, as: 'x' }),
      at(200_000, { kind: 'crash', node: 2, as: 'x' }),
      at(300_000, { kind: 'restart', node: { ref: 'x' } }),
      at(400_000, { kind: 'crash', node: { ref: 'nobody' } }),
    ]);
    expect(r.faultLog.filter((f) => f.action.kind === 'restart')).toEqual([at(300_000, { kind: 'restart', node: 2 })]);
    expect(nodesOf(r, 'crash')).toEqual([1, 2]);
  });

  it('an isolate of a name that holds several nodes cuts them off together', () => {
    const r = five([at(100_000, { kind: 'pause', node: { group: 'random', k: 2 }, durationUs: 1_000, as: 'two' }), at(300_000, { kind: 'isolate', node: { ref: 'two' } })]);
    const paused = nodesOf(r, 'pause').sort();
    const partition = r.faultLog.find((f) => f.action.kind === 'partition')!;
    expect((partition.action as { groups: number[][] }).groups[0]).toEqual(paused);
  });

  it('is deterministic, and the concrete log replays to the same history', () => {
    const faults: ScriptedFault[] = [
      at(200_000, { kind: 'isolate', node: 'random', as: 'x' }),
      at(300_000, { kind: 'crash', node: { group: 'random', k: 2 }, as: 'down' }),
      at(500_000, { kind: 'heal' }),
      at(600_000, { kind: 'restart', node: { ref: 'down' } }),
      at(700_000, { kind: 'pause', node: { ref: 'x' }, durationUs: 100_000 }),
    ];
    for (let s = 0; s < 6; s++) {
      const a = five(faults, { seed: String(s) });
      expect(five(faults, { seed: String(s), record: 'fuzz' }).hash).toBe(a.hash);
      expect(JSON.stringify(a.faultLog)).not.toMatch(/"ref"|"as"/);
      const replay = five(a.faultLog, { seed: String(s) });
      expect(replay.history).toEqual(a.history);
    }
  });
});

describe('healing one node or some links', () => {
  const quiet = (faults: ScriptedFault[]) => runSimulation(toyConfig({ nodes: 4, faults, protocolOptions: { periodUs: 2_000 }, network: { ...toyConfig().network, lossPpm: 0, duplicatePpm: 0 } }));
  const delivered = (r: RunResult, from: number, to: number, t0: number, t1: number) =>
    r.trace!.filter((e) => e.k === 'deliver' && e.from === from && e.to === to && e.t >= t0 && e.t < t1).length;

  it('heal of a node restores every link of that node, both ways, and no other', () => {
    const r = quiet([at(200_000, { kind: 'isolate', node: 0 }), at(200_000, { kind: 'isolate', node: 1 }), at(600_000, { kind: 'heal', node: 0 })]);
    // Before the heal, nothing reaches n1 or n2 from the others (after the messages in flight).
    expect(delivered(r, 0, 2, 220_000, 600_000) + delivered(r, 2, 0, 220_000, 600_000)).toBe(0);
    expect(delivered(r, 1, 2, 220_000, 600_000)).toBe(0);
    // After: n1 talks to every node again (n2 too: that link is n1's), n2 stays cut off from n3 and n4.
    expect(delivered(r, 0, 2, 620_000, 1_500_000)).toBeGreaterThan(0);
    expect(delivered(r, 2, 0, 620_000, 1_500_000)).toBeGreaterThan(0);
    expect(delivered(r, 1, 2, 620_000, 1_500_000) + delivered(r, 2, 1, 620_000, 1_500_000) + delivered(r, 1, 3, 620_000, 1_500_000)).toBe(0);
    expect(r.faultLog.at(-1)).toEqual(at(600_000, { kind: 'heal', node: 0 }));
  });

  it('isolate the leader as x, later heal only $x', () => {
    const r = quiet([
      at(200_000, { kind: 'isolate', node: 'leader', as: 'x' }),
      at(200_000, { kind: 'one-way', from: [2], to: [3] }),
      at(600_000, { kind: 'heal', node: { ref: 'x' } }),
    ]);
    expect(r.faultLog.at(-1)).toEqual(at(600_000, { kind: 'heal', node: 0 }));
    expect(delivered(r, 0, 1, 620_000, 1_500_000)).toBeGreaterThan(0);
    expect(delivered(r, 2, 3, 620_000, 1_500_000)).toBe(0); // the one-way cut stays
    expect(delivered(r, 3, 2, 620_000, 1_500_000)).toBeGreaterThan(0);
  });

  it('heal of links restores only those (one direction unless both)', () => {
    const r = quiet([at(200_000, { kind: 'partition', groups: [[0], [1, 2, 3]] }), at(600_000, { kind: 'heal', links: { from: [0], to: [1] } })]);
    expect(delivered(r, 0, 1, 620_000, 1_500_000)).toBeGreaterThan(0);
    expect(delivered(r, 1, 0, 620_000, 1_500_000)).toBe(0);
    expect(delivered(r, 0, 2, 620_000, 1_500_000)).toBe(0);
    const both = quiet([at(200_000, { kind: 'partition', groups: [[0], [1, 2, 3]] }), at(600_000, { kind: 'heal', links: { from: [0], to: [1], both: true } })]);
    expect(delivered(both, 1, 0, 620_000, 1_500_000)).toBeGreaterThan(0);
    expect(delivered(both, 2, 0, 620_000, 1_500_000)).toBe(0);
  });

  it('a heal never lifts the links cut for the whole run', () => {
    const config = toyConfig({ faults: [at(600_000, { kind: 'heal', node: 0 })], network: { ...toyConfig().network, lossPpm: 0, cut: [[0, 1]] } });
    const r = runSimulation(config);
    expect(r.trace!.filter((e) => e.k === 'deliver' && e.from === 0 && e.to === 1)).toEqual([]);
  });

  it('is deterministic', () => {
    const faults: ScriptedFault[] = [at(200_000, { kind: 'isolate', node: 'random', as: 'x' }), at(300_000, { kind: 'partition-halves' }), at(500_000, { kind: 'heal', node: { ref: 'x' } }), at(700_000, { kind: 'heal', links: { from: [0, 1], to: [2, 3], both: true } })];
    for (let s = 0; s < 5; s++) {
      const a = runSimulation(toyConfig({ nodes: 4, seed: String(s), faults }));
      expect(runSimulation(toyConfig({ nodes: 4, seed: String(s), faults, record: 'fuzz' })).hash).toBe(a.hash);
      expect(runSimulation(toyConfig({ nodes: 4, seed: String(s), faults: a.faultLog })).history).toEqual(a.history);
    }
  });
});

describe('clients: pinned, starting late, a fixed number of operations', () => {
  const clientSends = (r: RunResult, client: number) => (r.trace!.filter((e) => e.k === 'send' && e.from === client) as Send[]).map((e) => e.to);
  const invokes = (r: RunResult) => r.history.filter((e) => e.type === 'invoke');

  it('a pinned client sends every attempt to its node: no redirect followed, no move on timeout', () => {
    const base = toyConfig({ nodes: 3, seed: '2' });
    const pinned = runSimulation({ ...base, faults: [at(500_000, { kind: 'crash', node: 2 })], clients: { ...base.clients, pin: [1, 2] } });
    expect(new Set(clientSends(pinned, 3))).toEqual(new Set([1]));
    expect(new Set(clientSends(pinned, 4))).toEqual(new Set([2]));
    // Client c2's node is down from 500ms until faults stop: it keeps asking n3, and hears nothing.
    const window = (e: TraceEvent) => e.t > 510_000 && e.t < 1_500_000;
    expect(pinned.trace!.filter((e) => e.k === 'send' && e.from === 4 && window(e)).length).toBeGreaterThan(3);
    expect(pinned.trace!.filter((e) => e.k === 'deliver' && e.to === 4 && window(e))).toEqual([]);
    // Unpinned, the same clients follow redirects to n1 and move on after timeouts.
    const free = runSimulation({ ...base, faults: [at(500_000, { kind: 'crash', node: 2 })] });
    expect(new Set([...clientSends(free, 3), ...clientSends(free, 4)]).size).toBeGreaterThan(1);
  });

  it('a pinned client follows no redirect: it backs off and asks the same node again', () => {
    const base = toyConfig({ nodes: 3, seed: '5' });
    const r = runSimulation({ ...base, clients: { ...base.clients, pin: [2, 2] } });
    // The toy's n3 redirects half of its reads to n1: every retry still goes to n3.
    const redirects = r.trace!.filter((e) => e.k === 'deliver' && e.from === 2 && (e.msg as { response?: { type: string } }).response?.type === 'redirect');
    expect(redirects.length).toBeGreaterThan(0);
    expect(new Set([...clientSends(r, 3), ...clientSends(r, 4)])).toEqual(new Set([2]));
    expect(r.history.filter((e) => e.type === 'ok').length).toBeGreaterThan(10);
  });

  it('clients start at clients.start (plus a think time)', () => {
    const base = toyConfig();
    const r = runSimulation({ ...base, clients: { ...base.clients, startUs: 800_000 } });
    const first = invokes(r)[0];
    expect(first.timeUs).toBeGreaterThanOrEqual(800_000);
    expect(first.timeUs).toBeLessThanOrEqual(810_000);
    expect(r.trace!.filter((e) => e.k === 'send' && e.from >= 3 && e.t < 800_000)).toEqual([]);
  });

  it('each built-in client issues exactly clients.ops operations', () => {
    const base = toyConfig();
    const r = runSimulation({ ...base, clients: { ...base.clients, opsPerClient: 7 } });
    expect(invokes(r)).toHaveLength(14);
    const first = runSimulation(base);
    // The same first operations as without the limit: the limit draws nothing.
    expect(r.history.slice(0, 10)).toEqual(first.history.slice(0, 10));
    const none = runSimulation({ ...base, clients: { ...base.clients, opsPerClient: 0 } });
    expect(none.history).toEqual([]);
  });

  it('a client actor\'s nextOp() returns undefined after clients.ops operations, across its restarts', () => {
    // Count what nextOp() hands each client actor (the context's own getters stay live through the prototype).
    const drawn = [0, 0];
    const refused = [0, 0];
    const drawnAt: number[] = [];
    const counting: typeof primaryBackup = {
      ...primaryBackup,
      createClient: (ctx, options) => {
        const wrapped: typeof ctx = Object.create(ctx);
        wrapped.nextOp = () => {
          const op = ctx.nextOp();
          if (op === undefined) refused[ctx.index]++;
          else {
            drawn[ctx.index]++;
            if (ctx.index === 0) drawnAt.push(ctx.now());
          }
          return op;
        };
        return primaryBackup.createClient!(wrapped, options);
      },
    };
    const config: SimConfig = {
      ...toyConfig(),
      protocol: counting,
      nodes: 3,
      roles: [['primary'], ['backup'], ['backup']],
      clients: { clients: 2, generator: registerWorkload, workload: { keyCount: 1, mix: { read: 1, write: 1 } }, thinkUs: [0, 1_000], requestTimeoutUs: 50_000, opTimeoutUs: 200_000, opsPerClient: 5 },
      faults: [at(50_000, { kind: 'crash', node: 3 }), at(80_000, { kind: 'restart', node: 3 })],
    };
    const r = runSimulation(config);
    expect(drawn).toEqual([5, 5]);
    // c1 drew some before its crash and the rest after its restart: the count spans incarnations.
    expect(drawnAt.some((t) => t < 50_000)).toBe(true);
    expect(drawnAt.some((t) => t >= 80_000)).toBe(true);
    expect(refused[0]).toBeGreaterThan(0);
    expect(refused[1]).toBeGreaterThan(0);
    expect(r.trace!.some((e) => e.k === 'restart' && e.node === 3 && e.t === 80_000)).toBe(true);
    expect(r.history.filter((e) => e.type === 'invoke')).toHaveLength(10);
    expect(runSimulation({ ...config, record: 'fuzz' }).hash).toBe(r.hash);
  });

  it('is deterministic', () => {
    const base = toyConfig();
    const clients = { ...base.clients, pin: [0, 2], startUs: 300_000, opsPerClient: 20 };
    const hashes = new Set<string>();
    for (let s = 0; s < 6; s++) {
      const a = runSimulation({ ...base, seed: String(s), clients, nemesis: { weights: { crash: 1, partition: 1 }, intervalUs: [50_000, 200_000], durationUs: [50_000, 200_000], maxCrashed: 1, clockJumpMaxUs: 0, clockDriftMaxPpm: 0 } });
      const b = runSimulation({ ...base, seed: String(s), clients, record: 'fuzz', nemesis: { weights: { crash: 1, partition: 1 }, intervalUs: [50_000, 200_000], durationUs: [50_000, 200_000], maxCrashed: 1, clockJumpMaxUs: 0, clockDriftMaxPpm: 0 } });
      expect(b.hash).toBe(a.hash);
      hashes.add(a.hash);
    }
    expect(hashes.size).toBe(6);
  });
});

describe('nemesis knobs: leader aim and partition shapes', () => {
  const nemesis = (more: Partial<NemesisConfig> = {}): NemesisConfig => ({
    weights: { partition: 2, crash: 2, pause: 1 },
    intervalUs: [20_000, 100_000],
    durationUs: [20_000, 150_000],
    maxCrashed: 2,
    clockJumpMaxUs: 0,
    clockDriftMaxPpm: 0,
    ...more,
  });
  const run = (seed: string, nem: NemesisConfig) => runSimulation(toyConfig({ nodes: 5, seed, record: 'fuzz', nemesis: nem }));

  it('leaderAim 50% and the default mix of shapes, written out, are the very same draws as leaving them out', () => {
    for (let s = 0; s < 10; s++) {
      const plain = run(String(s), nemesis());
      expect(run(String(s), nemesis({ leaderAimPpm: 500_000 })).hash).toBe(plain.hash);
      expect(run(String(s), nemesis({ partitionShapes: { halves: 1, majority: 1, isolate: 1 } })).hash).toBe(plain.hash);
      expect(run(String(s), nemesis({ partitionShapes: { halves: 1, majority: 1, isolate: 1, minority: 0 }, leaderAimPpm: 500_000 })).hash).toBe(plain.hash);
    }
  });

  it('leaderAim 100%: every crash, pause and isolate hits the leader (the toy\'s n1); 0%: far fewer do', () => {
    const leaderHits = (r: RunResult) => r.faultLog.filter((f) => ['crash', 'pause', 'isolate'].includes(f.action.kind) && (f.action as { node: number }).node === 0).length;
    const aimed = (r: RunResult) => r.faultLog.filter((f) => ['crash', 'pause', 'isolate'].includes(f.action.kind)).length;
    let always = 0;
    let never = 0;
    for (let s = 0; s < 6; s++) {
      const a = run(String(s), nemesis({ leaderAimPpm: 1_000_000, partitionShapes: { isolate: 1 } }));
      // A crash of the leader leaves no leader: then it is a seeded draw among the rest.
      const crashes = a.faultLog.filter((f) => f.action.kind === 'crash');
      expect(crashes.length).toBeGreaterThan(0);
      always += leaderHits(a) / aimed(a);
      const b = run(String(s), nemesis({ leaderAimPpm: 0, partitionShapes: { isolate: 1 } }));
      never += leaderHits(b) / aimed(b);
    }
    expect(always / 6).toBeGreaterThan(0.6);
    expect(never / 6).toBeLessThan(0.35);
  });

  it('partition shapes: only the weighted ones; minority isolates the leader\'s minority as one side', () => {
    const r = runSimulation(toyConfig({ nodes: 5, seed: '3', nemesis: nemesis({ weights: { partition: 1 }, leaderAimPpm: 1_000_000, partitionShapes: { minority: 1 } }) }));
    const partitions = r.faultLog.filter((f) => f.action.kind !== 'heal');
    expect(partitions.length).toBeGreaterThan(5);
    for (const f of partitions) {
      expect(f.action.kind).toBe('partition');
      const [side, rest] = (f.action as { groups: number[][] }).groups;
      expect(side).toHaveLength(2);
      expect(side).toContain(0);
      expect(rest).toHaveLength(3);
    }
    const halves = runSimulation(toyConfig({ nodes: 5, seed: '3', record: 'fuzz', nemesis: nemesis({ weights: { partition: 1 }, partitionShapes: { halves: 3, majority: 0 } }) }));
    const kinds = new Set(halves.faultLog.map((f) => f.action.kind));
    expect(kinds).toEqual(new Set(['partition', 'heal']));
    for (const f of halves.faultLog.filter((x) => x.action.kind === 'partition')) expect((f.action as { groups: number[][] }).groups.map((g) => g.length).sort()).toEqual([2, 3]);
  });

  it('a random minority when the aim misses: ⌊(n − 1) / 2⌋ nodes, cut off together', () => {
    const r = runSimulation(toyConfig({ nodes: 7, seed: '1', record: 'fuzz', nemesis: nemesis({ weights: { partition: 1 }, leaderAimPpm: 0, partitionShapes: { minority: 1 } }) }));
    const sides = r.faultLog.filter((f) => f.action.kind === 'partition').map((f) => (f.action as { groups: number[][] }).groups[0]);
    expect(sides.length).toBeGreaterThan(5);
    expect(sides.every((s) => s.length === 3)).toBe(true);
    expect(sides.some((s) => !s.includes(0))).toBe(true);
  });

  it('is deterministic', () => {
    for (let s = 0; s < 5; s++) {
      const nem = nemesis({ leaderAimPpm: 800_000, partitionShapes: { minority: 2, isolate: 1, halves: 1 } });
      const a = runSimulation(toyConfig({ nodes: 5, seed: String(s), nemesis: nem }));
      expect(run(String(s), nem).hash).toBe(a.hash);
      expect(runSimulation(toyConfig({ nodes: 5, seed: String(s), faults: a.faultLog })).history).toEqual(a.history);
    }
  });
});
