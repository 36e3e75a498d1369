// Hostile input through the real CLI (a child process with a timeout, so that a regression
// that hangs or spins shows as a failure): exit 2 naming the file (and the line), never a
// hang, never exit 4, never a stack trace.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readInputText } from '../../scenario/read-input.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('../cli/helpers/entry.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'faultline-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI, killed after 15 s (status null then). */
function cli(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const result = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 15_000, killSignal: 'SIGKILL' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const SCENARIO = ['name: x', 'protocol: raft', 'nodes: 3', 'duration: 1s'];
const expectBadInput = (r: ReturnType<typeof cli>, message: RegExp) => {
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.code).toBe(2);
};

describe('hostile scenario files (faultline run)', () => {
  it('50,000 unknown keys: the first one is reported within seconds', { timeout: 20_000 }, () => {
    const path = file('keys.yaml', [...SCENARIO, ...Array.from({ length: 50_000 }, (_, i) => `k${i}: 1`)].join('\n') + '\n');
    expectBadInput(cli(['run', path]), new RegExp(`${path.replace(/[/.]/g, '\\$&')}:5: k0: unknown key`));
  });

  it('deep nesting is a depth limit with a line', { timeout: 20_000 }, () => {
    const path = file('deep.yaml', [...SCENARIO, 'options:', `  a: ${'['.repeat(20_000)}${']'.repeat(20_000)}`].join('\n') + '\n');
    expectBadInput(cli(['run', path]), /deep\.yaml:6: expected valid YAML nested at most 200 levels deep/);
  });

  it('a self-referencing alias', { timeout: 20_000 }, () => {
    const path = file('self.yaml', [...SCENARIO, 'options:', '  a: &a [ *a ]'].join('\n') + '\n');
    expectBadInput(cli(['run', path]), /self\.yaml:6: expected valid YAML without a self-referencing alias/);
  });

  it('a key defined twice through an alias', { timeout: 20_000 }, () => {
    const path = file('alias-key.yaml', ['name: x', '&k nodes: 5', '*k : 6', 'protocol: raft', 'duration: 1s'].join('\n') + '\n');
    expectBadInput(cli(['run', path]), /alias-key\.yaml:3: nodes: expected a key given only once/);
  });
});

describe('results that are not results (faultline merge)', () => {
  it('only garbage, or nothing, is bad input naming the files, not PASS with 0 runs', { timeout: 20_000 }, () => {
    const garbage = file('garbage.jsonl', 'not json\n{"seed":"1"}\n');
    const empty = file('empty.jsonl', '');
    expectBadInput(cli(['merge', garbage, empty]), /garbage\.jsonl, .*empty\.jsonl: expected at least one result line .*2 malformed, first at .*garbage\.jsonl:1/);
    expectBadInput(cli(['merge', empty]), /empty\.jsonl: expected at least one result line .*\(empty\)/);
  });
});

describe('inputs that are not regular files: exit 2, never a hang', () => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  const results = file('results.jsonl', '');

  it.each([
    { what: 'a FIFO nobody writes', path: fifo, kind: 'a FIFO' },
    { what: '/dev/zero', path: '/dev/zero', kind: 'a character device' },
    { what: 'a directory', path: folder, kind: 'a directory' },
  ])('$what', { timeout: 60_000 }, ({ path, kind }) => {
    const named = new RegExp(`${path.replace(/[/.]/g, '\\$&')}: .*not a regular file: ${kind}`);
    expectBadInput(cli(['run', path]), named);
    expectBadInput(cli(['replay', path]), named);
    expectBadInput(cli(['check', path, '--model', 'register']), named);
    expectBadInput(cli(['merge', path, results]), named);
  });
});

describe('readInputText', () => {
  it('caps the size read, and says so', () => {
    const path = file('big.txt', 'x'.repeat(2_000));
    expect(() => readInputText(path, 1_000)).toThrow(/larger than the .* MiB faultline reads/);
    expect(readInputText(path, 2_000)).toHaveLength(2_000);
  });
});
