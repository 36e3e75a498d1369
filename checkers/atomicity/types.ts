// Types of the atomicity checker: what happened to each transaction at its coordinator and
// at each participant, as records in the order they happened.

/** One record of a commit protocol's run (a line of an external history, or a ghost note). */
export type AtomicityRecord =
  /** The coordinator starts the txn with these participants. */
  | { kind: 'begin'; txn: string; participants: readonly string[]; at?: number }
  /** A participant votes: yes means it is prepared (it must then do what the decision says). */
  | { kind: 'vote'; txn: string; participant: string; vote: 'yes' | 'no'; at?: number }
  /** The coordinator decides. */
  | { kind: 'decide'; txn: string; decision: Outcome; at?: number }
  /** A participant applies an outcome (commits or aborts its part). */
  | { kind: 'outcome'; txn: string; participant: string; outcome: Outcome; at?: number };

export type Outcome = 'commit' | 'abort';

export type AtomicityAnomalyKind =
  /** Committed at one participant (or by the decision) and aborted at another. */
  | 'split-outcome'
  /** Committed though a participant of the txn voted no or never voted yes. */
  | 'commit-without-yes'
  /** A participant applied two different outcomes. */
  | 'outcome-changed'
  /** The coordinator decided twice, differently. */
  | 'decision-changed';

export interface AtomicityAnomaly {
  kind: AtomicityAnomalyKind;
  txn: string;
  /** One sentence a human can check against the records. */
  message: string;
  /** The index (0-based) of the record at which it was seen. */
  record: number;
}

export interface AtomicityResult {
  verdict: 'valid' | 'invalid';
  txns: number;
  committed: number;
  aborted: number;
  /** Txns with neither a decision nor an outcome anywhere (in doubt, or never finished). */
  undecided: number;
  anomalies: AtomicityAnomaly[];
}
