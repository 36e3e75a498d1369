// Zab's options: defaults, and malformed values refused with a message naming the key.
import { describe, expect, it } from 'vitest';
import { defaultZabOptions, parseZabOptions, ZabOptionError } from '../../../protocols/zab/options.js';

describe('zab options', () => {
  it('fills defaults', () => expect(parseZabOptions({})).toEqual(defaultZabOptions));

  it('reads every option', () => {
    const o = parseZabOptions({ tickUs: 10_000, syncLimitUs: 100_000, initLimitUs: 300_000, finalizeWaitUs: 5_000, diffWindow: 5, maxBatch: 2, sessionTimeoutUs: 50_000, followerReads: true, livenessBoundUs: 1_000_000 });
    expect(o).toMatchObject({ tickUs: 10_000, diffWindow: 5, followerReads: true });
  });

  it.each([
    [{ nope: 1 }, /nope: not a zab option/],
    [{ tickUs: 0 }, /tickUs: expected a positive integer/],
    [{ tickUs: 500 }, /at least 1ms/],
    [{ syncLimitUs: 30_000 }, /at least two ticks/],
    [{ initLimitUs: 100_000 }, /at least syncLimitUs/],
    [{ followerReads: 'yes' }, /followerReads: expected true or false/],
  ])('refuses %j', (options, message) => {
    expect(() => parseZabOptions(options)).toThrow(ZabOptionError);
    expect(() => parseZabOptions(options)).toThrow(message);
  });
});
