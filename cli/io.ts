// The CLI's output streams (io) and their EPIPE/ENOSPC guard: all that cli/main.ts needs
// before a command loads, kept apart from output.ts (run verdicts, traces), whose imports
// reach the scenario runner, and from chalk (error-lines.ts), which `--help` never needs.
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
    const message = `error: cannot write stdout: ${stdoutFailure}`;
    process.exitCode = ExitCode.badInput;
    void import('chalk').then(({ default: chalk }) => io.err(chalk.red(message)));
  });
  process.stderr.on('error', () => {
    closed.err = true;
  });
}

/** The exit code to report once the command is done: 2 if stdout could not be written (other than EPIPE). */
export function outputExitCode(code: number | undefined): number | undefined {
  return stdoutFailure !== undefined ? ExitCode.badInput : code;
}
