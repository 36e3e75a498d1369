// shrink: the nemesis becomes a script, ddmin and friends cut it down, and the scenario
// written at the end still fails the same way when read back by the loader.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { shrinkHandler } from '../../cli/commands/shrink.js';
import { shrinkFailure } from '../../explore/shrink-failure.js';
import { runCampaign } from '../../explore/campaign.js';
import { failureScenario, readFailureFile } from '../../explore/failure-file.js';
import { remap, remapKeeping, withoutDanglingNames } from '../../explore/remap.js';
import { shrink, windowOpenerIndex } from '../../explore/shrink.js';
import { toYaml } from '../../explore/to-yaml.js';
import { parseScenario } from '../../scenario/load.js';
import { runScenario } from '../../scenario/runner.js';
import { loadScenario } from '../../scenario/load.js';
import type { ScriptedFault, SimConfig } from '../../sim/config.js';
import { ballotScenario, captureIo, tempDir } from './helpers.js';

const dir = tempDir('shrink');
afterAll(() => dir.remove());

async function someFailures(count: number): Promise<string[]> {
  const summary = await runCampaign({
    scenarioPath: ballotScenario,
    bugs: ['volatile-vote'],
    seeds: 200,
    fromSeed: 0,
    workers: 1,
    outDir: dir.path,
    swarm: true,
    checkDeterminism: 'off',
  });
  expect(summary.failures.length).toBeGreaterThanOrEqual(count);
  return summary.failures.slice(0, count).map((f) => f.file);
}

describe('shrink', () => {
  it('writes a smaller scenario that still fails the same checker, read back by the loader', async () => {
    const files = await someFailures(3);
    for (const file of files) {
      const failure = readFailureFile(file);
      const { result, path, yaml } = await shrinkFailure(file, { maxRuns: 400 });
      expect(result.checker).toBe(failure.violations[0].checker);
      expect(result.before.nemesis).toBe(true);
      expect(result.after.nemesis).toBe(false);
      expect(result.after.faults).toBeLessThan(result.before.faults);
      expect(result.after.durationUs).toBeLessThanOrEqual(result.before.durationUs);
      expect(result.after.ops).toBeLessThanOrEqual(result.before.ops);
      expect(result.runs).toBeLessThanOrEqual(400);
      expect(existsSync(path)).toBe(true);
      expect(readFileSync(path, 'utf8')).toBe(yaml);
      // What a user does next: run the file as a scenario.
      const loaded = await loadScenario(path);
      expect(loaded.config.nemesis).toBeUndefined();
      expect(loaded.config.faults.length).toBe(result.after.faults);
      const run = runScenario(loaded);
      expect(run.verdict).toBe('fail');
      expect(run.violations.map((v) => v.checker)).toContain(failure.violations[0].checker);
    }
  });

  it('the fix makes the shrunk scenario pass: the bug, not the schedule, is what fails', async () => {
    const [file] = await someFailures(1);
    const { path } = await shrinkFailure(file, { maxRuns: 300, out: `${dir.path}/fixed-check.yaml` });
    const loaded = await loadScenario(path);
    expect(runScenario(loaded).verdict).toBe('fail');
    const fixed = { ...loaded, config: { ...loaded.config, bugs: [] } };
    expect(runScenario(fixed).verdict).toBe('pass');
  });

  it('respects the run budget', async () => {
    const [file] = await someFailures(1);
    const start = await failureScenario(readFailureFile(file));
    const small = shrink(start, { maxRuns: 10 });
    expect(small.runs).toBeLessThanOrEqual(10);
    expect(small.exhausted).toBe(true);
    // Even cut short, what it returns fails the same way.
    expect(runScenario(small.loaded).violations.map((v) => v.checker)).toContain(small.checker);
  });

  it('shrink prints before/after and exits 1 (the shrunk scenario fails)', async () => {
    const [file] = await someFailures(1);
    const io = captureIo();
    try {
      expect(await shrinkHandler({ failure: file, 'max-runs': 200, out: `${dir.path}/cmd.yaml` })).toBe(1);
      expect(io.out.join('\n')).toMatch(/before: \d+ faults \(nemesis\)[\s\S]*after: {2}\d+ faults?/);
    } finally {
      io.restore();
    }
  });

  it('remap renumbers clients and drops faults that name removed nodes', () => {
    const config = {
      nodes: 5,
      clients: { clients: 2 },
      network: { cut: [[0, 5], [4, 6], [6, 1]] },
      faults: [
        { atUs: 1, action: { kind: 'partition', groups: [[0, 1, 5], [2, 3, 4, 6]] } },
        { atUs: 2, action: { kind: 'crash', node: 4 } },
        { atUs: 3, action: { kind: 'pause', node: 'leader', durationUs: 5 } },
        { atUs: 4, action: { kind: 'partition', groups: [[3, 4], [0, 1, 2]] } },
        { atUs: 5, action: { kind: 'one-way', from: [6], to: [0] } },
      ],
    } as unknown as SimConfig;
    const three = remap(config, 3, 1);
    expect(three.network.cut).toEqual([[0, 3]]);
    expect(three.faults).toEqual([
      { atUs: 1, action: { kind: 'partition', groups: [[0, 1, 3], [2]] } },
      { atUs: 3, action: { kind: 'pause', node: 'leader', durationUs: 5 } },
    ]);
    expect(three.clients.clients).toBe(1);
  });

  it('remapKeeping drops one role\'s nodes, keeps the roles of the rest, and follows client actors', () => {
    const config = {
      nodes: 4,
      roles: [['primary'], ['backup'], ['backup'], ['backup']],
      clients: { clients: 2 },
      network: { cut: [] },
      faults: [
        { atUs: 1, action: { kind: 'crash', node: 2 } },
        { atUs: 2, action: { kind: 'crash', node: 3 } },
        { atUs: 3, action: { kind: 'pause', node: 5, durationUs: 5 } },
        { atUs: 4, action: { kind: 'crash', node: { role: 'backup' } } },
      ],
    } as unknown as SimConfig;
    const out = remapKeeping(config, [0, 1, 3], 2);
    expect(out.nodes).toBe(3);
    expect(out.roles).toEqual([['primary'], ['backup'], ['backup']]);
    expect(out.faults).toEqual([
      { atUs: 2, action: { kind: 'crash', node: 2 } },
      { atUs: 3, action: { kind: 'pause', node: 4, durationUs: 5 } },
      { atUs: 4, action: { kind: 'crash', node: { role: 'backup' } } },
    ]);
  });

  it('a failure of a protocol with roles and client actors shrinks to a scenario that reads back and still fails', async () => {
    const loaded = await loadScenario('test/fixtures/protocols/primary-backup.yaml', { bugs: ['backup-read'] });
    const seed = ['1', '2', '3', '4', '5', '6'].find((s) => runScenario(loaded, { seed: s }).verdict === 'fail')!;
    expect(seed).toBeDefined();
    const start = { ...loaded, config: { ...loaded.config, seed } };
    const small = shrink(start, { maxRuns: 300 });
    expect(small.checker).toBe('linearizability');
    expect(small.loaded.config.roles!.filter((r) => r[0] === 'primary')).toHaveLength(1);
    const text = toYaml(small.loaded.config, { name: 'pb-small', protocolRef: './primary-backup.ts' });
    const again = await parseScenario(text, 'test/fixtures/protocols/pb-small.yaml');
    expect(again.config).toEqual(small.loaded.config);
    expect(runScenario(again).verdict).toBe('fail');
  });
});

