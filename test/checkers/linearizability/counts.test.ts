// The pending counts of the incremental check (checkers/linearizability/counts.ts: a shared
// base and a small map of changes, with hashes) against plain maps changed as the check's
// earlier copy-per-change did: the same entries, classes in order, canonical text, equality
// and dominance, over families of vectors derived from one another (long chains, so that
// copies take bases of their own, and siblings that share a base).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Counts, EMPTY_COUNTS } from '../../../checkers/linearizability/counts.js';
import { infoKey } from '../../../checkers/linearizability/frontier.js';

const seed = Number(process.env.FAULTLINE_FC_SEED ?? 0x5eed);

/** The earlier representation: a map copied per change, a count reaching zero removed. */
function refWith(info: ReadonlyMap<number, number>, c: number, delta: number): Map<number, number> {
  const out = new Map(info);
  const n = (out.get(c) ?? 0) + delta;
  if (n > 0) out.set(c, n);
  else out.delete(c);
  return out;
}

function refText(info: ReadonlyMap<number, number>): string {
  let s = '';
  for (const c of [...info.keys()].sort((a, b) => a - b)) s += `${c}:${info.get(c)!},`;
  return s;
}

function refCovered(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  for (const [c, n] of a) if ((b.get(c) ?? 0) < n) return false;
  return true;
}

function refEqual(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  return a.size === b.size && refCovered(a, b) && refCovered(b, a);
}

/** One derivation: from vector `parent` (an index into those built so far), class `c` changed by `delta`. */
interface Step {
  parent: number;
  c: number;
  delta: number;
}

const stepArb = (classes: number): fc.Arbitrary<Step> =>
  // A few classes changed often (a count back at its base's), and many classes (copies past DELTA_MAX changes take bases of their own).
  fc.record({ parent: fc.nat(), c: fc.oneof({ weight: 1, arbitrary: fc.nat(3) }, { weight: 3, arbitrary: fc.noBias(fc.nat(classes - 1)) }), delta: fc.constantFrom(1, 1, 1, 1, 2, -1, -3) });

/** Build the family: each step derives from one vector built before (mostly the newest: long chains, past DELTA_MAX changes). */
function build(steps: readonly Step[]): { counts: Counts[]; refs: Array<Map<number, number>> } {
  const counts: Counts[] = [EMPTY_COUNTS];
  const refs: Array<Map<number, number>> = [new Map()];
  for (const s of steps) {
    const p = s.parent % 8 === 0 ? s.parent % counts.length : counts.length - 1;
    counts.push(counts[p].with(s.c, s.delta));
    refs.push(refWith(refs[p], s.c, s.delta));
  }
  return { counts, refs };
}

describe('pending counts (shared base, changes over it)', () => {
  it('hold what the copied maps hold, in class order, with the same canonical text', () => {
    fc.assert(
      fc.property(fc.array(stepArb(40), { minLength: 60, maxLength: 150 }), (steps) => {
        const { counts, refs } = build(steps);
        for (let i = 0; i < counts.length; i++) {
          const x = counts[i];
          const r = refs[i];
          expect(x.size).toBe(r.size);
          expect([...x.classes()]).toEqual([...r.keys()].sort((a, b) => a - b));
          expect([...x.entries()]).toEqual([...r.entries()].sort((a, b) => a[0] - b[0]));
          for (let c = 0; c < 41; c++) {
            expect(x.get(c)).toBe(r.get(c));
            expect(x.has(c)).toBe(r.has(c));
          }
          expect(infoKey(x)).toBe(refText(r));
          expect(x.textLength).toBe(refText(r).length);
        }
      }),
      { seed, numRuns: 50 },
    );
  });

  it('compare (equals, coveredBy) as the maps do, both ways, equal or not', () => {
    const seen = { equal: 0, unequal: 0, equalApart: 0, covered: 0, uncovered: 0 };
    fc.assert(
      fc.property(fc.array(stepArb(40), { minLength: 60, maxLength: 150 }), (steps) => {
        const { counts, refs } = build(steps);
        // Each vector against its near predecessors (the same chain) and every seventh one (other branches).
        for (let i = 0; i < counts.length; i++) {
          for (let j = 0; j < counts.length; j++) {
            if (j < i - 12 && j % 7 !== 0) continue;
            const eq = refEqual(refs[i], refs[j]);
            const cov = refCovered(refs[i], refs[j]);
            if (counts[i].equals(counts[j]) !== eq || counts[i].coveredBy(counts[j]) !== cov) return false;
            if (eq && (counts[i].hash1 !== counts[j].hash1 || counts[i].hash2 !== counts[j].hash2)) return false;
            seen[eq ? 'equal' : 'unequal']++;
            if (eq && counts[i] !== counts[j]) seen.equalApart++;
            seen[cov ? 'covered' : 'uncovered']++;
          }
        }
        return true;
      }),
      { seed, numRuns: 60 },
    );
    // Both answers occur, and equal vectors built apart (not the same object).
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(0);
  });

  it('a change that leaves the counts as they are gives the same vector', () => {
    const a = EMPTY_COUNTS.with(3, 1);
    expect(EMPTY_COUNTS.with(3, -1)).toBe(EMPTY_COUNTS);
    expect(a.with(3, -1).size).toBe(0);
    expect(a.with(3, -1).equals(EMPTY_COUNTS)).toBe(true);
    expect(a.with(3, -1).coveredBy(EMPTY_COUNTS)).toBe(true);
    expect(a.coveredBy(EMPTY_COUNTS)).toBe(false);
    expect(Counts.of([[2, 1], [1, 4]]).equals(EMPTY_COUNTS.with(1, 4).with(2, 1))).toBe(true);
  });
});
