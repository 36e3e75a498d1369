// Node roles and client actors, through the primary-backup fixture: faults aimed at a role
// hit only that role's nodes; a pause aimed at one client shows in the trace and changes
// what that client does; the clients' own history goes through the linearizability checker.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../checkers/index.js';
import type { FaultAction, ScriptedFault, SimConfig } from '../../sim/config.js';
import type { RunResult, TraceEvent } from '../../sim/result.js';
import { runSimulation } from '../../sim/world.js';
import { registerWorkload } from '../../workloads/index.js';
import { protocol as pb } from '../fixtures/protocols/primary-backup.js';
import { fcSeed } from './fc-seed.js';

const ROLES = [['primary'], ['backup'], ['backup'], ['backup']];
const PRIMARY = 0;
const BACKUPS = [1, 2, 3];
const NODES = ROLES.length;
/** Client actor endpoints come after the nodes. */
const C1 = NODES;

function pbConfig(overrides: Partial<SimConfig> = {}): SimConfig {
  return {
    protocol: pb,
    protocolOptions: {},
    nodes: NODES,
    roles: ROLES,
    seed: '1',
    durationUs: 2_000_000,
    faultsStopUs: 1_500_000,
    network: { latency: { kind: 'uniform', minUs: 1_000, maxUs: 5_000 }, lossPpm: 0, duplicatePpm: 0, cut: [] },
    storage: { loseUnsyncedOnCrash: false },
    clients: {
      clients: 3,
      generator: registerWorkload,
      workload: { keyCount: 1, mix: { read: 2, write: 1, cas: 1 } },
      thinkUs: [0, 10_000],
      requestTimeoutUs: 50_000,
      opTimeoutUs: 200_000,
    },
    faults: [],
    bugs: [],
    record: 'full',
    checkEveryEvents: 1,
    maxEvents: 10_000_000,
    ...overrides,
  };
}

const at = (atUs: number, action: FaultAction): ScriptedFault => ({ atUs, action });
/** The trace events of one kind (also of a kind that shares its shape with others, like crash and pause). */
type OfKind<K, T = TraceEvent> = T extends { k: infer KK } ? (K extends KK ? T : never) : never;
const ofKind = <K extends TraceEvent['k']>(trace: readonly TraceEvent[], k: K) => trace.filter((e): e is OfKind<K> => e.k === k);
const opsOf = (r: RunResult, process: number) => r.history.filter((e) => e.process === process && e.type === 'invoke').length;

