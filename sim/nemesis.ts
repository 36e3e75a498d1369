// The random nemesis: at seeded intervals it starts one fault, drawn by weight, and
// schedules its end; faults may overlap. Every draw comes from the faults stream, so a
// nemesis run's concrete fault log replays it as a script. Crashes, pauses and clock faults
// aim at the actors of the target roles (default: every server node), within maxCrashed
// and the per-role caps; crashes, pauses and isolates aim at the leader as often as
// leaderAimPpm says, and partitions take the shapes of partitionShapes.
import type { Actors } from './actors.js';
import { PARTITION_SHAPES, type FaultAction, type LinkSet, type NemesisConfig, type PartitionShape } from './config.js';
import { FAULT, NEMESIS, type Core } from './core.js';
import type { Faults, InternalFault } from './faults.js';
import { kernelAssert, kernelNever } from './errors.js';
import type { Prng } from './prng.js';
import type { Endpoint, Micros, Random } from './types.js';

/** Defaults of the nemesis's bounds on delay and reorder bursts. */
export const DELAY_MAX_US = 200_000;
export const JITTER_MAX_US = 100_000;

/** Every link (undefined), half the time; else both ways between a seeded group of nodes and the rest. */
function someLinks(r: Random, nodeIds: readonly Endpoint[]): LinkSet | undefined {
  if (r.int(0, 1) === 0 || nodeIds.length < 2) return undefined;
  const order = r.shuffle(nodeIds);
  const k = r.int(1, order.length - 1);
  const ascending = (x: number, y: number) => x - y;
  return { from: order.slice(0, k).sort(ascending), to: order.slice(k).sort(ascending), both: true };
}

/** The default mix of partition shapes: one draw in [0, 2], as the nemesis always drew. */
const DEFAULT_SHAPES: ReadonlyArray<readonly [PartitionShape, number]> = [
  ['halves', 1],
  ['majority', 1],
  ['isolate', 1],
];
const HALF_PPM = 500_000;

export class Nemesis {
  private readonly weights: ReadonlyArray<readonly [keyof NemesisConfig['weights'], number]>;
  private readonly shapes: ReadonlyArray<readonly [PartitionShape, number]>;
  /** The actors crashes, pauses and clock faults aim at, ascending. */
  private readonly targets: readonly Endpoint[];

  constructor(
    private readonly core: Core,
    private readonly config: NemesisConfig,
    private readonly faults: Faults,
    private readonly actors: Actors,
    private readonly faultsStopUs: Micros,
  ) {
    this.weights = (Object.keys(config.weights) as Array<keyof NemesisConfig['weights']>)
      .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
      .map((k) => [k, config.weights[k] ?? 0] as const)
      .filter(([, w]) => w > 0);
    const shapes = config.partitionShapes;
    this.shapes = shapes === undefined ? DEFAULT_SHAPES : PARTITION_SHAPES.map((k) => [k, shapes[k] ?? 0] as const).filter(([, w]) => w > 0);
    kernelAssert(this.shapes.length > 0, 'nemesis partition shapes need a weight above 0');
    const nodes = actors.slots.slice(0, actors.nodeCount).map((s) => s.id);
    if (config.targetRoles === undefined) this.targets = nodes;
    else {
      const wanted = new Set<Endpoint>();
      for (const role of config.targetRoles) for (const e of actors.withRole(role)) wanted.add(e);
      this.targets = [...wanted].sort((x, y) => x - y);
    }
  }

  /** The first fault's time. */
  start(): void {
    if (this.faultsStopUs > 0) this.core.schedule(this.faults.random.int(this.config.intervalUs[0], this.config.intervalUs[1]), NEMESIS, 0, 0, 0, '', undefined);
  }

