// Zab's invariants: each one fed notes by hand (it fails on the wrong step and passes the
// right one), and each shown to catch a bug variant on the nemesis with the others off.
import { describe, expect, it } from 'vitest';
import { applyKnobs, drawKnobs } from '../../../explore/swarm.js';
import { DeliveredPrefix, OneLeaderPerEpoch, PrimaryIntegrity, PrimaryOrder, zabInvariants } from '../../../protocols/zab/invariants.js';
import type { ZabNode } from '../../../protocols/zab/node.js';
import { zxid } from '../../../protocols/zab/types.js';
import { loadScenario } from '../../../scenario/load.js';
import type { ClusterView, Note } from '../../../sim/types.js';
import { runSimulation } from '../../../sim/world.js';
import { storageWith, txn, makeNode } from './fake-context.js';

/** A view whose actors are fixed objects (one incarnation each), or given ones. */
function viewOf(actors: Array<ZabNode | undefined> = []): ClusterView<ZabNode> {
  const stand = [{}, {}, {}] as unknown as ZabNode[];
  return { actor: (n: number) => actors[n] ?? stand[n], nodeCount: 3 } as unknown as ClusterView<ZabNode>;
}
const note = (node: number, kind: string, data: Record<string, unknown>): Note => ({ node, kind, data, timeUs: 0 });
const deliver = (node: number, index: number, epoch: number, counter: number) => note(node, 'deliver', { index, zxid: zxid(epoch, counter), id: `t${epoch}.${counter}` });

