// Snapshots and log compaction (ZooKeeper's snapCount: a server snapshots its data tree at
// its last delivered zxid and truncates its transaction log below it): taking one, a restart
// from it (and from a crash between the snapshot and the compaction), SNAP sync with the
// leader's snapshot (in sync, and for a follower in broadcast behind it), the invariants'
// view of compacted histories, the snapshot-uncommitted variant; then, over seeds under the
// nemesis, compacted Zab passes every check, and its held log stays bounded on a long run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../../checkers/linearizability/index.js';
import { applyKnobs, drawKnobs } from '../../../explore/swarm.js';
import { zab } from '../../../protocols/zab/index.js';
import { DeliveredPrefix, PrimaryIntegrity, PrimaryOrder, SnapshotCommitted, zabInvariants } from '../../../protocols/zab/invariants.js';
import type { ZabNode } from '../../../protocols/zab/node.js';
import { syncPlan } from '../../../protocols/zab/sync.js';
import { DataTree } from '../../../protocols/zab/tree.js';
import { SNAPSHOT_KEY, zxid, type Txn, type ZabSnapshot } from '../../../protocols/zab/types.js';
import { loadScenario, type LoadedScenario } from '../../../scenario/load.js';
import type { SimConfig } from '../../../sim/config.js';
import type { ClusterView, Note } from '../../../sim/types.js';
import { runSimulation } from '../../../sim/world.js';
import { FakeStorage, makeNode, sentOfType, storageWith, txn, type FakeContext } from './fake-context.js';

const ids = (h: readonly Txn[]): string[] => h.map((t) => t.id);
const range = (from: number, to: number, epoch = 1): Txn[] => Array.from({ length: to - from + 1 }, (_, i) => txn(epoch, from + i));

/** The snapshot of txns 1..count of epoch 1 (the tree they build). */
function snapshotOf(count: number): ZabSnapshot {
  const tree = new DataTree();
  const txns = range(1, count);
  for (const t of txns) tree.apply(t);
  const last = txns[txns.length - 1];
  return Object.freeze({ count, zxid: last.zxid, id: last.id, tree: tree.image() });
}

/** n1 (id 0) following n3 (id 2) in epoch 2, synced by DIFF to `txns`, in broadcast once COMMIT-LD says `committed`. */
function follower(txns: readonly Txn[], committed: number, options: Record<string, unknown>, storage = new FakeStorage(), bugs: string[] = []): { node: ZabNode; ctx: FakeContext } {
  const made = makeNode({ id: 0, storage, bugs, options });
  const { node } = made;
  node.onMessage(2, { type: 'NOTIFY', round: 1, vote: { leader: 2, zxid: node.durable.lastZxid() + 1 }, state: 'looking' });
  node.onTimer('finalize');
  node.onMessage(2, { type: 'NEWEPOCH', epoch: 2 });
  const last = node.durable.lastZxid();
  node.onMessage(2, { type: 'SYNC', epoch: 2, mode: 'DIFF', forZxid: last, truncTo: last, txns });
  node.onMessage(2, { type: 'NEWLEADER', epoch: 2, zxid: node.durable.lastZxid() });
  node.onMessage(2, { type: 'COMMIT-LD', epoch: 2, committed });
  expect(node.following?.phase).toBe('broadcast');
  return made;
}

const paths = (node: ZabNode): string[] => [...node.tree.nodes.keys()];

describe('taking a snapshot', () => {
  it('once snapshotEvery transactions are delivered: the tree at the last delivered zxid, durable, the log below it compacted', () => {
    const { node, ctx } = follower(range(1, 6), zxid(1, 5), { snapshotEvery: 4 });
    const d = node.durable;
    expect([node.delivered, d.base, d.length, d.lastZxid()]).toEqual([5, 5, 6, zxid(1, 6)]);
    expect(ids(d.history)).toEqual(['t1.6']);
    expect(d.snapshot).toMatchObject({ count: 5, zxid: zxid(1, 5), id: 't1.5' });
    expect(d.snapshot!.tree.nodes.map(([k]) => k)).toEqual(['/t1.1', '/t1.2', '/t1.3', '/t1.4', '/t1.5']);
    const st = ctx.storage;
    expect(st.synced.get(SNAPSHOT_KEY)).toBe(d.snapshot);
    expect([st.logStart, st.syncedStart, st.logLength]).toEqual([5, 5, 6]);
    expect(ctx.notes.filter((n) => n.kind === 'snapshot-taken').map((n) => n.data)).toEqual([{ count: 5, zxid: zxid(1, 5), id: 't1.5', delivered: 5 }]);
    // Later deliveries do not change the snapshot's tree.
    node.onMessage(2, { type: 'COMMIT', epoch: 2, zxid: zxid(1, 6) });
    expect(d.snapshot!.tree.nodes).toHaveLength(5);
    expect(paths(node)).toHaveLength(6);
  });

  it('never with snapshotEvery 0', () => {
    const { node, ctx } = follower(range(1, 6), zxid(1, 6), { snapshotEvery: 0 });
    expect([node.durable.base, node.durable.history.length, ctx.storage.logStart]).toEqual([0, 6, 0]);
    expect(ctx.notes.some((n) => n.kind.startsWith('snapshot-'))).toBe(false);
  });
});

