// The CLI's output streams (io), their EPIPE/ENOSPC guard, and the error lines: all that
// cli/main.ts needs before a command loads, kept apart from output.ts (run verdicts, traces),
// whose imports reach the scenario runner.
import chalk from 'chalk';
import { ExitCode } from '../scenario/errors.js';

/** Set once stdout or stderr fails (EPIPE: the reader went away): later output is dropped. */
const closed = { out: false, err: false };
/** A write to stdout failed with something other than EPIPE (ENOSPC on `> /dev/full`): exit 2. */
let stdoutFailure: string | undefined;

/** All output goes through here, so tests can capture it and handlers never print ad hoc. */
export const io = {
  out(text: string): void {
    if (closed.out) return;
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  },
  err(text: string): void {
    if (closed.err) return;
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  },
};

let guarded = false;

/**
 * Writing to a closed stdout (`faultline list | head -c1`) ends quietly: no stack trace, the
 * rest of the output is dropped, and the exit code stays the command's own (a reader that
 * stops early is not an error of the run). Any other failure to write stdout (ENOSPC) is
 * reported on stderr and makes the exit code 2. Installed once, by main.
 */
export function guardOutputStreams(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    closed.out = true;
    if (error.code === 'EPIPE') return;
    stdoutFailure = error.code ?? error.message;
    io.err(chalk.red(`error: cannot write stdout: ${stdoutFailure}`));
    process.exitCode = ExitCode.badInput;
  });
  process.stderr.on('error', () => {
    closed.err = true;
  });
}

/** The exit code to report once the command is done: 2 if stdout could not be written (other than EPIPE). */
export function outputExitCode(code: number | undefined): number | undefined {
  return stdoutFailure !== undefined ? ExitCode.badInput : code;
}

/** `error: <message>` in red, on stderr: bad input, no stack trace. */
export function inputErrorLines(message: string): string[] {
  return [chalk.red(`error: ${message}`)];
}

/** An internal error (our bug): the message, the seed and the replay command when known. */
export function internalErrorLines(message: string, context: { seed?: string; replay?: string; stack?: string }): string[] {
  const lines = [chalk.red(`internal error (a bug in faultline, please report it): ${message}`)];
  if (context.seed !== undefined) lines.push(`seed: ${context.seed}`);
  if (context.replay !== undefined) lines.push(`replay: ${context.replay}`);
  if (context.stack !== undefined) lines.push(chalk.dim(context.stack));
  return lines;
}
