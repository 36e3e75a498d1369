import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultAction, NemesisConfig, ScriptedFault } from '../../sim/config.js';
import { canonicalJson } from '../../sim/hash.js';
import type { TraceEvent } from '../../sim/result.js';
import { runSimulation } from '../../sim/world.js';
import { toyConfig } from './config-helpers.js';
import { fcSeed } from './fc-seed.js';

const nemesis: NemesisConfig = {
  weights: { partition: 3, crash: 2, pause: 1, clock: 1, loss: 1, 'one-way': 1, bridge: 1 },
  intervalUs: [20_000, 200_000],
  durationUs: [20_000, 300_000],
  maxCrashed: 1,
  clockJumpMaxUs: 100_000,
  clockDriftMaxPpm: 200,
};

const seedArb = fc.integer({ min: 0, max: 1_000_000 }).map(String);

describe('determinism', () => {
  it('same seed gives the same hash and the same trace; different seeds differ', () => {
    const hashes = new Set<string>();
    for (let s = 0; s < 30; s++) {
      const a = runSimulation(toyConfig({ seed: String(s), nemesis }));
      const b = runSimulation(toyConfig({ seed: String(s), nemesis }));
      expect(a.hash).toBe(b.hash);
      expect(canonicalJson(a.trace)).toBe(canonicalJson(b.trace));
      hashes.add(a.hash);
    }
    expect(hashes.size).toBe(30);
  });

  it('the fuzz level gives the same hash as the full level', () => {
    for (let s = 0; s < 10; s++) {
      const full = runSimulation(toyConfig({ seed: String(s), nemesis }));
      const fuzz = runSimulation(toyConfig({ seed: String(s), nemesis, record: 'fuzz' }));
      expect(fuzz.hash).toBe(full.hash);
      expect(fuzz.trace).toBeUndefined();
      expect(fuzz.history).toEqual(full.history);
    }
  });

  it('a draw added in one concern does not shift another (clients change, network draws for node traffic keep their seeds)', () => {
    const a = runSimulation(toyConfig({ seed: '5', clients: { ...toyConfig().clients, thinkUs: [0, 10_000] } }));
    const b = runSimulation(toyConfig({ seed: '5', clients: { ...toyConfig().clients, thinkUs: [5_000, 20_000] } }));
    // Timer starts come from the node streams, so the first tick of every node is the same.
    const firstTicks = (t: TraceEvent[]) => t.filter((e) => e.k === 'timer').slice(0, 3).map((e) => [e.t, (e as { node: number }).node]);
    expect(firstTicks(a.trace!)).toEqual(firstTicks(b.trace!));
  });
});

