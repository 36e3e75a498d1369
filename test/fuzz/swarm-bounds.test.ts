// The scenario's `swarm:` section: per seed, a cluster size and protocol option values drawn
// from lists, after the fault knobs; bad lists are file:line errors; a drawn run replays.
import { describe, expect, it } from 'vitest';
import { replayFailure } from '../../cli/commands/replay.js';
import { runCampaign } from '../../explore/campaign.js';
import { applyKnobs, drawKnobs } from '../../explore/swarm.js';
import { parseScenario } from '../../scenario/load.js';
import { runScenario } from '../../scenario/runner.js';
import { inputError } from '../scenario/input-error.js';
import { captureIo, tempDir } from './helpers.js';

const RAFT = [
  'protocol: raft',
  'nodes: 5',
  'duration: 4s',
  'faultsStop: 2s',
  'options: { electionTimeoutUs: [150ms, 300ms], heartbeatUs: 50ms, livenessBoundUs: 2s }',
  'nemesis: { faults: { crash: 2, partition: 2 }, maxCrashed: 2 }',
];

describe('swarm: nodes and options', () => {
  it('each seed draws a size and option values from the lists; a scenario without them draws as before', async () => {
    const loaded = await parseScenario([...RAFT, 'swarm: { nodes: [3, 5, 7], options: { heartbeatUs: [20ms, 50ms], electionTimeoutUs: [[100ms, 200ms], [300ms, 600ms]] } }'].join('\n'), 's.yaml');
    expect(loaded.swarm).toEqual({ nodes: [3, 5, 7], options: { heartbeatUs: [20_000, 50_000], electionTimeoutUs: [[100_000, 200_000], [300_000, 600_000]] } });
    const sizes = new Set<number>();
    const beats = new Set<unknown>();
    for (let s = 0; s < 60; s++) {
      const k = drawKnobs(String(s), loaded.config, loaded.swarm);
      const plain = drawKnobs(String(s), loaded.config);
      // The fault knobs come first: the lists do not shift them.
      expect({ ...k, nodes: undefined, options: undefined }).toEqual({ ...plain, nodes: undefined, options: undefined });
      sizes.add(k.nodes!);
      beats.add(k.options!.heartbeatUs);
      const config = applyKnobs(loaded.config, k);
      expect(config.nodes).toBe(k.nodes);
      expect(config.protocolOptions.heartbeatUs).toBe(k.options!.heartbeatUs);
      expect(config.protocolOptions.livenessBoundUs).toBe(2_000_000);
      // Below a quorum of the drawn size.
      expect(config.nemesis!.maxCrashed).toBeLessThanOrEqual(Math.floor((k.nodes! - 1) / 2));
    }
    expect(sizes).toEqual(new Set([3, 5, 7]));
    expect(beats).toEqual(new Set([20_000, 50_000]));
  });

  it('a drawn size drops the faults and cut links that name nodes beyond it', async () => {
    const loaded = await parseScenario([...RAFT, 'network: { cut: [[n5, n1]] }', 'faults: [{ at: 1s, kind: crash, node: n5 }, { at: 1s, kind: crash, node: n2 }]'].join('\n'), 's.yaml');
    const config = applyKnobs(loaded.config, { ...drawKnobs('1', loaded.config), nodes: 3 });
    expect(config.faults.map((f) => f.action)).toEqual([{ kind: 'crash', node: 1 }]);
    expect(config.network.cut).toEqual([]);
  });

  it.each([
    { swarm: 'swarm: { nodes: [3, 0] }', field: 'swarm.nodes[1]', expected: /a node count \(an integer from 1 to 1000\)/ },
    { swarm: 'swarm: { options: { heartbeatUs: [] } }', field: 'swarm.options.heartbeatUs', expected: /a non-empty list of values/ },
    { swarm: 'swarm: { options: { heartbeatUs: [20ms, fast] } }', field: 'swarm.options.heartbeatUs', expected: /options that raft accepts/ },
    { swarm: 'swarm: { sizes: [3] }', field: 'swarm.sizes', expected: /unknown key/ },
  ])('$field: $expected', async ({ swarm, field, expected }) => {
    const error = await inputError(parseScenario([...RAFT, swarm].join('\n'), 's.yaml'));
    expect(error.line).toBe(RAFT.length + 1);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
  });

  it('a protocol with several roles takes counts per role, not a drawn size', async () => {
    const error = await inputError(parseScenario(['protocol: ./primary-backup.ts', 'duration: 1s', 'swarm: { nodes: [3, 5] }'].join('\n'), 'test/fixtures/protocols/x.yaml'));
    expect(error.field).toBe('swarm.nodes');
    expect(error.expected).toMatch(/has roles primary, backup/);
  });

  it('the correct Raft passes under drawn sizes and timings, and a drawn failure replays to its hash', async () => {
    const text = [...RAFT, 'swarm: { nodes: [3, 5], options: { heartbeatUs: [20ms, 50ms] } }'].join('\n');
    const loaded = await parseScenario(text, 's.yaml');
    for (let s = 0; s < 30; s++) {
      const k = drawKnobs(String(s), loaded.config, loaded.swarm);
      expect(runScenario({ ...loaded, config: applyKnobs({ ...loaded.config, seed: String(s) }, k) }).verdict).toBe('pass');
    }
    const dir = tempDir('swarm-bounds');
    try {
      const summary = await runCampaign({ scenarioPath: 'test/fuzz/fixtures/ballot-swarm.yaml', bugs: ['volatile-vote'], seeds: 100, fromSeed: 0, workers: 1, outDir: dir.path, swarm: true, checkDeterminism: 'off', maxFailures: 1 });
      expect(summary.failures.length).toBe(1);
      const io = captureIo();
      try {
        expect((await replayFailure(summary.failures[0].file)).hashMatches).toBe(true);
      } finally {
        io.restore();
      }
    } finally {
      dir.remove();
    }
  });
});

