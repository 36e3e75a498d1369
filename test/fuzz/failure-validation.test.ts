// A hand-edited failure file is held to a scenario's rigour: knobs out of range or
// inconsistent with the stored scenario, and nothing to shrink towards, are bad input
// (exit 2) naming the field, never a hang, an internal error or a false bug.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { failureScenario, readFailureFile } from '../../explore/failure-file.js';
import { InputError } from '../../scenario/errors.js';
import { ballotScenario, tempDir } from './helpers.js';
import { runFuzzCli as cli } from './support/cli.js';

const dir = tempDir('failure-validation');
let original: Record<string, unknown>;
beforeAll(async () => {
  await cli(['fuzz', ballotScenario, '--bug', 'volatile-vote', '--seeds', '120', '--workers', '1', '--out', dir.path]);
  const file = readdirSync(dir.path).find((f) => f.endsWith('.json'))!;
  original = JSON.parse(readFileSync(join(dir.path, file), 'utf8')) as Record<string, unknown>;
}, 120_000);
afterAll(() => dir.remove());
afterEach(() => {
  process.exitCode = 0;
});

type Json = Record<string, any>;
function edited(name: string, edit: (f: Json) => void): string {
  const copy = structuredClone(original) as Json;
  edit(copy);
  const path = join(dir.path, `${name}.edited.json`);
  writeFileSync(path, JSON.stringify(copy));
  return path;
}

async function inputError(path: string): Promise<InputError> {
  try {
    await failureScenario(readFailureFile(path));
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('failure files validated like scenarios', () => {
  it('the fuzzed file has nemesis knobs to edit', () => {
    expect((original as Json).knobs?.nemesis).toBeDefined();
  });

  it.each([
    { name: 'loss-high', edit: (f: Json) => (f.knobs.lossPpm = 2e6), field: 'knobs.lossPpm', expected: 'expected a probability in ppm, 0..1000000 (got 2000000)' },
    { name: 'loss-negative', edit: (f: Json) => (f.knobs.lossPpm = -5), field: 'knobs.lossPpm', expected: 'expected a probability in ppm, 0..1000000 (got -5)' },
    { name: 'interval-zero', edit: (f: Json) => (f.knobs.nemesis.intervalUs = [0, 0]), field: 'knobs.nemesis.intervalUs', expected: /interval \[min, max\] with max above 0/ },
    { name: 'weights-kind', edit: (f: Json) => (f.knobs.nemesis.weights.explode = 1), field: 'knobs.nemesis.weights', expected: /nemesis fault weights/ },
    { name: 'nodes', edit: (f: Json) => (f.knobs.nodes = 5000), field: 'knobs.nodes', expected: /a node count, 1\.\.1000 \(got 5000\)/ },
    { name: 'crashed', edit: (f: Json) => (f.knobs.nemesis.maxCrashed = 99), field: 'knobs.nemesis.maxCrashed', expected: /at most the node count \(\d+\) \(got 99\)/ },
    { name: 'no-nemesis', edit: (f: Json) => (f.scenario.text = String(f.scenario.text).replace(/^nemesis:[\s\S]*?(?=^\S)/m, '')), field: 'knobs.nemesis', expected: /the stored scenario has no nemesis/ },
  ])('$name -> $field', async ({ name, edit, field, expected }) => {
    const path = edited(name, edit);
    const error = await inputError(path);
    expect(error.file).toBe(path);
    expect(error.field).toBe(field);
    if (typeof expected === 'string') expect(error.message).toBe(`${path}: ${field}: ${expected}`);
    else expect(error.expected).toMatch(expected);
  });

  it('replay of an interval [0, 0] is exit 2, not a hang', async () => {
    const path = edited('replay-interval', (f) => (f.knobs.nemesis.intervalUs = [0, 0]));
    await expect(cli(['replay', path])).rejects.toMatchObject({ name: 'InputError' });
  });

  it('shrink of a failure without violations is bad input naming violations', async () => {
    const path = edited('no-violations', (f) => (f.violations = []));
    await expect(cli(['shrink', path, '--max-runs', '5'])).rejects.toMatchObject({ name: 'InputError', field: 'violations' });
  });
});
