// Files the CLI writes: a write that fails is an error naming the path and the errno (exit
// 2), never a verdict; what is not a regular file (a device, a FIFO, a symlink) is written
// through, never replaced by a regular file; a directory is refused.
import { spawn, execFileSync } from 'node:child_process';
import { createReadStream, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, spawnCli, stripAnsi } from './helpers/spawn.js';

const ENTRY = fileURLToPath(new URL('./helpers/entry.ts', import.meta.url));
const scenario = join('test', 'fixtures', 'scenarios', 'good.yaml'); // fails (bug `violate`): exit 1
const ballot = 'test/fuzz/fixtures/ballot-nemesis.yaml';
const scratch = mkdtempSync(join(tmpdir(), 'faultline-writes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const err = (stderr: string) => stripAnsi(stderr).trim();

describe('--trace-out onto what is not a regular file', () => {
  it('/dev/full: error: cannot write /dev/full: ENOSPC, exit 2, no verdict; the device stays', () => {
    const r = spawnCli(['run', scenario, '--trace-out', '/dev/full']);
    expect(err(r.stderr)).toBe('error: cannot write /dev/full: ENOSPC');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  it('/dev/null: written through, the verdict stands, the device stays', () => {
    const r = spawnCli(['run', scenario, '--trace-out', '/dev/null']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('a symlink: its target is written, the link kept', () => {
    const target = join(scratch, 'target.jsonl');
    const link = join(scratch, 'link.jsonl');
    writeFileSync(target, 'old\n');
    symlinkSync(target, link);
    const r = spawnCli(['run', scenario, '--trace-out', link]);
    expect(r.code).toBe(1);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    const lines = readFileSync(target, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(() => lines.map((l) => JSON.parse(l))).not.toThrow();
  });

  it('a FIFO with a reader: the reader gets the trace, the FIFO stays', async () => {
    const fifo = join(scratch, 'trace.fifo');
    execFileSync('mkfifo', [fifo]);
    let read = '';
    const reader = createReadStream(fifo, 'utf8');
    reader.on('data', (d) => (read += d));
    const readerDone = new Promise<void>((resolve) => reader.on('close', () => resolve()));
    const p = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'run', scenario, '--trace-out', fifo], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    const code = await new Promise<number | null>((resolve) => p.on('close', resolve));
    await readerDone;
    expect(code).toBe(1);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(read.trim().split('\n').length).toBeGreaterThan(1);
  });

  it('a directory: exit 2', () => {
    const r = spawnCli(['run', scenario, '--trace-out', scratch]);
    expect(r.code).toBe(2);
    expect(err(r.stderr)).toMatch(/^error: --trace-out: /);
  });
});

describe('fuzz --out that cannot be written: exit 2, naming the path and the errno', () => {
  it('a folder under a regular file: ENOTDIR', () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, '');
    const r = spawnCli(['fuzz', ballot, '--seeds', '3', '--workers', '1', '--out', join(file, 'out')]);
    expect(err(r.stderr)).toMatch(new RegExp(`^error: cannot write ${file}/out: ENOTDIR$`, 'm'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('results.jsonl on a full disk (a symlink to /dev/full): ENOSPC, not a verdict', () => {
    const dir = join(scratch, 'full');
    mkdirSync(dir);
    symlinkSync('/dev/full', join(dir, 'results.jsonl'));
    const r = spawnCli(['fuzz', ballot, '--seeds', '20', '--workers', '1', '--out', dir]);
    expect(err(r.stderr)).toMatch(new RegExp(`^error: cannot write ${dir}/results.jsonl: ENOSPC$`, 'm'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  it('a failure file that cannot be written: the campaign stops there and keeps every result before it', () => {
    // A first campaign finds which seed fails first and what its file is called.
    const first = join(scratch, 'first');
    expect(spawnCli(['fuzz', ballot, '--bug', 'volatile-vote', '--seeds', '120', '--workers', '1', '--max-failures', '1', '--out', first]).code).toBe(1);
    const name = readdirSync(first).find((f) => f.endsWith('.json') && !f.startsWith('.'))!;
    const failing = Number(/--seed-(\d+)\.json$/.exec(name)![1]);
    // The second finds its path taken by a folder.
    const dir = join(scratch, 'blocked');
    mkdirSync(join(dir, name), { recursive: true });
    const r = spawnCli(['fuzz', ballot, '--bug', 'volatile-vote', '--seeds', '120', '--workers', '1', '--out', dir]);
    expect(err(r.stderr)).toMatch(new RegExp(`^error: cannot write ${dir}/${name}: EISDIR$`, 'm'));
    expect(r.code).toBe(2);
    const seeds = readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l).seed);
    expect(seeds).toEqual(Array.from({ length: failing }, (_, i) => String(i)));
  });
});

describe('shrink --out and merge --out', () => {
  let failure = '';
  const failureFile = () => {
    if (failure !== '') return failure;
    const dir = join(scratch, 'for-shrink');
    spawnCli(['fuzz', ballot, '--bug', 'volatile-vote', '--seeds', '120', '--workers', '1', '--max-failures', '1', '--out', dir]);
    failure = join(dir, readdirSync(dir).find((f) => f.endsWith('.json') && !f.startsWith('.'))!);
    return failure;
  };

  it('into a missing folder: exit 2 before the search, naming the path', () => {
    const out = join(scratch, 'no', 'such', 'x.yaml');
    const r = spawnCli(['shrink', failureFile(), '--out', out]);
    expect(err(r.stderr)).toBe(`error: cannot write ${out}: ENOENT`);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('onto a directory: exit 2, the directory stays', () => {
    const r = spawnCli(['shrink', failureFile(), '--out', scratch]);
    expect(err(r.stderr)).toBe(`error: cannot write ${scratch}: EISDIR`);
    expect(r.code).toBe(2);
    expect(statSync(scratch).isDirectory()).toBe(true);
  });

  it('merge --out /dev/full: ENOSPC, exit 2', () => {
    const results = join(failureFile(), '..', 'results.jsonl');
    const r = spawnCli(['merge', results, '--out', '/dev/full']);
    expect(err(r.stderr)).toBe('error: cannot write /dev/full: ENOSPC');
    expect(r.code).toBe(2);
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });
});
