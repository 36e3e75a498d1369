// The world: one discrete-event run of a cluster. It owns every source of
// non-determinism (seeded streams per concern), the event queue, the network, the nodes'
// clocks and storage, the fault injector and the clients, and it records the history,
// the running hash and (at full level) the trace. Protocols see only NodeContext.
import { LocalClock } from './clock.js';
import { targetsOneNode, type FaultAction, type NodeTarget, type ScriptedFault, type SimConfig } from './config.js';
import { EventQueue } from './event-queue.js';
import { RunHash } from './hash.js';
import { Prng, stream } from './prng.js';
import type { RunResult, TraceEvent, Violation } from './result.js';
import { SimStorage } from './storage.js';
import {
  assert,
  assertNever,
  type Actor,
  type ClientRequest,
  type ClientResponse,
  type ClusterView,
  type DurableStorage,
  type Endpoint,
  type HistoryEvent,
  type Invariant,
  type LivenessCheck,
  type Micros,
  type NodeContext,
  type NodeId,
  type Note,
  type Op,
} from './types.js';

// Event kinds (numbers keep the hot loop monomorphic and the hash cheap).
const DELIVER = 1;
const DELIVER_REQUEST = 2;
const DELIVER_REPLY = 3;
const TIMER = 4;
const FAULT = 5;
const NEMESIS = 6;
const FAULTS_STOP = 7;
const CLIENT_INVOKE = 8;
const CLIENT_TIMEOUT = 9;
const CLIENT_RETRY = 10;
const RESUME = 11;

/** One scheduled event. A single shape for every kind (fields a, b, c mean different things per kind). */
class Ev {
  seq = 0;
  constructor(
    public at: Micros,
    public tie: number,
    public kind: number,
    /** DELIVER*: from; TIMER, RESUME: node; CLIENT_*: client index. */
    public a: number,
    /** DELIVER*: to; TIMER: timer generation; CLIENT_*: generation. */
    public b: number,
    /** DELIVER*: message id; TIMER: incarnation; RESUME: pause generation. */
    public c: number,
    public name: string,
    public payload: unknown,
  ) {}
}

interface TimerState {
  /** When the timer is due (true time). */
  dueAt: Micros;
  /** The token of the one queued event that may fire it. */
  token: number;
  /** When that event is queued for (never after dueAt). */
  queuedAt: Micros;
}

interface ClientReply {
  clientId: number;
  seq: number;
  response: ClientResponse;
}

class NodeSlot {
  actor: Actor<unknown> | undefined;
  up = false;
  incarnation = 0;
  /** Armed timers by name. At most one queued event per timer: re-arming later moves the deadline, not the queue. */
  readonly timers = new Map<string, TimerState>();
  readonly clock = new LocalClock();
  paused = false;
  pauseGen = 0;
  buffered: Ev[] = [];
  lastSummary = '';
  constructor(
    readonly id: NodeId,
    readonly storage: SimStorage,
    readonly random: Prng,
  ) {}
}

interface ClientProc {
  readonly index: number;
  readonly endpoint: Endpoint;
  readonly random: Prng;
  /** Jepsen process id; also the session client id. A new one after an indeterminate result. */
  process: number;
  seq: number;
  op: Op | undefined;
  opStartUs: Micros;
  target: NodeId;
  gen: number;
  done: boolean;
}

export class World implements ClusterView<Actor<unknown>> {
  readonly nodeCount: number;
  private readonly endpointCount: number;
  private readonly queue = new EventQueue<Ev>();
  private readonly hash = new RunHash();
  private readonly netRandom: Prng;
  private readonly faultRandom: Prng;
  private readonly workloadRandom: Prng;
  private readonly diskRandom: Prng;
  private readonly tieRandom: Prng | undefined;
  private readonly nodes: NodeSlot[] = [];
  private readonly clients: ClientProc[] = [];
  /** Links blocked by faults, [from * endpoints + to]. */
  private readonly blocked: Uint8Array;
  /** Links cut for the whole run. */
  private readonly cut: Uint8Array;
  private burstLossPpm = 0;
  private burstGen = 0;
  private nowTrue: Micros = 0;
  private eventIndex = 0;
  private msgIds = 0;
  private timerGens = 0;
  private opCounter = 0;
  /** The workload generator's scratch space for this run. */
  private readonly workloadState = new Map<string, unknown>();
  private nextProcess: number;
  private stopped = false;
  /** Handled events, reused by schedule() (fewer allocations on the hot path). */
  private readonly freeEvents: Ev[] = [];
  /** Set by a handler that keeps the event (buffered during a pause): it must not be reused. */
  private retained = false;
  private faultsOver = false;
  private readonly invariants: Invariant<Actor<unknown>>[];
  private readonly noteInvariants: Invariant<Actor<unknown>>[];
  private readonly stepInvariants: Invariant<Actor<unknown>>[];
  private readonly livenessChecks: LivenessCheck<Actor<unknown>>[];
  private readonly noteLiveness: LivenessCheck<Actor<unknown>>[];
  private readonly bugs: ReadonlySet<string>;
  readonly history: HistoryEvent[] = [];
  /** Every fault as applied, in concrete form (nodes and groups resolved): a nemesis run replays as a script. */
  readonly faultLog: ScriptedFault[] = [];
  readonly violations: Violation[] = [];
  readonly trace: TraceEvent[] | undefined;
  /** The node currently handling an event (for ctx calls). */
  private readonly contexts: NodeContext<unknown>[] = [];

