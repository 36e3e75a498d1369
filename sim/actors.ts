// Actor lifecycle: the server nodes and the protocol's client actors, one slot per endpoint.
// A slot holds the live actor (volatile state: thrown away on a crash), its timers, its
// local clock, its pause state and, for a node, its durable storage. The contexts built
// here are all that a protocol sees of the kernel.
import type { Buggify } from './buggify.js';
import type { Checks } from './checks.js';
import { LocalClock } from './clock.js';
import type { Coverage } from './coverage.js';
import type { SimConfig } from './config.js';
import { DELIVER, DELIVER_REPLY, RESUME, TIMER, type Core, type Ev } from './core.js';
import { KernelError } from './errors.js';
import type { History, OpSource } from './history.js';
import type { Network } from './network.js';
import type { Prng } from './prng.js';
import type { SimStorage } from './storage.js';
import { LastSummary } from './summary.js';
import { DELIVER_ROW, TIMER_ROW } from './trace.js';
import type { WorkloadOptions } from './types.js';
import {
  AssertionError,
  type Actor,
  type ClientActor,
  type ClientContext,
  type ClientRequest,
  type ClientResponse,
  type ClusterView,
  type Endpoint,
  type Micros,
  type NodeContext,
  type NodeId,
  type NoteData,
  type Op,
  type OpResultType,
} from './types.js';

/** An armed timer. Fired or cancelled, it leaves its slot's map for Actors' free list: names that change (a lock's generation) never pile up, and re-arming allocates nothing. */
interface TimerState {
  /** When the timer is due (true time). */
  dueAt: Micros;
  /** The token of the one queued event that may fire it. */
  token: number;
  /** When that event is queued for (never after dueAt). */
  queuedAt: Micros;
}

/** What a built-in client receives: the session (client id, seq) and the node's answer. */
export interface ClientReply {
  clientId: number;
  seq: number;
  response: ClientResponse;
}

type AnyActor = Actor<unknown> | ClientActor<unknown>;

/** ctx.bug and ctx.buggify in a run that enables none: the set of variants (and the fault points) are fixed for the run. */
const never = (_name: string): boolean => false;

/** What a context's `note` is handed after the kind: the data, or a builder of up to four arguments. */
type NoteInput = NoteData | ((a: unknown, b: unknown, c: unknown, d: unknown) => NoteData);

export class ActorSlot {
  actor: AnyActor | undefined;
  up = false;
  incarnation = 0;
  /** Armed timers by name. At most one queued event per armed timer: re-arming later moves the deadline, not the queue. */
  readonly timers = new Map<string, TimerState>();
  readonly clock = new LocalClock();
  paused = false;
  pauseGen = 0;
  buffered: Ev[] = [];
  /** The last summary recorded in the trace (full recording), to tell whether the next one changed. */
  readonly summary = new LastSummary();
  /** How reports name it: n1, ..., c1, ... */
  readonly label: string;
  /** Client actors: the Jepsen process of the next invoke, and the open operation. */
  process: number;
  pending: Op | undefined;
  constructor(
    readonly id: Endpoint,
    readonly roles: readonly string[],
    /** Nodes only: client actors keep nothing across a crash. */
    readonly storage: SimStorage | undefined,
    readonly random: Prng,
    /** The client index of a client actor, -1 for a node. */
    readonly clientIndex: number,
  ) {
    this.process = clientIndex;
    this.label = clientIndex < 0 ? `n${id + 1}` : `c${clientIndex + 1}`;
  }
}

export interface ActorsDeps {
  core: Core;
  config: SimConfig;
  network: Network;
  history: History;
  ops: OpSource;
  checks: Checks;
  view: ClusterView<Actor<unknown>>;
  diskRandom: Prng;
  bugs: ReadonlySet<string>;
  /** The named fault points, when the run lets them fire. */
  buggify: Buggify | undefined;
  /** Which built-in client endpoint owns a session (its current process), if any. */
  replyRoute: (process: number) => Endpoint | undefined;
}