describe('remap and the richer fault model', () => {
  it('bounds group targets by the nodes that are left, and drops those that name nobody', () => {
    const config = {
      nodes: 5,
      roles: [['primary'], ['backup'], ['backup'], ['backup'], ['backup']],
      clients: { clients: 2 },
      network: { cut: [] },
      faults: [
        { atUs: 1, action: { kind: 'crash', node: { group: 'leader-plus', k: 3 } } },
        { atUs: 2, action: { kind: 'crash', node: { group: 'leader-plus', k: 1 } } },
        { atUs: 3, action: { kind: 'isolate', node: { group: 'leader-minority' } } },
        { atUs: 4, action: { kind: 'pause', node: { group: 'random', k: 4 }, durationUs: 5 } },
        { atUs: 5, action: { kind: 'pause', node: { group: 'random', k: 3, role: 'backup' }, durationUs: 5 } },
        { atUs: 6, action: { kind: 'pause', node: { group: 'random', k: 2, role: 'client' }, durationUs: 5 } },
        { atUs: 7, action: { kind: 'crash', node: { role: 'backup' } } },
      ],
    } as unknown as SimConfig;
    const targets = (c: SimConfig) => c.faults.map((f) => (f.action as { node: unknown }).node);
    expect(targets(remapKeeping(config, [0, 1], 1))).toEqual([
      { group: 'leader-plus', k: 1 },
      { group: 'leader-plus', k: 1 },
      { group: 'leader-minority' },
      { group: 'random', k: 2 },
      { group: 'random', k: 1, role: 'backup' },
      { group: 'random', k: 1, role: 'client' },
      { role: 'backup' },
    ]);
    // No backup and no client left: the faults aimed at them go.
    expect(targets(remapKeeping(config, [0], 0))).toEqual(['leader', 'leader', { group: 'leader-minority' }, { group: 'random', k: 1 }]);
  });

  it('keeps names, and drops a fault aimed at a name whose fault went with a removed node', () => {
    const config = {
      nodes: 5,
      clients: { clients: 0 },
      network: { cut: [] },
      faults: [
        { atUs: 1, action: { kind: 'crash', node: 4, as: 'a' } },
        { atUs: 2, action: { kind: 'crash', node: 'random', as: 'b' } },
        { atUs: 3, action: { kind: 'restart', node: { ref: 'a' } } },
        { atUs: 4, action: { kind: 'restart', node: { ref: 'b' } } },
        { atUs: 5, action: { kind: 'crash', node: 1, as: 'a' } },
        { atUs: 6, action: { kind: 'pause', node: { ref: 'a' }, durationUs: 5 } },
      ],
    } as unknown as SimConfig;
    expect(remap(config, 3, 0).faults).toEqual([
      { atUs: 2, action: { kind: 'crash', node: 'random', as: 'b' } },
      { atUs: 4, action: { kind: 'restart', node: { ref: 'b' } } },
      { atUs: 5, action: { kind: 'crash', node: 1, as: 'a' } },
      { atUs: 6, action: { kind: 'pause', node: { ref: 'a' }, durationUs: 5 } },
    ]);
    expect(withoutDanglingNames(config.faults.slice(1))).toEqual(config.faults.slice(1).filter((f) => f.atUs !== 3));
  });

  it('a restart of $a closes the window of the crash that gave the name a; a heal of a node, its isolate', () => {
    const faults = [
      { atUs: 1, action: { kind: 'crash', node: 'random', as: 'a' } },
      { atUs: 2, action: { kind: 'crash', node: { role: 'backup' } } },
      { atUs: 3, action: { kind: 'restart', node: { ref: 'a' } } },
      { atUs: 4, action: { kind: 'restart', node: { role: 'backup' } } },
      { atUs: 5, action: { kind: 'isolate', node: 'leader', as: 'x' } },
      { atUs: 6, action: { kind: 'isolate', node: 2 } },
      { atUs: 7, action: { kind: 'heal', node: { ref: 'x' } } },
      { atUs: 8, action: { kind: 'heal', node: 2 } },
      { atUs: 9, action: { kind: 'heal', node: 3 } },
    ] as ScriptedFault[];
    expect([2, 3, 6, 7, 8].map((i) => windowOpenerIndex(faults, i))).toEqual([0, 1, 4, 5, undefined]);
  });

  it('renumbers a heal of a node or of links, and drops one that names only removed endpoints', () => {
    const config = {
      nodes: 4,
      clients: { clients: 0 },
      network: { cut: [] },
      faults: [
        { atUs: 1, action: { kind: 'heal', node: 3 } },
        { atUs: 2, action: { kind: 'heal', node: 1 } },
        { atUs: 3, action: { kind: 'heal', links: { from: [3], to: [1] } } },
        { atUs: 4, action: { kind: 'heal', links: { from: [0, 3], to: [1], both: true } } },
        { atUs: 5, action: { kind: 'heal' } },
      ],
    } as unknown as SimConfig;
    expect(remapKeeping(config, [0, 1, 2], 0).faults).toEqual([
      { atUs: 2, action: { kind: 'heal', node: 1 } },
      { atUs: 4, action: { kind: 'heal', links: { from: [0], to: [1], both: true } } },
      { atUs: 5, action: { kind: 'heal' } },
    ]);
  });

  it('keeps the pins of the clients that stay, and drops them when a pinned node goes', () => {
    const config = { nodes: 4, clients: { clients: 3, pin: [1, 0, 3] }, network: { cut: [] }, faults: [] } as unknown as SimConfig;
    expect(remap(config, 4, 2).clients.pin).toEqual([1, 0]);
    expect(remapKeeping(config, [0, 1, 3], 3).clients.pin).toEqual([1, 0, 2]);
    expect(remap(config, 3, 3).clients.pin).toBeUndefined();
    expect(config.clients.pin).toEqual([1, 0, 3]);
  });

  it('renumbers the cut links of afterFaults', () => {
    const config = { nodes: 4, clients: { clients: 1 }, network: { cut: [[3, 0]], afterFaults: { lossPpm: 5, cut: [[0, 4], [3, 1], [1, 2]] } }, faults: [] } as unknown as SimConfig;
    const out = remap(config, 3, 1);
    expect(out.network).toEqual({ cut: [], afterFaults: { lossPpm: 5, cut: [[0, 3], [1, 2]] } });
  });

  it('renumbers the links of delay and reorder bursts, and drops a burst whose links all went', () => {
    const config = {
      nodes: 5,
      clients: { clients: 2 },
      network: { cut: [] },
      faults: [
        { atUs: 1, action: { kind: 'delay-burst', links: { from: [0, 4], to: [1, 6], both: true }, delayUs: 5, durationUs: 9 } },
        { atUs: 2, action: { kind: 'reorder-burst', links: { from: [4], to: [3] }, jitterUs: 5, durationUs: 9 } },
        { atUs: 3, action: { kind: 'reorder-burst', jitterUs: 5, durationUs: 9 } },
        { atUs: 4, action: { kind: 'delay-burst', links: { from: [0], to: [5] }, delayUs: 5, durationUs: 9 } },
      ],
    } as unknown as SimConfig;
    const out = remap(config, 3, 1);
    expect(out.faults).toEqual([
      { atUs: 1, action: { kind: 'delay-burst', links: { from: [0], to: [1], both: true }, delayUs: 5, durationUs: 9 } },
      { atUs: 3, action: { kind: 'reorder-burst', jitterUs: 5, durationUs: 9 } },
      { atUs: 4, action: { kind: 'delay-burst', links: { from: [0], to: [3] }, delayUs: 5, durationUs: 9 } },
    ]);
  });
});
