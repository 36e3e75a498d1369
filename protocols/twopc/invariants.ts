// Two-phase commit's own safety invariant, fed by ghost notes:
//   lock-conflict  at no participant do two prepared transactions hold conflicting locks on
//                  one key (exclusive with anything else), checked on the participant's
//                  txn-vote and txn-recovered notes from what it holds while prepared, and
//                  against its lock table.
// Atomicity (one outcome everywhere; commit only with every yes vote) is the standard
// checker `atomicity` from checkers/, named in the protocol's `checks`.
import type { ClusterView, Invariant, Note } from '../../sim/types.js';
import type { TwoPcNode } from './node.js';
import { locksOf, type LockMode } from './txn.js';

export class LockConflict implements Invariant<TwoPcNode> {
  readonly name = 'lock-conflict';

  onNote(note: Note, view: ClusterView<TwoPcNode>): string | undefined {
    if (note.kind !== 'txn-vote' && note.kind !== 'txn-recovered') return undefined;
    const actor = view.actor(note.node);
    if (actor === undefined || actor.kind !== 'participant') return undefined;
    const holders = new Map<string, Array<[string, LockMode]>>();
    for (const rec of actor.prepared.values()) {
      for (const [key, mode] of locksOf(rec.ops)) {
        const list = holders.get(key) ?? [];
        list.push([rec.txn, mode]);
        holders.set(key, list);
        const lock = actor.locks.lockOn(key);
        if (lock === undefined || !lock.holders.includes(rec.txn)) return `n${note.node + 1}: ${rec.txn} is prepared but does not hold its lock on ${key}`;
      }
    }
    for (const [key, list] of holders) {
      if (list.length < 2) continue;
      if (list.some(([, mode]) => mode === 'exclusive')) {
        return `n${note.node + 1}: conflicting locks on ${key}: ${list.map(([t, m]) => `${t} (${m})`).join(', ')} are all prepared`;
      }
    }
    return undefined;
  }
}

export function twoPcInvariants(): Invariant<TwoPcNode>[] {
  return [new LockConflict()];
}
