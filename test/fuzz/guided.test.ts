// Guided fuzzing: a corpus of the runs that reached new coverage, mutants of them planned in
// fixed-size generations (so the campaign is the same with any number of workers), the
// coverage signal itself, and mutants that replay from their failure files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayFailure } from '../../cli/commands/replay.js';
import { fuzzHandler } from '../../cli/commands/fuzz.js';
import { runCampaign, type CampaignOptions } from '../../explore/campaign.js';
import { readFailureFile } from '../../explore/failure-file.js';
import { GENERATION_SIZE, knobsOf, mutate } from '../../explore/guided.js';
import { applyKnobs, drawKnobs } from '../../explore/swarm.js';
import { loadScenario } from '../../scenario/load.js';
import { runScenario } from '../../scenario/runner.js';
import { stream } from '../../sim/prng.js';
import { runSimulation } from '../../sim/world.js';
import { ballotScenario, captureIo, progressSink, readLines, tempDirs } from './helpers.js';

const out = tempDirs();

const base = (over: Partial<CampaignOptions>): CampaignOptions => ({
  scenarioPath: ballotScenario,
  bugs: ['volatile-vote'],
  seeds: 160,
  fromSeed: 0,
  workers: 1,
  outDir: out('guided'),
  swarm: true,
  checkDeterminism: 'sample',
  guided: true,
  ...over,
});

describe('the coverage signal', () => {
  it('does not change the run: the same hash with and without it', async () => {
    const { config } = await loadScenario('scenarios/raft/nemesis.yaml');
    for (let s = 0; s < 10; s++) {
      const plain = runSimulation({ ...config, seed: String(s) });
      const covered = runSimulation({ ...config, seed: String(s), coverage: true });
      expect(covered.hash).toBe(plain.hash);
      expect(plain.coverage).toBeUndefined();
      expect(covered.coverage!.length).toBeGreaterThan(10);
      expect(covered.coverage).toEqual([...covered.coverage!].sort());
    }
  });

  it('names role transitions with the faults in force, and differs between runs', async () => {
    const { config } = await loadScenario('scenarios/raft/nemesis.yaml');
    const runs = ['1', '2', '3', '4', '5'].map((seed) => runSimulation({ ...config, seed, coverage: true }).coverage!);
    const all = runs.flat();
    expect(all.some((k) => /^t:pre-candidate:dt0>candidate:dt1\|/.test(k))).toBe(true);
    expect(all.some((k) => /^t:candidate:dt\d>leader:dt\d\|----$/.test(k))).toBe(true);
    // States seen while a fault is in force carry its letter: p partition, c crash, z pause, l loss burst.
    expect(all.some((k) => /\|p/.test(k))).toBe(true);
    expect(all.some((k) => /\|.c/.test(k))).toBe(true);
    expect(runs[0]).not.toEqual(runs[1]);
  });
});

