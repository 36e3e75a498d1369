// The campaign engine: results do not depend on the worker count, a killed campaign
// resumes with --from-seed, shards split the seed space, failures are files that replay to
// the same hash, and the determinism self-check catches a protocol that leaks state.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayFailure } from '../../cli/commands/replay.js';
import { fuzzHandler } from '../../cli/commands/fuzz.js';
import { mergeHandler } from '../../cli/commands/merge.js';
import { plannedSeeds, runCampaign, type CampaignOptions } from '../../explore/campaign.js';
import { readFailureFile } from '../../explore/failure-file.js';
import { mergeResults } from '../../explore/results.js';
import { ballotScenario, captureIo, leakyScenario, progressSink, readLines, tempDirs } from './helpers.js';

const out = tempDirs();

const base = (over: Partial<CampaignOptions>): CampaignOptions => ({
  scenarioPath: ballotScenario,
  bugs: ['volatile-vote'],
  seeds: 40,
  fromSeed: 0,
  workers: 1,
  outDir: out('campaign'),
  swarm: true,
  checkDeterminism: 'sample',
  ...over,
});

describe('fuzz campaign', () => {
  it('gives the same results with 1 and 2 workers, and the 2-worker run really used threads', async () => {
    const one = await runCampaign(base({ seeds: 120, workers: 1 }));
    const two = await runCampaign(base({ seeds: 120, workers: 2 }));
    expect(one.workers).toBe(1);
    expect(two.workers).toBe(2);
    expect(one.runs).toBe(120);
    expect(readLines(two.resultsFile)).toEqual(readLines(one.resultsFile));
    // The planted bug is found in this range (else the comparison proves little about failures).
    expect(one.failures.length).toBeGreaterThan(0);
    expect(two.failures.map((f) => f.seed)).toEqual(one.failures.map((f) => f.seed));
    expect(new Set(readLines(one.resultsFile).map((l) => JSON.parse(l).hash)).size).toBe(120);
  });

  it('resumes: seeds 0..19 then --from-seed 20 give the same results file as 0..39 at once', async () => {
    const split = out('resume');
    await runCampaign(base({ seeds: 20, fromSeed: 0, outDir: split }));
    const second = await runCampaign(base({ seeds: 20, fromSeed: 20, outDir: split, workers: 2 }));
    const whole = await runCampaign(base({ seeds: 40, fromSeed: 0 }));
    expect(second.nextSeed).toBe(40);
    expect(readLines(join(split, 'results.jsonl'))).toEqual(readLines(whole.resultsFile));
    expect(readLines(whole.resultsFile).map((l) => JSON.parse(l).seed)).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
  });

  it('an interrupted campaign leaves whole files, contiguous results and the seed to resume from', async () => {
    const dir = out('interrupt');
    const controller = new AbortController();
    let seen = 0;
    const summary = await runCampaign(
      base({
        seeds: 400,
        workers: 2,
        outDir: dir,
        signal: controller.signal,
        onProgress: () => {
          if (++seen === 25) controller.abort();
        },
      }),
    );
    expect(summary.interrupted).toBe(true);
    const lines = readLines(join(dir, 'results.jsonl')).map((l) => JSON.parse(l));
    expect(lines.map((l) => l.seed)).toEqual(Array.from({ length: summary.nextSeed }, (_, i) => String(i)));
    expect(summary.nextSeed).toBeGreaterThan(0);
    expect(summary.nextSeed).toBeLessThan(400);
    for (const name of readdirSync(dir)) {
      expect(name.endsWith('.tmp')).toBe(false);
      if (name.endsWith('.json')) expect(() => readFailureFile(join(dir, name))).not.toThrow();
    }
    // Resume where it stopped: together, the same as the whole range.
    await runCampaign(base({ seeds: 400 - summary.nextSeed, fromSeed: summary.nextSeed, outDir: dir }));
    const whole = await runCampaign(base({ seeds: 400 }));
    expect(readLines(join(dir, 'results.jsonl'))).toEqual(readLines(whole.resultsFile));
  });

  it('shards are disjoint and together are the whole campaign; merge gives one summary', async () => {
    const whole = await runCampaign(base({ seeds: 60 }));
    const shards = [];
    for (let k = 0; k < 3; k++) shards.push(await runCampaign(base({ seeds: 60, shard: { index: k, count: 3 } })));
    shards.forEach((s, k) => {
      expect(s.runs).toBe(plannedSeeds({ seeds: 60, fromSeed: 0, shard: { index: k, count: 3 } }));
      for (const line of readLines(s.resultsFile)) expect(Number(JSON.parse(line).seed) % 3).toBe(k);
    });
    expect(shards.reduce((n, s) => n + s.runs, 0)).toBe(60);
    const merged = mergeResults(shards.map((s) => s.resultsFile));
    const reference = mergeResults([whole.resultsFile]);
    expect(merged.summary.runs).toBe(60);
    expect(merged.lines).toEqual(reference.lines);
    expect(merged.summary.failures.map((f) => f.seed)).toEqual(whole.failures.map((f) => f.seed));
    // Merging a file with itself: duplicates, not conflicts.
    expect(mergeResults([whole.resultsFile, whole.resultsFile]).summary.duplicates).toBe(60);
    const io = captureIo();
    try {
      const code = await mergeHandler({ files: shards.map((s) => s.resultsFile), json: true });
      expect(code).toBe(whole.failures.length > 0 ? 1 : 0);
      expect(JSON.parse(io.out.join('')).runs).toBe(60);
    } finally {
      io.restore();
    }
  });

  it('writes each failure as a file that replays to the same hash, with its trace beside it', async () => {
    const summary = await runCampaign(base({ seeds: 120 }));
    expect(summary.failures.length).toBeGreaterThan(0);
    const failure = summary.failures[0];
    const file = readFailureFile(failure.file);
    expect(file.seed).toBe(failure.seed);
    expect(file.knobs).toBeDefined();
    expect(file.knobsText).toMatch(/loss .*nemesis/);
    expect(file.scenario.text).toBe(readFileSync(ballotScenario, 'utf8'));
    expect(file.violations[0].checker).toBe('election-safety');
    expect(file.replay).toContain('faultline replay');
    const replayed = await replayFailure(failure.file);
    expect(replayed.hashMatches).toBe(true);
    expect(replayed.run.result.hash).toBe(file.hash);
    expect(replayed.run.verdict).toBe('fail');
    expect(existsSync(replayed.tracePath)).toBe(true);
    expect(readLines(replayed.tracePath).length).toBe(replayed.run.result.trace!.length);
  });

  it('the correct protocol passes the same seeds', async () => {
    const summary = await runCampaign(base({ seeds: 120, bugs: [] }));
    expect(summary.failures).toEqual([]);
    expect(summary.determinism.checked).toBe(2); // seeds 0 and 64
  });

  it('catches hidden state shared between runs: exit 4, naming the first diverging event', async () => {
    const dir = out('leak');
    const io = captureIo();
    let code;
    try {
      code = await fuzzHandler({ scenario: leakyScenario, seeds: 3, workers: 1, out: dir, json: true, 'check-determinism': true }, { progress: progressSink() });
    } finally {
      io.restore();
    }
    expect(code).toBe(4);
    const json = JSON.parse(io.out.join(''));
    expect(json.determinism.mismatches.length).toBeGreaterThan(0);
    expect(json.determinism.mismatches[0].text).toMatch(/first diverging trace event #\d+/);
    // Without the leak the same check passes.
    const clean = await runCampaign(base({ seeds: 10, bugs: [], checkDeterminism: 'all' }));
    expect(clean.determinism.checked).toBe(10);
    expect(clean.determinism.mismatches).toEqual([]);
  });

  it('fuzz --json prints the summary object and exits 1 when a seed fails', async () => {
    const dir = out('json');
    const io = captureIo();
    const sink = progressSink();
    let code;
    try {
      code = await fuzzHandler({ scenario: ballotScenario, bug: ['volatile-vote'], seeds: 120, workers: 2, out: dir, json: true }, { progress: sink });
    } finally {
      io.restore();
    }
    expect(code).toBe(1);
    const json = JSON.parse(io.out.join(''));
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['runs', 'failures', 'seedsPerSecond', 'firstFailureSeed']));
    expect(json.runs).toBe(120);
    expect(json.failures[0]).toEqual(expect.objectContaining({ seed: json.firstFailureSeed, replay: expect.stringContaining('faultline replay'), file: expect.any(String) }));
    expect(json.seedsPerSecond).toBeGreaterThan(0);
    expect(sink.text.join('')).toMatch(/fuzz: 120\/120 seeds · \d+ failures? · [\d.]+ seeds\/s/);
  });

  it('rejects bad flags as bad input', async () => {
    await expect(fuzzHandler({ scenario: ballotScenario, shard: '3/3' }, { progress: progressSink() })).rejects.toThrow(/--shard/);
    await expect(fuzzHandler({ scenario: ballotScenario, seeds: 5, duration: '1s' }, { progress: progressSink() })).rejects.toThrow(/either --seeds or --duration/);
    await expect(fuzzHandler({ scenario: ballotScenario, duration: 'soon' }, { progress: progressSink() })).rejects.toThrow(/--duration/);
    await expect(fuzzHandler({ scenario: ballotScenario, bug: ['no-such-bug'], seeds: 1, workers: 1, out: out('bad') }, { progress: progressSink() })).rejects.toThrow(/--bug/);
  });
});
