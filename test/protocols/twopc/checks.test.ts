// twopc's own checks, fed by hand: lock-conflict, liveness, the blocked-transactions
// observer, and the options reader.
import { describe, expect, it } from 'vitest';
import { LockConflict } from '../../../protocols/twopc/invariants.js';
import { TwoPcLiveness } from '../../../protocols/twopc/liveness.js';
import type { TwoPcNode } from '../../../protocols/twopc/node.js';
import { BlockedTransactions } from '../../../protocols/twopc/observers.js';
import { parseTwoPcOptions, TwoPcOptionError } from '../../../protocols/twopc/options.js';
import type { ClusterView, HistoryEvent, Note } from '../../../sim/types.js';
import { COORD, participant } from './fake-context.js';

function viewOf(actors: Array<TwoPcNode | undefined>): ClusterView<TwoPcNode> {
  return { actor: (n: number) => actors[n], nodeCount: actors.length } as unknown as ClusterView<TwoPcNode>;
}
const note = (node: number, kind: string, data: Record<string, unknown>, timeUs = 0): Note => ({ node, kind, data, timeUs });

describe('lock-conflict', () => {
  it('holds for compatible prepared transactions, and fails when two hold conflicting locks on a key', () => {
    const { p } = participant(1);
    p.onMessage(COORD, { type: 'prepare', txn: 't1', ops: [{ f: 'get', key: 'a1' }], participants: [1] });
    p.onMessage(COORD, { type: 'prepare', txn: 't2', ops: [{ f: 'get', key: 'a1' }], participants: [1] });
    const view = viewOf([undefined, p]);
    const check = new LockConflict();
    expect(check.onNote(note(1, 'txn-vote', { txn: 't2', vote: 'yes' }), view)).toBeUndefined();
    // A lock table that granted in conflict (what the invariant is for): force a writer in.
    p.prepared.set('t3', { txn: 't3', coordinator: COORD, participants: [1], ops: [{ f: 'add', key: 'a1', delta: 1 }] });
    expect(check.onNote(note(1, 'txn-vote', { txn: 't3', vote: 'yes' }), view)).toMatch(/t3 is prepared but does not hold its lock on a1/);
    p.locks.acquire('t3', []);
    (p.locks.lockOn('a1')!.holders as string[]).push('t3');
    expect(check.onNote(note(1, 'txn-vote', { txn: 't3', vote: 'yes' }), view)).toMatch(/conflicting locks on a1: t1 \(shared\), t2 \(shared\), t3 \(exclusive\)/);
  });
});

describe('liveness', () => {
  const history: HistoryEvent[] = [];
  it('a participant uncertain past the bound after faults stop fails; one that learns in time passes', () => {
    const late = new TwoPcLiveness(1_000_000);
    late.onNote(note(1, 'txn-vote', { txn: 't1', vote: 'yes' }, 100));
    expect(late.atEnd(viewOf([]), { livenessStartUs: 2_000_000, endUs: 5_000_000, history })).toMatch(/t1 at n2: prepared at 100us, still uncertain at the end/);
    const fine = new TwoPcLiveness(1_000_000);
    fine.onNote(note(1, 'txn-vote', { txn: 't1', vote: 'yes' }, 100));
    fine.onNote(note(1, 'txn-outcome', { txn: 't1', outcome: 'abort' }, 2_500_000));
    expect(fine.atEnd(viewOf([]), { livenessStartUs: 2_000_000, endUs: 5_000_000, history })).toBeUndefined();
  });

  it('an operation invoked well after faults stop must end ok or fail, not info', () => {
    const check = new TwoPcLiveness(1_000_000);
    const h: HistoryEvent[] = [
      { index: 0, process: 0, type: 'invoke', f: 'read', timeUs: 2_100_000 },
      { index: 1, process: 0, type: 'ok', f: 'read', timeUs: 2_200_000 },
      { index: 2, process: 0, type: 'invoke', f: 'transfer', timeUs: 3_500_000 },
      { index: 3, process: 0, type: 'info', f: 'transfer', timeUs: 4_000_000, error: 'timeout' },
    ];
    expect(check.atEnd(viewOf([]), { livenessStartUs: 2_000_000, endUs: 5_000_000, history: h })).toMatch(/transfer invoked at 3.50s by process 0 ended info \(timeout\)/);
    expect(check.atEnd(viewOf([]), { livenessStartUs: 2_000_000, endUs: 5_000_000, history: h.slice(0, 2) })).toBeUndefined();
  });
});

describe('blocked-transactions', () => {
  it('counts a txn whose participant was still uncertain after an inquiry round while the coordinator was down, with how long it was uncertain', () => {
    const o = new BlockedTransactions();
    const { p } = participant(1);
    const down = viewOf([undefined, p]);
    const up = viewOf([p as TwoPcNode, p]);
    o.onNote(note(1, 'txn-vote', { txn: 't1', vote: 'yes' }, 1_000_000), up);
    o.onNote(note(1, 'txn-blocked', { txn: 't1', coordinator: 0, round: 1 }, 1_150_000), up);
    expect(o.atEnd(up, { endUs: 9_000_000 })).toBeUndefined(); // the coordinator was up: not blocked by it
    o.onNote(note(1, 'txn-blocked', { txn: 't1', coordinator: 0, round: 2 }, 1_300_000), down);
    expect(o.atEnd(up, { endUs: 9_000_000 })).toBeUndefined(); // one round with the coordinator down: its peers may still settle it
    o.onNote(note(1, 'txn-blocked', { txn: 't1', coordinator: 0, round: 3 }, 1_450_000), down);
    o.onNote(note(1, 'txn-outcome', { txn: 't1', outcome: 'commit' }, 2_200_000), up);
    expect(o.atEnd(up, { endUs: 9_000_000 })).toBe('blocked transactions: 1 (t1 on n2 blocked 1.20s while the coordinator n1 was down)');
  });
});

describe('options', () => {
  it('fills defaults and refuses unknown keys and bad values with the key named', () => {
    expect(parseTwoPcOptions({}).voteTimeoutUs).toBe(200_000);
    expect(() => parseTwoPcOptions({ acounts: 3 })).toThrow(TwoPcOptionError);
    expect(() => parseTwoPcOptions({ acounts: 3 })).toThrow(/twopc option acounts: not a twopc option/);
    // The accounts come from the workload (ctx.workload), never from an option that could disagree with it.
    expect(() => parseTwoPcOptions({ accounts: 6 })).toThrow(/twopc option accounts: not a twopc option/);
    expect(() => parseTwoPcOptions({ retries: -1 })).toThrow(/retries: expected an integer >= 0/);
    expect(parseTwoPcOptions({ thinkUs: [0, 5000] }).thinkUs).toEqual([0, 5000]);
  });
});
