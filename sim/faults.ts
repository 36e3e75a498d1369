// The fault injector: applies a fault (scripted, or drawn by the nemesis) to the network
// and the actors, resolves its targets (a node, a client actor, a seeded draw, the leader,
// one or every actor of a role), and logs it in concrete form so that a nemesis run
// replays as a script. Faults stop at faultsStop: the network heals, paused actors resume
// and crashed ones restart.
import type { ActorSlot, Actors } from './actors.js';
import { targetsOneNode, type FaultAction, type GroupTarget, type NodeTarget, type ScriptedFault } from './config.js';
import { FAULT, type Core } from './core.js';
import { kernelNever } from './errors.js';
import type { Network } from './network.js';
import type { Prng } from './prng.js';
import type { Endpoint, NodeId } from './types.js';

/** A target that names a group (several nodes as one, or a name that may stand for several): an isolate cuts them off together. */
function isGroup(target: NodeTarget): boolean {
  return typeof target === 'object' && ('group' in target || 'ref' in target);
}

/** The action without its name: the log is concrete, later faults name its nodes themselves. */
function unnamed<A extends FaultAction>(action: A): A {
  if (!('as' in action)) return action;
  const copy = { ...action };
  delete (copy as { as?: string }).as;
  return copy;
}

/** The end of a loss burst: an internal fault, never logged. */
export interface LossEnd {
  kind: 'loss-end';
  gen: number;
}

/** The end of one delay or reorder burst: an internal fault, never logged. */
export interface LinkBurstEnd {
  kind: 'link-burst-end';
  id: number;
}

/** Faults the kernel schedules for itself (the ends of bursts). */
export type InternalFault = LossEnd | LinkBurstEnd;

export class Faults {
  /** Every fault as applied, in concrete form (nodes and groups resolved). */
  readonly log: ScriptedFault[] = [];
  /** The nodes each name (`as`) stands for, as the fault that gave it resolved them. */
  private readonly names = new Map<string, readonly Endpoint[]>();
  /** The blocked links last traced (full recording only), as text: a change is traced once. */
  private tracedLinks = '[]';

  constructor(
    private readonly core: Core,
    private readonly network: Network,
    private readonly actors: Actors,
    readonly random: Prng,
    /** Whether to keep `log` (RunOptions.keepFaultLog). */
    private readonly keepLog = true,
  ) {}

  private get nodeIds(): NodeId[] {
    return this.actors.slots.slice(0, this.actors.nodeCount).map((s) => s.id);
  }

  /** The leader: a live node whose summary says so; the highest term wins among stale leaders. */
  leader(): NodeId | undefined {
    let best: NodeId | undefined;
    let bestTerm = -Infinity;
    for (let id = 0; id < this.actors.nodeCount; id++) {
      const slot = this.actors.slots[id];
      if (!slot.up || !slot.actor) continue;
      let s: Record<string, unknown>;
      // summary() is protocol code: a throw is the protocol's failure, and this node leads nothing.
      try {
        s = slot.actor.summary();
      } catch (error) {
        this.core.caught(error, slot.label, 'summary', slot.id);
        continue;
      }
      if (s.role !== 'leader') continue;
      const term = typeof s.term === 'number' ? s.term : 0;
      if (term > bestTerm) {
        best = slot.id;
        bestTerm = term;
      }
    }
    return best;
  }

  /** The endpoints a target names now (empty when it names nobody, e.g. no leader). Random draws come from the faults stream. */
  resolve(target: NodeTarget): Endpoint[] {
    if (typeof target === 'number') return [target];
    if (target === 'random') return [this.random.int(0, this.actors.nodeCount - 1)];
    if (target === 'leader') {
      const leader = this.leader();
      return leader === undefined ? [] : [leader];
    }
    if ('ref' in target) return [...(this.names.get(target.ref) ?? [])];
    if ('group' in target) return this.resolveGroup(target);
    const members = this.actors.withRole(target.role);
    if (members.length === 0) return [];
    return target.all ? [...members] : [this.random.pick(members)];
  }

