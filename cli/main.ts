// The CLI factory and entry point. Commands are listed explicitly, one per file; exit codes
// are assigned here and in the handlers' return values (never process.exit). A command's
// module (and all it imports) loads only when that command runs: `faultline --help` reads
// the heads alone (issue #14: CLI startup).
import yargs, { type Argv, type CommandModule } from 'yargs';
import { ExitCode, InputError, InternalRunError } from '../scenario/errors.js';
import { packageVersion } from '../scenario/registry.js';
import { AssertionError } from '../sim/types.js';
import { commandHeads, type CommandHead } from './commands/heads.js';
import { guardOutputStreams, io, outputExitCode } from './io.js';

/** A usage error found by yargs (unknown command or flag, missing argument): already has its message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function buildCli(argv: readonly string[]): Argv<object> {
  return yargs([...argv])
    .scriptName('faultline')
    .usage('$0 <command> [options]\n\nDeterministic simulation of distributed protocols under faults.')
    .command(lazyCommand(commandHeads.run, async () => (await import('./commands/run.js')).runCommand))
    .command(lazyCommand(commandHeads.list, async () => (await import('./commands/list.js')).listCommand))
    .command(lazyCommand(commandHeads.fuzz, async () => (await import('./commands/fuzz.js')).fuzzCommand))
    .command(lazyCommand(commandHeads.replay, async () => (await import('./commands/replay.js')).replayCommand))
    .command(lazyCommand(commandHeads.shrink, async () => (await import('./commands/shrink.js')).shrinkCommand))
    .command(lazyCommand(commandHeads.merge, async () => (await import('./commands/merge.js')).mergeCommand))
    .command(lazyCommand(commandHeads.check, async () => (await import('./commands/check.js')).checkCommand))
    .command(lazyCommand(commandHeads.report, async () => (await import('./commands/report.js')).reportCommand))
    .demandCommand(1, 'a command is required (run, list, fuzz, replay, shrink, merge, check, report); see faultline --help')
    .strict()
    .recommendCommands()
    .exitProcess(false)
    .version(packageVersion())
    .help()
    .alias('h', 'help')
    .wrap(null)
    // Plain ASCII: cliui measures every help string, and one non-ASCII character costs an
    // Intl.Segmenter (ICU data, 8-20 ms) before `--help` prints (issue #14).
    .epilog('Exit codes: 0 pass, 1 a check failed, 2 bad input, 3 undecided, 4 internal error')
    .fail((message, error) => {
      // Errors thrown by a handler come back here too: rethrow them for main to classify.
      // yargs' own validation errors (YError, e.g. a flag missing its value) are usage errors.
      if (error && error.name !== 'YError') throw error;
      process.exitCode = ExitCode.badInput;
      throw new UsageError(message ?? error?.message ?? 'bad usage');
    });
}

/**
 * A command registered by its head: its module loads when yargs runs its builder (only for
 * the command being parsed), and the handler is the module's own. yargs awaits a builder
 * that returns a promise under parseAsync.
 */
function lazyCommand<T>(head: CommandHead, load: () => Promise<CommandModule<object, T>>): CommandModule<object, T> {
  let loaded: Promise<CommandModule<object, T>> | undefined;
  const module = () => (loaded ??= loadChalk().then(load));
  return {
    command: head.command,
    describe: head.describe,
    builder: (async (y: Argv<object>) => {
      const builder = (await module()).builder;
      return typeof builder === 'function' ? builder(y) : y.options(builder ?? {});
    }) as unknown as CommandModule<object, T>['builder'],
    handler: async (args) => {
      await (await module()).handler(args);
    },
  };
}

/** Parse argv, run the command, and set process.exitCode. Never throws, never exits. */
export async function main(argv: readonly string[]): Promise<void> {
  guardOutputStreams();
  try {
    await buildCli(argv).parseAsync();
  } catch (error) {
    await loadChalk();
    process.exitCode = reportError(error, argv, await import('./error-lines.js'));
  }
  process.exitCode = outputExitCode(process.exitCode === undefined ? undefined : Number(process.exitCode));
}

/**
 * chalk, loaded before anything that prints in colour (a command, an error report) and
 * never for --help or --version. https://no-color.org: chalk 5 does not read NO_COLOR
 * itself; FORCE_COLOR still wins.
 */
async function loadChalk(): Promise<void> {
  const { default: chalk } = await import('chalk');
  if (process.env.NO_COLOR && !process.env.FORCE_COLOR) chalk.level = 0;
}

function reportError(error: unknown, argv: readonly string[], { inputErrorLines, internalErrorLines }: typeof import('./error-lines.js')): ExitCode {
  // A lazy command's builder is async, and yargs then rejects with its validation error
  // (a flag missing its value) instead of calling .fail(): the same usage error.
  if (error instanceof Error && error.name === 'YError') error = new UsageError(error.message);
  if (error instanceof UsageError) {
    const unknownCommand = error.message.startsWith('Did you mean') && argv[0] !== undefined ? `unknown command ${JSON.stringify(argv[0])}. ` : '';
    for (const line of inputErrorLines(`${unknownCommand}${error.message}`)) io.err(line);
    io.err('Run faultline --help for usage.');
    return ExitCode.badInput;
  }
  if (error instanceof InputError) {
    for (const line of inputErrorLines(error.message)) io.err(line);
    return ExitCode.badInput;
  }
  if (error instanceof InternalRunError) {
    const cause = error.cause;
    for (const line of internalErrorLines(describeCause(cause), { seed: error.seed, replay: error.replay, stack: stackOf(cause) })) io.err(line);
    return ExitCode.internalError;
  }
  for (const line of internalErrorLines(describeCause(error), { stack: stackOf(error) })) io.err(line);
  return ExitCode.internalError;
}

function describeCause(cause: unknown): string {
  if (cause instanceof AssertionError) return `assertion failed: ${cause.message}`;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}

/** The stack of an internal error, only when asked for (FAULTLINE_DEBUG=1): the message, seed and replay come first. */
function stackOf(error: unknown): string | undefined {
  return process.env.FAULTLINE_DEBUG && error instanceof Error ? error.stack : undefined;
}
