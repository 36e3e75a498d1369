// The kernel's input: one fully resolved, validated simulation. The CLI turns a scenario
// file into this; tests build it directly. Every duration is integer microseconds and
// every probability integer parts per million.
import type { Endpoint, Micros, NodeId, Ppm, Protocol, Workload, WorkloadOptions } from './types.js';

/** A latency model of one piece (what a mixture mixes). */
export type BaseLatencyModel =
  | { kind: 'fixed'; us: Micros }
  | { kind: 'uniform'; minUs: Micros; maxUs: Micros }
  /** minUs plus an exponential tail with the given mean, capped at maxUs. */
  | { kind: 'exponential'; minUs: Micros; meanUs: Micros; maxUs: Micros }
  /**
   * A Pareto (power-law) tail: minUs / U^(1/alpha) for U uniform in (0, 1), capped at maxUs.
   * alpha in thousandths (1500 is 1.5): the smaller, the heavier the tail. minUs >= 1.
   */
  | { kind: 'pareto'; minUs: Micros; alphaMilli: number; maxUs: Micros };

/** One component of a latency mixture: drawn with probability weight / (sum of the weights). */
export interface LatencyComponent {
  weight: number;
  model: BaseLatencyModel;
}

export type LatencyModel =
  | BaseLatencyModel
  /** A weighted mixture: each message draws a component (by integer weight), then its latency from it. */
  | { kind: 'mixture'; components: readonly LatencyComponent[] };

export interface NetworkConfig {
  latency: LatencyModel;
  /** Probability that a message is lost. */
  lossPpm: Ppm;
  /** Probability that a message is delivered twice (the copy with its own latency). */
  duplicatePpm: Ppm;
  /** Directed links cut for the whole run (never healed): [from, to]. */
  cut: ReadonlyArray<readonly [Endpoint, Endpoint]>;
  /** What replaces the network's settings when faults stop (those left out stay): a flaky link for the liveness phase, say. */
  afterFaults?: NetworkChange;
}

/** Network settings that change at a point of the run; `cut` replaces the cut links (`[]` restores them all). */
export interface NetworkChange {
  latency?: LatencyModel;
  lossPpm?: Ppm;
  duplicatePpm?: Ppm;
  cut?: ReadonlyArray<readonly [Endpoint, Endpoint]>;
}

/**
 * Which actor a fault targets: a fixed endpoint (a node, or a client actor), a seeded draw
 * among the server nodes, whichever node's summary() says role === 'leader', a seeded draw
 * among the nodes of one role, or every node of one role (`{ role, all: true }`), or a group
 * of several nodes resolved when the fault applies. The role `client` names the protocol's
 * client actors.
 */
export type NodeTarget = Endpoint | 'random' | 'leader' | RoleTarget | GroupTarget | NodeRef;
export interface RoleTarget {
  role: string;
  /** Every actor of the role (the fault applies to each), instead of one seeded draw. */
  all?: boolean;
}

/**
 * The node or nodes an earlier fault picked and named (`as`), resolved when this fault
 * applies: a crash aimed at `random` as `a`, then a restart of the same node. A name no
 * fault has given yet names nobody.
 */
export interface NodeRef {
  ref: string;
}

/**
 * Several nodes, resolved when the fault applies (seeded draws from the faults stream). The
 * fault applies to each; an isolate cuts the group off from the other nodes as one side.
 */
export type GroupTarget =
  /** The leader and k other nodes; nobody when there is no leader. */
  | { group: 'leader-plus'; k: number }
  /** The minority that holds the leader: the leader and others, ⌊(nodes − 1) / 2⌋ nodes in all (at least the leader). */
  | { group: 'leader-minority' }
  /** k distinct nodes (or actors of `role`; fewer when there are fewer). */
  | { group: 'random'; k: number; role?: string };

/**
 * Directed links: from every endpoint of `from` to every endpoint of `to` (an endpoint to
 * itself is no link); with `both`, the reverse links too.
 */
export interface LinkSet {
  from: Endpoint[];
  to: Endpoint[];
  both?: boolean;
}

/**
 * Faults aimed at nodes may name what they picked (`as`), for a later fault to aim at the
 * same node or nodes (`{ ref }`): the name holds the nodes the fault resolved, at the time it
 * applied.
 */
