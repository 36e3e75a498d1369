// The protected resource (Kleppmann's "storage service"): it accepts the writes of a
// critical section and, with fencing, refuses any write whose token is lower than the
// highest it has accepted. The highest token is durable (synced before the write is
// acknowledged), so a restart does not reopen the door to a stale holder.
//
// Writes without a token (lock-redis, redlock: their grants carry no ordered token) are
// accepted as they come: nothing can tell a stale holder from a fresh one.
//
// Bug `no-fencing`: the resource does not check tokens (every write is accepted).
import type { Actor, ClientRequest, Endpoint, NodeContext } from '../../sim/types.js';
import { writeNote } from './notes.js';
import { NOTE, type LockMsg, type WriteMsg } from './types.js';

const HIGHEST_KEY = 'resource:highest';

export class ResourceNode implements Actor<LockMsg> {
  /** The highest token accepted, or null before any tokened write. */
  highest: number | null = null;
  accepted = 0;
  rejected = 0;

  constructor(readonly ctx: NodeContext<LockMsg>) {}

  onStart(): void {
    this.highest = this.ctx.storage.get<number>(HIGHEST_KEY) ?? null;
  }

  onMessage(from: Endpoint, msg: LockMsg): void {
    if (msg.type !== 'write') return;
    const ok = this.admits(msg);
    if (ok && msg.token !== null && (this.highest === null || msg.token > this.highest)) {
      this.highest = msg.token;
      this.ctx.storage.put(HIGHEST_KEY, msg.token);
      this.ctx.storage.sync();
    }
    if (ok) this.accepted++;
    else this.rejected++;
    this.ctx.note(NOTE.write, writeNote, msg, from, this.ctx.nodes.length, ok);
    this.ctx.send(from, { type: 'write-reply', seq: msg.seq, accepted: ok, highest: this.highest });
  }

  /** Fencing: a token below the highest seen is a stale holder's. */
  admits(msg: WriteMsg): boolean {
    if (msg.token === null || this.highest === null) return true;
    // Bug `no-fencing`: the token is not checked.
    if (this.ctx.bug('no-fencing')) return true;
    return msg.token >= this.highest;
  }

  onTimer(): void {}
  onRequest(_req: ClientRequest): void {}

  summary(): Record<string, unknown> {
    return { role: 'resource', highest: this.highest, accepted: this.accepted, rejected: this.rejected };
  }
}
