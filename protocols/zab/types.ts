// Zab's data: zxids, transactions, messages, durable keys. Transactions are frozen and shared
// by reference between histories, messages and the invariants (never copied, never mutated).
import type { ClientRequest, ClientResponse, Op } from '../../sim/types.js';

/**
 * A zxid packs (epoch, counter) into one number, ordered as the pair: epoch * 2^24 + counter
 * (Junqueira et al., DSN 2011 §IV: "the high order 32 bits are the epoch"; here 24 bits of
 * counter are plenty for a simulated run). 0 is "no transaction".
 */
export const COUNTER_BITS = 24;
const COUNTER_SPAN = 2 ** COUNTER_BITS;
export const NO_ZXID = 0;

export function zxid(epoch: number, counter: number): number {
  return epoch * COUNTER_SPAN + counter;
}
export function epochOf(z: number): number {
  return Math.floor(z / COUNTER_SPAN);
}
export function counterOf(z: number): number {
  return z % COUNTER_SPAN;
}
/** `epoch.counter` (0.0 for none). */
export function zxidText(z: number): string {
  return `${epochOf(z)}.${counterOf(z)}`;
}

/** One transaction of the history: a client command, or a session close the leader decided. */
export interface Txn {
  readonly zxid: number;
  /** `c<clientId>:<seq>` for a client command, `close:<session>@<zxid>` for a session close. */
  readonly id: string;
  /** The client session (the built-in client's id). */
  readonly clientId: number;
  /** The session sequence number; 0 for a session close (not a client command). */
  readonly seq: number;
  readonly op: Op;
}

/**
 * A server's snapshot of its data tree (ZooKeeper's fuzzy snapshot, here exact): the first
 * `count` transactions of the history applied, the last of them `zxid` (`id`). Only
 * delivered (committed) transactions go in. Frozen, shared by reference.
 */
export interface ZabSnapshot {
  readonly count: number;
  readonly zxid: number;
  readonly id: string;
  readonly tree: TreeImage;
}

/** A data tree as plain frozen data (./tree.ts): nodes, sessions and ephemeral paths, each in the tree's iteration order. */
export interface TreeImage {
  readonly nodes: ReadonlyArray<readonly [string, { readonly data: string; readonly version: number; readonly owner: number }]>;
  readonly sessions: ReadonlyArray<readonly [number, number, ClientResponse]>;
  readonly ephemerals: ReadonlyArray<readonly [number, readonly string[]]>;
}

export type Role = 'looking' | 'following' | 'leading';

/** A vote of the leader election (phase 0), ordered by (zxid, leader). */
export interface Vote {
  readonly leader: number;
  readonly zxid: number;
}

/** How a leader brings one follower's history in line with its own (phase 2). */
export type SyncMode = 'DIFF' | 'TRUNC' | 'SNAP';

export type ZabMsg =
  /** Phase 0: a fast-leader-election notification: the sender's vote, round and state. */
  | { readonly type: 'NOTIFY'; readonly round: number; readonly vote: Vote; readonly state: Role }
  /** Phase 1: a follower tells its prospective leader the last epoch it accepted. */
  | { readonly type: 'CEPOCH'; readonly acceptedEpoch: number }
  /** Phase 1: the leader proposes the new epoch (above every acceptedEpoch of its quorum). */
  | { readonly type: 'NEWEPOCH'; readonly epoch: number }
  /**
   * Phase 1: the follower accepted `epoch`; its currentEpoch and history, for the leader to
   * adopt the most up-to-date: its snapshot (when it took one) and the transactions above it.
   */
  | { readonly type: 'ACK-E'; readonly epoch: number; readonly currentEpoch: number; readonly history: readonly Txn[]; readonly snap?: ZabSnapshot }
  /**
   * Phase 2: the follower's history is made equal to the leader's: keep its entries up to
   * `truncTo` (TRUNC; DIFF keeps them all, SNAP none), then append `txns`. `forZxid` is the
   * follower last zxid the plan was made for: a follower elsewhere ignores it. SNAP carries
   * the leader's snapshot (when it took one) and `txns` are the transactions above it; a
   * follower in broadcast takes a SNAP too (it fell behind the leader's snapshot).
   */
  | { readonly type: 'SYNC'; readonly epoch: number; readonly mode: SyncMode; readonly forZxid: number; readonly truncTo: number; readonly txns: readonly Txn[]; readonly snap?: ZabSnapshot }
  /** Phase 2: the leader's epoch and the last zxid of the history the follower was synced to. */
  | { readonly type: 'NEWLEADER'; readonly epoch: number; readonly zxid: number }
  /** Phase 2: the follower took the history and the epoch as current. */
  | { readonly type: 'ACK-LD'; readonly epoch: number; readonly zxid: number }
  /** Phase 2: a quorum acknowledged: deliver up to `committed` and enter broadcast. */
  | { readonly type: 'COMMIT-LD'; readonly epoch: number; readonly committed: number }
  /** Phase 3: transactions following `prev` in the leader's history. */
  | { readonly type: 'PROPOSE'; readonly epoch: number; readonly prev: number; readonly txns: readonly Txn[] }
  /** Phase 3: the follower holds (durably) every transaction up to `zxid` (cumulative). */
  | { readonly type: 'ACK'; readonly epoch: number; readonly zxid: number }
  /** Phase 3: everything up to `zxid` is committed: deliver it. */
  | { readonly type: 'COMMIT'; readonly epoch: number; readonly zxid: number }
  /** The leader's heartbeat, with its commit point. */
  | { readonly type: 'PING'; readonly epoch: number; readonly committed: number }
  /** With followerReads: a follower forwards a client's write to the leader, which answers the client itself. */
  | { readonly type: 'REQUEST'; readonly req: ClientRequest };

export type MsgOf<T extends ZabMsg['type']> = Extract<ZabMsg, { type: T }>;

// Durable keys of the epochs. The history is the storage log (DurableStorage.logAppend): a
// save writes only the entries from the first changed one on, in one batch.
export const ACCEPTED_EPOCH_KEY = 'zab:acceptedEpoch';
/** Who the accepted epoch was accepted from: a follower acks one epoch for one leader only. */
export const ACCEPTED_FROM_KEY = 'zab:acceptedFrom';
export const CURRENT_EPOCH_KEY = 'zab:currentEpoch';
/** The snapshot (ZabSnapshot): written before the log prefix it covers is compacted. */
export const SNAPSHOT_KEY = 'zab:snapshot';
