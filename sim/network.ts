// The network: directed links between endpoints (nodes, then clients), blocked by
// partitions or cut for the whole run; each message is lost, delivered once or twice, after
// a latency drawn from the network stream (./latency.ts). Reordering follows from independent latencies.
import type { LinkSet, NetworkConfig } from './config.js';
import { type Core, type Ev } from './core.js';
import type { RunHash } from './hash.js';
import { SEND, type TraceLog } from './trace.js';
import type { Prng } from './prng.js';
import { LatencySampler } from './latency.js';
import type { Endpoint, Micros, Ppm } from './types.js';

export class Network {
  /** Links blocked by faults, [from * endpoints + to]. */
  private readonly blocked: Uint8Array;
  /** Links cut for the whole run. */
  private readonly cut: Uint8Array;
  /** Extra loss during a loss burst (0 when none). */
  burstLossPpm: Ppm = 0;
  /** Generation of the current burst: only its own end event ends it. */
  burstGen = 0;
  /** Delay and reorder bursts in force, by id (0 of them on the hot path: one comparison). */
  private linkBurstCount = 0;
  private readonly linkBursts = new Map<number, { links: readonly number[] | undefined; delayUs: Micros; jitterUs: Micros }>();
  private linkBurstIds = 0;
  /** Extra delay and jitter on every link (bursts without links), and per link (allocated by the first burst that names links). */
  private allDelayUs = 0;
  private allJitterUs = 0;
  private linkDelayUs: Float64Array | undefined;
  private linkJitterUs: Float64Array | undefined;
  private msgIds = 0;
  // The settings in force: the config's, until faults stop and its afterFaults replaces them.
  private latencySampler: LatencySampler;
  /** afterFaults' latency, built (and so checked) with the network. */
  private readonly afterFaultsLatency: LatencySampler | undefined;
  private lossPpm: Ppm;
  private duplicatePpm: Ppm;
  // The core's hash and trace as fields: transmit is the hottest path after the loop itself.
  private readonly hash: RunHash;
  private readonly log: TraceLog | undefined;

  constructor(
    private readonly core: Core,
    private readonly config: NetworkConfig,
    private readonly random: Prng,
    readonly endpointCount: number,
  ) {
    this.hash = core.hash;
    this.log = core.log;
    this.blocked = new Uint8Array(endpointCount * endpointCount);
    this.cut = new Uint8Array(endpointCount * endpointCount);
    for (const [from, to] of config.cut) this.cut[from * endpointCount + to] = 1;
    this.latencySampler = new LatencySampler(config.latency);
    this.afterFaultsLatency = config.afterFaults?.latency === undefined ? undefined : new LatencySampler(config.afterFaults.latency);
    this.lossPpm = config.lossPpm;
    this.duplicatePpm = config.duplicatePpm;
  }

  /** Faults stop: the settings of `afterFaults` replace the network's (what it leaves out stays). */
  afterFaults(): void {
    const change = this.config.afterFaults;
    if (change === undefined) return;
    if (this.afterFaultsLatency !== undefined) this.latencySampler = this.afterFaultsLatency;
    if (change.lossPpm !== undefined) this.lossPpm = change.lossPpm;
    if (change.duplicatePpm !== undefined) this.duplicatePpm = change.duplicatePpm;
    if (change.cut !== undefined) {
      this.cut.fill(0);
      for (const [from, to] of change.cut) this.cut[from * this.endpointCount + to] = 1;
    }
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
    if (this.log !== undefined) this.log.message(SEND, core.eventIndex, core.nowTrue, from, to, payload, id);
    if (this.isBlocked(from, to)) return this.dropSent(from, to, payload, id, 'partition');
    const loss = Math.max(this.lossPpm, this.burstLossPpm);
    if (this.random.chance(loss)) return this.dropSent(from, to, payload, id, 'loss');
    core.schedule(core.nowTrue + (this.linkBurstCount === 0 ? this.latency() : this.latency() + this.burstDelay(from, to)), kind, from, to, id, '', payload);
    if (this.random.chance(this.duplicatePpm)) {
      core.schedule(core.nowTrue + (this.linkBurstCount === 0 ? this.latency() : this.latency() + this.burstDelay(from, to)), kind, from, to, id, '', payload);
    }
  }

  /** What delay and reorder bursts add on a link: their delays, and a draw within their jitters (after the latency draw). */
  private burstDelay(from: Endpoint, to: Endpoint): Micros {
    const i = from * this.endpointCount + to;
    const delay = this.allDelayUs + (this.linkDelayUs === undefined ? 0 : this.linkDelayUs[i]);
    const jitter = this.allJitterUs + (this.linkJitterUs === undefined ? 0 : this.linkJitterUs[i]);
    return jitter > 0 ? delay + this.random.int(0, jitter) : delay;
  }

