// Queues. `fifo-queue`: dequeue returns the oldest element. `queue` (unordered): dequeue
// returns any element present. A completed dequeue whose value is nil found the queue empty.
// An indeterminate dequeue of the unordered queue removes an unknown element: the state is
// then the set of multisets it may hold (a nondeterministic model made deterministic).
import type { Model, Operation, StepResult } from '../types.js';
import { canonicalKey, compareStrings, isNil } from '../values.js';
import { expectF, illegal, ok, writtenValue } from './common.js';

const ENQUEUE = ['enqueue', 'enq', 'push', 'offer'];
const DEQUEUE = ['dequeue', 'deq', 'pop', 'poll'];

/** Elements are kept as canonical keys (JSON text), which compare by value. */
type Elements = readonly string[];

function validateQueue(op: Operation): { field: string; expected: string } | undefined {
  const bad = expectF(op, [...ENQUEUE, ...DEQUEUE]);
  if (bad) return bad;
  if (ENQUEUE.includes(op.f) && isNil(writtenValue(op))) return { field: 'value', expected: `a value to :${op.f}` };
  return undefined;
}

function initialElements(initial: unknown): string[] {
  return Array.isArray(initial) ? initial.map(canonicalKey) : [];
}

const showElements = (xs: Elements): string => `[${xs.join(', ')}]`;

export const fifoQueueModel: Model<Elements> = {
  name: 'fifo-queue',
  description: 'FIFO queue (enqueue, dequeue): dequeue returns the oldest element',
  init: initialElements,
  step(q, op): StepResult<Elements> {
    if (ENQUEUE.includes(op.f)) return ok([...q, canonicalKey(writtenValue(op))]);
    if (!DEQUEUE.includes(op.f)) return illegal(() => `unknown operation :${op.f}`);
    if (op.status === 'info') return q.length > 0 ? ok(q.slice(1)) : illegal('dequeue from an empty queue');
    if (isNil(op.output)) return q.length === 0 ? ok(q) : illegal(() => `dequeue found nothing but the queue holds ${showElements(q)}`);
    const got = canonicalKey(op.output);
    if (q.length === 0) return illegal(() => `dequeue returned ${got} from an empty queue`);
    return q[0] === got ? ok(q.slice(1)) : illegal(() => `dequeue returned ${got} but the oldest element is ${q[0]}`);
  },
  key: (q) => q.join('\u0000'),
  describe: showElements,
  validate: validateQueue,
};

/** The multisets an unordered queue may hold, each sorted, the list sorted and without duplicates. */
type Possible = readonly Elements[];

function normalise(sets: string[][]): Possible {
  const byKey = new Map<string, string[]>();
  for (const s of sets) byKey.set(s.join('\u0000'), s);
  return [...byKey.keys()].sort(compareStrings).map((k) => byKey.get(k)!);
}

function insertSorted(xs: Elements, x: string): string[] {
  const out = xs.slice();
  let i = out.length;
  while (i > 0 && compareStrings(out[i - 1], x) > 0) i--;
  out.splice(i, 0, x);
  return out;
}

export const queueModel: Model<Possible> = {
  name: 'queue',
  description: 'unordered queue (enqueue, dequeue): dequeue returns any element present',
  init: (initial) => [initialElements(initial).sort(compareStrings)],
  step(possible, op): StepResult<Possible> {
    if (ENQUEUE.includes(op.f)) {
      const x = canonicalKey(writtenValue(op));
      return ok(normalise(possible.map((s) => insertSorted(s, x))));
    }
    if (!DEQUEUE.includes(op.f)) return illegal(() => `unknown operation :${op.f}`);
    const next: string[][] = [];
    if (op.status === 'info') {
      for (const s of possible) {
        for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[i - 1]) next.push([...s.slice(0, i), ...s.slice(i + 1)]);
      }
      return next.length > 0 ? ok(normalise(next)) : illegal('dequeue from an empty queue');
    }
    if (isNil(op.output)) {
      for (const s of possible) if (s.length === 0) next.push([]);
      return next.length > 0 ? ok(normalise(next)) : illegal(() => `dequeue found nothing but the queue holds ${describePossible(possible)}`);
    }
    const got = canonicalKey(op.output);
    for (const s of possible) {
      const i = s.indexOf(got);
      if (i >= 0) next.push([...s.slice(0, i), ...s.slice(i + 1)]);
    }
    return next.length > 0 ? ok(normalise(next)) : illegal(() => `dequeue returned ${got}, which the queue does not hold (${describePossible(possible)})`);
  },
  key: (possible) => possible.map((s) => s.join('\u0000')).join('\u0001'),
  describe: describePossible,
  validate: validateQueue,
};

function describePossible(possible: Possible): string {
  return possible.length === 1 ? `{${possible[0].join(', ')}}` : possible.map((s) => `{${s.join(', ')}}`).join(' or ');
}
