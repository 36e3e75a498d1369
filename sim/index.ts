// The kernel's public surface.
export * from './types.js';
export { KernelError, kernelAssert, PROTOCOL_EXCEPTION } from './errors.js';
export type * from './config.js';
export { targetsOneNode, PARTITION_SHAPES } from './config.js';
export type * from './result.js';
export { Prng, stream } from './prng.js';
export { RunHash, canonicalJson } from './hash.js';
export { EventQueue } from './event-queue.js';
export { LocalClock, DRIFT_MAX_PPM } from './clock.js';
export { SimStorage } from './storage.js';
export { World, runSimulation } from './world.js';
