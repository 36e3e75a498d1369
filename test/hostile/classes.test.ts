// One test per class of failure the hostile corpus found (each was exit 4 or a hang, or an
// exit-2 error that named the wrong file), so that a regression shows here by name.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureEdited, inputsDigest, type FailureFile } from '../../explore/failure-file.js';
import { runCli } from '../cli/helpers/capture.js';
import { ENTRY, ROOT } from './spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'faultline-hostile-classes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
type Json = Record<string, any>;
let original: Json;
let originalPath: string;
beforeAll(async () => {
  const r = await runCli(['fuzz', 'scenarios/raft/volatile-vote.yaml', '--seeds', '200', '--workers', '1', '--max-failures', '1', '--out', join(dir, 'campaign')]);
  expect(r.code).toBe(1);
  const name = readdirSync(join(dir, 'campaign')).find((f) => f.endsWith('.json'))!;
  originalPath = join(dir, 'campaign', name);
  original = JSON.parse(readFileSync(originalPath, 'utf8'));
}, 120_000);

function edited(name: string, edit: (f: Json) => void): string {
  const copy = structuredClone(original);
  edit(copy);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(copy, null, 2));
  return path;
}

describe('a protocol module path that is not a regular file', () => {
  it('protocol: /dev/zero (or a folder) is exit 2 naming it, not a hang', () => {
    for (const target of ['/dev/zero', '/tmp']) {
      const path = join(dir, `protocol-${target.replaceAll('/', '_')}.yaml`);
      writeFileSync(path, `protocol: ${target}\nnodes: 3\nduration: 1s\n`);
      const r = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, 'run', path], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000, killSignal: 'SIGKILL' });
      expect(r.signal).toBeNull();
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${path}:1: protocol: expected a protocol module \\(a regular file\\), but ${target} is not a regular file`));
    }
  });
});

describe('the scenario text stored in a failure file', () => {
  it('a problem in it names the failure file, scenario.text and the line inside the text (not the original scenario path)', async () => {
    const path = edited('bad-text', (f) => (f.scenario.text = String(f.scenario.text).replace(/^checkers:.*$/m, 'checkers: [no-such-checker]')));
    for (const command of [['replay', path, '--no-report'], ['shrink', path]]) {
      const r = await runCli(command);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^error: ${path}: scenario\\.text \\(line \\d+\\): checkers\\[0\\]: expected a checker of raft`, 'm'));
      expect(r.stderr).not.toContain('scenarios/raft/volatile-vote.yaml');
    }
  });

  it('nested too deep, or empty: the same', async () => {
    const deep = await runCli(['replay', edited('deep-text', (f) => (f.scenario.text = `x: ${'['.repeat(5000)}${']'.repeat(5000)}`)), '--no-report']);
    expect(deep.code).toBe(2);
    expect(deep.stderr).toMatch(/deep-text\.json: scenario\.text \(line 1\): expected valid YAML nested at most 200 levels/);
    const empty = await runCli(['replay', edited('empty-text', (f) => (f.scenario.text = '')), '--no-report']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/empty-text\.json: scenario\.text/);
  });

  it('a bug variant the protocol does not have names extraBugs, not --bug', async () => {
    const r = await runCli(['replay', edited('bugs', (f) => (f.extraBugs = ['no-such-bug'])), '--no-report']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bugs\.json: extraBugs: expected a bug variant of raft: .* \(got "no-such-bug"\)/);
  });
});

describe('a failure file edited by hand replays as the run it now describes', () => {
  it('faultline writes a digest of the run-defining fields; the untouched file matches it', () => {
    expect(typeof original.inputs).toBe('string');
    expect(failureEdited(original as FailureFile)).toBe(false);
    expect(inputsDigest(original as FailureFile)).toBe(original.inputs);
  });

  it('another seed, other knobs, another hash: the hash is not compared (no exit 4), the verdict is the exit code', async () => {
    const edits: Array<[string, (f: Json) => void]> = [
      ['seed', (f) => (f.seed = `${f.seed}9`)],
      ['knobs', (f) => (f.knobs.lossPpm = f.knobs.lossPpm === 0 ? 1000 : 0)],
      ['hash', (f) => (f.hash = '0000000000000000')],
    ];
    for (const [name, edit] of edits) {
      const r = await runCli(['replay', edited(`edited-${name}`, edit), '--no-report', '--json']);
      expect([0, 1, 3]).toContain(r.code);
      expect(JSON.parse(r.stdout)).toMatchObject({ hashMatches: null, edited: true });
      const text = await runCli(['replay', edited(`edited-${name}`, edit), '--no-report']);
      expect(text.stdout).toMatch(/hash not compared: the failure file was edited since faultline wrote it/);
    }
  });

  it('untouched, the hash still matches; a file without a digest whose hash differs is still exit 4 (taken as written)', async () => {
    const same = await runCli(['replay', originalPath, '--no-report', '--json']);
    expect(same.code).toBe(1);
    expect(JSON.parse(same.stdout)).toMatchObject({ hashMatches: true });
    const legacy = await runCli(['replay', edited('legacy', (f) => { delete f.inputs; f.hash = '0000000000000000'; }), '--no-report']);
    expect(legacy.code).toBe(4);
  });
});

