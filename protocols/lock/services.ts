// The lock services as faultline protocols: lock-lease, lock-redis, redlock (lock-zk is in
// ./zk.ts). Each has `lock-server` nodes, one `resource` node, and the shared lock client
// actor (./client.ts) with its service's driver (./drivers.ts).
import type { Actor, ClientActor, ClientContext, NodeContext, Protocol } from '../../sim/types.js';
import { lockInvariants, lockLiveness } from './checkers.js';
import { LockClient, type LockDriver } from './client.js';
import { RaftDriver, RedisDriver } from './drivers.js';
import { LeaseMachine } from './lease.js';
import { parseLockOptions, type LockOptions } from './options.js';
import { raftPeerInvariants } from './raft-checks.js';
import { RaftLockServer } from './raft-host.js';
import { RedisServer } from './redis.js';
import { ResourceNode } from './resource.js';
import { LOCK_SERVER, RESOURCE, type LockMsg } from './types.js';
import { ZkDriver, ZkMachine } from './zk.js';

export type LockActor = Actor<LockMsg>;

const resourceRole = { name: RESOURCE, count: 1, description: 'the protected storage: accepts critical-section writes, refuses a token lower than the highest seen (fencing)' };

const BUG_NO_FENCING = { name: 'no-fencing', description: 'the resource does not check fencing tokens: a paused holder that wakes after its lease writes over the new holder' };
const BUG_UNCONDITIONAL = { name: 'unconditional-release', description: 'release frees the lock without checking the owner: a client whose lease expired frees the next holder\'s lock' };

/** Build a service: its lock-server actor and client driver; the resource and the checks are shared. */
export function lockService(spec: {
  name: string;
  description: string;
  serverDescription: string;
  servers: number;
  bugs: Protocol<LockMsg>['bugs'];
  server: (ctx: NodeContext<LockMsg>, opts: LockOptions) => LockActor;
  driver: (client: LockClient, opts: LockOptions) => LockDriver;
  /** Replicated on Raft: Raft's own invariants run too. */
  onRaft?: boolean;
}): Protocol<LockMsg, LockActor> {
  return {
    name: spec.name,
    description: spec.description,
    roles: [{ name: LOCK_SERVER, count: spec.servers, description: spec.serverDescription }, resourceRole],
    bugs: spec.bugs,
    model: 'mutex',
    workload: 'mutex',
    createActor: (ctx, options) => {
      const opts = parseLockOptions(options);
      return ctx.role === RESOURCE ? new ResourceNode(ctx) : spec.server(ctx, opts);
    },
    createClient: (ctx: ClientContext<LockMsg>, options): ClientActor<LockMsg> => {
      const opts = parseLockOptions(options);
      return new LockClient(ctx, opts, (client) => spec.driver(client, opts));
    },
    invariants: (options) => {
      const opts = parseLockOptions(options);
      return [...lockInvariants(), ...(spec.onRaft ? raftPeerInvariants(opts.raft) : [])];
    },
    liveness: (options) => lockLiveness(parseLockOptions(options)),
    // A lock server's role and whether it sees the lock held; a client's phase.
    coverageKey: (summary) => {
      const held = 'holder' in summary ? summary.holder : 'owner' in summary ? summary.owner : undefined;
      return held === undefined ? String(summary.role) : `${String(summary.role)}:${held === null ? 'free' : 'held'}`;
    },
  };
}

export const lockLease = lockService({
  name: 'lock-lease',
  description: 'a lease lock with fencing tokens, replicated on Raft: TTL on the leader\'s timers, renewals, owner-checked release',
  serverDescription: 'a Raft peer replicating the lease (holder, token, epoch); its leader times the lease',
  servers: 3,
  bugs: [BUG_NO_FENCING, BUG_UNCONDITIONAL],
  server: (ctx, opts) => new RaftLockServer(ctx, opts, new LeaseMachine(ctx.bug('unconditional-release'))),
  driver: (client, opts) => new RaftDriver(client, opts),
  onRaft: true,
});

export const lockZk = lockService({
  name: 'lock-zk',
  description: 'ZooKeeper\'s lock recipe on Raft: ephemeral sequential nodes, sessions timed by the leader, a watch on the predecessor; the node\'s sequence number is the fencing token',
  serverDescription: 'a Raft peer replicating /lock\'s children and the sessions; its leader times sessions and keeps the watches',
  servers: 3,
  bugs: [BUG_NO_FENCING],
  server: (ctx, opts) => new RaftLockServer(ctx, opts, new ZkMachine()),
  driver: (client, opts) => new ZkDriver(client, opts),
  onRaft: true,
});

export const lockRedis = lockService({
  name: 'lock-redis',
  description: 'a naive Redis lock: SET key owner NX PX ttl on one server, DEL to release (owner-checked), no fencing tokens',
  serverDescription: 'one Redis-style server holding the lock key (synced to disk, PX on elapsed time)',
  servers: 1,
  bugs: [BUG_UNCONDITIONAL],
  server: (ctx) => new RedisServer(ctx),
  driver: (client, opts) => new RedisDriver(client, opts),
});

export const redlock = lockService({
  name: 'redlock',
  description: 'Redlock: SET NX PX on N independent servers, held with a majority within TTL - elapsed - drift allowance; no fencing tokens',
  serverDescription: 'an independent Redis-style server (no replication); each times PX on its own clock',
  servers: 5,
  bugs: [
    { name: 'redlock-clock-jump', description: 'servers expire keys by their wall clock: a clock jump forward frees the key early on that server' },
    { name: 'redlock-volatile', description: 'servers keep the key in memory only (no fsync): a restarted server grants the lock again' },
    BUG_UNCONDITIONAL,
  ],
  server: (ctx) => new RedisServer(ctx),
  driver: (client, opts) => new RedisDriver(client, opts),
});
