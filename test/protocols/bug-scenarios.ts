// The test every protocol's shipped bug scenarios share: each file enables exactly its bug
// variant, and running it fails at the checker named for it (an invariant or liveness check,
// or, for `linearizability`, the history checker on a run with no kernel violation).
import { expect, it } from 'vitest';
import { checkHistory } from '../../checkers/linearizability/index.js';
import { loadScenario } from '../../scenario/load.js';
import { runSimulation } from '../../sim/world.js';

export type BugScenarios = Record<string, { bug: string; caughtBy: string }>;

/** The kv history checker with a budget large enough for the shipped scenarios. */
export const kvVerdict = (history: Parameters<typeof checkHistory>[0]) => checkHistory(history, 'kv', { budgetSteps: 50_000_000 }).verdict;

/** One test per file of `expected` (inside a describe). */
export function itFailsWithItsChecker(dir: string, expected: BugScenarios): void {
  it.each(Object.keys(expected))('%s: its bug variant fails', async (file) => {
    const { bug, caughtBy } = expected[file];
    const loaded = await loadScenario(`${dir}/${file}`);
    expect(loaded.config.bugs).toEqual([bug]);
    const r = runSimulation(loaded.config);
    if (caughtBy === 'linearizability') {
      expect(r.violations).toEqual([]);
      expect(kvVerdict(r.history)).toBe('not-linearizable');
    } else {
      expect(r.violations.map((v) => v.checker)).toEqual([caughtBy]);
    }
  });
}
