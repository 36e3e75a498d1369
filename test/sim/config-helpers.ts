import type { SimConfig } from '../../sim/config.js';
import { toyProtocol } from './toy-protocol.js';

export function toyConfig(overrides: Partial<SimConfig> = {}): SimConfig {
  return {
    protocol: toyProtocol,
    protocolOptions: {},
    nodes: 3,
    seed: '1',
    durationUs: 2_000_000,
    faultsStopUs: 1_500_000,
    network: { latency: { kind: 'uniform', minUs: 1_000, maxUs: 10_000 }, lossPpm: 10_000, duplicatePpm: 10_000, cut: [] },
    storage: { loseUnsyncedOnCrash: false },
    clients: {
      clients: 2,
      workload: { keyCount: 1, mix: { read: 1, write: 1 } },
      thinkUs: [0, 10_000],
      requestTimeoutUs: 50_000,
      opTimeoutUs: 200_000,
    },
    faults: [],
    bugs: [],
    record: 'full',
    checkEveryEvents: 1,
    maxEvents: 10_000_000,
    ...overrides,
  };
}
