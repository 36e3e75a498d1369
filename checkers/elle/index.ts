// The Elle-style list-append checker: public API.
export { checkListAppend, classify } from './check.js';
export { pairTxns, showMicroOp, txnRef } from './txns.js';
export { elleConsistencyLevels } from './types.js';
export type { CycleAnomalyKind, Edge, EdgeKind, EdgeRef, ElleAnomaly, ElleAnomalyKind, ElleConsistency, ElleOptions, ElleResult, ElleVerdict, MicroOp, Txn, TxnRef } from './types.js';
