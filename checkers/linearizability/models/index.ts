// The built-in models, by name.
import type { Model } from '../types.js';
import { kvModel, kvUnpartitionedModel } from './kv.js';
import { multiRegisterModel } from './multi-register.js';
import { mutexModel } from './mutex.js';
import { fifoQueueModel, queueModel } from './queue.js';
import { casRegisterModel, registerModel } from './register.js';
import { setModel } from './set.js';
import { zkModel } from './zk.js';

const builtIn: readonly Model[] = [
  registerModel,
  casRegisterModel,
  kvModel,
  kvUnpartitionedModel,
  mutexModel,
  fifoQueueModel,
  queueModel,
  setModel,
  multiRegisterModel,
  zkModel,
];

const byName = new Map<string, Model>(builtIn.map((m) => [m.name, m]));

/** Names of the built-in models, in a fixed order. */
export const modelNames: string[] = builtIn.map((m) => m.name);

export function getModel(name: string): Model | undefined {
  return byName.get(name);
}

export { casRegisterModel, fifoQueueModel, kvModel, kvUnpartitionedModel, multiRegisterModel, mutexModel, queueModel, registerModel, setModel, zkModel };
