// simulate() from the main entry point, as a user's test suite calls it: the determinism
// guard is on by default, and a linearizability model of the user's own checks the history.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kvModel, loadProtocolModule, loadScenario, simulate, type Model } from '../../index.js';

const fixtures = join(import.meta.dirname, 'fixtures');

describe('simulate()', () => {
  it('guards a bare protocol by default; guard: false runs it as it is', async () => {
    const loaded = await loadProtocolModule(join(fixtures, 'calls-random.ts'), { guard: false });
    if (!loaded.ok) throw new Error(loaded.error);
    const { config } = await loadScenario('test/fixtures/protocols/pinger.yaml');
    const bare = { ...config, protocol: loaded.value, nemesis: undefined, checks: [] };
    const guarded = simulate(bare, 3, { linearizability: false });
    expect(guarded.verdict).toBe('fail');
    expect(guarded.violations[0].message).toContain('DeterminismError: Math.random() called in node n');
    expect(simulate(bare, 3, { linearizability: false, guard: false }).verdict).toBe('pass');
  });

  it('checks the history against a model of the user\'s own', async () => {
    const { config } = await loadScenario('scenarios/raft/leader-partition.yaml');
    const withBuiltin = simulate(config, 2);
    expect(withBuiltin.linearizability).toBe('linearizable');
    // The same model as an object: the same verdict.
    const withObject = simulate(config, 2, { model: kvModel });
    expect(withObject.linearizability).toBe('linearizable');
    expect(withObject.hash).toBe(withBuiltin.hash);
    // A model that admits no write: the history cannot be linearized against it.
    const readOnly: Model<null> = {
      name: 'read-only',
      description: 'a store nobody may write',
      init: () => null,
      step: (state, op) => (op.f === 'get' || op.f === 'read' ? { ok: true, state } : { ok: false, reason: `${op.f} is not allowed` }),
      key: () => '',
      describe: () => 'nothing',
    };
    const refused = simulate(config, 2, { model: readOnly });
    expect(refused.verdict).toBe('fail');
    expect(refused.linearizability).toBe('not-linearizable');
    expect(refused.violations.at(-1)!.message).toContain('not linearizable against model read-only');
  });
});
