// Campaign results as JSON lines, one per seed, in seed order: a shard's file, a resumed
// campaign's file and a whole campaign's file concatenate, and `faultline merge` turns
// any set of them into one summary. Lines carry no wall-clock data, so the same seeds
// give the same bytes whatever the worker count.
import { createHash } from 'node:crypto';
import { InputError } from '../scenario/errors.js';
import { canonicalJson } from '../sim/hash.js';
import { HISTORY_MAX_BYTES, readInputText } from '../scenario/read-input.js';
import type { SeedOutcome, SeedVerdict, ViolationRecord } from './execute.js';

export interface ResultLine {
  seed: string;
  hash: string;
  verdict: SeedVerdict;
  violations: ViolationRecord[];
  scenario: string;
  /** Bug variants in effect. */
  bugs: string[];
  /** faultline's version. */
  faultline: string;
  /** The failure file's name (in the same folder), failures only. */
  file?: string;
  /** Set when the per-seed `--timeout` stopped the run (undecided, hash empty: a cut-short run has no identity). */
  timedOut?: true;
  /**
   * A checksum of the line's other fields: a line damaged or edited since the campaign wrote
   * it does not match and is malformed, never a conflict (exit 4). Lines without one (older
   * files) are taken as written.
   */
  sum?: string;
}

export function resultLine(outcome: SeedOutcome, meta: { scenario: string; bugs: readonly string[]; version: string; file?: string }): ResultLine {
  const line: ResultLine = {
    seed: outcome.seed,
    hash: outcome.hash,
    verdict: outcome.verdict,
    // The stack stays in the failure file: a result line is one short line per seed.
    violations: outcome.violations.map(({ stack: _stack, ...v }) => v),
    scenario: meta.scenario,
    bugs: [...meta.bugs],
    faultline: meta.version,
  };
  if (meta.file !== undefined) line.file = meta.file;
  if (outcome.timedOut) line.timedOut = true;
  line.sum = lineSum(line);
  return line;
}

/** The checksum of a result line's fields other than `sum` (canonical JSON, so key order does not matter). */
export function lineSum(line: ResultLine): string {
  const { sum: _sum, ...rest } = line;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex').slice(0, 16);
}

export interface MergeSummary {
  files: number;
  /** Distinct runs (scenario, bugs, seed). */
  runs: number;
  /** Lines naming a run already seen with the same hash (overlapping shards or resumed campaigns). */
  duplicates: number;
  /** Lines that did not parse (a campaign killed mid-write leaves at most one per file). */
  malformed: Array<{ file: string; line: number }>;
  passed: number;
  failed: number;
  undecided: number;
  errors: number;
  failures: Array<{ seed: string; scenario: string; bugs: string[]; checkers: string[]; file?: string }>;
  /** The same run with two different hashes: non-determinism, or results of different versions. */
  conflicts: Array<{ seed: string; scenario: string; hashes: string[]; versions: string[] }>;
  byChecker: Record<string, number>;
  firstFailureSeed: string | null;
  scenarios: string[];
  versions: string[];
}

