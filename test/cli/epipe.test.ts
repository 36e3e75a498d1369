// Writing to a closed stdout (`faultline list | head -c1`) ends quietly: no stack trace, the
// command's own exit code. Any other failure to write stdout (`> /dev/full`) is exit 2.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/spawn.js';

const ENTRY = fileURLToPath(new URL('./helpers/entry.ts', import.meta.url));

/** Spawn the CLI with stdout piped into a stream destroyed after its first byte (or before any, with `atOnce`). */
function closedReader(args: string[], atOnce = false): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  // With atOnce the pipe is closed before the CLI starts writing, so its first write meets EPIPE for sure.
  if (atOnce) p.stdout.destroy();
  else
    p.stdout.once('data', (d: Buffer) => {
      stdout += d.toString('utf8', 0, 1);
      p.stdout.destroy();
    });
  p.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe('stdout closed early (EPIPE)', () => {
  // good.yaml enables the `violate` bug: the run fails, and exit 1 is kept through the closed pipe.
  it.each([
    { name: 'list, pipe closed at once', args: ['list'], atOnce: true, code: 0 },
    { name: 'list, pipe closed after the first byte', args: ['list'], atOnce: false, code: 0 },
    { name: 'run, pipe closed at once', args: ['run', 'test/fixtures/scenarios/good.yaml'], atOnce: true, code: 1 },
    { name: 'run, pipe closed after the first byte', args: ['run', 'test/fixtures/scenarios/good.yaml'], atOnce: false, code: 1 },
  ])('$name: no stack trace, exit $code', async ({ args, atOnce, code }) => {
    const r = await closedReader(args, atOnce);
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(code);
  });

  it('stdout on a full disk (> /dev/full) is an error naming ENOSPC, exit 2', async () => {
    const fd = openSync('/dev/full', 'w');
    try {
      const p = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'list'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', fd, 'pipe'] });
      let stderr = '';
      p.stderr!.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => p.on('close', (c) => resolve(c)));
      expect(stderr.trim()).toBe('error: cannot write stdout: ENOSPC');
      expect(code).toBe(2);
    } finally {
      closeSync(fd);
    }
  });
});
