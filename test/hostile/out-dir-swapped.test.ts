// The output folder of a running campaign is taken away and a regular file put in its place
// (`fuzz --out DIR`, then `mv DIR elsewhere; echo x > DIR`): the campaign stops at its next
// write with `error: cannot write PATH: ENOTDIR`, exit 2 (never a verdict, never a stack
// trace), and every result it wrote before (now in the moved folder) is a whole line, the
// seeds contiguous from the first.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENTRY, ROOT } from './spawn.js';

const ballot = 'test/fuzz/fixtures/ballot-nemesis.yaml';
const scratch = mkdtempSync(join(tmpdir(), 'faultline-swap-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const lineCount = (path: string): number => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').length : 0);

async function swapMidway(workers: number): Promise<void> {
  const out = join(scratch, `out-${workers}`);
  const moved = `${out}.moved`;
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'fuzz', ballot, '--seeds', '100000', '--workers', String(workers), '--out', out], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    // Wait for a few results, then take the folder away and put a file where it was.
    const started = Date.now();
    while (lineCount(join(out, 'results.jsonl')) < 5 && Date.now() - started < 45_000) await new Promise((r) => setTimeout(r, 25));
    expect(lineCount(join(out, 'results.jsonl'))).toBeGreaterThanOrEqual(5);
    // The file is written beside it first and renamed in: between the two renames there is
    // no folder and no file (a write then fails with ENOENT, not ENOTDIR), so that gap is
    // kept as short as two system calls. Writing the file there took long enough that a
    // loaded CI machine's campaign wrote into the gap.
    const staged = `${out}.file`;
    writeFileSync(staged, 'not a folder\n');
    renameSync(out, moved);
    renameSync(staged, out);
    const { code, signal } = await exited;
    expect(signal).toBeNull();
    expect(stderr).toMatch(new RegExp(`^error: cannot write ${out}/\\S+: ENOTDIR$`, 'm'));
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(2);
    expect(stdout).not.toMatch(/PASS|FAIL/);
    // The file put in its place is untouched; the results written before are whole and contiguous.
    expect(statSync(out).isFile()).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe('not a folder\n');
    const text = readFileSync(join(moved, 'results.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const seeds = text.trim().split('\n').map((l) => JSON.parse(l).seed);
    expect(seeds.length).toBeGreaterThanOrEqual(5);
    expect(seeds).toEqual(Array.from({ length: seeds.length }, (_, i) => String(i)));
  } finally {
    clearTimeout(killer);
    child.kill('SIGKILL');
  }
}

describe('fuzz --out DIR replaced by a regular file mid-campaign', () => {
  it('one worker (in this thread): exit 2, ENOTDIR, results before it kept', { timeout: 90_000 }, () => swapMidway(1));
  it('two workers: the same', { timeout: 90_000 }, () => swapMidway(2));
});
