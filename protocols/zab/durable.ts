// A Zab peer's durable state (DSN 2011 §IV, Medeiros 2012 §2: "acceptedEpoch, currentEpoch
// and history are kept in persistent storage"): every change is synced before the caller
// sends the acknowledgement that depends on it.
//
// Bug `volatile-epoch` lives here, and only here: acceptedEpoch and currentEpoch are kept in
// memory and, after a restart, derived from the epoch of the last logged zxid.
import type { DurableStorage } from '../../sim/types.js';
import { ACCEPTED_EPOCH_KEY, ACCEPTED_FROM_KEY, CURRENT_EPOCH_KEY, epochOf, NO_ZXID, type Txn } from './types.js';

export class DurableState {
  acceptedEpoch = 0;
  /** The leader whose NEWEPOCH set acceptedEpoch (-1: none). */
  acceptedFrom = -1;
  currentEpoch = 0;
  /** The history (the transaction log), in zxid order. */
  readonly history: Txn[] = [];
  /**
   * Ghost bookkeeping for incremental invariants, never read by the protocol: the length the
   * history was cut to at each truncation or replacement (0), in order. Appends only extend it.
   */
  readonly cuts: number[] = [];
  /** How many history entries storage holds as they are here (entries from this index on are rewritten at the next save). */
  private stored = 0;

  constructor(
    private readonly storage: DurableStorage,
    private readonly volatileEpoch: boolean,
  ) {}

  load(): void {
    const st = this.storage;
    const len = st.logLength;
    for (let i = 0; i < len; i++) this.history.push(st.logAt<Txn>(i) as Txn);
    this.stored = this.history.length;
    if (this.volatileEpoch) {
      // Bug `volatile-epoch`: the epochs come back as the last logged zxid's epoch.
      this.acceptedEpoch = this.currentEpoch = epochOf(this.lastZxid());
      return;
    }
    this.acceptedEpoch = this.storage.get<number>(ACCEPTED_EPOCH_KEY) ?? 0;
    this.acceptedFrom = this.storage.get<number>(ACCEPTED_FROM_KEY) ?? -1;
    this.currentEpoch = this.storage.get<number>(CURRENT_EPOCH_KEY) ?? 0;
  }

  lastZxid(): number {
    const h = this.history;
    return h.length === 0 ? NO_ZXID : h[h.length - 1].zxid;
  }

  setAcceptedEpoch(epoch: number, from: number): void {
    this.acceptedEpoch = epoch;
    this.acceptedFrom = from;
    if (this.volatileEpoch) return;
    this.storage.put(ACCEPTED_EPOCH_KEY, epoch);
    this.storage.put(ACCEPTED_FROM_KEY, from);
    this.storage.sync();
  }

  setCurrentEpoch(epoch: number): void {
    this.currentEpoch = epoch;
    if (this.volatileEpoch) return;
    this.storage.put(CURRENT_EPOCH_KEY, epoch);
    this.storage.sync();
  }

  /** Keep only the entries with zxid <= z (not synced: call save). */
  truncate(z: number): void {
    const h = this.history;
    let n = h.length;
    while (n > 0 && h[n - 1].zxid > z) n--;
    if (n < h.length) this.cuts.push(n);
    h.length = n;
    if (n < this.stored) this.stored = n;
  }

  /** Replace the whole history (not synced: call save). */
  replace(txns: readonly Txn[]): void {
    this.history.length = 0;
    this.cuts.push(0);
    for (const t of txns) this.history.push(t);
    this.stored = 0;
  }

  append(t: Txn): void {
    this.history.push(t);
  }

  /** Write what changed since the last save, and sync. */
  save(): void {
    const h = this.history;
    const st = this.storage;
    if (this.stored === h.length && st.logLength === h.length) return;
    // One batch: entries stored.. written at `stored`, whatever storage held from there on dropped.
    st.logAppend(h, this.stored, this.stored);
    st.sync();
    this.stored = h.length;
  }
}
