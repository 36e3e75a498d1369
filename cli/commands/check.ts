// faultline check <history-file>... --model M [--initial V] [--format F] [--budget N] [--timeout D] [--memory B] [--total N] [--json]
// Check histories that came from elsewhere (Jepsen, Knossos, Porcupine, or faultline's own
// JSON) for linearizability, or list-append transaction histories with an Elle-style checker. The work is in runCheck (pure apart from reading the files);
// the handler only prints its lines and sets process.exitCode.
import chalk, { Chalk, type ChalkInstance } from 'chalk';
import { performance } from 'node:perf_hooks';
import { commandHeads } from './heads.js';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import {
  checkHistory,
  checkListAppend,
  elleConsistencyLevels,
  type ElleConsistency,
  HistoryParseError,
  historyFormats,
  modelNames,
  parseHistory,
  type Counterexample,
  type HistoryFormat,
  type LinearizabilityResult,
  type OperationRef,
  type ParsedHistory,
} from '../../checkers/index.js';
import { ExitCode, InputError } from '../../scenario/errors.js';
import { HISTORY_MAX_BYTES, readInputText } from '../../scenario/read-input.js';
import { parseDuration } from '../../scenario/units.js';
import { io } from '../io.js';
import { checkAtomicity, parseAtomicityRecords } from '../../checkers/atomicity/index.js';
import { checkBank } from '../../checkers/bank/index.js';
import { listAppendJson, listAppendLines } from './check-list-append.js';
import { atomicityJson, atomicityLines, bankJson, bankLines } from './check-txn.js';

/** The transactional models: judged by the Elle-style checker, the bank checker, the atomicity checker. */
const LIST_APPEND = 'list-append';
const BANK = 'bank';
const ATOMICITY = 'atomicity';
const TRANSACTIONAL = [LIST_APPEND, BANK, ATOMICITY];

export interface CheckArgs {
  historyFile: string[];
  model?: string;
  initial?: string;
  format?: HistoryFormat | 'auto';
  budget?: string;
  timeout?: string;
  /** The memo budget per partition, like 2GB (CheckOptions.memoryBytes). */
  memory?: string;
  json?: boolean;
  /** list-append only: serializable or strict-serializable (default). */
  consistency?: string;
  /** bank only: the money in the bank (default: the first ok read's sum). */
  total?: number;
  /** bank only: negative balances are allowed. */
  negativeOk?: boolean;
}

export interface CheckRun {
  exitCode: ExitCode;
  stdout: string[];
  stderr: string[];
}

export interface CheckEnvironment {
  /** Read a file as UTF-8 (default: readInputText: a regular file of at most 256 MiB). */
  readFile?: (path: string) => string;
  /** Milliseconds clock for elapsed times and --timeout (default: performance.now). */
  now?: () => number;
  /** Colour the text output (default: chalk's detection, off when NO_COLOR is set; chalk 5 ignores NO_COLOR itself). */
  color?: boolean;
}

/** One JSON line per file with --json. */
export interface CheckJson {
  file: string;
  verdict: LinearizabilityResult['verdict'];
  model: string;
  format: HistoryFormat;
  operations: number;
  partitions: number;
  elapsedMs: number;
  steps: number;
  undecided?: string[];
  counterexample?: Counterexample;
}

/** Models inferred from the format when --model is not given. */
const DEFAULT_MODEL: Partial<Record<HistoryFormat, string>> = { 'porcupine-kv': 'kv', 'jepsen-log': 'cas-register' };

/** Across files the worst outcome wins: bad input, then a violation, then undecided, then pass. */
const SEVERITY: Record<ExitCode, number> = { 0: 0, 3: 1, 1: 2, 2: 3, 4: 4 };

