// pairOperations tests an event's fields and its pairing inline and hands only an event that
// fails them to pairingProblem, which names what is wrong. Whatever the events, it must
// throw exactly what checking every event with pairingProblem throws (the same field,
// message and position), and accept exactly what that accepts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairOperations } from '../../../checkers/linearizability/index.js';
import { pairingProblem } from '../../../checkers/linearizability/operations.js';
import type { HistoryEvent } from '../../../sim/types.js';
import { fcSeed } from '../../sim/fc-seed.js';

/** The first problem, found as the checker found it before the inline tests: pairingProblem on every event. */
function reference(history: readonly HistoryEvent[]): string | undefined {
  const open = new Map<number, number>();
  for (let position = 0; position < history.length; position++) {
    const ev = history[position];
    const at = open.get(ev.process);
    const bad = pairingProblem(ev, position, at === undefined ? undefined : history[at], at ?? -1);
    if (bad) return bad.message;
    if (ev.type === 'invoke') open.set(ev.process, position);
    else {
      if (ev.timeUs < history[at!].timeUs) return `event ${position}: timeUs: a time not before its invoke's (${history[at!].timeUs})`;
      open.delete(ev.process);
    }
  }
  return undefined;
}

function thrown(history: readonly HistoryEvent[]): string | undefined {
  try {
    pairOperations(history);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const event = (over: Partial<Record<keyof HistoryEvent, unknown>>, index = 0): HistoryEvent => ({ index, process: 0, type: 'invoke', f: 'read', timeUs: 0, ...over }) as HistoryEvent;

describe('pairOperations: the inline pairing tests', () => {
  it('names each kind of bad event as pairingProblem does', () => {
    const cases: HistoryEvent[][] = [
      [event({ type: 'begin' })],
      [event({ process: Number.NaN })],
      [event({ process: '1' })],
      [event({ f: '' })],
      [event({ f: 7 })],
      [event({ timeUs: Number.POSITIVE_INFINITY })],
      [event({ timeUs: '3' })],
      [event({}), event({ timeUs: 1 }, 1)], // an invoke while one is open
      [event({ type: 'ok' })], // a completion with none open
      [event({}), event({ type: 'ok', f: 'write', timeUs: 1 }, 1)], // of another function
    ];
    for (const history of cases) {
      const want = reference(history);
      expect(want).toBeDefined();
      expect(thrown(history)).toBe(want);
    }
    expect(thrown([event({}), event({ type: 'ok', timeUs: 1 }, 1)])).toBeUndefined();
  });

  it('throws exactly what checking every event with pairingProblem throws (fast-check)', () => {
    const field = {
      type: fc.constantFrom<unknown>('invoke', 'ok', 'fail', 'info', 'invoke', 'ok', 'bogus'),
      process: fc.constantFrom<unknown>(0, 1, 2, 0, 1, Number.NaN, -1, 2 ** 20, 0.5),
      f: fc.constantFrom<unknown>('read', 'write', 'read', '', 3),
      timeUs: fc.constantFrom<unknown>(0, 5, 10, 20, Number.NaN),
    };
    fc.assert(
      fc.property(fc.array(fc.record(field), { maxLength: 12 }), (draws) => {
        const history = draws.map((d, i) => event(d as Partial<Record<keyof HistoryEvent, unknown>>, i));
        expect(thrown(history)).toBe(reference(history));
      }),
      { numRuns: 3000, seed: fcSeed },
    );
  });
});