describe('a restart from the snapshot', () => {
  it('loads the tree from the snapshot and the log above it; delivery goes on from there', () => {
    const first = follower(range(1, 6), zxid(1, 5), { snapshotEvery: 4 });
    const { node, ctx } = makeNode({ id: 0, storage: first.ctx.storage, options: { snapshotEvery: 4 } });
    const d = node.durable;
    expect([node.delivered, d.base, d.lastZxid()]).toEqual([5, 5, zxid(1, 6)]);
    expect(ids(d.history)).toEqual(['t1.6']);
    expect(paths(node)).toEqual(['/t1.1', '/t1.2', '/t1.3', '/t1.4', '/t1.5']);
    expect(node.summary()).toMatchObject({ history: 6, delivered: 5 });
    // The loaded note is emitted at start (makeNode clears notes after it): a fresh node shows it.
    const again = zab.createActor(new (ctx.constructor as new (...a: unknown[]) => FakeContext)(0, 3, [], first.ctx.storage), { snapshotEvery: 4 });
    const actx = (again as unknown as { ctx: FakeContext }).ctx;
    again.onStart();
    expect(actx.notes.find((n) => n.kind === 'snapshot-loaded')?.data).toEqual({ count: 5, zxid: zxid(1, 5), id: 't1.5', delivered: 5 });
  });

  it('after a crash between the snapshot and the compaction: the log above the snapshot is kept when it holds the snapshot’s last zxid', () => {
    const storage = storageWith({ acceptedEpoch: 1, currentEpoch: 1, history: range(1, 6) });
    storage.put(SNAPSHOT_KEY, snapshotOf(3));
    storage.sync();
    const { node } = makeNode({ id: 0, storage });
    expect([node.delivered, node.durable.base]).toEqual([3, 3]);
    expect(ids(node.durable.history)).toEqual(['t1.4', 't1.5', 't1.6']);
    expect(storage.logStart).toBe(3);
  });

  it('... and dropped when it does not (it went another way below the snapshot’s end: never committed)', () => {
    const storage = storageWith({ acceptedEpoch: 1, currentEpoch: 1, history: [txn(1, 1), txn(1, 2), txn(2, 1), txn(2, 2)] });
    storage.put(SNAPSHOT_KEY, snapshotOf(3));
    storage.sync();
    const { node } = makeNode({ id: 0, storage });
    expect([node.delivered, node.durable.base, node.durable.lastZxid()]).toEqual([3, 3, zxid(1, 3)]);
    expect(node.durable.history).toEqual([]);
    expect([storage.logStart, storage.logLength]).toEqual([3, 3]);
  });
});