export class Actors {
  /** One slot per actor endpoint: nodes 0..nodes-1, then the client actors (none with built-in clients). */
  readonly slots: ActorSlot[] = [];
  /**
   * Each server node's live actor (undefined while it is down): what ClusterView.actor answers,
   * in one load (invariants ask for every node after every event). Set on start, cleared on crash.
   */
  readonly nodeActors: Array<Actor<unknown> | undefined> = [];
  /**
   * How many message, request and timer handlers have been called: an event whose delivery
   * was dropped, buffered in a pause or re-queued (a stale or re-armed timer), or a resumption
   * (it only re-queues), calls none and changes no actor (World.run: changedNode -1).
   */
  handlerCalls = 0;
  readonly nodeCount: number;
  private readonly contexts: Array<NodeContext<unknown> | ClientContext<unknown>> = [];
  private readonly byRole = new Map<string, readonly Endpoint[]>();
  /** The same, server nodes only (what ctx.nodesWith answers, with no filtering per call). */
  private readonly nodesByRole = new Map<string, readonly NodeId[]>();
  private readonly clientEndpoints: readonly Endpoint[];
  private readonly workload: Readonly<WorkloadOptions>;
  /** The coverage collector, when the run asks for one (guided fuzzing). */
  coverage: Coverage | undefined;
  /** Tokens of queued timer events, unique across the run. */
  private timerGens = 0;
  /** Timer states no map holds (fired or cancelled), for the next arming. */
  private readonly freeTimers: TimerState[] = [];
  // The hot path's dependencies, as fields.
  private readonly core: Core;
  private readonly network: Network;

  constructor(
    private readonly deps: ActorsDeps,
    nodeRoles: ReadonlyArray<readonly string[]>,
    nodeSlots: Array<{ storage: SimStorage; random: Prng }>,
    clientRandoms: readonly Prng[],
    clientRole: string,
  ) {
    this.core = deps.core;
    this.network = deps.network;
    this.nodeCount = nodeRoles.length;
    const ids = nodeRoles.map((_, i) => i);
    for (const id of ids) this.slots.push(new ActorSlot(id, nodeRoles[id], nodeSlots[id].storage, nodeSlots[id].random, -1));
    for (let i = 0; i < ids.length; i++) this.nodeActors.push(undefined);
    clientRandoms.forEach((random, c) => this.slots.push(new ActorSlot(this.nodeCount + c, [clientRole], undefined, random, c)));
    this.clientEndpoints = this.slots.filter((s) => s.clientIndex >= 0).map((s) => s.id);
    const w = deps.config.clients.workload;
    this.workload = Object.freeze({ keyCount: w.keyCount, mix: Object.freeze({ ...w.mix }), ...(w.params !== undefined ? { params: Object.freeze({ ...w.params }) } : {}) });
    const roleNames: string[] = [];
    for (const slot of this.slots) for (const role of slot.roles) if (!roleNames.includes(role)) roleNames.push(role);
    for (const role of roleNames) {
      this.byRole.set(role, this.slots.filter((s) => s.roles.includes(role)).map((s) => s.id));
      this.nodesByRole.set(role, this.slots.filter((s) => s.clientIndex < 0 && s.roles.includes(role)).map((s) => s.id));
    }
    for (const slot of this.slots) this.contexts.push(slot.clientIndex < 0 ? this.nodeContext(slot, ids) : this.clientContext(slot, ids));
  }

  /** The endpoints (nodes, or client actors for the client role) that play `role`, ascending. */
  withRole(role: string): readonly Endpoint[] {
    return this.byRole.get(role) ?? [];
  }

  /** Every role in the run, in node order (client role last when there are client actors). */
  roleNames(): string[] {
    return [...this.byRole.keys()];
  }