export const checkCommand: CommandModule<object, CheckArgs> = {
  ...commandHeads.check,
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('history-file', { type: 'string', array: true, demandOption: true, describe: 'History file(s)' })
      .option('model', {
        type: 'string',
        choices: [...modelNames, ...TRANSACTIONAL],
        requiresArg: true,
        describe:
          'Sequential model; or list-append (Elle-style serializability), bank (conservation of money), atomicity (commit records). Default: kv for Porcupine kv files, cas-register for Jepsen logs, list-append when every op is a txn, bank when every op is a transfer or read, atomicity for commit records',
      })
      .option('total', { type: 'number', requiresArg: true, describe: 'bank: the money in the bank (default: the sum of the first ok read)' })
      .option('negative-ok', { type: 'boolean', describe: 'bank: negative balances are allowed' })
      .option('consistency', {
        type: 'string',
        choices: elleConsistencyLevels,
        requiresArg: true,
        describe: 'list-append: the isolation level checked (default strict-serializable)',
      })
      .option('initial', { type: 'string', requiresArg: true, describe: 'Initial value: JSON if it parses (0, {"x":0}), else a string' })
      .option('format', { type: 'string', choices: ['auto', ...historyFormats], default: 'auto', describe: 'History format' })
      .option('budget', { type: 'string', requiresArg: true, describe: 'Search step budget (e.g. 50000000 or 50M); out of budget = undecided' })
      .option('timeout', { type: 'string', requiresArg: true, describe: 'Time limit per file, e.g. 10s; out of time = undecided' })
      .option('memory', { type: 'string', requiresArg: true, describe: 'Memo budget per partition, e.g. 2GB or 512MiB (default 512 MiB of words, 50M entries); out of it = undecided' })
      .option('json', { type: 'boolean', default: false, describe: 'One JSON object per file per line' })
      .example('$0 check history.edn --model cas-register --initial 0', '')
      .example('$0 check c10-ok.txt --model kv --json', '')
      .example('$0 check txns.edn --model list-append --consistency serializable', '')
      .example('$0 check bank.edn --model bank --total 100', '')
      .example('$0 check commits.jsonl --model atomicity', '') as unknown as Argv<CheckArgs>,
  handler: (args: ArgumentsCamelCase<CheckArgs>) => {
    const run = runCheck(args, { now: () => performance.now() });
    for (const line of run.stdout) io.out(line);
    for (const line of run.stderr) io.err(line);
    process.exitCode = run.exitCode;
  },
};

/** Check every file; never throws for bad input (it becomes exit code 2 and a line on stderr). */
export function runCheck(args: CheckArgs, env: CheckEnvironment = {}): CheckRun {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const paint = colours(env.color);
  const options = parseOptions(args);
  if (options instanceof InputError) return { exitCode: ExitCode.badInput, stdout, stderr: [errorLine(options, paint)] };
  const readFile = env.readFile ?? ((path: string) => readInputText(path, HISTORY_MAX_BYTES));
  const now = env.now ?? (() => performance.now());
  let exitCode: ExitCode = ExitCode.pass;
  for (const file of args.historyFile) {
    const code = checkFile(file, args, options, { readFile, now, paint }, stdout, stderr);
    if (SEVERITY[code] > SEVERITY[exitCode]) exitCode = code;
  }
  return { exitCode, stdout, stderr };
}

/** chalk, unless colours are off (NO_COLOR, which chalk 5 does not read itself) or forced on. */
function colours(color: boolean | undefined): ChalkInstance {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  if (color === false || (color === undefined && noColor)) return new Chalk({ level: 0 });
  if (color === true && chalk.level === 0) return new Chalk({ level: 1 });
  return chalk;
}

interface Options {
  initial: unknown;
  budgetSteps?: number;
  timeLimitMs?: number;
  memoryBytes?: number;
  format: HistoryFormat | 'auto';
  consistency?: ElleConsistency;
}

