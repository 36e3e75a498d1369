// Single-decree Paxos: messages and durable keys (Lamport, "Paxos Made Simple", 2001, §2).
import type { Ballot } from '../ballot.js';

/** A proposal's value: `v-n<proposer>-<k>`, unique per proposer and incarnation. */
export type Value = string;

export type PaxosMsg =
  /** Phase 1a (§2.2): a proposer asks acceptors to promise `ballot`. */
  | { readonly type: 'prepare'; readonly ballot: Ballot }
  /**
   * Phase 1b: the acceptor promises never to accept below `ballot`, and reports the
   * highest-numbered proposal it has accepted (NO_BALLOT and null when none).
   */
  | { readonly type: 'promise'; readonly ballot: Ballot; readonly accepted: Ballot; readonly value: Value | null }
  /** Phase 2a: accept `value` at `ballot`. */
  | { readonly type: 'accept'; readonly ballot: Ballot; readonly value: Value }
  /**
   * Phase 2b: the acceptor accepted (ballot, value). Sent to the proposer and to every
   * learner (§2.3: acceptors tell learners of each acceptance); also the answer to a
   * learner's query, with the acceptor's last accepted proposal.
   */
  | { readonly type: 'accepted'; readonly ballot: Ballot; readonly value: Value }
  /** A prepare or accept below the acceptor's promise: `promised` is what it promised. */
  | { readonly type: 'nack'; readonly ballot: Ballot; readonly promised: Ballot }
  /** A learner that has learned nothing asks acceptors what they accepted. */
  | { readonly type: 'query' };

export type PrepareMsg = Extract<PaxosMsg, { type: 'prepare' }>;
export type PromiseMsg = Extract<PaxosMsg, { type: 'promise' }>;
export type AcceptMsg = Extract<PaxosMsg, { type: 'accept' }>;
export type AcceptedMsg = Extract<PaxosMsg, { type: 'accepted' }>;
export type NackMsg = Extract<PaxosMsg, { type: 'nack' }>;

/** An acceptor's durable state (§2.4: "an acceptor must remember this information even if it fails and then restarts"). */
export interface AcceptorState {
  readonly promised: Ballot;
  readonly accepted: Ballot;
  readonly value: Value | null;
}

/** A proposer's durable state: the highest round it has used, so a restart never reuses a ballot. */
export interface ProposerState {
  readonly round: number;
}

export const ACCEPTOR_KEY = 'paxos:acceptor';
export const PROPOSER_KEY = 'paxos:proposer';
