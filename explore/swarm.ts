// Swarm testing (FoundationDB, TigerBeetle's options_swarm): each seed draws its own fault
// knobs within the scenario's bounds, from its own stream `${seed}/swarm`, before the run
// starts. A knob set that leaves a fault kind out entirely finds bugs that a fixed mix of
// every kind at once hides. The knobs are printed in the failure file and re-applied by
// replay and shrink, so a failure never depends on re-drawing them.
import { formatDuration } from '../scenario/units.js';
import type { NemesisConfig, NemesisKind, SimConfig } from '../sim/config.js';
import { stream } from '../sim/prng.js';
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
  };
}

/** Scale factors for the nemesis interval, in percent: from twice as often to half as often. */
export const INTERVAL_SCALE_PCT: readonly [number, number] = [50, 200];
/** Scale factors for fault durations, in percent: from a quarter of the scenario's to all of it. */
export const DURATION_SCALE_PCT: readonly [number, number] = [25, 100];

/** Draw one seed's knobs within the bounds the scenario sets. Pure: same seed, same knobs. */
export function drawKnobs(seed: string, config: SimConfig): SwarmKnobs {
  const r = stream(seed, 'swarm');
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
  const intervalPct = r.int(INTERVAL_SCALE_PCT[0], INTERVAL_SCALE_PCT[1]);
  const durationPct = r.int(DURATION_SCALE_PCT[0], DURATION_SCALE_PCT[1]);
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
  const out: SimConfig = { ...config, network: { ...config.network, lossPpm: knobs.lossPpm, duplicatePpm: knobs.duplicatePpm } };
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
      maxCrashed: k.maxCrashed,
      clockJumpMaxUs: k.clockJumpMaxUs,
      clockDriftMaxPpm: k.clockDriftMaxPpm,
    };
    out.nemesis = nemesis;
  }
  return out;
}

/** One line for humans: `loss 0.42% · dup 0% · nemesis partition 3, crash 0 · every 120ms–480ms for 50ms–1s · maxCrashed 1`. */
export function knobsText(knobs: SwarmKnobs): string {
  const parts = [`loss ${formatPercent(knobs.lossPpm)}`, `dup ${formatPercent(knobs.duplicatePpm)}`];
  const n = knobs.nemesis;
  if (n !== undefined) {
    const kinds = (Object.keys(n.weights) as NemesisKind[]).sort(compareStrings).map((k) => `${k} ${n.weights[k]}`);
    parts.push(`nemesis ${kinds.join(', ')}`);
    parts.push(`every ${formatDuration(n.intervalUs[0])}–${formatDuration(n.intervalUs[1])} for ${formatDuration(n.durationUs[0])}–${formatDuration(n.durationUs[1])}`);
    parts.push(`maxCrashed ${n.maxCrashed}`);
    parts.push(`clock jump ≤ ${formatDuration(n.clockJumpMaxUs)}, drift ≤ ${n.clockDriftMaxPpm}ppm`);
  }
  return parts.join(' · ');
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
