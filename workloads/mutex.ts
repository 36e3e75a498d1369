// `mutex` (model `mutex`): one lock, no key.
//
//   { f: 'acquire' }   ok: the client got the lock; fail: it did not (held by another)
//   { f: 'release' }   ok: the client released it; fail: it did not hold it
//
// Per client (ctx.client), the ops strictly alternate, starting with acquire: a client whose
// last op was an acquire issues a release next, else an acquire. The generator cannot know
// whether an acquire succeeded, so a client whose acquire failed (or timed out) still
// releases next: the protocol answers that release with fail (it does not hold the lock),
// and the client acquires again after it. The state (client -> issued acquire last) lives in
// ctx.state under STATE and is kept per client index, across client restarts.
//
// The ops depend only on the order in which clients ask: the generator draws nothing from
// ctx.random. The mix only says which functions exist: both acquire and release must have a
// positive weight (their ratio cannot be honoured by strict alternation and is ignored).
// keyCount is not used; no params.
import type { Op, OpContext, Workload, WorkloadOptions } from '../sim/types.js';
import { stateEntry, validateOptions, type ParamSpec } from './common.js';

const NAME = 'mutex';
export const mutexFunctions = ['acquire', 'release'] as const;
const STATE = 'mutex/holding';
const PARAMS: Readonly<Record<string, ParamSpec>> = Object.freeze({});

export function mutexNextOp(ctx: OpContext, _options: WorkloadOptions): Op {
  const holding = stateEntry(ctx.state, STATE, () => new Map<number, boolean>());
  const holds = holding.get(ctx.client) ?? false;
  holding.set(ctx.client, !holds);
  return { f: holds ? 'release' : 'acquire' };
}

function validateMutex(options: WorkloadOptions): string | undefined {
  const bad = validateOptions({ workload: NAME, functions: mutexFunctions, params: PARAMS }, options);
  if (bad) return bad;
  for (const f of mutexFunctions) {
    if (!((options.mix[f] ?? 0) > 0)) return `${NAME} workload: mix.${f} must be positive (each client alternates acquire and release)`;
  }
  return undefined;
}

export const mutexWorkload: Workload = Object.freeze({
  name: NAME,
  description: 'one lock: each client alternates acquire and release',
  model: 'mutex',
  defaultMix: Object.freeze({ acquire: 1, release: 1 }),
  defaultParams: Object.freeze({}),
  validate: validateMutex,
  nextOp: mutexNextOp,
});
