// The lock services' shared data: roles, the messages between client actors, lock servers
// and the protected resource, and the ghost notes the checkers read.
//
// A client's hold of the lock is a "grant": one acquire that succeeded, named
// `p<process>.<attempt>` (unique in a run: Jepsen process numbers are never reused).
import type { ClientResponse, Endpoint } from '../../sim/types.js';
import type { RaftMsg } from '../raft/types.js';

export const LOCK_SERVER = 'lock-server';
export const RESOURCE = 'resource';

/** A command to a lock service replicated on Raft (lock-lease, lock-zk): the Raft log's `op`. */
export type LockCommand =
  /** lock-lease: take the lease when it is free. */
  | { f: 'acquire'; owner: string }
  /** lock-lease: extend one's own lease; lock-zk: heartbeat one's session. */
  | { f: 'renew'; owner: string; token: number }
  /** lock-lease: give one's own lease back; lock-zk: delete one's own node. */
  | { f: 'release'; owner: string; token: number }
  /** The leader's own command: the lease (or session) `owner` with `epoch` ran out on its clock. */
  | { f: 'expire'; owner: string; epoch: number }
  /** lock-zk: open a session and create an ephemeral sequential node under the lock. */
  | { f: 'create'; owner: string }
  /** lock-zk: is my node the lowest now? */
  | { f: 'check'; owner: string; token: number };

export type LockMsg =
  | RaftMsg
  /** Client -> lock server (Raft-replicated services). */
  | { readonly type: 'lock-req'; readonly clientId: number; readonly seq: number; readonly cmd: LockCommand }
  /** Lock server -> client: the state machine's answer, or a redirect to the leader. */
  | { readonly type: 'lock-resp'; readonly seq: number; readonly response: ClientResponse }
  /** lock-zk: the leader tells a waiting client that its predecessor's node is gone. */
  | { readonly type: 'watch'; readonly token: number }
  /** Client -> Redis-style server: SET key owner NX PX ttl. */
  | { readonly type: 'set-nx'; readonly seq: number; readonly owner: string; readonly ttlUs: number }
  /** Client -> Redis-style server: release (DEL, owner-checked unless the unconditional-release variant). */
  | { readonly type: 'del'; readonly seq: number; readonly owner: string }
  /** Redis-style server -> client. */
  | { readonly type: 'redis-reply'; readonly seq: number; readonly ok: boolean }
  /** Client -> resource: one step of a critical section. */
  | { readonly type: 'write'; readonly seq: number; readonly grant: string; readonly token: number | null; readonly step: number }
  /** Resource -> client. */
  | { readonly type: 'write-reply'; readonly seq: number; readonly accepted: boolean; readonly highest: number | null };

export type LockReq = Extract<LockMsg, { type: 'lock-req' }>;
export type WriteMsg = Extract<LockMsg, { type: 'write' }>;

/**
 * Ghost notes (what the checkers in ./checkers.ts read; times are true times):
 *   client   lock-request  {grant}                   first send of an acquire
 *   client   lock-held     {grant, token, validUs, basis}
 *                          holds until validUs after its request number `basis` (0: the
 *                          lock-request, k: the k-th renew-request of this grant)
 *   client   renew-request {grant}                   a renewal (lock-zk: a session heartbeat) leaves
 *   client   lock-renewed  {grant, validUs, basis}   holds until validUs after renew-request `basis`
 *   client   lock-released {grant, why}              stops holding (release invoked, lost, abandoned)
 *   resource resource-write {grant, client, token, step, accepted}
 */
export const NOTE = Object.freeze({
  request: 'lock-request',
  held: 'lock-held',
  renewRequest: 'renew-request',
  renewed: 'lock-renewed',
  released: 'lock-released',
  write: 'resource-write',
});

/** The client label (c1, c2...) of a client actor's endpoint. */
export function clientLabel(endpoint: Endpoint, nodeCount: number): string {
  return `c${endpoint - nodeCount + 1}`;
}
