// faultline run <scenario> [--seed S] [--bug NAME]... [--json] [--record fuzz|full] [--trace-out FILE] [--trace-format jsonl|perfetto] [--report FILE] [--timeout DURATION]
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { commandHeads } from './heads.js';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { ExitCode, InputError } from '../../scenario/errors.js';
import { loadScenario } from '../../scenario/load.js';
import { parseDuration } from '../../scenario/units.js';
import type { RecordLevel } from '../../sim/config.js';
import { io, runJson, runLines, TRACE_FORMATS, writeTrace, type TraceFormat } from '../output.js';

export interface RunArgs {
  scenario: string;
  seed?: string;
  bug?: string[];
  json?: boolean;
  record?: RecordLevel;
  'trace-out'?: string;
  'trace-format'?: TraceFormat;
  report?: string;
  timeout?: string;
  history?: 'all' | 'bounded';
}

const VERDICT_EXIT = { pass: ExitCode.pass, fail: ExitCode.checkFailed, undecided: ExitCode.undecided } as const;

export const runCommand: CommandModule<object, RunArgs> = {
  ...commandHeads.run,
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (YAML)' })
      .option('seed', { type: 'string', requiresArg: true, describe: "Seed (default: the scenario's)" })
      .option('bug', { type: 'string', array: true, nargs: 1, describe: "Enable a bug variant on top of the scenario's (repeatable)" })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' })
      .option('record', { type: 'string', choices: ['fuzz', 'full'] as const, describe: 'Recording level (default: the scenario\'s; --trace-out implies full)' })
      .option('trace-out', { type: 'string', requiresArg: true, describe: 'Write the full trace to FILE as JSON lines' })
      .option('trace-format', { type: 'string', choices: TRACE_FORMATS, default: 'jsonl', describe: 'jsonl: one trace entry per line; perfetto: Chrome Trace Event JSON (ui.perfetto.dev, chrome://tracing)' })
      .option('report', { type: 'string', requiresArg: true, describe: 'Write the HTML trace report to FILE (implies --record full)' })
      .option('timeout', { type: 'string', requiresArg: true, describe: 'Wall-clock limit of the simulation, like 30s: when it expires the verdict is undecided (exit 3)' })
      .option('history', { type: 'string', choices: ['all', 'bounded'] as const, default: 'all', describe: 'all: keep the whole client history and check it at the end; bounded: at the fuzz level, check linearizability as the run goes and keep only what the check and the liveness phase still need (long runs)' })
      .example('$0 run scenarios/raft/figure-8.yaml --seed 7', '')
      .example('$0 run scenarios/raft/figure-8.yaml --report figure-8.html', '')
      .example('$0 run scenarios/raft/figure-8.yaml --trace-out figure-8.trace.json --trace-format perfetto', '') as unknown as Argv<RunArgs>,
  handler: async (args: ArgumentsCamelCase<RunArgs>) => {
    process.exitCode = await runHandler(args);
  },
};

/** The run command's work; returns the exit code (errors propagate to main, which reports them). */
export async function runHandler(args: RunArgs): Promise<ExitCode> {
  const traceOut = args['trace-out'];
  if (traceOut !== undefined) checkTraceOut('--trace-out', traceOut, args.record);
  const reportOut = args.report;
  if (reportOut !== undefined) checkTraceOut('--report', reportOut, args.record);
  const record: RecordLevel | undefined = traceOut !== undefined || reportOut !== undefined ? 'full' : args.record;
  const timeoutMs = args.timeout !== undefined ? parseTimeout(args.timeout) : undefined;

  const loaded = await loadScenario(args.scenario, { seed: args.seed, bugs: args.bug ?? [], record });
  // Loaded lazily: the kernel and the checkers are needed only once there is something to run.
  const { runScenario } = await import('../../scenario/runner.js');
  if (args.history === 'bounded') (await import('../../scenario/heap.js')).holdHeapFlat(); // the long-run mode: RSS flat too
  const run = runScenario(loaded, {}, { ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(args.history === 'bounded' ? { history: 'bounded' as const } : {}) });

  if (traceOut !== undefined && run.result.trace !== undefined) {
    // An OutputError (exit 2) names the path and the errno: no verdict is printed for a trace that was not written.
    await writeTrace(traceOut, run, args['trace-format'] ?? 'jsonl');
  }
  let reportBytes: number | undefined;
  if (reportOut !== undefined) {
    const { writeReport } = await import('../../reports/write-report.js');
    reportBytes = (await writeReport(reportOut, [{ run }])).bytes;
  }
  if (args.json) io.out(JSON.stringify(runJson(run)));
  else {
    for (const line of runLines(run, { traceFile: traceOut, traceFormat: args['trace-format'] ?? 'jsonl' })) io.out(line);
    if (reportOut !== undefined && reportBytes !== undefined) io.out(`report: ${reportOut} (${formatBytes(reportBytes)})`);
  }
  return VERDICT_EXIT[run.verdict];
}

function checkTraceOut(option: string, path: string, record: RecordLevel | undefined): void {
  if (record === 'fuzz') throw new InputError(option, undefined, undefined, `expected --record full (or no --record): ${option === '--report' ? 'a report' : 'a trace'} needs the full recording level`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(option, undefined, undefined, `expected a file in an existing directory (${dir} does not exist)`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new InputError(option, undefined, undefined, `expected a file path, not a directory (${path})`);
}

/** 1234567 -> `1.2 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

/** `--timeout 30s`: a wall-clock duration above zero, in milliseconds. */
function parseTimeout(text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new InputError('--timeout', undefined, undefined, `expected ${parsed.error}`);
  if (parsed.value === 0) throw new InputError('--timeout', undefined, undefined, 'expected a duration above zero, like 30s (got 0)');
  return parsed.value / 1_000;
}
