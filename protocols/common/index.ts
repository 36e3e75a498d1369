// Helpers shared by every protocol's checks (see ./invariants.ts for semantics and cost).
export { allOf, growsOnly, neverDecreases, type GrowsOnlyOptions, type NeverDecreasesOptions } from './invariants.js';
export { nodeName, type CheckTrigger, type DurableReader, type Reader } from './per-node.js';
export { prefixStable, type PrefixStableOptions } from './prefix-stable.js';
export { OptionReader } from './options.js';
export { AgreedSequence, type SequenceProblem } from './sequence.js';
export { FORGET_BATCH, IndexWindow, isSnapshotNote, SnapshotFloor, type FloorView } from './snapshot.js';
export { clientsServed, formatUs, leadershipSettled, type Election } from './liveness.js';
