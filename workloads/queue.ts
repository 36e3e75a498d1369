// `queue` (model `queue`, the unordered queue): enqueue and dequeue on one queue, no key.
//
//   { f: 'enqueue', value: 12 }   value: the run's op counter, so every enqueued value is unique
//   { f: 'dequeue' }              ok value: the element removed, or null/undefined when the queue was empty
//
// The ops have the shape both queue models accept; `queue` (dequeue returns any element
// present) is the default pairing because every FIFO queue passes it too. A protocol that
// promises FIFO order declares `fifo-queue` as its model instead. Knobs: mix (enqueue,
// dequeue); keyCount is not used; no params.
import type { Op, OpContext, Workload, WorkloadOptions } from '../sim/types.js';
import { drawFunction, validateOptions, type ParamSpec } from './common.js';

const NAME = 'queue';
export const queueFunctions = ['enqueue', 'dequeue'] as const;
const PARAMS: Readonly<Record<string, ParamSpec>> = Object.freeze({});

export function queueNextOp(ctx: OpContext, options: WorkloadOptions): Op {
  const f = drawFunction(NAME, ctx.random, options, queueFunctions);
  return f === 'enqueue' ? { f, value: ctx.counter } : { f };
}

export const queueWorkload: Workload = Object.freeze({
  name: NAME,
  description: 'one queue: enqueue unique values, dequeue',
  model: 'queue',
  defaultMix: Object.freeze({ enqueue: 1, dequeue: 1 }),
  defaultParams: Object.freeze({}),
  validate: (options: WorkloadOptions) => validateOptions({ workload: NAME, functions: queueFunctions, params: PARAMS }, options),
  nextOp: queueNextOp,
});
