// Two-phase commit's messages and the transactions they carry. A transaction is a list of
// operations on keys; each key lives on one participant (./txn.ts shardOf), and each
// participant sees only its own part, in the transaction's order.
import type { Endpoint, NodeId } from '../../sim/types.js';

/**
 * One operation of a transaction:
 *   get k        read an account's balance (shared lock)
 *   add k d      add d (negative: a debit) to an account; a balance that would go below 0
 *                makes the participant vote no (exclusive lock)
 *   append k v   append v to a list (exclusive lock)
 *   r k          read a whole list (shared lock)
 */
export type TxnOp =
  | { readonly f: 'get'; readonly key: string }
  | { readonly f: 'add'; readonly key: string; readonly delta: number }
  | { readonly f: 'append'; readonly key: string; readonly value: number }
  | { readonly f: 'r'; readonly key: string };

/** What one operation returned: a balance (get), a list (r), null (writes). */
export type OpResult = number | readonly number[] | null;

export type Vote = 'yes' | 'no';
export type Decision = 'commit' | 'abort';

/** Why a participant voted no, or a coordinator aborted (the client's fail text). */
export type AbortReason = 'conflict' | 'insufficient-funds' | 'vote-timeout' | 'recovering' | 'aborted';

export type TwoPcMsg =
  /** Client -> coordinator: run this transaction (sent once: the coordinator never sees a retry). */
  | { readonly type: 'begin'; readonly txn: string; readonly ops: readonly TxnOp[] }
  /** Coordinator -> client: the outcome, with each operation's result (in the begin's order) for a commit. */
  | { readonly type: 'result'; readonly txn: string; readonly decision: Decision; readonly reason?: AbortReason; readonly results?: readonly OpResult[] }
  /** Coordinator -> participant: phase 1, with this participant's part and every participant (for cooperative termination). */
  | { readonly type: 'prepare'; readonly txn: string; readonly ops: readonly TxnOp[]; readonly participants: readonly NodeId[] }
  /** Participant -> coordinator: phase 1 answer; a yes carries the results of the part's reads. */
  | { readonly type: 'vote'; readonly txn: string; readonly vote: Vote; readonly reason?: AbortReason; readonly results?: readonly OpResult[] }
  /** Coordinator -> participant: phase 2. */
  | { readonly type: 'decision'; readonly txn: string; readonly decision: Decision }
  /** Participant -> coordinator: the commit is applied and durable (no acks for aborts: presumed abort). */
  | { readonly type: 'ack'; readonly txn: string }
  /** A prepared participant -> coordinator: what was decided? */
  | { readonly type: 'inquire'; readonly txn: string }
  /** A prepared participant -> another participant of the txn (cooperative termination). */
  | { readonly type: 'peer-inquire'; readonly txn: string }
  /**
   * The answer: commit / abort when the peer knows the outcome (or has aborted unilaterally,
   * never having voted yes); uncertain when it is prepared too.
   */
  | { readonly type: 'peer-status'; readonly txn: string; readonly status: Decision | 'uncertain' };

export type { Endpoint };
