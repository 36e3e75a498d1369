// A Redis-style lock server (lock-redis has one, redlock N independent ones): one key, set
// with `SET key owner NX PX ttl`, released by DEL. No replication, no tokens.
//
//   set-nx {owner, ttlUs}   key absent (or expired): set it to owner        -> ok
//                           present                                          -> not ok
//   del {owner}             key held by owner: delete (a compare-and-delete
//                           script, as antirez's description asks)           -> ok; else not ok
//
// Expiry runs on elapsed time: a timer armed at each SET for PX (timers drift but never jump).
// The key is written with appendfsync always (synced before the answer), so a restart keeps
// it, and the restarted server counts a full PX again from its restart (it cannot know how
// much elapsed while it was down; counting it all again errs on the safe side).
//
// Bugs:
//   unconditional-release  DEL deletes the key whoever holds it.
//   redlock-clock-jump     expiry is judged on the wall clock (the key's deadline is
//                          now() + PX, checked on each access): a clock jump forward expires
//                          the key early.
//   redlock-volatile       the key is never written to disk: a restart forgets it.
import type { Actor, ClientRequest, Endpoint, NodeContext } from '../../sim/types.js';
import type { LockMsg } from './types.js';

const KEY = 'redis:lock';

interface Key {
  owner: string;
  ttlUs: number;
  /** Wall-clock deadline (the redlock-clock-jump variant's expiry). */
  deadlineUs: number;
  /** Which SET it is, for the expiry timer. */
  gen: number;
}

export class RedisServer implements Actor<LockMsg> {
  key: Key | null = null;
  private gen = 0;
  private readonly wallClockExpiry: boolean;
  private readonly volatile: boolean;
  private readonly unconditionalRelease: boolean;

  constructor(readonly ctx: NodeContext<LockMsg>) {
    this.wallClockExpiry = ctx.bug('redlock-clock-jump');
    this.volatile = ctx.bug('redlock-volatile');
    this.unconditionalRelease = ctx.bug('unconditional-release');
  }

  onStart(): void {
    // Bug `redlock-volatile`: nothing was persisted, so nothing comes back.
    const stored = this.volatile ? undefined : this.ctx.storage.get<Key>(KEY);
    if (stored === undefined || stored === null) return;
    this.set(stored.owner, stored.ttlUs);
  }

  onMessage(from: Endpoint, msg: LockMsg): void {
    if (msg.type === 'set-nx') {
      this.expireByClock();
      const ok = this.key === null;
      if (ok) this.set(msg.owner, msg.ttlUs);
      this.ctx.send(from, { type: 'redis-reply', seq: msg.seq, ok });
    } else if (msg.type === 'del') {
      this.expireByClock();
      // Bug `unconditional-release`: delete without checking the owner.
      const ok = this.key !== null && (this.key.owner === msg.owner || this.unconditionalRelease);
      if (ok) this.drop();
      this.ctx.send(from, { type: 'redis-reply', seq: msg.seq, ok });
    }
  }

  onTimer(name: string): void {
    if (!name.startsWith('px:') || this.key === null || this.wallClockExpiry) return;
    if (this.key.gen === Number(name.slice(3))) this.drop();
  }

  onRequest(_req: ClientRequest): void {}

  summary(): Record<string, unknown> {
    return { role: 'lock-server', owner: this.key?.owner ?? null };
  }

  private set(owner: string, ttlUs: number): void {
    this.gen++;
    this.key = { owner, ttlUs, deadlineUs: this.ctx.now() + ttlUs, gen: this.gen };
    if (!this.wallClockExpiry) this.ctx.setTimer(`px:${this.gen}`, ttlUs);
    this.persist();
  }

  private drop(): void {
    this.key = null;
    this.persist();
  }

  private persist(): void {
    if (this.volatile) return;
    this.ctx.storage.put(KEY, this.key);
    this.ctx.storage.sync();
  }

  /** The redlock-clock-jump variant: the key is gone once the wall clock passes its deadline. */
  private expireByClock(): void {
    if (this.wallClockExpiry && this.key !== null && this.ctx.now() >= this.key.deadlineUs) this.drop();
  }
}
