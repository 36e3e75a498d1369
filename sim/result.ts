// What a run produces.
import type { ScriptedFault } from './config.js';
import type { Endpoint, HistoryEvent, Micros, NodeId } from './types.js';

/**
 * `exception`: protocol code threw (checker `protocol-exception`); the run stopped there.
 * `history`: a transactional history checker (serializability, conservation) rejected the
 * client history; `linearizability` is the linearizability checker's.
 */
export type ViolationKind = 'safety' | 'liveness' | 'linearizability' | 'history' | 'exception';

export interface Violation {
  kind: ViolationKind;
  /** The invariant, liveness check or checker that found it. */
  checker: string;
  message: string;
  /** True simulated time of the event after which it was seen. */
  atUs: Micros;
  /** Index of that event in the run (0-based). */
  event: number;
  /** The actor (node or client actor endpoint) whose code threw; none for an invariant or a liveness check. */
  node?: Endpoint;
  /** A protocol exception's stack frames (up to the kernel's handler). Never hashed: it holds file paths. */
  stack?: string;
}

/** A finding of an observer (Protocol.observers): worth knowing, not a failure. */
export interface Observation {
  checker: string;
  message: string;
}

/** One event of the trace (full recording level only). Field names are short: traces are large. */
export type TraceEvent =
  | { i: number; t: Micros; k: 'send'; from: Endpoint; to: Endpoint; msg: unknown; id: number }
  | { i: number; t: Micros; k: 'deliver'; from: Endpoint; to: Endpoint; msg: unknown; id: number }
  | { i: number; t: Micros; k: 'drop'; from: Endpoint; to: Endpoint; msg: unknown; id: number; why: string }
  | { i: number; t: Micros; k: 'timer'; node: NodeId; name: string }
  /** A protocol's named fault point fired (ctx.buggify). */
  | { i: number; t: Micros; k: 'buggify'; node: Endpoint; name: string }
  /** At the start of the trace, one per actor (nodes, then client actors): the roles it plays. */
  | { i: number; t: Micros; k: 'roles'; node: Endpoint; roles: string[] }
  | { i: number; t: Micros; k: 'fault'; what: string; detail: Record<string, unknown> }
  | { i: number; t: Micros; k: 'crash' | 'restart' | 'pause' | 'resume'; node: NodeId }
  | { i: number; t: Micros; k: 'note'; node: NodeId; kind: string; data: Record<string, unknown> }
  /** `by`: the endpoint of the client that invoked or completed it. */
  | { i: number; t: Micros; k: 'history'; event: HistoryEvent; by: Endpoint }
  /** After a fault that changed them: every directed link that is blocked now (faults and permanent cuts). */
  | { i: number; t: Micros; k: 'links'; blocked: Array<[Endpoint, Endpoint]> }
  /** An actor's clock at the start (when not true time) and after each clock fault: local minus true time, and drift. */
  | { i: number; t: Micros; k: 'clock'; node: Endpoint; offsetUs: number; driftPpm: number }
  | { i: number; t: Micros; k: 'state'; node: NodeId; summary: Record<string, unknown> };

export interface RunResult {
  seed: string;
  /** Identity of the run: same scenario + seed + version = same hash (16 hex digits). */
  hash: string;
  /** Number of events processed. */
  events: number;
  simulatedUs: Micros;
  history: HistoryEvent[];
  violations: Violation[];
  /**
   * Why the run could not be judged (maxEvents reached, or the caller stopped it) when it
   * found no violation first: the verdict is undecided, not pass and not a bug.
   */
  undecided?: string;
  /** Full recording level only. */
  trace?: TraceEvent[];
  /** When faults stopped. */
  faultsStopUs: Micros;
  /**
   * Every fault as applied, concrete (nodes and groups resolved): replaying it as a script gives
   * the same faults. Empty when the run was asked not to keep it (RunOptions.keepFaultLog false).
   */
  faultLog: ScriptedFault[];
  /** What the protocol's observers found (not failures), in their order. Never hashed. */
  observations: Observation[];
  /** With SimConfig.coverage: the abstract states and transitions the run visited, sorted (sim/coverage.ts). */
  coverage?: string[];
}
