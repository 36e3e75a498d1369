// The hostile-input corpus in CI: a few hundred seeded mutants of the shipped scenarios, a
// real campaign's failure files and results, and the history fixtures, plus every hand-made
// case, through the real CLI. Every case must end within 10 s with exit 0, 1, 2 or 3 (never
// 4, never a signal, never a hang), with no stack trace or runtime warning on stderr, and an
// exit-2 error must name the file (and, for line-structured input, the line). Most cases run
// in-process in a watched child process (test/hostile/driver.ts); a sample runs as processes
// of their own. `npm run test:hostile -- --seed S --cases N` runs thousands.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handMade, mutants, Prng, type SourceFile } from './corpus.js';
import { buildCorpus, campaignSources, figures, knownClass, repositorySources, runInProcess, runSpawned, type CaseOutcome } from './driver.js';

const SEED = process.env.HOSTILE_SEED ?? 'ci';
const MUTANTS = Number(process.env.HOSTILE_CASES ?? 300);
const SPAWNED = 6;

const scratch = mkdtempSync(join(tmpdir(), 'faultline-hostile-ci-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let sources: SourceFile[] = [];
beforeAll(() => {
  sources = [...repositorySources(), ...campaignSources(scratch)];
}, 120_000);

const report = (outcomes: readonly CaseOutcome[]) =>
  outcomes.filter((o) => o.problems.length > 0 && knownClass(o) === undefined).map((o) => `${o.id} (${o.mode}): ${o.argv.join(' ')}\n  ${o.problems.join('\n  ')}`);

describe('the corpus generator', () => {
  it('is seeded: the same seed gives the same cases byte for byte, another seed others', () => {
    const a = mutants('x', sources, 40);
    const b = mutants('x', sources, 40);
    const c = mutants('y', sources, 40);
    expect(a.map((k) => [k.id, k.bytes.toString('base64'), k.argv])).toEqual(b.map((k) => [k.id, k.bytes.toString('base64'), k.argv]));
    expect(a.map((k) => k.bytes.toString('base64'))).not.toEqual(c.map((k) => k.bytes.toString('base64')));
    expect(new Prng('s').int(0, 1000)).toBe(new Prng('s').int(0, 1000));
  });

  it('covers every kind of input and every command that reads one', () => {
    const cases = buildCorpus('x', sources, 200);
    expect(new Set(cases.map((k) => k.kind))).toEqual(new Set(['scenario', 'failure', 'results', 'history']));
    expect(new Set(cases.map((k) => k.argv[0]))).toEqual(new Set(['run', 'replay', 'shrink', 'merge', 'check', 'report']));
    expect(handMade(sources).length).toBeGreaterThan(60);
    // Every shipped scenario and history fixture is a source.
    expect(sources.filter((s) => s.kind === 'scenario').length).toBeGreaterThanOrEqual(20);
    expect(sources.filter((s) => s.kind === 'history').length).toBeGreaterThanOrEqual(12);
  });
});

describe(`hostile corpus (seed ${SEED}: ${MUTANTS} mutants and the hand-made cases)`, () => {
  it('every case ends within 10 s, exit 0-3, no stack trace, exit-2 errors name the file and line', { timeout: 300_000 }, async () => {
    const cases = buildCorpus(SEED, sources, MUTANTS);
    const outcomes = await runInProcess(cases, join(scratch, 'in-process'));
    expect(outcomes).toHaveLength(cases.length);
    const r = new Prng(`${SEED}/spawn`);
    const spawned: CaseOutcome[] = [];
    for (let k = 0; k < SPAWNED; k++) {
      const i = r.int(0, cases.length - 1);
      spawned.push(runSpawned(cases[i], i, join(scratch, 'spawned')));
    }
    const f = figures(outcomes);
    // The figures, for the log: how many cases, their exit codes, time per case.
    process.stderr.write(`hostile corpus ${SEED}: ${JSON.stringify(f)}; spawned ${JSON.stringify(figures(spawned))}\n`);
    expect(report([...outcomes, ...spawned])).toEqual([]);
    // Every exit code a user can see shows up: the corpus is not all bad input.
    expect(Object.keys(f.byExit).sort()).toEqual(expect.arrayContaining(['0', '1', '2']));
  });
});
