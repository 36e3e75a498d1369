// Swarm configs keep few V8 hidden classes (explore/swarm.ts stableShapes): one per key list,
// not one per seed, so that the kernel's optimized code is not thrown away seed after seed.
// Counted by V8 itself in a child process (--allow-natives-syntax); the knobs and the runs are
// the same either way (the results files of the campaign tests).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('swarm configs', () => {
  it('share hidden classes across 200 seeds of nemesis.yaml (a few, not one per seed)', () => {
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', 'test/fuzz/support/shapes-probe.ts'], { encoding: 'utf8' });
    const classes = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
    // network: with and without the flaky node's afterFaults; nemesis: as drawn, or re-sized to 3 nodes.
    for (const part of ['config', 'network', 'nemesis', 'protocolOptions']) expect(classes[part], part).toBeLessThanOrEqual(4);
  });
});