  // ---- Contexts ----------------------------------------------------------------------
  // Plain object literals (no spread): actors call these on every event.
  private nodeContext(slot: ActorSlot, ids: readonly NodeId[]): NodeContext<unknown> {
    const { core, network, bugs, replyRoute, buggify } = this.deps;
    const endpoints = this.slots.length;
    // Arrow functions: `this` is the kernel; the context object is what the actor sees.
    return {
      id: slot.id,
      nodes: ids,
      peers: ids.filter((i) => i !== slot.id),
      role: slot.roles[0],
      roles: slot.roles,
      clients: this.clientEndpoints,
      workload: this.workload,
      nodesWith: (role: string) => this.nodesWith(role),
      rolesOf: (node: NodeId) => this.slots[node]?.roles ?? [],
      now: () => slot.clock.now(core.nowTrue),
      random: slot.random,
      storage: slot.storage!,
      send: (to: Endpoint, msg: unknown) => {
        // A misuse of the context is the protocol's failure (a plain AssertionError), not faultline's.
        if (!(Number.isInteger(to) && to >= 0 && to < endpoints)) throw new AssertionError(`send to unknown endpoint ${String(to)}`);
        network.transmit(DELIVER, slot.id, to, msg);
      },
      setTimer: (name: string, afterUs: Micros) => this.setTimer(slot, name, afterUs),
      cancelTimer: (name: string) => this.disarm(slot, name),
      reply: (req: ClientRequest, response: ClientResponse) => {
        checkResponse(response, ids.length);
        // The client endpoint that owns this session: a reply to a retired process goes nowhere.
        const endpoint = replyRoute(req.clientId);
        if (endpoint === undefined) return;
        const reply: ClientReply = { clientId: req.clientId, seq: req.seq, response };
        network.transmit(DELIVER_REPLY, slot.id, endpoint, reply);
      },
      note: (kind: string, data?: NoteInput, a?: unknown, b?: unknown, c?: unknown, d?: unknown) => this.emitNote(slot.id, kind, data, a, b, c, d),
      // A run without bug variants (or fault points) answers without a lookup: protocols ask on hot paths.
      bug: bugs.size === 0 ? never : (name: string) => bugs.has(name),
      buggify: buggify === undefined ? never : (name: string) => buggify.fire(name, slot.id),
    };
  }

  private clientContext(slot: ActorSlot, ids: readonly NodeId[]): ClientContext<unknown> {
    const { core, config, network, bugs, history, ops, buggify } = this.deps;
    const endpoints = this.slots.length;
    const stopUs = config.clients.stopUs ?? config.durationUs;
    const opsLimit = config.clients.opsPerClient;
    let issued = 0;
    const name = `c${slot.clientIndex + 1}`;
    return {
      id: slot.id,
      index: slot.clientIndex,
      nodes: ids,
      clients: this.clientEndpoints,
      workload: this.workload,
      opTimeoutUs: config.clients.opTimeoutUs,
      thinkUs: config.clients.thinkUs,
      nodesWith: (role: string) => this.nodesWith(role),
      rolesOf: (node: NodeId) => this.slots[node]?.roles ?? [],
      now: () => slot.clock.now(core.nowTrue),
      random: slot.random,
      send: (to: Endpoint, msg: unknown) => {
        // A misuse of the context is the protocol's failure (a plain AssertionError), not faultline's.
        if (!(Number.isInteger(to) && to >= 0 && to < endpoints)) throw new AssertionError(`send to unknown endpoint ${String(to)}`);
        network.transmit(DELIVER, slot.id, to, msg);
      },
      setTimer: (name: string, afterUs: Micros) => this.setTimer(slot, name, afterUs),
      cancelTimer: (name: string) => this.disarm(slot, name),
      note: (kind: string, data?: NoteInput, a?: unknown, b?: unknown, c?: unknown, d?: unknown) => this.emitNote(slot.id, kind, data, a, b, c, d),
      // A run without bug variants (or fault points) answers without a lookup: protocols ask on hot paths.
      bug: bugs.size === 0 ? never : (name: string) => bugs.has(name),
      buggify: buggify === undefined ? never : (name: string) => buggify.fire(name, slot.id),
      nextOp: () => {
        if (core.nowTrue >= stopUs) return undefined;
        // clients.ops: a fixed number of operations per client, across its restarts.
        if (opsLimit !== undefined) {
          if (issued >= opsLimit) return undefined;
          issued++;
        }
        // The workload's generator is protocol code too: its exception is the run's failure.
        try {
          return ops.next(slot.clientIndex);
        } catch (error) {
          core.caught(error, `workload ${ops.name}`, `nextOp (client ${name})`, slot.id);
          return undefined;
        }
      },
      invoke: (op: Op) => {
        if (slot.pending !== undefined) throw new AssertionError(`client ${name} invoked ${op.f} while ${slot.pending.f} is still open`);
        slot.pending = op;
        history.record(slot.process, 'invoke', op, op.value, undefined, slot.id);
      },
      complete: (type: OpResultType, value?: unknown, error?: string) => {
        if (slot.pending === undefined) throw new AssertionError(`client ${name} completed an operation (${type}) without one open`);
        if (type !== 'ok' && type !== 'fail' && type !== 'info') throw new AssertionError(`client ${name} completed an operation as ${JSON.stringify(type)}: expected ok, fail or info`);
        this.completeClientOp(slot, type, value, error);
      },
      get pending() {
        return slot.pending;
      },
      get process() {
        return slot.process;
      },
    };
  }

