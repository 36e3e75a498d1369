// The shrink command's work (loaded only when the command runs).
import chalk from 'chalk';
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { failureScenario, readFailureFile, type FailureFile } from '../../explore/failure-file.js';
import { shrink, ShrinkError, type ShrinkResult, type ShrinkSize } from '../../explore/shrink.js';
import { toYaml } from '../../explore/to-yaml.js';
import { ExitCode, InputError } from '../../scenario/errors.js';
import { parseScenario } from '../../scenario/load.js';
import { displayPath, isModuleReference } from '../../scenario/registry.js';
import { runScenario } from '../../scenario/runner.js';
import { shellQuote } from '../../scenario/shell.js';
import { formatDuration, parseDuration } from '../../scenario/units.js';
import { DEFAULT_MAX_RUNS, DEFAULT_MAX_TIME, type ShrinkArgs } from '../commands/shrink.js';
import { io } from '../output.js';

export function shrunkPathFor(failurePath: string): string {
  return `${failurePath.replace(/\.json$/, '')}.shrunk.yaml`;
}

export interface ShrinkOutcome {
  result: ShrinkResult;
  failure: FailureFile;
  yaml: string;
  path: string;
}

/** The `protocol:` value for a file written in `outDir`: module paths re-based, built-in names as is. */
export function protocolRefFor(failure: FailureFile, ref: string, outDir: string): string {
  if (!isModuleReference(ref) || isAbsolute(ref)) return ref;
  const target = resolve(dirname(failure.scenario.absolutePath), ref);
  const rel = relative(outDir, target).split(sep).join('/');
  // Far away (another tree): the absolute path reads better than a long climb of ../
  if (rel.startsWith('../../..') || isAbsolute(rel)) return target;
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export async function shrinkFailure(path: string, options: { out?: string; maxRuns: number; maxTimeMs?: number; onLog?: (line: string) => void }): Promise<ShrinkOutcome> {
  const failure = readFailureFile(path);
  if (failure.verdict === 'error') throw new InputError(path, undefined, 'verdict', 'expected a failing run (a violation); an internal error is shrunk by hand, from its replay');
  const loaded = await failureScenario(failure);
  const checker = failure.violations[0]?.checker;
  const result = shrink(loaded, { checker, maxRuns: options.maxRuns, maxTimeMs: options.maxTimeMs, onLog: options.onLog });
  const out = resolve(options.out ?? shrunkPathFor(path));
  const before = sizeText(result.before);
  const after = sizeText(result.after);
  const yaml = toYaml(result.loaded.config, {
    name: `${failure.scenario.name}-seed-${failure.seed}-shrunk`,
    description: `${failure.scenario.name}, seed ${failure.seed}, shrunk: fails ${checker}`,
    protocolRef: protocolRefFor(failure, loaded.protocolRef, dirname(out)),
    checkers: loaded.checkers,
    linearizability: loaded.linearizability,
    comments: [
      `Shrunk by faultline shrink from ${displayPath(path)} (${result.runs} runs, ${formatDuration(Math.round(result.elapsedMs) * 1000)}).`,
      `Fails ${checker}: ${result.run.violations.find((v) => v.checker === checker)?.message ?? ''}`,
      `before: ${before}`,
      `after:  ${after}`,
      `Run it: faultline run ${shellQuote(displayPath(out))}`,
    ],
  });
  // The file must read back to a scenario that fails the same way: check before writing it.
  const reread = await parseScenario(yaml, out);
  const again = runScenario(reread, { record: 'fuzz' });
  if (!again.violations.some((v) => v.checker === checker)) {
    throw new ShrinkError(`internal: the shrunk scenario, read back from YAML, gives ${again.verdict} instead of failing ${checker}`);
  }
  const temporary = `${out}.${process.pid}.tmp`;
  writeFileSync(temporary, yaml, 'utf8');
  renameSync(temporary, out);
  return { result, failure, yaml, path: out };
}

export function sizeText(s: ShrinkSize): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(s.faults, 'fault')}${s.nemesis ? ' (nemesis)' : ''}, ${plural(s.ops, 'op')}, ${plural(s.nodes, 'node')}, ${plural(s.clients, 'client')}, ${formatDuration(s.durationUs)} (faults stop at ${formatDuration(s.faultsStopUs)})`;
}

export async function shrinkHandler(args: ShrinkArgs): Promise<ExitCode> {
  let maxTimeMs: number | undefined;
  {
    const parsed = parseDuration(args['max-time'] ?? DEFAULT_MAX_TIME);
    if (!parsed.ok || parsed.value === 0) throw new InputError('--max-time', undefined, undefined, `expected ${parsed.ok ? 'a duration above zero' : parsed.error}`);
    maxTimeMs = Math.round(parsed.value / 1000);
  }
  const maxRuns = args['max-runs'] ?? DEFAULT_MAX_RUNS;
  if (!Number.isSafeInteger(maxRuns) || maxRuns < 1) throw new InputError('--max-runs', undefined, undefined, `expected a positive integer (got ${maxRuns})`);
  let outcome: ShrinkOutcome;
  try {
    outcome = await shrinkFailure(args.failure, { out: args.out, maxRuns, maxTimeMs, onLog: args.json ? undefined : (line) => io.err(line) });
  } catch (error) {
    if (error instanceof ShrinkError && !error.message.startsWith('internal:')) {
      io.err(chalk.yellow(`shrink: ${error.message}`));
      return ExitCode.undecided;
    }
    throw error;
  }
  const { result, path } = outcome;
  if (args.json) {
    io.out(JSON.stringify({ file: displayPath(path), checker: result.checker, before: result.before, after: result.after, runs: result.runs, elapsedMs: Math.round(result.elapsedMs), exhausted: result.exhausted, steps: result.steps }));
  } else {
    io.out(`${chalk.bold('shrunk')} ${displayPath(args.failure)} · fails ${chalk.bold(result.checker)} · ${result.runs} runs in ${formatDuration(Math.round(result.elapsedMs) * 1000)}${result.exhausted ? chalk.yellow(' (run budget reached)') : ''}`);
    io.out(`  before: ${sizeText(result.before)}`);
    io.out(`  after:  ${sizeText(result.after)}`);
    io.out(`scenario: ${displayPath(path)}`);
    io.out(`run it: faultline run ${shellQuote(displayPath(path))}`);
  }
  return ExitCode.checkFailed;
}
