// The replicated state machine: a string key-value store with client sessions
// (Raft thesis §6.3: exactly-once application of retried commands).
//
// Operations and answers:
//   get k            -> ok, value = the current string, or undefined when k is absent
//   put k v          -> ok
//   append k v       -> ok (value becomes old + v; an absent key counts as '')
//   cas k [exp, new] -> ok with value true when the current value === exp (then set to new);
//                       fail ('cas mismatch') otherwise: the swap definitely did not happen.
import type { ClientResponse, Op } from '../../sim/types.js';
import type { Entry } from './types.js';

export interface Session {
  /** The highest sequence number applied for this client. */
  seq: number;
  /** Its response, answered again to retries. */
  response: ClientResponse;
}

/**
 * What Raft needs of its replicated state machine: the KV store below, or another one
 * (the lock services in protocols/lock/ plug theirs in through RaftNode's constructor).
 */
export interface StateMachine {
  /** The cached response when (clientId, seq) was already applied; 'stale' for an older seq; undefined when new. */
  lookup(clientId: number, seq: number): ClientResponse | 'stale' | undefined;
  /** Apply a committed command (never the no-op); undefined for a stale retry. */
  apply(e: Pick<Entry, 'clientId' | 'seq' | 'op'>): ClientResponse | undefined;
  /** Answer a read without the log (the `local-read` variant only). */
  read(key: string): ClientResponse;
  /**
   * The whole state, client sessions included (§7), as an immutable value that later
   * applies do not change: it is stored, sent and restored by other nodes as it is.
   */
  snapshot(): unknown;
  /** Replace the whole state by a snapshot's (copying it: the snapshot stays immutable). */
  restore(state: unknown): void;
}

/** KvStore's snapshot: the data and the session table as sorted-by-insertion pairs. */
interface KvSnapshot {
  readonly data: ReadonlyArray<readonly [string, string]>;
  readonly sessions: ReadonlyArray<readonly [number, number, ClientResponse]> | null;
}

const OK: ClientResponse = Object.freeze({ type: 'ok' });
const OK_TRUE: ClientResponse = Object.freeze({ type: 'ok', value: true });
const CAS_MISMATCH: ClientResponse = Object.freeze({ type: 'fail', error: 'cas mismatch' });

export class KvStore implements StateMachine {
  readonly data = new Map<string, string>();
  /**
   * Client sessions: clientId -> last applied seq and its response. Null when the
   * `no-dedup` variant is on: then retried commands are applied again.
   */
  readonly sessions: Map<number, Session> | null;

  constructor(dedup: boolean) {
    this.sessions = dedup ? new Map() : null;
  }

  /** The cached response when (clientId, seq) was already applied; 'stale' for an older seq; undefined when new. */
  lookup(clientId: number, seq: number): ClientResponse | 'stale' | undefined {
    const s = this.sessions?.get(clientId);
    if (s === undefined || seq > s.seq) return undefined;
    return seq === s.seq ? s.response : 'stale';
  }

  /**
   * Apply a committed client command (not the no-op). Returns the response, or undefined for
   * a stale retry. Takes any command with a session identity (Raft's log entries, Multi-Paxos's
   * slot values).
   */
  apply(e: Pick<Entry, 'clientId' | 'seq' | 'op'>): ClientResponse | undefined {
    const seen = this.lookup(e.clientId, e.seq);
    if (seen === 'stale') return undefined;
    if (seen !== undefined) return seen;
    const response = this.execute(e.op!);
    if (this.sessions !== null) {
      const s = this.sessions.get(e.clientId);
      if (s === undefined) this.sessions.set(e.clientId, { seq: e.seq, response });
      else {
        s.seq = e.seq;
        s.response = response;
      }
    }
    return response;
  }

  snapshot(): unknown {
    const snap: KvSnapshot = {
      data: Object.freeze([...this.data]),
      sessions: this.sessions === null ? null : Object.freeze([...this.sessions].map(([c, s]) => Object.freeze([c, s.seq, s.response] as const))),
    };
    return Object.freeze(snap);
  }

  restore(state: unknown): void {
    const snap = state as KvSnapshot;
    this.data.clear();
    for (const [k, v] of snap.data) this.data.set(k, v);
    if (this.sessions === null) return;
    this.sessions.clear();
    // A snapshot taken without sessions (the no-dedup variant's) restores none.
    if (snap.sessions !== null) for (const [c, seq, response] of snap.sessions) this.sessions.set(c, { seq, response });
  }

  /** Read without going through the log (only the `local-read` variant does this). */
  read(key: string): ClientResponse {
    return { type: 'ok', value: this.data.get(key) };
  }

  private execute(op: Op): ClientResponse {
    const key = op.key ?? '';
    switch (op.f) {
      case 'get':
        return { type: 'ok', value: this.data.get(key) };
      case 'put':
        this.data.set(key, String(op.value));
        return OK;
      case 'append':
        this.data.set(key, (this.data.get(key) ?? '') + String(op.value));
        return OK;
      case 'cas': {
        const v = op.value;
        if (!Array.isArray(v) || v.length !== 2) return { type: 'fail', error: 'cas needs [expected, new]' };
        if (this.data.get(key) !== v[0]) return CAS_MISMATCH;
        this.data.set(key, String(v[1]));
        return OK_TRUE;
      }
      default:
        return { type: 'fail', error: `unknown operation ${op.f}` };
    }
  }
}
