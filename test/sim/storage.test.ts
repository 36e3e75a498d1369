// SimStorage's log: append, truncate, a synced watermark, and crashes that keep a seeded
// prefix of the unsynced writes. The reference is the layout the log replaced: one key per
// entry plus a last-index key raised after the entries (lowered first by a truncation), in
// the same pending order as the puts. Both must draw the same and keep the same.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../sim/prng.js';
import { SimStorage } from '../../sim/storage.js';
import { fcSeed } from './fc-seed.js';

/** The key-per-entry layout over plain key/value puts (what Raft kept before the log API). */
class KeyedLog {
  constructor(readonly kv: SimStorage) {}
  get length(): number {
    return Math.max(this.kv.get<number>('last') ?? 0, this.start);
  }
  write(at: number, entries: readonly string[]): void {
    if (at < this.length) this.kv.put('last', at);
    entries.forEach((e, i) => this.kv.put(`log:${at + i}`, e));
    this.kv.put('last', at + entries.length);
  }
  truncate(length: number): void {
    this.kv.put('last', length);
  }
  get start(): number {
    return this.kv.get<number>('first') ?? 0;
  }
  /** A compaction raises the first-index key (the log ends no lower than it starts); the discarded keys read as absent. */
  compact(upto: number): void {
    if (upto === this.start) return;
    this.kv.put('first', upto);
  }
  entries(): Array<string | undefined> {
    return Array.from({ length: this.length }, (_, i) => (i < this.start ? undefined : this.kv.get<string>(`log:${i}`)));
  }
}

type Step =
  | { kind: 'put'; key: string; value: number }
  | { kind: 'append'; back: number; count: number }
  | { kind: 'truncate'; back: number }
  | { kind: 'compact'; ahead: number }
  | { kind: 'sync' }
  | { kind: 'crash' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom('a', 'b'), value: fc.nat(9) }),
  fc.record({ kind: fc.constant('append' as const), back: fc.nat(3), count: fc.nat(3) }),
  fc.record({ kind: fc.constant('truncate' as const), back: fc.nat(3) }),
  fc.record({ kind: fc.constant('compact' as const), ahead: fc.nat(3) }),
  fc.record({ kind: fc.constant('sync' as const) }),
  fc.record({ kind: fc.constant('crash' as const) }),
);

function logOf(s: SimStorage): unknown[] {
  return Array.from({ length: s.logLength }, (_, i) => s.logAt(i));
}

