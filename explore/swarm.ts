// Swarm testing (FoundationDB, TigerBeetle's options_swarm): each seed draws its own fault
// knobs within the scenario's bounds, from its own stream `${seed}/swarm`, before the run
// starts. A knob set that leaves a fault kind out entirely finds bugs that a fixed mix of
// every kind at once hides. The knobs are printed in the failure file and re-applied by
// replay and shrink, so a failure never depends on re-drawing them.
import type { SwarmBounds } from '../scenario/load.js';
import { formatDuration } from '../scenario/units.js';
import { DEFAULT_PARTITION_SHAPES, PARTITION_SHAPES, type LatencyModel, type NemesisConfig, type NemesisKind, type PartitionShape, type ScriptedFault, type SimConfig } from '../sim/config.js';
import { stream, type Prng } from '../sim/prng.js';
import { remap, remapKeeping } from './remap.js';
import { assert, type Micros, type Ppm } from '../sim/types.js';
import { formatPercent } from './units-text.js';

/** Every knob a seed draws, as applied values (not as scale factors): a failure file shows what ran. */
export interface SwarmKnobs {
  lossPpm: Ppm;
  duplicatePpm: Ppm;
  /** Absent when the scenario has no random nemesis. */
  nemesis?: {
    weights: Partial<Record<NemesisKind, number>>;
    intervalUs: [Micros, Micros];
    durationUs: [Micros, Micros];
    maxCrashed: number;
    clockJumpMaxUs: Micros;
    clockDriftMaxPpm: number;
    /** Drawn from `swarm.leaderAim`. */
    leaderAimPpm?: Ppm;
    /** Drawn with `swarm.partitionShapes`: the shapes kept, with the scenario's weights. */
    partitionShapes?: Partial<Record<PartitionShape, number>>;
  };
  /** Drawn from the scenario's `swarm.nodes`: the cluster size. */
  nodes?: number;
  /** Drawn from the scenario's `swarm.options`: protocol option values. */
  options?: Record<string, unknown>;
  /** Drawn from `swarm.latency`: the network's latency model for this seed. */
  latency?: LatencyModel;
  /** Drawn with `swarm.flakyNode`: once faults stop, `node` keeps links only to `keeps` (both ways). */
  flaky?: { node: number; keeps: number[] };
  /** Guided fuzzing: scripted faults added to the scenario's. */
  faults?: ScriptedFault[];
  /** Guided fuzzing: where the run's streams come from (SimConfig.streams). */
  streams?: { base?: string; reseed?: Record<string, string> };
}

/**
 * Scale factors for the nemesis interval, in percent: from ten times as often to half as
 * often. Drawn log-uniformly (a factor of 2 up or down is as likely anywhere in the range),
 * so frantic runs, where leaders fall every few milliseconds, are as common as calm ones.
 */
export const INTERVAL_SCALE_PCT: readonly [number, number] = [10, 200];
/** Scale factors for fault durations, in percent: from a tenth of the scenario's to all of it, log-uniformly. */
export const DURATION_SCALE_PCT: readonly [number, number] = [10, 100];

/** A log-uniform integer in [lo, hi] (both > 0), from integer draws: an octave, then a place in it. */
function logUniform(r: Prng, lo: number, hi: number): number {
  const octaves = Math.max(1, Math.round(Math.log2(hi / lo)));
  const k = r.int(0, octaves - 1);
  const from = Math.max(lo, Math.round(lo * 2 ** k));
  const to = Math.min(hi, Math.round(lo * 2 ** (k + 1)));
  return r.int(from, Math.max(from, to));
}

/**
 * Draw one seed's knobs within the bounds the scenario sets (and its `swarm:` lists, drawn
 * after every fault knob, so a scenario without them draws as before). Pure: same seed, same knobs.
 */
export function drawKnobs(seed: string, config: SimConfig, bounds?: SwarmBounds): SwarmKnobs {
  const r = stream(seed, 'swarm');
  const knobs = drawFaultKnobs(r, config);
  if (bounds?.nodes !== undefined) knobs.nodes = r.pick(bounds.nodes);
  if (bounds?.options !== undefined) {
    knobs.options = {};
    for (const key of Object.keys(bounds.options).sort(compareStrings)) knobs.options[key] = r.pick(bounds.options[key]);
  }
  if (bounds?.latency !== undefined) knobs.latency = r.pick(bounds.latency);
  if (knobs.nemesis !== undefined && bounds?.leaderAimPpm !== undefined) knobs.nemesis.leaderAimPpm = r.pick(bounds.leaderAimPpm);
  if (knobs.nemesis !== undefined && bounds?.partitionShapes) {
    const base = config.nemesis!.partitionShapes ?? DEFAULT_PARTITION_SHAPES;
    const on = PARTITION_SHAPES.filter((s) => (base[s] ?? 0) > 0);
    const kept: Partial<Record<PartitionShape, number>> = {};
    for (const s of on) if (r.int(0, 1) === 1) kept[s] = base[s];
    if (Object.keys(kept).length === 0 && on.length > 0) {
      const s = r.pick(on);
      kept[s] = base[s];
    }
    knobs.nemesis.partitionShapes = kept;
  }
  if (bounds?.flakyNodePpm !== undefined && bounds.flakyNodePpm > 0 && r.chance(bounds.flakyNodePpm)) {
    const n = knobs.nodes ?? config.nodes;
    if (n >= 3) {
      const node = r.int(0, n - 1);
      const others = Array.from({ length: n }, (_, i) => i).filter((i) => i !== node);
      knobs.flaky = { node, keeps: [r.pick(others)] };
    }
  }
  return knobs;
}