function parseOptions(args: CheckArgs): Options | InputError {
  const out: Options = { initial: undefined, format: args.format ?? 'auto' };
  if (out.format !== 'auto' && !historyFormats.includes(out.format)) {
    return new InputError('--format', undefined, undefined, `one of auto, ${historyFormats.join(', ')}`);
  }
  if (args.model !== undefined && !TRANSACTIONAL.includes(args.model) && !modelNames.includes(args.model)) return new InputError('--model', undefined, undefined, `one of ${[...modelNames, ...TRANSACTIONAL].join(', ')}`);
  if (args.total !== undefined) {
    if (typeof args.total !== 'number' || !Number.isSafeInteger(args.total)) return new InputError('--total', undefined, undefined, 'an integer amount of money');
    if (args.model !== undefined && args.model !== BANK) return new InputError('--total', undefined, undefined, 'to be used with --model bank only');
  }
  if (args.negativeOk && args.model !== undefined && args.model !== BANK) return new InputError('--negative-ok', undefined, undefined, 'to be used with --model bank only');
  if (args.consistency !== undefined) {
    if (!elleConsistencyLevels.includes(args.consistency as ElleConsistency)) return new InputError('--consistency', undefined, undefined, `one of ${elleConsistencyLevels.join(', ')}`);
    if (args.model !== undefined && args.model !== LIST_APPEND) return new InputError('--consistency', undefined, undefined, 'to be used with --model list-append only');
    out.consistency = args.consistency as ElleConsistency;
  }
  if (args.initial !== undefined) {
    try {
      out.initial = JSON.parse(args.initial);
    } catch {
      out.initial = args.initial;
    }
  }
  if (args.budget !== undefined) {
    const steps = parseCount(String(args.budget));
    if (steps === undefined) return new InputError('--budget', undefined, undefined, 'a positive number of search steps, like 50000000, 50M or 1e9');
    out.budgetSteps = steps;
  }
  if (args.memory !== undefined) {
    const bytes = parseBytes(String(args.memory));
    if (bytes === undefined) return new InputError('--memory', undefined, undefined, 'a positive size in bytes, like 2GB, 512MiB or 100000000');
    out.memoryBytes = bytes;
  }
  if (args.timeout !== undefined) {
    const d = parseDuration(String(args.timeout));
    if (!d.ok || d.value <= 0) return new InputError('--timeout', undefined, undefined, d.ok ? 'a positive duration, like 10s' : d.error);
    out.timeLimitMs = d.value / 1000;
  }
  return out;
}