describe('roles', () => {
  it('the trace names every actor\'s roles, nodes then client actors', () => {
    const r = runSimulation(pbConfig());
    expect(ofKind(r.trace!, 'roles').map((e) => [e.node, e.roles])).toEqual([
      [0, ['primary']],
      [1, ['backup']],
      [2, ['backup']],
      [3, ['backup']],
      [4, ['client']],
      [5, ['client']],
      [6, ['client']],
    ]);
  });

  it('a crash aimed at a role picks only nodes of that role, whatever the seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (seed, atUs) => {
        const r = runSimulation(pbConfig({ seed: String(seed), record: 'fuzz', faults: [at(atUs, { kind: 'crash', node: { role: 'backup' } })] }));
        const crashes = r.faultLog.filter((f) => f.action.kind === 'crash');
        expect(crashes).toHaveLength(1);
        expect(BACKUPS).toContain((crashes[0].action as { node: number }).node);
      }),
      { seed: fcSeed, numRuns: 60 },
    );
  });

  it('different seeds pick different nodes of the role', () => {
    const picked = new Set<number>();
    for (let s = 0; s < 30; s++) {
      const r = runSimulation(pbConfig({ seed: String(s), record: 'fuzz', faults: [at(100_000, { kind: 'crash', node: { role: 'backup' } })] }));
      picked.add((r.faultLog[0].action as { node: number }).node);
    }
    expect([...picked].sort()).toEqual(BACKUPS);
  });

  it('a fault aimed at every node of a role hits each of them and no other', () => {
    const r = runSimulation(pbConfig({ faults: [at(100_000, { kind: 'crash', node: { role: 'backup', all: true } })] }));
    expect(r.faultLog.map((f) => (f.action as { node: number }).node)).toEqual(BACKUPS);
    const crashed = ofKind(r.trace!, 'crash').map((e) => e.node);
    expect(crashed).toEqual(BACKUPS);
    expect(crashed).not.toContain(PRIMARY);
  });

  it('nodes learn their role and the nodes of each role from the context', () => {
    const r = runSimulation(pbConfig());
    const summaries = ofKind(r.trace!, 'state').filter((e) => e.node < NODES);
    expect(summaries.find((e) => e.node === 0)!.summary.role).toBe('primary');
    for (const b of BACKUPS) expect(summaries.find((e) => e.node === b)!.summary.role).toBe('backup');
    // Every backup received the primary's copies.
    const copies = ofKind(r.trace!, 'deliver').filter((e) => (e.msg as { type: string }).type === 'copy');
    expect(new Set(copies.map((e) => e.to))).toEqual(new Set(BACKUPS));
  });

  it('the nemesis aims crashes at its target roles, within each role\'s cap', () => {
    for (let s = 0; s < 20; s++) {
      const r = runSimulation(
        pbConfig({
          seed: String(s),
          record: 'fuzz',
          nemesis: {
            weights: { crash: 1 },
            intervalUs: [10_000, 50_000],
            durationUs: [50_000, 200_000],
            maxCrashed: 3,
            maxCrashedByRole: { backup: 1 },
            targetRoles: ['backup'],
            clockJumpMaxUs: 0,
            clockDriftMaxPpm: 0,
          },
        }),
      );
      const down = new Set<number>();
      const crashes = r.faultLog.filter((f) => f.action.kind === 'crash' || f.action.kind === 'restart');
      expect(crashes.length).toBeGreaterThan(0);
      for (const f of crashes) {
        const node = (f.action as { node: number }).node;
        expect(BACKUPS).toContain(node);
        if (f.action.kind === 'crash') down.add(node);
        else down.delete(node);
        expect(down.size).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('client actors', () => {
  it('record their own history, with true times, and it is linearizable', () => {
    for (let s = 0; s < 20; s++) {
      const r = runSimulation(pbConfig({ seed: String(s), record: 'fuzz' }));
      const invokes = r.history.filter((e) => e.type === 'invoke');
      expect(invokes.length).toBeGreaterThan(50);
      expect(new Set(invokes.map((e) => e.process))).toEqual(new Set([0, 1, 2]));
      const times = r.history.map((e) => e.timeUs);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(checkHistory(r.history, pb.model).verdict).toBe('linearizable');
    }
  });

  it('the checker rejects the history of the backup-read variant', () => {
    let rejected = 0;
    for (let s = 0; s < 10; s++) {
      const r = runSimulation(pbConfig({ seed: String(s), record: 'fuzz', bugs: ['backup-read'], network: { latency: { kind: 'uniform', minUs: 1_000, maxUs: 30_000 }, lossPpm: 0, duplicatePpm: 0, cut: [] } }));
      if (checkHistory(r.history, pb.model).verdict === 'not-linearizable') rejected++;
    }
    expect(rejected).toBeGreaterThan(5);
  });

  it('a pause aimed at one client shows in the trace and makes that client renew its lease', () => {
    const plain = runSimulation(pbConfig());
    const paused = runSimulation(pbConfig({ faults: [at(500_000, { kind: 'pause', node: C1, durationUs: 400_000 })] }));
    const pauses = ofKind(paused.trace!, 'pause');
    const resumes = ofKind(paused.trace!, 'resume');
    expect(pauses.map((e) => [e.node, e.t])).toEqual([[C1, 500_000]]);
    expect(resumes.map((e) => [e.node, e.t])).toEqual([[C1, 900_000]]);
    // The paused client handles nothing while paused...
    const handled = paused.trace!.filter((e) => (e.k === 'deliver' || e.k === 'timer') && ('to' in e ? e.to : e.node) === C1 && e.t > 500_000 && e.t < 900_000);
    expect(handled).toEqual([]);
    // ...then finds its lease over on its own clock and asks for a new one first.
    const afterResume = ofKind(paused.trace!, 'note').filter((e) => e.node === C1 && e.t >= 900_000);
    expect(afterResume[0]?.kind).toBe('lease-expired');
    expect(afterResume[1]?.kind).toBe('lease-request');
    // It issues fewer operations than without the pause; another client is not held up.
    expect(opsOf(paused, 0)).toBeLessThan(opsOf(plain, 0) - 10);
    expect(opsOf(paused, 1)).toBeGreaterThan(opsOf(plain, 1) - 10);
  });

  it('a crashed client leaves its open operation indeterminate and comes back as a new process', () => {
    let checked = 0;
    for (let s = 0; s < 20 && checked < 5; s++) {
      const r = runSimulation(pbConfig({ seed: String(s), faults: [at(300_003, { kind: 'crash', node: C1 }), at(400_000, { kind: 'restart', node: C1 })] }));
      const crashInfo = r.history.find((e) => e.type === 'info' && e.error === 'crashed');
      const after = r.history.filter((e) => e.timeUs > 400_000 && e.type === 'invoke').map((e) => e.process);
      expect(after).not.toContain(0);
      expect(Math.max(...after)).toBeGreaterThanOrEqual(3);
      if (crashInfo !== undefined) {
        expect(crashInfo.process).toBe(0);
        expect(crashInfo.timeUs).toBe(300_003);
        checked++;
      }
      expect(checkHistory(r.history, pb.model).verdict).toBe('linearizable');
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('clock faults aimed at a client move only that client\'s clock', () => {
    const r = runSimulation(pbConfig({ faults: [at(200_000, { kind: 'clock-jump', node: { role: 'client' }, byUs: 1_000_000 })] }));
    expect(r.faultLog).toHaveLength(1);
    expect([C1, C1 + 1, C1 + 2]).toContain((r.faultLog[0].action as { node: number }).node);
    expect(checkHistory(r.history, pb.model).verdict).toBe('linearizable');
  });

  it('same seed, same faults: same hash; the run is deterministic with client actors', () => {
    const faults = [at(300_000, { kind: 'pause', node: { role: 'client' }, durationUs: 200_000 }), at(600_000, { kind: 'crash', node: { role: 'backup' } })];
    const hashes = new Set<string>();
    for (let s = 0; s < 10; s++) {
      const a = runSimulation(pbConfig({ seed: String(s), faults, record: 'fuzz' }));
      const b = runSimulation(pbConfig({ seed: String(s), faults, record: 'full' }));
      expect(b.hash).toBe(a.hash);
      hashes.add(a.hash);
    }
    expect(hashes.size).toBe(10);
  });
});