describe('SNAP with the leader’s snapshot', () => {
  it('the plan: a follower below the snapshot gets SNAP (snapshot + log above); at the snapshot DIFF; diverged above it TRUNC to it', () => {
    const snap = snapshotOf(5);
    const h = range(6, 8);
    expect(syncPlan(h, zxid(1, 2), 10, false, snap)).toEqual({ mode: 'SNAP', truncTo: 0, txns: h, snap });
    expect(syncPlan(h, 0, 10, false, snap)).toMatchObject({ mode: 'SNAP', snap });
    expect(syncPlan(h, zxid(1, 5), 10, false, snap)).toEqual({ mode: 'DIFF', truncTo: zxid(1, 5), txns: h });
    expect(syncPlan([txn(2, 1)], zxid(1, 7), 10, false, snap)).toEqual({ mode: 'TRUNC', truncTo: zxid(1, 5), txns: [txn(2, 1)] });
    expect(syncPlan([], zxid(1, 5), 10, false, snap)).toEqual({ mode: 'DIFF', truncTo: zxid(1, 5), txns: [] });
  });

  it('a lagging follower in sync installs the snapshot (tree and log base), durably, then delivers above it', () => {
    const storage = storageWith({ acceptedEpoch: 1, currentEpoch: 1, history: [txn(1, 1)] });
    const { node, ctx } = makeNode({ id: 0, storage });
    node.onMessage(2, { type: 'NOTIFY', round: 1, vote: { leader: 2, zxid: zxid(1, 9) }, state: 'looking' });
    node.onTimer('finalize');
    node.onMessage(2, { type: 'NEWEPOCH', epoch: 2 });
    const snap = snapshotOf(5);
    node.onMessage(2, { type: 'SYNC', epoch: 2, mode: 'SNAP', forZxid: zxid(1, 1), truncTo: 0, txns: [txn(1, 6)], snap });
    const d = node.durable;
    expect([d.base, d.length, node.delivered]).toEqual([5, 6, 5]);
    expect(storage.synced.get(SNAPSHOT_KEY)).toBe(snap);
    expect([storage.syncedStart, storage.syncedLog.length]).toEqual([5, 6]);
    expect(paths(node)).toHaveLength(5);
    node.onMessage(2, { type: 'NEWLEADER', epoch: 2, zxid: zxid(1, 6) });
    node.onMessage(2, { type: 'COMMIT-LD', epoch: 2, committed: zxid(1, 6) });
    expect(node.delivered).toBe(6);
    expect(ctx.notes.filter((n) => n.kind === 'snapshot-installed' || n.kind === 'deliver').map((n) => [n.kind, n.data.count ?? n.data.index])).toEqual([
      ['snapshot-installed', 5],
      ['deliver', 6],
    ]);
  });

  it('a leader sends SNAP to an active follower behind its snapshot; the follower takes it in broadcast and acknowledges', () => {
    // The leader (n3) compacts at 2 (snapshotEvery 2) when established with n1.
    const made = makeNode({ id: 2, storage: storageWith({ acceptedEpoch: 1, currentEpoch: 1, history: range(1, 2) }), options: { snapshotEvery: 2 } });
    const { node, ctx } = made;
    node.onMessage(0, { type: 'NOTIFY', round: 1, vote: { leader: 2, zxid: zxid(1, 2) }, state: 'looking' });
    node.onTimer('finalize');
    node.onMessage(0, { type: 'CEPOCH', acceptedEpoch: 1 });
    node.onMessage(0, { type: 'ACK-E', epoch: 2, currentEpoch: 1, history: range(1, 2) });
    node.onMessage(0, { type: 'ACK-LD', epoch: 2, zxid: zxid(1, 2) });
    expect([node.leading!.established, node.durable.base]).toEqual([true, 2]);
    // n2 comes with nothing: SYNC is a SNAP with the snapshot.
    node.onMessage(1, { type: 'CEPOCH', acceptedEpoch: 0 });
    node.onMessage(1, { type: 'ACK-E', epoch: 2, currentEpoch: 0, history: [] });
    const [sync] = sentOfType(ctx.drain(), 'SYNC').filter((s) => s.to === 1);
    expect(sync.msg).toMatchObject({ mode: 'SNAP', forZxid: 0, txns: [], snap: { count: 2, zxid: zxid(1, 2) } });
    // Say its ACK-LD claims nothing (a stand-in for a follower left behind the snapshot): after a stalled tick, SNAP again.
    node.onMessage(1, { type: 'ACK-LD', epoch: 2, zxid: 0 });
    node.onTimer('tick');
    ctx.drain();
    node.onMessage(0, { type: 'ACK', epoch: 2, zxid: zxid(1, 2) });
    node.onTimer('tick');
    const [again] = sentOfType(ctx.drain(), 'SYNC').filter((s) => s.to === 1);
    expect(again.msg).toMatchObject({ mode: 'SNAP', forZxid: 0, snap: { count: 2 } });

    // The follower's side: in broadcast at 1.1, it takes a SNAP of 5 and acknowledges 1.6.
    const f = follower([txn(1, 1)], zxid(1, 1), {});
    f.ctx.drain();
    f.node.onMessage(2, { type: 'SYNC', epoch: 2, mode: 'SNAP', forZxid: zxid(1, 1), truncTo: 0, txns: [txn(1, 6)], snap: snapshotOf(5) });
    expect([f.node.delivered, f.node.durable.base, f.node.durable.lastZxid()]).toEqual([5, 5, zxid(1, 6)]);
    expect(sentOfType(f.ctx.drain(), 'ACK').map((s) => s.msg.zxid)).toEqual([zxid(1, 6)]);
    expect(f.ctx.storage.unsyncedCount).toBe(0);
  });

  it('keeps its own snapshot when it is newer than the leader’s', () => {
    const { node } = follower(range(1, 6), zxid(1, 5), { snapshotEvery: 4 });
    node.durable.replace(snapshotOf(3), range(4, 7));
    node.durable.save();
    expect([node.durable.base, node.delivered]).toEqual([5, 5]);
    expect(ids(node.durable.history)).toEqual(['t1.6', 't1.7']);
  });
});