/** `50000000`, `50M`, `2k`, `1e9` → a positive integer. */
function parseCount(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*([kKmMgG]?)$/.exec(text.trim());
  if (!m) return undefined;
  const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = Math.floor(Number(m[1]) * scale);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** `2GB`, `512MiB`, `64k`, `100000000` → bytes (k, M, G, T are powers of 1000; Ki, Mi, Gi, Ti of 1024; a trailing B is optional). */
function parseBytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(?:([kKmMgGtT])(i?))?[bB]?$/.exec(text.trim());
  if (!m) return undefined;
  const power = m[2] === undefined ? 0 : 'kmgt'.indexOf(m[2].toLowerCase()) + 1;
  const n = Math.floor(Number(m[1]) * (m[3] === 'i' ? 1024 : 1000) ** power);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

interface FileEnvironment {
  readFile: (path: string) => string;
  now: () => number;
  paint: ChalkInstance;
}

function checkFile(file: string, args: CheckArgs, options: Options, { readFile, now, paint }: FileEnvironment, stdout: string[], stderr: string[]): ExitCode {
  let parsed: ParsedHistory | undefined;
  try {
    let text: string;
    try {
      text = readFile(file);
    } catch (error) {
      throw new InputError(file, undefined, undefined, `a readable history file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    if (args.model === ATOMICITY || (args.model === undefined && looksLikeCommitRecords(text))) {
      if (options.format !== 'auto') throw new InputError('--format', undefined, undefined, 'auto with --model atomicity (commit records are JSON)');
      const { records, lines } = toInputError(file, undefined, () => parseAtomicityRecords(text));
      if (records.length === 0) throw new InputError(file, undefined, undefined, 'a file with at least one commit record');
      const started = now();
      const r = checkAtomicity(records);
      const elapsed = Math.round((now() - started) * 1000) / 1000;
      if (args.json) stdout.push(JSON.stringify(atomicityJson(file, r, elapsed, lines)));
      else stdout.push(...atomicityLines(file, r, elapsed, lines, paint));
      return r.verdict === 'valid' ? ExitCode.pass : ExitCode.checkFailed;
    }
    parsed = toInputError(file, undefined, () => parseHistory(text, options.format));
    const format = parsed.format;
    // Nothing to judge is not evidence of linearizability.
    if (parsed.events.length === 0) {
      throw new InputError(file, undefined, undefined, text.trim() === '' ? `a history with at least one operation (no operation in ${file}: the file is empty)` : `a history with at least one operation (no operation in ${file}: no line parsed as ${format})`);
    }
    const model = args.model ?? inferModel(parsed) ?? DEFAULT_MODEL[format];
    if (model === undefined) throw new InputError(file, undefined, '--model', `one of ${modelNames.join(', ')} (it cannot be inferred from ${format} histories)`);
    const started = now();
    const events = parsed.events;
    if (model === BANK) {
      const bankOptions = { ...(args.total !== undefined ? { total: args.total } : {}), ...(args.negativeOk ? { negativeAllowed: true } : {}) };
      const r = toInputError(file, parsed, () => checkBank(events, bankOptions));
      const elapsed = Math.round((now() - started) * 1000) / 1000;
      if (args.json) stdout.push(JSON.stringify(bankJson(file, format, r, elapsed, parsed)));
      else stdout.push(...bankLines(file, format, r, elapsed, parsed, paint));
      return r.verdict === 'valid' ? ExitCode.pass : ExitCode.checkFailed;
    }
    if (model === LIST_APPEND) {
      const consistency = options.consistency;
      const r = toInputError(file, parsed, () => checkListAppend(events, consistency ? { consistency } : {}));
      const elapsed = Math.round((now() - started) * 1000) / 1000;
      if (args.json) stdout.push(JSON.stringify(listAppendJson(file, format, r, elapsed, parsed)));
      else stdout.push(...listAppendLines(file, format, r, elapsed, parsed, paint));
      return r.verdict === 'valid' ? ExitCode.pass : r.verdict === 'invalid' ? ExitCode.checkFailed : ExitCode.undecided;
    }
    const result = toInputError(file, parsed, () =>
      checkHistory(events, model, {
        initial: options.initial,
        budgetSteps: options.budgetSteps,
        timeLimitMs: options.timeLimitMs,
        ...(options.memoryBytes !== undefined ? { memoryBytes: options.memoryBytes } : {}),
        now,
        // Knossos reads: a completed read of nil did not report its value.
        nilReadsUnknown: format === 'edn',
      }),
    );
    const elapsedMs = Math.round((now() - started) * 1000) / 1000;
    if (args.json) stdout.push(JSON.stringify(resultJson(file, format, result, elapsedMs, parsed)));
    else stdout.push(...resultLines(file, format, result, elapsedMs, parsed, paint));
    return result.verdict === 'linearizable' ? ExitCode.pass : result.verdict === 'not-linearizable' ? ExitCode.checkFailed : ExitCode.undecided;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    stderr.push(errorLine(error, paint));
    return ExitCode.badInput;
  }
}

/** list-append when every op is a txn; bank when every op is a transfer or a read and some is a transfer. */
function inferModel(parsed: ParsedHistory): string | undefined {
  const events = parsed.events;
  if (events.every((ev) => ev.f === 'txn')) return LIST_APPEND;
  if (events.every((ev) => ev.f === 'transfer' || ev.f === 'read') && events.some((ev) => ev.f === 'transfer')) return BANK;
  return undefined;
}

/** A JSON file whose first record has a commit-record kind (begin, vote, decide, outcome) and a txn. */
function looksLikeCommitRecords(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^\s*[[{]/.test(head) && /"kind"\s*:\s*"(begin|vote|decide|outcome)"/.test(head) && /"txn"\s*:/.test(head);
}

/** Run `work`, turning a HistoryParseError into an InputError that names the file and line. */
function toInputError<T>(file: string, parsed: ParsedHistory | undefined, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof HistoryParseError)) throw error;
    const line = error.line ?? (error.eventIndex !== undefined ? parsed?.lines[error.eventIndex] : undefined);
    throw new InputError(file, line, error.field, error.expected);
  }
}

function errorLine(error: InputError, paint: ChalkInstance): string {
  return paint.red(`error: ${error.message}`);
}

// ---------------------------------------------------------------------------------------
// Output.

function resultJson(file: string, format: HistoryFormat, r: LinearizabilityResult, elapsedMs: number, parsed: ParsedHistory): CheckJson {
  const lineOf = lineLookup(parsed);
  const withLines = (ref: OperationRef): OperationRef & { invokeLine?: number; completeLine?: number } => ({
    ...ref,
    ...(lineOf(ref.invokeIndex) !== undefined ? { invokeLine: lineOf(ref.invokeIndex) } : {}),
    ...(ref.completeIndex !== undefined && lineOf(ref.completeIndex) !== undefined ? { completeLine: lineOf(ref.completeIndex) } : {}),
  });
  const c = r.counterexample;
  return {
    file,
    verdict: r.verdict,
    model: r.model,
    format,
    operations: r.operations,
    partitions: r.partitions,
    elapsedMs,
    steps: r.steps,
    ...(r.undecided ? { undecided: r.undecided } : {}),
    ...(c
      ? {
          counterexample: {
            ...c,
            op: withLines(c.op),
            ...(c.lastLinearized ? { lastLinearized: withLines(c.lastLinearized) } : {}),
            linearization: c.linearization.map((s) => ({ ...s, op: withLines(s.op) })),
            pending: c.pending.map(withLines),
          },
        }
      : {}),
  };
}

/** History index → 1-based source line. */
function lineLookup(parsed: ParsedHistory): (index: number) => number | undefined {
  const byIndex = new Map<number, number>();
  parsed.events.forEach((ev, position) => byIndex.set(ev.index, parsed.lines[position]));
  return (index) => byIndex.get(index);
}

const VERDICT_TEXT = {
  linearizable: (paint: ChalkInstance) => paint.bold.green('linearizable'),
  'not-linearizable': (paint: ChalkInstance) => paint.bold.red('NOT linearizable'),
  unknown: (paint: ChalkInstance) => paint.bold.yellow('undecided'),
} as const;

/** How many steps of the partial linearization the text output shows. */
const TEXT_STEPS = 5;

function resultLines(file: string, format: HistoryFormat, r: LinearizabilityResult, elapsedMs: number, parsed: ParsedHistory, paint: ChalkInstance): string[] {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const summary = `${plural(r.operations, 'operation')}, ${plural(r.partitions, 'partition')}, model ${r.model}, ${format}, ${elapsedMs.toFixed(1)} ms`;
  const lines = [`${paint.bold(file)}: ${VERDICT_TEXT[r.verdict](paint)} ${paint.dim(`(${summary})`)}`];
  if (r.verdict === 'unknown') {
    const stopped = new Set(r.partitionResults.filter((p) => p.stoppedBy).map((p) => p.stoppedBy));
    const why = [...stopped].map((s) => (s === 'steps' ? 'the step budget (--budget)' : s === 'time' ? 'the time limit (--timeout)' : 'the memo budget (--memory)')).join(' and ');
    lines.push(`  ${why} ran out; undecided: ${r.undecided!.join(', ')}`);
  }
  const c = r.counterexample;
  if (!c) return lines;
  const lineOf = lineLookup(parsed);
  const where = (ref: OperationRef): string => {
    const a = lineOf(ref.invokeIndex);
    const b = ref.completeIndex !== undefined ? lineOf(ref.completeIndex) : undefined;
    return a === undefined ? '' : paint.dim(b !== undefined ? ` (lines ${a}–${b})` : ` (line ${a})`);
  };
  lines.push(`  ${c.partition === 'all' ? '' : `${c.partition}: `}${paint.red(c.op.text)}${where(c.op)} cannot be linearized`);
  lines.push(`    ${c.reason}`);
  if (c.linearizedCount === 0) {
    lines.push(`  it must come first, in the initial state ${c.stateAtFailure}`);
    return lines;
  }
  const shown = c.linearization.slice(-TEXT_STEPS);
  const skipped = c.linearizedCount - shown.length;
  lines.push(`  longest linearization found: ${plural(c.linearizedCount, 'operation')}${skipped > 0 ? `, the last ${shown.length}` : ''}:`);
  const width = Math.max(...shown.map((s) => s.op.text.length));
  for (const s of shown) lines.push(`    ${s.op.text.padEnd(width)}  ${paint.dim('→')} ${s.stateAfter}${where(s.op)}`);
  if (c.pending.length > 0) {
    const open = c.pending.slice(0, 3).map((p) => p.text);
    lines.push(`  still open then: ${open.join('; ')}${c.pending.length > 3 ? `; and ${c.pending.length - 3} more` : ''}`);
  }
  return lines;
}
