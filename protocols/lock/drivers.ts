// How a lock client talks to each lock service (the LockDriver of ./client.ts):
//   RaftDriver     lock-lease: commands to the Raft leader, redirects and timeouts like a
//                  Raft client (sessions make retries safe)
//   RedisDriver    lock-redis: SET NX PX and DEL on the one server
//   RedlockDriver  redlock: SET NX PX on every server; held with a majority within validity
// (lock-zk's driver, which waits on a watch, is in ./zk.ts.) Driver timers are named `d:...`.
import type { ClientResponse, Endpoint, NodeId } from '../../sim/types.js';
import type { LockClient, LockDriver } from './client.js';
import type { LockOptions } from './options.js';
import { LOCK_SERVER, type LockCommand, type LockMsg } from './types.js';

interface Pending {
  seq: number;
  cmd: LockCommand;
  done: (response: ClientResponse) => void;
}

/** A request/redirect/retry client of a Raft-replicated lock service. */
export class RaftCaller {
  private seq = 0;
  private pending: Pending | undefined;
  private target: NodeId;
  private readonly servers: readonly NodeId[];

  private readonly reqTimer: string;
  private readonly resendTimer: string;

  constructor(
    private readonly client: LockClient,
    private readonly opts: LockOptions,
    /** Timer names start with it (`d`: d:req, d:resend). */
    prefix = 'd',
    /** Callers of one client that run side by side take lanes 0 and 1: separate sessions, and seqs that never collide. */
    private readonly lane = 0,
  ) {
    this.servers = client.ctx.nodesWith(LOCK_SERVER);
    this.target = this.servers[client.ctx.index % this.servers.length];
    this.reqTimer = `${prefix}:req`;
    this.resendTimer = `${prefix}:resend`;
    this.seq = lane;
  }

  /** The Raft session id: the Jepsen process and the lane (processes are never reused, so a restarted client starts fresh sessions). */
  private get clientId(): number {
    return this.client.ctx.process * 2 + this.lane;
  }

  call(cmd: LockCommand, done: (response: ClientResponse) => void): void {
    this.seq += 2;
    this.pending = { seq: this.seq, cmd, done };
    this.send();
  }

  abort(): void {
    this.pending = undefined;
    this.client.ctx.cancelTimer(this.reqTimer);
    this.client.ctx.cancelTimer(this.resendTimer);
  }

  private send(): void {
    const p = this.pending;
    if (p === undefined) return;
    this.client.ctx.send(this.target, { type: 'lock-req', seq: p.seq, cmd: p.cmd, clientId: this.clientId });
    this.client.ctx.setTimer(this.reqTimer, this.opts.requestTimeoutUs);
  }

  private nextServer(): void {
    const i = this.servers.indexOf(this.target);
    this.target = this.servers[(i + 1) % this.servers.length];
  }

  /** True when the message was this caller's (the answer to its request in flight). */
  onMessage(_from: Endpoint, msg: LockMsg): boolean {
    if (msg.type !== 'lock-resp' || msg.seq % 2 !== this.lane) return false;
    const p = this.pending;
    if (p === undefined || msg.seq !== p.seq) return true;
    const r = msg.response;
    if (r.type === 'redirect') {
      if (r.leader !== undefined && r.leader !== this.target) this.target = r.leader;
      else this.nextServer();
      // Ask the hinted leader now; with no leader known yet, wait a little first.
      this.client.ctx.cancelTimer(this.reqTimer);
      this.client.ctx.setTimer(this.resendTimer, r.leader === undefined ? Math.floor(this.opts.requestTimeoutUs / 4) : 0);
      return true;
    }
    this.abort();
    p.done(r);
    return true;
  }

  onTimer(name: string): boolean {
    if (name !== this.reqTimer && name !== this.resendTimer) return false;
    if (this.pending === undefined) return true;
    // A request that timed out goes to the next server; a redirected one to its new target.
    if (name === this.reqTimer) this.nextServer();
    this.send();
    return true;
  }
}

export class RaftDriver implements LockDriver {
  private readonly caller: RaftCaller;
  readonly renew: (owner: string, token: number | null) => void;

  constructor(
    private readonly client: LockClient,
    opts: LockOptions,
  ) {
    this.caller = new RaftCaller(client, opts);
    this.renew = (owner, token) => {
      const ordinal = client.beginRenewal();
      this.caller.call({ f: 'renew', owner, token: token ?? 0 }, (r) => (r.type === 'ok' ? client.renewed(ordinal) : client.renewRefused()));
    };
  }

  acquire(owner: string): void {
    this.caller.call({ f: 'acquire', owner }, (r) => (r.type === 'ok' ? this.client.granted(r.value as number) : this.client.refused()));
  }

  release(owner: string, token: number | null): void {
    this.caller.call({ f: 'release', owner, token: token ?? 0 }, (r) => this.client.releaseDone(r.type === 'ok'));
  }

  abort(): void {
    this.caller.abort();
  }

  onMessage(from: Endpoint, msg: LockMsg): void {
    this.caller.onMessage(from, msg);
  }

  onTimer(name: string): void {
    this.caller.onTimer(name);
  }
}

/**
 * lock-redis and redlock: SET key owner NX PX ttl on each of `servers` (one for lock-redis),
 * held when a majority answered OK and the acquire took less than the validity. A failed
 * Redlock acquire releases what it got, everywhere.
 */
export class RedisDriver implements LockDriver {
  readonly renew = undefined;
  private seq = 0;
  private readonly servers: readonly NodeId[];
  private readonly majority: number;
  /** The round in flight: its seq, what it does, who answered and how. */
  private round: { seq: number; kind: 'acquire' | 'release'; answers: Map<NodeId, boolean> } | undefined;

  constructor(
    private readonly client: LockClient,
    private readonly opts: LockOptions,
  ) {
    this.servers = client.ctx.nodesWith(LOCK_SERVER);
    this.majority = Math.floor(this.servers.length / 2) + 1;
  }

  acquire(owner: string): void {
    this.start('acquire');
    for (const s of this.servers) this.client.ctx.send(s, { type: 'set-nx', seq: this.seq, owner, ttlUs: this.opts.ttlUs });
  }

  release(owner: string): void {
    this.start('release');
    this.sendDel(owner);
  }

  private sendDel(owner: string): void {
    for (const s of this.servers) this.client.ctx.send(s, { type: 'del', seq: this.seq, owner });
  }

  private start(kind: 'acquire' | 'release'): void {
    this.seq++;
    this.round = { seq: this.seq, kind, answers: new Map() };
    this.client.ctx.setTimer('d:round', this.opts.requestTimeoutUs);
  }

  abort(): void {
    this.round = undefined;
    this.client.ctx.cancelTimer('d:round');
  }

  onMessage(from: Endpoint, msg: LockMsg): void {
    const r = this.round;
    if (msg.type !== 'redis-reply' || r === undefined || msg.seq !== r.seq) return;
    r.answers.set(from, msg.ok);
    if (r.answers.size === this.servers.length) this.finish();
  }

  onTimer(name: string): void {
    if (name === 'd:round' && this.round !== undefined) this.finish();
  }

  private finish(): void {
    const r = this.round!;
    this.abort();
    let oks = 0;
    for (const ok of r.answers.values()) if (ok) oks++;
    if (r.kind === 'release') return this.client.releaseDone(oks >= this.majority);
    if (oks >= this.majority) return this.client.granted(null);
    // Redlock: a failed attempt unlocks every instance (even those that did not answer).
    if (oks > 0 || r.answers.size < this.servers.length) {
      this.seq++;
      this.sendDel(this.client.grant);
    }
    this.client.refused();
  }
}
