// The test every protocol's shipped bug scenarios share: each file enables exactly its bug
// variant, and running it fails at the checker named for it (an invariant or liveness check,
// or, for `linearizability`, the history checker on a run with no kernel violation).
import { expect, it } from 'vitest';
import { checkHistory } from '../../checkers/linearizability/index.js';
import { loadScenario, type LoadedScenario } from '../../scenario/load.js';
import type { SimConfig } from '../../sim/config.js';
import type { RunResult } from '../../sim/result.js';
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

type FuzzConfigFor = (loaded: LoadedScenario, seed: number, bugs?: string[]) => SimConfig;

/** The nemesis scenario replays bit for bit from its seed, and another seed gives another run. */
export function itReplaysFromItsSeed(file: string, configFor: FuzzConfigFor): void {
  it('replays bit for bit from its seed', async () => {
    const loaded = await loadScenario(file);
    const a = runSimulation(configFor(loaded, 42));
    const b = runSimulation(configFor(loaded, 42));
    expect(a.hash).toBe(b.hash);
    expect(a.history).toEqual(b.history);
    expect(runSimulation(configFor(loaded, 43)).hash).not.toBe(a.hash);
  });
}

export interface BugHunt {
  bug: string;
  /** The checkers the first failure may come from. */
  checkers: string[];
  /** Seeds to try, from 0 (default 50). */
  within?: number;
}

/** One test per bug: some seed below `within` of the nemesis fails, at one of its checkers. */
export function itFindsEachBug(file: string, configFor: FuzzConfigFor, cases: readonly BugHunt[], timeoutMs?: number): void {
  it.each(cases)('$bug', async ({ bug, checkers, within = 50 }) => {
    const loaded = await loadScenario(file);
    let found: RunResult | undefined;
    let seed = 0;
    for (; seed < within && found === undefined; seed++) {
      const r = runSimulation(configFor(loaded, seed, [bug]));
      if (r.violations.length > 0) found = r;
    }
    expect(found, `no failure in ${within} seeds`).toBeDefined();
    expect(checkers).toContain(found!.violations[0].checker);
    console.info(`${bug}: first failure at seed ${seed - 1}: ${found!.violations[0].checker}: ${found!.violations[0].message}`);
  }, timeoutMs);
}
