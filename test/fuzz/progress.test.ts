// Progress: a bar redrawn in place on a terminal, plain periodic lines in CI or a pipe.
import { describe, expect, it } from 'vitest';
import { formatSeconds, isInteractive, Progress } from '../../cli/progress.js';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('progress', () => {
  it('is interactive only on a TTY without CI set', () => {
    expect(isInteractive({ isTTY: true }, {})).toBe(true);
    expect(isInteractive({ isTTY: true }, { CI: 'true' })).toBe(false);
    expect(isInteractive({ isTTY: true }, { CI: '1' })).toBe(false);
    expect(isInteractive({ isTTY: true }, { CI: 'false' })).toBe(true);
    expect(isInteractive({ isTTY: false }, {})).toBe(false);
    expect(isInteractive({}, {})).toBe(false);
  });

  it('draws a bar in place on a TTY: seeds done, failures, seeds/s, ETA', () => {
    const out: string[] = [];
    const c = clock();
    const p = new Progress({ write: (t) => void out.push(t) }, { tty: true, total: 1000, intervalMs: 5000, columns: 100, now: c.now });
    c.advance(2000);
    p.update({ done: 250, failures: 1 });
    expect(out[0]).toMatch(/^\r\x1b\[2K\[█+░+\] 250\/1000 seeds · 1 failure · 125 seeds\/s · ETA 6s$/);
    p.update({ done: 251, failures: 1 }); // within 100ms: not redrawn
    expect(out).toHaveLength(1);
    p.log('✗ seed 17 · election-safety');
    expect(out.slice(1)).toEqual(['\r\x1b[2K', '✗ seed 17 · election-safety\n', expect.stringMatching(/^\[█+░+\] 251\/1000/)]);
    p.finish();
    expect(out[out.length - 1]).toMatch(/\n$/);
  });

  it('prints plain lines at the interval when not a TTY; with --duration, the time left', () => {
    const out: string[] = [];
    const c = clock(1000);
    const p = new Progress({ write: (t) => void out.push(t) }, { tty: false, deadlineMs: 61_000, intervalMs: 5000, now: c.now });
    c.advance(10_000);
    p.update({ done: 500, failures: 0 });
    c.advance(1000);
    p.update({ done: 550, failures: 0 });
    expect(out).toEqual(['fuzz: 500 seeds · 0 failures · 50 seeds/s · 50s left\n']);
    c.advance(5000);
    p.update({ done: 800, failures: 2 });
    expect(out[1]).toBe('fuzz: 800 seeds · 2 failures · 50 seeds/s · 44s left\n');
    expect(out.join('')).not.toContain('\r');
  });

  it('counts the rate from the first finished seed, so worker start-up does not skew the ETA', () => {
    const out: string[] = [];
    const c = clock();
    const p = new Progress({ write: (t) => void out.push(t) }, { tty: false, total: 1000, intervalMs: 1000, now: c.now });
    c.advance(5000); // workers starting
    p.update({ done: 1, failures: 0 });
    c.advance(2000);
    p.update({ done: 201, failures: 0 });
    expect(out[out.length - 1]).toBe('fuzz: 201/1000 seeds · 0 failures · 100 seeds/s · ETA 8s\n');
  });

  it('formats durations', () => {
    expect(formatSeconds(5.4)).toBe('5s');
    expect(formatSeconds(125)).toBe('2m 05s');
    expect(formatSeconds(7300)).toBe('2h 01m');
    expect(formatSeconds(Infinity)).toBe('?');
  });
});
