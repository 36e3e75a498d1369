// faultline/testing: fast-check arbitraries for fault schedules, networks and workloads,
// and `simulate`, so a vitest (or any) suite can state a property of a protocol and get
// fast-check's shrinking of the schedule with faultline's determinism:
//
//   fc.assert(fc.property(faultScheduleArb(5, 10_000_000), seedArb, (faults, seed) =>
//     simulate({ ...base, faults }, seed).verdict === 'pass'), { seed: 20261123 });
//
// A counterexample is plain data (ScriptedFault[] and a seed): `toYaml` saves it as a
// scenario file that `faultline run` replays.
import fc from 'fast-check';
import type { ClientConfig, FaultAction, LinkSet, NetworkConfig, ScriptedFault } from './sim/config.js';
import type { Endpoint, Micros, NodeId, Protocol, Workload } from './sim/types.js';
import { getWorkload } from './workloads/index.js';

export { toYaml, type YamlMeta } from './explore/to-yaml.js';

/** Fault episodes `faultScheduleArb` can draw. */
export type FaultEpisodeKind = 'partition' | 'isolate' | 'one-way' | 'crash' | 'pause' | 'clock-jump' | 'clock-drift' | 'loss-burst' | 'delay-burst' | 'reorder-burst';
export const FAULT_EPISODE_KINDS: readonly FaultEpisodeKind[] = ['partition', 'isolate', 'one-way', 'crash', 'pause', 'clock-jump', 'clock-drift', 'loss-burst', 'delay-burst', 'reorder-burst'];

export interface FaultScheduleOptions {
  /** At most this many episodes (a partition and its heal are one episode). Default 8. */
  maxFaults?: number;
  /** Which episodes to draw (default: all). */
  kinds?: readonly FaultEpisodeKind[];
  /** Longest partition, crash, pause or loss burst. Default: a quarter of durationUs. */
  maxWindowUs?: Micros;
  /** Largest clock jump either way. Default 500ms. */
  clockJumpMaxUs?: Micros;
  /** Largest clock drift either way, ppm. Default 200. */
  clockDriftMaxPpm?: number;
  /** Largest extra latency of a delay burst. Default 200ms. */
  delayMaxUs?: Micros;
  /** Largest jitter of a reorder burst. Default 100ms. */
  jitterMaxUs?: Micros;
}

/**
 * Fault schedules for a cluster of `nodes` nodes, faults starting within [0, durationUs):
 * episodes (a partition then its heal, a crash then its restart, a pause, a clock jump or
 * drift, a burst of loss, delay or reordering) flattened into concrete ScriptedFaults sorted by time. fast-check
 * shrinks them by dropping episodes, moving them earlier and making them shorter.
 */
export function faultScheduleArb(nodes: number, durationUs: Micros, options: FaultScheduleOptions = {}): fc.Arbitrary<ScriptedFault[]> {
  if (!Number.isInteger(nodes) || nodes < 1) throw new RangeError(`faultScheduleArb: nodes must be a positive integer (got ${nodes})`);
  if (!Number.isInteger(durationUs) || durationUs < 2) throw new RangeError(`faultScheduleArb: durationUs must be an integer of at least 2 (got ${durationUs})`);
  const maxWindow = Math.max(1, options.maxWindowUs ?? Math.floor(durationUs / 4));
  const jumpMax = options.clockJumpMaxUs ?? 500_000;
  const driftMax = options.clockDriftMaxPpm ?? 200;
  const delayMax = Math.max(1, options.delayMaxUs ?? 200_000);
  const jitterMax = Math.max(1, options.jitterMaxUs ?? 100_000);
  const kinds = (options.kinds ?? FAULT_EPISODE_KINDS).filter((k) => nodes >= 2 || !['partition', 'isolate', 'one-way'].includes(k));
  if (kinds.length === 0) return fc.constant([]);
  const at = fc.integer({ min: 0, max: durationUs - 1 });
  const node = fc.integer({ min: 0, max: nodes - 1 });
  const window = fc.integer({ min: 1, max: maxWindow });
  // A proper non-empty subset of the nodes, as a bit mask (shrinks toward {n1}); one node has none.
  const split = fc.integer({ min: 1, max: Math.max(1, 2 ** nodes - 2) }).map((mask) => {
    const a: NodeId[] = [];
    const b: NodeId[] = [];
    for (let n = 0; n < nodes; n++) ((mask >> n) & 1 ? a : b).push(n);
    return [a, b] as const;
  });
  // A burst's links: every link (shrinks to it), or both ways between a subset of the nodes and the rest.
  const links: fc.Arbitrary<{ links?: LinkSet }> =
    nodes < 2 ? fc.constant({}) : fc.option(split, { nil: undefined }).map((s) => (s === undefined ? {} : { links: { from: [...s[0]], to: [...s[1]], both: true } }));
  const episodes: Record<FaultEpisodeKind, fc.Arbitrary<ScriptedFault[]>> = {
    partition: fc.tuple(at, window, split).map(([t, w, [a, b]]) => withHeal(t, w, durationUs, { kind: 'partition', groups: [a, b] })),
    isolate: fc.tuple(at, window, node).map(([t, w, n]) => withHeal(t, w, durationUs, { kind: 'isolate', node: n })),
    'one-way': fc.tuple(at, window, split).map(([t, w, [a, b]]) => withHeal(t, w, durationUs, { kind: 'one-way', from: a, to: b })),
    crash: fc.tuple(at, window, node).map(([t, w, n]) => [{ atUs: t, action: { kind: 'crash-restart', node: n, downUs: w } }]),
    pause: fc.tuple(at, window, node).map(([t, w, n]) => [{ atUs: t, action: { kind: 'pause', node: n, durationUs: w } }]),
    'clock-jump': fc.tuple(at, node, fc.integer({ min: -jumpMax, max: jumpMax })).map(([t, n, by]) => [{ atUs: t, action: { kind: 'clock-jump', node: n, byUs: by } }]),
    'clock-drift': fc.tuple(at, node, fc.integer({ min: -driftMax, max: driftMax })).map(([t, n, d]) => [{ atUs: t, action: { kind: 'clock-drift', node: n, driftPpm: d } }]),
    'loss-burst': fc.tuple(at, window, fc.integer({ min: 100_000, max: 900_000 })).map(([t, w, p]) => [{ atUs: t, action: { kind: 'loss-burst', lossPpm: p, durationUs: w } }]),
    'delay-burst': fc.tuple(at, window, links, fc.integer({ min: 1, max: delayMax })).map(([t, w, l, d]) => [{ atUs: t, action: { kind: 'delay-burst', ...l, delayUs: d, durationUs: w } }]),
    'reorder-burst': fc.tuple(at, window, links, fc.integer({ min: 1, max: jitterMax })).map(([t, w, l, j]) => [{ atUs: t, action: { kind: 'reorder-burst', ...l, jitterUs: j, durationUs: w } }]),
  };
  return fc
    .array(fc.oneof(...kinds.map((k) => episodes[k])), { maxLength: options.maxFaults ?? 8 })
    .map((list) => list.flat().sort((x, y) => x.atUs - y.atUs));
}

