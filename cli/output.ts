// What the CLI prints and writes: the verdict of a run (coloured text or one JSON object),
// error reports, and trace files (JSON lines, written atomically).
import chalk from 'chalk';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { outputError, outputTarget, temporaryFor, writeOutputSync } from '../explore/write-output.js';
import { jsonSafe } from '../scenario/json-safe.js';
import { violationJson, type ScenarioRun, type Verdict, type ViolationJson } from '../scenario/runner.js';
import { formatDuration } from '../scenario/units.js';
import type { TraceEvent } from '../sim/result.js';

export { inputErrorLines, internalErrorLines } from './error-lines.js';
export { guardOutputStreams, io, outputExitCode } from './io.js';

export interface RunJson {
  verdict: Verdict;
  seed: string;
  hash: string;
  events: number;
  simulatedUs: number;
  violations: ViolationJson[];
  /** Findings that are not failures (the protocol's observers: blocked transactions...). */
  observations?: Array<{ checker: string; message: string }>;
  /** The transactional history checker's verdict (serializability or conservation), when it ran. */
  history?: { checker: string; verdict: 'valid' | 'invalid' | 'unknown'; anomalyTypes: string[] };
  /** Why the verdict is undecided. */
  undecided?: string;
  replay: string;
}

export function runJson(run: ScenarioRun): RunJson {
  return {
    verdict: run.verdict,
    seed: run.result.seed,
    hash: run.result.hash,
    events: run.result.events,
    simulatedUs: run.result.simulatedUs,
    violations: run.violations.map((v) => violationJson(v, run.loaded.config.nodes)),
    ...(run.result.observations.length > 0 ? { observations: run.result.observations.map((o) => ({ ...o })) } : {}),
    ...(run.transactional !== undefined ? { history: { checker: run.transactional.checker, verdict: run.transactional.result.verdict, anomalyTypes: [...run.transactional.result.anomalyTypes] } } : {}),
    ...(run.undecided !== undefined ? { undecided: run.undecided } : {}),
    replay: run.replay,
  };
}

const VERDICT_STYLE: Record<Verdict, (text: string) => string> = {
  pass: (text) => chalk.bold.green(text),
  fail: (text) => chalk.bold.red(text),
  undecided: (text) => chalk.bold.yellow(text),
};

/** The human summary of a run, one string per line. */
export function runLines(run: ScenarioRun, options: { traceFile?: string; traceFormat?: 'jsonl' | 'perfetto' } = {}): string[] {
  const { loaded, result } = run;
  const config = loaded.config;
  const lines: string[] = [];
  const bugs = config.bugs.length > 0 ? ` · bugs ${config.bugs.join(', ')}` : '';
  lines.push(`${VERDICT_STYLE[run.verdict](run.verdict.toUpperCase())}  ${chalk.bold(loaded.name)} · ${loaded.protocol.name} · ${config.nodes} nodes · seed ${result.seed}${bugs}`);
  lines.push(`  ${thousands(result.events)} events · ${formatDuration(result.simulatedUs)} simulated · hash ${result.hash}`);
  const lin = run.linearizability === undefined ? '' : ` · linearizability: ${run.linearizability}`;
  const txn = run.transactional === undefined ? '' : ` · ${run.transactional.checker}: ${run.transactional.result.verdict}`;
  lines.push(chalk.dim(`  checkers: ${loaded.checkers.join(', ')}${lin}${txn}`));
  for (const o of result.observations) lines.push(`  ${chalk.cyan('•')} ${chalk.cyan.bold(o.checker)}: ${o.message}`);
  for (const v of run.violations) {
    const kind = v.kind === v.checker ? '' : `(${v.kind}) `;
    lines.push(`  ${chalk.red('✗')} ${chalk.red.bold(v.checker)} ${chalk.dim(`${kind}at ${formatDuration(v.atUs)}, event ${v.event}`)}: ${v.message}`);
    if (v.stack !== undefined) for (const frame of stackLines(v.stack)) lines.push(chalk.dim(`      ${frame}`));
  }
  if (run.verdict === 'undecided') {
    lines.push(chalk.yellow(`  undecided: ${run.undecided ?? 'the linearizability checker ran out of its budget; the history is neither confirmed nor refuted'}`));
  }
  if (options.traceFile !== undefined) lines.push(chalk.dim(`  trace: ${options.traceFile} (${thousands(run.result.trace?.length ?? 0)} entries, ${options.traceFormat === 'perfetto' ? 'Chrome Trace Event JSON' : 'JSON lines'})`));
  lines.push(`replay: ${run.replay}`);
  return lines;
}

/** A protocol exception's frames as shown under its violation: at most STACK_FRAMES_SHOWN, paths relative to the working directory. */
export function stackLines(stack: string): string[] {
  const cwd = `${process.cwd()}/`;
  const frames = stack.split('\n').map((f) => f.replaceAll(`file://${cwd}`, '').replaceAll(cwd, ''));
  if (frames.length <= STACK_FRAMES_SHOWN) return frames;
  return [...frames.slice(0, STACK_FRAMES_SHOWN), `... ${frames.length - STACK_FRAMES_SHOWN} more`];
}

const STACK_FRAMES_SHOWN = 8;

/**
 * Write a trace as JSON lines, atomically: to a temporary file beside the target, then
 * renamed over it, so a crash or a full disk never leaves a partial trace behind. A target
 * that is not a regular file is never replaced (explore/write-output.ts): a symlink's target
 * is written, a device or FIFO written through, a directory refused. Fails with an
 * OutputError naming the path and the errno (exit 2).
 */
export async function writeTraceFile(path: string, trace: readonly TraceEvent[]): Promise<void> {
  const target = outputTarget(path);
  const destination = target.how === 'atomic' ? temporaryFor(target.path) : target.path;
  const stream = createWriteStream(destination, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => undefined);
  try {
    for (const event of trace) {
      if (!stream.write(`${JSON.stringify(event, jsonSafe)}\n`)) await Promise.race([once(stream, 'drain'), failed]);
    }
    stream.end();
    await Promise.race([once(stream, 'finish'), failed]);
    // 'finish' is before the file is closed: wait for the close, so a failed close is seen too.
    if (!stream.closed) await Promise.race([once(stream, 'close'), failed]);
    if (target.how === 'atomic') await rename(destination, target.path);
  } catch (error) {
    stream.destroy();
    if (target.how === 'atomic') await unlink(destination).catch(() => undefined);
    throw outputError(path, error);
  }
}

function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export const TRACE_FORMATS = ['jsonl', 'perfetto'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** Write a run's trace as JSON lines, or as Chrome Trace Event JSON (Perfetto); OutputError (exit 2) when the path cannot be written. */
export async function writeTrace(path: string, run: ScenarioRun, format: TraceFormat): Promise<void> {
  if (format === 'jsonl') return writeTraceFile(path, run.result.trace ?? []);
  const { buildReportRun } = await import('../reports/build-data.js');
  const { chromeTraceJson } = await import('../reports/shared/perfetto.js');
  const { packageVersion } = await import('../scenario/registry.js');
  writeOutputSync(path, chromeTraceJson(buildReportRun(run, { version: packageVersion() })));
}
