// The snapshot helpers the protocols' invariants share: which notes mark a snapshot, the
// snapshot floor (least over the nodes, each as last seen, never down; read once per note)
// and the per-index window forgotten below it in batches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORGET_BATCH, IndexWindow, isSnapshotNote, SnapshotFloor } from '../../../protocols/common/snapshot.js';
import type { Note } from '../../../sim/types.js';
import { fcSeed } from '../../sim/fc-seed.js';

const note = (data: Record<string, unknown>): Note => ({ node: 0, kind: 'snapshot-taken', data, timeUs: 0 }) as Note;

describe('isSnapshotNote', () => {
  it('is true for a snapshot taken, loaded or installed, and nothing else', () => {
    expect(['snapshot-taken', 'snapshot-loaded', 'snapshot-installed'].map(isSnapshotNote)).toEqual([true, true, true]);
    expect(['snapshot', 'apply', 'snapshot-sent', ''].map(isSnapshotNote)).toEqual([false, false, false, false]);
  });
});

describe('SnapshotFloor', () => {
  /** A view over per-node readings (undefined: crashed). */
  const viewOf = (points: Array<number | undefined>) => ({ nodeCount: points.length, points });
  const floor = () => new SnapshotFloor<ReturnType<typeof viewOf>>((v, n) => v.points[n]);

  it('is the least point over the nodes; a crashed node counts as last seen; it never goes down', () => {
    const f = floor();
    expect(f.update(viewOf([5, 7, 9]))).toBe(5);
    expect(f.update(viewOf([8, undefined, 9]))).toBe(7); // n2 crashed: its 7 stands
    expect(f.update(viewOf([8, 12, 3]))).toBe(8); // a reading below what was seen changes nothing
    expect(f.point).toBe(8);
    expect(floor().update(viewOf([]))).toBe(0);
  });

  it('at: reads the nodes once per note, however many invariants ask', () => {
    let reads = 0;
    const f = new SnapshotFloor<ReturnType<typeof viewOf>>((v, n) => {
      reads++;
      return v.points[n];
    });
    const first = note({ index: 4 });
    expect([f.at(first, viewOf([4, 6])), f.at(first, viewOf([4, 6])), f.at(first, viewOf([4, 6]))]).toEqual([4, 4, 4]);
    expect(reads).toBe(2);
    // The kernel reuses one Note object: a new note is new data.
    const second = { ...first, data: { index: 6 } } as Note;
    expect(f.at(second, viewOf([6, 6]))).toBe(6);
    expect(reads).toBe(4);
  });

  it('equals the least over the nodes of the highest reading each gave (fast-check)', () => {
    const reading = fc.option(fc.nat(1_000), { nil: undefined });
    fc.assert(
      fc.property(fc.array(fc.array(reading, { minLength: 4, maxLength: 4 }), { maxLength: 30 }), (rounds) => {
        const f = floor();
        const highest = [0, 0, 0, 0];
        let before = 0;
        for (const points of rounds) {
          points.forEach((p, n) => (highest[n] = Math.max(highest[n], p ?? 0)));
          const got = f.update(viewOf(points));
          expect(got).toBe(Math.max(before, Math.min(...highest)));
          expect(got).toBeGreaterThanOrEqual(before);
          before = got;
        }
      }),
      { seed: fcSeed, numRuns: 200 },
    );
  });
});

describe('IndexWindow', () => {
  it('forgets below the floor in batches, in every column; base may pass what is held', () => {
    const a: number[] = [];
    const b: string[] = [];
    const w = new IndexWindow([a, b]);
    for (let i = 0; i < 600; i++) a[i] = i;
    for (let i = 0; i < 300; i++) b[i] = `b${i}`;
    expect([w.base, w.held, w.end]).toEqual([0, 600, 600]);
    w.forgetBelow(FORGET_BATCH - 1);
    expect([w.base, w.held]).toEqual([0, 600]);
    w.forgetBelow(400);
    expect([w.base, w.held, w.end, a[0], b.length]).toEqual([400, 200, 600, 400, 0]);
    w.forgetBelow(1_000);
    expect([w.base, w.held, w.end]).toEqual([1_000, 0, 1_000]);
  });

  it('keeps every record at or above base, and spans less than a batch below the highest floor (fast-check)', () => {
    type Op = { set: number } | { forget: number };
    const op: fc.Arbitrary<Op> = fc.oneof(fc.record({ set: fc.nat(3_000) }), fc.record({ forget: fc.nat(3_000) }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const col: Array<number | undefined> = [];
        const w = new IndexWindow([col]);
        const model = new Map<number, number>();
        let floor = 0;
        for (const o of ops) {
          if ('set' in o) {
            if (o.set >= w.base) col[o.set - w.base] = o.set;
            model.set(o.set, o.set);
          } else {
            floor = Math.max(floor, o.forget);
            w.forgetBelow(floor);
          }
          expect(w.base).toBeLessThanOrEqual(floor);
          expect(floor - w.base).toBeLessThan(FORGET_BATCH);
          for (const [i, v] of model) if (i >= w.base) expect(col[i - w.base]).toBe(v);
        }
      }),
      { seed: fcSeed, numRuns: 200 },
    );
  });
});
