// Multi-Paxos's data: slot values (commands), messages, durable keys. Commands are frozen and
// shared by reference between proposals, acceptors, messages and learners (never copied).
import type { Op } from '../../../sim/types.js';
import type { Ballot } from '../ballot.js';

/** A slot's value: a client command, or the no-op a new leader fills a hole with. */
export interface Cmd {
  /** `c<clientId>:<seq>` for a client command, `noop@<ballot>:<slot>` for a no-op. */
  readonly id: string;
  /** -1 for a no-op. */
  readonly clientId: number;
  readonly seq: number;
  /** null for a no-op. */
  readonly op: Op | null;
}

export function noop(ballotText: string, slot: number): Cmd {
  return Object.freeze({ id: `noop@${ballotText}:${slot}`, clientId: -1, seq: 0, op: null });
}

/** What an acceptor holds for one slot: the highest-ballot value it accepted there. */
export interface Accepted {
  readonly slot: number;
  readonly ballot: Ballot;
  readonly cmd: Cmd;
}

export interface Proposal {
  readonly slot: number;
  readonly cmd: Cmd;
}

/** A replica's snapshot: the KV state machine (protocols/raft/kv.ts) after executing slots 1..slot, all chosen. Frozen, shared by reference. */
export interface ReplicaSnapshot {
  readonly slot: number;
  readonly state: unknown;
}

export type MpMsg =
  /** Phase 1a: promise me ballot; report what you accepted above slot `from` (the leader knows the rest is chosen). */
  | { readonly type: 'prepare'; readonly ballot: Ballot; readonly from: number }
  /**
   * Phase 1b: a promise, with every accepted (slot, ballot, value) above `from`; when the
   * acceptor forgot slots above `from` (its replica's snapshot covers them), the snapshot too
   * (state transfer: those slots are chosen and executed), and `accepted` is what lies above it.
   */
  | { readonly type: 'promise'; readonly ballot: Ballot; readonly accepted: readonly Accepted[]; readonly snap?: ReplicaSnapshot }
  /** Phase 2a, batched: accept these values at ballot. */
  | { readonly type: 'accept'; readonly ballot: Ballot; readonly proposals: readonly Proposal[] }
  /** Phase 2b: accepted these slots at ballot. */
  | { readonly type: 'accepted'; readonly ballot: Ballot; readonly slots: readonly number[] }
  /** A rejection of `ballot` (a prepare, accept or heartbeat): the acceptor promised `promised`. */
  | { readonly type: 'nack'; readonly ballot: Ballot; readonly promised: Ballot }
  /** The leader's heartbeat: its ballot and how many slots it has executed (all chosen). */
  | { readonly type: 'heartbeat'; readonly ballot: Ballot; readonly executed: number }
  /** A lagging learner asks the leader for chosen values from slot `from` on. */
  | { readonly type: 'catchup'; readonly from: number }
  /**
   * Chosen values of slots from, from + 1, ... (the leader's executed prefix); `executed` is
   * the leader's. A learner behind the leader's snapshot gets it too (from = its slot + 1).
   */
  | { readonly type: 'decisions'; readonly ballot: Ballot; readonly from: number; readonly cmds: readonly Cmd[]; readonly executed: number; readonly snap?: ReplicaSnapshot };

export type PrepareMsg = Extract<MpMsg, { type: 'prepare' }>;
export type PromiseMsg = Extract<MpMsg, { type: 'promise' }>;
export type AcceptMsg = Extract<MpMsg, { type: 'accept' }>;
export type AcceptedMsg = Extract<MpMsg, { type: 'accepted' }>;
export type NackMsg = Extract<MpMsg, { type: 'nack' }>;
export type HeartbeatMsg = Extract<MpMsg, { type: 'heartbeat' }>;
export type DecisionsMsg = Extract<MpMsg, { type: 'decisions' }>;

export type Role = 'follower' | 'candidate' | 'leader';

/** No node: a replica that knows no leader. */
export const NONE = -1;

// Durable keys (the acceptor's state). Accepted values in segments of SEGMENT_SLOTS slots,
// one key each, so an accept writes only its segments and a compaction frees whole ones
// (keys are never deleted: the storage API has no delete); `top` is the highest slot ever
// accepted, so a restart knows where to stop reading.
export const PROMISED_KEY = 'mp:promised';
export const TOP_KEY = 'mp:top';
export const SEGMENT_SLOTS = 64;
/**
 * A segment is stored as SEGMENT_CHUNKS chunks of CHUNK_SLOTS slots: an accept copies the
 * segment's chunk list and only the chunks it writes, sharing the rest with the segment it
 * replaces (a flat 64-slot copy per accept was half of a Multi-Paxos run's garbage).
 */
export const CHUNK_SLOTS = 8;
export const SEGMENT_CHUNKS = SEGMENT_SLOTS / CHUNK_SLOTS;
/** CHUNK_SLOTS slots: entry j of chunk c of segment k is slot k*SEGMENT_SLOTS + c*CHUNK_SLOTS + j (undefined: none accepted). Never written once stored. */
export type Chunk = ReadonlyArray<Accepted | undefined>;
/** Slots k*SEGMENT_SLOTS .. (k+1)*SEGMENT_SLOTS - 1, as SEGMENT_CHUNKS chunks (undefined: none accepted in that chunk). Never written once stored. */
export type Segment = ReadonlyArray<Chunk | undefined>;
export function segmentOf(slot: number): number {
  return Math.floor(slot / SEGMENT_SLOTS);
}
export function segmentKey(segment: number): string {
  // Kept once built (up to SEGMENT_KEYS_KEPT segments): every accept reads and writes its
  // segment's key, and a kept text is neither rebuilt nor hashed again by the storage's map.
  if (segment < SEGMENT_KEYS_KEPT) return (segmentKeys[segment] ??= `mp:acc:${segment}`);
  return `mp:acc:${segment}`;
}
/** Segment keys kept by segmentKey: 64 Ki segments, 4 Mi slots (the same text either way). */
const SEGMENT_KEYS_KEPT = 65_536;
const segmentKeys: string[] = [];
/** The replica's snapshot (ReplicaSnapshot), synced before the acceptor forgets the slots it covers. */
export const SNAPSHOT_KEY = 'mp:snap';
/** The highest ballot number accepted in any slot, written when the acceptor forgets slots (which may have held it). */
export const MAX_ACCEPTED_KEY = 'mp:maxAccepted';

/** A ballot as one number (for invariants and summaries): ordered as compareBallots orders ballots. */
export function ballotNumber(b: Ballot): number {
  return b.round * 1024 + (b.node + 1);
}
