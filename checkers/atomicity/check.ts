// The atomicity checker for commit protocols (2PC and its kin): a transaction is committed
// everywhere or aborted everywhere, and commits only if every participant voted yes (Gray &
// Lamport's consistency condition). It reads records as they happen, so the same object is
// the batch checker of an external history and the invariant of a simulated run.
import { compareStrings } from '../linearizability/values.js';
import type { AtomicityAnomaly, AtomicityRecord, AtomicityResult, Outcome } from './types.js';

interface TxnState {
  participants: readonly string[] | undefined;
  yes: Set<string>;
  no: Set<string>;
  decision: Outcome | undefined;
  /** participant -> outcome applied. */
  outcomes: Map<string, Outcome>;
  /** Some participant, or the decision, committed / aborted: who, for messages. */
  firstCommit: string | undefined;
  firstAbort: string | undefined;
  /** An anomaly was reported for this txn (one per txn and kind is enough). */
  reported: Set<string>;
}

export class AtomicityChecker {
  private readonly txns = new Map<string, TxnState>();
  readonly anomalies: AtomicityAnomaly[] = [];
  private count = 0;

  /** Add the next record; returns the anomaly it reveals, if any. */
  add(record: AtomicityRecord): AtomicityAnomaly | undefined {
    const index = this.count++;
    const t = this.state(record.txn);
    switch (record.kind) {
      case 'begin':
        t.participants = [...record.participants];
        return undefined;
      case 'vote':
        (record.vote === 'yes' ? t.yes : t.no).add(record.participant);
        return undefined;
      case 'decide': {
        if (t.decision !== undefined && t.decision !== record.decision) {
          return this.report(t, index, 'decision-changed', record.txn, `${record.txn}: the coordinator decided ${t.decision}, then ${record.decision}`);
        }
        t.decision = record.decision;
        return this.settle(t, index, record.txn, record.decision, 'the coordinator');
      }
      case 'outcome': {
        const before = t.outcomes.get(record.participant);
        if (before !== undefined && before !== record.outcome) {
          return this.report(t, index, 'outcome-changed', record.txn, `${record.txn}: ${record.participant} applied ${before}, then ${record.outcome}`);
        }
        t.outcomes.set(record.participant, record.outcome);
        return this.settle(t, index, record.txn, record.outcome, record.participant);
      }
    }
  }

  result(): AtomicityResult {
    let committed = 0;
    let aborted = 0;
    let undecided = 0;
    for (const t of this.txns.values()) {
      if (t.firstCommit !== undefined) committed++;
      else if (t.firstAbort !== undefined) aborted++;
      else undecided++;
    }
    return { verdict: this.anomalies.length > 0 ? 'invalid' : 'valid', txns: this.txns.size, committed, aborted, undecided, anomalies: [...this.anomalies] };
  }

  private settle(t: TxnState, index: number, txn: string, outcome: Outcome, who: string): AtomicityAnomaly | undefined {
    let found: AtomicityAnomaly | undefined;
    if (outcome === 'commit') {
      t.firstCommit ??= who;
      if (t.firstAbort !== undefined) found = this.report(t, index, 'split-outcome', txn, `${txn} committed at ${who} but aborted at ${t.firstAbort}`);
      const missing = this.withoutYes(t);
      if (missing !== undefined) found = this.report(t, index, 'commit-without-yes', txn, `${txn} committed at ${who} though ${missing}`) ?? found;
    } else {
      t.firstAbort ??= who;
      if (t.firstCommit !== undefined) found = this.report(t, index, 'split-outcome', txn, `${txn} aborted at ${who} but committed at ${t.firstCommit}`);
    }
    return found;
  }

  /** Why a commit now lacks its votes: a no vote, or a participant of the txn with no yes vote yet. */
  private withoutYes(t: TxnState): string | undefined {
    const no = [...t.no].sort(compareStrings);
    if (no.length > 0) return `${no.join(', ')} voted no`;
    const missing = (t.participants ?? []).filter((p) => !t.yes.has(p));
    if (missing.length > 0) return `${missing.join(', ')} had not voted yes`;
    return undefined;
  }

  private report(t: TxnState, index: number, kind: AtomicityAnomaly['kind'], txn: string, message: string): AtomicityAnomaly | undefined {
    if (t.reported.has(kind)) return undefined;
    t.reported.add(kind);
    const anomaly: AtomicityAnomaly = { kind, txn, message, record: index };
    this.anomalies.push(anomaly);
    return anomaly;
  }

  private state(txn: string): TxnState {
    let t = this.txns.get(txn);
    if (t === undefined) {
      t = { participants: undefined, yes: new Set(), no: new Set(), decision: undefined, outcomes: new Map(), firstCommit: undefined, firstAbort: undefined, reported: new Set() };
      this.txns.set(txn, t);
    }
    return t;
  }
}

/** Check a whole list of records (an external history) at once. */
export function checkAtomicity(records: readonly AtomicityRecord[]): AtomicityResult {
  const checker = new AtomicityChecker();
  for (const r of records) checker.add(r);
  return checker.result();
}
