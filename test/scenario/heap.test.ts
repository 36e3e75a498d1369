// holdHeapFlat() (scenario/heap.ts, what `run --history bounded` calls): V8's young
// generation keeps its starting size however much is allocated. Each case is a fresh node
// process (V8 flags are the process's); the control without it shows the space growing, so
// the test can fail.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The new space's size (MB) after allocating a few hundred MB of short- and medium-lived objects. */
function newSpaceAfterChurn(hold: boolean, nodeFlags: string[] = []): number {
  const script = `
    import v8 from 'node:v8';
    import { holdHeapFlat } from './scenario/heap.ts';
    if (${hold}) holdHeapFlat();
    let keep = [];
    for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = keep.slice(10000); }
    const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(ns.space_size / 1048576);
  `;
  const out = execFileSync(process.execPath, [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return Number(out.trim());
}

describe('holdHeapFlat', () => {
  it("keeps V8's young generation at its starting size", () => {
    expect(newSpaceAfterChurn(true)).toBeLessThanOrEqual(4);
  }, 60_000);

  it('against the control: without it the young generation grows', () => {
    expect(newSpaceAfterChurn(false)).toBeGreaterThanOrEqual(8);
  }, 60_000);

  it('leaves a flag the user gave node alone', () => {
    expect(newSpaceAfterChurn(true, ['--semi-space-growth-factor=2'])).toBeGreaterThanOrEqual(8);
  }, 60_000);
});