function withHeal(at: Micros, forUs: Micros, durationUs: Micros, action: FaultAction): ScriptedFault[] {
  const end = at + forUs;
  return end < durationUs ? [{ atUs: at, action }, { atUs: end, action: { kind: 'heal' } }] : [{ atUs: at, action }];
}

export interface NetworkArbOptions {
  /** Upper bounds: one-way latency, loss and duplication (ppm). Defaults 50ms, 5%, 2%. */
  maxLatencyUs?: Micros;
  maxLossPpm?: number;
  maxDuplicatePpm?: number;
}

/** Network settings: uniform latency within [0, maxLatencyUs], loss and duplication up to their bounds, no cut links. */
export function networkArb(options: NetworkArbOptions = {}): fc.Arbitrary<NetworkConfig> {
  const maxLatency = options.maxLatencyUs ?? 50_000;
  return fc
    .record({
      a: fc.integer({ min: 0, max: maxLatency }),
      b: fc.integer({ min: 0, max: maxLatency }),
      lossPpm: fc.integer({ min: 0, max: options.maxLossPpm ?? 50_000 }),
      duplicatePpm: fc.integer({ min: 0, max: options.maxDuplicatePpm ?? 20_000 }),
    })
    .map(({ a, b, lossPpm, duplicatePpm }) => ({
      latency: { kind: 'uniform' as const, minUs: Math.min(a, b), maxUs: Math.max(a, b) },
      lossPpm,
      duplicatePpm,
      cut: [] as Array<readonly [Endpoint, Endpoint]>,
    }));
}

export interface WorkloadArbOptions {
  maxClients?: number;
  maxKeys?: number;
  /** Longest think time. Default 20ms. */
  maxThinkUs?: Micros;
  requestTimeoutUs?: Micros;
  opTimeoutUs?: Micros;
}

/**
 * Client workloads over a generator's operations (its defaultMix names them): clients,
 * keys, mix weights, think time. Give the generator, or a protocol to use its default.
 */
export function workloadArb(source: Workload | Pick<Protocol<unknown>, 'workload'>, options: WorkloadArbOptions = {}): fc.Arbitrary<ClientConfig> {
  const generator = 'nextOp' in source ? source : typeof source.workload === 'string' ? getWorkload(source.workload) : source.workload;
  if (generator === undefined) throw new RangeError(`workloadArb: no workload named ${JSON.stringify((source as { workload: unknown }).workload)}`);
  const ops = Object.keys(generator.defaultMix).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (ops.length === 0) throw new RangeError('workloadArb: the workload names no operations (defaultMix is empty)');
  const maxThink = options.maxThinkUs ?? 20_000;
  return fc
    .record({
      clients: fc.integer({ min: 1, max: options.maxClients ?? 5 }),
      keyCount: fc.integer({ min: 1, max: options.maxKeys ?? 5 }),
      weights: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: ops.length, maxLength: ops.length }),
      a: fc.integer({ min: 0, max: maxThink }),
      b: fc.integer({ min: 0, max: maxThink }),
    })
    .map(({ clients, keyCount, weights, a, b }) => {
      const mix: Record<string, number> = {};
      ops.forEach((op, i) => (mix[op] = weights[i]));
      if (weights.every((w) => w === 0)) mix[ops[0]] = 1;
      return {
        clients,
        generator,
        workload: { keyCount, mix, params: { ...generator.defaultParams } },
        thinkUs: [Math.min(a, b), Math.max(a, b)] as const,
        requestTimeoutUs: options.requestTimeoutUs ?? 100_000,
        opTimeoutUs: options.opTimeoutUs ?? 1_000_000,
      };
    });
}

/** Seeds as faultline writes them (decimal strings); shrinks toward "0". */
export const seedArb: fc.Arbitrary<string> = fc.integer({ min: 0, max: 0x7fffffff }).map(String);

export { simulate, scenarioOf } from './scenario/simulate.js';
export type { SimulateOptions, SimulateResult } from './scenario/simulate.js';
