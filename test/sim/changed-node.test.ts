// ClusterView.changedNode: the kernel's promise to per-node checks that, after an event, only
// that node's actor or storage can differ from what it was before the event (-1: no node's;
// undefined: any). protocols/common's per-node invariants check only that node. Here a probe
// invariant holds the kernel to it on Raft under the nemesis, event by event: every other
// node's summary and durable log are exactly as the previous event left them.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/load.js';
import type { ClientRequest, ClusterView, Invariant, NodeId } from '../../sim/types.js';
import { runSimulation } from '../../sim/world.js';

interface Summarised {
  summary(): Record<string, unknown>;
}

function probe(seen: { narrowed: number; none: number; any: number; broken: string[] }): Invariant<Summarised> {
  let last: string[] = [];
  const state = (view: ClusterView<Summarised>, n: number) => {
    const s = view.storage(n);
    return JSON.stringify([view.actor(n)?.summary() ?? null, s.logLength, s.logSynced, s.logStart]);
  };
  return {
    name: 'changed-node-probe',
    afterEvent(view) {
      const now = Array.from({ length: view.nodeCount }, (_, n) => state(view, n));
      const changed = view.changedNode;
      if (changed === undefined) seen.any++;
      else {
        if (changed >= 0) seen.narrowed++;
        else seen.none++;
        for (let n = 0; n < now.length; n++) {
          if (n !== changed && last.length > 0 && now[n] !== last[n] && seen.broken.length < 5) seen.broken.push(`n${n + 1} changed while changedNode was ${changed}: ${last[n]} -> ${now[n]}`);
        }
      }
      last = now;
      return undefined;
    },
  };
}

describe('ClusterView.changedNode', () => {
  it('names the only node an event can change (Raft under the nemesis, every event of several seeds)', async () => {
    const loaded = await loadScenario('test/fixtures/scenarios/raft-nemesis-classic.yaml');
    const seen = { narrowed: 0, none: 0, any: 0, broken: [] as string[] };
    const protocol = loaded.config.protocol;
    const probed = { ...protocol, invariants: (o: Record<string, unknown>) => [...protocol.invariants(o), probe(seen)] };
    for (let seed = 0; seed < 4; seed++) runSimulation({ ...loaded.config, seed: String(seed), protocol: probed, record: 'fuzz' });
    expect(seen.broken).toEqual([]);
    // Most events are narrowed to one node or to none (the clients'); faults and the nemesis are not.
    expect(seen.narrowed).toBeGreaterThan(10 * seen.any);
    expect(seen.none).toBeGreaterThan(0);
    expect(seen.any).toBeGreaterThan(0);
  });

  it('is undefined when checks run every N events (an event between two checks may have changed any node)', async () => {
    const loaded = await loadScenario('test/fixtures/scenarios/raft-nemesis-classic.yaml');
    const seen = { narrowed: 0, none: 0, any: 0, broken: [] as string[] };
    const protocol = loaded.config.protocol;
    const probed = { ...protocol, invariants: (o: Record<string, unknown>) => [...protocol.invariants(o), probe(seen)] };
    runSimulation({ ...loaded.config, seed: '1', protocol: probed, record: 'fuzz', checkEveryEvents: 7 });
    expect(seen.narrowed + seen.none).toBe(0);
    expect(seen.any).toBeGreaterThan(0);
  });

  it('is -1 after a node\'s event that called none of its handlers (dropped, buffered, stale), and names the node after one that did', async () => {
    const loaded = await loadScenario('test/fixtures/scenarios/raft-nemesis-classic.yaml');
    const protocol = loaded.config.protocol;
    // Count the handler calls of the nodes' actors; the probe compares the count between events.
    let calls = 0;
    const counted = {
      ...protocol,
      createActor: (ctx: Parameters<typeof protocol.createActor>[0], options: Record<string, unknown>) => {
        const actor = protocol.createActor(ctx, options);
        const onMessage = actor.onMessage.bind(actor);
        const onTimer = actor.onTimer.bind(actor);
        const onRequest = actor.onRequest.bind(actor);
        actor.onMessage = (from: NodeId, msg: Parameters<typeof onMessage>[1]) => {
          calls++;
          onMessage(from, msg);
        };
        actor.onTimer = (name: string) => {
          calls++;
          onTimer(name);
        };
        actor.onRequest = (request: ClientRequest) => {
          calls++;
          onRequest(request);
        };
        return actor;
      },
    };
    const seen = { handled: 0, handledNarrowed: 0, idle: 0, idleNone: 0 };
    let last = 0;
    const probe: Invariant<unknown> = {
      name: 'handler-probe',
      afterEvent(view) {
        const changed = view.changedNode;
        if (calls !== last) {
          seen.handled++;
          // A handler ran: its node (never -1; undefined only around faults, which restart nodes).
          if (changed !== undefined && changed >= 0) seen.handledNarrowed++;
          expect(changed).not.toBe(-1);
        } else if (changed !== undefined) {
          seen.idle++;
          if (changed === -1) seen.idleNone++;
        }
        last = calls;
        return undefined;
      },
    };
    const probed = { ...counted, invariants: (o: Record<string, unknown>) => [...protocol.invariants(o), probe] };
    let violations = 0;
    for (let seed = 0; seed < 3; seed++) violations += runSimulation({ ...loaded.config, seed: String(seed), protocol: probed, record: 'fuzz' }).violations.length;
    expect(violations).toBe(0);
    expect(seen.handledNarrowed).toBeGreaterThan(0.9 * seen.handled);
    // Every narrowed event that called no handler is -1 (the clients' and the nodes' idle ones alike).
    expect(seen.idle).toBeGreaterThan(0);
    expect(seen.idleNone).toBe(seen.idle);
  });
});
