// Shared by the fuzz tests: the test-double scenario, temporary folders, captured output.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, vi } from 'vitest';
import { io } from '../../cli/output.js';

export const ballotScenario = 'test/fuzz/fixtures/ballot-nemesis.yaml';
export const leakyScenario = 'test/fuzz/fixtures/ballot-leaky.yaml';

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `faultline-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Temporary folders removed after the file's tests: `out('prefix')` makes one and returns its path. */
export function tempDirs(): (prefix: string) => string {
  const dirs: Array<{ remove: () => void }> = [];
  afterAll(() => dirs.forEach((d) => d.remove()));
  return (prefix: string) => {
    const d = tempDir(prefix);
    dirs.push(d);
    return d.path;
  };
}

export function readLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
}

/** Capture what a handler prints through cli/output.ts's io. */
export function captureIo(): { out: string[]; err: string[]; restore: () => void } {
  const out: string[] = [];
  const err: string[] = [];
  const a = vi.spyOn(io, 'out').mockImplementation((t: string) => void out.push(t));
  const b = vi.spyOn(io, 'err').mockImplementation((t: string) => void err.push(t));
  return {
    out,
    err,
    restore: () => {
      a.mockRestore();
      b.mockRestore();
    },
  };
}

/** A progress sink that keeps what it was given (not a TTY). */
export function progressSink(): { write: (t: string) => void; text: string[]; isTTY: false } {
  const text: string[] = [];
  return { write: (t) => void text.push(t), text, isTTY: false };
}
