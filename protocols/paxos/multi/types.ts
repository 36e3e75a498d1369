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

export type MpMsg =
  /** Phase 1a: promise me ballot; report what you accepted above slot `from` (the leader knows the rest is chosen). */
  | { readonly type: 'prepare'; readonly ballot: Ballot; readonly from: number }
  /** Phase 1b: a promise, with every accepted (slot, ballot, value) above `from`. */
  | { readonly type: 'promise'; readonly ballot: Ballot; readonly accepted: readonly Accepted[] }
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
  /** Chosen values of slots from, from + 1, ... (the leader's executed prefix); `executed` is the leader's. */
  | { readonly type: 'decisions'; readonly ballot: Ballot; readonly from: number; readonly cmds: readonly Cmd[]; readonly executed: number };

export type PrepareMsg = Extract<MpMsg, { type: 'prepare' }>;
export type PromiseMsg = Extract<MpMsg, { type: 'promise' }>;
export type AcceptMsg = Extract<MpMsg, { type: 'accept' }>;
export type AcceptedMsg = Extract<MpMsg, { type: 'accepted' }>;
export type NackMsg = Extract<MpMsg, { type: 'nack' }>;
export type HeartbeatMsg = Extract<MpMsg, { type: 'heartbeat' }>;
export type DecisionsMsg = Extract<MpMsg, { type: 'decisions' }>;

export type Role = 'follower' | 'candidate' | 'leader';

// Durable keys (the acceptor's state). One key per accepted slot, so an accept writes only
// its slots; `top` is the highest slot ever accepted, so a restart knows where to stop reading.
export const PROMISED_KEY = 'mp:promised';
export const TOP_KEY = 'mp:top';
export function acceptedKey(slot: number): string {
  return `mp:acc:${slot}`;
}

/** A ballot as one number (for invariants and summaries): ordered as compareBallots orders ballots. */
export function ballotNumber(b: Ballot): number {
  return b.round * 1024 + (b.node + 1);
}