  /** The server nodes that play `role`. */
  private nodesWith(role: string): readonly NodeId[] {
    return this.nodesByRole.get(role) ?? [];
  }

  private completeClientOp(slot: ActorSlot, type: OpResultType, value: unknown, error?: string): void {
    const op = slot.pending!;
    this.deps.history.record(slot.process, type, op, value, error, slot.id);
    slot.pending = undefined;
    // Jepsen: after an indeterminate result the process is never reused.
    if (type === 'info') slot.process = this.deps.history.newProcess();
  }

  private setTimer(slot: ActorSlot, name: string, afterUs: Micros): void {
    if (!(Number.isInteger(afterUs) && afterUs >= 0)) throw new AssertionError(`timer ${name}: afterUs must be a non-negative integer, got ${afterUs}`);
    const core = this.core;
    const dueAt = core.nowTrue + slot.clock.trueDelay(afterUs);
    const timer = slot.timers.get(name);
    if (timer !== undefined && timer.queuedAt <= dueAt) {
      // The queued event comes first; when it pops it moves itself to the new deadline.
      timer.dueAt = dueAt;
      return;
    }
    // A new token: an event queued for an earlier arming no longer fires it.
    const token = ++this.timerGens;
    if (timer === undefined) {
      const free = this.freeTimers.pop();
      if (free === undefined) slot.timers.set(name, { dueAt, token, queuedAt: dueAt });
      else {
        free.dueAt = dueAt;
        free.token = token;
        free.queuedAt = dueAt;
        slot.timers.set(name, free);
      }
    } else {
      timer.dueAt = dueAt;
      timer.token = token;
      timer.queuedAt = dueAt;
    }
    core.schedule(dueAt, TIMER, slot.id, token, slot.incarnation, name, undefined);
  }

  /** A fired or cancelled timer leaves the map (its queued event, if any, finds no timer and is dropped). */
  private disarm(slot: ActorSlot, name: string): void {
    const timer = slot.timers.get(name);
    if (timer === undefined) return;
    slot.timers.delete(name);
    this.freeTimers.push(timer);
  }

