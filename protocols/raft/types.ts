// Raft's data: log entries, messages, durable keys. Entries are immutable and shared by
// reference between the leader's log, messages and followers' logs (never copied).
import type { NodeId, Op } from '../../sim/types.js';

/** "No node": votedFor before voting, leader when unknown. */
export const NONE = -1;

export interface Entry {
  readonly term: number;
  /** Identity of the command, for ghost notes: `c<clientId>:<seq>` or `noop@<term>`. */
  readonly id: string;
  /** -1 for the leader's term-start no-op. */
  readonly clientId: number;
  readonly seq: number;
  /** null for the no-op. */
  readonly op: Op | null;
}

/** The log's index-0 sentinel: every log starts with it, so prevIndex 0 always matches. */
export const SENTINEL: Entry = Object.freeze({ term: 0, id: 'sentinel', clientId: -1, seq: 0, op: null });

export function noopEntry(term: number): Entry {
  return Object.freeze({ term, id: `noop@${term}`, clientId: -1, seq: 0, op: null });
}

export type RaftMsg =
  /** RequestVote (§5.2), or a PreVote probe when `pre` (thesis §9.6): term is the proposed term. */
  | { readonly type: 'vote'; readonly term: number; readonly pre: boolean; readonly lastIndex: number; readonly lastTerm: number }
  /** For a granted pre-vote, term echoes the proposed term; otherwise it is the voter's term. */
  | { readonly type: 'vote-reply'; readonly term: number; readonly pre: boolean; readonly granted: boolean }
  | {
      readonly type: 'append';
      readonly term: number;
      readonly prevIndex: number;
      readonly prevTerm: number;
      readonly entries: readonly Entry[];
      /** The leader's commitIndex. */
      readonly commit: number;
    }
  | {
      readonly type: 'append-reply';
      readonly term: number;
      readonly success: boolean;
      /** The request's prevIndex, echoed so the leader can ignore stale rejections. */
      readonly prevIndex: number;
      /** On success: prevIndex + entries.length (what this request proved to match). */
      readonly matchIndex: number;
      /** On rejection (fast backup, §5.3 end): the term of the follower's conflicting entry, or -1 when its log is too short. */
      readonly conflictTerm: number;
      /** On rejection: the first index of conflictTerm in the follower's log, or its lastIndex + 1 when too short. */
      readonly conflictIndex: number;
    }

  /** InstallSnapshot (§7), whole in one message: the leader's snapshot, for a follower whose next entry it has discarded. */
  | {
      readonly type: 'snapshot';
      readonly term: number;
      /** lastIncludedIndex and lastIncludedTerm. */
      readonly index: number;
      readonly lastTerm: number;
      /** The state machine's snapshot (immutable; restored by copying). */
      readonly state: unknown;
    }
  /** The follower holds (or has committed) everything through `index`. */
  | { readonly type: 'snapshot-reply'; readonly term: number; readonly index: number };

export type SnapshotMsg = Extract<RaftMsg, { type: 'snapshot' }>;
export type SnapshotReplyMsg = Extract<RaftMsg, { type: 'snapshot-reply' }>;
export type VoteMsg = Extract<RaftMsg, { type: 'vote' }>;
export type VoteReplyMsg = Extract<RaftMsg, { type: 'vote-reply' }>;
export type AppendMsg = Extract<RaftMsg, { type: 'append' }>;
export type AppendReplyMsg = Extract<RaftMsg, { type: 'append-reply' }>;

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

/** currentTerm and votedFor, written together (one key, one frozen object). */
export interface HardState {
  readonly term: number;
  readonly votedFor: NodeId;
}

// Durable state: the hard state under one key, and the log in the storage log (entries
// 1..lastIndex at storage indexes 0..lastIndex-1; the sentinel is not stored). The storage
// makes an append durable only whole, and a truncation before it, so any prefix of the
// writes (what survives a crash with unsynced-write loss) is a consistent log.
export const HARD_STATE_KEY = 'raft:hs';

/**
 * A snapshot (§7): the state machine after applying entries 1..index, and the term of entry
 * `index`. Put under SNAPSHOT_KEY and synced before the log prefix it covers is discarded
 * (storage.logCompact), so what survives a crash is a whole snapshot and a log from no
 * later than just above it.
 */
export interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly state: unknown;
}
export const SNAPSHOT_KEY = 'raft:snap';

/** The in-memory log's base (log[0]) once compacted: stands for the entry at lastIncludedIndex (its term only). */
export function snapshotBase(index: number, term: number): Entry {
  return Object.freeze({ term, id: `snapshot@${index}`, clientId: -1, seq: 0, op: null });
}
