// The atomicity checker as an invariant of a simulated run: a protocol that declares
// `checks: ['atomicity']` emits these ghost notes, and each becomes a record.
//
//   txn-begin   { txn, participants: number[] }   the coordinator starts txn (participant node ids)
//   txn-vote    { txn, vote: 'yes' | 'no' }        a participant votes (for yes: after logging prepared)
//   txn-decide  { txn, decision: 'commit' | 'abort' }   the coordinator decides
//   txn-outcome { txn, outcome: 'commit' | 'abort' }    a participant applies the outcome
//
// Participants are named as the report names nodes (n1, n2...). A note of these kinds whose
// fields are malformed is a protocol bug: the invariant says which field.
import type { Invariant, Note } from '../../sim/types.js';
import { AtomicityChecker } from './check.js';
import type { AtomicityRecord, Outcome } from './types.js';

export const ATOMICITY = 'atomicity';
export const atomicityNoteKinds = ['txn-begin', 'txn-vote', 'txn-decide', 'txn-outcome'] as const;

const nodeName = (id: number): string => `n${id + 1}`;

/** The record a note stands for, undefined for other kinds, or a string saying what is malformed. */
export function recordOfNote(note: Note): AtomicityRecord | string | undefined {
  const d = note.data;
  const at = note.timeUs;
  switch (note.kind) {
    case 'txn-begin': {
      if (typeof d.txn !== 'string') return 'txn-begin: txn must be a string';
      const ps = d.participants;
      if (!Array.isArray(ps) || !ps.every((p) => Number.isInteger(p))) return `txn-begin ${d.txn}: participants must be a list of node ids`;
      return { kind: 'begin', txn: d.txn, participants: (ps as number[]).map(nodeName), at };
    }
    case 'txn-vote':
      if (typeof d.txn !== 'string') return 'txn-vote: txn must be a string';
      if (d.vote !== 'yes' && d.vote !== 'no') return `txn-vote ${d.txn}: vote must be yes or no`;
      return { kind: 'vote', txn: d.txn, participant: nodeName(note.node), vote: d.vote, at };
    case 'txn-decide':
      if (typeof d.txn !== 'string') return 'txn-decide: txn must be a string';
      if (!isOutcome(d.decision)) return `txn-decide ${d.txn}: decision must be commit or abort`;
      return { kind: 'decide', txn: d.txn, decision: d.decision, at };
    case 'txn-outcome':
      if (typeof d.txn !== 'string') return 'txn-outcome: txn must be a string';
      if (!isOutcome(d.outcome)) return `txn-outcome ${d.txn}: outcome must be commit or abort`;
      return { kind: 'outcome', txn: d.txn, participant: nodeName(note.node), outcome: d.outcome, at };
    default:
      return undefined;
  }
}

const isOutcome = (v: unknown): v is Outcome => v === 'commit' || v === 'abort';

/** A fresh atomicity invariant for one run. */
export function atomicityInvariant(): Invariant<unknown> {
  const checker = new AtomicityChecker();
  return {
    name: ATOMICITY,
    onNote(note) {
      const record = recordOfNote(note);
      if (record === undefined) return undefined;
      if (typeof record === 'string') return `malformed ghost note: ${record}`;
      return checker.add(record)?.message;
    },
  };
}