  /**
   * A ghost note: its kind and node are hashed always; its data is built (by the protocol's
   * builder, inside the handler that notes it) only for the trace or for checkers that read
   * the kind. A note nobody reads allocates nothing.
   */
  private emitNote(endpoint: Endpoint, kind: string, data: NoteInput | undefined, a: unknown, b: unknown, c: unknown, d: unknown): void {
    const core = this.core;
    // The note's kind and node: its data follows from the events already hashed.
    core.hash.str(kind);
    core.hash.int(endpoint);
    const log = core.log;
    const checks = this.deps.checks;
    const listeners = core.stopped || !checks.watchesNotes ? undefined : checks.listeners(kind);
    if (log === undefined && listeners === undefined) return;
    const built = typeof data === 'function' ? data(a, b, c, d) : (data ?? {});
    if (log !== undefined) log.note(core.eventIndex, core.nowTrue, endpoint, kind, built);
    if (listeners !== undefined) checks.onNote(listeners, endpoint, kind, built, core.nowTrue, this.deps.view);
  }

  // ---- Lifecycle ---------------------------------------------------------------------
  start(slot: ActorSlot): void {
    if (slot.up) throw new KernelError(`${this.name(slot)} is already up`);
    const { config, core } = this.deps;
    slot.up = true;
    slot.incarnation++;
    slot.timers.clear();
    slot.paused = false;
    slot.buffered = [];
    const ctx = this.contexts[slot.id];
    const node = slot.clientIndex < 0;
    let actor: AnyActor;
    try {
      actor = node ? config.protocol.createActor(ctx as NodeContext<unknown>, config.protocolOptions) : config.protocol.createClient!(ctx as ClientContext<unknown>, config.protocolOptions);
    } catch (error) {
      // No actor: the slot stays down (the run stops after this event).
      slot.up = false;
      core.caught(error, slot.label, node ? 'createActor' : 'createClient', slot.id);
      return;
    }
    slot.actor = actor;
    if (node) this.nodeActors[slot.id] = actor as Actor<unknown>;
    try {
      actor.onStart();
    } catch (error) {
      core.caught(error, slot.label, 'onStart', slot.id);
      return;
    }
    this.afterHandler(slot);
  }

  /** Restart a crashed actor (a scripted restart, or faults stopping). */
  restart(slot: ActorSlot): void {
    const core = this.deps.core;
    this.start(slot);
    if (core.log) core.record({ i: core.eventIndex, t: core.nowTrue, k: 'restart', node: slot.id });
  }

  crash(slot: ActorSlot): void {
    if (!slot.up) return;
    const { core, diskRandom } = this.deps;
    slot.up = false;
    slot.actor = undefined;
    if (slot.clientIndex < 0) this.nodeActors[slot.id] = undefined;
    slot.timers.clear();
    slot.paused = false;
    slot.buffered = [];
    slot.summary.reset();
    if (slot.storage) {
      const lost = slot.storage.crash(diskRandom);
      core.hash.int(lost);
    }
    if (core.log) core.record({ i: core.eventIndex, t: core.nowTrue, k: 'crash', node: slot.id });
    this.coverage?.forget(slot.id);
    // A client that dies with an operation open leaves it indeterminate; it comes back as a new process.
    if (slot.pending !== undefined) this.completeClientOp(slot, 'info', slot.pending.value, 'crashed');
    else if (slot.clientIndex >= 0) slot.process = this.deps.history.newProcess();
  }

  pause(slot: ActorSlot, durationUs: Micros): void {
    if (!slot.up || slot.paused) return;
    const core = this.deps.core;
    slot.paused = true;
    slot.pauseGen++;
    if (core.log) core.record({ i: core.eventIndex, t: core.nowTrue, k: 'pause', node: slot.id });
    core.schedule(core.nowTrue + durationUs, RESUME, slot.id, 0, slot.pauseGen, '', undefined);
  }

  resume(slot: ActorSlot, pauseGen: number): void {
    if (!slot.paused || slot.pauseGen !== pauseGen) return;
    const core = this.deps.core;
    slot.paused = false;
    if (core.log) core.record({ i: core.eventIndex, t: core.nowTrue, k: 'resume', node: slot.id });
    // Everything that arrived or fired during the pause is handled now, in its original order.
    const buffered = slot.buffered;
    slot.buffered = [];
    for (const ev of buffered) core.schedule(core.nowTrue, ev.kind, ev.a, ev.b, ev.c, ev.name, ev.payload);
  }