function drawFaultKnobs(r: Prng, config: SimConfig): SwarmKnobs {
  // Each rate is 0 a quarter of the time, else uniform in [0, the scenario's value].
  const rate = (max: Ppm): Ppm => (max === 0 || r.int(0, 3) === 0 ? 0 : r.int(0, max));
  const lossPpm = rate(config.network.lossPpm);
  const duplicatePpm = rate(config.network.duplicatePpm);
  const knobs: SwarmKnobs = { lossPpm, duplicatePpm };
  const nem = config.nemesis;
  if (nem === undefined) return knobs;

  const kinds = (Object.keys(nem.weights) as NemesisKind[]).sort(compareStrings);
  const enabled = kinds.filter((k) => (nem.weights[k] ?? 0) > 0);
  const weights: Partial<Record<NemesisKind, number>> = {};
  for (const k of kinds) weights[k] = (nem.weights[k] ?? 0) > 0 && r.int(0, 1) === 1 ? nem.weights[k]! : 0;
  // Keep at least one kind: a nemesis with every weight zeroed is a different scenario.
  if (enabled.length > 0 && enabled.every((k) => weights[k] === 0)) {
    const k = r.pick(enabled);
    weights[k] = nem.weights[k]!;
  }
  const scale = (us: Micros, pct: number): Micros => Math.max(1, Math.floor((us * pct) / 100));
  const intervalPct = logUniform(r, INTERVAL_SCALE_PCT[0], INTERVAL_SCALE_PCT[1]);
  const durationPct = logUniform(r, DURATION_SCALE_PCT[0], DURATION_SCALE_PCT[1]);
  knobs.nemesis = {
    weights,
    intervalUs: [scale(nem.intervalUs[0], intervalPct), scale(nem.intervalUs[1], intervalPct)],
    durationUs: [scale(nem.durationUs[0], durationPct), scale(nem.durationUs[1], durationPct)],
    maxCrashed: nem.maxCrashed === 0 ? 0 : r.int(1, nem.maxCrashed),
    clockJumpMaxUs: nem.clockJumpMaxUs === 0 ? 0 : r.int(0, nem.clockJumpMaxUs),
    clockDriftMaxPpm: nem.clockDriftMaxPpm === 0 ? 0 : r.int(0, nem.clockDriftMaxPpm),
  };
  return knobs;
}

/** The scenario with one seed's knobs in place of its bounds. */
export function applyKnobs(config: SimConfig, knobs: SwarmKnobs): SimConfig {
  // A drawn cluster size: faults and cut links naming nodes beyond it go (as when shrinking).
  const sized = knobs.nodes !== undefined && knobs.nodes !== config.nodes ? resize(config, knobs.nodes) : config;
  const out: SimConfig = { ...sized, network: { ...sized.network, lossPpm: knobs.lossPpm, duplicatePpm: knobs.duplicatePpm } };
  if (knobs.options !== undefined) out.protocolOptions = { ...config.protocolOptions, ...knobs.options };
  if (knobs.latency !== undefined) out.network = { ...out.network, latency: knobs.latency };
  if (knobs.flaky !== undefined) {
    // The liveness phase's network: the flaky node cut from all but its kept links, as well as the scenario's own cuts.
    const { node, keeps } = knobs.flaky;
    const after = out.network.afterFaults;
    const cut = [...(after?.cut ?? out.network.cut)];
    for (let other = 0; other < out.nodes; other++) {
      if (other === node || keeps.includes(other)) continue;
      cut.push([node, other], [other, node]);
    }
    out.network = { ...out.network, afterFaults: { ...after, cut } };
  }
  if (knobs.nemesis !== undefined) {
    assert(config.nemesis !== undefined, 'nemesis knobs need a scenario with a nemesis');
    const k = knobs.nemesis;
    // The knobs replace what they draw; the rest of the scenario's nemesis (caps per role,
    // target roles, aim and bounds) stays as written.
    const nemesis: NemesisConfig = {
      ...config.nemesis,
      weights: { ...k.weights },
      intervalUs: [k.intervalUs[0], k.intervalUs[1]],
      durationUs: [k.durationUs[0], k.durationUs[1]],
      // Below a quorum of a drawn cluster size too.
      maxCrashed: knobs.nodes !== undefined ? Math.min(k.maxCrashed, Math.max(0, Math.floor((knobs.nodes - 1) / 2))) : k.maxCrashed,
      clockJumpMaxUs: k.clockJumpMaxUs,
      clockDriftMaxPpm: k.clockDriftMaxPpm,
      ...(k.leaderAimPpm !== undefined ? { leaderAimPpm: k.leaderAimPpm } : {}),
      ...(k.partitionShapes !== undefined ? { partitionShapes: { ...k.partitionShapes } } : {}),
    };
    out.nemesis = { ...config.nemesis, ...nemesis };
  }
  if (knobs.faults !== undefined && knobs.faults.length > 0) {
    // Stable by time: the scenario's own faults first among equal times.
    out.faults = [...config.faults, ...knobs.faults].map((f, i) => ({ f, i })).sort((a, b) => a.f.atUs - b.f.atUs || a.i - b.i).map(({ f }) => f);
  }
  if (knobs.streams !== undefined) out.streams = { ...knobs.streams, ...(knobs.streams.reseed ? { reseed: { ...knobs.streams.reseed } } : {}) };
  return stableShapes(out);
}

