// toYaml writes a SimConfig as a scenario file; the loader must read it back to an equal
// SimConfig, for every fault kind, latency model and unit.
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toYaml } from '../../explore/to-yaml.js';
import { durationText, formatPercent } from '../../explore/units-text.js';
import { loadScenario, parseScenario, type LoadedScenario } from '../../scenario/load.js';
import { parseDuration, parseProbability } from '../../scenario/units.js';
import type { BaseLatencyModel, FaultAction, LatencyModel, LinkSet, NemesisConfig, NodeTarget, ScriptedFault, SimConfig } from '../../sim/config.js';
import { faultScheduleArb, networkArb, workloadArb } from '../../testing.js';
import { fcSeed } from '../sim/fc-seed.js';
import { ballotScenario } from './helpers.js';

const roundTrip = async (loaded: LoadedScenario, config: SimConfig) => {
  const text = toYaml(config, { name: loaded.name, protocolRef: loaded.protocolRef, checkers: loaded.checkers, historyChecker: loaded.historyChecker ?? null });
  const back = await parseScenario(text, loaded.file);
  return { text, back };
};

describe('units as text', () => {
  it('durations and probabilities read back to the same integers', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (us) => {
        const parsed = parseDuration(durationText(us), { allowNegative: true });
        expect(parsed).toEqual({ ok: true, value: us });
      }),
      { seed: fcSeed, numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (ppm) => {
        expect(parseProbability(formatPercent(ppm))).toEqual({ ok: true, value: ppm });
      }),
      { seed: fcSeed, numRuns: 500 },
    );
    expect(durationText(1_500_000)).toBe('1500ms');
    expect(durationText(2_000_000)).toBe('2s');
    expect(durationText(1_001)).toBe('1001us');
    expect(formatPercent(5_000)).toBe('0.5%');
    expect(formatPercent(12_345)).toBe('1.2345%');
  });
});

