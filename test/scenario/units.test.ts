import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseProbability } from '../../scenario/units.js';

describe('parseDuration', () => {
  it.each([
    { text: '0', want: 0 },
    { text: 0, want: 0 },
    { text: '50us', want: 50 },
    { text: '200ms', want: 200_000 },
    { text: '1.5s', want: 1_500_000 },
    { text: '20s', want: 20_000_000 },
    { text: '2m', want: 120_000_000 },
    { text: '0.001ms', want: 1 },
    { text: '1.25ms', want: 1_250 },
    { text: '0ms', want: 0 },
    { text: '10 ms', want: 10_000 },
  ])('$text -> $want us', ({ text, want }) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: want });
  });

  it.each([
    { text: 200, why: /bare number has no unit/ },
    { text: '200', why: /a duration with a unit, like 200ms/ },
    { text: '5h', why: /a duration with a unit/ },
    { text: '1.5', why: /a duration with a unit/ },
    { text: 'ms', why: /a duration with a unit/ },
    { text: '0.5us', why: /whole number of microseconds/ },
    { text: '1.0000001s', why: /whole number of microseconds/ },
    { text: '-5ms', why: /non-negative/ },
    { text: true, why: /got true/ },
    { text: null, why: /got null/ },
    { text: [1, 'ms'], why: /got a list/ },
    { text: '99999999999999999999s', why: /below 2\^53/ },
  ])('$text is rejected', ({ text, why }) => {
    const result = parseDuration(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(why);
  });

  it('accepts negative durations only when asked', () => {
    expect(parseDuration('-500ms', { allowNegative: true })).toEqual({ ok: true, value: -500_000 });
    expect(parseDuration('-500ms').ok).toBe(false);
  });

  it('is exact: formatting then parsing gives back the integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 59_999_999 }), (us) => {
        expect(parseDuration(formatDuration(us))).toEqual({ ok: true, value: us });
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('parseProbability', () => {
  it.each([
    { value: '1%', want: 10_000 },
    { value: '0.5%', want: 5_000 },
    { value: '100%', want: 1_000_000 },
    { value: '0%', want: 0 },
    { value: '0.0001%', want: 1 },
    { value: 0.01, want: 10_000 },
    { value: 0.005, want: 5_000 },
    { value: 0, want: 0 },
    { value: 1, want: 1_000_000 },
    { value: 0.1, want: 100_000 },
  ])('$value -> $want ppm', ({ value, want }) => {
    expect(parseProbability(value)).toEqual({ ok: true, value: want });
  });

  it.each([
    { value: '101%', why: /at most 100%/ },
    { value: 1.5, why: /between 0 and 1/ },
    { value: -0.1, why: /between 0 and 1/ },
    { value: '1', why: /a percentage like "1%"/ },
    { value: 'often', why: /a percentage/ },
    { value: '-1%', why: /a percentage/ },
    { value: '0.00001%', why: /whole parts per million/ },
    { value: 0.0000001, why: /whole parts per million/ },
    { value: undefined, why: /a probability/ },
  ])('$value is rejected', ({ value, why }) => {
    const result = parseProbability(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(why);
  });
});

describe('formatDuration', () => {
  it.each([
    { us: 0, want: '0s' },
    { us: 999, want: '999us' },
    { us: 1_500, want: '1.5ms' },
    { us: 20_000_000, want: '20s' },
    { us: 1_250_000, want: '1.25s' },
    { us: 90_000_000, want: '1m 30s' },
    { us: -500_000, want: '-500ms' },
  ])('$us us -> $want', ({ us, want }) => {
    expect(formatDuration(us)).toBe(want);
  });
});