describe('mutations', () => {
  it('stay within the scenario\'s bounds, and a mutant runs with its parent\'s streams but for what changed', async () => {
    const loaded = await loadScenario('scenarios/raft/nemesis.yaml');
    const config = loaded.config;
    const r = stream('test', 'mutations');
    const names = new Set<string>();
    let knobs = drawKnobs('7', config);
    for (let i = 0; i < 300; i++) {
      const m = mutate(knobs, config, r, i);
      names.add(m.name.replace(/[:=].*$/, '').replace(/[×÷]2$/, ''));
      knobs = m.knobs;
      const nem = knobs.nemesis!;
      expect(knobs.lossPpm).toBeLessThanOrEqual(config.network.lossPpm);
      expect(nem.maxCrashed).toBeLessThanOrEqual(config.nemesis!.maxCrashed);
      expect(nem.intervalUs[0]).toBeLessThanOrEqual(nem.intervalUs[1]);
      expect(nem.intervalUs[1]).toBeLessThanOrEqual(config.nemesis!.intervalUs[1] * 2);
      expect(Object.values(nem.weights).some((w) => (w ?? 0) > 0)).toBe(true);
      for (const f of knobs.faults ?? []) expect(f.atUs).toBeLessThanOrEqual(config.faultsStopUs);
    }
    expect(names).toEqual(new Set(['reseed', '+', '-', 'interval', 'duration', 'maxCrashed', 'loss/dup'].flatMap((n) => (n === '+' || n === '-' ? [...names].filter((x) => x.startsWith(n)) : [n]))));
    // Every mutant is a runnable scenario.
    const run = runScenario({ ...loaded, config: applyKnobs({ ...config, seed: '7.1' }, knobs) });
    expect(['pass', 'fail']).toContain(run.verdict);
  });

  it('re-seeding one stream changes that concern only: same seed, same faults when the network is re-seeded', async () => {
    const { config } = await loadScenario('test/fuzz/fixtures/ballot-nemesis.yaml');
    const a = runSimulation({ ...config, seed: 'x', nemesis: undefined, faults: [{ atUs: 100_000, action: { kind: 'crash', node: 'random' } }] });
    const b = runSimulation({ ...config, seed: 'y', streams: { base: 'x', reseed: { network: 'other' } }, nemesis: undefined, faults: [{ atUs: 100_000, action: { kind: 'crash', node: 'random' } }] });
    const c = runSimulation({ ...config, seed: 'y', streams: { base: 'x' }, nemesis: undefined, faults: [{ atUs: 100_000, action: { kind: 'crash', node: 'random' } }] });
    expect(b.faultLog).toEqual(a.faultLog); // the faults stream is the same
    expect(b.history).not.toEqual(a.history); // the network is not
    expect(c.history).toEqual(a.history); // with nothing re-seeded the run is the base seed's...
    expect(c.hash).not.toBe(a.hash); // ...under another name
  });

  it('the scenario\'s own settings as knobs (no swarm) change nothing', async () => {
    const { config } = await loadScenario('scenarios/raft/nemesis.yaml');
    const same = applyKnobs(config, knobsOf(config));
    expect(runSimulation(same).hash).toBe(runSimulation(config).hash);
  });
});

describe('fuzz --guided', () => {
  it('gives the same results with 1 and 2 workers, mutants included, and reports coverage growth', async () => {
    const one = await runCampaign(base({ workers: 1 }));
    const two = await runCampaign(base({ workers: 2 }));
    expect(one.runs).toBe(160);
    expect(readLines(two.resultsFile)).toEqual(readLines(one.resultsFile));
    const seeds = readLines(one.resultsFile).map((l) => JSON.parse(l).seed as string);
    expect(seeds.slice(0, GENERATION_SIZE)).toEqual(Array.from({ length: GENERATION_SIZE }, (_, i) => String(i)));
    const mutants = seeds.filter((s) => s.includes('.'));
    expect(mutants.length).toBeGreaterThan(60);
    expect(new Set(seeds).size).toBe(seeds.length);
    const c = one.coverage!;
    expect(c.growth).toHaveLength(160 / GENERATION_SIZE);
    for (let i = 1; i < c.growth.length; i++) expect(c.growth[i][1]).toBeGreaterThanOrEqual(c.growth[i - 1][1]);
    expect(c.keys).toBe(c.growth.at(-1)![1]);
    expect(c.corpus).toBeGreaterThan(0);
    expect(two.coverage).toEqual(one.coverage);
  });

  it('a failure found by a mutant replays to the same hash from its file', async () => {
    const summary = await runCampaign(base({ seeds: 320 }));
    const mutant = summary.failures.find((f) => f.seed.includes('.'));
    expect(mutant).toBeDefined();
    const failure = readFailureFile(mutant!.file);
    expect(failure.knobs?.streams?.base).toBeDefined();
    const io = captureIo();
    try {
      const replayed = await replayFailure(mutant!.file);
      expect(replayed.hashMatches).toBe(true);
    } finally {
      io.restore();
    }
  });

  it('the CLI shows coverage on the progress line, in the summary and in --json', async () => {
    const dir = out('guided-cli');
    const sink = progressSink();
    const io = captureIo();
    try {
      await fuzzHandler({ scenario: ballotScenario, seeds: 64, workers: 1, out: dir, guided: true, json: true }, { progress: sink, env: { CI: '1' } });
      const json = JSON.parse(io.out.join('\n')) as { coverage: { keys: number; growth: Array<[number, number]> } };
      expect(json.coverage.keys).toBeGreaterThan(0);
      expect(json.coverage.growth).toHaveLength(2);
    } finally {
      io.restore();
    }
    const text = readFileSync(`${dir}/results.jsonl`, 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(64);
    expect(sink.text.join('')).toMatch(/coverage \d+/);
  });
});
