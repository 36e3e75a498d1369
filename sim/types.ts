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
  // The log: entries at 0..logLength-1, in the same write order as the puts. An append of k
  // entries is k entry writes then one header write, and survives a crash only whole (when its
  // header write does); a truncation is one header write. No key is built per entry.
  /** How many log entries the process sees (synced or not). */
  readonly logLength: number;
  /** The log entry at `index` (0-based), synced or not; undefined past the end. */
  logAt<T>(index: number): T | undefined;
  /** Write `entries[from..]` (default: all) as one batch at index `at` (default: the end), dropping what was there on. Store only entries you will not mutate. */
  logAppend(entries: readonly unknown[], from?: number, at?: number): void;
  /** Keep only the log entries below `length` (not below logStart). */
  logTruncate(length: number): void;
  /** The first index still held: entries below it were discarded by logCompact (0 until then). */
  readonly logStart: number;
  /**
   * Discard the entries below `upto` (after a synced snapshot covers them): one header write,
   * ordered with the others. Indexes stay absolute; past the end, the log becomes empty from `upto`.
   */
  logCompact(upto: number): void;
  /** The synced watermark: the first `logSynced` entries the process sees are durable. */
  readonly logSynced: number;
}

/** What every actor (server node or client actor) can do: its clock, timers, network, notes. */
export interface ActorContext<M> {
  /** This actor's endpoint: a node id (0..nodes-1) or, for a client actor, nodes + client index. */
  readonly id: Endpoint;
  /** Every server node id in the cluster, ascending (self included for a node). */
  readonly nodes: readonly NodeId[];
  /** The server nodes that play `role`, ascending (empty for a role nobody plays). */
  nodesWith(role: string): readonly NodeId[];
  /** The roles of a server node (most nodes play one; Paxos-style nodes may play several). */
  rolesOf(node: NodeId): readonly string[];
  /** The endpoints of the protocol's client actors, ascending (empty with the kernel's built-in clients). */
  readonly clients: readonly Endpoint[];
  /** The scenario's workload options (keys, mix, params: a bank's initialBalance, say), so a protocol's state can match its workload. Frozen. */
  readonly workload: Readonly<WorkloadOptions>;
  /** The local wall clock (true time plus offset and drift). Timers are not affected by clock jumps. */
  now(): Micros;
  /** This actor's own seeded random stream. */
  readonly random: Random;
  /** Send to a server node or a client actor. */
  send(to: Endpoint, msg: M): void;
  /** Arm (or re-arm) the named timer to fire after `afterUs` of local elapsed time. */
  setTimer(name: string, afterUs: Micros): void;
  cancelTimer(name: string): void;
  /**
   * Emit a ghost note for invariants and the trace (become-leader, commit, apply...). Not
   * seen by other actors. The note's kind and node are part of the run's hash; its data is
   * built only when something reads notes of that kind in this run (a checker that declares
   * the kind, or one that declares none, or the full trace): pass a builder defined once at
   * module level (never a closure) and its arguments, `ctx.note('commit', commitNote, index,
   * term)`, so a note nobody reads allocates nothing. An object (`ctx.note('x', { ... })`)
   * is also taken, but it is built on every call: lint keeps that form out of protocols/.
   */
  note<A = unknown, B = unknown, C = unknown, D = unknown>(kind: string, data?: NoteData | NoteBuilder<A, B, C, D>, a?: A, b?: B, c?: C, d?: D): void;
  /** Is the named bug variant enabled in this run? */
  bug(name: string): boolean;
  /**
   * A named fault point (FoundationDB's BUGGIFY): true when the run's buggify stream says
   * this point misbehaves now. Always false unless the scenario sets `buggify: true`, and
   * once faults stop. Use it only where the correct protocol must cope (a delay, a skipped
   * heartbeat, a dropped send), never to switch a bug on.
   */
  buggify(name: string): boolean;
}

export interface NodeContext<M> extends ActorContext<M> {
  readonly id: NodeId;
  /** Every node id but self, ascending. */
  readonly peers: readonly NodeId[];
  /** This node's first (usually only) role. */
  readonly role: string;
  /** Every role this node plays. */
  readonly roles: readonly string[];
  readonly storage: DurableStorage;
  /** Answer a built-in client's request (the reply travels back over the network). */
  reply(req: ClientRequest, response: ClientResponse): void;
}

/**
 * A client actor's context. The client records its own history: `invoke` an operation,
 * then `complete` it (ok / fail / info); the kernel stamps true times and keeps Jepsen's
 * process rules (one open operation per process; a new process after info or a crash).
 */
