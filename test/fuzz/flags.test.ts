// fuzz flags checked where they are parsed: worker counts, seed ranges past 2^53-1, shards.
import { describe, expect, it } from 'vitest';
import { campaignOptions, type FuzzArgs } from '../../cli/commands/fuzz.js';
import { parseShard } from '../../explore/seeds.js';
import { spawnCli, stripAnsi } from '../cli/helpers/spawn.js';
import { ballotScenario } from './helpers.js';

const args = (extra: Partial<FuzzArgs>): FuzzArgs => ({ scenario: ballotScenario, ...extra });

describe('fuzz flags', () => {
  it('--workers 0 is bad input (exit 2 from the real CLI)', () => {
    expect(() => campaignOptions(args({ workers: 0 }))).toThrow(/--workers/);
    const { code, stderr } = spawnCli(['fuzz', ballotScenario, '--workers', '0', '--seeds', '1']);
    expect(code).toBe(2);
    expect(stripAnsi(stderr)).toMatch(/^error: --workers/);
  });

  it('--workers above 4 per core is capped, with a warning', () => {
    const warnings: string[] = [];
    const options = campaignOptions(args({ workers: 200 }), (line) => warnings.push(line), 2);
    expect(options.workers).toBe(8);
    expect(warnings).toEqual([expect.stringMatching(/--workers 200 .*using 8/)]);
    const none: string[] = [];
    expect(campaignOptions(args({ workers: 8 }), (line) => none.push(line), 2).workers).toBe(8);
    expect(none).toEqual([]);
  });

  it('seeds past 2^53-1 are bad input', () => {
    expect(() => campaignOptions(args({ 'from-seed': 9007199254740990, seeds: 5 }))).toThrow(/--seeds: expected seeds of at most 9007199254740991/);
    expect(campaignOptions(args({ 'from-seed': 9007199254740990, seeds: 2 })).seeds).toBe(2);
    expect(() => campaignOptions(args({ 'from-seed': 2 ** 53 }))).toThrow(/--from-seed/);
    const { code, stderr } = spawnCli(['fuzz', ballotScenario, '--from-seed', '9007199254740990', '--seeds', '5', '--workers', '1']);
    expect(code).toBe(2);
    expect(stripAnsi(stderr)).toMatch(/^error: --seeds/);
  });

  it('--shard K/N needs safe integers', () => {
    expect(() => parseShard('1/18446744073709551616')).toThrow(/--shard: .*at most 9007199254740991/);
    expect(() => parseShard('9007199254740992/9007199254740993')).toThrow(/--shard/);
    expect(parseShard('1/9007199254740991')).toEqual({ index: 1, count: 9007199254740991 });
  });
});
