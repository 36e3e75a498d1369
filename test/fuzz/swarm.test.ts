// Swarm knobs: drawn per seed from `${seed}/swarm`, within the scenario's bounds, the same
// every time, and surviving the failure file's JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyKnobs, drawKnobs, DURATION_SCALE_PCT, INTERVAL_SCALE_PCT, knobsText } from '../../explore/swarm.js';
import { loadScenario } from '../../scenario/load.js';
import type { NemesisKind } from '../../sim/config.js';
import { seedArb } from '../../testing.js';
import { fcSeed } from '../sim/fc-seed.js';
import { ballotScenario } from './helpers.js';

describe('swarm knobs', async () => {
  const loaded = await loadScenario(ballotScenario);
  const config = loaded.config;
  const nem = config.nemesis!;

  it('are a pure function of the seed, within the scenario bounds', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const k = drawKnobs(seed, config);
        expect(drawKnobs(seed, config)).toEqual(k);
        expect(k.lossPpm).toBeGreaterThanOrEqual(0);
        expect(k.lossPpm).toBeLessThanOrEqual(config.network.lossPpm);
        expect(k.duplicatePpm).toBeLessThanOrEqual(config.network.duplicatePpm);
        const n = k.nemesis!;
        const kinds = Object.keys(nem.weights) as NemesisKind[];
        expect(Object.keys(n.weights).sort()).toEqual([...kinds].sort());
        for (const kind of kinds) expect([0, nem.weights[kind]]).toContain(n.weights[kind]);
        expect(kinds.some((kind) => (n.weights[kind] ?? 0) > 0)).toBe(true);
        for (const i of [0, 1] as const) {
          expect(n.intervalUs[i] * 100).toBeGreaterThanOrEqual(nem.intervalUs[i] * INTERVAL_SCALE_PCT[0] - 100);
          expect(n.intervalUs[i] * 100).toBeLessThanOrEqual(nem.intervalUs[i] * INTERVAL_SCALE_PCT[1]);
          expect(n.durationUs[i] * 100).toBeLessThanOrEqual(nem.durationUs[i] * DURATION_SCALE_PCT[1]);
        }
        expect(n.intervalUs[0]).toBeLessThanOrEqual(n.intervalUs[1]);
        expect(n.maxCrashed).toBeGreaterThanOrEqual(Math.min(1, nem.maxCrashed));
        expect(n.maxCrashed).toBeLessThanOrEqual(nem.maxCrashed);
        expect(n.clockJumpMaxUs).toBeLessThanOrEqual(nem.clockJumpMaxUs);
      }),
      { seed: fcSeed, numRuns: 300 },
    );
  });

  it('vary across seeds: every kind is both kept and dropped, and rates spread over their range', () => {
    const knobs = Array.from({ length: 200 }, (_, s) => drawKnobs(String(s), config));
    for (const kind of Object.keys(nem.weights) as NemesisKind[]) {
      expect(knobs.some((k) => k.nemesis!.weights[kind] === 0)).toBe(true);
      expect(knobs.some((k) => (k.nemesis!.weights[kind] ?? 0) > 0)).toBe(true);
    }
    expect(knobs.filter((k) => k.lossPpm === 0).length).toBeGreaterThan(20);
    expect(knobs.some((k) => k.lossPpm > config.network.lossPpm / 2)).toBe(true);
    expect(new Set(knobs.map((k) => k.nemesis!.intervalUs[1])).size).toBeGreaterThan(50);
  });

  it('survive JSON (the failure file) and apply to the same config', () => {
    for (let s = 0; s < 50; s++) {
      const k = drawKnobs(String(s), config);
      const back = JSON.parse(JSON.stringify(k));
      expect(applyKnobs(config, back)).toEqual(applyKnobs(config, k));
      expect(knobsText(back)).toBe(knobsText(k));
    }
    const applied = applyKnobs(config, drawKnobs('7', config));
    expect(applied.seed).toBe(config.seed);
    expect(applied.faults).toBe(config.faults);
    expect(applied.nodes).toBe(config.nodes);
  });

  it('keep what the knobs do not draw: caps per role and target roles', () => {
    const withRoles = { ...config, nemesis: { ...config.nemesis!, maxCrashedByRole: { backup: 1 }, targetRoles: ['backup'] } };
    const applied = applyKnobs(withRoles, drawKnobs('5', withRoles));
    expect(applied.nemesis!.maxCrashedByRole).toEqual({ backup: 1 });
    expect(applied.nemesis!.targetRoles).toEqual(['backup']);
  });

  it('a scenario without a nemesis only draws network rates', () => {
    const plain = { ...config };
    delete plain.nemesis;
    const k = drawKnobs('3', plain);
    expect(k.nemesis).toBeUndefined();
    expect(applyKnobs(plain, k).nemesis).toBeUndefined();
    expect(knobsText(k)).toMatch(/^loss [\d.]+% · dup [\d.]+%$/);
  });
});