export type FaultAction =
  /** Links between different groups are blocked both ways. Endpoints in no group (usually the clients) keep all their links. */
  | { kind: 'partition'; groups: Endpoint[][] }
  | { kind: 'partition-halves' }
  /** A seeded majority and the rest. */
  | { kind: 'partition-majority' }
  /** One node cut off from every other node (clients keep their links to it). */
  | { kind: 'isolate'; node: NodeTarget; as?: string }
  /** Messages from `from` to `to` are blocked; the reverse direction still works. */
  | { kind: 'one-way'; from: Endpoint[]; to: Endpoint[] }
  /** Two halves joined through one bridge node that sees both (Jepsen's bridge). */
  | { kind: 'bridge' }
  /** Restore blocked links: every one, or every link of `node` (both ways), or only `links`. Links cut for the whole run stay cut. */
  | { kind: 'heal'; node?: NodeTarget; links?: LinkSet }
  | { kind: 'crash'; node: NodeTarget; as?: string }
  | { kind: 'restart'; node: NodeTarget | 'all'; as?: string }
  | { kind: 'crash-restart'; node: NodeTarget; downUs: Micros; as?: string }
  /** Set the node's clock offset from true time. */
  | { kind: 'clock-offset'; node: NodeTarget; offsetUs: Micros; as?: string }
  /** Jump the node's clock by `byUs` (forward or back). */
  | { kind: 'clock-jump'; node: NodeTarget; byUs: Micros; as?: string }
  | { kind: 'clock-drift'; node: NodeTarget; driftPpm: number; as?: string }
  /** The node handles nothing for `durationUs`, then resumes with everything that arrived and every timer late. */
  | { kind: 'pause'; node: NodeTarget; durationUs: Micros; as?: string }
  /** Extra latency on every message sent on the links (every link when none are named) for a while. */
  | { kind: 'delay-burst'; links?: LinkSet; delayUs: Micros; durationUs: Micros }
  /** Extra random latency, uniform in [0, jitterUs], on the links (every link when none are named) for a while: messages overtake each other. */
  | { kind: 'reorder-burst'; links?: LinkSet; jitterUs: Micros; durationUs: Micros }
  /** Extra message loss for a while. */
  | { kind: 'loss-burst'; lossPpm: Ppm; durationUs: Micros };

/** The fault kinds whose `node` names one node (a NodeTarget). */
export type NodeFaultAction = Extract<FaultAction, { node: NodeTarget }>;
const NODE_FAULT_KINDS: ReadonlySet<string> = new Set(['isolate', 'crash', 'crash-restart', 'clock-offset', 'clock-jump', 'clock-drift', 'pause']);
export function targetsOneNode(action: FaultAction): action is NodeFaultAction {
  return NODE_FAULT_KINDS.has(action.kind);
}

export interface ScriptedFault {
  atUs: Micros;
  action: FaultAction;
}

export type NemesisKind = 'partition' | 'crash' | 'pause' | 'clock' | 'loss' | 'one-way' | 'bridge' | 'delay' | 'reorder';

/** The shapes of the nemesis's partitions: two halves, a majority and the rest, one node isolated, a minority isolated (the leader's, as often as leaderAimPpm says). */
export type PartitionShape = 'halves' | 'majority' | 'isolate' | 'minority';
export const PARTITION_SHAPES: readonly PartitionShape[] = ['halves', 'majority', 'isolate', 'minority'];
/** The shapes' weights when a scenario names none. */
export const DEFAULT_PARTITION_SHAPES: Readonly<Partial<Record<PartitionShape, number>>> = { halves: 1, majority: 1, isolate: 1 };

