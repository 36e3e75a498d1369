// Property tests with faultline/testing: fast-check draws fault schedules and seeds,
// faultline runs them deterministically, and a failure shrinks to a small schedule.
// A bounded budget per built-in protocol, with a pinned fast-check seed (CI sets
// FAULTLINE_FC_SEED; locally 20261123).
import fc from 'fast-check';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, loadScenario, type LoadedScenario } from '../../scenario/load.js';
import { builtinProtocols } from '../../scenario/registry.js';
import type { ScriptedFault, SimConfig } from '../../sim/config.js';
import { faultScheduleArb, seedArb, simulate, toYaml } from '../../testing.js';
import { fcSeed } from '../sim/fc-seed.js';
import { ballotScenario } from './helpers.js';

/** The scenario without its random nemesis: fast-check supplies the faults instead. */
function scripted(loaded: LoadedScenario, faults: ScriptedFault[]): LoadedScenario {
  const config = { ...loaded.config, faults };
  delete config.nemesis;
  return { ...loaded, config };
}

describe('faultline/testing with the fuzz test double', () => {
  it('the correct protocol holds under any schedule of crashes, partitions and pauses', async () => {
    const loaded = await loadScenario(ballotScenario);
    fc.assert(
      fc.property(faultScheduleArb(loaded.config.nodes, loaded.config.faultsStopUs), seedArb, (faults, seed) => {
        const r = simulate(scripted(loaded, faults), seed);
        return r.verdict === 'pass';
      }),
      { seed: fcSeed, numRuns: 150 },
    );
  });

  it('finds volatile-vote and shrinks the schedule to a few faults that still fail, as a scenario file too', async () => {
    const loaded = await loadScenario(ballotScenario, { bugs: ['volatile-vote'] });
    const property = fc.property(faultScheduleArb(loaded.config.nodes, loaded.config.faultsStopUs, { kinds: ['crash', 'partition', 'pause'] }), seedArb, (faults, seed) => {
      return simulate(scripted(loaded, faults), seed).verdict === 'pass';
    });
    const details = fc.check(property, { seed: fcSeed, numRuns: 400 });
    expect(details.failed).toBe(true);
    const [faults, seed] = details.counterexample!;
    expect(faults.length).toBeLessThanOrEqual(4);
    // Deterministic: the counterexample fails every time, with the same hash.
    const a = simulate(scripted(loaded, faults), seed);
    const b = simulate(scripted(loaded, faults), seed);
    expect(a.verdict).toBe('fail');
    expect(a.violations[0].checker).toBe('election-safety');
    expect(b.hash).toBe(a.hash);
    // Saved as a scenario, it fails the same way under the loader.
    const minimal = scripted(loaded, faults);
    const yaml = toYaml({ ...minimal.config, seed }, { name: 'counterexample', protocolRef: loaded.protocolRef, checkers: loaded.checkers, historyChecker: loaded.historyChecker ?? null });
    const back = await parseScenario(yaml, ballotScenario);
    expect(simulate(back).violations[0]?.checker).toBe('election-safety');
  });
});

