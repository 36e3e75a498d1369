// The network: directed links between endpoints (nodes, then clients), blocked by
// partitions or cut for the whole run; each message is lost, delivered once or twice, after
// a latency drawn from the network stream. Reordering follows from independent latencies.
import type { BaseLatencyModel, LatencyModel, NetworkConfig } from './config.js';
import { type Core, type Ev } from './core.js';
import type { RunHash } from './hash.js';
import type { TraceEvent } from './result.js';
import type { Prng } from './prng.js';
import { assert, assertNever, type Endpoint, type Micros, type Ppm, type Random } from './types.js';

export class Network {
  /** Links blocked by faults, [from * endpoints + to]. */
  private readonly blocked: Uint8Array;
  /** Links cut for the whole run. */
  private readonly cut: Uint8Array;
  /** Extra loss during a loss burst (0 when none). */
  burstLossPpm: Ppm = 0;
  /** Generation of the current burst: only its own end event ends it. */
  burstGen = 0;
  private msgIds = 0;
  // The core's hash and trace as fields: transmit is the hottest path after the loop itself.
  private readonly hash: RunHash;
  private readonly trace: TraceEvent[] | undefined;

  constructor(
    private readonly core: Core,
    private readonly config: NetworkConfig,
    private readonly random: Prng,
    readonly endpointCount: number,
  ) {
    this.hash = core.hash;
    this.trace = core.trace;
    this.blocked = new Uint8Array(endpointCount * endpointCount);
    this.cut = new Uint8Array(endpointCount * endpointCount);
    for (const [from, to] of config.cut) this.cut[from * endpointCount + to] = 1;
    checkLatency(config.latency);
  }

  isBlocked(from: Endpoint, to: Endpoint): boolean {
    const i = from * this.endpointCount + to;
    return this.blocked[i] === 1 || this.cut[i] === 1;
  }

  /** Send one message: traced, hashed by type, then lost, blocked, or queued for delivery (maybe twice). */
  transmit(kind: number, from: Endpoint, to: Endpoint, payload: unknown): void {
    const core = this.core;
    const id = this.msgIds++;
    this.hash.str(messageType(payload));
    if (this.trace) this.trace.push({ i: core.eventIndex, t: core.nowTrue, k: 'send', from, to, msg: payload, id });
    if (this.isBlocked(from, to)) return this.dropSent(from, to, payload, id, 'partition');
    const loss = Math.max(this.config.lossPpm, this.burstLossPpm);
    if (this.random.chance(loss)) return this.dropSent(from, to, payload, id, 'loss');
    core.schedule(core.nowTrue + this.latency(), kind, from, to, id, '', payload);
    if (this.random.chance(this.config.duplicatePpm)) core.schedule(core.nowTrue + this.latency(), kind, from, to, id, '', payload);
  }

  private latency(): Micros {
    return sampleLatency(this.config.latency, this.random);
  }

  /** A delivery event that cannot be delivered (blocked on arrival, or its receiver is down). */
  drop(ev: Ev, why: string): void {
    const core = this.core;
    if (core.trace) core.record({ i: core.eventIndex, t: core.nowTrue, k: 'drop', from: ev.a, to: ev.b, msg: ev.payload, id: ev.c, why });
  }

  private dropSent(from: Endpoint, to: Endpoint, msg: unknown, id: number, why: string): void {
    const core = this.core;
    if (core.trace) core.record({ i: core.eventIndex, t: core.nowTrue, k: 'drop', from, to, msg, id, why });
  }

  setLink(from: Endpoint, to: Endpoint, blocked: boolean): void {
    this.blocked[from * this.endpointCount + to] = blocked ? 1 : 0;
  }

  /** Block every link between different groups (both ways). Endpoints in no group keep all their links. */
  partition(groups: readonly (readonly Endpoint[])[]): void {
    const groupOf = new Map<Endpoint, number>();
    groups.forEach((g, gi) => g.forEach((e) => groupOf.set(e, gi)));
    for (const [x, gx] of groupOf) {
      for (const [y, gy] of groupOf) if (gx !== gy) this.setLink(x, y, true);
    }
  }

  heal(): void {
    this.blocked.fill(0);
  }
}

/** One latency draw from a model, on the given stream. Floats are only local and rounded at once. */
export function sampleLatency(l: LatencyModel, random: Random): Micros {
  switch (l.kind) {
    case 'fixed':
      return l.us;
    case 'uniform':
      return random.int(l.minUs, l.maxUs);
    case 'exponential': {
      // Inverse CDF on a 32-bit uniform draw; the only float is local and rounded at once.
      const u = (random.int(1, 0xffffffff) / 0x100000000) as number;
      return Math.min(l.maxUs, l.minUs + Math.round(-Math.log(u) * (l.meanUs - l.minUs)));
    }
    case 'pareto': {
      // Inverse CDF: min * u^(-1/alpha), as min * exp(-ln(u) / alpha); beyond the cap, the cap.
      const u = (random.int(1, 0xffffffff) / 0x100000000) as number;
      const x = l.minUs * Math.exp((-Math.log(u) * 1000) / l.alphaMilli);
      return x >= l.maxUs ? l.maxUs : Math.round(x);
    }
    case 'mixture': {
      let total = 0;
      for (const c of l.components) total += c.weight;
      let x = random.int(0, total - 1);
      for (const c of l.components) {
        if (x < c.weight) return sampleLatency(c.model, random);
        x -= c.weight;
      }
      throw new Error('unreachable: a mixture draw beyond its total weight');
    }
    default:
      return assertNever(l, 'latency model');
  }
}

/** A latency model the kernel can draw from: integer µs, min <= max, weights that add up to something. */
export function checkLatency(l: LatencyModel): void {
  const us = (x: number, what: string) => assert(Number.isSafeInteger(x) && x >= 0, `latency ${what} must be whole non-negative microseconds (got ${x})`);
  const base = (m: BaseLatencyModel) => {
    switch (m.kind) {
      case 'fixed':
        return us(m.us, 'fixed');
      case 'uniform':
      case 'exponential':
      case 'pareto':
        us(m.minUs, 'min');
        us(m.maxUs, 'max');
        assert(m.minUs <= m.maxUs, `latency min ${m.minUs} > max ${m.maxUs}`);
        if (m.kind === 'exponential') assert(m.minUs <= m.meanUs && m.meanUs <= m.maxUs, 'exponential latency needs min <= mean <= max');
        if (m.kind === 'pareto') {
          assert(m.minUs >= 1, 'a Pareto latency needs min >= 1us');
          assert(Number.isInteger(m.alphaMilli) && m.alphaMilli >= 1, `Pareto alpha in thousandths must be a positive integer (got ${m.alphaMilli})`);
        }
        return;
      default:
        return assertNever(m, 'latency model');
    }
  };
  if (l.kind !== 'mixture') return base(l);
  assert(l.components.length > 0, 'a latency mixture needs a component');
  let total = 0;
  for (const c of l.components) {
    assert(Number.isInteger(c.weight) && c.weight >= 0, `mixture weights are non-negative integers (got ${c.weight})`);
    assert((c.model.kind as string) !== 'mixture', 'a mixture does not nest');
    base(c.model);
    total += c.weight;
  }
  assert(total > 0 && total <= 0x100000000, 'a latency mixture needs a total weight above 0');
}

/** What the hash records of a message: its type, not its content (content follows from earlier events). */
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
