// checkers/: history checkers. Each export is named here explicitly.
export {
  casRegisterModel,
  checkHistory,
  DEFAULT_BUDGET_STEPS,
  describeOperation,
  detectFormat,
  fifoQueueModel,
  getModel,
  historyFormats,
  HistoryParseError,
  kvModel,
  kvUnpartitionedModel,
  modelNames,
  multiRegisterModel,
  mutexModel,
  pairOperations,
  parseHistory,
  queueModel,
  readEdn,
  readEdnAll,
  registerModel,
  setModel,
} from './linearizability/index.js';
export { checkListAppend, elleConsistencyLevels } from './elle/index.js';
export type { ElleAnomaly, ElleAnomalyKind, ElleConsistency, ElleOptions, ElleResult, EdgeRef, TxnRef } from './elle/index.js';
export type {
  CheckOptions,
  Counterexample,
  HistoryFormat,
  LinearizabilityResult,
  Model,
  Operation,
  OperationRef,
  ParsedHistory,
  Partition,
  PartitionOutcome,
  Reach,
  StepResult,
  Verdict,
} from './linearizability/index.js';
export { AtomicityChecker, ATOMICITY, atomicityInvariant, checkAtomicity, parseAtomicityRecords } from './atomicity/index.js';
export type { AtomicityAnomaly, AtomicityAnomalyKind, AtomicityRecord, AtomicityResult } from './atomicity/index.js';
export { checkBank } from './bank/index.js';
export type { BankAnomaly, BankAnomalyKind, BankOptions, BankResult } from './bank/index.js';