  /** Start one fault, schedule its end, and the next start. */
  step(): void {
    const core = this.core;
    const nem = this.config;
    if (core.faultsOver) return;
    const r = this.faults.random;
    const durationUs = r.int(nem.durationUs[0], nem.durationUs[1]);
    const endAt = Math.min(core.nowTrue + durationUs, this.faultsStopUs);
    const endWith = (action: FaultAction | InternalFault) => core.schedule(endAt, FAULT, 0, 0, 0, '', { atUs: endAt, action });
    const apply = (action: FaultAction) => this.faults.apply(action);
    if (this.weights.length > 0) {
      const kind = r.weighted(this.weights);
      const nodeIds = this.actors.slots.slice(0, this.actors.nodeCount).map((s) => s.id);
      switch (kind) {
        case 'partition': {
          const shape = r.weighted(this.shapes);
          if (shape === 'halves') apply({ kind: 'partition-halves' });
          else if (shape === 'majority') apply({ kind: 'partition-majority' });
          else if (shape === 'isolate') apply({ kind: 'isolate', node: this.aimAtLeader(r) ? 'leader' : 'random' });
          else apply({ kind: 'isolate', node: this.aimAtLeader(r) ? { group: 'leader-minority' } : { group: 'random', k: Math.max(1, Math.floor((nodeIds.length - 1) / 2)) } });
          endWith({ kind: 'heal' });
          break;
        }
        case 'one-way': {
          const order = r.shuffle(nodeIds);
          const k = r.int(1, Math.max(1, order.length - 1));
          apply({ kind: 'one-way', from: order.slice(0, k), to: order.slice(k) });
          endWith({ kind: 'heal' });
          break;
        }
        case 'bridge':
          apply({ kind: 'bridge' });
          endWith({ kind: 'heal' });
          break;
        case 'crash': {
          const live = this.crashable();
          if (live.length > 0) {
            const leader = this.aimAtLeader(r) ? this.faults.leader() : undefined;
            const node = leader !== undefined && live.includes(leader) ? leader : r.pick(live);
            apply({ kind: 'crash', node });
            endWith({ kind: 'restart', node });
          }
          break;
        }
        case 'pause': {
          const node = this.aimAtLeader(r) ? this.leaderTarget() : this.randomTarget();
          if (node !== undefined) apply({ kind: 'pause', node, durationUs: Math.max(1, endAt - core.nowTrue) });
          break;
        }
        case 'clock': {
          if (this.targets.length === 0) break;
          const node = r.pick(this.targets);
          if (r.int(0, 1) === 0 || nem.clockDriftMaxPpm === 0) {
            apply({ kind: 'clock-jump', node, byUs: r.int(-nem.clockJumpMaxUs, nem.clockJumpMaxUs) });
          } else {
            apply({ kind: 'clock-drift', node, driftPpm: r.int(-nem.clockDriftMaxPpm, nem.clockDriftMaxPpm) });
          }
          break;
        }
        case 'loss':
          apply({ kind: 'loss-burst', lossPpm: r.int(100_000, 900_000), durationUs: Math.max(1, endAt - core.nowTrue) });
          break;
        case 'delay': {
          const links = someLinks(r, nodeIds);
          const delayUs = r.int(1, Math.max(1, nem.delayMaxUs ?? DELAY_MAX_US));
          apply({ kind: 'delay-burst', ...(links ? { links } : {}), delayUs, durationUs: Math.max(1, endAt - core.nowTrue) });
          break;
        }
        case 'reorder': {
          const links = someLinks(r, nodeIds);
          const jitterUs = r.int(1, Math.max(1, nem.jitterMaxUs ?? JITTER_MAX_US));
          apply({ kind: 'reorder-burst', ...(links ? { links } : {}), jitterUs, durationUs: Math.max(1, endAt - core.nowTrue) });
          break;
        }
        default:
          kernelNever(kind, 'nemesis kind');
      }
    }
    const next = core.nowTrue + r.int(nem.intervalUs[0], nem.intervalUs[1]);
    if (next < this.faultsStopUs) core.schedule(next, NEMESIS, 0, 0, 0, '', undefined);
  }

  /** Aim this fault at the leader? At the default 50% the one fair draw the nemesis always made, so runs keep their hashes. */
  private aimAtLeader(r: Prng): boolean {
    const p = this.config.leaderAimPpm;
    return p === undefined || p === HALF_PPM ? r.int(0, 1) === 0 : r.chance(p);
  }

  /** Live targets that may crash now: at most maxCrashed nodes down, and at most the role's cap of each role. */
  private crashable(): Endpoint[] {
    const slots = this.actors.slots;
    let nodesDown = 0;
    for (let id = 0; id < this.actors.nodeCount; id++) if (!slots[id].up) nodesDown++;
    const caps = this.config.maxCrashedByRole;
    return this.targets.filter((id) => {
      const slot = slots[id];
      if (!slot.up) return false;
      if (slot.clientIndex < 0 && nodesDown >= this.config.maxCrashed) return false;
      if (caps === undefined) return true;
      return slot.roles.every((role) => caps[role] === undefined || this.actors.withRole(role).filter((e) => !slots[e].up).length < caps[role]);
    });
  }

  /** 'leader' when the leader is a target (the default): resolved when the fault applies, as a script replays it. */
  private leaderTarget(): Endpoint | 'leader' | undefined {
    if (this.config.targetRoles === undefined) return 'leader';
    const leader = this.faults.leader();
    return leader !== undefined && this.targets.includes(leader) ? leader : undefined;
  }

  private randomTarget(): Endpoint | 'random' {
    // With every node a target this is the faults stream's draw among the nodes, as 'random' makes.
    return this.config.targetRoles === undefined ? 'random' : this.faults.random.pick(this.targets);
  }
}
