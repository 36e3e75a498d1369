// The shared reader of protocol options: what it accepts, and the messages that refuse.
import { describe, expect, it } from 'vitest';
import { OptionReader } from '../../../protocols/common/options.js';

class TestOptionError extends Error {}
const read = new OptionReader('demo', ['a', 'b', 'r'], 'demo/index.ts', (m) => new TestOptionError(m));

describe('OptionReader', () => {
  it('refuses the first unknown key in sorted order, naming the protocol and its docs', () => {
    expect(() => read.checkKnown({ z: 1, y: 2, a: 1 })).toThrow(new TestOptionError('demo option y: not a demo option (see demo/index.ts)'));
    expect(() => read.checkKnown({ a: 1, b: true })).not.toThrow();
  });

  it.each([
    [{ a: 0 }, 'demo option a: expected a positive integer, got 0'],
    [{ a: 1.5 }, 'demo option a: expected a positive integer, got 1.5'],
    [{ a: '5ms' }, 'demo option a: expected a positive integer, got "5ms"'],
  ])('positiveInt refuses %j', (options, message) => {
    expect(() => read.positiveInt(options, 'a', 7)).toThrow(new TestOptionError(message));
  });

  it('reads integers, booleans and ranges, with their defaults', () => {
    expect(read.positiveInt({}, 'a', 7)).toBe(7);
    expect(read.positiveInt({ a: 3 }, 'a', 7)).toBe(3);
    expect(read.bool({ b: false }, 'b', true)).toBe(false);
    expect(() => read.bool({ b: 1 }, 'b', true)).toThrow(/demo option b: expected true or false, got 1/);
    expect(read.range({ r: [1, 2] }, 'r', [5, 6], true)).toEqual([1, 2]);
    expect(read.range({}, 'r', [5, 6], true)).toEqual([5, 6]);
    expect(read.range({ r: [0, 2] }, 'r', [5, 6], false)).toEqual([0, 2]);
  });

  it.each([
    [[0, 2], true],
    [[3, 2], true],
    [[0, 0], false],
    [[1], true],
    [[1, 2.5], false],
    ['1-2', false],
  ])('range refuses %j (positive: %s)', (value, positive) => {
    expect(() => read.range({ r: value }, 'r', [1, 1], positive)).toThrow(/^demo option r: expected \[min, max\] durations with /);
  });
});
