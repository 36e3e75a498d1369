// lock-zk: ZooKeeper's lock recipe - ephemeral sequential nodes, a session, a watch on the
// predecessor - on a state machine replicated by faultline's Raft (protocols/raft/), not
// Zab: Zab is being written separately, and the recipe needs only a linearizable log.
//
// The state machine (one lock, `/lock`):
//   create {owner}         open session `owner` and create node /lock/<seq> owned by it
//                          (seq = the next sequence number, never reused)
//                          -> ok {token: seq, lowest, predecessor: the next lower node or null}
//   check {owner, token}   that node still exists -> ok {token, lowest, predecessor}; else fail
//   renew {owner}          a session heartbeat: a new epoch (the leader times it afresh)
//   release {owner, token} delete one's own node and close the session (owner-checked)
//   expire {owner, epoch}  the leader's timer: the session ran out; its ephemeral node goes
//
// The client holds the lock while its node is the lowest and its session is valid: validUs
// after the send of the latest heartbeat that succeeded. The token (fencing, as Kleppmann
// suggests ZooKeeper's zxid or node version can be) is the node's sequence number: a later
// holder's node was created later, so tokens of successive holders increase. The leader
// keeps the watches (volatile, like a ZooKeeper server's): when it applies the deletion of a
// watched node it tells the waiting clients, who then `check`. A watch lost with a leader
// change is covered by a client's periodic check.
import type { ClientResponse, Endpoint, Op } from '../../sim/types.js';
import type { Entry } from '../raft/types.js';
import type { LockClient, LockDriver } from './client.js';
import { RaftCaller } from './drivers.js';
import { Sessions } from './lease.js';
import type { LockOptions } from './options.js';
import type { LockMachine } from './raft-host.js';
import type { LockCommand, LockMsg } from './types.js';

interface ZNode {
  token: number;
  owner: string;
}

export class ZkMachine implements LockMachine {
  /** The children of /lock, ascending by sequence number. */
  readonly children: ZNode[] = [];
  /** Open sessions: owner -> epoch. */
  readonly sessions = new Map<string, number>();
  lastSeq = 0;
  private epochs = 0;
  private deleted: number[] = [];
  private readonly clients = new Sessions();

  lookup(clientId: number, seq: number): ClientResponse | 'stale' | undefined {
    return this.clients.lookup(clientId, seq);
  }

  apply(e: Pick<Entry, 'clientId' | 'seq' | 'op'>): ClientResponse | undefined {
    const seen = this.clients.lookup(e.clientId, e.seq);
    if (seen === 'stale') return undefined;
    if (seen !== undefined) return seen;
    const response = this.execute(e.op!);
    this.clients.remember(e.clientId, e.seq, response);
    return response;
  }

  read(): ClientResponse {
    return { type: 'ok', value: this.children[0]?.token ?? null };
  }

  // ZNodes are never mutated (only added and spliced out), so a snapshot shares them. The
  // deletions not yet drained are the leader's watch bookkeeping: volatile, not state.
  snapshot(): unknown {
    return Object.freeze({
      children: Object.freeze(this.children.slice()),
      sessions: Object.freeze([...this.sessions]),
      lastSeq: this.lastSeq,
      epochs: this.epochs,
      clients: this.clients.snapshot(),
    });
  }

  restore(state: unknown): void {
    const s = state as {
      children: readonly ZNode[];
      sessions: ReadonlyArray<readonly [string, number]>;
      lastSeq: number;
      epochs: number;
      clients: ReturnType<Sessions['snapshot']>;
    };
    this.children.length = 0;
    this.children.push(...s.children);
    this.sessions.clear();
    for (const [owner, epoch] of s.sessions) this.sessions.set(owner, epoch);
    this.lastSeq = s.lastSeq;
    this.epochs = s.epochs;
    this.deleted = [];
    this.clients.restore(s.clients);
  }

  private position(token: number): ClientResponse {
    const i = this.children.findIndex((c) => c.token === token);
    if (i < 0) return { type: 'fail', error: 'no-node' };
    return { type: 'ok', value: { token, lowest: i === 0, predecessor: i === 0 ? null : this.children[i - 1].token } };
  }

  private execute(op: Op): ClientResponse {
    const cmd = op.value as LockCommand;
    switch (cmd.f) {
      case 'create': {
        const mine = this.children.find((c) => c.owner === cmd.owner);
        if (mine !== undefined) return this.position(mine.token);
        if (this.sessions.has(cmd.owner)) return { type: 'fail', error: 'session-closed' };
        this.sessions.set(cmd.owner, ++this.epochs);
        const token = ++this.lastSeq;
        this.children.push({ token, owner: cmd.owner });
        return this.position(token);
      }
      case 'check': {
        const node = this.children.find((c) => c.token === cmd.token);
        return node !== undefined && node.owner === cmd.owner ? this.position(cmd.token) : { type: 'fail', error: 'no-node' };
      }
      case 'renew':
        if (!this.sessions.has(cmd.owner) || !this.children.some((c) => c.owner === cmd.owner)) return { type: 'fail', error: 'session-expired' };
        this.sessions.set(cmd.owner, ++this.epochs);
        return { type: 'ok' };
      case 'release': {
        const node = this.children.find((c) => c.owner === cmd.owner && c.token === cmd.token);
        if (node === undefined) return { type: 'fail', error: 'not-holder' };
        this.close(cmd.owner);
        return { type: 'ok' };
      }
      case 'expire':
        if (this.sessions.get(cmd.owner) === cmd.epoch) this.close(cmd.owner);
        return { type: 'ok' };
      default:
        return { type: 'fail', error: `lock-zk: unknown command ${cmd.f}` };
    }
  }