const note = (node: number, kind: string, data: Record<string, unknown>): Note => ({ node, kind, data, timeUs: 0 }) as Note;
const deliver = (node: number, index: number, counter: number): Note => note(node, 'deliver', { index, zxid: zxid(1, counter), id: `t1.${counter}` });
const snapNote = (node: number, kind: string, count: number, counter: number, delivered = count): Note => note(node, kind, { count, zxid: zxid(1, counter), id: `t1.${counter}`, delivered });

describe('the invariants over compacted histories', () => {
  const view = { nodeCount: 2, actor: () => undefined } as unknown as ClusterView<ZabNode>;

  it('snapshot-committed: a snapshot ends with what was delivered at its count; taken at most at the node’s delivered point', () => {
    const inv = new SnapshotCommitted();
    for (let i = 1; i <= 3; i++) inv.onNote(deliver(0, i, i));
    expect(inv.onNote(snapNote(0, 'snapshot-taken', 3, 3))).toBeUndefined();
    expect(inv.onNote(snapNote(1, 'snapshot-installed', 3, 3))).toBeUndefined();
    expect(inv.onNote(snapNote(1, 'snapshot-loaded', 3, 4))).toMatch(/loaded a snapshot of 3 transactions to zxid 1.4, where zxid 1.3 was delivered/);
    expect(inv.onNote(snapNote(1, 'snapshot-installed', 4, 4))).toMatch(/which nobody delivered/);
    expect(inv.onNote(snapNote(0, 'snapshot-taken', 4, 4, 3))).toMatch(/above the 3 it delivered/);
  });

  it('delivered-prefix and primary-order: a node that loaded a snapshot delivers on from its count and zxid', () => {
    const prefix = new DeliveredPrefix();
    const order = new PrimaryOrder();
    for (let i = 1; i <= 3; i++) {
      expect(prefix.onNote(deliver(0, i, i), view)).toBeUndefined();
      expect(order.onNote(deliver(0, i, i), view)).toBeUndefined();
    }
    for (const inv of [prefix, order]) inv.onNote(snapNote(1, 'snapshot-loaded', 3, 3), view);
    expect(prefix.onNote(deliver(1, 4, 4), view)).toBeUndefined();
    expect(order.onNote(deliver(1, 4, 4), view)).toBeUndefined();
    expect(prefix.onNote(deliver(1, 6, 6), view)).toMatch(/index 6 after index 4/);
    expect(order.onNote(deliver(1, 6, 6), view)).toMatch(/skips 1.5/);
  });

  it('one snapshot floor per run: delivered-prefix, primary-integrity and snapshot-committed read the servers once per snapshot note', () => {
    let reads = 0;
    const counted = { nodeCount: 3, actor: () => (reads++, undefined) } as unknown as ClusterView<ZabNode>;
    const trimmers = zabInvariants().filter((i) => i instanceof DeliveredPrefix || i instanceof PrimaryIntegrity || i instanceof SnapshotCommitted);
    expect(trimmers).toHaveLength(3);
    for (let i = 1; i <= 3; i++) for (const inv of trimmers) inv.onNote!(deliver(0, i, i), counted);
    reads = 0;
    const taken = snapNote(0, 'snapshot-taken', 3, 3);
    for (const inv of trimmers) expect(inv.onNote!(taken, counted)).toBeUndefined();
    expect(reads).toBe(3);
  });
});

describe('snapshot-uncommitted', () => {
  it('a server with the bug snapshots its whole log, proposals not yet committed included; snapshot-committed catches it at that note', () => {
    const { node, ctx } = follower(range(1, 8), zxid(1, 5), { snapshotEvery: 4 }, new FakeStorage(), ['snapshot-uncommitted']);
    expect([node.durable.base, node.delivered]).toEqual([8, 8]);
    const asNote = (n: { kind: string; data: Record<string, unknown> }): Note => ({ node: 0, timeUs: 0, ...n }) as Note;
    const taken = asNote(ctx.notes.find((n) => n.kind === 'snapshot-taken')!);
    expect(taken.data).toEqual({ count: 8, zxid: zxid(1, 8), id: 't1.8', delivered: 5 });
    const inv = new SnapshotCommitted();
    for (const n of ctx.notes.filter((x) => x.kind === 'deliver')) inv.onNote(asNote(n));
    expect(inv.onNote(taken)).toMatch(/took a snapshot of 8 transactions .* above the 5 it delivered/);
  });
});

