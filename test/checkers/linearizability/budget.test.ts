// Budgets: running out gives `unknown` naming the undecided partitions; never a hang.
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../../sim/types.js';
import { checkHistory } from '../../../checkers/index.js';
import { history, op, type Row } from './history-builder.js';

/**
 * A hard history: n writers of distinct values all concurrent with n readers that see
 * them in an impossible order, so the search must try many orders before giving up.
 */
function hard(n: number, key?: string): Row[] {
  const o = key !== undefined ? { key } : {};
  const rows: Row[] = [];
  for (let p = 0; p < n; p++) rows.push([p, 'invoke', key ? 'put' : 'write', p, o]);
  for (let p = 0; p < n; p++) rows.push([100 + p, 'invoke', key ? 'get' : 'read', null, o]);
  for (let p = 0; p < n; p++) rows.push([100 + p, 'ok', key ? 'get' : 'read', (p * 7) % n, o]);
  for (let p = 0; p < n; p++) rows.push([p, 'ok', key ? 'put' : 'write', p, o]);
  // Then a read of a value that is never the last write: not linearizable.
  rows.push(...op(999, key ? 'get' : 'read', null, n + 1, o));
  return rows;
}

describe('budgets', () => {
  it('a tiny step budget gives unknown and names the partition', () => {
    const r = checkHistory(history(hard(8)), 'register', { budgetSteps: 50 });
    expect(r.verdict).toBe('unknown');
    expect(r.undecided).toEqual(['all']);
    expect(r.partitionResults[0]).toMatchObject({ verdict: 'unknown', stoppedBy: 'steps' });
    expect(r.steps).toBeLessThanOrEqual(50);
  });

  it('with enough budget the same history is decided', () => {
    expect(checkHistory(history(hard(8)), 'register').verdict).toBe('not-linearizable');
  });

  it('small partitions are decided first; the undecided ones are named', () => {
    const rows: Row[] = [...op(0, 'put', 'a', 'a', { key: 'easy' }), ...op(0, 'get', null, 'a', { key: 'easy' }), ...hard(8, 'hard1'), ...hard(9, 'hard2')];
    const r = checkHistory(history(rows), 'kv', { budgetSteps: 200 });
    expect(r.verdict).toBe('unknown');
    expect(r.partitionResults.map((p) => [p.name, p.verdict])).toEqual([
      ['key "easy"', 'linearizable'],
      ['key "hard1"', 'unknown'],
      ['key "hard2"', 'unknown'],
    ]);
    expect(r.undecided).toEqual(['key "hard1"', 'key "hard2"']);
  });

  it('a not-linearizable partition wins over undecided ones', () => {
    const rows: Row[] = [...op(0, 'put', 'a', 'a', { key: 'bad' }), ...op(0, 'get', null, 'b', { key: 'bad' }), ...hard(9, 'hard')];
    const r = checkHistory(history(rows), 'kv', { budgetSteps: 100 });
    expect(r.verdict).toBe('not-linearizable');
    expect(r.counterexample!.partition).toBe('key "bad"');
  });

  it('the memo budget gives unknown', () => {
    const r = checkHistory(history(hard(8)), 'register', { budgetMemoEntries: 10 });
    expect(r.verdict).toBe('unknown');
    expect(r.partitionResults[0].stoppedBy).toBe('memo');
  });

  it('memoryBytes bounds the memo: a tiny one gives unknown (memo), a large one decides as the default does', () => {
    const tiny = checkHistory(history(hard(8)), 'register', { memoryBytes: 1024 });
    expect(tiny.verdict).toBe('unknown');
    expect(tiny.partitionResults[0].stoppedBy).toBe('memo');
    const large = checkHistory(history(hard(8)), 'register', { memoryBytes: 2 ** 31 });
    expect(large.verdict).toBe(checkHistory(history(hard(8)), 'register').verdict);
    expect(large.steps).toBe(checkHistory(history(hard(8)), 'register').steps);
  });

  it('the time limit reads only the injected clock', () => {
    let t = 0;
    const r = checkHistory(history(hard(8)), 'register', { timeLimitMs: 5, now: () => (t += 1) });
    expect(r.verdict).toBe('unknown');
    expect(r.partitionResults[0].stoppedBy).toBe('time');
    expect(() => checkHistory(history(hard(2)), 'register', { timeLimitMs: 5 })).toThrow(/needs a clock/);
  });

  it('a large hard history with the default budget finishes', () => {
    // 18 concurrent writes and reads: 2^18 subsets at most; the memo keeps it bounded.
    const events: HistoryEvent[] = history(hard(18));
    const r = checkHistory(events, 'register', { budgetSteps: 2_000_000 });
    expect(['not-linearizable', 'unknown']).toContain(r.verdict);
    expect(r.steps).toBeLessThanOrEqual(2_000_000);
  });
});
