// The world: one discrete-event run of a cluster. It builds the parts of the kernel (each
// in a file of its own: network, actors, built-in clients, faults, nemesis, history,
// checks), owns the seeded streams per concern, and runs the event loop: pop the next
// event, hash it, dispatch it to its part, run the invariants. Protocols see only their
// contexts; invariants see the world as a ClusterView.
import { Actors, type ActorSlot } from './actors.js';
import { Buggify } from './buggify.js';
import { Checks } from './checks.js';
import { BuiltinClients } from './clients.js';
import type { SimConfig } from './config.js';
import {
  CLIENT_INVOKE,
  CLIENT_RETRY,
  CLIENT_TIMEOUT,
  Core,
  DELIVER,
  DELIVER_REPLY,
  DELIVER_REQUEST,
  FAULT,
  FAULTS_STOP,
  NEMESIS,
  RESUME,
  TIMER,
  type Ev,
} from './core.js';
import { Coverage } from './coverage.js';
import { KernelError, kernelAssert } from './errors.js';
import { Faults } from './faults.js';
import { History, OpSource } from './history.js';
import { Nemesis } from './nemesis.js';
import { Network } from './network.js';
import { stream as seeded } from './prng.js';
import type { RunResult } from './result.js';
import { SimStorage } from './storage.js';
import {
  CLIENT_ROLE,
  protocolRoles,
  type Actor,
  type ClientActor,
  type ClusterView,
  type DurableStorage,
  type HistoryEvent,
  type Micros,
  type NodeId,
} from './types.js';

export class World implements ClusterView<Actor<unknown>> {
  readonly nodeCount: number;
  readonly clientCount: number;
  private readonly core: Core;
  private readonly network: Network;
  private readonly actors: Actors;
  private readonly builtin: BuiltinClients | undefined;
  private readonly faults: Faults;
  private readonly nemesis: Nemesis | undefined;
  private readonly checks: Checks;
  private readonly recorded: History;
  private coverage: Coverage | undefined;
  /** The actors' slots, by endpoint (invariants read them through the view after every event). */
  private readonly slots: readonly ActorSlot[];
  /** The server nodes' live actors (Actors.nodeActors). */
  private readonly nodeActors: ReadonlyArray<Actor<unknown> | undefined>;

