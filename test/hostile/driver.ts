// Runs a hostile corpus through the real CLI and judges every outcome. Cases run in a child
// process through the CLI's main() (one process start for many cases), watched from here:
// a case that overruns its time limit is a hang, the child is killed and a fresh one goes
// on with the next case. A sample of cases also runs as a process of its own (the dev
// entry through tsx, as a user runs it). The rule for every case: it ends within
// CASE_LIMIT_MS with exit 0, 1, 2 or 3, never 4, never a signal, never a stack trace or a
// runtime warning on stderr, and an exit-2 error names the file (and, for line-structured
// input, the line).
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handMade, mutants, type HostileCase, type SourceFile } from './corpus.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./runner-child.ts', import.meta.url));
const ENTRY = fileURLToPath(new URL('../cli/helpers/entry.ts', import.meta.url));

/** Every case ends within this (the rule). */
export const CASE_LIMIT_MS = 10_000;

export interface ManifestCase {
  id: string;
  argv: string[];
  file: string;
  structured: boolean;
}
export interface Manifest {
  cases: ManifestCase[];
}

export type ChildMessage =
  | { type: 'start'; index: number }
  | { type: 'done'; index: number; code: number; ms: number; stdout: string; stderr: string; warnings: string[]; thrown?: string }
  | { type: 'finished' };

export interface CaseOutcome {
  id: string;
  file: string;
  argv: string[];
  /** null: killed (a hang). */
  code: number | null;
  ms: number;
  stderr: string;
  warnings: string[];
  mode: 'in-process' | 'spawned';
  problems: string[];
}

// ---------------------------------------------------------------------------------------
// Sources.

/** The register, Jepsen log and faultline JSON histories the fixtures do not have as files. */
const INLINE_HISTORIES: SourceFile[] = [
  { name: 'inline/register.edn', kind: 'history', checkArgs: ['--model', 'register'], text: '[{:process 0 :type :invoke :f :write :value 1}\n {:process 0 :type :ok :f :write :value 1}\n {:process 1 :type :invoke :f :read :value nil}\n {:process 1 :type :ok :f :read :value 1}\n {:process 2 :type :invoke :f :cas :value [1 2]}\n {:process 2 :type :info :f :cas :value [1 2]}]\n' },
  { name: 'inline/jepsen.log', kind: 'history', checkArgs: ['--format', 'jepsen-log'], text: 'INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t1\nINFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:ok\t:read\t1\nINFO  jepsen.util - 2\t:invoke\t:cas\t[1 3]\nINFO  jepsen.util - 2\t:fail\t:cas\t[1 3]\n' },
  { name: 'inline/history.json', kind: 'history', checkArgs: ['--model', 'register'], text: '[\n{"index":0,"process":0,"type":"invoke","f":"write","value":1,"timeUs":0},\n{"index":1,"process":0,"type":"ok","f":"write","value":1,"timeUs":10},\n{"index":2,"process":1,"type":"invoke","f":"read","timeUs":20},\n{"index":3,"process":1,"type":"ok","f":"read","value":1,"timeUs":30}\n]\n' },
];

const HISTORY_FIXTURES: Array<[string, string[]]> = [
  ['test/fixtures/histories/porcupine-kv/c01-ok.txt', ['--model', 'kv']],
  ['test/fixtures/histories/porcupine-kv/c01-bad.txt', ['--model', 'kv']],
  ['test/fixtures/histories/porcupine-kv/c10-ok.txt', ['--model', 'kv']],
  ['test/fixtures/list-append/jepsen-valid.edn', ['--model', 'list-append']],
  ['test/fixtures/list-append/jepsen-g-single.edn', ['--model', 'list-append']],
  ['test/fixtures/bank/ok.edn', ['--model', 'bank']],
  ['test/fixtures/bank/wrong-total.edn', ['--model', 'bank']],
  ['test/fixtures/atomicity/ok.jsonl', ['--model', 'atomicity']],
  ['test/fixtures/atomicity/split.jsonl', ['--model', 'atomicity']],
];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * A real campaign's failure files and results: `fuzz` of a shipped scenario with a bug
 * (Raft's volatile-vote), stopped after two failures. Run once per corpus, as a process.
 */
export function campaignSources(scratch: string): SourceFile[] {
  const out = join(scratch, 'campaign');
  const r = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, 'fuzz', 'scenarios/raft/volatile-vote.yaml', '--seeds', '200', '--workers', '1', '--max-failures', '2', '--out', out], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000 });
  if (r.status !== 1) throw new Error(`the source campaign should find a failure (exit 1), got ${r.status}: ${r.stderr}`);
  const files = readdirSync(out).filter((f) => f.endsWith('.json'));
  return [
    ...files.map((f): SourceFile => ({ name: `campaign/${f}`, kind: 'failure', text: readFileSync(join(out, f), 'utf8') })),
    { name: 'campaign/results.jsonl', kind: 'results', text: readFileSync(join(out, 'results.jsonl'), 'utf8') },
  ];
}

