// faultline fuzz <scenario> [--seeds N | --duration 60s] [--from-seed S] [--workers K]
//   [--shard K/N] [--bug NAME]... [--out DIR] [--json] [--check-determinism] [--no-swarm]
//   [--max-failures N] [--guided] [--report] [--timeout D]
// The flags, the campaign with its progress display, the summary and the exit code; the
// campaign itself (explore/campaign.ts) is loaded only when the command runs.
import chalk from 'chalk';
import { availableParallelism } from 'node:os';
import { commandHeads } from './heads.js';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { CampaignOptions, CampaignSummary } from '../../explore/campaign.js';
import { DETERMINISM_EVERY, parseShard, plannedSeeds } from '../../explore/seeds.js';
import { ExitCode, InputError } from '../../scenario/errors.js';
import { displayPath } from '../../scenario/registry.js';
import { shellQuote } from '../../scenario/shell.js';
import { formatDuration, parseDuration } from '../../scenario/units.js';
import { io } from '../io.js';
import { isInteractive, Progress } from '../progress.js';

export interface FuzzArgs {
  scenario: string;
  seeds?: number;
  duration?: string;
  'from-seed'?: number;
  workers?: number;
  shard?: string;
  bug?: string[];
  out?: string;
  json?: boolean;
  'check-determinism'?: boolean;
  swarm?: boolean;
  'max-failures'?: number;
  guided?: boolean;
  report?: boolean;
  timeout?: string;
}

export const DEFAULT_SEEDS = 1000;
export const DEFAULT_FAILURES_DIR = '.faultline/failures';