describe('kernel properties (fast-check)', () => {
  const nemesisArb = fc.record({
    weights: fc.record({ partition: fc.nat(3), crash: fc.nat(3), pause: fc.nat(3), clock: fc.nat(3), loss: fc.nat(3), 'one-way': fc.nat(3), bridge: fc.nat(3) }),
    intervalUs: fc.tuple(fc.integer({ min: 1_000, max: 100_000 }), fc.integer({ min: 0, max: 300_000 })).map(([a, b]) => [a, a + b] as const),
    durationUs: fc.tuple(fc.integer({ min: 1_000, max: 100_000 }), fc.integer({ min: 0, max: 300_000 })).map(([a, b]) => [a, a + b] as const),
    maxCrashed: fc.integer({ min: 0, max: 2 }),
    clockJumpMaxUs: fc.integer({ min: 0, max: 1_000_000 }),
    clockDriftMaxPpm: fc.integer({ min: 0, max: 1_000 }),
  });

  it('same seed, same faults: the same trace and hash; and the fuzz level hashes alike', () => {
    fc.assert(
      fc.property(seedArb, nemesisArb, fc.boolean(), (seed, nem, exploreTies) => {
        const a = runSimulation(toyConfig({ seed, nemesis: nem, exploreTies }));
        const b = runSimulation(toyConfig({ seed, nemesis: nem, exploreTies }));
        const c = runSimulation(toyConfig({ seed, nemesis: nem, exploreTies, record: 'fuzz' }));
        expect(canonicalJson(b.trace)).toBe(canonicalJson(a.trace));
        expect(b.hash).toBe(a.hash);
        expect(c.hash).toBe(a.hash);
      }),
      { seed: fcSeed, numRuns: 30 },
    );
  });

  it('time never goes backwards, under any nemesis seed', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const r = runSimulation(toyConfig({ seed, nemesis }));
        for (let i = 1; i < r.trace!.length; i++) expect(r.trace![i].t).toBeGreaterThanOrEqual(r.trace![i - 1].t);
        for (let i = 1; i < r.history.length; i++) expect(r.history[i].timeUs).toBeGreaterThanOrEqual(r.history[i - 1].timeUs);
        expect(r.events).toBeGreaterThan(100);
      }),
      { seed: fcSeed, numRuns: 40 },
    );
  });

  const groupsArb = fc
    .tuple(fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 1_000_000 }))
    .map(([side, at]) => ({ side, rest: [0, 1, 2, 3, 4].filter((n) => !side.includes(n)), at }));

  it('no message crosses a blocked link while the partition holds', () => {
    fc.assert(
      fc.property(seedArb, groupsArb, fc.integer({ min: 10_000, max: 500_000 }), (seed, g, lengthUs) => {
        const faults: ScriptedFault[] = [
          { atUs: g.at, action: { kind: 'partition', groups: [g.side, g.rest] } },
          { atUs: g.at + lengthUs, action: { kind: 'heal' } },
        ];
        const r = runSimulation(toyConfig({ seed, nodes: 5, faults, network: { ...toyConfig().network, lossPpm: 0 } }));
        const cut = (a: number, b: number) => g.side.includes(a) !== g.side.includes(b);
        let crossed = 0;
        let delivered = 0;
        for (const e of r.trace!) {
          if (e.k !== 'deliver' || e.from >= 5 || e.to >= 5) continue;
          delivered++;
          if (e.t >= g.at && e.t < g.at + lengthUs && cut(e.from, e.to)) crossed++;
        }
        expect(crossed).toBe(0);
        expect(delivered).toBeGreaterThan(0);
      }),
      { seed: fcSeed, numRuns: 40 },
    );
  });

  it('one-way faults block only the named direction', () => {
    const r = runSimulation(toyConfig({ seed: '3', faults: [{ atUs: 0, action: { kind: 'one-way', from: [0], to: [1] } }], faultsStopUs: 2_000_000 }));
    const deliveries = r.trace!.filter((e): e is Extract<TraceEvent, { k: 'deliver' }> => e.k === 'deliver');
    expect(deliveries.some((e) => e.from === 0 && e.to === 1)).toBe(false);
    expect(deliveries.some((e) => e.from === 1 && e.to === 0)).toBe(true);
  });

  it('a crash loses volatile state and keeps synced durable state; unsynced writes may be lost when the scenario says so', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 100_000, max: 1_000_000 }), fc.boolean(), (seed, crashAt, lose) => {
        const faults: ScriptedFault[] = [
          { atUs: crashAt, action: { kind: 'crash', node: 1 } },
          { atUs: crashAt + 50_000, action: { kind: 'restart', node: 1 } },
        ];
        const r = runSimulation(
          toyConfig({ seed, faults, protocolOptions: { syncEvery: 3 }, storage: { loseUnsyncedOnCrash: lose } }),
        );
        const trace = r.trace!;
        const states = trace.filter((e): e is Extract<TraceEvent, { k: 'state' }> => e.k === 'state' && e.node === 1);
        const before = states.filter((e) => e.t < crashAt).at(-1)!;
        const after = states.find((e) => e.t >= crashAt + 50_000)!;
        expect(before.summary.counter as number).toBeGreaterThan(0);
        expect(after.summary.counter).toBe(0); // volatile state is gone
        // The durable counter noted at restart: every synced write survived; unsynced ones only without loss.
        const restart = trace.find((e) => e.k === 'note' && e.node === 1 && e.kind === 'start' && e.t >= crashAt)! as Extract<TraceEvent, { k: 'note' }>;
        const written = trace.filter((e) => e.k === 'send' && e.from === 1 && (e.msg as { type?: string }).type === 'ping' && e.t < crashAt).length; // one write per tick
        const synced = Math.floor(written / 3) * 3;
        const durable = restart.data.durable as number;
        if (lose) {
          expect(durable).toBeGreaterThanOrEqual(synced);
          expect(durable).toBeLessThanOrEqual(written);
        } else {
          expect(durable).toBe(written);
        }
      }),
      { seed: fcSeed, numRuns: 40 },
    );
  });

  it('lost unsynced writes happen: some seed loses some', () => {
    let lostSome = false;
    for (let s = 0; s < 30 && !lostSome; s++) {
      const faults: ScriptedFault[] = [
        { atUs: 500_000, action: { kind: 'crash', node: 1 } },
        { atUs: 550_000, action: { kind: 'restart', node: 1 } },
      ];
      const r = runSimulation(toyConfig({ seed: String(s), faults, protocolOptions: { syncEvery: 7 }, storage: { loseUnsyncedOnCrash: true } }));
      const written = r.trace!.filter((e) => e.k === 'send' && e.from === 1 && (e.msg as { type?: string }).type === 'ping' && e.t < 500_000).length;
      const restart = r.trace!.find((e) => e.k === 'note' && e.node === 1 && e.kind === 'start' && e.t >= 500_000) as Extract<TraceEvent, { k: 'note' }>;
      if ((restart.data.durable as number) < written) lostSome = true;
    }
    expect(lostSome).toBe(true);
  });
});

