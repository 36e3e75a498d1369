// Types of the Elle-style transactional checker for list-append histories: transactions
// (an invoke paired with its completion), dependency edges, and anomalies with the
// evidence a human needs to verify them.

export type ElleConsistency = 'serializable' | 'strict-serializable';
export const elleConsistencyLevels: readonly ElleConsistency[] = ['serializable', 'strict-serializable'];

/** A micro-op as checked: keys as text, read lists filled on ok completions (null when unknown). */
export type MicroOp = { f: 'append'; key: string; value: number | string } | { f: 'r'; key: string; value: Array<number | string> | null };

export interface Txn {
  /** Dense id, in invoke order (0-based). */
  readonly id: number;
  readonly process: number;
  /** ok: committed; fail: aborted (did not happen); info: may or may not have happened. */
  readonly status: 'ok' | 'fail' | 'info';
  /** The completion's micro-ops for ok txns, the invoke's otherwise. */
  readonly ops: readonly MicroOp[];
  readonly invokeIndex: number;
  readonly completeIndex: number | undefined;
  readonly invokeTimeUs: number;
  readonly completeTimeUs: number | undefined;
}

/** A txn as reported (JSON-able). */
export interface TxnRef {
  id: number;
  process: number;
  status: Txn['status'];
  invokeIndex: number;
  completeIndex?: number;
  invokeTimeUs: number;
  completeTimeUs?: number;
  /** e.g. `T4 p2 [append k1 3] [r k2 [1 2]]`. */
  text: string;
}

export type EdgeKind = 'ww' | 'wr' | 'rw' | 'rt';

/** A dependency edge between two committed txns, with what justifies it. */
export interface Edge {
  readonly from: number;
  readonly to: number;
  readonly kind: EdgeKind;
  /** The key (data edges). */
  readonly key?: string;
  /** ww: [from's value, to's value]; wr: the value read last; rw: [last value read or null for [], to's value]. */
  readonly values?: readonly unknown[];
}

export interface EdgeRef {
  from: number;
  to: number;
  kind: EdgeKind;
  key?: string;
  /** One sentence a human can check against the two txns. */
  why: string;
}

export type CycleAnomalyKind = 'G0' | 'G1c' | 'G-single' | 'G2' | 'G0-realtime' | 'G1c-realtime' | 'G-single-realtime' | 'G2-realtime';
export type ElleAnomalyKind = CycleAnomalyKind | 'G1a' | 'G1b' | 'incompatible-order' | 'duplicate-elements' | 'unwritten-read' | 'internal';

export interface ElleAnomaly {
  kind: ElleAnomalyKind;
  /** One line summary. */
  message: string;
  /** The txns involved (for a cycle: in cycle order). */
  txns: TxnRef[];
  key?: string;
  /** Cycle anomalies: the edges, edges[i] from txns[i] to txns[(i+1) % n]. */
  cycle?: EdgeRef[];
}

export type ElleVerdict = 'valid' | 'invalid' | 'unknown';

export interface ElleResult {
  verdict: ElleVerdict;
  consistency: ElleConsistency;
  /** Txns paired (all statuses). */
  txns: number;
  committed: number;
  aborted: number;
  indeterminate: number;
  keys: number;
  edges: number;
  anomalies: ElleAnomaly[];
  /** Anomaly counts by kind (sorted by kind). */
  anomalyTypes: string[];
}

export interface ElleOptions {
  /** Default strict-serializable. */
  consistency?: ElleConsistency;
  /** Most anomalies reported per kind (default 20); all are counted in the verdict. */
  maxAnomaliesPerKind?: number;
}