describe('swarm: flakyNode', () => {
  const text = ['protocol: raft', 'nodes: 5', 'duration: 6s', 'faultsStop: 2s', 'options: { livenessBoundUs: 3s }', 'network: { cut: [[n1, n2]] }', 'nemesis: { faults: { crash: 1, partition: 1 } }', 'swarm: { flakyNode: 50% }'].join('\n');

  it('about half the seeds get, once faults stop, one node linked to only one other, on top of the scenario\'s cuts', async () => {
    const loaded = await parseScenario(text, 's.yaml');
    expect(loaded.swarm).toEqual({ flakyNodePpm: 500_000 });
    let flaky = 0;
    for (let s = 0; s < 100; s++) {
      const k = drawKnobs(String(s), loaded.config, loaded.swarm);
      const config = applyKnobs(loaded.config, k);
      if (k.flaky === undefined) {
        expect(config.network.afterFaults).toBeUndefined();
        continue;
      }
      flaky++;
      const cut = config.network.afterFaults!.cut!;
      expect(cut).toContainEqual([0, 1]);
      const { node, keeps } = k.flaky;
      expect(keeps).toHaveLength(1);
      for (let other = 0; other < 5; other++) {
        if (other === node) continue;
        const linked = !cut.some(([a, b]) => a === node && b === other);
        expect(linked).toBe(keeps.includes(other) && !(node === 0 && other === 1));
      }
    }
    expect(flaky).toBeGreaterThan(30);
    expect(flaky).toBeLessThan(70);
  });

  it('the correct Raft stays live with a flaky node; no-prevote loses its leader again and again', async () => {
    const loaded = await parseScenario(text, 's.yaml');
    const flakySeeds = Array.from({ length: 60 }, (_, s) => String(s)).filter((s) => drawKnobs(s, loaded.config, loaded.swarm).flaky !== undefined).slice(0, 12);
    const run = (seed: string, bugs: string[]) => {
      const config = applyKnobs({ ...loaded.config, seed, bugs }, drawKnobs(seed, loaded.config, loaded.swarm));
      return runScenario({ ...loaded, config });
    };
    for (const seed of flakySeeds) expect(run(seed, []).verdict).toBe('pass');
    const caught = flakySeeds.filter((seed) => run(seed, ['no-prevote']).violations.some((v) => v.checker === 'liveness'));
    expect(caught.length).toBeGreaterThanOrEqual(3);
  });
});

describe('swarm: latency', () => {
  it('each seed draws one of the listed latency models in place of the network\'s', async () => {
    const loaded = await parseScenario([...RAFT, 'swarm: { latency: [{ uniform: [1ms, 10ms] }, { pareto: { min: 1ms, alpha: 1.5, max: 60ms } }] }'].join('\n'), 's.yaml');
    const kinds = new Set<string>();
    for (let s = 0; s < 40; s++) {
      const k = drawKnobs(String(s), loaded.config, loaded.swarm);
      const config = applyKnobs(loaded.config, k);
      expect(config.network.latency).toEqual(k.latency);
      kinds.add(k.latency!.kind);
    }
    expect(kinds).toEqual(new Set(['uniform', 'pareto']));
  });

  it('a bad model in the list is a file:line error', async () => {
    const error = await inputError(parseScenario([...RAFT, 'swarm: { latency: [{ uniform: [10ms, 1ms] }] }'].join('\n'), 's.yaml'));
    expect(error.line).toBe(RAFT.length + 1);
    expect(error.field).toMatch(/^swarm\.latency\[0\]/);
  });
});

describe('swarm: the nemesis\'s leader aim and partition shapes', () => {
  it('each seed draws an aim from the list and keeps some of the shapes, which the nemesis then runs with', async () => {
    const loaded = await parseScenario(
      [...RAFT.filter((l) => !l.startsWith('nemesis')), 'nemesis: { faults: { crash: 2, partition: 2 }, maxCrashed: 2, partitions: { halves: 1, majority: 2, minority: 1 } }', 'swarm: { leaderAim: [10%, 90%], partitionShapes: true }'].join('\n'),
      's.yaml',
    );
    const aims = new Set<number>();
    const shapes = new Set<string>();
    for (let s = 0; s < 60; s++) {
      const k = drawKnobs(String(s), loaded.config, loaded.swarm);
      aims.add(k.nemesis!.leaderAimPpm!);
      const kept = k.nemesis!.partitionShapes!;
      expect(Object.keys(kept).length).toBeGreaterThan(0);
      for (const [shape, w] of Object.entries(kept)) expect(w).toBe(({ halves: 1, majority: 2, minority: 1 } as Record<string, number>)[shape]);
      shapes.add(Object.keys(kept).sort().join('/'));
      const config = applyKnobs(loaded.config, k);
      expect(config.nemesis!.leaderAimPpm).toBe(k.nemesis!.leaderAimPpm);
      expect(config.nemesis!.partitionShapes).toEqual(kept);
    }
    expect(aims).toEqual(new Set([100_000, 900_000]));
    expect(shapes.size).toBeGreaterThan(3);
  });

  it('needs a nemesis to draw for', async () => {
    const error = await inputError(parseScenario([...RAFT.filter((l) => !l.startsWith('nemesis')), 'swarm: { leaderAim: [10%] }'].join('\n'), 's.yaml'));
    expect(error.field).toBe('swarm.leaderAim');
    expect(error.expected).toMatch(/a scenario with a nemesis/);
  });
});
