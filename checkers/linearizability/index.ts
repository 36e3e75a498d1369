// The linearizability checker: public API.
export { checkHistory, DEFAULT_BUDGET_STEPS } from './check.js';
export { getModel, modelNames } from './models/index.js';
export {
  casRegisterModel,
  fifoQueueModel,
  kvModel,
  kvUnpartitionedModel,
  multiRegisterModel,
  mutexModel,
  queueModel,
  registerModel,
  setModel,
} from './models/index.js';
export { pairOperations } from './operations.js';
export { describeOperation } from './search.js';
export { detectFormat, historyFormats, parseHistory } from './parse/history-formats.js';
export type { HistoryFormat, ParsedHistory } from './parse/history-formats.js';
export { readEdn, readEdnAll } from './parse/edn.js';
export { HistoryParseError } from './types.js';
export type {
  CheckOptions,
  Counterexample,
  LinearizabilityResult,
  Model,
  Operation,
  OperationRef,
  Partition,
  PartitionOutcome,
  Reach,
  StepResult,
  Verdict,
} from './types.js';
export { checkIncrementally, IncrementalLinearizability } from './incremental.js';
export type { IncrementalOptions } from './incremental.js';