export interface ClientContext<M> extends ActorContext<M> {
  /** Which client this is: 0..clients-1. */
  readonly index: number;
  /** The next operation from the scenario's workload, or undefined once clients should stop (clients.stop, or clients.ops drawn). */
  nextOp(): Op | undefined;
  /** Record the invocation of an operation. At most one is open at a time. */
  invoke(op: Op): void;
  /** Record the open operation's outcome. `value`: the result for ok (what was read), else the argument. */
  complete(type: OpResultType, value?: unknown, error?: string): void;
  /** The open operation, if any. */
  readonly pending: Op | undefined;
  /** The Jepsen process that the next invoke belongs to. */
  readonly process: number;
  /** The scenario's `clients.opTimeout`: how long an operation may stay open before the client should record it `info`. */
  readonly opTimeoutUs: Micros;
  /** The scenario's `clients.think`: the [min, max] pause between a completion and the next invoke. */
  readonly thinkUs: readonly [Micros, Micros];
}

export interface Actor<M> {
  /** Called once per incarnation (start and every restart), with only durable state in ctx.storage. */
  onStart(): void;
  onMessage(from: NodeId, msg: M): void;
  onTimer(name: string): void;
  onRequest(req: ClientRequest): void;
  /**
   * A small JSON-able summary for the trace and the report (role, term, commit index...),
   * read after every handler at the full recording level: a state row when its JSON text
   * changes. The very object of the last call again, frozen (Object.freeze, plain data
   * properties), says "unchanged" without that comparison; any other object is compared.
   */
  summary(): Record<string, unknown>;
}

