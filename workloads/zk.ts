// `zk` (model `zk`): a ZooKeeper-like data tree over paths /z1../zN (keyCount). Zab's own
// workload (protocols/zab/index.ts names this object; it is not in the shared registry).
//
//   { f: 'get',             key: '/z2' }                  ok value: null (no node) or [data, version]
//   { f: 'create',          key: '/z2', value: 'v12' }    fail 'node exists' when it exists
//   { f: 'createEphemeral', key: '/z2', value: 'v13' }    the same, owned by the client's session
//   { f: 'set',             key: '/z2', value: [0, 'v14'] }  [expected version (-1: any), data];
//                                                         ok value: the new version
//   { f: 'delete',          key: '/z2', value: 0 }        expected version (-1: any)
//
// Every written value is unique (it carries the run's op counter). A set or delete expects
// the version the node would have if every operation issued so far had taken effect in
// issue order (a guess kept in ctx.state), or -1 (any version) one time in four, so that
// under concurrency some succeed and some fail. Knobs: keyCount, mix; no params.
import type { Op, OpContext, Workload, WorkloadOptions } from '../sim/types.js';
import { drawFunction, stateEntry, validateOptions, type ParamSpec } from './common.js';

const NAME = 'zk';
export const zkFunctions = ['get', 'create', 'createEphemeral', 'set', 'delete'] as const;
/** Where the guesses live: path -> the version it would have if all issued ops applied in order (absent: no node). */
const GUESSES = 'zk/versions';
const ANY_VERSION_PPM = 250_000;
const PARAMS: Readonly<Record<string, ParamSpec>> = Object.freeze({});

export function zkNextOp(ctx: OpContext, options: WorkloadOptions): Op {
  const { random, counter, state } = ctx;
  const f = drawFunction(NAME, random, options, zkFunctions);
  const key = `/z${random.int(1, Math.max(1, options.keyCount))}`;
  const guess = stateEntry(state, GUESSES, () => new Map<string, number>());
  const expected = (): number => (random.chance(ANY_VERSION_PPM) ? -1 : (guess.get(key) ?? 0));
  switch (f) {
    case 'get':
      return { f, key };
    case 'create':
    case 'createEphemeral':
      if (!guess.has(key)) guess.set(key, 0);
      return { f, key, value: `v${counter}` };
    case 'set': {
      const version = expected();
      guess.set(key, (guess.get(key) ?? 0) + 1);
      return { f, key, value: [version, `v${counter}`] };
    }
    case 'delete': {
      const version = expected();
      guess.delete(key);
      return { f, key, value: version };
    }
  }
}

export const zkWorkload: Workload = Object.freeze({
  name: NAME,
  description: 'ZooKeeper-like data tree over /z1../zN: get, create, createEphemeral, set and delete with versions',
  model: 'zk',
  defaultMix: Object.freeze({ get: 3, create: 2, createEphemeral: 1, set: 2, delete: 1 }),
  defaultParams: Object.freeze({}),
  validate: (options: WorkloadOptions) => validateOptions({ workload: NAME, functions: zkFunctions, params: PARAMS }, options),
  nextOp: zkNextOp,
});