  // ---- Events ------------------------------------------------------------------------
  /** A message (DELIVER) or a built-in client's request (DELIVER_REQUEST) arrives at an actor. */
  deliver(ev: Ev): void {
    const core = this.core;
    const network = this.network;
    const from = ev.a;
    const to = ev.b;
    const slot = this.slots[to];
    if (network.isBlocked(from, to)) return network.drop(ev, 'partition');
    if (!slot.up) return network.drop(ev, 'node down');
    if (slot.paused) {
      slot.buffered.push(ev);
      core.retained = true;
      return;
    }
    if (core.log !== undefined) core.log.message(DELIVER_ROW, core.eventIndex, core.nowTrue, from, to, ev.payload, ev.c);
    // The handler boundary: what the protocol throws is its failure (Core.caught).
    this.handlerCalls++;
    try {
      if (ev.kind === DELIVER) slot.actor!.onMessage(from, ev.payload);
      else (slot.actor as Actor<unknown>).onRequest(ev.payload as ClientRequest);
    } catch (error) {
      core.caught(error, slot.label, ev.kind === DELIVER ? 'onMessage' : 'onRequest', slot.id);
      return;
    }
    this.afterHandler(slot);
  }

  fireTimer(ev: Ev): void {
    const core = this.core;
    const slot = this.slots[ev.a];
    const timer = slot.timers.get(ev.name);
    if (!slot.up || slot.incarnation !== ev.c || timer === undefined || timer.token !== ev.b) return;
    if (timer.dueAt > core.nowTrue) {
      // Re-armed since this event was queued: follow the deadline.
      timer.queuedAt = timer.dueAt;
      core.schedule(timer.dueAt, TIMER, slot.id, ev.b, ev.c, ev.name, undefined);
      return;
    }
    if (slot.paused) {
      slot.buffered.push(ev);
      core.retained = true;
      return;
    }
    this.disarm(slot, ev.name);
    if (core.log !== undefined) core.log.named(TIMER_ROW, core.eventIndex, core.nowTrue, slot.id, ev.name);
    this.handlerCalls++;
    try {
      slot.actor!.onTimer(ev.name);
    } catch (error) {
      core.caught(error, slot.label, `onTimer(${JSON.stringify(ev.name)})`, slot.id);
      return;
    }
    this.afterHandler(slot);
  }

  private afterHandler(slot: ActorSlot): void {
    const core = this.core;
    if ((!core.log && this.coverage === undefined) || !slot.actor) return;
    let summary: Record<string, unknown>;
    try {
      summary = slot.actor.summary();
      this.coverage?.observe(slot.id, summary);
      if (!core.log || !slot.summary.changed(summary)) return;
    } catch (error) {
      core.caught(error, slot.label, 'summary', slot.id);
      return;
    }
    core.log.state(core.eventIndex, core.nowTrue, slot.id, summary);
  }

  name(slot: ActorSlot): string {
    return slot.clientIndex < 0 ? `node n${slot.id + 1}` : `client c${slot.clientIndex + 1}`;
  }
}

/** A node's answer to a built-in client, checked where the protocol gives it (a bad one is the protocol's failure). */
function checkResponse(response: ClientResponse, nodeCount: number): void {
  const type = response !== null && typeof response === 'object' ? (response as { type?: unknown }).type : undefined;
  if (type !== 'ok' && type !== 'fail' && type !== 'redirect') throw new AssertionError(`reply: expected a response { type: 'ok' | 'fail' | 'redirect' }, got ${JSON.stringify(response)}`);
  if (response.type !== 'redirect' || response.leader === undefined) return;
  const leader = response.leader;
  if (!(Number.isInteger(leader) && leader >= 0 && leader < nodeCount)) throw new AssertionError(`reply: redirect to unknown node ${String(leader)}`);
}