  /** Close a session: its ephemeral node goes with it. The session id stays used (a closed session cannot create again). */
  private close(owner: string): void {
    this.sessions.set(owner, -1);
    const i = this.children.findIndex((c) => c.owner === owner);
    if (i >= 0) {
      this.deleted.push(this.children[i].token);
      this.children.splice(i, 1);
    }
  }

  expiring(): ReadonlyArray<{ owner: string; epoch: number }> {
    const out: Array<{ owner: string; epoch: number }> = [];
    for (const [owner, epoch] of this.sessions) if (epoch >= 0) out.push({ owner, epoch });
    return out;
  }

  drainDeleted(): number[] {
    if (this.deleted.length === 0) return this.deleted;
    const d = this.deleted;
    this.deleted = [];
    return d;
  }

  describe(): Record<string, unknown> {
    return { holder: this.children[0]?.owner ?? null, token: this.children[0]?.token ?? null, waiting: Math.max(0, this.children.length - 1) };
  }
}

/** The lock-zk client: create a node, wait for the watch, keep the session alive. */
export class ZkDriver implements LockDriver {
  private readonly main: RaftCaller;
  /** Heartbeats go on their own session lane, so that one never waits for the other. */
  private readonly beats: RaftCaller;
  private waiting: { owner: string; token: number; predecessor: number | null } | undefined;
  /** The latest heartbeat ordinal (client.beginRenewal) that succeeded: a hold counts from it. */
  private basis = 0;
  readonly renew: (owner: string, token: number | null) => void;

  constructor(
    private readonly client: LockClient,
    private readonly opts: LockOptions,
  ) {
    this.main = new RaftCaller(client, opts, 'd:m', 0);
    this.beats = new RaftCaller(client, opts, 'd:h', 1);
    this.renew = (owner) => this.heartbeat(owner, true);
  }

  acquire(owner: string): void {
    this.basis = 0;
    this.waiting = undefined;
    this.main.call({ f: 'create', owner }, (r) => this.position(owner, r));
  }

  private position(owner: string, r: ClientResponse): void {
    if (r.type !== 'ok') {
      this.stopWaiting();
      return this.client.refused();
    }
    const v = r.value as { token: number; lowest: boolean; predecessor: number | null };
    if (v.lowest) {
      this.stopWaiting();
      return this.client.granted(v.token, this.basis);
    }
    const first = this.waiting === undefined;
    this.waiting = { owner, token: v.token, predecessor: v.predecessor };
    if (first) this.client.ctx.setTimer('d:hb', Math.floor(this.opts.ttlUs / 3));
    this.client.ctx.setTimer('d:poll', this.opts.ttlUs);
  }

  private check(): void {
    const w = this.waiting;
    if (w === undefined) return;
    this.main.call({ f: 'check', owner: w.owner, token: w.token }, (r) => this.position(w.owner, r));
  }

  private heartbeat(owner: string, holding: boolean): void {
    const ordinal = this.client.beginRenewal();
    this.beats.call({ f: 'renew', owner, token: 0 }, (r) => {
      if (r.type !== 'ok') return holding ? this.client.renewRefused() : undefined;
      if (ordinal > this.basis) this.basis = ordinal;
      if (holding) this.client.renewed(ordinal);
    });
  }

  private stopWaiting(): void {
    this.waiting = undefined;
    this.client.ctx.cancelTimer('d:hb');
    this.client.ctx.cancelTimer('d:poll');
  }

  release(owner: string, token: number | null): void {
    this.main.call({ f: 'release', owner, token: token ?? 0 }, (r) => this.client.releaseDone(r.type === 'ok'));
  }

  abort(): void {
    const w = this.waiting;
    this.main.abort();
    this.beats.abort();
    this.stopWaiting();
    // The recipe's cleanup: a client that gives up waiting deletes its node, so that the
    // clients behind it need not wait for its session to expire.
    if (w !== undefined) this.main.call({ f: 'release', owner: w.owner, token: w.token }, () => undefined);
  }

  onMessage(from: Endpoint, msg: LockMsg): void {
    if (msg.type === 'watch') {
      if (this.waiting !== undefined && msg.token === this.waiting.predecessor) this.check();
      return;
    }
    if (!this.main.onMessage(from, msg)) this.beats.onMessage(from, msg);
  }

  onTimer(name: string): void {
    if (name === 'd:hb') {
      if (this.waiting === undefined) return;
      this.heartbeat(this.waiting.owner, false);
      this.client.ctx.setTimer('d:hb', Math.floor(this.opts.ttlUs / 3));
    } else if (name === 'd:poll') {
      this.check();
    } else if (!this.main.onTimer(name)) this.beats.onTimer(name);
  }
}