  constructor(
    private readonly config: SimConfig,
    private readonly options: RunOptions = {},
  ) {
    // The scenario layer validated the config: a bad one here is faultline's bug (or a caller of runSimulation's).
    kernelAssert(Number.isInteger(config.nodes) && config.nodes >= 1, 'at least one node');
    kernelAssert(config.faultsStopUs <= config.durationUs, 'faults stop within the run');
    const seed = config.seed;
    const protocol = config.protocol;
    // Each concern's stream: from the run's seed, unless the config re-seeds it.
    const base = config.streams?.base ?? seed;
    const reseed = config.streams?.reseed;
    const stream = (label: string) => seeded(reseed?.[label] ?? base, label);
    this.nodeCount = config.nodes;
    this.clientCount = config.clients.clients;
    const declared = protocolRoles(protocol);
    const roles = config.roles ?? Array.from({ length: config.nodes }, () => [declared[0].name]);
    if (roles.length !== config.nodes) throw new KernelError(`roles name ${roles.length} nodes, expected ${config.nodes}`);
    for (const r of roles) if (!(r.length > 0 && r.every((x) => declared.some((d) => d.name === x)))) throw new KernelError(`unknown role in [${r.join(', ')}]`);

    const core = (this.core = new Core(config.record === 'full', config.exploreTies ? stream('ties') : undefined));
    this.network = new Network(core, config.network, stream('network'), config.nodes + config.clients.clients);
    this.checks = new Checks(core, config);
    this.recorded = new History(core, config.clients.clients, options.history);
    const generator = config.clients.generator ?? (typeof protocol.workload === 'object' ? protocol.workload : undefined);
    if (generator === undefined) throw new KernelError(`clients.generator is required: protocol ${protocol.name} names its workload '${String(protocol.workload)}' (resolve it with workloads/getWorkload)`);
    const ops = new OpSource(generator, config.clients.workload, stream('workload'));
    const clientRandoms = Array.from({ length: config.clients.clients }, (_, c) => stream(`client:c${c + 1}`));
    const withActors = protocol.createClient !== undefined;
    let builtin: BuiltinClients | undefined;
    this.actors = new Actors(
      {
        core,
        config,
        network: this.network,
        history: this.recorded,
        ops,
        checks: this.checks,
        view: this,
        diskRandom: stream('disk'),
        bugs: new Set(config.bugs),
        buggify: config.buggify ? new Buggify(core, stream('buggify')) : undefined,
        replyRoute: (process) => builtin?.endpointOf(process),
      },
      roles,
      roles.map((_, id) => ({ storage: new SimStorage(config.storage.loseUnsyncedOnCrash), random: stream(`node:n${id + 1}`) })),
      withActors ? clientRandoms : [],
      CLIENT_ROLE,
    );
    if (!withActors) {
      const stopUs = config.clients.stopUs ?? config.durationUs;
      builtin = new BuiltinClients(core, config.clients, this.network, this.recorded, ops, config.nodes, clientRandoms, stopUs);
    }
    this.builtin = builtin;
    this.slots = this.actors.slots;
    this.nodeActors = this.actors.nodeActors;
    this.faults = new Faults(core, this.network, this.actors, stream('faults'), options.keepFaultLog !== false);
    this.nemesis = config.nemesis ? new Nemesis(core, config.nemesis, this.faults, this.actors, config.faultsStopUs) : undefined;
    if (config.coverage) {
      const network = this.network;
      const slots = this.actors.slots;
      this.coverage = this.actors.coverage = new Coverage(protocol, () => ({
        partitioned: network.blockedLinks > 0,
        crashed: slots.some((s) => !s.up),
        paused: slots.some((s) => s.paused),
        lossBurst: network.burstLossPpm > 0,
      }));
    }

    core.hash.str(protocol.name);
    core.hash.str(seed);
    core.hash.int(config.nodes);
    // Enabled variants are part of the run's identity.
    for (const bug of [...config.bugs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))) core.hash.str(bug);
    // So are the roles, where they do not follow from the node count (a protocol of one role).
    if (declared.length > 1) for (const r of roles) for (const role of r) core.hash.str(role);
    if (withActors) core.hash.str(CLIENT_ROLE);
    if (config.streams !== undefined) core.hash.value(config.streams);
    if (config.buggify) core.hash.str('buggify');
  }

  // ---- ClusterView -------------------------------------------------------------------
  get nowUs(): Micros {
    return this.core.nowTrue;
  }
  /** ClusterView.changedNode: set before each event is dispatched. */
  changedNode: NodeId | -1 | undefined = undefined;

  get inLivenessPhase(): boolean {
    return this.core.faultsOver;
  }
  get history(): readonly HistoryEvent[] {
    return this.recorded.events;
  }
  actor(node: NodeId): Actor<unknown> | undefined {
    // An up node's actor (a client endpoint, a crashed node or no such node: undefined).
    return this.nodeActors[node];
  }
  clientActor(index: number): ClientActor<unknown> | undefined {
    const slot = this.slots[this.nodeCount + index];
    return slot !== undefined && slot.up ? (slot.actor as ClientActor<unknown>) : undefined;
  }
  rolesOf(node: NodeId): readonly string[] {
    return this.slots[node]?.roles ?? [];
  }
  nodesWith(role: string): readonly NodeId[] {
    return this.actors.withRole(role).filter((e) => e < this.nodeCount);
  }
  storage(node: NodeId): DurableStorage {
    return this.slots[node].storage!;
  }
  /** Is the node (or client actor endpoint) up (not crashed)? Paused actors are up. */
  isUp(node: NodeId): boolean {
    return this.slots[node].up;
  }

  // ---- Running -----------------------------------------------------------------------
  run(): RunResult {
    const cfg = this.config;
    const core = this.core;
    if (core.log) {
      for (const slot of this.actors.slots) core.record({ i: 0, t: 0, k: 'roles', node: slot.id, roles: [...slot.roles] });
      for (const slot of this.actors.slots) {
        const offsetUs = slot.clock.offset(0);
        if (offsetUs !== 0 || slot.clock.drift !== 0) core.record({ i: 0, t: 0, k: 'clock', node: slot.id, offsetUs, driftPpm: slot.clock.drift });
      }
      const blocked = this.network.blockedList();
      if (blocked.length > 0) core.record({ i: 0, t: 0, k: 'links', blocked });
    }
    // A protocol exception (in invariants(), createActor, onStart) stops the run before its first event.
    for (const slot of this.actors.slots) {
      if (core.stopped) break;
      this.actors.start(slot);
    }
    for (const f of [...cfg.faults].sort((x, y) => x.atUs - y.atUs)) core.schedule(f.atUs, FAULT, 0, 0, 0, '', f);
    this.nemesis?.start();
    core.schedule(cfg.faultsStopUs, FAULTS_STOP, 0, 0, 0, '', undefined);
    this.builtin?.start();

    // Every field of the config the rest of run reads, read here: swarm knobs give each seed's
    // config its own shape, and a read of one after the loop (in the optimised code the loop
    // was entered into) deoptimised run at the end of every seed.
    const step = Math.max(1, cfg.checkEveryEvents);
    const durationUs = cfg.durationUs;
    const maxEvents = cfg.maxEvents;
    const faultsStopUs = cfg.faultsStopUs;
    const seed = cfg.seed;
    const nodes = this.nodeCount;
    const checkSteps = this.checks.checksSteps;
    const queue = core.queue;
    const hash = core.hash;
    const shouldStop = this.options.shouldStop;
    const actors = this.actors;
    // changedNode is read by after-event checks only, and only when they run after every event.
    const tracksChange = step === 1 && checkSteps;
    let undecided: string | undefined;
    while (!core.stopped) {
      // Popped before the end test: an event past the end is dropped with the rest of the queue.
      const ev = queue.pop();
      if (ev === undefined || ev.at > durationUs) break;
      if (ev.at < core.nowTrue) throw new KernelError(`time went backwards: ${ev.at} < ${core.nowTrue}`);
      core.nowTrue = ev.at;
      if (core.eventIndex >= maxEvents) {
        undecided = `the run could not be judged within its budget: maxEvents=${maxEvents} events were processed by ${core.nowTrue}us of ${durationUs}us simulated`;
        break;
      }
      if (shouldStop !== undefined && core.eventIndex % STOP_CHECK_EVENTS === 0 && core.eventIndex > 0 && shouldStop()) {
        undecided = `the run could not be judged within its budget: stopped by the caller after ${core.eventIndex} events, at ${core.nowTrue}us of ${durationUs}us simulated`;
        break;
      }
      hash.event(ev.kind, ev.at, ev.a, ev.b);
      core.retained = false;
      // Which node this event can change (ClusterView.changedNode): a delivery's or timer's
      // or resumption's own node; none when that endpoint is a client, or for the built-in
      // clients' own events (they only send); any for faults and the nemesis.
      // A node's event that called none of its handlers (a dropped or buffered delivery, a
      // stale timer, a resumption) changed no node either: -1 after it.
      let calls = -1;
      if (tracksChange) {
        const by = CHANGED_BY_KIND[ev.kind];
        const at = by === CHANGES_B ? ev.b : by === CHANGES_A ? ev.a : by;
        this.changedNode = at === CHANGES_ANY ? undefined : at < nodes ? at : -1;
        if (at >= 0 && at < nodes) calls = actors.handlerCalls;
      }
      this.dispatch(ev);
      if (calls >= 0 && actors.handlerCalls === calls) this.changedNode = -1;
      core.release(ev);
      if (!core.stopped && checkSteps && (step === 1 || core.eventIndex % step === 0)) this.checks.afterEvent(this);
      core.eventIndex++;
    }
    // A run cut short by its budget is not judged at its end: liveness over a truncated run would be a false bug.
    if (undecided === undefined) {
      const info = { livenessStartUs: faultsStopUs, endUs: core.nowTrue, history: this.recorded.events };
      if (!core.stopped) {
        core.nowTrue = Math.max(core.nowTrue, durationUs);
        info.endUs = core.nowTrue;
        this.checks.atEnd(this, info);
      }
      this.checks.observe(this, info);
    }
    for (const v of core.violations) {
      hash.str(v.checker);
      hash.int(v.event);
    }
    return {
      seed,
      hash: hash.hex(),
      events: core.eventIndex,
      simulatedUs: core.nowTrue,
      history: this.recorded.events,
      violations: core.violations,
      observations: this.checks.observations,
      ...(undecided !== undefined && core.violations.length === 0 ? { undecided } : {}),
      trace: core.log?.rows(),
      faultsStopUs,
      faultLog: this.faults.log,
      ...(this.coverage ? { coverage: this.coverage.sorted() } : {}),
    };
  }

  private dispatch(ev: Ev): void {
    switch (ev.kind) {
      case DELIVER:
      case DELIVER_REQUEST:
        return this.actors.deliver(ev);
      case DELIVER_REPLY:
        return this.builtin!.deliver(ev);
      case TIMER:
        return this.actors.fireTimer(ev);
      case FAULT:
        return this.faults.apply((ev.payload as { action: Parameters<Faults['apply']>[0] }).action);
      case NEMESIS:
        return this.nemesis!.step();
      case FAULTS_STOP:
        return this.faults.stop();
      case CLIENT_INVOKE:
        return this.builtin!.invoke(ev.a);
      case CLIENT_TIMEOUT:
        return this.builtin!.timeout(ev.a, ev.b);
      case CLIENT_RETRY:
        return this.builtin!.retry(ev.a, ev.b);
      case RESUME:
        return this.actors.resume(this.actors.slots[ev.a], ev.c);
      default:
        throw new KernelError(`unknown event kind ${ev.kind}`);
    }
  }
}

