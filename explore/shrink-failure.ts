// Shrink a failure file: search for a smaller scenario that fails the same checker, write
// it as a scenario file (YAML) for `faultline run`, and check that the file, read back,
// still fails that way before it is written.
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../scenario/errors.js';
import { parseScenario } from '../scenario/load.js';
import { displayPath, isModuleReference } from '../scenario/registry.js';
import { runScenario } from '../scenario/runner.js';
import { shellQuote } from '../scenario/shell.js';
import { formatDuration } from '../scenario/units.js';
import { failureScenario, readFailureFile, type FailureFile } from './failure-file.js';
import { shrink, ShrinkError, type ShrinkResult, type ShrinkSize } from './shrink.js';
import { toYaml } from './to-yaml.js';
import { outputTarget, writeOutputSync } from './write-output.js';

/** `x.json` -> `x.shrunk.yaml`, in the same folder. */
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
  if (failure.violations.length === 0) throw new InputError(path, undefined, 'violations', 'expected at least one violation to shrink towards (the list is empty)');
  // --out is checked before the search, which may take minutes: a missing folder or a directory is exit 2 at once.
  const out = resolve(options.out ?? shrunkPathFor(path));
  outputTarget(out);
  const loaded = await failureScenario(failure);
  const checker = failure.violations[0]?.checker;
  const result = shrink(loaded, { checker, maxRuns: options.maxRuns, maxTimeMs: options.maxTimeMs, onLog: options.onLog });
  const before = sizeText(result.before);
  const after = sizeText(result.after);
  const yaml = toYaml(result.loaded.config, {
    name: `${failure.scenario.name}-seed-${failure.seed}-shrunk`,
    description: `${failure.scenario.name}, seed ${failure.seed}, shrunk: fails ${checker}`,
    protocolRef: protocolRefFor(failure, loaded.protocolRef, dirname(out)),
    checkers: loaded.checkers,
    historyChecker: loaded.historyChecker ?? null,
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
  writeOutputSync(out, yaml);
  return { result, failure, yaml, path: out };
}

export function sizeText(s: ShrinkSize): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(s.faults, 'fault')}${s.nemesis ? ' (nemesis)' : ''}, ${plural(s.ops, 'op')}, ${plural(s.nodes, 'node')}, ${plural(s.clients, 'client')}, ${formatDuration(s.durationUs)} (faults stop at ${formatDuration(s.faultsStopUs)})`;
}
