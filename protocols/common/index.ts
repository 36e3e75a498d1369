// Helpers shared by every protocol's checks (see ./invariants.ts for semantics and cost).
export {
  allOf,
  growsOnly,
  neverDecreases,
  nodeName,
  prefixStable,
  type CheckTrigger,
  type DurableReader,
  type GrowsOnlyOptions,
  type NeverDecreasesOptions,
  type PrefixStableOptions,
  type Reader,
} from './invariants.js';
export { OptionReader } from './options.js';
export { AgreedSequence, type SequenceProblem } from './sequence.js';
export { FORGET_BATCH, IndexWindow, isSnapshotNote, SnapshotFloor, type FloorView } from './snapshot.js';
export { clientsServed, formatUs, leadershipSettled, type Election } from './liveness.js';