describe('results lines of the wrong shape (merge)', () => {
  const base = { seed: '1', hash: 'a', verdict: 'fail', violations: [], scenario: 's', bugs: [], faultline: '0' };
  const bad: Array<[string, Json]> = [
    ['violation null', { violations: [null] }],
    ['violation number', { violations: [1] }],
    ['violation without checker', { violations: [{ kind: 'x' }] }],
    ['bugs a string', { bugs: 'x' }],
    ['bugs of numbers', { bugs: [1] }],
    ['scenario an object', { scenario: { a: 1 } }],
    ['verdict unknown', { verdict: 'maybe' }],
    ['faultline a number', { faultline: 7 }],
  ];
  for (const [name, change] of bad) {
    it(`${name}: a malformed line (file:line), never exit 4`, async () => {
      const path = join(dir, `results-${name.replaceAll(' ', '-')}.jsonl`);
      writeFileSync(path, `${JSON.stringify({ ...base, seed: '0', verdict: 'pass' })}\n${JSON.stringify({ ...base, ...change })}\n`);
      const r = await runCli(['merge', path, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ runs: 1, malformed: [{ file: path, line: 2 }] });
    });
  }

  it('a line whose fields no longer match its checksum (a flipped hash) is malformed, not a conflict (was exit 4); a true conflict is still exit 4', async () => {
    const { lineSum } = await import('../../explore/results.js');
    const written = readFileSync(join(dir, 'campaign', 'results.jsonl'), 'utf8').trim().split('\n');
    const first = JSON.parse(written[0]);
    expect(first.sum).toBe(lineSum(first));
    const damaged = join(dir, 'results-damaged.jsonl');
    writeFileSync(damaged, `${written.join('\n')}\n${JSON.stringify({ ...first, hash: `${first.hash.slice(0, -1)}${first.hash.endsWith('0') ? '1' : '0'}` })}\n`);
    const r = await runCli(['merge', damaged, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ conflicts: [], malformed: [{ file: damaged, line: written.length + 1 }] });
    const other = { ...first, hash: '0123456789abcdef' };
    const conflict = join(dir, 'results-conflict.jsonl');
    writeFileSync(conflict, `${written[0]}\n${JSON.stringify({ ...other, sum: lineSum(other) })}\n`);
    expect((await runCli(['merge', conflict])).code).toBe(4);
  });

  it('a checker named __proto__ is only a name', async () => {
    const path = join(dir, 'results-proto.jsonl');
    writeFileSync(path, `${JSON.stringify({ ...base, violations: [{ checker: '__proto__', kind: 'safety', message: 'm', atUs: 0, event: 0 }] })}\n`);
    const r = await runCli(['merge', path, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).byChecker).toEqual(JSON.parse('{"__proto__": 1}'));
  });
});

/** This thread's CPU time in ms (user + system). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

describe('a damaged YAML file of a megabyte', () => {
  it('reports its first error without composing the million after it (it took tens of seconds)', async () => {
    const { YamlSource } = await import('../../scenario/yaml-source.js');
    const base = readFileSync(join(ROOT, 'scenarios/raft/local-read.yaml'), 'utf8');
    // A slice with an unmatched } repeated 20,000 times, as the corpus's repeat-slice makes it.
    const text = `${base}\n }\n${'  - { at: 5s, kind: heal }\nbugs: [local-read]\n }\n'.repeat(20_000)}`;
    // The bound is issue #16's hang bound (every hostile case ends within 10 s), not a speed
    // figure, and it is CPU time: wall time fails on a loaded machine (it did, at 10.4 s wall).
    const started = cpuMs();
    const parsed = YamlSource.parse(text);
    const ms = cpuMs() - started;
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.line).toBe(base.split('\n').length + 1);
    expect(ms).toBeLessThan(8_000);
    // Flow damage that the composer reports through its error hook stops at once.
    const flow = `${base}\nx: [${'{a: 1, '.repeat(100_000)}\n`;
    const t = cpuMs();
    expect(YamlSource.parse(flow).ok).toBe(false);
    expect(cpuMs() - t).toBeLessThan(8_000);
  });
});

describe('describeValue of values YAML tags make', () => {
  it('binary data, a bigint, a symbol or a function are described, never a TypeError (was exit 4)', async () => {
    const { describeValue } = await import('../../scenario/units.js');
    expect(describeValue(new Uint8Array([1, 2]))).toBe('binary data');
    expect(describeValue(10n)).toBe('10');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
    expect(describeValue(() => 1)).toMatch(/=>/);
    const path = join(dir, 'binary.yaml');
    writeFileSync(path, 'name: x\nprotocol: raft\nnodes: 3\nduration: 1s\nclients: !!binary aGVsbG8=\n');
    const r = await runCli(['run', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/binary\.yaml:5: clients/);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});

describe('a failure file that is not JSON', () => {
  it('names the line of the syntax error, not only its offset', async () => {
    const path = join(dir, 'syntax.json');
    writeFileSync(path, '{\n  "format": "faultline-failure/1",\n  "seed": "1",\n}\n');
    const r = await runCli(['replay', path, '--no-report']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error: ${path}:4: expected a failure file \\(JSON\\) written by faultline fuzz`, 'm'));
  });
});