describe('SimStorage log', () => {
  it('without loss modelled, every write is durable at once', () => {
    const s = new SimStorage(false);
    s.logAppend(['x', 'y', 'z'], 1);
    expect(logOf(s)).toEqual(['y', 'z']);
    expect(s.logSynced).toBe(2);
    s.logAppend(['w'], 0, 1);
    expect(logOf(s)).toEqual(['y', 'w']);
    expect(s.crash(new Prng('disk'))).toBe(0);
    expect(logOf(s)).toEqual(['y', 'w']);
  });

  it('an append survives a crash only whole; a truncation is a write of its own', () => {
    // Writes: [e0, e1, header], sync, [truncate to 1], [e2, header]. Keeping k of the 3 unsynced writes:
    const want = [['a', 'b'], ['a'], ['a'], ['a', 'c']];
    for (let kept = 0; kept <= 3; kept++) {
      const s = new SimStorage(true);
      s.logAppend(['a', 'b']);
      expect(s.unsyncedWrites).toBe(3);
      s.sync();
      expect(s.logSynced).toBe(2);
      s.logTruncate(1);
      s.logAppend(['c']);
      expect(logOf(s)).toEqual(['a', 'c']);
      expect(s.logSynced).toBe(1);
      expect(s.unsyncedWrites).toBe(3);
      const disk = { int: (min: number, max: number) => (expect([min, max]).toEqual([0, 3]), kept) } as unknown as Prng;
      expect(s.crash(disk)).toBe(3 - kept);
      expect(logOf(s)).toEqual(want[kept]);
      expect(s.logSynced).toBe(want[kept].length);
    }
  });

  it('a compaction discards the prefix, keeps indexes absolute, and is one write a crash may lose', () => {
    for (const kept of [0, 1]) {
      const s = new SimStorage(true);
      s.logAppend(['a', 'b', 'c']);
      s.sync();
      s.logCompact(2);
      expect(s.logStart).toBe(2);
      expect(logOf(s)).toEqual([undefined, undefined, 'c']);
      expect(s.unsyncedWrites).toBe(1);
      expect(() => s.logTruncate(1)).toThrow(/log truncation to 1 of 3 from 2/);
      expect(() => s.logAppend(['x'], 0, 1)).toThrow(/log append at 1 of a log of 3 from 2/);
      s.crash({ int: () => kept } as unknown as Prng);
      expect(s.logStart).toBe(kept === 1 ? 2 : 0);
      expect(s.logLength).toBe(3);
    }
    const ahead = new SimStorage(false);
    ahead.logAppend(['a']);
    ahead.logCompact(5);
    expect([ahead.logStart, ahead.logLength, ahead.logSynced]).toEqual([5, 5, 5]);
    ahead.logAppend(['f']);
    expect(ahead.logAt(5)).toBe('f');
  });

  it('rejects an append or a truncation past the end', () => {
    const s = new SimStorage(true);
    s.logAppend(['a']);
    expect(() => s.logTruncate(2)).toThrow(/log truncation to 2 of 1/);
    expect(() => s.logAppend(['b'], 0, 2)).toThrow(/log append at 2 of a log of 1/);
  });

  it('draws and keeps exactly what the key-per-entry layout does, puts interleaved', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), fc.nat(), (steps, seed) => {
        const log = new SimStorage(true);
        const keyed = new KeyedLog(new SimStorage(true));
        const diskA = new Prng(`disk-${seed}`);
        const diskB = new Prng(`disk-${seed}`);
        let serial = 0;
        for (const step of steps) {
          switch (step.kind) {
            case 'put':
              log.put(step.key, step.value);
              keyed.kv.put(step.key, step.value);
              break;
            case 'append': {
              const at = Math.max(log.logStart, log.logLength - step.back);
              const entries = Array.from({ length: step.count }, () => `e${serial++}`);
              // Raft's order: a truncation write first when the append overwrites, then the batch.
              if (at < log.logLength) log.logTruncate(at);
              log.logAppend(entries);
              keyed.write(at, entries);
              break;
            }
            case 'truncate': {
              const length = Math.max(log.logStart, log.logLength - step.back);
              log.logTruncate(length);
              keyed.truncate(length);
              break;
            }
            case 'compact': {
              // Up to `ahead` entries past the start, possibly past the end (an installed snapshot ahead of the log).
              const upto = log.logStart + step.ahead;
              log.logCompact(upto);
              keyed.compact(upto);
              break;
            }
            case 'sync':
              log.sync();
              keyed.kv.sync();
              break;
            case 'crash':
              expect(log.unsyncedWrites).toBe(keyed.kv.unsyncedWrites);
              expect(log.crash(diskA)).toBe(keyed.kv.crash(diskB));
              break;
          }
          expect(logOf(log)).toEqual(keyed.entries());
          expect(log.get('a')).toBe(keyed.kv.get('a'));
          expect(log.get('b')).toBe(keyed.kv.get('b'));
          expect(log.logStart).toBe(keyed.start);
          if (log.unsyncedWrites === 0) expect(log.logSynced).toBe(log.logLength);
          expect(log.logSynced).toBeLessThanOrEqual(log.logLength);
        }
        // Both streams drew the same: their next draws agree.
        expect(diskA.int(0, 1 << 20)).toBe(diskB.int(0, 1 << 20));
      }),
      { seed: fcSeed, numRuns: 300 },
    );
  });
});
