// Raft's scenario options: defaults, and bad input named by its key.
import { describe, expect, it } from 'vitest';
import { defaultRaftOptions, parseRaftOptions, RaftOptionError } from '../../../protocols/raft/index.js';

describe('raft options', () => {
  it('fills defaults and reads what a scenario sets', () => {
    expect(parseRaftOptions({})).toEqual(defaultRaftOptions);
    const o = parseRaftOptions({ electionTimeoutUs: [100_000, 200_000], heartbeatUs: 20_000, preVote: false, maxAppendEntries: 1 });
    expect(o.electionTimeoutUs).toEqual([100_000, 200_000]);
    expect(o.preVote).toBe(false);
    expect(o.checkQuorum).toBe(true);
    expect(o.maxAppendEntries).toBe(1);
  });
  it.each([
    [{ electionTimout: [1, 2] }, /raft option electionTimout: not a raft option/],
    [{ electionTimeoutUs: [300_000, 150_000] }, /electionTimeoutUs: expected \[min, max\]/],
    [{ electionTimeoutUs: '150ms' }, /electionTimeoutUs/],
    [{ heartbeatUs: 0 }, /heartbeatUs: expected a positive integer/],
    [{ heartbeatUs: 1 }, /heartbeatUs: expected at least 1ms/],
    [{ heartbeatUs: 200_000 }, /heartbeatUs \(200000\) must be below the minimum election timeout/],
    [{ preVote: 'yes' }, /preVote: expected true or false/],
  ])('rejects %j', (options, message) => {
    expect(() => parseRaftOptions(options)).toThrow(RaftOptionError);
    expect(() => parseRaftOptions(options)).toThrow(message);
  });
});