  /** The link indices a link set names (from * endpoints + to), each once, ascending. */
  linkIndices(links: LinkSet): number[] {
    const n = this.endpointCount;
    const out = new Set<number>();
    for (const f of links.from) {
      for (const t of links.to) {
        if (f === t) continue;
        out.add(f * n + t);
        if (links.both) out.add(t * n + f);
      }
    }
    return [...out].sort((x, y) => x - y);
  }

  /** Start a delay or reorder burst on the links (every link when undefined); returns its id for the end. */
  startLinkBurst(links: LinkSet | undefined, delayUs: Micros, jitterUs: Micros): number {
    const id = ++this.linkBurstIds;
    const indices = links === undefined ? undefined : this.linkIndices(links);
    this.linkBursts.set(id, { links: indices, delayUs, jitterUs });
    this.linkBurstCount++;
    this.addBurst(indices, delayUs, jitterUs, 1);
    return id;
  }

  /** End one burst (a no-op when faults stopping already ended it). */
  endLinkBurst(id: number): void {
    const burst = this.linkBursts.get(id);
    if (burst === undefined) return;
    this.linkBursts.delete(id);
    this.linkBurstCount--;
    this.addBurst(burst.links, burst.delayUs, burst.jitterUs, -1);
  }

  /** End every burst (faults stop). */
  endLinkBursts(): void {
    this.linkBursts.clear();
    this.linkBurstCount = 0;
    this.allDelayUs = 0;
    this.allJitterUs = 0;
    this.linkDelayUs?.fill(0);
    this.linkJitterUs?.fill(0);
  }

  private addBurst(links: readonly number[] | undefined, delayUs: Micros, jitterUs: Micros, sign: 1 | -1): void {
    if (links === undefined) {
      this.allDelayUs += sign * delayUs;
      this.allJitterUs += sign * jitterUs;
      return;
    }
    const size = this.endpointCount * this.endpointCount;
    const delays = (this.linkDelayUs ??= new Float64Array(size));
    const jitters = (this.linkJitterUs ??= new Float64Array(size));
    for (const i of links) {
      delays[i] += sign * delayUs;
      jitters[i] += sign * jitterUs;
    }
  }

  private latency(): Micros {
    return this.latencySampler.draw(this.random);
  }

  /** A delivery event that cannot be delivered (blocked on arrival, or its receiver is down). */
  drop(ev: Ev, why: string): void {
    const core = this.core;
    if (core.log !== undefined) core.log.drop(core.eventIndex, core.nowTrue, ev.a, ev.b, ev.payload, ev.c, why);
  }

  private dropSent(from: Endpoint, to: Endpoint, msg: unknown, id: number, why: string): void {
    const core = this.core;
    if (core.log !== undefined) core.log.drop(core.eventIndex, core.nowTrue, from, to, msg, id, why);
  }

  setLink(from: Endpoint, to: Endpoint, blocked: boolean): void {
    const i = from * this.endpointCount + to;
    const v = blocked ? 1 : 0;
    if (this.blocked[i] !== v) this.blockedLinks += blocked ? 1 : -1;
    this.blocked[i] = v;
  }

  /** Every directed link blocked now, by a fault or a permanent cut, in (from, to) order (reports). */
  blockedList(): Array<[Endpoint, Endpoint]> {
    const n = this.endpointCount;
    const out: Array<[Endpoint, Endpoint]> = [];
    for (let i = 0; i < n * n; i++) if (this.blocked[i] === 1 || this.cut[i] === 1) out.push([Math.floor(i / n), i % n]);
    return out;
  }

  /** Links blocked by faults right now (not the permanent cuts). */
  blockedLinks = 0;

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
    this.blockedLinks = 0;
  }

  /** Restore every link of one endpoint, both ways. */
  healEndpoint(e: Endpoint): void {
    const n = this.endpointCount;
    for (let x = 0; x < n; x++) {
      this.blocked[e * n + x] = 0;
      this.blocked[x * n + e] = 0;
    }
  }

  /** Restore the named links only. */
  healLinks(links: LinkSet): void {
    for (const i of this.linkIndices(links)) this.blocked[i] = 0;
  }
}

/** What the hash records of a message: its type, not its content (content follows from earlier events). */
export function messageType(msg: unknown): string {
  if (msg !== null && typeof msg === 'object') {
    const m = msg as { type?: unknown; kind?: unknown; op?: { f?: unknown }; response?: { type?: unknown } };
    if (typeof m.type === 'string') return m.type;
    if (typeof m.kind === 'string') return m.kind;
    if (m.op && typeof m.op.f === 'string') return `request:${m.op.f}`;
    if (m.response && typeof m.response.type === 'string') return `reply:${m.response.type}`;
  }
  return typeof msg;
}
