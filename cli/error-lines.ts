// The error lines the CLI prints on stderr: bad input (red, no stack) and internal errors.
import chalk from 'chalk';

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
