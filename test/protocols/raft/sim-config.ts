// SimConfigs for Raft integration tests, built directly (no scenario files).
import type { NemesisConfig, SimConfig } from '../../../sim/config.js';
import { raft } from '../../../protocols/raft/index.js';
import { kvWorkload } from '../../../workloads/index.js';

export const standardNemesis: NemesisConfig = {
  weights: { partition: 3, crash: 2, pause: 1, clock: 1, loss: 1 },
  intervalUs: [200_000, 1_000_000],
  durationUs: [200_000, 2_000_000],
  maxCrashed: 2,
  clockJumpMaxUs: 500_000,
  clockDriftMaxPpm: 200,
};

export function raftConfig(overrides: Partial<SimConfig> = {}): SimConfig {
  return {
    protocol: raft,
    protocolOptions: {},
    nodes: 5,
    seed: '1',
    durationUs: 10_000_000,
    faultsStopUs: 6_000_000,
    network: { latency: { kind: 'uniform', minUs: 1_000, maxUs: 10_000 }, lossPpm: 10_000, duplicatePpm: 5_000, cut: [] },
    storage: { loseUnsyncedOnCrash: true },
    clients: {
      clients: 3,
      generator: kvWorkload,
      workload: { keyCount: 3, mix: { get: 2, put: 1, append: 1, cas: 1 } },
      thinkUs: [0, 10_000],
      requestTimeoutUs: 200_000,
      opTimeoutUs: 2_000_000,
    },
    faults: [],
    bugs: [],
    record: 'fuzz',
    checkEveryEvents: 1,
    maxEvents: 5_000_000,
    ...overrides,
  };
}

// Nemesis configurations that find each bug variant over seeds (see BUGS.md). Each is
// survived by the correct Raft.

/** figure-8: leaders cut off right after election, again and again; one entry per AppendEntries. */
export const figure8Nemesis: Partial<SimConfig> = {
  protocolOptions: { maxAppendEntries: 1 },
  nemesis: { weights: { crash: 2, partition: 4 }, intervalUs: [5_000, 30_000], durationUs: [20_000, 200_000], maxCrashed: 2, clockJumpMaxUs: 0, clockDriftMaxPpm: 0 },
};

/** volatile-vote: three nodes, short crashes and partitions, slow tails; PreVote off (it makes concurrent candidacies rare). */
export const volatileVoteNemesis: Partial<SimConfig> = {
  nodes: 3,
  protocolOptions: { preVote: false },
  network: { latency: { kind: 'exponential', minUs: 1_000, meanUs: 10_000, maxUs: 100_000 }, lossPpm: 10_000, duplicatePpm: 5_000, cut: [] },
  nemesis: { weights: { crash: 3, partition: 2 }, intervalUs: [10_000, 100_000], durationUs: [5_000, 50_000], maxCrashed: 1, clockJumpMaxUs: 0, clockDriftMaxPpm: 0 },
};

/** n4 linked only to n1, n5 only to n2, for the whole run (0-based ids). */
export const flakyLinks: ReadonlyArray<readonly [number, number]> = [
  [3, 1], [1, 3], [3, 2], [2, 3], [3, 4], [4, 3],
  [4, 0], [0, 4], [4, 2], [2, 4],
];

/** no-prevote: the flaky topology, a nemesis for 2 s, then 8 s in which a leader must hold. */
export const noPrevoteNemesis: Partial<SimConfig> = {
  faultsStopUs: 2_000_000,
  protocolOptions: { livenessBoundUs: 3_000_000 },
  network: { latency: { kind: 'uniform', minUs: 1_000, maxUs: 10_000 }, lossPpm: 10_000, duplicatePpm: 5_000, cut: flakyLinks },
  nemesis: standardNemesis,
};

/** ack-before-persist: three nodes, frequent crashes of up to two at once, unsynced writes lost. */
export const ackBeforePersistNemesis: Partial<SimConfig> = {
  nodes: 3,
  storage: { loseUnsyncedOnCrash: true },
  nemesis: { weights: { crash: 3, partition: 1 }, intervalUs: [10_000, 200_000], durationUs: [10_000, 200_000], maxCrashed: 2, clockJumpMaxUs: 0, clockDriftMaxPpm: 0 },
};
