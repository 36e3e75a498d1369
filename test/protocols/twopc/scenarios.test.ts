// The shipped twopc scenario files: each loads, the correct protocol passes it, each bug
// variant's file fails with the checker its description names, and blocking.yaml blocks
// (the finding) without failing.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenario/load.js';
import { itFailsWithItsChecker, type BugScenarios } from '../bug-scenarios.js';
import { conservation, listAppendVerdict, okReads, runObserved } from './helpers.js';

const dir = 'scenarios/twopc';
const files = ['nemesis.yaml', 'blocking.yaml', 'bank.yaml', 'list-append.yaml', 'abort-when-uncertain.yaml', 'unlogged-decision.yaml', 'commit-on-timeout.yaml'];

const expected: BugScenarios = {
  'abort-when-uncertain.yaml': { bug: 'abort-when-uncertain', caughtBy: 'atomicity' },
  'unlogged-decision.yaml': { bug: 'unlogged-decision', caughtBy: 'atomicity' },
  'commit-on-timeout.yaml': { bug: 'commit-on-timeout', caughtBy: 'atomicity' },
};

describe('scenarios/twopc', () => {
  it('ships the examples and one file per bug variant', () => {
    expect(readdirSync(dir).sort()).toEqual([...files].sort());
  });

  it.each(files)('%s: the correct protocol passes (atomicity, lock-conflict, liveness; conservation or serializability)', async (file) => {
    const loaded = await loadScenario(`${dir}/${file}`);
    expect(loaded.config.protocol.name).toBe('twopc');
    const r = runObserved({ ...loaded.config, bugs: [] });
    expect(r.violations).toEqual([]);
    expect(r.history.filter((e) => e.type === 'ok').length).toBeGreaterThan(50);
    if (loaded.config.clients.generator?.name === 'list-append') {
      expect(listAppendVerdict(r.history)).toBe('valid');
    } else {
      expect(conservation(r.history, loaded.config)).toBeUndefined();
      expect(okReads(r.history)).toBeGreaterThan(10);
    }
  });

  itFailsWithItsChecker(dir, expected);

  it('blocking.yaml: participants block while the coordinator is down, and finish once it is back', async () => {
    const loaded = await loadScenario(`${dir}/blocking.yaml`);
    const r = runObserved(loaded.config);
    expect(r.violations).toEqual([]);
    expect(r.finding).toMatch(/^blocked transactions: [1-9]\d* \(t\d+-\d+ on n\d(, n\d)* blocked [\d.]+s while the coordinator n1 was down/);
    expect(r.finding).not.toContain('still at the end');
  });

  it('a run without a coordinator crash has no blocked transactions', async () => {
    const loaded = await loadScenario(`${dir}/blocking.yaml`);
    const r = runObserved({ ...loaded.config, faults: [] });
    expect(r.violations).toEqual([]);
    expect(r.finding).toBeUndefined();
  });
});