export function repositorySources(): SourceFile[] {
  const scenarios = walk(join(ROOT, 'scenarios'))
    .filter((p) => p.endsWith('.yaml'))
    .sort()
    .map((p): SourceFile => ({ name: relative(ROOT, p), kind: 'scenario', text: readFileSync(p, 'utf8') }));
  const histories = HISTORY_FIXTURES.map(([p, checkArgs]): SourceFile => ({ name: p, kind: 'history', text: readFileSync(join(ROOT, p), 'utf8'), checkArgs }));
  return [...scenarios, ...histories, ...INLINE_HISTORIES];
}

/** The corpus: `count` seeded mutants, then (optionally) every hand-made case. */
export function buildCorpus(seed: string, sources: readonly SourceFile[], count: number, options: { handMade?: boolean } = {}): HostileCase[] {
  return [...mutants(seed, sources, count), ...(options.handMade === false ? [] : handMade(sources))];
}

// ---------------------------------------------------------------------------------------
// Running.

function materialise(cases: readonly HostileCase[], scratch: string): ManifestCase[] {
  mkdirSync(join(scratch, 'cases'), { recursive: true });
  mkdirSync(join(scratch, 'out'), { recursive: true });
  return cases.map((c, i) => {
    const file = join(scratch, 'cases', `c${i}.${c.ext}`);
    writeFileSync(file, c.bytes);
    const out = join(scratch, 'out', `c${i}.out`);
    return { id: c.id, argv: c.argv.map((a) => (a === '{file}' ? file : a === '{out}' ? out : a)), file, structured: c.structured };
  });
}

/** Run every case in-process in a watched child; `onOutcome` hears each as it ends. */
export async function runInProcess(cases: readonly HostileCase[], scratch: string, onOutcome?: (o: CaseOutcome) => void): Promise<CaseOutcome[]> {
  const manifestCases = materialise(cases, scratch);
  const manifestPath = join(scratch, 'manifest.json');
  writeFileSync(manifestPath, JSON.stringify({ cases: manifestCases } satisfies Manifest));
  const outcomes: CaseOutcome[] = [];
  let next = 0;
  while (next < manifestCases.length) {
    next = await new Promise<number>((resolve) => {
      const child = fork(CHILD, [manifestPath, String(next)], { cwd: ROOT, execArgv: ['--import', 'tsx'], env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let childStderr = '';
      child.stderr?.on('data', (d) => (childStderr = (childStderr + String(d)).slice(-4000)));
      let current = next;
      let startedAt = performance.now();
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (resume: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve(resume);
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          const c = manifestCases[current];
          const o: CaseOutcome = { id: c.id, file: c.file, argv: c.argv, code: null, ms: performance.now() - startedAt, stderr: childStderr, warnings: [], mode: 'in-process', problems: [`hang: no end within ${CASE_LIMIT_MS} ms (killed)`] };
          outcomes.push(o);
          onOutcome?.(o);
          finish(current + 1);
        }, CASE_LIMIT_MS + 2_000);
      };
      child.on('message', (m: ChildMessage) => {
        if (m.type === 'start') {
          current = m.index;
          startedAt = performance.now();
          arm();
        } else if (m.type === 'done') {
          const c = manifestCases[m.index];
          const o: CaseOutcome = { id: c.id, file: c.file, argv: c.argv, code: m.code, ms: m.ms, stderr: m.stderr, warnings: m.warnings, mode: 'in-process', problems: [] };
          o.problems = judge(c, o, m.thrown);
          outcomes.push(o);
          onOutcome?.(o);
          clearTimeout(timer);
        } else finish(manifestCases.length);
      });
      child.on('exit', (code, signal) => {
        if (settled) return;
        // The child died in the middle of a case (a crash of the process itself): that case is the culprit.
        const c = manifestCases[current];
        const done = outcomes.some((o) => o.id === c.id);
        if (!done) {
          const o: CaseOutcome = { id: c.id, file: c.file, argv: c.argv, code: code ?? null, ms: performance.now() - startedAt, stderr: childStderr, warnings: [], mode: 'in-process', problems: [`the process died (exit ${code}, signal ${signal})`] };
          outcomes.push(o);
          onOutcome?.(o);
        }
        finish(done ? current + 1 : current + 1);
      });
    });
  }
  return outcomes;
}

