// Exit codes (DESIGN.md), the one error type the CLI reports without a stack trace, and the
// error a run throws when faultline itself fails.

export const ExitCode = {
  pass: 0,
  checkFailed: 1,
  badInput: 2,
  undecided: 3,
  internalError: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad input: names the file, the line (1-based, when known) and the field, and says what was expected. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string | undefined,
    readonly expected: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${expected}`);
  }
}

/**
 * Something failed inside faultline during a run: our bug, not the user's input. Carries
 * what the report needs (the seed and the replay command). Thrown by runner.ts; lives here
 * rather than in runner.ts so that the CLI can recognise it without loading the kernel.
 */
export class InternalRunError extends Error {
  override name = 'InternalRunError';
  constructor(
    override readonly cause: unknown,
    readonly seed: string,
    readonly replay: string,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}