  /** The nodes of a group target, ascending. */
  private resolveGroup(target: GroupTarget): Endpoint[] {
    const ascending = (x: number, y: number) => x - y;
    switch (target.group) {
      case 'leader-plus':
      case 'leader-minority': {
        const leader = this.leader();
        if (leader === undefined) return [];
        const nodes = this.nodeIds;
        const others = target.group === 'leader-plus' ? target.k : Math.max(1, Math.floor((nodes.length - 1) / 2)) - 1;
        return [leader, ...this.sample(nodes.filter((n) => n !== leader), others)].sort(ascending);
      }
      case 'random':
        return this.sample(target.role === undefined ? this.nodeIds : this.actors.withRole(target.role), target.k).sort(ascending);
      default:
        return kernelNever(target, 'group target');
    }
  }

  /** k distinct items (all of them when there are fewer), by a partial Fisher–Yates on the faults stream. */
  private sample(items: readonly Endpoint[], k: number): Endpoint[] {
    const pool = items.slice();
    const n = Math.min(k, pool.length);
    for (let i = 0; i < n; i++) {
      const j = this.random.int(i, pool.length - 1);
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return pool.slice(0, n);
  }

  apply(action: FaultAction | InternalFault): void {
    const core = this.core;
    const network = this.network;
    const detail: Record<string, unknown> = { ...action };
    /** The concrete faults to log (one per target for a fault aimed at a whole role). */
    let concrete: FaultAction[] = [];
    switch (action.kind) {
      case 'partition':
        network.partition(action.groups);
        concrete = [action];
        break;
      case 'partition-halves':
      case 'partition-majority': {
        const order = this.random.shuffle(this.nodeIds);
        const cut = action.kind === 'partition-halves' ? Math.floor(order.length / 2) : Math.floor(order.length / 2) + 1;
        const groups = [order.slice(0, cut), order.slice(cut)];
        detail.groups = groups;
        network.partition(groups);
        concrete = [{ kind: 'partition', groups }];
        break;
      }
      case 'one-way':
        for (const f of action.from) for (const t of action.to) if (f !== t) network.setLink(f, t, true);
        concrete = [action];
        break;
      case 'bridge': {
        const order = this.random.shuffle(this.nodeIds);
        if (order.length >= 3) {
          const bridge = order[0];
          const rest = order.slice(1);
          const half = Math.floor(rest.length / 2);
          const a = rest.slice(0, half);
          const b = rest.slice(half);
          detail.bridge = bridge;
          detail.groups = [a, b];
          for (const x of a) {
            for (const y of b) {
              network.setLink(x, y, true);
              network.setLink(y, x, true);
            }
          }
          // The bridge node is in neither group, so it keeps its links to both halves.
          concrete = [{ kind: 'partition', groups: [a, b] }];
        }
        break;
      }
      case 'heal':
        if (action.node !== undefined) {
          const targets = this.resolve(action.node);
          for (const id of targets) network.healEndpoint(id);
          detail.nodes = targets;
          concrete = targets.map((id) => ({ kind: 'heal', node: id }));
        } else if (action.links !== undefined) {
          network.healLinks(action.links);
          concrete = [action];
        } else {
          network.heal();
          concrete = [action];
        }
        break;
      case 'restart': {
        const targets = action.node === 'all' ? this.nodeIds : this.resolve(action.node);
        if (action.as !== undefined) this.names.set(action.as, targets);
        for (const id of targets) {
          const slot = this.actors.slots[id];
          if (slot !== undefined && !slot.up) this.actors.restart(slot);
        }
        // A name stands for nodes only this run knows: the log names them.
        concrete = typeof action.node === 'object' && 'ref' in action.node ? targets.map((id) => ({ kind: 'restart', node: id })) : [unnamed(action)];
        break;
      }
      case 'loss-burst': {
        network.burstLossPpm = action.lossPpm;
        const gen = ++network.burstGen;
        // The end of the burst is a fault event of its own.
        const end: LossEnd = { kind: 'loss-end', gen };
        core.schedule(core.nowTrue + action.durationUs, FAULT, 0, 0, 0, '', { atUs: 0, action: end });
        concrete = [action];
        break;
      }
      case 'loss-end':
        if (action.gen === network.burstGen) network.burstLossPpm = 0;
        break;
      case 'delay-burst':
      case 'reorder-burst': {
        const delayUs = action.kind === 'delay-burst' ? action.delayUs : 0;
        const jitterUs = action.kind === 'reorder-burst' ? action.jitterUs : 0;
        // Overlapping bursts add up; each ends at its own time, with an internal fault event.
        const end: LinkBurstEnd = { kind: 'link-burst-end', id: network.startLinkBurst(action.links, delayUs, jitterUs) };
        core.schedule(core.nowTrue + action.durationUs, FAULT, 0, 0, 0, '', { atUs: 0, action: end });
        concrete = [action];
        break;
      }
      case 'link-burst-end':
        network.endLinkBurst(action.id);
        break;
      default: {
        if (!targetsOneNode(action)) return kernelNever(action, 'fault');
        const targets = this.resolve(action.node);
        if (action.as !== undefined) this.names.set(action.as, targets);
        detail.node = targets.length === 1 ? targets[0] : undefined;
        if (targets.length > 1) detail.nodes = targets;
        if (action.kind === 'isolate' && targets.length > 1 && isGroup(action.node)) {
          // A group is cut off as one side: its nodes keep their links to each other.
          const group = new Set(targets);
          const others = this.nodeIds.filter((n) => !group.has(n));
          if (others.length > 0) {
            network.partition([targets, others]);
            concrete = [{ kind: 'partition', groups: [targets, others] }];
          }
          break;
        }
        for (const id of targets) {
          const slot = this.actors.slots[id];
          if (slot !== undefined && this.applyToOne(action, slot)) concrete.push({ ...unnamed(action), node: id });
        }
      }
    }
    core.hash.str(action.kind);
    if (this.keepLog) for (const c of concrete) this.log.push({ atUs: core.nowTrue, action: c });
    if (core.log) {
      core.record({ i: core.eventIndex, t: core.nowTrue, k: 'fault', what: action.kind, detail });
      this.traceAfter(action.kind === 'clock-offset' || action.kind === 'clock-jump' || action.kind === 'clock-drift' ? concrete : []);
    }
  }

  /** Full recording: the links blocked now when they changed, and the clocks a fault moved. */
  private traceAfter(clockFaults: readonly FaultAction[]): void {
    const core = this.core;
    const blocked = this.network.blockedList();
    const text = JSON.stringify(blocked);
    if (text !== this.tracedLinks) {
      this.tracedLinks = text;
      core.record({ i: core.eventIndex, t: core.nowTrue, k: 'links', blocked });
    }
    for (const c of clockFaults) {
      if (!('node' in c) || typeof c.node !== 'number') continue;
      const clock = this.actors.slots[c.node].clock;
      core.record({ i: core.eventIndex, t: core.nowTrue, k: 'clock', node: c.node, offsetUs: clock.offset(core.nowTrue), driftPpm: clock.drift });
    }
  }

  /** Apply a fault aimed at one actor. False when it does nothing that a replay must repeat. */
  private applyToOne(action: Extract<FaultAction, { node: NodeTarget }>, slot: ActorSlot): boolean {
    const core = this.core;
    switch (action.kind) {
      case 'isolate': {
        const others = this.nodeIds.filter((n) => n !== slot.id);
        this.network.partition([[slot.id], others]);
        return true;
      }
      case 'crash':
        this.actors.crash(slot);
        return true;
      case 'crash-restart': {
        if (!slot.up) return true;
        this.actors.crash(slot);
        const at = core.nowTrue + action.downUs;
        core.schedule(at, FAULT, 0, 0, 0, '', { atUs: at, action: { kind: 'restart', node: slot.id } });
        return true;
      }
      case 'clock-offset':
        slot.clock.setOffset(core.nowTrue, action.offsetUs);
        return true;
      case 'clock-jump':
        slot.clock.jump(core.nowTrue, action.byUs);
        return true;
      case 'clock-drift':
        slot.clock.setDrift(core.nowTrue, action.driftPpm);
        return true;
      case 'pause':
        this.actors.pause(slot, action.durationUs);
        return true;
      default:
        return kernelNever(action, 'fault');
    }
  }

  /** Faults stop: heal the network, end loss, delay and reorder bursts, switch to the network's afterFaults settings, resume paused and restart crashed actors. Clock drift stays. */
  stop(): void {
    const core = this.core;
    core.faultsOver = true;
    this.network.heal();
    this.network.burstLossPpm = 0;
    this.network.endLinkBursts();
    this.network.afterFaults();
    for (const slot of this.actors.slots) {
      if (slot.paused) this.actors.resume(slot, slot.pauseGen);
      if (!slot.up) this.actors.restart(slot);
    }
    if (core.log) {
      core.record({ i: core.eventIndex, t: core.nowTrue, k: 'fault', what: 'faults-stop', detail: {} });
      this.traceAfter([]);
    }
  }
}