export const fuzzCommand: CommandModule<object, FuzzArgs> = {
  ...commandHeads.fuzz,
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (YAML), usually one with a nemesis' })
      .option('seeds', { type: 'number', requiresArg: true, describe: `How many seeds (default ${DEFAULT_SEEDS} unless --duration)` })
      .option('duration', { type: 'string', requiresArg: true, describe: 'Run seeds for this long instead, like 60s or 10m' })
      .option('from-seed', { type: 'number', requiresArg: true, default: 0, describe: 'First seed (seeds are from-seed, from-seed+1, ...): resume a killed campaign here' })
      .option('workers', { type: 'number', requiresArg: true, describe: 'Worker threads (default: every core); 1 runs in this thread' })
      .option('shard', { type: 'string', requiresArg: true, describe: 'K/N: only seeds s with s mod N = K (K from 0), for CI matrices and indexed jobs' })
      .option('bug', { type: 'string', array: true, nargs: 1, describe: "Enable a bug variant on top of the scenario's (repeatable)" })
      .option('out', { type: 'string', requiresArg: true, default: DEFAULT_FAILURES_DIR, describe: 'Folder for failure files and results.jsonl' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON summary object on stdout' })
      .option('check-determinism', { type: 'boolean', default: false, describe: `Run every seed twice and compare hashes (default: one seed in ${DETERMINISM_EVERY})` })
      .option('max-failures', { type: 'number', requiresArg: true, describe: 'Stop after this many failing seeds (seeds in flight finish)' })
      .option('swarm', { type: 'boolean', default: true, describe: 'Draw fault knobs per seed within the scenario bounds (--no-swarm: the scenario as written)' })
      .option('guided', { type: 'boolean', default: false, describe: 'Coverage-guided: spend most runs on mutants of the runs that reached new protocol states' })
      .option('report', { type: 'boolean', default: false, describe: 'Write an HTML trace report beside each failure file (<failure>.report.html)' })
      .option('timeout', { type: 'string', requiresArg: true, describe: 'Wall-clock limit of each seed, like 10s: a seed out of time is undecided (counted, exit 3), never a failure' })
      .example('$0 fuzz scenarios/raft/nemesis.yaml --seeds 10000', '')
      .example('$0 fuzz scenarios/raft/nemesis.yaml --bug figure-8 --duration 60s', '')
      .example('$0 fuzz scenarios/raft/nemesis.yaml --bug volatile-vote --guided --seeds 1000', '')
      .example('$0 fuzz scenarios/raft/nemesis.yaml --seeds 100000 --shard 3/8 --out out/shard-3', '') as unknown as Argv<FuzzArgs>,
  handler: async (args: ArgumentsCamelCase<FuzzArgs>) => {
    process.exitCode = await fuzzHandler(args);
  },
};

export interface FuzzDeps {
  /** Where progress goes (default: stderr). */
  progress?: { write(text: string): void; isTTY?: boolean; columns?: number };
  env?: NodeJS.ProcessEnv;
  /** Abort the campaign (tests); Ctrl-C and SIGTERM do the same. */
  signal?: AbortSignal;
}

/** At most this many workers per core: more only costs memory (each worker holds a kernel). */
export const WORKERS_PER_CORE = 4;

export function campaignOptions(args: FuzzArgs, warn: (line: string) => void = (line) => io.err(line), cores = availableParallelism()): CampaignOptions {
  let durationMs: number | undefined;
  if (args.duration !== undefined) {
    const parsed = parseDuration(args.duration);
    if (!parsed.ok || parsed.value === 0) throw new InputError('--duration', undefined, undefined, `expected ${parsed.ok ? 'a duration above zero' : parsed.error}`);
    durationMs = Math.max(1, Math.round(parsed.value / 1000));
  }
  if (args.seeds !== undefined && args.duration !== undefined) throw new InputError('--seeds', undefined, undefined, 'expected either --seeds or --duration, not both');
  const integer = (flag: string, value: number | undefined, min: number) => {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) throw new InputError(flag, undefined, undefined, `expected an integer of at least ${min} (got ${value})`);
    return value;
  };
  const seeds = integer('--seeds', args.seeds, 1) ?? (durationMs === undefined ? DEFAULT_SEEDS : undefined);
  const fromSeed = integer('--from-seed', args['from-seed'], 0) ?? 0;
  // Seeds are exact integers: past 2^53-1 they would repeat (s + 1 === s) and the campaign never end.
  if (fromSeed > Number.MAX_SAFE_INTEGER - (seeds ?? 1) + 1) {
    const flag = args.seeds !== undefined ? '--seeds' : '--from-seed';
    throw new InputError(flag, undefined, undefined, `expected seeds of at most ${Number.MAX_SAFE_INTEGER} (2^53-1): --from-seed ${fromSeed} with ${seeds ?? 1} seed${seeds === 1 ? '' : 's'} ends past it`);
  }
  let workers = integer('--workers', args.workers, 1) ?? cores;
  const maxWorkers = WORKERS_PER_CORE * cores;
  if (workers > maxWorkers) {
    warn(`warning: --workers ${workers} is more than ${WORKERS_PER_CORE} per core (${cores} core${cores === 1 ? '' : 's'}): using ${maxWorkers}`);
    workers = maxWorkers;
  }
  return {
    scenarioPath: args.scenario,
    bugs: args.bug ?? [],
    seeds,
    durationMs,
    fromSeed,
    workers,
    shard: args.shard !== undefined ? parseShard(args.shard) : undefined,
    outDir: args.out ?? DEFAULT_FAILURES_DIR,
    swarm: args.swarm ?? true,
    checkDeterminism: args['check-determinism'] ? 'all' : 'sample',
    maxFailures: integer('--max-failures', args['max-failures'], 1),
    guided: args.guided ?? false,
    ...(args.timeout !== undefined ? { timeoutMs: parseTimeoutFlag(args.timeout) } : {}),
  };
}

/** `--timeout 10s` (fuzz: per seed; replay: the run): a wall-clock duration above zero, in milliseconds. */
export function parseTimeoutFlag(text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new InputError('--timeout', undefined, undefined, `expected ${parsed.error}`);
  if (parsed.value === 0) throw new InputError('--timeout', undefined, undefined, 'expected a duration above zero, like 10s (got 0)');
  return parsed.value / 1_000;
}

export async function fuzzHandler(args: FuzzArgs, deps: FuzzDeps = {}): Promise<ExitCode> {
  const options = campaignOptions(args);
  // Loaded lazily: the campaign, the kernel and the checkers are needed only once there is something to run.
  const { runCampaign } = await import('../../explore/campaign.js');
  const sink = deps.progress ?? process.stderr;
  const progress = new Progress(sink, {
    tty: isInteractive(sink, deps.env ?? process.env),
    total: plannedSeeds(options),
    deadlineMs: options.durationMs !== undefined ? performance.now() + options.durationMs : undefined,
    intervalMs: 5_000,
    columns: sink.columns,
  });
  const controller = new AbortController();
  // Ctrl-C and SIGTERM (kill, a CI timeout, docker stop) both stop the campaign with its summary and resume line.
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  deps.signal?.addEventListener('abort', onSigint, { once: true });
  let last: { done: number; failures: number; coverage?: number } = { done: 0, failures: 0 };
  const ticker = setInterval(() => progress.update(last), 1_000);
  ticker.unref();
  const range = options.seeds !== undefined ? `seeds ${options.fromSeed}..${options.fromSeed + options.seeds - 1}` : `seeds from ${options.fromSeed} for ${args.duration}`;
  const shard = options.shard ? ` (shard ${options.shard.index}/${options.shard.count})` : '';
  sink.write(`fuzz: ${displayPath(options.scenarioPath)} · ${range}${shard} · ${options.workers} worker${options.workers === 1 ? '' : 's'} · out ${options.outDir}\n`);
  let summary: CampaignSummary;
  try {
    summary = await runCampaign({
      ...options,
      signal: controller.signal,
      onProgress: (state) => {
        last = state;
        progress.update(state);
      },
      onLog: (line) => progress.log(line),
    });
  } finally {
    clearInterval(ticker);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  progress.finish(last);

  const reports = args.report ? await writeFailureReports(summary, (line) => sink.write(`${line}\n`)) : [];
  const resume = summary.interrupted ? resumeCommand(args, options, summary) : undefined;
  if (args.json) io.out(JSON.stringify({ ...summaryJson(summary, resume), ...(args.report ? { reports: reports.map((r) => displayPath(r)) } : {}) }));
  else {
    for (const line of summaryLines(summary, options, resume)) io.out(line);
    if (args.report) io.out(reports.length > 0 ? `reports: ${reports.length} written beside the failure files (${displayPath(reports[0])}${reports.length > 1 ? ', ...' : ''})` : 'reports: none (no failure to report)');
  }
  return exitCode(summary);
}

/** One HTML report per failing seed, beside its failure file (replayed at the full level). Internal errors get none. */
async function writeFailureReports(summary: CampaignSummary, log: (line: string) => void): Promise<string[]> {
  const { replayForReport, reportPathFor } = await import('../../reports/sources.js');
  const { writeReport } = await import('../../reports/write-report.js');
  const written: string[] = [];
  for (const f of summary.failures) {
    if (f.error) continue;
    const { source } = await replayForReport(f.file);
    const path = reportPathFor(f.file);
    await writeReport(path, [source]);
    written.push(path);
    log(`report: ${displayPath(path)}`);
  }
  return written;
}

export function exitCode(summary: CampaignSummary): ExitCode {
  if (summary.determinism.mismatches.length > 0 || summary.errors > 0) return ExitCode.internalError;
  if (summary.failures.length > 0) return ExitCode.checkFailed;
  if (summary.undecided > 0 || summary.interrupted) return ExitCode.undecided;
  return ExitCode.pass;
}

export function summaryJson(s: CampaignSummary, resume?: string) {
  return {
    runs: s.runs,
    failures: s.failures.map((f) => ({ seed: f.seed, violations: f.violations, replay: f.replay, file: displayPath(f.file), ...(f.error ? { error: f.error } : {}) })),
    seedsPerSecond: Math.round(s.seedsPerSecond * 10) / 10,
    firstFailureSeed: s.firstFailureSeed,
    undecided: s.undecided,
    timedOut: s.timedOut,
    errors: s.errors,
    determinism: { checked: s.determinism.checked, mismatches: s.determinism.mismatches.map((m) => ({ seed: m.seed, text: m.text, file: displayPath(m.file) })) },
    interrupted: s.interrupted,
    stoppedEarly: s.stoppedEarly,
    nextSeed: s.nextSeed,
    ...(resume ? { resume } : {}),
    resultsFile: displayPath(s.resultsFile),
    workers: s.workers,
    elapsedMs: Math.round(s.elapsedMs),
    ...(s.coverage ? { coverage: s.coverage } : {}),
  };
}

function summaryLines(s: CampaignSummary, o: CampaignOptions, resume: string | undefined): string[] {
  const lines: string[] = [];
  const verdict = s.determinism.mismatches.length > 0 || s.errors > 0 ? chalk.bold.red('INTERNAL ERROR') : s.failures.length > 0 ? chalk.bold.red('FAIL') : s.interrupted || s.undecided > 0 ? chalk.bold.yellow(s.interrupted ? 'INTERRUPTED' : 'UNDECIDED') : chalk.bold.green('PASS');
  const bugs = s.bugs.length > 0 ? ` · bugs ${s.bugs.join(', ')}` : '';
  lines.push(`${verdict}  ${displayPath(s.scenario)} · ${s.protocol}${bugs}${o.swarm ? ' · swarm' : ''}${o.guided ? ' · guided' : ''}`);
  lines.push(`  ${s.runs} seeds in ${formatDuration(Math.round(s.elapsedMs) * 1000)} (${s.seedsPerSecond.toFixed(1)} seeds/s, ${s.workers} worker${s.workers === 1 ? '' : 's'}) · ${s.failures.length} failing · ${s.undecided} undecided${s.timedOut > 0 ? ` (${s.timedOut} out of time)` : ''} · determinism checked on ${s.determinism.checked}`);
  if (s.coverage) lines.push(`  coverage: ${s.coverage.keys} states and transitions · corpus ${s.coverage.corpus} runs`);
  for (const f of s.failures.slice(0, 20)) {
    const what = f.error ? `internal error: ${f.error}` : f.violations.map((v) => `${v.checker} (${v.kind})`).join(', ');
    lines.push(`  ${chalk.red('✗')} seed ${f.seed} · ${what}`);
    lines.push(`    ${f.replay}`);
  }
  if (s.failures.length > 20) lines.push(`  ... and ${s.failures.length - 20} more in ${displayPath(s.resultsFile)}`);
  for (const m of s.determinism.mismatches) lines.push(chalk.red(`  internal error: not deterministic: ${m.text}`));
  if (s.firstFailureSeed !== null) lines.push(`first failing seed: ${s.firstFailureSeed}`);
  lines.push(`results: ${displayPath(s.resultsFile)}`);
  if (resume) lines.push(chalk.yellow(`interrupted: every seed below ${s.nextSeed} is done; resume with: ${resume}`));
  if (s.stoppedEarly) lines.push(`stopped after ${s.failures.length} failing seed${s.failures.length === 1 ? '' : 's'} (--max-failures); seeds below ${s.nextSeed} are done`);
  return lines;
}

/** The command that continues an interrupted campaign where its contiguous results end. */
export function resumeCommand(args: FuzzArgs, o: CampaignOptions, s: CampaignSummary): string {
  const parts = ['faultline', 'fuzz', shellQuote(o.scenarioPath)];
  if (o.seeds !== undefined) parts.push('--seeds', String(o.fromSeed + o.seeds - s.nextSeed));
  else if (args.duration !== undefined) parts.push('--duration', shellQuote(args.duration));
  parts.push('--from-seed', String(s.nextSeed));
  if (o.shard) parts.push('--shard', `${o.shard.index}/${o.shard.count}`);
  for (const b of o.bugs) parts.push('--bug', shellQuote(b));
  if (o.outDir !== DEFAULT_FAILURES_DIR) parts.push('--out', shellQuote(o.outDir));
  if (args.workers !== undefined) parts.push('--workers', String(args.workers));
  if (!o.swarm) parts.push('--no-swarm');
  if (o.maxFailures !== undefined) parts.push('--max-failures', String(o.maxFailures));
  if (o.checkDeterminism === 'all') parts.push('--check-determinism');
  if (o.guided) parts.push('--guided');
  if (args.report) parts.push('--report');
  if (args.timeout !== undefined) parts.push('--timeout', shellQuote(args.timeout));
  return parts.join(' ');
}
