// Units in scenario files and on the command line: durations become integer microseconds
// and probabilities integer parts per million. Parsing is exact (decimal strings are split
// into integer and fraction, never multiplied as floats), and never throws: callers turn
// the `expected` text into an InputError that names the file, line and field.
import { PPM, type Micros, type Ppm } from '../sim/types.js';

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

const ok = <T>(value: T): Result<T, string> => ({ ok: true, value });
const err = (error: string): Result<never, string> => ({ ok: false, error });

const US_PER_UNIT: Readonly<Record<string, bigint>> = {
  us: 1n,
  ms: 1_000n,
  s: 1_000_000n,
  m: 60_000_000n,
};

/** `1.5s`, `200ms`, `-500ms`, `50us`, `2m`. Unit required; the decimal must come out to whole microseconds. */
const DURATION_RE = /^([+-]?)(\d+)(?:\.(\d+))?\s*(us|ms|s|m)$/;

export const DURATION_EXPECTED = 'a duration with a unit, like 200ms (units: us, ms, s, m)';

/** Does this string look like a duration (number + unit)? Used to convert protocol options. */
export function looksLikeDuration(text: string): boolean {
  return DURATION_RE.test(text.trim());
}

export interface DurationOptions {
  /** Allow a leading minus (clock jumps and offsets). */
  allowNegative?: boolean;
}

/**
 * Parse a duration: a string with a unit (`200ms`, `1.5s`), or the bare number 0.
 * Returns integer microseconds, or what was expected.
 */
export function parseDuration(value: unknown, options: DurationOptions = {}): Result<Micros, string> {
  const expected = options.allowNegative ? `${DURATION_EXPECTED}; negative allowed, like -500ms` : DURATION_EXPECTED;
  if (value === 0 || value === '0') return ok(0);
  if (typeof value === 'number') return err(`${expected}; a bare number has no unit (got ${value})`);
  if (value === undefined) return err(expected);
  if (typeof value !== 'string') return err(`${expected} (got ${describeValue(value)})`);
  const match = DURATION_RE.exec(value.trim());
  if (!match) return err(`${expected} (got ${JSON.stringify(value)})`);
  const [, sign, whole, fraction = '', unit] = match;
  if (sign === '-' && !options.allowNegative) return err(`a non-negative duration (got ${JSON.stringify(value)})`);
  const perUnit = US_PER_UNIT[unit];
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(whole) * scale + BigInt(fraction === '' ? '0' : fraction)) * perUnit;
  if (scaled % scale !== 0n) return err(`a whole number of microseconds (got ${JSON.stringify(value)})`);
  const magnitude = scaled / scale;
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) return err(`a duration below 2^53 microseconds (got ${JSON.stringify(value)})`);
  const us = Number(magnitude);
  return ok(sign === '-' && us !== 0 ? -us : us);
}

export const PROBABILITY_EXPECTED = 'a probability: a percentage like "1%" or a fraction like 0.01, between 0 and 1';

/** `1%`, `0.5%`, or a fraction `0.01` (also `0` and `1`). Returns integer parts per million. */
export function parseProbability(value: unknown): Result<Ppm, string> {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || value > 1) return err(`${PROBABILITY_EXPECTED} (got ${value})`);
    // A fraction typed by a human: round to ppm, but refuse precision that ppm cannot hold.
    const ppm = Math.round(value * PPM);
    if (Math.abs(value * PPM - ppm) > 1e-6) return err(`a probability in whole parts per million (got ${value})`);
    return ok(ppm);
  }
  if (value === undefined) return err(PROBABILITY_EXPECTED);
  if (typeof value !== 'string') return err(`${PROBABILITY_EXPECTED} (got ${describeValue(value)})`);
  const match = /^(\d+)(?:\.(\d+))?\s*%$/.exec(value.trim());
  if (!match) return err(`${PROBABILITY_EXPECTED} (got ${JSON.stringify(value)})`);
  const [, whole, fraction = ''] = match;
  // percent -> ppm is * 10_000
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(whole) * scale + BigInt(fraction === '' ? '0' : fraction)) * 10_000n;
  if (scaled % scale !== 0n) return err(`a probability in whole parts per million (got ${JSON.stringify(value)})`);
  const ppm = scaled / scale;
  if (ppm > BigInt(PPM)) return err(`a probability at most 100% (got ${JSON.stringify(value)})`);
  return ok(Number(ppm));
}

/** Human form of a duration for terminal output: `20s`, `1.5ms`, `2m 3.25s`. Exact, no float accumulation. */
export function formatDuration(us: Micros): string {
  if (!Number.isSafeInteger(us)) return `${us}us`;
  if (us < 0) return `-${formatDuration(-us)}`;
  if (us === 0) return '0s';
  const decimal = (n: number, per: number, unit: string): string => {
    const whole = Math.floor(n / per);
    const rest = n % per;
    if (rest === 0) return `${whole}${unit}`;
    const digits = String(per).length - 1;
    return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}${unit}`;
  };
  if (us < 1_000) return `${us}us`;
  if (us < 1_000_000) return decimal(us, 1_000, 'ms');
  if (us < 60_000_000) return decimal(us, 1_000_000, 's');
  const minutes = Math.floor(us / 60_000_000);
  const rest = us % 60_000_000;
  return rest === 0 ? `${minutes}m` : `${minutes}m ${decimal(rest, 1_000_000, 's')}`;
}

/** Short description of an unexpected value, for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (typeof value === 'object') return 'a mapping';
  // JSON.stringify gives undefined for a function or a symbol, and throws for a bigint.
  const text = typeof value === 'bigint' ? `${value}` : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
