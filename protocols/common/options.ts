// Reading a protocol's `protocol.options` from a scenario: unknown keys, positive integers
// (durations arrive as integer microseconds), booleans and [min, max] ranges, each refused
// with a message that names the protocol and the key (the scenario loader points at it).
// The protocol's own error class marks the message as bad input, not a bug of ours.

export class OptionReader {
  constructor(
    /** The protocol's name, as messages start: `raft option heartbeatUs: ...`. */
    private readonly protocol: string,
    private readonly known: readonly string[],
    /** Where the options are documented, for the unknown-key message. */
    private readonly docs: string,
    private readonly error: (message: string) => Error,
  ) {}

  private fail(key: string, expected: string, got: unknown): never {
    throw this.error(`${this.protocol} option ${key}: ${expected}, got ${JSON.stringify(got)}`);
  }

  /** Refuse the first unknown key (in sorted order, so the message does not depend on the file's order). */
  checkKnown(options: Record<string, unknown>): void {
    const unknown = Object.keys(options)
      .filter((k) => !this.known.includes(k))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (unknown.length > 0) throw this.error(`${this.protocol} option ${unknown[0]}: not a ${this.protocol} option (see ${this.docs})`);
  }

  positiveInt(options: Record<string, unknown>, key: string, fallback: number, what = 'a positive integer'): number {
    const v = options[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) this.fail(key, `expected ${what}`, v);
    return v;
  }

  nonNegativeInt(options: Record<string, unknown>, key: string, fallback: number): number {
    const v = options[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) this.fail(key, 'expected an integer >= 0', v);
    return v;
  }

  bool(options: Record<string, unknown>, key: string, fallback: boolean): boolean {
    const v = options[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(key, 'expected true or false', v);
    return v;
  }

  /**
   * A [min, max] pair of integer durations with min <= max: `positive` wants 0 < min;
   * otherwise 0 <= min and max > 0.
   */
  range(options: Record<string, unknown>, key: string, fallback: readonly [number, number], positive: boolean): readonly [number, number] {
    const v = options[key];
    if (v === undefined) return fallback;
    const low = positive ? 1 : 0;
    const ok = Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= low) && (v[0] as number) <= (v[1] as number) && (v[1] as number) > 0;
    if (!ok) this.fail(key, `expected [min, max] durations with ${positive ? '0 < min <= max' : '0 <= min <= max, max > 0'}`, v);
    return Object.freeze([(v as number[])[0], (v as number[])[1]] as const);
  }
}
