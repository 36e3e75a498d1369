// The fuzz command's work (loaded only when the command runs): options from flags, the
// campaign with its progress display, the summary, the exit code.
import chalk from 'chalk';
import { availableParallelism } from 'node:os';
import { runCampaign, type CampaignOptions, type CampaignSummary } from '../../explore/campaign.js';
import { parseShard, plannedSeeds } from '../../explore/seeds.js';
import { ExitCode, InputError } from '../../scenario/errors.js';
import { displayPath } from '../../scenario/registry.js';
import { shellQuote } from '../../scenario/shell.js';
import { formatDuration, parseDuration } from '../../scenario/units.js';
import type { FuzzArgs } from '../commands/fuzz.js';
import { DEFAULT_FAILURES_DIR, DEFAULT_SEEDS } from '../commands/fuzz.js';
import { io } from '../output.js';
import { isInteractive, Progress } from '../progress.js';

export interface FuzzDeps {
  /** Where progress goes (default: stderr). */
  progress?: { write(text: string): void; isTTY?: boolean; columns?: number };
  env?: NodeJS.ProcessEnv;
  /** Abort the campaign (tests); Ctrl-C does the same. */
  signal?: AbortSignal;
}

export function campaignOptions(args: FuzzArgs): CampaignOptions {
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
  return {
    scenarioPath: args.scenario,
    bugs: args.bug ?? [],
    seeds: integer('--seeds', args.seeds, 1) ?? (durationMs === undefined ? DEFAULT_SEEDS : undefined),
    durationMs,
    fromSeed: integer('--from-seed', args['from-seed'], 0) ?? 0,
    workers: integer('--workers', args.workers, 1) ?? availableParallelism(),
    shard: args.shard !== undefined ? parseShard(args.shard) : undefined,
    outDir: args.out ?? DEFAULT_FAILURES_DIR,
    swarm: args.swarm ?? true,
    checkDeterminism: args['check-determinism'] ? 'all' : 'sample',
    maxFailures: integer('--max-failures', args['max-failures'], 1),
  };
}

export async function fuzzHandler(args: FuzzArgs, deps: FuzzDeps = {}): Promise<ExitCode> {
  const options = campaignOptions(args);
  const sink = deps.progress ?? process.stderr;
  const progress = new Progress(sink, {
    tty: isInteractive(sink, deps.env ?? process.env),
    total: plannedSeeds(options),
    deadlineMs: options.durationMs !== undefined ? performance.now() + options.durationMs : undefined,
    intervalMs: 5_000,
    columns: sink.columns,
  });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  deps.signal?.addEventListener('abort', onSigint, { once: true });
  let last = { done: 0, failures: 0 };
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
  }
  progress.finish(last);

  const resume = summary.interrupted ? resumeCommand(args, options, summary) : undefined;
  if (args.json) io.out(JSON.stringify(summaryJson(summary, resume)));
  else for (const line of summaryLines(summary, options, resume)) io.out(line);
  return exitCode(summary);
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
    errors: s.errors,
    determinism: { checked: s.determinism.checked, mismatches: s.determinism.mismatches.map((m) => ({ seed: m.seed, text: m.text, file: displayPath(m.file) })) },
    interrupted: s.interrupted,
    stoppedEarly: s.stoppedEarly,
    nextSeed: s.nextSeed,
    ...(resume ? { resume } : {}),
    resultsFile: displayPath(s.resultsFile),
    workers: s.workers,
    elapsedMs: Math.round(s.elapsedMs),
  };
}

function summaryLines(s: CampaignSummary, o: CampaignOptions, resume: string | undefined): string[] {
  const lines: string[] = [];
  const verdict = s.determinism.mismatches.length > 0 || s.errors > 0 ? chalk.bold.red('INTERNAL ERROR') : s.failures.length > 0 ? chalk.bold.red('FAIL') : s.interrupted || s.undecided > 0 ? chalk.bold.yellow(s.interrupted ? 'INTERRUPTED' : 'UNDECIDED') : chalk.bold.green('PASS');
  const bugs = s.bugs.length > 0 ? ` · bugs ${s.bugs.join(', ')}` : '';
  lines.push(`${verdict}  ${displayPath(s.scenario)} · ${s.protocol}${bugs}${o.swarm ? ' · swarm' : ''}`);
  lines.push(`  ${s.runs} seeds in ${formatDuration(Math.round(s.elapsedMs) * 1000)} (${s.seedsPerSecond.toFixed(1)} seeds/s, ${s.workers} worker${s.workers === 1 ? '' : 's'}) · ${s.failures.length} failing · ${s.undecided} undecided · determinism checked on ${s.determinism.checked}`);
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
  return parts.join(' ');
}
