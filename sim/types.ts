// The kernel contract: the types every protocol, checker and the CLI agree on.
// Time is an integer count of microseconds. Ids are small integers; names are for humans.

export type Micros = number;
/** Nodes are 0..nodeCount-1 (shown as n1..nN); clients are nodeCount.. (shown as c1..cC). */
export type NodeId = number;
export type Endpoint = number;

/** Probabilities are integers in parts per million, never floats accumulated by arithmetic. */
export type Ppm = number;
export const PPM = 1_000_000;

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertNever(x: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${JSON.stringify(x)}`);
}

/** A seeded random stream (one per concern). Integer API only. */
export interface Random {
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** True with probability ppm / 1e6. */
  chance(ppm: Ppm): boolean;
  /** Uniform choice from a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A new array with the items in a seeded order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
}

// ---------------------------------------------------------------------------------------
// Client operations and the history (Jepsen's meaning of invoke / ok / fail / info).

/** A client operation. `f` names the function (get, put, append, cas, read, write, acquire...). */
export interface Op {
  f: string;
  key?: string;
  /** The argument: a value for put/write/append, [expected, new] for cas, undefined for reads. */
  value?: unknown;
}

export type OpResultType = 'ok' | 'fail' | 'info';

export interface HistoryEvent {
  /** Position in the history (0-based, file order = real-time order). */
  index: number;
  /** Jepsen's process: one open operation at most; a new process takes over after `info`. */
  process: number;
  type: 'invoke' | OpResultType;
  f: string;
  key?: string;
  /** invoke: the argument; ok: the result (the value read for reads); fail/info: the argument. */
  value?: unknown;
  /** True simulated time. */
  timeUs: Micros;
  /** Optional error text for fail/info. */
  error?: string;
}

/** What a node answers to a client request. */
export type ClientResponse =
  | { type: 'ok'; value?: unknown }
  /** The operation definitely did not take effect (e.g. a cas whose expected value did not match may be reported as ok with value false instead). */
  | { type: 'fail'; error: string }
  /** Not the leader: try the hinted node (or another one). The operation did not take effect. */
  | { type: 'redirect'; leader?: NodeId };

export interface ClientRequest {
  /** Session identity for exactly-once application: (clientId, seq) names one operation. */
  clientId: number;
  seq: number;
  op: Op;
}

// ---------------------------------------------------------------------------------------
// The actor interface (sans-IO). One instance per node incarnation: its fields are the
// volatile state, lost on crash. Durable state lives only in ctx.storage.

export interface DurableStorage {
  /** The last value written under key, synced or not (what the process itself sees). */
  get<T>(key: string): T | undefined;
  /** Write a value. Store only values you will not mutate later (treat them as frozen). */
  put(key: string, value: unknown): void;
  /** Make every write so far durable. Without sync, a crash may lose unsynced writes when the scenario says so. */
  sync(): void;
}

export interface NodeContext<M> {
  readonly id: NodeId;
  /** Every node id in the cluster, ascending, self included. */
  readonly nodes: readonly NodeId[];
  /** Every node id but self, ascending. */
  readonly peers: readonly NodeId[];
  /** The node's local wall clock (true time plus offset and drift). Timers are not affected by clock jumps. */
  now(): Micros;
  /** The node's own seeded random stream. */
  readonly random: Random;
  readonly storage: DurableStorage;
  send(to: NodeId, msg: M): void;
  /** Arm (or re-arm) the named timer to fire after `afterUs` of the node's local elapsed time. */
  setTimer(name: string, afterUs: Micros): void;
  cancelTimer(name: string): void;
  /** Answer a client request (the reply travels back over the network). */
  reply(req: ClientRequest, response: ClientResponse): void;
  /** Emit a ghost note for invariants and the trace (become-leader, commit, apply...). Not seen by other nodes. */
  note(kind: string, data: Record<string, unknown>): void;
  /** Is the named bug variant enabled in this run? */
  bug(name: string): boolean;
}

export interface Actor<M> {
  /** Called once per incarnation (start and every restart), with only durable state in ctx.storage. */
  onStart(): void;
  onMessage(from: NodeId, msg: M): void;
  onTimer(name: string): void;
  onRequest(req: ClientRequest): void;
  /** A small JSON-able summary for the trace and the report (role, term, commit index...). */
  summary(): Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------
// What invariants see: a god's-eye view of the cluster.

export interface ClusterView<A> {
  readonly nowUs: Micros;
  readonly nodeCount: number;
  /** The live actor of each node, or undefined while it is crashed. */
  actor(node: NodeId): A | undefined;
  /** The node's durable storage (synced and unsynced), readable while it is crashed too. */
  storage(node: NodeId): DurableStorage;
  /** True once faults have stopped (the liveness phase). */
  readonly inLivenessPhase: boolean;
}

export interface Note {
  node: NodeId;
  kind: string;
  data: Record<string, unknown>;
  timeUs: Micros;
}

/**
 * A safety invariant. Stateful: one instance per run (create it in `invariants()`).
 * Return a message describing the violation, or undefined when all is well.
 */
export interface Invariant<A> {
  readonly name: string;
  /** Every ghost note, in order, as it is emitted. Keep it cheap: it runs on the hot path. */
  onNote?(note: Note, view: ClusterView<A>): string | undefined;
  /** After every event (or every `checkEveryEvents`). */
  afterEvent?(view: ClusterView<A>): string | undefined;
  /** Once at the end of the run. */
  atEnd?(view: ClusterView<A>): string | undefined;
}

/** Checked once at the end of the run; the liveness phase starts when faults stop. */
export interface LivenessCheck<A> {
  readonly name: string;
  /** Every ghost note, as it is emitted (to remember, say, when leaders were elected). Judges nothing: atEnd does. */
  onNote?(note: Note, view: ClusterView<A>): void;
  /** `livenessStartUs` is when faults stopped; `endUs` when the run ended. */
  atEnd(view: ClusterView<A>, info: { livenessStartUs: Micros; endUs: Micros; history: readonly HistoryEvent[] }): string | undefined;
}

export interface WorkloadOptions {
  /** Number of distinct keys (k1..kN). */
  keyCount: number;
  /** Relative weights of operation functions, e.g. { get: 2, put: 1, append: 1, cas: 1 }. */
  mix: Record<string, number>;
}

/** A protocol: everything the kernel needs to run it. */
export interface Protocol<M, A extends Actor<M> = Actor<M>> {
  readonly name: string;
  readonly description: string;
  /** Named bug variants this protocol ships, with one line each. */
  readonly bugs: ReadonlyArray<{ name: string; description: string }>;
  /** The linearizability model its client histories are checked against (kv, register, mutex...). */
  readonly model: string;
  /** Protocol-specific tunables a scenario may set under `protocol.options` (e.g. election timeout). */
  createActor(ctx: NodeContext<M>, options: Record<string, unknown>): A;
  invariants(options: Record<string, unknown>): Invariant<A>[];
  liveness(options: Record<string, unknown>): LivenessCheck<A>[];
  /**
   * Draw the next client operation. `counter` is unique per run, for unique written values;
   * `state` is the generator's own scratch space for this run (empty at the start of each
   * run, shared by all clients), for generators that remember what they issued.
   */
  nextOp(random: Random, workload: WorkloadOptions, counter: number, state: Map<string, unknown>): Op;
  /** Default workload mix when the scenario gives none. */
  readonly defaultMix: Record<string, number>;
}
