// Lock options: defaults, the drift allowance, and every refusal names the key.
import { describe, expect, it } from 'vitest';
import { LockOptionError, allowanceUs, parseLockOptions } from '../../../protocols/lock/options.js';

describe('lock options', () => {
  it('defaults: a 500ms TTL, valid for TTL minus 2% twice and 20ms', () => {
    const o = parseLockOptions({});
    expect(o.ttlUs).toBe(500_000);
    expect(allowanceUs(o)).toBe(40_000);
    expect(o.raft.heartbeatUs).toBe(50_000);
  });

  it('passes Raft options on to Raft', () => {
    expect(parseLockOptions({ electionTimeoutUs: [100_000, 200_000], heartbeatUs: 20_000 }).raft.electionTimeoutUs).toEqual([100_000, 200_000]);
  });

  it.each([
    [{ ttlUs: 0 }, /lock option ttlUs: expected a positive integer/],
    [{ ttlUs: 10_000 }, /must exceed the drift allowance/],
    [{ driftPpm: 300_000 }, /driftPpm: expected below 200000/],
    [{ retryUs: [50_000, 10_000] }, /lock option retryUs: expected \[min, max\]/],
    [{ renew: 'yes' }, /lock option renew: expected true or false/],
    [{ heartbeatUs: 500_000 }, /raft option heartbeatUs .* must be below the minimum election timeout/],
    [{ leaseUs: 1 }, /lock option leaseUs: not a lock option/],
  ])('refuses %j', (options, message) => {
    expect(() => parseLockOptions(options)).toThrow(LockOptionError);
    expect(() => parseLockOptions(options)).toThrow(message);
  });
});
