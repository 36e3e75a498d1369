// The built-in protocols, by the name a scenario's `protocol:` gives.
import type { Protocol } from '../sim/types.js';
import { lockLease, lockRedis, lockZk, redlock } from './lock/index.js';
import { multipaxos } from './paxos/multi/index.js';
import { paxos } from './paxos/single/index.js';
import { raft } from './raft/index.js';
import { twopc } from './twopc/index.js';
import { zab } from './zab/index.js';

export const builtinProtocols: Record<string, Protocol<any, any>> = { raft, paxos, multipaxos, zab, twopc, 'lock-lease': lockLease, 'lock-zk': lockZk, 'lock-redis': lockRedis, redlock };
