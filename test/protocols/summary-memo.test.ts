// Raft, Multi-Paxos and Zab return their last summary object again (frozen) while nothing it
// shows has changed, and the kernel then records no state (sim/summary.ts). A memo that
// missed a field would hide a state change from the trace. So after every handler, on
// nemesis runs over many seeds: the summary returned must write the same JSON as one built
// afresh (the memo cleared), and a summary returned again must be the frozen object itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/load.js';
import type { SimConfig } from '../../sim/config.js';
import type { Actor } from '../../sim/types.js';
import { runSimulation } from '../../sim/world.js';
import { fcSeed } from '../sim/fc-seed.js';

type Memoised = Actor<unknown> & { shown?: Record<string, unknown> };

/** The scenario's protocol with every node's summary() checked against a fresh one. */
function checked(config: SimConfig, problems: string[]): SimConfig {
  const protocol = config.protocol;
  return {
    ...config,
    protocol: {
      ...protocol,
      createActor: (ctx, options) => {
        const actor = protocol.createActor(ctx, options) as Memoised;
        const memoised = actor.summary.bind(actor);
        let last: Record<string, unknown> | undefined;
        actor.summary = () => {
          const s = memoised();
          if (s === last && !Object.isFrozen(s)) problems.push(`n${ctx.id + 1}: the same summary object again, not frozen`);
          actor.shown = undefined;
          const fresh = memoised();
          if (JSON.stringify(s) !== JSON.stringify(fresh)) problems.push(`n${ctx.id + 1}: ${JSON.stringify(s)} returned where a fresh summary is ${JSON.stringify(fresh)}`);
          // The fresh one is the memo from now on (the kernel compares it by its text next time).
          last = fresh;
          return s;
        };
        return actor;
      },
    },
  };
}

describe('memoised summaries (Raft, Multi-Paxos, Zab)', () => {
  for (const file of ['scenarios/raft/nemesis.yaml', 'scenarios/paxos/nemesis.yaml', 'scenarios/zab/nemesis.yaml']) {
    it(`${file}: every summary returned writes what a fresh one writes`, async () => {
      const loaded = await loadScenario(file);
      expect(loaded.config.protocol.createActor).toBeTypeOf('function');
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: 1_000_000 }), async (seed) => {
          const problems: string[] = [];
          const run = runSimulation({ ...checked(loaded.config, problems), seed: String(seed), durationUs: 4_000_000, faultsStopUs: 3_000_000, record: 'full' });
          runs++;
          expect(problems.slice(0, 3)).toEqual([]);
          expect(run.violations.map((v) => v.message).slice(0, 2)).toEqual([]);
          // The check ran: the trace has states from the nodes.
          expect(run.trace!.some((e) => e.k === 'state')).toBe(true);
        }),
        { numRuns: 12, seed: fcSeed },
      );
      expect(runs).toBe(12);
    });
  }
});
