// A lock server replicated on faultline's own Raft (protocols/raft/): a RaftNode with a
// lock state machine plugged in, behind a context that shows Raft only the lock servers.
// Clients' `lock-req` messages become Raft client requests; answers go back as `lock-resp`.
//
// Expiry is the leader's job and runs on its timers, which measure elapsed time (they
// drift but never jump, unlike the wall clock): whenever the leader's applied state shows a
// lease (lock-lease) or a session (lock-zk) at an epoch it has not timed yet, it arms a
// timer for the full TTL; when the timer fires with the same epoch still there, it proposes
// `expire` through the log. A renewal is a new epoch, so it restarts the count. A new leader
// starts every count afresh when it takes over: it cannot know how much of a lease its
// predecessor had used up, so it assumes none. Each count therefore starts after the
// request that set it was sent, which is what the client's validity counts from.
import type { Actor, ClientRequest, ClientResponse, Endpoint, NodeContext, NodeId } from '../../sim/types.js';
import { assert } from '../../sim/types.js';
import type { StateMachine } from '../raft/kv.js';
import { RaftNode } from '../raft/node.js';
import type { RaftMsg } from '../raft/types.js';
import type { LockOptions } from './options.js';
import { LOCK_SERVER, type LockCommand, type LockMsg } from './types.js';

/** A lock state machine Raft can replicate, with what its leader must time. */
export interface LockMachine extends StateMachine {
  /** Every lease or session that expires, with its current epoch (ascending owner order not needed: keyed). */
  expiring(): ReadonlyArray<{ owner: string; epoch: number }>;
  /** Tokens of nodes deleted since the last call (lock-zk's watches fire on them). */
  drainDeleted(): number[];
  /** The state for summaries and invariants. */
  describe(): Record<string, unknown>;
}

/** A client request that remembers which endpoint sent it (the answer goes back there). */
interface RoutedRequest extends ClientRequest {
  readonly from: Endpoint;
}

/** Expire commands are the leader's own: negative session ids, never deduplicated. */
export function internalClientId(node: NodeId): number {
  return -2 - node;
}

export class RaftLockServer<M extends LockMachine> implements Actor<LockMsg> {
  readonly raft: RaftNode<M>;
  /** owner -> the `term:epoch` this leader is timing. */
  private readonly armed = new Map<string, string>();
  private expireSeq = 0;
  /** lock-zk: predecessor token -> clients waiting for its deletion (leader, volatile). */
  readonly watches = new Map<number, Endpoint[]>();

  constructor(
    readonly ctx: NodeContext<LockMsg>,
    readonly opts: LockOptions,
    readonly machine: M,
  ) {
    const servers = ctx.nodesWith(LOCK_SERVER);
    servers.forEach((id, i) => assert(id === i, 'lock servers are the first nodes (Raft indexes its peers by node id)'));
    const inner: NodeContext<RaftMsg> = {
      id: ctx.id,
      nodes: servers,
      peers: servers.filter((n) => n !== ctx.id),
      role: ctx.role,
      roles: ctx.roles,
      clients: ctx.clients,
      workload: ctx.workload,
      nodesWith: (role) => ctx.nodesWith(role),
      rolesOf: (node) => ctx.rolesOf(node),
      now: () => ctx.now(),
      random: ctx.random,
      storage: ctx.storage,
      send: (to, msg) => ctx.send(to, msg),
      setTimer: (name, afterUs) => ctx.setTimer(name, afterUs),
      cancelTimer: (name) => ctx.cancelTimer(name),
      reply: (req, response) => this.answer(req as RoutedRequest, response),
      note: (kind, data, a, b, c, d) => ctx.note(kind, data, a, b, c, d),
      bug: (name) => ctx.bug(name),
      buggify: (name) => ctx.buggify(name),
    };
    this.raft = new RaftNode<M>(inner, opts.raft, machine);
  }

  onStart(): void {
    this.raft.onStart();
    this.afterEvent();
  }

  onMessage(from: Endpoint, msg: LockMsg): void {
    if (msg.type === 'lock-req') {
      const req: RoutedRequest = { clientId: msg.clientId, seq: msg.seq, op: { f: msg.cmd.f, value: msg.cmd }, from };
      this.raft.onRequest(req);
    } else if (msg.type === 'vote' || msg.type === 'vote-reply' || msg.type === 'append' || msg.type === 'append-reply') {
      this.raft.onMessage(from, msg);
    } else return;
    this.afterEvent();
  }

  onTimer(name: string): void {
    if (name.startsWith('expire:')) this.expireTimer(name.slice('expire:'.length));
    else this.raft.onTimer(name);
    this.afterEvent();
  }

  onRequest(_req: ClientRequest): void {
    // Lock services have client actors only.
  }

  summary(): Record<string, unknown> {
    return { ...this.raft.summary(), ...this.machine.describe() };
  }

  private answer(req: RoutedRequest, response: ClientResponse): void {
    if (req.clientId < 0 || req.from === undefined) return;
    const cmd = req.op.value as LockCommand;
    // lock-zk: a client told it is not first waits for its predecessor's deletion.
    if (response.type === 'ok' && (cmd.f === 'create' || cmd.f === 'check') && this.raft.role === 'leader') {
      const v = response.value as { predecessor: number | null };
      if (v.predecessor !== null) {
        const list = this.watches.get(v.predecessor) ?? [];
        if (!list.includes(req.from)) list.push(req.from);
        this.watches.set(v.predecessor, list);
      }
    }
    this.ctx.send(req.from, { type: 'lock-resp', seq: req.seq, response });
  }

  /** After every handler: time what the leader must time, fire watches. */
  private afterEvent(): void {
    const leader = this.raft.role === 'leader';
    const deleted = this.machine.drainDeleted();
    if (!leader) {
      if (this.armed.size > 0) {
        for (const owner of this.armed.keys()) this.ctx.cancelTimer(`expire:${owner}`);
        this.armed.clear();
      }
      this.watches.clear();
      return;
    }
    for (const token of deleted) {
      const waiting = this.watches.get(token);
      if (waiting === undefined) continue;
      this.watches.delete(token);
      for (const client of waiting) this.ctx.send(client, { type: 'watch', token });
    }
    const live = this.machine.expiring();
    if (live.length === 0 && this.armed.size === 0) return;
    const term = this.raft.term;
    const seen = new Set<string>();
    for (const { owner, epoch } of live) {
      seen.add(owner);
      const key = `${term}:${epoch}`;
      if (this.armed.get(owner) === key) continue;
      this.armed.set(owner, key);
      this.ctx.setTimer(`expire:${owner}`, this.opts.ttlUs);
    }
    for (const owner of [...this.armed.keys()]) {
      if (seen.has(owner)) continue;
      this.armed.delete(owner);
      this.ctx.cancelTimer(`expire:${owner}`);
    }
  }

  private expireTimer(owner: string): void {
    const key = this.armed.get(owner);
    if (this.raft.role !== 'leader' || key === undefined) return;
    const lease = this.machine.expiring().find((l) => l.owner === owner);
    if (lease === undefined || `${this.raft.term}:${lease.epoch}` !== key) return;
    this.expireSeq++;
    const cmd: LockCommand = { f: 'expire', owner, epoch: lease.epoch };
    this.raft.onRequest({ clientId: internalClientId(this.ctx.id), seq: this.expireSeq, op: { f: 'expire', value: cmd } });
    // Not committed yet (no majority, say): propose again later while still leader.
    this.ctx.setTimer(`expire:${owner}`, Math.max(1, Math.floor(this.opts.ttlUs / 4)));
  }
}