describe('pauses and clocks', () => {
  it('a paused node handles nothing during the pause, then everything late, in order', () => {
    const faults: ScriptedFault[] = [{ atUs: 300_000, action: { kind: 'pause', node: 2, durationUs: 400_000 } }];
    const r = runSimulation(toyConfig({ seed: '9', faults }));
    const handled = r.trace!.filter((e) => (e.k === 'deliver' && e.to === 2) || (e.k === 'timer' && e.node === 2));
    expect(handled.some((e) => e.t > 300_000 && e.t < 700_000)).toBe(false);
    const atResume = handled.filter((e) => e.t === 700_000);
    expect(atResume.length).toBeGreaterThan(1); // messages buffered during the pause, and the late timer
    expect(atResume.some((e) => e.k === 'timer')).toBe(true);
  });

  it('clock jumps move the local clock but not timers; drift stretches timers', () => {
    const faults: ScriptedFault[] = [
      { atUs: 100_000, action: { kind: 'clock-jump', node: 0, byUs: 5_000_000 } },
      { atUs: 100_000, action: { kind: 'clock-drift', node: 1, driftPpm: 100_000 } },
    ];
    const r = runSimulation(toyConfig({ seed: '2', faults, protocolOptions: { periodUs: 10_000 } }));
    const recvAt = (node: number) =>
      r.trace!.filter((e): e is Extract<TraceEvent, { k: 'note' }> => e.k === 'note' && e.node === node && e.kind === 'recv' && e.t > 200_000);
    const n0 = recvAt(0)[0];
    expect((n0.data.local as number) - n0.t).toBeGreaterThanOrEqual(5_000_000);
    const ticks = (node: number) => r.trace!.filter((e) => e.k === 'timer' && (e as { node: number }).node === node && e.t > 200_000).map((e) => e.t);
    const t0 = ticks(0);
    const t1 = ticks(1);
    expect(t0[1] - t0[0]).toBe(10_000); // the jump does not touch timers
    expect(t1[1] - t1[0]).toBe(Math.ceil(10_000 / 1.1)); // a fast clock fires its timers early in true time
  });
});

describe('faults', () => {
  const kinds: FaultAction[] = [
    { kind: 'partition-halves' },
    { kind: 'partition-majority' },
    { kind: 'isolate', node: 'leader' },
    { kind: 'bridge' },
    { kind: 'crash-restart', node: 'random', downUs: 100_000 },
    { kind: 'clock-offset', node: 'random', offsetUs: -1_000_000 },
    { kind: 'loss-burst', lossPpm: 1_000_000, durationUs: 100_000 },
  ];
  it.each(kinds.map((a) => ({ name: a.kind, a })))('$name applies and the run continues', ({ a }) => {
    const r = runSimulation(toyConfig({ seed: '4', nodes: 5, faults: [{ atUs: 500_000, action: a }] }));
    expect(r.trace!.some((e) => e.k === 'fault' && e.what === a.kind)).toBe(true);
    expect(r.trace!.some((e) => e.t > 1_000_000)).toBe(true);
  });

  it('a total loss burst drops every message while it lasts', () => {
    const r = runSimulation(
      toyConfig({ seed: '4', faults: [{ atUs: 500_000, action: { kind: 'loss-burst', lossPpm: 1_000_000, durationUs: 200_000 } }] }),
    );
    const sends = r.trace!.filter((e) => e.k === 'send' && e.t >= 500_000 && e.t < 700_000);
    const drops = r.trace!.filter((e) => e.k === 'drop' && e.why === 'loss' && e.t >= 500_000 && e.t < 700_000);
    expect(sends.length).toBeGreaterThan(10);
    expect(drops.length).toBe(sends.length);
  });

  it('faults stop: the network heals and crashed nodes restart', () => {
    const r = runSimulation(
      toyConfig({ seed: '4', faults: [{ atUs: 100_000, action: { kind: 'crash', node: 2 } }, { atUs: 100_000, action: { kind: 'isolate', node: 1 } }] }),
    );
    expect(r.trace!.some((e) => e.k === 'restart' && e.node === 2 && e.t === 1_500_000)).toBe(true);
    expect(r.trace!.some((e) => e.k === 'deliver' && e.to === 1 && e.from < 3 && e.t > 1_500_000)).toBe(true);
  });
});

describe('clients and the history', () => {
  it('every operation is invoked, then completed once by the same process; info retires the process', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const r = runSimulation(toyConfig({ seed, nemesis, record: 'fuzz' }));
        const open = new Map<number, string>();
        const retired = new Set<number>();
        for (const e of r.history) {
          expect(retired.has(e.process)).toBe(false);
          if (e.type === 'invoke') {
            expect(open.has(e.process)).toBe(false);
            open.set(e.process, e.f);
          } else {
            expect(open.get(e.process)).toBe(e.f);
            open.delete(e.process);
            if (e.type === 'info') retired.add(e.process);
          }
        }
        expect(r.history.filter((e) => e.type === 'ok').length).toBeGreaterThan(0);
      }),
      { seed: fcSeed, numRuns: 30 },
    );
  });
});

describe('fault log', () => {
  it('a nemesis run replayed from its concrete fault log applies the same faults and sees the same network', () => {
    for (let s = 0; s < 10; s++) {
      const a = runSimulation(toyConfig({ seed: String(s), nemesis }));
      const b = runSimulation(toyConfig({ seed: String(s), faults: a.faultLog }));
      expect(b.faultLog).toEqual(a.faultLog);
      // The faults stream is the only one the nemesis draws from: the history is identical.
      expect(b.history).toEqual(a.history);
    }
  });
});