describe('toYaml', () => {
  it('round-trips the fuzz test scenario', async () => {
    const loaded = await loadScenario(ballotScenario, { bugs: ['volatile-vote'] });
    const { text, back } = await roundTrip(loaded, loaded.config);
    expect(back.config).toEqual(loaded.config);
    expect(text).toContain('options: { electionUs: 50ms, heartbeatUs: 15ms }');
    expect(text).toContain('bugs: [volatile-vote]');
  });

  it('round-trips every shipped scenario', async () => {
    const files = readdirSync('scenarios', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).map((f) => join('scenarios', f));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const loaded = await loadScenario(file);
      const { back } = await roundTrip(loaded, loaded.config);
      expect(back.config, file).toEqual(loaded.config);
      expect(back.checkers, file).toEqual(loaded.checkers);
    }
  });

  it('round-trips any fault schedule, network, workload and nemesis', async () => {
    const loaded = await loadScenario(ballotScenario);
    const nodes = 4;
    const clients = 2;
    const durationUs = 5_000_000;
    const group: fc.Arbitrary<NodeTarget> = fc.oneof(
      fc.integer({ min: 1, max: nodes - 1 }).map((k): NodeTarget => ({ group: 'leader-plus', k })),
      fc.constant<NodeTarget>({ group: 'leader-minority' }),
      fc.integer({ min: 1, max: nodes }).map((k): NodeTarget => ({ group: 'random', k })),
    );
    const target: fc.Arbitrary<NodeTarget> = fc.oneof(fc.integer({ min: 0, max: nodes - 1 }), fc.constantFrom<NodeTarget>('leader', 'random'), group);
    const endpoint = fc.integer({ min: 0, max: nodes + clients - 1 });
    // Links with at least one pair of different endpoints (the loader refuses none).
    const links: fc.Arbitrary<LinkSet> = fc
      .tuple(fc.uniqueArray(endpoint, { minLength: 1, maxLength: 3 }), fc.uniqueArray(endpoint, { minLength: 1, maxLength: 3 }), fc.boolean())
      .filter(([from, to]) => from.some((f) => to.some((t) => t !== f)))
      .map(([from, to, both]) => ({ from, to, ...(both ? { both: true } : {}) }));
    const extra: fc.Arbitrary<FaultAction> = fc.oneof(
      fc.constantFrom<FaultAction>({ kind: 'partition-halves' }, { kind: 'partition-majority' }, { kind: 'bridge' }, { kind: 'heal' }, { kind: 'restart', node: 'all' }),
      target.map((node): FaultAction => ({ kind: 'crash', node })),
      target.map((node): FaultAction => ({ kind: 'isolate', node })),
      fc.tuple(target, fc.integer({ min: -2_000_000, max: 2_000_000 })).map(([node, offsetUs]): FaultAction => ({ kind: 'clock-offset', node, offsetUs })),
      fc.tuple(fc.uniqueArray(endpoint, { minLength: 1, maxLength: 3 }), fc.uniqueArray(endpoint, { minLength: 1, maxLength: 3 })).map(([from, to]): FaultAction => ({ kind: 'one-way', from, to })),
      target.map((node): FaultAction => ({ kind: 'heal', node })),
      links.map((l): FaultAction => ({ kind: 'heal', links: l })),
      fc.tuple(fc.option(links, { nil: undefined }), fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 1, max: 3_000_000 })).map(([l, delayUs, durationUs]): FaultAction => ({ kind: 'delay-burst', ...(l ? { links: l } : {}), delayUs, durationUs })),
      fc.tuple(fc.option(links, { nil: undefined }), fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 1, max: 3_000_000 })).map(([l, jitterUs, durationUs]): FaultAction => ({ kind: 'reorder-burst', ...(l ? { links: l } : {}), jitterUs, durationUs })),
    );
    const extraFaults = fc.array(fc.tuple(fc.integer({ min: 0, max: durationUs }), extra).map(([atUs, action]): ScriptedFault => ({ atUs, action })), { maxLength: 5 });
    // A fault that names what it picked, and a later one aimed at the name.
    const named = fc
      .tuple(fc.integer({ min: 0, max: durationUs - 1 }), fc.integer({ min: 1, max: 1_000_000 }), target, fc.constantFrom('a', 'b', 'x_1', 'Leader-2', 'no', 'on', 'null'), fc.nat(2), fc.nat(2))
      .map(([t, w, node, as, first, then]): ScriptedFault[] => {
        const binders: FaultAction[] = [{ kind: 'crash', node, as }, { kind: 'pause', node, durationUs: w, as }, { kind: 'isolate', node, as }];
        const users: FaultAction[] = [{ kind: 'restart', node: { ref: as } }, { kind: 'clock-jump', node: { ref: as }, byUs: -w }, { kind: 'heal', node: { ref: as } }];
        return [{ atUs: t, action: binders[first] }, { atUs: Math.min(durationUs, t + w), action: users[then] }];
      });
    const namedFaults = fc.array(named, { maxLength: 3 }).map((xs) => xs.flat());
    const nemesis: fc.Arbitrary<NemesisConfig | undefined> = fc.option(
      fc.record({
        weights: fc.record({ partition: fc.integer({ min: 1, max: 5 }), crash: fc.integer({ min: 0, max: 5 }), 'one-way': fc.integer({ min: 0, max: 5 }), delay: fc.integer({ min: 0, max: 5 }), reorder: fc.integer({ min: 0, max: 5 }) }),
        intervalUs: fc.tuple(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1_000, max: 2_000_000 })),
        durationUs: fc.tuple(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1_000, max: 2_000_000 })),
        maxCrashed: fc.integer({ min: 0, max: nodes }),
        clockJumpMaxUs: fc.integer({ min: 0, max: 1_000_000 }),
        clockDriftMaxPpm: fc.integer({ min: 0, max: 500 }),
        delayMaxUs: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
        jitterMaxUs: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
        leaderAimPpm: fc.integer({ min: 0, max: 1_000_000 }),
        partitionShapes: fc
          .record({ halves: fc.nat(5), majority: fc.nat(5), isolate: fc.nat(5), minority: fc.nat(5) }, { requiredKeys: [] })
          .map((shapes) => (Object.values(shapes).some((w) => w > 0) ? shapes : { ...shapes, minority: 1 })),
      }, { requiredKeys: ['weights', 'intervalUs', 'durationUs', 'maxCrashed', 'clockJumpMaxUs', 'clockDriftMaxPpm'] }),
      { nil: undefined },
    );
    const baseLatency = fc.oneof(
      fc.integer({ min: 0, max: 100_000 }).map((us): BaseLatencyModel => ({ kind: 'fixed', us })),
      fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 5_000, max: 50_000 }), fc.integer({ min: 50_000, max: 900_000 })).map(([minUs, meanUs, maxUs]): BaseLatencyModel => ({ kind: 'exponential', minUs, meanUs, maxUs })),
      fc.tuple(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 5_000, max: 5_000_000 })).map(([minUs, alphaMilli, maxUs]): BaseLatencyModel => ({ kind: 'pareto', minUs, alphaMilli, maxUs })),
    );
    const latency: fc.Arbitrary<LatencyModel> = fc.oneof(
      baseLatency,
      fc
        .array(fc.record({ weight: fc.integer({ min: 0, max: 1_000 }), model: baseLatency }), { minLength: 1, maxLength: 4 })
        .map((components): LatencyModel => ({ kind: 'mixture', components: components.some((c) => c.weight > 0) ? components : [...components, { weight: 1, model: { kind: 'fixed', us: 1_000 } }] })),
    );
    await fc.assert(
      fc.asyncProperty(
        faultScheduleArb(nodes, durationUs),
        extraFaults,
        networkArb(),
        fc.option(latency, { nil: undefined }),
        fc.array(fc.tuple(endpoint, endpoint).filter(([a, b]) => a !== b), { maxLength: 3 }),
        workloadArb(loaded.protocol, { maxClients: clients }).map((w) => ({ ...w, clients })),
        fc.option(fc.integer({ min: 0, max: durationUs }), { nil: undefined }),
        nemesis,
        fc.oneof(fc.integer({ min: 0, max: 1e9 }).map(String), fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s.trim() !== '')),
        fc.option(
          fc.record(
            {
              latency,
              lossPpm: fc.integer({ min: 0, max: 1_000_000 }),
              duplicatePpm: fc.integer({ min: 0, max: 1_000_000 }),
              cut: fc.array(fc.tuple(endpoint, endpoint).filter(([a, b]) => a !== b), { maxLength: 3 }),
            },
            { requiredKeys: [] },
          ),
          { nil: undefined },
        ),
        namedFaults,
        fc.record(
          { startPct: fc.integer({ min: 0, max: 100 }), opsPerClient: fc.integer({ min: 0, max: 1_000 }), pin: fc.array(fc.integer({ min: 0, max: nodes - 1 }), { minLength: clients, maxLength: clients }) },
          { requiredKeys: [] },
        ),
        async (faults, more, network, lat, cut, workload, stopUs, nem, seed, afterFaults, names, extraClients) => {
          const config: SimConfig = {
            ...loaded.config,
            nodes,
            seed,
            durationUs,
            faultsStopUs: Math.floor(durationUs / 2),
            network: { ...network, ...(lat ? { latency: lat } : {}), cut, ...(afterFaults ? { afterFaults } : {}) },
            clients: {
              ...workload,
              ...(stopUs !== undefined ? { stopUs } : {}),
              ...(extraClients.startPct !== undefined ? { startUs: Math.floor(((stopUs ?? durationUs) * extraClients.startPct) / 100) } : {}),
              ...(extraClients.opsPerClient !== undefined ? { opsPerClient: extraClients.opsPerClient } : {}),
              ...(extraClients.pin !== undefined ? { pin: extraClients.pin } : {}),
            },
            faults: [...faults, ...more, ...names].sort((a, b) => a.atUs - b.atUs),
            bugs: ['volatile-vote'],
            storage: { loseUnsyncedOnCrash: true },
          };
          if (nem) config.nemesis = nem;
          const { back } = await roundTrip(loaded, config);
          expect(back.config).toEqual(config);
        },
      ),
      { seed: fcSeed, numRuns: 150 },
    );
  });
});
