// Named fault points (ctx.buggify): off unless the scenario asks, activated per run and per
// point from the run's own stream, silent once faults stop; Raft's points keep the correct
// protocol correct and do what they say.
import { describe, expect, it } from 'vitest';
import { parseScenario, loadScenario } from '../../scenario/load.js';
import { runScenario } from '../../scenario/runner.js';
import type { TraceEvent } from '../../sim/result.js';
import { runSimulation } from '../../sim/world.js';
import { electLeader, makeNode, sentOfType } from '../protocols/raft/fake-context.js';

const buggified = (trace: readonly TraceEvent[]) => trace.filter((e): e is Extract<TraceEvent, { k: 'buggify' }> => e.k === 'buggify');

describe('buggify in the kernel', () => {
  it('never fires without `buggify: true`, and then the run is the run without the field', async () => {
    const { config } = await loadScenario('test/fixtures/scenarios/raft-nemesis-classic.yaml');
    for (let s = 0; s < 5; s++) {
      const plain = runSimulation({ ...config, seed: String(s), record: 'full' });
      expect(buggified(plain.trace!)).toEqual([]);
      expect(runSimulation({ ...config, seed: String(s), buggify: false }).hash).toBe(plain.hash);
    }
  });

  it('fires per run and per point, only before faults stop, and the same way for the same seed', async () => {
    const { config } = await loadScenario('test/fixtures/scenarios/raft-nemesis-classic.yaml');
    const activeSets = new Set<string>();
    for (let s = 0; s < 40; s++) {
      const run = runSimulation({ ...config, seed: String(s), buggify: true, record: 'full' });
      const fired = buggified(run.trace!);
      for (const e of fired) expect(e.t).toBeLessThan(config.faultsStopUs);
      activeSets.add([...new Set(fired.map((e) => e.name))].sort().join(','));
      expect(runSimulation({ ...config, seed: String(s), buggify: true }).hash).toBe(run.hash);
    }
    // Some runs have no point active, others several: activation is per run.
    expect(activeSets.has('')).toBe(true);
    expect([...activeSets].some((set) => set.split(',').length >= 2)).toBe(true);
  });

  it('the scenario field reads and the correct Raft stays correct under every point', async () => {
    const text = (await import('node:fs')).readFileSync('test/fixtures/scenarios/raft-nemesis-classic.yaml', 'utf8');
    const loaded = await parseScenario(`${text}buggify: true\n`, 'scenarios/raft/nemesis-buggify.yaml');
    expect(loaded.config.buggify).toBe(true);
    for (let s = 0; s < 60; s++) expect(runScenario(loaded, { seed: String(s) }).verdict).toBe('pass');
  });
});

describe("Raft's fault points", () => {
  it('delay-append-reply holds the answer and sends it, in order, when its timer fires', () => {
    const { node, ctx } = makeNode({ id: 1, logTerms: [1] , term: 1 });
    ctx.buggified.add('delay-append-reply');
    node.onMessage(0, { type: 'append', term: 1, prevIndex: 1, prevTerm: 1, entries: [], commit: 0 });
    node.onMessage(0, { type: 'append', term: 1, prevIndex: 1, prevTerm: 1, entries: [], commit: 1 });
    expect(sentOfType(ctx.sent, 'append-reply')).toEqual([]);
    expect(ctx.timers.has('delayed-replies')).toBe(true);
    ctx.buggified.clear();
    node.onTimer('delayed-replies');
    expect(sentOfType(ctx.sent, 'append-reply').map((s) => [s.to, s.msg.success])).toEqual([[0, true], [0, true]]);
  });

  it('drop-append sends nothing to the follower; skip-heartbeat skips the round; short-election-timeout shortens the timer', () => {
    const { node, ctx } = makeNode({ id: 0, logTerms: [1], term: 1 });
    ctx.buggified.add('short-election-timeout');
    node.onMessage(1, { type: 'append', term: 2, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 });
    expect(ctx.timers.get('election')).toBeLessThanOrEqual(150_000 / 4);

    const leader = makeNode({ id: 0, logTerms: [1], term: 1 });
    electLeader(leader.node, leader.ctx);
    expect(leader.node.role).toBe('leader');
    leader.ctx.sent = [];
    leader.ctx.buggified.add('drop-append');
    leader.node.onTimer('heartbeat');
    expect(sentOfType(leader.ctx.sent, 'append')).toEqual([]);
    leader.ctx.buggified.clear();
    leader.ctx.buggified.add('skip-heartbeat');
    leader.node.onTimer('heartbeat');
    expect(sentOfType(leader.ctx.sent, 'append')).toEqual([]);
    expect(leader.ctx.timers.has('heartbeat')).toBe(true);
    leader.ctx.buggified.clear();
    leader.node.onTimer('heartbeat');
    expect(sentOfType(leader.ctx.sent, 'append').map((s) => s.to)).toEqual([1, 2, 3, 4]);
  });
});
