// The shared client-progress and leadership-settles halves of Multi-Paxos's and Zab's
// liveness checks: what they accept and what they reject.
import { describe, expect, it } from 'vitest';
import { clientsServed, leadershipSettled } from '../../../protocols/common/liveness.js';
import type { HistoryEvent } from '../../../sim/types.js';

let index = 0;
const ev = (process: number, type: HistoryEvent['type'], timeUs: number): HistoryEvent => ({ index: index++, process, type, f: 'get', key: 'k1', timeUs });

describe('clientsServed', () => {
  const bound = 1_000;
  it('passes when an op completes ok within the bound after faults stop and later ops are answered in time', () => {
    expect(clientsServed(bound, 10_000, 20_000, [ev(0, 'invoke', 10_100), ev(0, 'ok', 10_500), ev(1, 'invoke', 12_000), ev(1, 'fail', 12_400)])).toBeUndefined();
  });
  it('fails when nothing completes ok in time, when a late op ends info, or stays open', () => {
    expect(clientsServed(bound, 10_000, 20_000, [ev(0, 'invoke', 10_100), ev(0, 'ok', 11_500)])).toMatch(/^no client operation completed ok between faults stopping \(10ms\) and 11ms/);
    expect(clientsServed(bound, 10_000, 20_000, [ev(0, 'invoke', 10_100), ev(0, 'ok', 10_200), ev(1, 'invoke', 12_000), ev(1, 'info', 14_000)])).toMatch(/^get k1 invoked at 12ms by process 1 ended info at 14ms, over the 1ms bound/);
    expect(clientsServed(bound, 10_000, 20_000, [ev(0, 'invoke', 10_100), ev(0, 'ok', 10_200), ev(1, 'invoke', 12_000)])).toMatch(/still open at the end \(20ms\)/);
  });
});

describe('leadershipSettled', () => {
  const elections = [{ atUs: 10_500, node: 1, term: 'in epoch 3' }];
  it('passes when no leader rises after the bound, or when the run ends first', () => {
    expect(leadershipSettled(elections, 1_000, 10_000, 20_000, 'established')).toBeUndefined();
    expect(leadershipSettled([{ atUs: 30_000, node: 0, term: 'x' }], 1_000, 10_000, 10_500, 'elected')).toBeUndefined();
  });
  it('fails on a leader that rose after the bound, naming it', () => {
    expect(leadershipSettled([...elections, { atUs: 15_000, node: 2, term: 'at ballot 4.n3' }], 1_000, 10_000, 20_000, 'elected')).toBe(
      'leadership did not settle: 1 leader(s) elected after 11ms (faults stopped at 10ms, bound 1ms): n3 at ballot 4.n3 at 15ms',
    );
  });
});
