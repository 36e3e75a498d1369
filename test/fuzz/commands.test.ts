// The four commands through yargs (flags, exit codes, output), and a campaign stopped by
// Ctrl-C or killed outright in a child process: whole files, contiguous results, resumable.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readFailureFile } from '../../explore/failure-file.js';
import { ballotScenario, readLines, tempDirs } from './helpers.js';
import { runFuzzCli as cli } from './support/cli.js';

const out = tempDirs();
afterEach(() => {
  process.exitCode = 0;
});


describe('fuzz, replay, shrink and merge commands', () => {
  it('fuzz → replay → shrink → run the shrunk file, through the CLI', async () => {
    const dir = out('cmd');
    const fuzz = await cli(['fuzz', ballotScenario, '--bug', 'volatile-vote', '--seeds', '120', '--workers', '1', '--out', dir]);
    expect(fuzz.code).toBe(1);
    expect(fuzz.out).toMatch(/FAIL .*ballot-nemesis.yaml · ballot · bugs volatile-vote · swarm/);
    expect(fuzz.out).toMatch(/120 seeds in .* seeds\/s/);
    expect(fuzz.err).toMatch(/✗ seed \d+ · election-safety/);
    const file = readdirSync(dir).find((f) => f.endsWith('.json'))!;
    const path = join(dir, file);

    const replay = await cli(['replay', path]);
    expect(replay.code).toBe(1);
    expect(replay.out).toMatch(/FAIL/);
    expect(replay.out).toContain(`hash ${readFailureFile(path).hash} matches the failure file`);
    expect(existsSync(path.replace(/\.json$/, '.trace.jsonl'))).toBe(true);

    const shrink = await cli(['shrink', path, '--max-runs', '200', '--json']);
    expect(shrink.code).toBe(1);
    const json = JSON.parse(shrink.out);
    expect(json.after.faults).toBeLessThan(json.before.faults);
    const run = await cli(['run', json.file, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out).violations[0].checker).toBe('election-safety');

    const merge = await cli(['merge', join(dir, 'results.jsonl')]);
    expect(merge.code).toBe(1);
    expect(merge.out).toMatch(/FAIL {2}120 runs from 1 file/);
  });

  it('a passing campaign exits 0; --no-swarm runs the scenario as written', async () => {
    const dir = out('pass');
    const r = await cli(['fuzz', ballotScenario, '--seeds', '20', '--workers', '2', '--out', dir, '--no-swarm', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.runs).toBe(20);
    expect(json.failures).toEqual([]);
    expect(json.firstFailureSeed).toBeNull();
    expect(readLines(join(dir, 'results.jsonl'))).toHaveLength(20);
  });

  it('bad input is an InputError (exit 2 in main): a missing scenario, a malformed failure file, a bad shard', async () => {
    const dir = out('bad');
    await expect(cli(['fuzz', 'no/such.yaml', '--seeds', '1', '--out', dir])).rejects.toThrow(/no such file/);
    const notFailure = join(dir, 'x.json');
    await import('node:fs').then((fs) => fs.writeFileSync(notFailure, '{"hello": 1}'));
    await expect(cli(['replay', notFailure])).rejects.toThrow(/expected a failure file/);
    await expect(cli(['shrink', join(dir, 'missing.json')])).rejects.toThrow(/no such file/);
    await expect(cli(['fuzz', ballotScenario, '--shard', '1/0'])).rejects.toThrow(/--shard/);
    await expect(cli(['merge', join(dir, 'none.jsonl')])).rejects.toThrow(/no such file/);
    await expect(cli(['fuzz', ballotScenario, '--seeds', '0'])).rejects.toMatchObject({ name: 'InputError' });
  });
});

function child(args: string[]) {
  const p = spawn(process.execPath, ['--import', 'tsx', 'test/fuzz/support/cli.ts', ...args], { env: { ...process.env, CI: '1', NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.on('close', (code, signal) => resolve({ code, signal })));
  return { p, done, out: () => stdout, err: () => stderr };
}

async function waitFor(cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a campaign stopped midway (child process)', () => {
  it('Ctrl-C: exit 3, contiguous results, the resume command; resuming completes the range', async () => {
    const dir = out('sigint');
    const results = join(dir, 'results.jsonl');
    // The correct protocol: no failure, so the exit code is the interruption's own.
    const c = child(['fuzz', ballotScenario, '--seeds', '100000', '--workers', '2', '--out', dir, '--json']);
    await waitFor(() => existsSync(results) && readLines(results).length >= 30);
    c.p.kill('SIGINT');
    const { code } = await c.done;
    expect(code).toBe(3);
    const json = JSON.parse(c.out());
    expect(json.interrupted).toBe(true);
    expect(json.resume).toMatch(new RegExp(`--from-seed ${json.nextSeed}`));
    const seeds = readLines(results).map((l) => JSON.parse(l).seed);
    expect(seeds).toEqual(Array.from({ length: json.nextSeed }, (_, i) => String(i)));
    // Resume (a short stretch of it): the results stay one contiguous run of seeds.
    const resumed = await cli(['fuzz', ballotScenario, '--seeds', '15', '--from-seed', String(json.nextSeed), '--workers', '1', '--out', dir]);
    expect(resumed.code).toBe(0);
    expect(readLines(results).map((l) => JSON.parse(l).seed)).toEqual(Array.from({ length: json.nextSeed + 15 }, (_, i) => String(i)));
  });

  it('SIGTERM: like Ctrl-C, the summary with the resume command, exit 3', async () => {
    const dir = out('sigterm');
    const results = join(dir, 'results.jsonl');
    const c = child(['fuzz', ballotScenario, '--seeds', '100000', '--workers', '1', '--out', dir]);
    await waitFor(() => existsSync(results) && readLines(results).length >= 1);
    c.p.kill('SIGTERM');
    const { code, signal } = await c.done;
    expect(signal).toBeNull();
    expect(code).toBe(3);
    expect(c.out()).toMatch(/^INTERRUPTED /m);
    const resume = /interrupted: every seed below (\d+) is done; resume with: (.*)$/m.exec(c.out());
    expect(resume).not.toBeNull();
    expect(resume![2]).toContain(`--from-seed ${resume![1]}`);
    expect(readLines(results).map((l) => JSON.parse(l).seed)).toEqual(Array.from({ length: Number(resume![1]) }, (_, i) => String(i)));
  });

  it('SIGKILL: every failure file and every result line already written is whole', async () => {
    const dir = out('sigkill');
    const results = join(dir, 'results.jsonl');
    const c = child(['fuzz', ballotScenario, '--bug', 'volatile-vote', '--seeds', '100000', '--workers', '2', '--out', dir]);
    await waitFor(() => existsSync(results) && readLines(results).length >= 200);
    c.p.kill('SIGKILL');
    await c.done;
    const lines = readFileSync(results, 'utf8').split('\n').filter((l) => l !== '');
    const seeds = lines.map((l) => JSON.parse(l).seed);
    expect(seeds).toEqual(Array.from({ length: seeds.length }, (_, i) => String(i)));
    const failures = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(() => readFailureFile(join(dir, f))).not.toThrow();
    // Every failing result line names a failure file that exists.
    for (const l of lines.map((x) => JSON.parse(x)).filter((x) => x.verdict === 'fail')) expect(existsSync(join(dir, l.file))).toBe(true);
  });
});
