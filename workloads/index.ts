// The built-in workload generators, by name: operation generators shared by every protocol.
// A protocol names one (`Protocol.workload: 'kv'`) or ships its own.
import type { Workload } from '../sim/types.js';
import { bankWorkload } from './bank.js';
import { kvWorkload } from './kv.js';
import { listAppendWorkload } from './list-append.js';
import { mutexWorkload } from './mutex.js';
import { queueWorkload } from './queue.js';
import { registerWorkload } from './register.js';

/** In a fixed order: kv, register, mutex, queue, bank, list-append. */
export const builtinWorkloads: readonly Workload[] = Object.freeze([kvWorkload, registerWorkload, mutexWorkload, queueWorkload, bankWorkload, listAppendWorkload]);

const byName = new Map<string, Workload>(builtinWorkloads.map((w) => [w.name, w]));

export function getWorkload(name: string): Workload | undefined {
  return byName.get(name);
}

/** Names of the built-in workloads, in the order of builtinWorkloads. */
export function workloadNames(): string[] {
  return builtinWorkloads.map((w) => w.name);
}

export { bankAccounts, bankFunctions, bankInitialBalances, bankNextOp, bankTotal, bankWorkload } from './bank.js';
export type { BankBalances, BankTransfer } from './bank.js';
export { kvFunctions, kvNextOp, kvWorkload } from './kv.js';
export { listAppendFunctions, listAppendNextOp, listAppendWorkload } from './list-append.js';
export type { ListAppendMicroOp } from './list-append.js';
export { mutexFunctions, mutexNextOp, mutexWorkload } from './mutex.js';
export { queueFunctions, queueNextOp, queueWorkload } from './queue.js';
export { registerFunctions, registerNextOp, registerWorkload } from './register.js';
export { validateOptions } from './common.js';
export type { ParamSpec, ValidateSpec } from './common.js';
