// What each node keeps in durable storage, and nothing more (presumed abort):
//
// Participant
//   p          the prepared records of transactions without an outcome yet: txn, coordinator,
//              every participant, this part's operations. Written and synced before a yes vote.
//   o:<txn>    an outcome: commit (with the values it wrote, a redo record), synced before the
//              ack; abort only when the participant aborted unilaterally, never having voted,
//              (synced before it says so to a peer). Aborts after a vote are not forced.
//   d:<key>    a key's committed value (written with the commit record, in the same sync).
//   started    the participant ran before (a restart refuses unknown PREPAREs for a quiet period).
// Coordinator
//   started    the coordinator ran before (a restart then refuses new work for a quiet period).
//   c          the commit records of transactions not yet acknowledged by every participant:
//              txn and participants. Synced before any COMMIT is sent; removed (not synced)
//              after the last ack. No record = abort: nothing else is ever logged.
import type { DurableStorage, NodeId } from '../../sim/types.js';
import type { TxnOp } from './messages.js';
import type { Value } from './txn.js';

export interface PreparedRecord {
  readonly txn: string;
  readonly coordinator: NodeId;
  readonly participants: readonly NodeId[];
  readonly ops: readonly TxnOp[];
}

export type OutcomeRecord = { readonly outcome: 'commit'; readonly writes: ReadonlyArray<readonly [string, Value]> } | { readonly outcome: 'abort' };

export interface CommitRecord {
  readonly txn: string;
  readonly participants: readonly NodeId[];
}

export const PREPARED = 'p';
export const outcomeKey = (txn: string): string => `o:${txn}`;
export const dataKey = (key: string): string => `d:${key}`;
export const STARTED = 'started';
/** The timer that ends a restarted node's quiet period (recoveryQuietUs). */
export const QUIET = 'quiet';

/**
 * Start an incarnation: the first one marks the node started (durably); a later one is a
 * restart, which begins the quiet period when it is not 0. Returns whether it is recovering.
 */
export function beginIncarnation(ctx: { readonly storage: DurableStorage; setTimer(name: string, afterUs: number): void }, recoveryQuietUs: number): boolean {
  if (ctx.storage.get<boolean>(STARTED) === true) {
    if (recoveryQuietUs <= 0) return false;
    ctx.setTimer(QUIET, recoveryQuietUs);
    return true;
  }
  ctx.storage.put(STARTED, true);
  ctx.storage.sync();
  return false;
}
export const COMMITS = 'c';

export function preparedRecords(storage: DurableStorage): readonly PreparedRecord[] {
  return storage.get<readonly PreparedRecord[]>(PREPARED) ?? [];
}

export function commitRecords(storage: DurableStorage): readonly CommitRecord[] {
  return storage.get<readonly CommitRecord[]>(COMMITS) ?? [];
}

/** A list without the record of `txn` (a new frozen array: stored values are never mutated). */
export function without<T extends { txn: string }>(records: readonly T[], txn: string): readonly T[] {
  return Object.freeze(records.filter((r) => r.txn !== txn));
}

export function withRecord<T extends { txn: string }>(records: readonly T[], record: T): readonly T[] {
  return Object.freeze([...records.filter((r) => r.txn !== record.txn), Object.freeze(record)]);
}
