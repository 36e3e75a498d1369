// lock-lease's replicated state machine: one lease with a fencing token.
//
//   acquire {owner}          free: grant it, token = last token + 1   -> ok, value = token
//                            held by owner (a retry): the same token   -> ok
//                            held by another                           -> fail 'held'
//   renew {owner, token}     the holder's: a new epoch (the leader times it afresh) -> ok
//                            else                                                    -> fail 'not-holder'
//   release {owner, token}   the holder's: free                        -> ok; else fail 'not-holder'
//   expire {owner, epoch}    the leader's timer: free when that lease is still at that epoch
//
// Tokens only grow, across leaders and restarts (they are log state: every replica applies
// the same grants in the same order). Client sessions (clientId, seq) make retries safe.
//
// Bug `unconditional-release`: release frees the lease whoever holds it.
import type { ClientResponse, Op } from '../../sim/types.js';
import type { Entry } from '../raft/types.js';
import type { LockMachine } from './raft-host.js';
import type { LockCommand } from './types.js';

interface Session {
  seq: number;
  response: ClientResponse;
}

/** Exactly-once application of clients' commands (Raft thesis §6.3), as the KV store does. */
export class Sessions {
  private readonly table = new Map<number, Session>();

  lookup(clientId: number, seq: number): ClientResponse | 'stale' | undefined {
    if (clientId < 0) return undefined; // the leader's own commands
    const s = this.table.get(clientId);
    if (s === undefined || seq > s.seq) return undefined;
    return seq === s.seq ? s.response : 'stale';
  }

  remember(clientId: number, seq: number, response: ClientResponse): void {
    if (clientId >= 0) this.table.set(clientId, { seq, response });
  }

  /** The table for a Raft snapshot (§7): its sessions are never mutated, only replaced. */
  snapshot(): ReadonlyArray<readonly [number, Session]> {
    return Object.freeze([...this.table]);
  }

  restore(rows: ReadonlyArray<readonly [number, Session]>): void {
    this.table.clear();
    for (const [c, s] of rows) this.table.set(c, s);
  }
}

const NOT_HOLDER: ClientResponse = Object.freeze({ type: 'fail', error: 'not-holder' });
const OK: ClientResponse = Object.freeze({ type: 'ok' });

export class LeaseMachine implements LockMachine {
  holder: { owner: string; token: number; epoch: number } | null = null;
  lastToken = 0;
  private epochs = 0;
  private readonly sessions = new Sessions();

  constructor(private readonly unconditionalRelease: boolean) {}

  lookup(clientId: number, seq: number): ClientResponse | 'stale' | undefined {
    return this.sessions.lookup(clientId, seq);
  }

  apply(e: Pick<Entry, 'clientId' | 'seq' | 'op'>): ClientResponse | undefined {
    const seen = this.sessions.lookup(e.clientId, e.seq);
    if (seen === 'stale') return undefined;
    if (seen !== undefined) return seen;
    const response = this.execute(e.op!);
    this.sessions.remember(e.clientId, e.seq, response);
    return response;
  }

  read(): ClientResponse {
    return { type: 'ok', value: this.holder?.token ?? null };
  }

  // The holder object is replaced, never mutated, so a snapshot shares it.
  snapshot(): unknown {
    return Object.freeze({ holder: this.holder, lastToken: this.lastToken, epochs: this.epochs, sessions: this.sessions.snapshot() });
  }

  restore(state: unknown): void {
    const s = state as { holder: LeaseMachine['holder']; lastToken: number; epochs: number; sessions: ReturnType<Sessions['snapshot']> };
    this.holder = s.holder;
    this.lastToken = s.lastToken;
    this.epochs = s.epochs;
    this.sessions.restore(s.sessions);
  }

  private execute(op: Op): ClientResponse {
    const cmd = op.value as LockCommand;
    const h = this.holder;
    switch (cmd.f) {
      case 'acquire':
        if (h !== null) return h.owner === cmd.owner ? { type: 'ok', value: h.token } : { type: 'fail', error: 'held' };
        this.holder = { owner: cmd.owner, token: ++this.lastToken, epoch: ++this.epochs };
        return { type: 'ok', value: this.holder.token };
      case 'renew':
        if (h === null || h.owner !== cmd.owner || h.token !== cmd.token) return NOT_HOLDER;
        this.holder = { ...h, epoch: ++this.epochs };
        return OK;
      case 'release':
        if (h === null) return NOT_HOLDER;
        // Bug `unconditional-release`: no owner check.
        if ((h.owner !== cmd.owner || h.token !== cmd.token) && !this.unconditionalRelease) return NOT_HOLDER;
        this.holder = null;
        return OK;
      case 'expire':
        if (h !== null && h.owner === cmd.owner && h.epoch === cmd.epoch) this.holder = null;
        return OK;
      default:
        return { type: 'fail', error: `lock-lease: unknown command ${cmd.f}` };
    }
  }

  expiring(): ReadonlyArray<{ owner: string; epoch: number }> {
    return this.holder === null ? [] : [this.holder];
  }

  drainDeleted(): number[] {
    return [];
  }

  describe(): Record<string, unknown> {
    return { holder: this.holder?.owner ?? null, token: this.holder?.token ?? null, lastToken: this.lastToken };
  }
}