/** Numeric seeds in numeric order, then the others as strings. */
export function compareSeeds(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const VERDICTS: ReadonlySet<string> = new Set(['pass', 'fail', 'undecided', 'error']);

/** A line as campaigns write it; anything else (a hand-edited or damaged line) is malformed, never a crash later. */
function isResultLine(value: unknown): value is ResultLine {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const optionalString = (x: unknown) => x === undefined || typeof x === 'string';
  const violation = (x: unknown) => x !== null && typeof x === 'object' && typeof (x as Record<string, unknown>).checker === 'string' && typeof (x as Record<string, unknown>).kind === 'string';
  return (
    typeof v.seed === 'string' &&
    typeof v.hash === 'string' &&
    typeof v.verdict === 'string' &&
    VERDICTS.has(v.verdict) &&
    Array.isArray(v.violations) &&
    v.violations.every(violation) &&
    optionalString(v.scenario) &&
    optionalString(v.faultline) &&
    optionalString(v.file) &&
    (v.bugs === undefined || (Array.isArray(v.bugs) && v.bugs.every((b) => typeof b === 'string'))) &&
    (v.timedOut === undefined || v.timedOut === true) &&
    (v.sum === undefined || (typeof v.sum === 'string' && v.sum === lineSum(v as unknown as ResultLine)))
  );
}

/** Merge result files. Unreadable files are bad input; unparsable lines are counted, not fatal. */
export function mergeResults(paths: readonly string[]): { summary: MergeSummary; lines: ResultLine[] } {
  const byRun = new Map<string, ResultLine[]>();
  const malformed: MergeSummary['malformed'] = [];
  let duplicates = 0;
  for (const path of paths) {
    let text: string;
    try {
      text = readInputText(path, HISTORY_MAX_BYTES);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(path, undefined, undefined, `expected a readable results file (JSON lines from faultline fuzz) (${code === 'ENOENT' ? 'no such file' : (error as Error).message})`);
    }
    text.split('\n').forEach((raw, index) => {
      if (raw.trim() === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        malformed.push({ file: path, line: index + 1 });
        return;
      }
      if (!isResultLine(parsed)) {
        malformed.push({ file: path, line: index + 1 });
        return;
      }
      const key = JSON.stringify([parsed.scenario ?? '', [...(parsed.bugs ?? [])].sort(), parsed.seed]);
      const seen = byRun.get(key);
      if (seen === undefined) byRun.set(key, [parsed]);
      else if (isTimedOut(parsed) || seen.some((s) => s.hash === parsed.hash)) duplicates++;
      // A run cut short by --timeout has no hash to conflict with: the run that finished stands.
      else if (seen.length === 1 && isTimedOut(seen[0])) {
        seen[0] = parsed;
        duplicates++;
      }
      else seen.push(parsed);
    });
  }
  // Only garbage, or nothing at all, is not a passing campaign.
  if (byRun.size === 0 && paths.length > 0) {
    throw new InputError(paths.join(', '), undefined, undefined, `expected at least one result line (JSON lines from faultline fuzz); no line of ${paths.length === 1 ? 'the file' : 'these files'} is one${malformed.length > 0 ? ` (${malformed.length} malformed, first at ${malformed[0].file}:${malformed[0].line})` : ' (empty)'}`);
  }
  const summary: MergeSummary = {
    files: paths.length,
    runs: 0,
    duplicates,
    malformed,
    passed: 0,
    failed: 0,
    undecided: 0,
    errors: 0,
    failures: [],
    conflicts: [],
    // No prototype: a checker named __proto__ in a damaged line is only a name.
    byChecker: Object.create(null) as Record<string, number>,
    firstFailureSeed: null,
    scenarios: [],
    versions: [],
  };
  const scenarios = new Set<string>();
  const versions = new Set<string>();
  const lines: ResultLine[] = [];
  for (const group of byRun.values()) {
    const line = group[0];
    lines.push(line);
    summary.runs++;
    scenarios.add(line.scenario ?? '');
    for (const g of group) versions.add(g.faultline ?? '');
    if (group.length > 1) {
      summary.conflicts.push({ seed: line.seed, scenario: line.scenario, hashes: group.map((g) => g.hash), versions: [...new Set(group.map((g) => g.faultline))] });
    }
    if (line.verdict === 'pass') summary.passed++;
    else if (line.verdict === 'undecided') summary.undecided++;
    else {
      if (line.verdict === 'error') summary.errors++;
      else summary.failed++;
      const checkers = [...new Set(line.violations.map((v) => v.checker))];
      for (const c of checkers) summary.byChecker[c] = (summary.byChecker[c] ?? 0) + 1;
      const failure: MergeSummary['failures'][number] = { seed: line.seed, scenario: line.scenario, bugs: line.bugs ?? [], checkers };
      if (line.file !== undefined) failure.file = line.file;
      summary.failures.push(failure);
    }
  }
  lines.sort((a, b) => compareStrings(a.scenario ?? '', b.scenario ?? '') || compareSeeds(a.seed, b.seed));
  summary.failures.sort((a, b) => compareSeeds(a.seed, b.seed) || compareStrings(a.scenario, b.scenario));
  summary.firstFailureSeed = summary.failures[0]?.seed ?? null;
  summary.scenarios = [...scenarios].sort(compareStrings);
  summary.versions = [...versions].sort(compareStrings);
  return { summary, lines };
}

/** A line whose run the per-seed `--timeout` stopped (undecided, no hash). */
function isTimedOut(line: ResultLine): boolean {
  return line.timedOut === true || (line.verdict === 'undecided' && line.hash === '');
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