// Which node an event of each kind can change (ClusterView.changedNode), by kind: its `b`
// (a delivery's receiver), its `a` (a timer's or resumption's actor), none (the built-in
// clients' events: they only send), or any (faults, the nemesis). A table, not a chain of
// comparisons: it is read before every event.
const CHANGES_B = 0;
const CHANGES_A = 1;
const CHANGES_NONE = -1;
const CHANGES_ANY = -2;
const CHANGED_BY_KIND = new Int8Array(RESUME + 1).fill(CHANGES_ANY);
CHANGED_BY_KIND[DELIVER] = CHANGES_B;
CHANGED_BY_KIND[DELIVER_REQUEST] = CHANGES_B;
CHANGED_BY_KIND[TIMER] = CHANGES_A;
CHANGED_BY_KIND[RESUME] = CHANGES_A;
CHANGED_BY_KIND[DELIVER_REPLY] = CHANGES_NONE;
CHANGED_BY_KIND[CLIENT_INVOKE] = CHANGES_NONE;
CHANGED_BY_KIND[CLIENT_TIMEOUT] = CHANGES_NONE;
CHANGED_BY_KIND[CLIENT_RETRY] = CHANGES_NONE;

/** How often (in events) the kernel asks RunOptions.shouldStop. */
export const STOP_CHECK_EVENTS = 4_096;

/** What the caller of a run may add that is not part of the run itself (and never changes its events). */
export interface RunOptions {
  /**
   * Asked every STOP_CHECK_EVENTS events: true stops the run, undecided. The kernel never reads
   * a clock; a caller's wall-clock timeout lives here (scenario/runner.ts).
   */
  shouldStop?: () => boolean;
  /**
   * Who sees the history as it is recorded (`sink`, which must not throw), and what of it the
   * result keeps (`keepFromUs`: only events from then on; default: all of it). HistoryRetention.
   */
  // HistoryRetention's shape, written out: the public API names only types it exports.
  history?: { sink?: (event: HistoryEvent) => void; keepFromUs?: Micros };
  /**
   * false: do not keep the concrete fault log (RunResult.faultLog stays empty). It grows with
   * every fault applied and only shrinking and reports read it, so a long run that needs
   * neither (`--history bounded`) drops it. Default true. Never changes the run or its hash.
   */
  keepFaultLog?: boolean;
}

/** Run one simulation to its end (or its first violation). */
export function runSimulation(config: SimConfig, options: RunOptions = {}): RunResult {
  return new World(config, options).run();
}
