// The CLI factory and entry point. Commands are listed explicitly, one per file; exit codes
// are assigned here and in the handlers' return values (never process.exit).
import chalk from 'chalk';
import yargs, { type Argv } from 'yargs';
import { ExitCode, InputError, InternalRunError } from '../scenario/errors.js';
import { packageVersion } from '../scenario/registry.js';
import { AssertionError } from '../sim/types.js';
import { checkCommand } from './commands/check.js';
import { fuzzCommand } from './commands/fuzz.js';
import { listCommand } from './commands/list.js';
import { mergeCommand } from './commands/merge.js';
import { replayCommand } from './commands/replay.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { shrinkCommand } from './commands/shrink.js';
import { guardOutputStreams, inputErrorLines, internalErrorLines, io, outputExitCode } from './output.js';

/** A usage error found by yargs (unknown command or flag, missing argument): already has its message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function buildCli(argv: readonly string[]): Argv<object> {
  return yargs([...argv])
    .scriptName('faultline')
    .usage('$0 <command> [options]\n\nDeterministic simulation of distributed protocols under faults.')
    .command(runCommand)
    .command(listCommand)
    .command(fuzzCommand)
    .command(replayCommand)
    .command(shrinkCommand)
    .command(mergeCommand)
    .command(checkCommand)
    .command(reportCommand)
    .demandCommand(1, 'a command is required (run, list, fuzz, replay, shrink, merge, check, report); see faultline --help')
    .strict()
    .recommendCommands()
    .exitProcess(false)
    .version(packageVersion())
    .help()
    .alias('h', 'help')
    .wrap(null)
    .epilog('Exit codes: 0 pass · 1 a check failed · 2 bad input · 3 undecided · 4 internal error')
    .fail((message, error) => {
      // Errors thrown by a handler come back here too: rethrow them for main to classify.
      // yargs' own validation errors (YError, e.g. a flag missing its value) are usage errors.
      if (error && error.name !== 'YError') throw error;
      process.exitCode = ExitCode.badInput;
      throw new UsageError(message ?? error?.message ?? 'bad usage');
    });
}

/** Parse argv, run the command, and set process.exitCode. Never throws, never exits. */
export async function main(argv: readonly string[]): Promise<void> {
  // https://no-color.org: chalk 5 does not read NO_COLOR itself; FORCE_COLOR still wins.
  if (process.env.NO_COLOR && !process.env.FORCE_COLOR) chalk.level = 0;
  guardOutputStreams();
  try {
    await buildCli(argv).parseAsync();
  } catch (error) {
    process.exitCode = reportError(error, argv);
  }
  process.exitCode = outputExitCode(process.exitCode === undefined ? undefined : Number(process.exitCode));
}

function reportError(error: unknown, argv: readonly string[]): ExitCode {
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
