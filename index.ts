// faultline's public entry point, `import { ... } from 'faultline'`: the actor API and its
// contexts, roles and client actors; messages, timers and the scenario types; simulate();
// the checkers and their models; the invariant, liveness and observer hooks; loading a
// protocol module and the determinism guard; fuzzing, replaying and shrinking. The
// fast-check arbitraries are in `faultline/testing` (testing.ts). Every export is named
// here: anything not listed is internal, and test/api/public-api.test.ts pins the list
// and every exported type (test/api/public-api.txt), so a change to the surface shows as
// a diff in review.

// The kernel contract (sim/).
export type {
  Micros,
  NodeId,
  Endpoint,
  Ppm,
  Random,
  Op,
  OpResultType,
  HistoryEvent,
  ClientResponse,
  ClientRequest,
  DurableStorage,
  ActorContext,
  NodeContext,
  ClientContext,
  Actor,
  ClientActor,
  ClusterView,
  Note,
  NoteData,
  NoteBuilder,
  NoteKinds,
  Invariant,
  LivenessCheck,
  Observer,
  WorkloadOptions,
  OpContext,
  Workload,
  RoleSpec,
  Protocol,
} from './sim/types.js';
export { PPM, AssertionError, assert, assertNever, DEFAULT_ROLE, CLIENT_ROLE, protocolRoles } from './sim/types.js';
export type {
  LatencyModel,
  BaseLatencyModel,
  LatencyComponent,
  NetworkConfig,
  NetworkChange,
  NodeTarget,
  RoleTarget,
  GroupTarget,
  NodeRef,
  LinkSet,
  FaultAction,
  ScriptedFault,
  NemesisKind,
  NemesisConfig,
  PartitionShape,
  ClientConfig,
  RecordLevel,
  SimConfig,
} from './sim/config.js';
export type { ViolationKind, Violation, Observation, TraceEvent, RunResult } from './sim/result.js';
export { KernelError, PROTOCOL_EXCEPTION } from './sim/errors.js';
export { runSimulation } from './sim/world.js';
export type { RunOptions } from './sim/world.js';

// Workloads: operation generators shared by every protocol (workloads/).
export {
  builtinWorkloads,
  getWorkload,
  workloadNames,
  kvWorkload,
  registerWorkload,
  mutexWorkload,
  queueWorkload,
  bankWorkload,
  listAppendWorkload,
} from './workloads/index.js';
export type { BankBalances, BankTransfer, ListAppendMicroOp } from './workloads/index.js';

// Built-in protocols.
export { builtinProtocols } from './protocols/index.js';

// History checkers and their models (checkers/). A protocol's `model` names one of the
// built-in linearizability models (modelNames) or a transactional one (bank, list-append).
// A model of your own is a `Model` (a pure sequential specification: init, step, key,
// describe): pass it to checkHistory(history, model), or to simulate(..., { model }).
export {
  checkHistory,
  getModel,
  modelNames,
  kvModel,
  kvUnpartitionedModel,
  registerModel,
  casRegisterModel,
  multiRegisterModel,
  mutexModel,
  queueModel,
  fifoQueueModel,
  setModel,
  parseHistory,
  HistoryParseError,
  checkListAppend,
  checkBank,
  checkAtomicity,
  atomicityInvariant,
} from './checkers/index.js';
export type {
  Model,
  Operation,
  StepResult,
  Reach,
  Partition,
  CheckOptions,
  LinearizabilityResult,
  Counterexample,
  ElleResult,
  ElleOptions,
  BankResult,
  BankOptions,
  BankAnomaly,
  BankAnomalyKind,
  AtomicityResult,
  AtomicityAnomaly,
  AtomicityAnomalyKind,
  AtomicityRecord,
  ElleAnomaly,
  ElleAnomalyKind,
  ElleConsistency,
  EdgeRef,
  TxnRef,
  OperationRef,
  PartitionOutcome,
  HistoryFormat,
  ParsedHistory,
  // The linearizability checker's verdict; `Verdict` is a run's (pass, fail, undecided).
  Verdict as LinearizabilityCheckVerdict,
} from './checkers/index.js';
export type { ElleVerdict, CycleAnomalyKind, EdgeKind, Txn, Edge, MicroOp } from './checkers/elle/index.js';
export type { Outcome as AtomicityOutcome } from './checkers/atomicity/types.js';

// Scenarios, the runner, errors and units (scenario/).
export { loadScenario, parseScenario, applyOverrides, extraBugs } from './scenario/index.js';
export type { LoadedScenario, ScenarioOverrides, ParseOptions, CheckerNames, DurationOptions } from './scenario/index.js';
export type { SwarmBounds } from './scenario/load.js';
export type { RunLimits, ViolationJson } from './scenario/runner.js';
export type { TransactionalResult } from './scenario/history-checks.js';
export { runScenario, replayCommand, InternalRunError } from './scenario/index.js';
export { holdHeapFlat, FLAT_HEAP_FLAGS } from './scenario/heap.js';
export { simulate, scenarioOf } from './scenario/simulate.js';
export type { SimulateOptions, SimulateResult } from './scenario/simulate.js';

// Protocol modules (a scenario's `protocol: ./my-protocol.ts`) and the determinism guard.
export { loadProtocolModule, PROTOCOL_MODULE_EXTENSIONS } from './scenario/registry.js';
export type { AnyProtocol, LoadProtocolOptions, ProtocolResolver } from './scenario/registry.js';
export { withDeterminismGuard, DeterminismError } from './scenario/guard.js';
export type { ScenarioRun, Verdict, LinearizabilityVerdict } from './scenario/index.js';
export { ExitCode, InputError } from './scenario/index.js';
export { parseDuration, parseProbability, formatDuration } from './scenario/index.js';
export type { Result } from './scenario/index.js';

// Fuzzing, replaying and shrinking (explore/).
export { runCampaign } from './explore/index.js';
export type { CampaignOptions, CampaignSummary, CampaignFailure, DeterminismMismatch, Divergence, ProgressState, SeedVerdict, ViolationRecord } from './explore/index.js';
export type { CoverageReport } from './explore/guided.js';
export { parseShard, plannedSeeds, DETERMINISM_EVERY } from './explore/index.js';
export type { Shard } from './explore/index.js';
export { drawKnobs, applyKnobs, knobsText } from './explore/index.js';
export type { SwarmKnobs } from './explore/index.js';
export { readFailureFile, failureScenario } from './explore/index.js';
export type { FailureFile } from './explore/index.js';
export { shrink } from './explore/index.js';
export type { ShrinkOptions, ShrinkResult, ShrinkSize } from './explore/index.js';
export { toYaml } from './explore/index.js';
export type { YamlMeta } from './explore/index.js';
export { mergeResults } from './explore/index.js';
export type { MergeSummary, ResultLine } from './explore/index.js';