// ---------------------------------------------------------------------------------------
// Whole runs.

const nemesisFile = 'scenarios/zab/nemesis.yaml';

function fuzzConfig(loaded: LoadedScenario, seed: number, snapshotEvery: number, bugs: string[] = []): SimConfig {
  const config = applyKnobs({ ...loaded.config, seed: String(seed), bugs }, drawKnobs(String(seed), loaded.config, loaded.swarm));
  return { ...config, protocolOptions: { ...config.protocolOptions, snapshotEvery } };
}

describe('compacted and uncompacted Zab under the nemesis', () => {
  it('pass every invariant and give linearizable histories, snapshots being taken, loaded and installed (fast-check over seeds)', async () => {
    const loaded = await loadScenario(nemesisFile);
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.constantFrom(0, 3, 16), (seed, snapshotEvery) => {
        const r = runSimulation({ ...fuzzConfig(loaded, seed, snapshotEvery), record: 'full' });
        expect(r.violations).toEqual([]);
        expect(checkHistory(r.history, 'zk', { budgetSteps: 20_000_000 }).verdict).toBe('linearizable');
        const snapshots = r.trace!.filter((e) => e.k === 'note' && e.kind.startsWith('snapshot-'));
        if (snapshotEvery === 0) expect(snapshots).toEqual([]);
        for (const e of snapshots) if (e.k === 'note') seen.set(e.kind, (seen.get(e.kind) ?? 0) + 1);
      }),
      { seed: 16, numRuns: 30 },
    );
    for (const kind of ['snapshot-taken', 'snapshot-loaded', 'snapshot-installed']) expect(seen.get(kind) ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it('snapshot-uncommitted is found by snapshot-committed within a few seeds; the correct Zab passes the same seeds', async () => {
    const loaded = await loadScenario(nemesisFile);
    let found = -1;
    for (let seed = 0; seed < 10 && found < 0; seed++) {
      const r = runSimulation(fuzzConfig(loaded, seed, 16, ['snapshot-uncommitted']));
      if (r.violations.length > 0) {
        expect(r.violations[0].checker).toBe('snapshot-committed');
        found = seed;
      }
    }
    expect(found).toBeGreaterThanOrEqual(0);
    expect(runSimulation(fuzzConfig(loaded, found, 16)).violations).toEqual([]);
  });

  it('the log a server holds, and what the invariants hold, stay bounded over a long run with snapshots, and grow without them', async () => {
    const loaded = await loadScenario(nemesisFile);
    const durationUs = 40_000_000;
    const held = (snapshotEvery: number): { max: number; checks: number; delivered: number } => {
      const actors: ZabNode[] = [];
      let invariants: ReturnType<typeof zabInvariants> = [];
      const protocol = {
        ...zab,
        createActor: (ctx: Parameters<typeof zab.createActor>[0], options: Record<string, unknown>) => (actors[ctx.id] = zab.createActor(ctx, options)),
        invariants: () => (invariants = zabInvariants()),
      };
      let max = 0;
      let checks = 0;
      const sample = (): boolean => {
        for (const a of actors) if (a !== undefined && a.durable.history.length > max) max = a.durable.history.length;
        const [, prefix, , , committed] = invariants as [unknown, DeliveredPrefix, unknown, unknown, SnapshotCommitted];
        checks = Math.max(checks, prefix.held + committed.held);
        return false;
      };
      const config = { ...fuzzConfig(loaded, 3, snapshotEvery), protocol, durationUs, faultsStopUs: durationUs - 4_000_000 };
      const r = runSimulation(config, { shouldStop: sample });
      sample();
      expect(r.violations).toEqual([]);
      return { max, checks, delivered: Math.max(...actors.map((a) => a.delivered)) };
    };
    const compacted = held(32);
    const whole = held(0);
    console.info(`zab held over ${durationUs / 1e6} s: log ${whole.max}, invariants ${whole.checks} without snapshots (${whole.delivered} delivered); ${compacted.max} and ${compacted.checks} with snapshotEvery 32 (${compacted.delivered} delivered)`);
    // Not vacuous: the run delivers many times the bound.
    expect(whole.delivered).toBeGreaterThan(800);
    expect(whole.max).toBeGreaterThan(800);
    expect(compacted.delivered).toBeGreaterThan(800);
    // Above the snapshot: fewer than snapshotEvery delivered, plus what is not yet committed.
    expect(compacted.max).toBeLessThan(32 + 100);
    expect(whole.checks).toBeGreaterThan(1_600);
    // Trimmed in steps of 256 below the least snapshot.
    expect(compacted.checks).toBeLessThan(2 * (256 + 32 + 100));
  }, 60_000);
});
