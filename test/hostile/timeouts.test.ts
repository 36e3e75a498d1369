// `fuzz --timeout D` (per seed) and `replay --timeout D`: a run out of wall-clock time is
// undecided (exit 3), counted and reported as such, never a failure, never a determinism
// mismatch, never a hash mismatch; its result line has no hash, so it conflicts with nothing
// when merged.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/helpers/capture.js';

const ballot = 'test/fuzz/fixtures/ballot-nemesis.yaml';
const raft = 'scenarios/raft/nemesis.yaml';
const scratch = mkdtempSync(join(tmpdir(), 'faultline-timeouts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('fuzz --timeout', () => {
  for (const workers of [1, 2]) {
    it(`every seed out of time is undecided, counted, exit 3 (${workers} worker${workers > 1 ? 's' : ''}), even with --check-determinism`, async () => {
      const out = join(scratch, `fuzz-${workers}`);
      const r = await runCli(['fuzz', raft, '--seeds', '4', '--workers', String(workers), '--timeout', '1us', '--check-determinism', '--out', out, '--json']);
      expect(r.code).toBe(3);
      const summary = JSON.parse(r.stdout);
      expect(summary).toMatchObject({ runs: 4, undecided: 4, timedOut: 4, failures: [], errors: 0, determinism: { checked: 0, mismatches: [] } });
      const results = lines(join(out, 'results.jsonl'));
      expect(results.map((l) => [l.seed, l.verdict, l.hash, l.timedOut])).toEqual(['0', '1', '2', '3'].map((s) => [s, 'undecided', '', true]));
    });
  }

  it('the text summary says how many ran out of time; a generous timeout changes nothing', async () => {
    const r = await runCli(['fuzz', raft, '--seeds', '2', '--workers', '1', '--timeout', '1us', '--out', join(scratch, 'text')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/UNDECIDED/);
    expect(r.stdout).toMatch(/0 failing · 2 undecided \(2 out of time\)/);
    const calm = await runCli(['fuzz', ballot, '--seeds', '3', '--workers', '1', '--timeout', '60s', '--out', join(scratch, 'calm'), '--json']);
    const plain = await runCli(['fuzz', ballot, '--seeds', '3', '--workers', '1', '--out', join(scratch, 'plain'), '--json']);
    expect(calm.code).toBe(plain.code);
    expect(readFileSync(join(scratch, 'calm', 'results.jsonl'), 'utf8')).toBe(readFileSync(join(scratch, 'plain', 'results.jsonl'), 'utf8'));
  });

  it('a bad --timeout is exit 2 naming the flag', async () => {
    for (const bad of ['0s', 'soon', '-1s']) {
      const r = await runCli(['fuzz', ballot, '--seeds', '1', '--timeout', bad, '--out', join(scratch, 'bad')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--timeout: expected/);
    }
  });

  it('merge: a timed-out line and a finished line of the same seed are no conflict; the finished one stands', async () => {
    const finished = lines(join(scratch, 'plain', 'results.jsonl'))[0];
    const { sum: _sum, ...unsummed } = finished;
    const cut = { ...unsummed, hash: '', verdict: 'undecided', timedOut: true };
    for (const [name, order] of [['a', [cut, finished]], ['b', [finished, cut]]] as const) {
      const path = join(scratch, `merge-${name}.jsonl`);
      writeFileSync(path, order.map((l) => `${JSON.stringify(l)}\n`).join(''));
      const r = await runCli(['merge', path, '--json']);
      const s = JSON.parse(r.stdout);
      expect(s).toMatchObject({ runs: 1, conflicts: [], duplicates: 1, undecided: finished.verdict === 'undecided' ? 1 : 0 });
      expect(r.code).toBe(finished.verdict === 'pass' ? 0 : finished.verdict === 'fail' ? 1 : 3);
    }
  });
});

describe('replay --timeout', () => {
  it('out of time: undecided, exit 3, the hash not compared (no exit 4); with time to spare: the failure reproduces', async () => {
    const out = join(scratch, 'failures');
    const found = await runCli(['fuzz', ballot, '--bug', 'volatile-vote', '--seeds', '200', '--workers', '1', '--max-failures', '1', '--out', out]);
    expect(found.code).toBe(1);
    const file = join(out, readdirSync(out).find((f) => f.endsWith('.json'))!);
    // This failure shows within a few thousand events, before the limit is looked at: a long
    // run (Raft under its nemesis) in the same file is what a timeout can cut.
    const failure = JSON.parse(readFileSync(file, 'utf8'));
    const long = join(scratch, 'long.json');
    const { knobs: _knobs, knobsText: _text, ...rest } = failure;
    writeFileSync(long, JSON.stringify({ ...rest, swarm: false, bugs: [], extraBugs: [], scenario: { ...failure.scenario, path: raft, absolutePath: join(process.cwd(), raft), name: 'nemesis', protocol: 'raft', text: readFileSync(raft, 'utf8') } }));
    const cut = await runCli(['replay', long, '--timeout', '1us', '--no-report', '--json']);
    expect(cut.stderr).toBe('');
    expect(cut.code).toBe(3);
    expect(JSON.parse(cut.stdout)).toMatchObject({ verdict: 'undecided', hashMatches: null, timedOut: true });
    const text = await runCli(['replay', long, '--timeout', '1us', '--no-report']);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/hash not compared: --timeout 1us stopped the replay/);
    const full = await runCli(['replay', file, '--timeout', '60s', '--no-report']);
    expect(full.code).toBe(1);
    expect(full.stdout).toMatch(/matches the failure file/);
  });

  it('a bad --timeout is exit 2 before anything runs', async () => {
    const r = await runCli(['replay', 'no-such.json', '--timeout', '0ms']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--timeout: expected a duration above zero/);
  });
});
