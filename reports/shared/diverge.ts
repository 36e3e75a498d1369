// Where two runs part: the first trace row at which they differ, comparing what happened
// (kind, lane, label: a message type, a timer, a fault) and when. A shrunk scenario beside
// the failure it came from, or the same scenario with another seed, runs the same until
// one event; that event is the divergence.
import { KIND_NAMES, K, type ReportData, type ReportRun } from './data.js';

/** Rows that carry no event of their own (derived bookkeeping): skipped when comparing. */
const SKIPPED: ReadonlySet<number> = new Set([K.state, K.links, K.clock]);

function describe(run: ReportRun, r: number): string {
  const rows = run.rows;
  const lane = rows.lane[r] >= 0 ? (run.lanes[rows.lane[r]]?.name ?? `#${rows.lane[r]}`) : 'network';
  const label = rows.label[r] >= 0 ? run.strings[rows.label[r]] : '';
  return `${lane} ${KIND_NAMES[rows.kind[r]]}${label ? ` ${label}` : ''} at ${rows.t[r]} µs`;
}

function same(a: ReportRun, ra: number, b: ReportRun, rb: number): boolean {
  const x = a.rows;
  const y = b.rows;
  if (x.t[ra] !== y.t[rb] || x.kind[ra] !== y.kind[rb] || x.lane[ra] !== y.lane[rb] || x.peer[ra] !== y.peer[rb]) {
    return x.kind[ra] === K.history && y.kind[rb] === K.history && x.t[ra] === y.t[rb] && x.lane[ra] === y.lane[rb] && label(a, ra) === label(b, rb);
  }
  return label(a, ra) === label(b, rb);
}

const label = (run: ReportRun, r: number): string => (run.rows.label[r] >= 0 ? run.strings[run.rows.label[r]] : '');

/** The first rows (one per run) where `a` and `b` differ; undefined when one is a copy of the other. */
export function firstDivergence(a: ReportRun, b: ReportRun): ReportData['divergence'] {
  let ra = 0;
  let rb = 0;
  const na = a.rows.length;
  const nb = b.rows.length;
  for (;;) {
    while (ra < na && SKIPPED.has(a.rows.kind[ra])) ra++;
    while (rb < nb && SKIPPED.has(b.rows.kind[rb])) rb++;
    if (ra >= na || rb >= nb) break;
    if (!same(a, ra, b, rb)) {
      return { rows: [ra, rb], atUs: [a.rows.t[ra], b.rows.t[rb]], why: `${describe(a, ra)} / ${describe(b, rb)}` };
    }
    ra++;
    rb++;
  }
  if (ra >= na && rb >= nb) return undefined;
  const ended = ra >= na ? 'the first run ends' : 'the second run ends';
  const ca = Math.min(ra, na - 1);
  const cb = Math.min(rb, nb - 1);
  return { rows: [Math.max(ca, 0), Math.max(cb, 0)], atUs: [na > 0 ? a.rows.t[Math.max(ca, 0)] : 0, nb > 0 ? b.rows.t[Math.max(cb, 0)] : 0], why: `${ended} here; the other goes on (${ra < na ? describe(a, ra) : describe(b, rb)})` };
}
