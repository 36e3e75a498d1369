// Log Matching (§5.3), the pairwise comparison of live nodes' logs: one pair every
// `logMatchingEveryEvents` events, only above the prefix it proved last time, and every pair
// in full at the end.
import type { ClusterView, Invariant, NodeId } from '../../sim/types.js';
import { entryOf, lastOf, nodeName, startOf } from './log-view.js';
import type { RaftNode } from './node.js';
import type { Entry } from './types.js';

type View = ClusterView<RaftNode>;

/**
 * §5.3 Log Matching: if two logs hold an entry with the same index and term, they are
 * identical up to it; and committed prefixes agree.
 */
export class LogMatching implements Invariant<RaftNode> {
  readonly name = 'log-matching';
  private countdown: number;
  private pair = 0;
  /** Per pair number: the prefix of both logs already proven identical (incremental checks). */
  private readonly proven: Array<ProvenPrefix | undefined> = [];

  constructor(private readonly everyEvents: number) {
    this.countdown = everyEvents;
  }

  afterEvent(view: View): string | undefined {
    if (--this.countdown > 0) return undefined;
    this.countdown = this.everyEvents;
    const n = view.nodeCount;
    const pairs = (n * (n - 1)) / 2;
    if (pairs === 0) return undefined;
    this.pair = (this.pair + 1) % pairs;
    // Decode pair number -> (a, b), a < b.
    let k = this.pair;
    let a = 0;
    while (k >= n - 1 - a) {
      k -= n - 1 - a;
      a++;
    }
    const x = view.actor(a);
    const y = view.actor(a + 1 + k);
    if (x === undefined || y === undefined) return undefined;
    const p = (this.proven[this.pair] = provenPrefix(this.proven[this.pair], x, y));
    if (p === undefined) return compareLogs(view, a, a + 1 + k);
    const got = compareLogsAbove(x, y, a, a + 1 + k, p.upto);
    if (typeof got === 'string') return got;
    p.upto = got;
    p.atX = entryOf(x, got);
    p.atY = entryOf(y, got);
    return undefined;
  }

  atEnd(view: View): string | undefined {
    for (let a = 0; a < view.nodeCount; a++) {
      for (let b = a + 1; b < view.nodeCount; b++) {
        const bad = compareLogs(view, a, b);
        if (bad) return bad;
      }
    }
    return undefined;
  }
}

/**
 * What a pair check of log-matching knows from its last run: entries 1..upto are the same in
 * both logs, as long as both actors are the same incarnations and neither log was cut since
 * (`cutsX`/`cutsY`: how many of their `logCuts` it has seen).
 */
interface ProvenPrefix {
  readonly x: RaftNode;
  readonly y: RaftNode;
  cutsX: number;
  cutsY: number;
  upto: number;
  /** The entries at `upto` in both logs when it was proven: a cut that bypassed logCuts and regrew the log shows there (undefined: compacted). */
  atX: Entry | undefined;
  atY: Entry | undefined;
}

/** The pair's proven prefix, brought up to date with the cuts since (undefined: logs without cut records, e.g. hand-built states). */
function provenPrefix(p: ProvenPrefix | undefined, x: RaftNode, y: RaftNode): ProvenPrefix | undefined {
  const cx = x.logCuts as readonly number[] | undefined;
  const cy = y.logCuts as readonly number[] | undefined;
  if (cx === undefined || cy === undefined) return undefined;
  if (p === undefined || p.x !== x || p.y !== y) return { x, y, cutsX: cx.length, cutsY: cy.length, upto: 0, atX: entryOf(x, 0), atY: entryOf(y, 0) };
  let upto = p.upto;
  // A log with no recorded cut since must still hold the same entry at upto (an append only
  // extends it), unless a snapshot compacted it (then the pair is compared from the boundary).
  const changedX = upto >= startOf(x) && entryOf(x, upto) !== p.atX;
  const changedY = upto >= startOf(y) && entryOf(y, upto) !== p.atY;
  if ((p.cutsX === cx.length && changedX) || (p.cutsY === cy.length && changedY)) upto = 0;
  // A cut to length L keeps entries 1..L-1.
  for (let i = p.cutsX; i < cx.length; i++) if (cx[i] - 1 < upto) upto = cx[i] - 1;
  for (let i = p.cutsY; i < cy.length; i++) if (cy[i] - 1 < upto) upto = cy[i] - 1;
  p.cutsX = cx.length;
  p.cutsY = cy.length;
  p.upto = Math.max(0, Math.min(upto, lastOf(x), lastOf(y)));
  return p;
}

export function compareLogs(view: View, a: NodeId, b: NodeId): string | undefined {
  const x = view.actor(a);
  const y = view.actor(b);
  if (x === undefined || y === undefined) return undefined;
  const got = compareLogsAbove(x, y, a, b, 0);
  return typeof got === 'string' ? got : undefined;
}

/**
 * Log matching between two logs of which entries 1..upto are known identical: only the
 * entries above are compared. The violation message (the same as a full comparison gives),
 * or the new length of the proven prefix.
 */
function compareLogsAbove(x: RaftNode, y: RaftNode, a: NodeId, b: NodeId, upto: number): string | number {
  const lx = x.log;
  const ly = y.log;
  // Only indices both still hold are compared: from the higher snapshot boundary up (the
  // boundary entry stands for a compacted one: its term counts, its identity does not).
  const sx = startOf(x);
  const sy = startOf(y);
  const lo = Math.max(sx, sy);
  // The highest index where both hold the same term: everything up to it must be identical.
  let m = Math.min(sx + lx.length, sy + ly.length) - 1;
  while (m > lo && lx[m - sx].term !== ly[m - sy].term) m--;
  // One log ends below the other's boundary: nothing both hold, nothing to compare. Else a
  // different term at the boundary: the logs may differ from there down.
  if (m < lo) return Math.max(upto, Math.min(m, upto));
  if (m > 0 && lx[m - sx].term !== ly[m - sy].term) m = lo - 1;
  const committed = Math.min(x.commitIndex, y.commitIndex);
  if (committed > m) {
    return `${nodeName(a)} and ${nodeName(b)} disagree at index ${m + 1}, below both commit indexes (${x.commitIndex}, ${y.commitIndex})`;
  }
  // Below upto both agree (so m >= upto): the highest difference, if any, is above it.
  for (let i = m; i > Math.max(upto, lo); i--) {
    const ex = lx[i - sx];
    const ey = ly[i - sy];
    if (ex === ey) continue;
    if (ex.term !== ey.term || ex.id !== ey.id) {
      return (
        `${nodeName(a)} and ${nodeName(b)} both hold term ${lx[m - sx].term} at index ${m} but differ at index ${i}: ` +
        `${ex.id} (term ${ex.term}) vs ${ey.id} (term ${ey.term})`
      );
    }
  }
  return Math.max(m, upto);
}
