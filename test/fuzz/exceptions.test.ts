// A protocol that throws is a failure like any other, end to end: fuzz finds it (exit 1)
// and writes a failure file naming protocol-exception, replay reproduces it with the same
// hash, shrink cuts the nemesis run down to a few faults that still throw.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readFailureFile } from '../../explore/failure-file.js';
import { readLines, tempDirs } from './helpers.js';
import { runFuzzCli as cli } from './support/cli.js';

const scenario = 'test/fuzz/fixtures/peer-table-nemesis.yaml';

const out = tempDirs();
afterEach(() => {
  process.exitCode = 0;
});


describe('a protocol exception through fuzz, replay and shrink', () => {
  it('the correct protocol passes the same seeds', async () => {
    const d = { path: out('exc-pass') };
    const r = await cli(['fuzz', scenario, '--seeds', '40', '--workers', '1', '--out', d.path, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).failures).toEqual([]);
  });

  it('fuzz finds it (exit 1), replay matches the hash (exit 1), shrink keeps protocol-exception', async () => {
    const d = { path: out('exc') };
    const fuzz = await cli(['fuzz', scenario, '--bug', 'first-boot-only', '--seeds', '40', '--workers', '2', '--out', d.path, '--check-determinism']);
    expect(fuzz.code).toBe(1);
    expect(fuzz.err).toMatch(/✗ seed \d+ · protocol-exception \(exception\): n\d threw in onMessage: TypeError: /);
    expect(`${fuzz.out}${fuzz.err}`).not.toMatch(/internal error/);
    // Some seeds, not all: those whose faults restart a node.
    const results = readLines(join(d.path, 'results.jsonl')).map((l) => JSON.parse(l) as { verdict: string; violations: Array<{ checker: string; stack?: string }> });
    const failing = results.filter((r) => r.verdict === 'fail');
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.length).toBeLessThan(results.length);
    for (const r of failing) expect(r.violations.map((v) => v.checker)).toEqual(['protocol-exception']);
    expect(failing[0].violations[0].stack).toBeUndefined(); // the stack stays in the failure file

    const file = readdirSync(d.path).filter((f) => f.endsWith('.json')).sort()[0];
    const path = join(d.path, file);
    const failure = readFailureFile(path);
    expect(failure.verdict).toBe('fail');
    expect(failure.violations).toHaveLength(1);
    const v = failure.violations[0];
    expect(v).toMatchObject({ kind: 'exception', checker: 'protocol-exception', node: expect.stringMatching(/^n[123]$/) });
    expect(v.message).toMatch(new RegExp(`^${v.node} threw in onMessage: TypeError: `));
    expect(v.stack).toMatch(/^at PeerNode\.onMessage \(.*peer-table-protocol\.ts:\d+:\d+\)$/m);

    const replay = await cli(['replay', path]);
    expect(replay.code).toBe(1);
    expect(replay.out).toContain(`✗ protocol-exception (exception) at `);
    expect(replay.out).toContain(v.message);
    expect(replay.out).toContain(`hash ${failure.hash} matches the failure file`);

    const shrink = await cli(['shrink', path, '--max-runs', '300', '--json']);
    expect(shrink.code).toBe(1);
    const shrunk = JSON.parse(shrink.out);
    expect(shrunk.checker).toBe('protocol-exception');
    expect(shrunk.before.nemesis).toBe(true);
    expect(shrunk.after.nemesis).toBe(false);
    expect(shrunk.after.faults).toBeLessThan(shrunk.before.faults);
    expect(shrunk.after.durationUs).toBeLessThan(shrunk.before.durationUs);
    const run = await cli(['run', shrunk.file, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out).violations.map((x: { checker: string }) => x.checker)).toEqual(['protocol-exception']);
  });
});