  constructor(private readonly config: SimConfig) {
    assert(Number.isInteger(config.nodes) && config.nodes >= 1, 'at least one node');
    assert(config.faultsStopUs <= config.durationUs, 'faults stop within the run');
    this.nodeCount = config.nodes;
    this.endpointCount = config.nodes + config.clients.clients;
    this.nextProcess = config.clients.clients;
    const seed = config.seed;
    this.netRandom = stream(seed, 'network');
    this.faultRandom = stream(seed, 'faults');
    this.workloadRandom = stream(seed, 'workload');
    this.diskRandom = stream(seed, 'disk');
    this.tieRandom = config.exploreTies ? stream(seed, 'ties') : undefined;
    this.blocked = new Uint8Array(this.endpointCount * this.endpointCount);
    this.cut = new Uint8Array(this.endpointCount * this.endpointCount);
    for (const [from, to] of config.network.cut) this.cut[from * this.endpointCount + to] = 1;
    this.trace = config.record === 'full' ? [] : undefined;
    this.bugs = new Set(config.bugs);
    for (const bug of config.bugs) {
      assert(
        config.protocol.bugs.some((b: { name: string }) => b.name === bug),
        `protocol ${config.protocol.name} has no bug variant ${bug}`,
      );
    }
    const wanted = config.checks ? new Set(config.checks) : undefined;
    this.invariants = config.protocol.invariants(config.protocolOptions).filter((i: Invariant<Actor<unknown>>) => !wanted || wanted.has(i.name));
    this.noteInvariants = this.invariants.filter((i) => i.onNote);
    this.stepInvariants = this.invariants.filter((i) => i.afterEvent);
    this.livenessChecks = config.protocol.liveness(config.protocolOptions).filter((l: LivenessCheck<Actor<unknown>>) => !wanted || wanted.has(l.name));
    this.noteLiveness = this.livenessChecks.filter((l) => l.onNote);

    const ids = Array.from({ length: config.nodes }, (_, i) => i);
    for (const id of ids) {
      const slot = new NodeSlot(id, new SimStorage(config.storage.loseUnsyncedOnCrash), stream(seed, `node:n${id + 1}`));
      this.nodes.push(slot);
      this.contexts.push(this.makeContext(slot, ids));
    }
    for (let c = 0; c < config.clients.clients; c++) {
      const random = stream(seed, `client:c${c + 1}`);
      this.clients.push({
        index: c,
        endpoint: config.nodes + c,
        random,
        process: c,
        seq: 0,
        op: undefined,
        opStartUs: 0,
        target: random.int(0, config.nodes - 1),
        gen: 0,
        done: false,
      });
    }
    this.hash.str(config.protocol.name);
    this.hash.str(seed);
    this.hash.int(config.nodes);
    // Enabled variants are part of the run's identity.
    for (const bug of [...config.bugs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))) this.hash.str(bug);
  }

  // ---- ClusterView -------------------------------------------------------------------
  get nowUs(): Micros {
    return this.nowTrue;
  }
  get inLivenessPhase(): boolean {
    return this.faultsOver;
  }
  actor(node: NodeId): Actor<unknown> | undefined {
    const slot = this.nodes[node];
    return slot.up ? slot.actor : undefined;
  }
  storage(node: NodeId): DurableStorage {
    return this.nodes[node].storage;
  }
  /** Is the node up (not crashed)? Paused nodes are up. */
  isUp(node: NodeId): boolean {
    return this.nodes[node].up;
  }

  // ---- Running -----------------------------------------------------------------------
  run(): RunResult {
    const cfg = this.config;
    for (const slot of this.nodes) this.start(slot);
    for (const f of [...cfg.faults].sort((x, y) => x.atUs - y.atUs)) this.schedule(f.atUs, FAULT, 0, 0, 0, '', f);
    if (cfg.nemesis && cfg.faultsStopUs > 0) this.schedule(this.faultRandom.int(cfg.nemesis.intervalUs[0], cfg.nemesis.intervalUs[1]), NEMESIS, 0, 0, 0, '', undefined);
    this.schedule(cfg.faultsStopUs, FAULTS_STOP, 0, 0, 0, '', undefined);
    for (const client of this.clients) {
      this.schedule(client.random.int(cfg.clients.thinkUs[0], cfg.clients.thinkUs[1]), CLIENT_INVOKE, client.index, 0, 0, '', undefined);
    }

    const step = Math.max(1, cfg.checkEveryEvents);
    while (!this.stopped) {
      const ev = this.queue.peek();
      if (ev === undefined || ev.at > cfg.durationUs) break;
      this.queue.pop();
      assert(ev.at >= this.nowTrue, `time went backwards: ${ev.at} < ${this.nowTrue}`);
      this.nowTrue = ev.at;
      if (this.eventIndex >= cfg.maxEvents) {
        this.violate('liveness', 'event-budget', `more than maxEvents=${cfg.maxEvents} events: the protocol runs away`);
        break;
      }
      this.hash.int(ev.kind);
      this.hash.int(ev.at);
      this.hash.int(ev.a);
      this.hash.int(ev.b);
      this.retained = false;
      this.dispatch(ev);
      if (!this.retained && this.freeEvents.length < 4096) {
        ev.payload = undefined;
        this.freeEvents.push(ev);
      }
      if (!this.stopped && this.stepInvariants.length > 0 && this.eventIndex % step === 0) this.checkStep();
      this.eventIndex++;
    }
    if (!this.stopped) {
      this.nowTrue = Math.max(this.nowTrue, cfg.durationUs);
      for (const inv of this.invariants) {
        if (this.stopped) break;
        const msg = inv.atEnd?.(this);
        if (msg !== undefined) this.violate('safety', inv.name, msg);
      }
      for (const check of this.livenessChecks) {
        if (this.stopped) break;
        const msg = check.atEnd(this, { livenessStartUs: cfg.faultsStopUs, endUs: this.nowTrue, history: this.history });
        if (msg !== undefined) this.violate('liveness', check.name, msg);
      }
    }
    for (const v of this.violations) {
      this.hash.str(v.checker);
      this.hash.int(v.event);
    }
    return {
      seed: cfg.seed,
      hash: this.hash.hex(),
      events: this.eventIndex,
      simulatedUs: this.nowTrue,
      history: this.history,
      violations: this.violations,
      trace: this.trace,
      faultsStopUs: cfg.faultsStopUs,
      faultLog: this.faultLog,
    };
  }

  private checkStep(): void {
    for (const inv of this.stepInvariants) {
      const msg = inv.afterEvent!(this);
      if (msg !== undefined) {
        this.violate('safety', inv.name, msg);
        return;
      }
    }
  }

  private violate(kind: Violation['kind'], checker: string, message: string): void {
    this.violations.push({ kind, checker, message, atUs: this.nowTrue, event: this.eventIndex });
    this.stopped = true;
  }

  private schedule(at: Micros, kind: number, a: number, b: number, c: number, name: string, payload: unknown): void {
    const tie = this.tieRandom ? this.tieRandom.int(0, 0x7fffffff) : 0;
    const ev = this.freeEvents.pop();
    if (ev === undefined) {
      this.queue.push(new Ev(at, tie, kind, a, b, c, name, payload));
      return;
    }
    ev.at = at;
    ev.tie = tie;
    ev.kind = kind;
    ev.a = a;
    ev.b = b;
    ev.c = c;
    ev.name = name;
    ev.payload = payload;
    this.queue.push(ev);
  }

  private record(e: TraceEvent): void {
    this.trace!.push(e);
  }

  private dispatch(ev: Ev): void {
    switch (ev.kind) {
      case DELIVER:
      case DELIVER_REQUEST:
        return this.deliverToNode(ev);
      case DELIVER_REPLY:
        return this.deliverToClient(ev);
      case TIMER:
        return this.fireTimer(ev);
      case FAULT: {
        const f = ev.payload as ScriptedFault;
        return this.applyFault(f.action);
      }
      case NEMESIS:
        return this.nemesisStep();
      case FAULTS_STOP:
        return this.stopFaults();
      case CLIENT_INVOKE:
        return this.clientInvoke(this.clients[ev.a]);
      case CLIENT_TIMEOUT:
        return this.clientTimeout(this.clients[ev.a], ev.b);
      case CLIENT_RETRY:
        return this.clientRetry(this.clients[ev.a], ev.b);
      case RESUME:
        return this.resume(this.nodes[ev.a], ev.c);
      default:
        throw new Error(`unknown event kind ${ev.kind}`);
    }
  }

  // ---- Nodes -------------------------------------------------------------------------
  private makeContext(slot: NodeSlot, ids: NodeId[]): NodeContext<unknown> {
    const peers = ids.filter((i) => i !== slot.id);
    // Arrow functions: `this` is the world; the context object is what the node sees.
    return {
      id: slot.id,
      nodes: ids,
      peers,
      now: () => slot.clock.now(this.nowTrue),
      random: slot.random,
      storage: slot.storage,
      send: (to: NodeId, msg: unknown) => {
        assert(to >= 0 && to < this.nodeCount, `send to unknown node ${to}`);
        this.transmit(DELIVER, slot.id, to, msg);
      },
      setTimer: (name: string, afterUs: Micros) => {
        assert(Number.isInteger(afterUs) && afterUs >= 0, `timer ${name}: afterUs must be a non-negative integer, got ${afterUs}`);
        const dueAt = this.nowTrue + slot.clock.trueDelay(afterUs);
        const timer = slot.timers.get(name);
        if (timer !== undefined && timer.queuedAt <= dueAt) {
          // The queued event comes first; when it pops it moves itself to the new deadline.
          timer.dueAt = dueAt;
          return;
        }
        const token = ++this.timerGens;
        slot.timers.set(name, { dueAt, token, queuedAt: dueAt });
        this.schedule(dueAt, TIMER, slot.id, token, slot.incarnation, name, undefined);
      },
      cancelTimer: (name: string) => {
        slot.timers.delete(name);
      },
      reply: (req: ClientRequest, response: ClientResponse) => {
        const client = req.clientId;
        // The client endpoint that owns this session: processes map to clients by index.
        const endpoint = this.endpointOfProcess(client);
        if (endpoint === undefined) return;
        const reply: ClientReply = { clientId: req.clientId, seq: req.seq, response };
        this.transmit(DELIVER_REPLY, slot.id, endpoint, reply);
      },
      note: (kind: string, data: Record<string, unknown>) => {
        this.emitNote(slot.id, kind, data);
      },
      bug: (name: string) => this.bugs.has(name),
    };
  }

  private endpointOfProcess(process: number): Endpoint | undefined {
    for (const c of this.clients) if (c.process === process) return c.endpoint;
    return undefined;
  }

  private emitNote(node: NodeId, kind: string, data: Record<string, unknown>): void {
    // The note's kind and node: its data follows from the events already hashed.
    this.hash.str(kind);
    this.hash.int(node);
    if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'note', node, kind, data });
    if (this.stopped || (this.noteInvariants.length === 0 && this.noteLiveness.length === 0)) return;
    const note: Note = { node, kind, data, timeUs: this.nowTrue };
    for (const check of this.noteLiveness) check.onNote!(note, this);
    for (const inv of this.noteInvariants) {
      const msg = inv.onNote!(note, this);
      if (msg !== undefined) {
        this.violate('safety', inv.name, msg);
        return;
      }
    }
  }

  private start(slot: NodeSlot): void {
    assert(!slot.up, `node n${slot.id + 1} is already up`);
    slot.up = true;
    slot.incarnation++;
    slot.timers.clear();
    slot.paused = false;
    slot.buffered = [];
    slot.actor = this.config.protocol.createActor(this.contexts[slot.id], this.config.protocolOptions);
    slot.actor!.onStart();
    this.afterHandler(slot);
  }

  private crash(slot: NodeSlot): void {
    if (!slot.up) return;
    slot.up = false;
    slot.actor = undefined;
    slot.timers.clear();
    slot.paused = false;
    slot.buffered = [];
    slot.lastSummary = '';
    const lost = slot.storage.crash(this.diskRandom);
    this.hash.int(lost);
    if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'crash', node: slot.id });
  }

  private afterHandler(slot: NodeSlot): void {
    if (!this.trace || !slot.actor) return;
    const summary = slot.actor.summary();
    const text = JSON.stringify(summary);
    if (text !== slot.lastSummary) {
      slot.lastSummary = text;
      this.record({ i: this.eventIndex, t: this.nowTrue, k: 'state', node: slot.id, summary });
    }
  }

  private deliverToNode(ev: Ev): void {
    const from = ev.a;
    const to = ev.b;
    const slot = this.nodes[to];
    if (this.isBlocked(from, to)) return this.traceDrop(ev, 'partition');
    if (!slot.up) return this.traceDrop(ev, 'node down');
    if (slot.paused) {
      slot.buffered.push(ev);
      this.retained = true;
      return;
    }
    if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'deliver', from, to, msg: ev.payload, id: ev.c });
    if (ev.kind === DELIVER) slot.actor!.onMessage(from, ev.payload);
    else slot.actor!.onRequest(ev.payload as ClientRequest);
    this.afterHandler(slot);
  }

  private fireTimer(ev: Ev): void {
    const slot = this.nodes[ev.a];
    const timer = slot.timers.get(ev.name);
    if (!slot.up || slot.incarnation !== ev.c || timer === undefined || timer.token !== ev.b) return;
    if (timer.dueAt > this.nowTrue) {
      // Re-armed since this event was queued: follow the deadline.
      timer.queuedAt = timer.dueAt;
      this.schedule(timer.dueAt, TIMER, slot.id, ev.b, ev.c, ev.name, undefined);
      return;
    }
    if (slot.paused) {
      slot.buffered.push(ev);
      this.retained = true;
      return;
    }
    slot.timers.delete(ev.name);
    if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'timer', node: slot.id, name: ev.name });
    slot.actor!.onTimer(ev.name);
    this.afterHandler(slot);
  }

  private pause(slot: NodeSlot, durationUs: Micros): void {
    if (!slot.up || slot.paused) return;
    slot.paused = true;
    slot.pauseGen++;
    if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'pause', node: slot.id });
    this.schedule(this.nowTrue + durationUs, RESUME, slot.id, 0, slot.pauseGen, '', undefined);
  }

  private resume(slot: NodeSlot, pauseGen: number): void {
    if (!slot.paused || slot.pauseGen !== pauseGen) return;
    slot.paused = false;
    if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'resume', node: slot.id });
    // Everything that arrived or fired during the pause is handled now, in its original order.
    const buffered = slot.buffered;
    slot.buffered = [];
    for (const ev of buffered) this.schedule(this.nowTrue, ev.kind, ev.a, ev.b, ev.c, ev.name, ev.payload);
  }

  // ---- Network -----------------------------------------------------------------------
  private isBlocked(from: Endpoint, to: Endpoint): boolean {
    const i = from * this.endpointCount + to;
    return this.blocked[i] === 1 || this.cut[i] === 1;
  }

  private transmit(kind: number, from: Endpoint, to: Endpoint, payload: unknown): void {
    const id = this.msgIds++;
    const type = messageType(payload);
    this.hash.str(type);
    if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'send', from, to, msg: payload, id });
    if (this.isBlocked(from, to)) return this.traceDropRaw(from, to, payload, id, 'partition');
    const net = this.config.network;
    const loss = Math.max(net.lossPpm, this.burstLossPpm);
    if (this.netRandom.chance(loss)) return this.traceDropRaw(from, to, payload, id, 'loss');
    this.schedule(this.nowTrue + this.latency(), kind, from, to, id, '', payload);
    if (this.netRandom.chance(net.duplicatePpm)) this.schedule(this.nowTrue + this.latency(), kind, from, to, id, '', payload);
  }

  private latency(): Micros {
    const l = this.config.network.latency;
    switch (l.kind) {
      case 'fixed':
        return l.us;
      case 'uniform':
        return this.netRandom.int(l.minUs, l.maxUs);
      case 'exponential': {
        // Inverse CDF on a 32-bit uniform draw; the only float is local and rounded at once.
        const u = (this.netRandom.int(1, 0xffffffff) / 0x100000000) as number;
        return Math.min(l.maxUs, l.minUs + Math.round(-Math.log(u) * (l.meanUs - l.minUs)));
      }
      default:
        return assertNever(l, 'latency model');
    }
  }

  private traceDrop(ev: Ev, why: string): void {
    if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'drop', from: ev.a, to: ev.b, msg: ev.payload, id: ev.c, why });
  }

  private traceDropRaw(from: Endpoint, to: Endpoint, msg: unknown, id: number, why: string): void {
    if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'drop', from, to, msg, id, why });
  }

  private setLink(from: Endpoint, to: Endpoint, blocked: boolean): void {
    this.blocked[from * this.endpointCount + to] = blocked ? 1 : 0;
  }

  /** Block every link between different groups (both ways). */
  private partition(groups: Endpoint[][]): void {
    const groupOf = new Map<Endpoint, number>();
    groups.forEach((g, gi) => g.forEach((e) => groupOf.set(e, gi)));
    for (const [x, gx] of groupOf) {
      for (const [y, gy] of groupOf) if (gx !== gy) this.setLink(x, y, true);
    }
  }

  private heal(): void {
    this.blocked.fill(0);
  }

  // ---- Faults ------------------------------------------------------------------------
  private resolveNode(target: NodeTarget): NodeId | undefined {
    if (typeof target === 'number') return target;
    if (target === 'random') return this.faultRandom.int(0, this.nodeCount - 1);
    // The leader: a live node whose summary says so; the highest term wins among stale leaders.
    let best: NodeId | undefined;
    let bestTerm = -Infinity;
    for (const slot of this.nodes) {
      if (!slot.up || !slot.actor) continue;
      const s = slot.actor.summary();
      if (s.role !== 'leader') continue;
      const term = typeof s.term === 'number' ? s.term : 0;
      if (term > bestTerm) {
        best = slot.id;
        bestTerm = term;
      }
    }
    return best;
  }

  private applyFault(action: FaultAction): void {
    const detail: Record<string, unknown> = { ...action };
    const nodeIds = this.nodes.map((s) => s.id);
    switch (action.kind) {
      case 'partition':
        this.partition(action.groups);
        break;
      case 'partition-halves': {
        const order = this.faultRandom.shuffle(nodeIds);
        const half = Math.floor(order.length / 2);
        const groups = [order.slice(0, half), order.slice(half)];
        detail.groups = groups;
        this.partition(groups);
        break;
      }
      case 'partition-majority': {
        const order = this.faultRandom.shuffle(nodeIds);
        const majority = Math.floor(order.length / 2) + 1;
        const groups = [order.slice(0, majority), order.slice(majority)];
        detail.groups = groups;
        this.partition(groups);
        break;
      }
      case 'isolate': {
        const node = this.resolveNode(action.node);
        detail.node = node;
        if (node !== undefined) this.partition([[node], nodeIds.filter((n) => n !== node)]);
        break;
      }
      case 'one-way':
        for (const f of action.from) for (const t of action.to) if (f !== t) this.setLink(f, t, true);
        break;
      case 'bridge': {
        const order = this.faultRandom.shuffle(nodeIds);
        if (order.length >= 3) {
          const bridge = order[0];
          const rest = order.slice(1);
          const half = Math.floor(rest.length / 2);
          const a = rest.slice(0, half);
          const b = rest.slice(half);
          detail.bridge = bridge;
          detail.groups = [a, b];
          for (const x of a) for (const y of b) {
            this.setLink(x, y, true);
            this.setLink(y, x, true);
          }
        }
        break;
      }
      case 'heal':
        this.heal();
        break;
      case 'crash': {
        const node = this.resolveNode(action.node);
        detail.node = node;
        if (node !== undefined) this.crash(this.nodes[node]);
        break;
      }
      case 'restart': {
        const targets = action.node === 'all' ? nodeIds : [this.resolveNode(action.node)];
        for (const node of targets) {
          if (node !== undefined && !this.nodes[node].up) {
            this.start(this.nodes[node]);
            if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'restart', node });
          }
        }
        break;
      }
      case 'crash-restart': {
        const node = this.resolveNode(action.node);
        detail.node = node;
        if (node !== undefined && this.nodes[node].up) {
          this.crash(this.nodes[node]);
          this.schedule(this.nowTrue + action.downUs, FAULT, 0, 0, 0, '', { atUs: this.nowTrue + action.downUs, action: { kind: 'restart', node } });
        }
        break;
      }
      case 'clock-offset': {
        const node = this.resolveNode(action.node);
        if (node !== undefined) this.nodes[node].clock.setOffset(this.nowTrue, action.offsetUs);
        detail.node = node;
        break;
      }
      case 'clock-jump': {
        const node = this.resolveNode(action.node);
        if (node !== undefined) this.nodes[node].clock.jump(this.nowTrue, action.byUs);
        detail.node = node;
        break;
      }
      case 'clock-drift': {
        const node = this.resolveNode(action.node);
        if (node !== undefined) this.nodes[node].clock.setDrift(this.nowTrue, action.driftPpm);
        detail.node = node;
        break;
      }
      case 'pause': {
        const node = this.resolveNode(action.node);
        if (node !== undefined) this.pause(this.nodes[node], action.durationUs);
        detail.node = node;
        break;
      }
      case 'loss-burst': {
        this.burstLossPpm = action.lossPpm;
        const gen = ++this.burstGen;
        // The end of the burst is a fault event of its own.
        this.schedule(this.nowTrue + action.durationUs, FAULT, 0, 0, 0, '', { atUs: 0, action: { kind: 'loss-end', gen } });
        break;
      }
      default: {
        const internal = action as unknown as { kind: string; gen?: number };
        if (internal.kind === 'loss-end') {
          if (internal.gen === this.burstGen) this.burstLossPpm = 0;
          break;
        }
        assertNever(action, 'fault');
      }
    }
    this.hash.str(action.kind);
    const concrete = concreteFault(action, detail);
    if (concrete) this.faultLog.push({ atUs: this.nowTrue, action: concrete });
    if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'fault', what: action.kind, detail });
  }

  /** The random nemesis: start one fault, schedule its end, and the next start. Overlaps are allowed. */
  private nemesisStep(): void {
    const nem = this.config.nemesis!;
    if (this.faultsOver) return;
    const r = this.faultRandom;
    const weights = (Object.keys(nem.weights) as Array<keyof typeof nem.weights>)
      .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
      .map((k) => [k, nem.weights[k] ?? 0] as const)
      .filter(([, w]) => w > 0);
    const durationUs = r.int(nem.durationUs[0], nem.durationUs[1]);
    const endAt = Math.min(this.nowTrue + durationUs, this.config.faultsStopUs);
    const endWith = (action: FaultAction | { kind: 'loss-end'; gen: number }) =>
      this.schedule(endAt, FAULT, 0, 0, 0, '', { atUs: endAt, action });
    if (weights.length > 0) {
      const kind = r.weighted(weights);
      const nodeIds = this.nodes.map((s) => s.id);
      switch (kind) {
        case 'partition': {
          const shape = r.int(0, 2);
          if (shape === 0) this.applyFault({ kind: 'partition-halves' });
          else if (shape === 1) this.applyFault({ kind: 'partition-majority' });
          else this.applyFault({ kind: 'isolate', node: r.int(0, 1) === 0 ? 'leader' : 'random' });
          endWith({ kind: 'heal' });
          break;
        }
        case 'one-way': {
          const order = r.shuffle(nodeIds);
          const k = r.int(1, Math.max(1, order.length - 1));
          this.applyFault({ kind: 'one-way', from: order.slice(0, k), to: order.slice(k) });
          endWith({ kind: 'heal' });
          break;
        }
        case 'bridge':
          this.applyFault({ kind: 'bridge' });
          endWith({ kind: 'heal' });
          break;
        case 'crash': {
          const down = this.nodes.filter((s) => !s.up).length;
          const live = this.nodes.filter((s) => s.up).map((s) => s.id);
          if (down < nem.maxCrashed && live.length > 0) {
            const node = r.int(0, 1) === 0 ? (this.resolveNode('leader') ?? r.pick(live)) : r.pick(live);
            this.applyFault({ kind: 'crash', node });
            endWith({ kind: 'restart', node });
          }
          break;
        }
        case 'pause': {
          const node = r.int(0, 1) === 0 ? 'leader' : 'random';
          this.applyFault({ kind: 'pause', node, durationUs: Math.max(1, endAt - this.nowTrue) });
          break;
        }
        case 'clock': {
          const node = r.int(0, this.nodeCount - 1);
          if (r.int(0, 1) === 0 || nem.clockDriftMaxPpm === 0) {
            this.applyFault({ kind: 'clock-jump', node, byUs: r.int(-nem.clockJumpMaxUs, nem.clockJumpMaxUs) });
          } else {
            this.applyFault({ kind: 'clock-drift', node, driftPpm: r.int(-nem.clockDriftMaxPpm, nem.clockDriftMaxPpm) });
          }
          break;
        }
        case 'loss':
          this.applyFault({ kind: 'loss-burst', lossPpm: r.int(100_000, 900_000), durationUs: Math.max(1, endAt - this.nowTrue) });
          break;
        default:
          assertNever(kind, 'nemesis kind');
      }
    }
    const next = this.nowTrue + r.int(nem.intervalUs[0], nem.intervalUs[1]);
    if (next < this.config.faultsStopUs) this.schedule(next, NEMESIS, 0, 0, 0, '', undefined);
  }

  /** Faults stop: heal the network, end loss bursts, resume paused and restart crashed nodes. Clock drift stays. */
  private stopFaults(): void {
    this.faultsOver = true;
    this.heal();
    this.burstLossPpm = 0;
    for (const slot of this.nodes) {
      if (slot.paused) this.resume(slot, slot.pauseGen);
      if (!slot.up) {
        this.start(slot);
        if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'restart', node: slot.id });
      }
    }
    if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'fault', what: 'faults-stop', detail: {} });
  }

  // ---- Clients -----------------------------------------------------------------------
  private recordHistory(e: Omit<HistoryEvent, 'index' | 'timeUs'>): void {
    const event: HistoryEvent = { index: this.history.length, timeUs: this.nowTrue, ...e };
    this.history.push(event);
    this.hash.int(event.process);
    this.hash.str(event.type);
    this.hash.value(event.value);
    if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'history', event });
  }

  private clientInvoke(c: ClientProc): void {
    const cc = this.config.clients;
    const stopUs = cc.stopUs ?? this.config.durationUs;
    if (this.nowTrue >= stopUs) {
      c.done = true;
      return;
    }
    const op = this.config.protocol.nextOp(this.workloadRandom, cc.workload, this.opCounter++, this.workloadState);
    c.op = op;
    c.seq++;
    c.opStartUs = this.nowTrue;
    const invoke: Omit<HistoryEvent, 'index' | 'timeUs'> = { process: c.process, type: 'invoke', f: op.f, value: op.value };
    if (op.key !== undefined) invoke.key = op.key;
    this.recordHistory(invoke);
    this.clientSend(c);
  }

  private clientSend(c: ClientProc): void {
    const cc = this.config.clients;
    c.gen++;
    const req: ClientRequest = { clientId: c.process, seq: c.seq, op: c.op! };
    this.transmit(DELIVER_REQUEST, c.endpoint, c.target, req);
    const deadline = c.opStartUs + cc.opTimeoutUs;
    this.schedule(Math.min(this.nowTrue + cc.requestTimeoutUs, deadline), CLIENT_TIMEOUT, c.index, c.gen, 0, '', undefined);
  }

  private clientComplete(c: ClientProc, type: 'ok' | 'fail' | 'info', value: unknown, error?: string): void {
    const op = c.op!;
    const e: Omit<HistoryEvent, 'index' | 'timeUs'> = { process: c.process, type, f: op.f, value };
    if (op.key !== undefined) e.key = op.key;
    if (error !== undefined) e.error = error;
    this.recordHistory(e);
    c.op = undefined;
    c.gen++;
    // Jepsen: after an indeterminate result the process is never reused; a new one (and a new session) takes over.
    if (type === 'info') c.process = this.nextProcess++;
    const cc = this.config.clients;
    this.schedule(this.nowTrue + c.random.int(cc.thinkUs[0], cc.thinkUs[1]), CLIENT_INVOKE, c.index, 0, 0, '', undefined);
  }

  private deliverToClient(ev: Ev): void {
    if (this.isBlocked(ev.a, ev.b)) return this.traceDrop(ev, 'partition');
    const c = this.clients[ev.b - this.nodeCount];
    const reply = ev.payload as ClientReply;
    if (this.trace) this.record({ i: this.eventIndex, t: this.nowTrue, k: 'deliver', from: ev.a, to: ev.b, msg: ev.payload, id: ev.c });
    if (c.op === undefined || reply.clientId !== c.process || reply.seq !== c.seq) return; // a stale reply
    const r = reply.response;
    switch (r.type) {
      case 'ok': {
        const isRead = c.op.value === undefined;
        const value = r.value !== undefined || isRead ? r.value : c.op.value;
        return this.clientComplete(c, 'ok', value);
      }
      case 'fail':
        return this.clientComplete(c, 'fail', c.op.value, r.error);
      case 'redirect': {
        c.gen++;
        const hinted = r.leader !== undefined && r.leader !== c.target;
        c.target = hinted ? r.leader! : (c.target + 1) % this.nodeCount;
        if (hinted) return this.clientSend(c);
        // No leader known: back off a little before trying the next node.
        const backoff = Math.max(1_000, Math.floor(this.config.clients.requestTimeoutUs / 10));
        this.schedule(this.nowTrue + backoff, CLIENT_RETRY, c.index, c.gen, 0, '', undefined);
        return;
      }
      default:
        assertNever(r, 'client response');
    }
  }

  private clientRetry(c: ClientProc, gen: number): void {
    if (c.op === undefined || c.gen !== gen) return;
    if (this.nowTrue >= c.opStartUs + this.config.clients.opTimeoutUs) return this.clientComplete(c, 'info', c.op.value, 'timeout');
    this.clientSend(c);
  }

  private clientTimeout(c: ClientProc, gen: number): void {
    if (c.op === undefined || c.gen !== gen) return;
    if (this.nowTrue >= c.opStartUs + this.config.clients.opTimeoutUs) return this.clientComplete(c, 'info', c.op.value, 'timeout');
    c.target = (c.target + 1) % this.nodeCount;
    this.clientSend(c);
  }
}

