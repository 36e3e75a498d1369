// Exit codes (DESIGN.md) and the one error type the CLI reports without a stack trace.

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