describe('simulate', () => {
  it('takes a bare SimConfig and a seed (linearizability checked), the same run as the loaded scenario', async () => {
    const loaded = await loadScenario('scenarios/raft/happy.yaml');
    const base: SimConfig = loaded.config;
    const bare = simulate({ ...base, faults: [] }, 7);
    expect(bare.verdict).toBe('pass');
    expect(bare.linearizability).toBe('linearizable');
    expect(bare.seed).toBe('7');
    expect(simulate(loaded, '7').hash).toBe(bare.hash);
    expect(simulate({ ...base, faults: [] }, 8).hash).not.toBe(bare.hash);
    // Every node down until the very end: no leader when the run ends, and the liveness check says so.
    const down = simulate({ ...base, faults: [0, 1, 2, 3, 4].map((node) => ({ atUs: 1_000, action: { kind: 'crash' as const, node } })), faultsStopUs: base.durationUs }, 7);
    expect(down.verdict).toBe('fail');
    expect(down.violations[0].kind).toBe('liveness');
  });

  it('builds fault schedules within the bounds it is given', () => {
    fc.assert(
      fc.property(faultScheduleArb(3, 1_000_000, { maxFaults: 4, maxWindowUs: 100_000 }), (faults) => {
        expect(faults.length).toBeLessThanOrEqual(8);
        for (let i = 1; i < faults.length; i++) expect(faults[i].atUs).toBeGreaterThanOrEqual(faults[i - 1].atUs);
        for (const f of faults) {
          expect(f.atUs).toBeLessThan(1_000_000);
          const a = f.action as { node?: unknown; groups?: number[][] };
          if (typeof a.node === 'number') expect(a.node).toBeLessThan(3);
          if (a.groups) expect(a.groups.flat().sort()).toEqual([0, 1, 2]);
        }
      }),
      { seed: fcSeed, numRuns: 200 },
    );
  });

  it('draws delay and reorder bursts within their bounds, on every link or between a subset and the rest', () => {
    const kinds = new Set<string>();
    const shapes = new Set<string>();
    fc.assert(
      fc.property(faultScheduleArb(3, 1_000_000, { kinds: ['delay-burst', 'reorder-burst'], maxWindowUs: 50_000, delayMaxUs: 9_000, jitterMaxUs: 4_000 }), (faults) => {
        for (const { action: a } of faults) {
          if (a.kind !== 'delay-burst' && a.kind !== 'reorder-burst') throw new Error(`unexpected ${a.kind}`);
          kinds.add(a.kind);
          expect(a.durationUs).toBeGreaterThanOrEqual(1);
          expect(a.durationUs).toBeLessThanOrEqual(50_000);
          if (a.kind === 'delay-burst') expect(a.delayUs).toBeLessThanOrEqual(9_000);
          else expect(a.jitterUs).toBeLessThanOrEqual(4_000);
          shapes.add(a.links === undefined ? 'all' : 'split');
          if (a.links) expect([...a.links.from, ...a.links.to].sort()).toEqual([0, 1, 2]);
        }
      }),
      { seed: fcSeed, numRuns: 100 },
    );
    expect(kinds).toEqual(new Set(['delay-burst', 'reorder-burst']));
    expect(shapes).toEqual(new Set(['all', 'split']));
  });
});

/**
 * A protocol's generic nemesis: `scenarios/<name>/nemesis.yaml`, or, when protocols share a
 * folder (multipaxos and paxos in scenarios/paxos/), the shipped `nemesis.yaml` or
 * `*-nemesis.yaml` whose `protocol:` names it and that enables no bug.
 */
function nemesisOf(name: string): string {
  const says = (file: string): boolean => {
    const text = readFileSync(file, 'utf8');
    return new RegExp(`^protocol: ${name}\\s*$`, 'm').test(text) && !/^bugs:/m.test(text);
  };
  const own = `scenarios/${name}/nemesis.yaml`;
  if (existsSync(own) && says(own)) return own;
  for (const dir of readdirSync('scenarios').sort()) {
    for (const f of readdirSync(`scenarios/${dir}`).sort()) {
      const file = `scenarios/${dir}/${f}`;
      if ((f === 'nemesis.yaml' || f.endsWith('-nemesis.yaml')) && says(file)) return file;
    }
  }
  // None: a path that does not exist, so the test below fails naming what is missing.
  return `scenarios/*/nemesis.yaml with protocol: ${name}`;
}

describe('faultline/testing over the built-in protocols (bounded fuzz budget)', async () => {
  const protocols = await builtinProtocols();
  it('has built-in protocols to test', () => expect(protocols.length).toBeGreaterThan(0));
  for (const protocol of protocols) {
    const file = nemesisOf(protocol.name);
    it(`${protocol.name}: correct under fast-check fault schedules (${file})`, async () => {
      expect(existsSync(file)).toBe(true);
      const loaded = await loadScenario(file);
      expect(loaded.config.bugs).toEqual([]);
      fc.assert(
        fc.property(faultScheduleArb(loaded.config.nodes, loaded.config.faultsStopUs, { maxFaults: 6 }), seedArb, (faults, seed) => {
          const r = simulate(scripted(loaded, faults), seed);
          if (r.verdict === 'fail') throw new Error(`seed ${seed}: ${r.violations.map((v) => `${v.checker}: ${v.message}`).join('; ')}`);
          return true;
        }),
        { seed: fcSeed, numRuns: Number(process.env.FAULTLINE_FC_RUNS ?? 25) },
      );
    });
  }
});