describe('invariants, fed by hand', () => {
  it('one-leader-per-epoch: a second peer established in an epoch fails', () => {
    const inv = new OneLeaderPerEpoch();
    expect(inv.onNote(note(0, 'become-leader', { epoch: 1 }))).toBeUndefined();
    expect(inv.onNote(note(1, 'become-leader', { epoch: 2 }))).toBeUndefined();
    expect(inv.onNote(note(2, 'become-leader', { epoch: 1 }))).toMatch(/epoch 1 has two established leaders: n1 and n3/);
  });

  it('delivered-prefix: same sequence on every peer, in order', () => {
    const inv = new DeliveredPrefix();
    const view = viewOf();
    expect(inv.onNote(deliver(0, 1, 1, 1), view)).toBeUndefined();
    expect(inv.onNote(deliver(1, 1, 1, 1), view)).toBeUndefined();
    expect(inv.onNote(deliver(0, 2, 1, 2), view)).toBeUndefined();
    expect(inv.onNote(deliver(1, 2, 2, 1), view)).toMatch(/delivery 2 was t1.2 .* but t2.1/);
    expect(new DeliveredPrefix().onNote(deliver(0, 2, 1, 2), view)).toMatch(/not in order/);
  });

  it('primary-order: zxids go up, an epoch starts at counter 1 and skips none', () => {
    const view = viewOf();
    const ok = new PrimaryOrder();
    for (const [i, e, c] of [[1, 1, 1], [2, 1, 2], [3, 3, 1], [4, 3, 2]]) expect(ok.onNote(deliver(0, i, e, c), view)).toBeUndefined();
    const skip = new PrimaryOrder();
    skip.onNote(deliver(0, 1, 1, 1), view);
    expect(skip.onNote(deliver(0, 2, 1, 3), view)).toMatch(/skips 1.2/);
    const late = new PrimaryOrder();
    expect(late.onNote(deliver(0, 1, 2, 2), view)).toMatch(/first of epoch 2 must be 2.1/);
    const back = new PrimaryOrder();
    back.onNote(deliver(0, 1, 2, 1), view);
    expect(back.onNote(deliver(0, 2, 1, 5), view)).toMatch(/must increase/);
  });

  it('primary-integrity: an established leader holds everything delivered', () => {
    const good = makeNode({ id: 1, storage: storageWith({ history: [txn(1, 1), txn(1, 2)] }) }).node;
    const short = makeNode({ id: 2, storage: storageWith({ history: [txn(1, 1)] }) }).node;
    const inv = new PrimaryIntegrity();
    const view = viewOf([undefined, good, short]);
    inv.onNote(deliver(0, 1, 1, 1), view);
    inv.onNote(deliver(0, 2, 1, 2), view);
    expect(inv.onNote(note(1, 'become-leader', { epoch: 2 }), view)).toBeUndefined();
    expect(inv.onNote(note(2, 'become-leader', { epoch: 3 }), view)).toMatch(/without delivered transaction 2/);
  });

  it('primary-integrity: a leader of an older epoch established late is held only to the older epochs', () => {
    const stale = makeNode({ id: 1, storage: storageWith({ history: [txn(1, 1)] }) }).node;
    const inv = new PrimaryIntegrity();
    const view = viewOf([undefined, stale]);
    inv.onNote(deliver(0, 1, 1, 1), view);
    inv.onNote(deliver(0, 2, 3, 1), view);
    expect(inv.onNote(note(1, 'become-leader', { epoch: 2 }), view)).toBeUndefined();
    expect(inv.onNote(note(1, 'become-leader', { epoch: 4 }), view)).toMatch(/without delivered transaction 2/);
  });

  it.each([
    { name: 'a truncation', change: (n: ZabNode) => (n.durable.truncate(zxid(1, 1)), n.durable.append(txn(2, 1))) },
    { name: 'a replaced history', change: (n: ZabNode) => n.durable.replace(undefined, [txn(1, 1), txn(2, 1)]) },
  ])('primary-integrity: after $name below the proven prefix, the next establishment is checked again', ({ change }) => {
    const node = makeNode({ id: 1, storage: storageWith({ history: [txn(1, 1), txn(1, 2)] }) }).node;
    const inv = new PrimaryIntegrity();
    const view = viewOf([undefined, node]);
    inv.onNote(deliver(0, 1, 1, 1), view);
    inv.onNote(deliver(0, 2, 1, 2), view);
    expect(inv.onNote(note(1, 'become-leader', { epoch: 2 }), view)).toBeUndefined(); // proves both
    change(node);
    expect(inv.onNote(note(1, 'become-leader', { epoch: 3 }), view)).toMatch(/established in epoch 3 with t2.1 at 2, where t1.2 .* was delivered/);
  });

  it('primary-integrity: a restarted peer is checked in full', () => {
    const inv = new PrimaryIntegrity();
    const first = makeNode({ id: 1, storage: storageWith({ history: [txn(1, 1), txn(1, 2)] }) }).node;
    const actors: Array<ZabNode | undefined> = [undefined, first];
    const view = viewOf(actors);
    inv.onNote(deliver(0, 1, 1, 1), view);
    inv.onNote(deliver(0, 2, 1, 2), view);
    expect(inv.onNote(note(1, 'become-leader', { epoch: 2 }), view)).toBeUndefined();
    actors[1] = makeNode({ id: 1, storage: storageWith({ history: [txn(1, 1), txn(2, 1)] }) }).node;
    expect(inv.onNote(note(1, 'become-leader', { epoch: 3 }), view)).toMatch(/with t2.1 at 2/);
  });

  it('the protocol declares them all', () => {
    expect(zabInvariants().map((i) => i.name)).toEqual(['one-leader-per-epoch', 'delivered-prefix', 'primary-order', 'primary-integrity', 'snapshot-committed', 'monotonic-epochs']);
  });
});

describe('each invariant catches a bug variant on its own (the others off), within a few hundred nemesis seeds', () => {
  const cases = [
    { bug: 'volatile-epoch', check: 'monotonic-epochs' },
    { bug: 'volatile-epoch', check: 'one-leader-per-epoch' },
    { bug: 'diff-without-trunc', check: 'delivered-prefix' },
    { bug: 'diff-without-trunc', check: 'primary-integrity' },
    { bug: 'diff-without-trunc', check: 'primary-order' },
  ];
  it.each(cases)('$bug: $check', async ({ bug, check }) => {
    const loaded = await loadScenario('scenarios/zab/nemesis.yaml');
    let found: string | undefined;
    for (let s = 0; s < 200 && found === undefined; s++) {
      const config = applyKnobs({ ...loaded.config, seed: String(s), bugs: [bug], checks: [check] }, drawKnobs(String(s), loaded.config, loaded.swarm));
      const r = runSimulation(config);
      if (r.violations.length > 0) found = r.violations[0].checker;
    }
    expect(found).toBe(check);
    // The correct protocol passes the same check on the same seeds (spot-checked on the first few).
    for (let s = 0; s < 5; s++) {
      const config = applyKnobs({ ...loaded.config, seed: String(s), bugs: [], checks: [check] }, drawKnobs(String(s), loaded.config, loaded.swarm));
      expect(runSimulation(config).violations).toEqual([]);
    }
  }, 60_000);
});