/** A protocol's own client process: a full actor with a clock, timers and a random stream, and a fault target. */
export interface ClientActor<M> {
  /** Called at the start and after every restart (a restarted client is a new process with no memory). */
  onStart(): void;
  onMessage(from: Endpoint, msg: M): void;
  onTimer(name: string): void;
  summary(): Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------
// What invariants see: a god's-eye view of the cluster.

export interface ClusterView<A> {
  readonly nowUs: Micros;
  readonly nodeCount: number;
  /** The live actor of each node, or undefined while it is crashed. */
  actor(node: NodeId): A | undefined;
  /** The roles of a node. */
  rolesOf(node: NodeId): readonly string[];
  /** The nodes that play `role`, ascending. */
  nodesWith(role: string): readonly NodeId[];
  /** Number of clients (built-in or actors). */
  readonly clientCount: number;
  /** The live client actor with this index (0-based), or undefined (crashed, or built-in clients). */
  clientActor(index: number): ClientActor<unknown> | undefined;
  /** The node's durable storage (synced and unsynced), readable while it is crashed too. */
  storage(node: NodeId): DurableStorage;
  /** True once faults have stopped (the liveness phase). */
  readonly inLivenessPhase: boolean;
  /**
   * For checks that look at one node at a time after each event: the node whose actor or
   * storage the event just handled can have changed (a delivery or timer of that node that
   * called its handler), -1 when it changed no node (a client's, or a node's event that called
   * none of its handlers: a dropped or buffered delivery, a stale or re-queued timer, a
   * resumption, which only re-queues what the pause held), undefined when it may have
   * changed any (faults, client invocations, or checks that run every N events).
   */
  readonly changedNode?: NodeId | -1;
}

/** A ghost note's data: what its builder returns (a fresh object per note). */
export type NoteData = Record<string, unknown>;

/** Builds a note's data from up to four arguments (`ctx.note(kind, build, a, b, c, d)`): define it once, at module level. */
export type NoteBuilder<A = unknown, B = unknown, C = unknown, D = unknown> = (a: A, b: B, c: C, d: D) => NoteData;

/**
 * A ghost note as checkers see it. The kernel hands the same object to every listener and
 * refills it for the next note: read it during the call, and copy what you keep (`data` is
 * the note's own object and may be kept).
 */
export interface Note {
  readonly node: NodeId;
  readonly kind: string;
  readonly data: NoteData;
  readonly timeUs: Micros;
}

/**
 * Which note kinds a checker's `onNote` reads. The kernel calls `onNote` only for those
 * kinds, and builds a note's data only when someone reads its kind: a checker that reads
 * few kinds should say which. Without `notes`, `onNote` sees every note.
 */
export interface NoteKinds {
  readonly notes?: readonly string[];
}

/**
 * A safety invariant. Stateful: one instance per run (create it in `invariants()`).
 * Return a message describing the violation, or undefined when all is well.
 */
export interface Invariant<A> extends NoteKinds {
  readonly name: string;
  /** Every ghost note, in order, as it is emitted. Keep it cheap: it runs on the hot path. */
  onNote?(note: Note, view: ClusterView<A>): string | undefined;
  /** After every event (or every `checkEveryEvents`). */
  afterEvent?(view: ClusterView<A>): string | undefined;
  /** Once at the end of the run. */
  atEnd?(view: ClusterView<A>): string | undefined;
}

/**
 * Watches a run and reports what is worth knowing but is not a failure (2PC's blocked
 * transactions, say): `atEnd` returns a finding shown beside the verdict, or undefined.
 */
export interface Observer<A> extends NoteKinds {
  readonly name: string;
  onNote?(note: Note, view: ClusterView<A>): void;
  atEnd(view: ClusterView<A>, info: { livenessStartUs: Micros; endUs: Micros; history: readonly HistoryEvent[] }): string | undefined;
}

/** Checked once at the end of the run; the liveness phase starts when faults stop. */
export interface LivenessCheck<A> extends NoteKinds {
  readonly name: string;
  /** Every ghost note, as it is emitted (to remember, say, when leaders were elected). Judges nothing: atEnd does. */
  onNote?(note: Note, view: ClusterView<A>): void;
  /** `livenessStartUs` is when faults stopped; `endUs` when the run ended. */
  atEnd(view: ClusterView<A>, info: { livenessStartUs: Micros; endUs: Micros; history: readonly HistoryEvent[] }): string | undefined;
}

export interface WorkloadOptions {
  /** Number of distinct keys (k1..kN), or accounts for bank-like workloads. */
  keyCount: number;
  /** Relative weights of operation functions, e.g. { get: 2, put: 1, append: 1, cas: 1 }. */
  mix: Record<string, number>;
  /** Workload-specific integer knobs (e.g. bank: initialBalance, maxTransfer; list-append: maxTxnOps). Missing ones take the workload's defaults. */
  params?: Record<string, number>;
}

/** What a workload generator is handed for each operation. */
export interface OpContext {
  /** The run's workload stream (shared by all clients, so a run's operations follow from its seed). */
  readonly random: Random;
  /** Unique per run (0, 1, 2...), for unique written values. */
  readonly counter: number;
  /** The generator's scratch space for this run: empty at the start, shared by all clients. */
  readonly state: Map<string, unknown>;
  /** The client (0-based index) that will issue the operation. */
  readonly client: number;
}

/** An operation generator, reused by every protocol whose history has its model. */
export interface Workload {
  readonly name: string;
  readonly description: string;
  /**
   * The model its histories are checked against, when there is one: a linearizability model
   * (kv, register, mutex...), or a transactional one (`bank`: conservation of money;
   * `list-append`: Elle-style serializability). A transactional model overrides the protocol's.
   */
  readonly model?: string;
  /** Weights used when the scenario gives no mix; its keys are the functions the generator knows. */
  readonly defaultMix: Readonly<Record<string, number>>;
  /** Knobs the generator reads from `params`, with their defaults. */
  readonly defaultParams: Readonly<Record<string, number>>;
  /** A problem with these options (unknown function in the mix, a knob out of range), or undefined. */
  validate?(options: WorkloadOptions): string | undefined;
  nextOp(ctx: OpContext, options: WorkloadOptions): Op;
}

/** A node role a protocol declares, with the count a scenario gets when it names none. */
export interface RoleSpec {
  readonly name: string;
  readonly count: number;
  readonly description?: string;
}

/** A protocol: everything the kernel needs to run it. */
export interface Protocol<M, A extends Actor<M> = Actor<M>> {
  readonly name: string;
  readonly description: string;
  /** The roles its nodes play, in node-id order (default: one role, `server`). A bare `nodes: N` means N of the first. */
  readonly roles?: readonly RoleSpec[];
  /** Named bug variants this protocol ships, with one line each. */
  readonly bugs: ReadonlyArray<{ name: string; description: string }>;
  /**
   * The model its client histories are checked against: a linearizability model (kv,
   * register, mutex...), or `bank` (conservation) / `list-append` (serializability) for a
   * transactional protocol. A workload with a transactional model overrides it.
   */
  readonly model: string;
  /** The default workload: a shared generator by name (kv, register, mutex, queue, bank, list-append) or one of its own. */
  readonly workload: string | Workload;
  /** Protocol-specific tunables a scenario may set under `protocol.options` (e.g. election timeout). */
  createActor(ctx: NodeContext<M>, options: Record<string, unknown>): A;
  /** The protocol's own client actor. Without it, the kernel's built-in request/retry clients drive the nodes. */
  createClient?(ctx: ClientContext<M>, options: Record<string, unknown>): ClientActor<M>;
  invariants(options: Record<string, unknown>): Invariant<A>[];
  liveness(options: Record<string, unknown>): LivenessCheck<A>[];
  /**
   * Standard checkers from faultline's `checkers/` that judge the protocol's ghost notes, by
   * name: `atomicity` reads txn-begin / txn-vote / txn-decide / txn-outcome notes. They run as
   * invariants beside the protocol's own.
   */
  readonly checks?: readonly string[];
  /** Findings that are not failures (blocked transactions...), shown beside the verdict. */
  observers?(options: Record<string, unknown>): Observer<A>[];
  /**
   * The abstract state of one actor for guided fuzzing's coverage, from its summary (and the
   * previous one, for deltas): small and coarse, like Raft's role and term delta. Default:
   * the summary's `role`.
   */
  coverageKey?(summary: Record<string, unknown>, previous: Record<string, unknown> | undefined): string;
}

/** The role every node plays when a protocol declares none. */
export const DEFAULT_ROLE = 'server';
export const CLIENT_ROLE = 'client';

export function protocolRoles(protocol: Pick<Protocol<unknown>, 'roles'>): readonly RoleSpec[] {
  return protocol.roles && protocol.roles.length > 0 ? protocol.roles : [{ name: DEFAULT_ROLE, count: 3 }];
}
