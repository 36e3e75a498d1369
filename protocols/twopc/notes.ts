// Two-phase commit's ghost notes (what the atomicity checker, the invariants, the observers
// and the liveness check read), as builders: the kernel calls one only when something reads
// notes of its kind, so a note nobody reads allocates nothing.
import type { NodeId } from '../../sim/types.js';

export const recoveredDecisionNote = (txn: string, decision: string) => ({ txn, decision });
export const beginNote = (txn: string, participants: readonly NodeId[]) => ({ txn, participants: [...participants] });
export const decideNote = (txn: string, decision: string) => ({ txn, decision });
export const abortDecisionNote = (txn: string, reason: string) => ({ txn, decision: 'abort', reason });
export const endNote = (txn: string) => ({ txn });
export const recoveredOutcomeNote = (txn: string) => ({ txn, outcome: 'commit', recovered: true });
export const recoveredStateNote = (txn: string) => ({ txn, state: 'prepared' });
export const voteNoNote = (txn: string, reason: string) => ({ txn, vote: 'no', reason });
export const voteYesNote = (txn: string) => ({ txn, vote: 'yes' });
export const outcomeNote = (txn: string, outcome: string, from: unknown) => ({ txn, outcome, from });
export const unilateralAbortNote = (txn: string) => ({ txn, outcome: 'abort', unilateral: true });
export const blockedNote = (txn: string, coordinator: NodeId, round: number) => ({ txn, coordinator, round });
