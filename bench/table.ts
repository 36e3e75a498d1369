// The one shape every bench returns, and the summary table `npm run bench` prints at the
// end (bench/run-all.ts). A bench keeps printing its own lines; its `main()` also returns
// `BenchRow[]`, one row per figure. run-all.ts adds which step produced the row and that
// step's peak memory, judges each goal, prints the table and, with `--json FILE` (or
// BENCH_JSON=FILE), writes it as JSON so a session can compare two runs.
// Figures only: a goal that is not met is printed as such, never asserted.

/** A goal on one figure: `figure op value`, e.g. { op: '<=', value: 4, text: 'fuzz ÷ bare ≤ 4×' }. */
export interface BenchGoal {
  op: '<' | '<=' | '>' | '>=';
  value: number;
  /** How the table shows it, with its unit: `≤ 4×`, `< 150 ms`, `≥ 1.8× with 2 workers`. */
  text: string;
}

/** One figure. `figure: null` is a figure that this run could not give (the note says why). */
export interface BenchRow {
  /** What was measured, unique within its bench: `raft/nemesis.yaml fuzz`, `c01-ok parse+check cold`. */
  name: string;
  figure: number | null;
  /** ns/event, ms, seeds/s, ×, MB, events/s... */
  unit: string;
  goal?: BenchGoal;
  /** Anything a reader needs beside the number: sample size, how it was timed, where a reference figure came from. */
  note?: string;
}

/** A row as run-all.ts keeps it: with the bench step that produced it and that step's own peak RSS. */
export interface TableRow extends BenchRow {
  bench: string;
  /** process.resourceUsage().maxRSS of the child process that ran this step, in MB. */
  peakRssMb: number | null;
  /** 'met' / 'not met' when there is a goal and a figure; undefined otherwise. */
  status?: 'met' | 'not met';
  /** With `--compare OLD.json`: the same row's figure in that run (null: absent or no figure there). */
  before?: number | null;
}

/** One bench step as run: its own child process, so its peak RSS is its own. */
export interface StepResult {
  bench: string;
  ok: boolean;
  /** The error's first line when the step threw or its process failed. */
  error?: string;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number | null;
  rows: BenchRow[];
}

/** The JSON file written by `--json FILE` / BENCH_JSON. */
export interface BenchReport {
  schema: 1;
  smoke: boolean;
  node: string;
  platform: string;
  cpus: number;
  /** When the run started (ISO 8601): benches may read the wall clock. */
  startedAt: string;
  commit: string | null;
  steps: StepResult[];
  rows: TableRow[];
}

/** True for `npm run bench -- --smoke` or BENCH_SMOKE=1: every bench at tiny sizes (CI). run-all.ts passes it to its children as BENCH_SMOKE=1. */
/** The median (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function isSmoke(): boolean {
  return process.env.BENCH_SMOKE === '1' || process.argv.includes('--smoke');
}

/** `full` normally, `smoke` in a smoke run. */
export function sized<T>(full: T, smoke: T): T {
  return isSmoke() ? smoke : full;
}

export function goal(op: BenchGoal['op'], value: number, text: string): BenchGoal {
  return { op, value, text };
}

export function judge(row: BenchRow): 'met' | 'not met' | undefined {
  if (row.goal === undefined || row.figure === null || !Number.isFinite(row.figure)) return undefined;
  const { op, value } = row.goal;
  const f = row.figure;
  const met = op === '<' ? f < value : op === '<=' ? f <= value : op === '>' ? f > value : f >= value;
  return met ? 'met' : 'not met';
}

/** A figure with as many digits as it deserves: 3 significant ones below 100, integers above. */
export function formatFigure(figure: number | null): string {
  if (figure === null || !Number.isFinite(figure)) return '—';
  const a = Math.abs(figure);
  if (a >= 100) return Math.round(figure).toLocaleString('en-US');
  if (a >= 10) return figure.toFixed(1);
  if (a >= 1) return figure.toFixed(2);
  if (a === 0) return '0';
  return figure.toPrecision(2);
}

/** The figure of each row of an earlier report, by bench and name, to compare with (`--compare OLD.json`). */
export function figuresOf(report: unknown): Map<string, number | null> {
  const figures = new Map<string, number | null>();
  const rows = (report as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) return figures;
  for (const r of rows as Array<Partial<TableRow> | null>) {
    if (typeof r?.bench === 'string' && typeof r.name === 'string') figures.set(rowKey(r as TableRow), typeof r.figure === 'number' ? r.figure : null);
  }
  return figures;
}

export const rowKey = (r: Pick<TableRow, 'bench' | 'name'>) => `${r.bench}\u0000${r.name}`;

/** `now ÷ before` as text (×1.05), or '' when either is missing. */
function versus(r: TableRow): string {
  if (r.before === undefined) return '';
  if (r.before === null || r.figure === null || r.before === 0) return '—';
  return `${formatFigure(r.before)} (×${(r.figure / r.before).toFixed(2)})`;
}

/** The summary table as lines of text: bench, figure, unit, goal, status, peak RSS, [before,] note. */
export function formatTable(rows: readonly TableRow[]): string[] {
  const compare = rows.some((r) => r.before !== undefined);
  const cells = rows.map((r) => [
    r.bench,
    r.name,
    formatFigure(r.figure),
    r.unit,
    r.goal?.text ?? '',
    r.status === undefined ? '' : `${r.status} (${formatFigure(r.figure)})`,
    r.peakRssMb === null ? '—' : r.peakRssMb.toFixed(0),
    ...(compare ? [versus(r)] : []),
    r.note ?? '',
  ]);
  const header = ['bench', 'figure', 'value', 'unit', 'goal', 'status', 'peak MB', ...(compare ? ['before (now ÷ before)'] : []), 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  // The note is last and not padded; the value and the peak are right-aligned.
  const line = (c: readonly string[]) =>
    c
      .map((x, i) => (i === c.length - 1 ? x : i === 2 || i === 6 ? x.padStart(widths[i]) : x.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
}

/** Read a bench's return value defensively: an array of BenchRow-shaped objects, else nothing. */
export function asRows(value: unknown): BenchRow[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const rows = value.filter(
    (r): r is BenchRow =>
      typeof r === 'object' && r !== null && typeof (r as BenchRow).name === 'string' && typeof (r as BenchRow).unit === 'string' && ((r as BenchRow).figure === null || typeof (r as BenchRow).figure === 'number'),
  );
  return rows.length === value.length ? rows : undefined;
}
