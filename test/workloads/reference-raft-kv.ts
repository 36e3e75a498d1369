// Raft's own kv generator as it was before workloads/ existed, kept frozen as the
// reference that workloads/kv.ts must match draw for draw (run hashes depend on it).
//
// Client operations over keys k1..kN. Every written value is unique (it carries the run's
// op counter) so a history is checkable: put and cas write `v<counter>`, append adds
// `+<counter>` (so "v12+15+17" reads as one put then two appends).
//
// A cas expects the value the key would hold if every operation issued so far had taken
// effect in issue order (a guess: clients run concurrently and some operations fail), so
// that a good share of cas succeed. That guess is the only state of the generator; it lives
// in the run's generator state that the kernel hands to nextOp.
import type { Op, Random, WorkloadOptions } from '../../sim/types.js';

export const raftDefaultMix: Record<string, number> = Object.freeze({ get: 2, put: 1, append: 1, cas: 1 });

const functions = ['get', 'put', 'append', 'cas'] as const;
/** How far back a cas looks for its expected value when it has no guess for the key. */
const casLookback = 8;

/** Where the guesses live in the run's generator state: key -> the value it would hold if all issued writes applied in order. */
const GUESSES = 'raft/guesses';

export function raftNextOp(random: Random, workload: WorkloadOptions, counter: number, state: Map<string, unknown>): Op {
  let total = 0;
  for (const f of functions) total += weight(workload, f);
  if (total <= 0) throw new RangeError(`raft workload: the mix gives no weight to any of ${functions.join(', ')}`);
  let r = random.int(1, total);
  let f: (typeof functions)[number] = 'get';
  for (const g of functions) {
    r -= weight(workload, g);
    if (r <= 0) {
      f = g;
      break;
    }
  }
  const key = `k${random.int(1, Math.max(1, workload.keyCount))}`;
  let guess = state.get(GUESSES) as Map<string, string> | undefined;
  if (guess === undefined) state.set(GUESSES, (guess = new Map<string, string>()));
  switch (f) {
    case 'get':
      return { f, key };
    case 'put':
      guess.set(key, `v${counter}`);
      return { f, key, value: `v${counter}` };
    case 'append':
      guess.set(key, (guess.get(key) ?? '') + `+${counter}`);
      return { f, key, value: `+${counter}` };
    case 'cas': {
      const expected = guess.get(key) ?? `v${random.int(Math.max(0, counter - casLookback), Math.max(0, counter - 1))}`;
      guess.set(key, `v${counter}`);
      return { f, key, value: [expected, `v${counter}`] };
    }
  }
}

function weight(workload: WorkloadOptions, f: string): number {
  const w = workload.mix[f];
  if (w === undefined) return 0;
  if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new RangeError(`raft workload: mix.${f} must be a non-negative number`);
  return Math.floor(w);
}