/** Run one case as its own process (the dev entry through tsx), killed at the limit plus start-up time. */
export function runSpawned(c: HostileCase, index: number, scratch: string): CaseOutcome {
  const [m] = materialise([c], join(scratch, `spawned-${index}`));
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...m.argv], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: CASE_LIMIT_MS + 3_000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  const o: CaseOutcome = { id: c.id, file: m.file, argv: m.argv, code: r.status, ms, stderr: r.stderr ?? '', warnings: [], mode: 'spawned', problems: [] };
  if (r.signal !== null) o.problems.push(`ended by signal ${r.signal}${ms >= CASE_LIMIT_MS ? ' (a hang: killed at the limit)' : ''}`);
  else o.problems = judge(m, o);
  return o;
}

// ---------------------------------------------------------------------------------------
// Judging.

/** Exit-2 reasons about a whole file, not a place in it: no line to name. */
const WHOLE_FILE = [
  /expected a regular file/,
  /expected a readable/,
  /at most \d+ MiB/,
  /the file is empty/,
  /no line parsed/,
  /at least one operation/,
  /at least one result line/,
  /expected a failure file/,
  /expected knobs|knobs\./,
  /is not valid UTF-8/,
  /--[a-z-]+: /,
];

export function judge(c: ManifestCase, o: CaseOutcome, thrown?: string): string[] {
  const problems: string[] = [];
  if (thrown !== undefined) problems.push(`main() threw: ${thrown.split('\n')[0]}`);
  if (o.code === null) problems.push('no exit code');
  else if (![0, 1, 2, 3].includes(o.code)) problems.push(`exit ${o.code}${o.code === 4 ? ' (internal error)' : ''}: ${firstLine(o.stderr)}`);
  if (o.ms > CASE_LIMIT_MS && o.mode === 'in-process') problems.push(`took ${Math.round(o.ms)} ms (limit ${CASE_LIMIT_MS})`);
  if (/^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>)$/m.test(o.stderr)) problems.push(`a stack trace on stderr: ${firstLine(o.stderr)}`);
  if (/\(node:\d+\) \w*Warning/.test(o.stderr) || o.warnings.length > 0) problems.push(`a runtime warning: ${o.warnings[0] ?? firstLine(o.stderr)}`);
  if (o.code === 2) {
    const err = o.stderr;
    if (!err.includes(c.file)) problems.push(`exit 2 without naming the file: ${firstLine(err)}`);
    else if (c.structured && !new RegExp(`${escape(c.file)}:\\d+`).test(err) && !WHOLE_FILE.some((p) => p.test(err))) problems.push(`exit 2 without a line: ${firstLine(err)}`);
  }
  return problems;
}

/**
 * Classes of failure the corpus finds that are known and listed, not fixed here because the
 * code is not ours to change: the outcome still counts, as `known`, not as a new failure.
 */
export function knownClass(_o: CaseOutcome): string | undefined {
  // None now. The one listed before (the Jepsen log line pattern, super-linear on one very
  // long line) was fixed in checkers/linearizability/parse/history-formats.ts.
  return undefined;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Figures for a report: cases, exit codes, time per case. */
export function figures(outcomes: readonly CaseOutcome[]): { cases: number; byExit: Record<string, number>; meanMs: number; p99Ms: number; maxMs: number; slowest: string; failing: number; known: number } {
  const byExit: Record<string, number> = {};
  for (const o of outcomes) byExit[String(o.code)] = (byExit[String(o.code)] ?? 0) + 1;
  const times = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const slowest = outcomes.reduce((a, b) => (b.ms > a.ms ? b : a), outcomes[0]);
  return {
    cases: outcomes.length,
    byExit,
    meanMs: Math.round(times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)),
    p99Ms: Math.round(times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0),
    maxMs: Math.round(times[times.length - 1] ?? 0),
    slowest: slowest?.id ?? '',
    failing: outcomes.filter((o) => o.problems.length > 0 && knownClass(o) === undefined).length,
    known: outcomes.filter((o) => o.problems.length > 0 && knownClass(o) !== undefined).length,
  };
}