/** The fault with every draw resolved (groups, nodes), or undefined when it did nothing. */
function concreteFault(action: FaultAction, detail: Record<string, unknown>): FaultAction | undefined {
  const node = detail.node as NodeId | undefined;
  switch (action.kind) {
    case 'partition-halves':
    case 'partition-majority':
      return { kind: 'partition', groups: detail.groups as NodeId[][] };
    case 'bridge': {
      if (detail.bridge === undefined) return undefined;
      // The bridge node is in neither group, so it keeps its links to both halves.
      return { kind: 'partition', groups: detail.groups as NodeId[][] };
    }
    default: {
      if (targetsOneNode(action)) return node === undefined ? undefined : { ...action, node };
      const kind = (action as { kind: string }).kind;
      return kind === 'loss-end' ? undefined : action;
    }
  }
}

function messageType(msg: unknown): string {
  if (msg !== null && typeof msg === 'object') {
    const m = msg as { type?: unknown; kind?: unknown; op?: { f?: unknown }; response?: { type?: unknown } };
    if (typeof m.type === 'string') return m.type;
    if (typeof m.kind === 'string') return m.kind;
    if (m.op && typeof m.op.f === 'string') return `request:${m.op.f}`;
    if (m.response && typeof m.response.type === 'string') return `reply:${m.response.type}`;
  }
  return typeof msg;
}

/** Run one simulation to its end (or its first violation). */
export function runSimulation(config: SimConfig): RunResult {
  return new World(config).run();
}