export interface NemesisConfig {
  /** Relative weights of fault kinds drawn by the random nemesis. */
  weights: Partial<Record<NemesisKind, number>>;
  /** Gap between the end of one fault and the start of the next. */
  intervalUs: readonly [Micros, Micros];
  /** How long each fault lasts. */
  durationUs: readonly [Micros, Micros];
  /** At most this many nodes down at once (crash). Keep below a quorum to test safety with liveness. */
  maxCrashed: number;
  /** Per role, at most this many of its nodes down at once (on top of maxCrashed). */
  maxCrashedByRole?: Readonly<Record<string, number>>;
  /** Roles whose actors the nemesis aims crashes, pauses and clock faults at (default: every server role). `client` adds client actors. */
  targetRoles?: readonly string[];
  /** Largest clock jump, and largest drift (ppm). */
  clockJumpMaxUs: Micros;
  clockDriftMaxPpm: number;
  /** Largest extra latency of a delay burst (default 200ms). */
  delayMaxUs?: Micros;
  /** Largest jitter of a reorder burst (default 100ms). */
  jitterMaxUs?: Micros;
  /** How often a crash, pause or isolate aims at the leader rather than a seeded draw (default 50%). */
  leaderAimPpm?: Ppm;
  /** Relative weights of the partition shapes (default: halves, majority and isolate 1 each, minority 0). */
  partitionShapes?: Partial<Record<PartitionShape, number>>;
}

export interface ClientConfig {
  /** Concurrent client processes. */
  clients: number;
  /**
   * The operation generator, resolved from the scenario's `clients.workload` or the
   * protocol's default. May be left out when the protocol's `workload` is a generator
   * object (the kernel cannot resolve names: workloads/ sits above it).
   */
  generator?: Workload;
  workload: WorkloadOptions;
  /** Think time between one operation's completion and the next invoke. */
  thinkUs: readonly [Micros, Micros];
  /** One attempt's timeout: then the client retries at another node (same session sequence number). */
  requestTimeoutUs: Micros;
  /** An operation still open after this long is recorded `info` (indeterminate); the client then continues as a new process. */
  opTimeoutUs: Micros;
  /** Stop issuing new operations at this time (default: the end of the run). */
  stopUs?: Micros;
  /** Built-in clients: the first operation is invoked at this time (plus a think time; default 0). */
  startUs?: Micros;
  /** At most this many operations per client (built-in clients; a client actor's nextOp() then returns undefined). */
  opsPerClient?: number;
  /**
   * Built-in clients: the node each client (by index) sends every attempt to. A pinned client
   * never moves: after a timeout, and after a redirect (which it does not follow), it retries
   * the same node.
   */
  pin?: readonly NodeId[];
}

export type RecordLevel = 'fuzz' | 'full';

export interface SimConfig {
  protocol: Protocol<any, any>;
  protocolOptions: Record<string, unknown>;
  /** Number of server nodes. */
  nodes: number;
  /** Each node's roles, by node id (length `nodes`). Undefined: every node plays the protocol's first role. */
  roles?: ReadonlyArray<readonly string[]>;
  seed: string;
  /** Total simulated time. */
  durationUs: Micros;
  /** Faults stop (heal, restart, resume, clocks corrected) at this time; the liveness phase follows. */
  faultsStopUs: Micros;
  network: NetworkConfig;
  storage: {
    /** On crash, writes not yet synced are lost (a seeded prefix survives). */
    loseUnsyncedOnCrash: boolean;
  };
  clients: ClientConfig;
  faults: ScriptedFault[];
  nemesis?: NemesisConfig;
  bugs: string[];
  /** Names of invariants and liveness checks to run; undefined means all the protocol declares. */
  checks?: string[];
  record: RecordLevel;
  /** Run invariants' afterEvent every N events (1 = every event). */
  checkEveryEvents: number;
  /** A bound on the number of events (an assertion beyond it: a runaway protocol). */
  maxEvents: number;
  /** Break ties between equal-time events by a seeded draw instead of insertion order. */
  exploreTies?: boolean;
  /**
   * Where the seeded streams come from, when not all from `seed`: a `base` seed for every
   * stream, and single streams re-seeded by label (`network`, `faults`, `workload`, `disk`,
   * `node:n2`, `client:c1`...). Guided fuzzing mutates a run this way: the same run but for
   * one stream. Part of the run's identity (hashed).
   */
  streams?: { base?: string; reseed?: Readonly<Record<string, string>> };
  /** Let protocols' named fault points fire (ctx.buggify; sim/buggify.ts). */
  buggify?: boolean;
  /** Collect the coverage signal (RunResult.coverage) for guided fuzzing. It does not change the run or its hash. */
  coverage?: boolean;
}
