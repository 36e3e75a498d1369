// faultline merge <results.jsonl>... [--json] [--out FILE]
// One summary over the results of many shards or resumed campaigns.
import chalk from 'chalk';
import { commandHeads } from './heads.js';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { mergeResults, type MergeSummary } from '../../explore/results.js';
import { writeOutputSync } from '../../explore/write-output.js';
import { ExitCode, InputError } from '../../scenario/errors.js';
import { io } from '../io.js';

export interface MergeArgs {
  files: string[];
  json?: boolean;
  out?: string;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  ...commandHeads.merge,
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'results.jsonl files' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' })
      .option('out', { type: 'string', requiresArg: true, describe: 'Also write the merged lines (deduplicated, in seed order) to FILE' })
      .example('$0 merge shard-*/results.jsonl', '') as unknown as Argv<MergeArgs>,
  handler: async (args: ArgumentsCamelCase<MergeArgs>) => {
    process.exitCode = await mergeHandler(args);
  },
};

export function mergeExitCode(s: MergeSummary): ExitCode {
  if (s.conflicts.length > 0 || s.errors > 0) return ExitCode.internalError;
  if (s.failed > 0) return ExitCode.checkFailed;
  if (s.undecided > 0) return ExitCode.undecided;
  return ExitCode.pass;
}

export async function mergeHandler(args: MergeArgs): Promise<ExitCode> {
  if (args.files.length === 0) throw new InputError('merge', undefined, undefined, 'expected at least one results file');
  const { summary, lines } = mergeResults(args.files);
  if (args.out !== undefined) {
    writeOutputSync(args.out, lines.map((l) => `${JSON.stringify(l)}\n`).join('')); // an OutputError (exit 2) names the path and the errno
  }
  if (args.json) io.out(JSON.stringify(summary));
  else for (const line of mergeLines(summary)) io.out(line);
  return mergeExitCode(summary);
}

export function mergeLines(s: MergeSummary): string[] {
  const verdict = s.conflicts.length > 0 || s.errors > 0 ? chalk.bold.red('INTERNAL ERROR') : s.failed > 0 ? chalk.bold.red('FAIL') : s.undecided > 0 ? chalk.bold.yellow('UNDECIDED') : chalk.bold.green('PASS');
  const lines = [`${verdict}  ${s.runs} runs from ${s.files} file${s.files === 1 ? '' : 's'} · ${s.passed} pass · ${s.failed} fail · ${s.undecided} undecided · ${s.errors} internal errors · ${s.duplicates} duplicate lines`];
  lines.push(`  scenarios: ${s.scenarios.join(', ') || '(none)'} · faultline ${s.versions.join(', ') || '?'}`);
  const checkers = Object.entries(s.byChecker).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (checkers.length > 0) lines.push(`  failing checkers: ${checkers.map(([c, n]) => `${c} ×${n}`).join(', ')}`);
  for (const f of s.failures.slice(0, 20)) lines.push(`  ${chalk.red('✗')} seed ${f.seed} (${f.scenario}${f.bugs.length ? `, bugs ${f.bugs.join('+')}` : ''}) · ${f.checkers.join(', ') || 'internal error'}${f.file ? ` · ${f.file}` : ''}`);
  if (s.failures.length > 20) lines.push(`  ... and ${s.failures.length - 20} more`);
  for (const c of s.conflicts) lines.push(chalk.red(`  conflict: seed ${c.seed} (${c.scenario}) has hashes ${c.hashes.join(' and ')} (faultline ${c.versions.join(', ')})`));
  for (const m of s.malformed) lines.push(chalk.yellow(`  skipped a malformed line: ${m.file}:${m.line}`));
  if (s.firstFailureSeed !== null) lines.push(`first failing seed: ${s.firstFailureSeed}`);
  return lines;
}
