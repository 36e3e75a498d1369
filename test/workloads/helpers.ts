// Shared by the workload tests: run a generator the way the kernel does (one workload
// stream, one state map, a run-wide counter), pick the issuing client from another seeded
// stream, and lay a sequential execution out as a history.
import type { HistoryEvent, Op, OpResultType, Random, Workload, WorkloadOptions } from '../../sim/types.js';
import { stream } from '../../sim/prng.js';
import { history, type Row } from '../checkers/linearizability/history-builder.js';

export interface IssuedOp {
  client: number;
  op: Op;
}

export function options(keyCount: number, mix: Record<string, number>, params: Record<string, number> = {}): WorkloadOptions {
  return { keyCount, mix, params };
}

/** `n` ops from one run of `workload` with `seed`; clients drawn from a separate stream. */
export function generate(workload: Workload, opts: WorkloadOptions, seed: string, n: number, clients = 3): IssuedOp[] {
  const random = stream(seed, 'workload');
  const who = stream(seed, 'clients');
  const state = new Map<string, unknown>();
  const out: IssuedOp[] = [];
  for (let counter = 0; counter < n; counter++) {
    const client = who.int(0, clients - 1);
    out.push({ client, op: workload.nextOp({ random, counter, state, client }, opts) });
  }
  return out;
}

/** Ops from a fixed client order (for generators whose ops depend on the client). */
export function generateFor(workload: Workload, opts: WorkloadOptions, random: Random, clients: readonly number[]): Op[] {
  const state = new Map<string, unknown>();
  return clients.map((client, counter) => workload.nextOp({ random, counter, state, client }, opts));
}

/** One op as executed: the completion type and its value (ok: the result; fail: the argument). */
export interface Executed {
  client: number;
  op: Op;
  type: OpResultType;
  output?: unknown;
}

/** Invoke then completion, back to back, for each executed op: a sequential history. */
export function sequentialHistory(executed: readonly Executed[]): HistoryEvent[] {
  const rows: Row[] = [];
  for (const { client, op, type, output } of executed) {
    const opts = op.key !== undefined ? { key: op.key } : {};
    rows.push([client, 'invoke', op.f, op.value, opts]);
    rows.push([client, type, op.f, type === 'ok' ? output : op.value, opts]);
  }
  return history(rows);
}

/** A Random that fails the test if the generator draws from it. */
export const noDraws: Random = {
  int: () => {
    throw new Error('unexpected draw: int');
  },
  chance: () => {
    throw new Error('unexpected draw: chance');
  },
  pick: () => {
    throw new Error('unexpected draw: pick');
  },
  shuffle: () => {
    throw new Error('unexpected draw: shuffle');
  },
};

/** Seeds for "different seeds give different ops". */
export const SEEDS = Array.from({ length: 12 }, (_, i) => `seed-${i}`);