/**
 * The config with the objects the kernel reads rebuilt key by key, in the same order with the
 * same values: the same config, but objects of one key list share one V8 hidden class. Built
 * by the spreads above (some keys only on some seeds), the nemesis, network and option objects
 * got a hidden class of their own on nearly every seed (190 classes for 200 seeds of
 * nemesis.yaml), and the kernel's optimized code kept being thrown away (World.run: 26
 * deoptimizations in 100 warm seeds, 2 with this).
 */
function stableShapes(config: SimConfig): SimConfig {
  const out = sameKeys(config);
  out.network = sameKeys(config.network);
  if (config.network.afterFaults !== undefined) out.network.afterFaults = sameKeys(config.network.afterFaults);
  out.protocolOptions = sameKeys(config.protocolOptions);
  out.clients = sameKeys(config.clients);
  if (config.nemesis !== undefined) {
    const nemesis = (out.nemesis = sameKeys(config.nemesis));
    nemesis.weights = sameKeys(config.nemesis.weights);
    if (config.nemesis.partitionShapes !== undefined) nemesis.partitionShapes = sameKeys(config.nemesis.partitionShapes);
  }
  return out;
}

/** A copy of a plain object, its own keys assigned one by one in their order (not a spread, which may copy a one-off hidden class). */
function sameKeys<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o)) out[key] = (o as Record<string, unknown>)[key];
  return out as T;
}

/** The cluster at another size: fewer nodes drop the faults naming the rest; more add fresh ones (clients renumbered after them). */
function resize(config: SimConfig, nodes: number): SimConfig {
  if (nodes < config.nodes) return remap(config, nodes, config.clients.clients);
  return remapKeeping(config, Array.from({ length: config.nodes }, (_, i) => i), config.clients.clients, nodes);
}

/** One line for humans: `loss 0.42% · dup 0% · nemesis partition 3, crash 0 · every 120ms–480ms for 50ms–1s · maxCrashed 1`. */
export function knobsText(knobs: SwarmKnobs): string {
  const parts = [`loss ${formatPercent(knobs.lossPpm)}`, `dup ${formatPercent(knobs.duplicatePpm)}`];
  if (knobs.nodes !== undefined) parts.push(`${knobs.nodes} nodes`);
  if (knobs.latency !== undefined) parts.push(`latency ${knobs.latency.kind}`);
  if (knobs.flaky !== undefined) parts.push(`after faults n${knobs.flaky.node + 1} reaches only ${knobs.flaky.keeps.map((k) => `n${k + 1}`).join(', ')}`);
  if (knobs.options !== undefined) parts.push(`options ${Object.keys(knobs.options).sort(compareStrings).map((k) => `${k}=${JSON.stringify(knobs.options![k])}`).join(', ')}`);
  const n = knobs.nemesis;
  if (n !== undefined) {
    const kinds = (Object.keys(n.weights) as NemesisKind[]).sort(compareStrings).map((k) => `${k} ${n.weights[k]}`);
    parts.push(`nemesis ${kinds.join(', ')}`);
    parts.push(`every ${formatDuration(n.intervalUs[0])}–${formatDuration(n.intervalUs[1])} for ${formatDuration(n.durationUs[0])}–${formatDuration(n.durationUs[1])}`);
    parts.push(`maxCrashed ${n.maxCrashed}`);
    if (n.leaderAimPpm !== undefined) parts.push(`leader aim ${formatPercent(n.leaderAimPpm)}`);
    if (n.partitionShapes !== undefined) parts.push(`partitions ${Object.keys(n.partitionShapes).sort(compareStrings).join('/')}`);
    parts.push(`clock jump ≤ ${formatDuration(n.clockJumpMaxUs)}, drift ≤ ${n.clockDriftMaxPpm}ppm`);
  }
  if (knobs.faults !== undefined && knobs.faults.length > 0) parts.push(`+${knobs.faults.length} scripted faults`);
  if (knobs.streams !== undefined) {
    const reseeded = Object.keys(knobs.streams.reseed ?? {}).sort(compareStrings);
    parts.push(`streams from ${knobs.streams.base ?? 'the seed'}${reseeded.length > 0 ? `, re-seeded: ${reseeded.join(', ')}` : ''}`);
  }
  return parts.join(' · ');
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
