// faultline's public entry point: the kernel API, the built-in protocols and checkers,
// the scenario loader and the runner that composes them. Every export is named here.

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
  Invariant,
  LivenessCheck,
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
export type { ViolationKind, Violation, TraceEvent, RunResult } from './sim/result.js';
export { KernelError, PROTOCOL_EXCEPTION } from './sim/errors.js';
export { runSimulation } from './sim/world.js';

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

// Built-in protocols and checkers.
export { builtinProtocols } from './protocols/index.js';
export { checkHistory } from './checkers/index.js';

// Scenarios, the runner, errors and units (scenario/).
export { loadScenario, parseScenario, applyOverrides, extraBugs } from './scenario/index.js';
export type { LoadedScenario, ScenarioOverrides, ParseOptions } from './scenario/index.js';
export { runScenario, replayCommand, InternalRunError } from './scenario/index.js';
export type { ScenarioRun, Verdict, LinearizabilityVerdict } from './scenario/index.js';
export { ExitCode, InputError } from './scenario/index.js';
export { parseDuration, parseProbability, formatDuration } from './scenario/index.js';
export type { Result } from './scenario/index.js';

// Fuzzing, replaying and shrinking (explore/).
export { runCampaign } from './explore/index.js';
export type { CampaignOptions, CampaignSummary, CampaignFailure } from './explore/index.js';
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
