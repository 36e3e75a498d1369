// A Zab peer's durable state (DSN 2011 §IV, Medeiros 2012 §2: "acceptedEpoch, currentEpoch
// and history are kept in persistent storage"): every change is synced before the caller
// sends the acknowledgement that depends on it.
//
// The history is a snapshot (ZooKeeper's snapshot of the data tree, ./types.ts ZabSnapshot)
// of its first `base` transactions, all delivered, then the transaction log above it. The
// storage log keeps absolute indexes: entry i is the history's transaction i; a snapshot is
// written under SNAPSHOT_KEY before the log prefix it covers is compacted, in one sync. A
// crash keeps a prefix of the writes in order, so load() may find a snapshot whose log was
// not yet compacted, or not yet rewritten: it keeps the log above the snapshot only when the
// log holds the snapshot's last transaction (one history, by primary order), else drops it.
//
// Bug `volatile-epoch` lives here, and only here: acceptedEpoch and currentEpoch are kept in
// memory and, after a restart, derived from the epoch of the last logged zxid.
import type { DurableStorage } from '../../sim/types.js';
import { AssertionError } from '../../sim/types.js';
import { ACCEPTED_EPOCH_KEY, ACCEPTED_FROM_KEY, CURRENT_EPOCH_KEY, epochOf, NO_ZXID, SNAPSHOT_KEY, type Txn, type ZabSnapshot } from './types.js';

export class DurableState {
  acceptedEpoch = 0;
  /** The leader whose NEWEPOCH set acceptedEpoch (-1: none). */
  acceptedFrom = -1;
  currentEpoch = 0;
  /** The snapshot of the history's first `base` transactions (undefined: none taken or installed). */
  snapshot: ZabSnapshot | undefined = undefined;
  /** The transaction log above the snapshot, in zxid order: history[i] is transaction base + i. */
  readonly history: Txn[] = [];
  /**
   * Ghost bookkeeping for incremental invariants, never read by the protocol: the absolute
   * length the history was cut to at each truncation or replacement (0), in order. Appends
   * and snapshots only extend or keep it.
   */
  readonly cuts: number[] = [];
  /** How many history entries storage holds as they are here (entries from this index on are rewritten at the next save). */
  private stored = 0;
  /** A snapshot was installed and not yet synced (the next save syncs it). */
  private dirty = false;

  constructor(
    private readonly storage: DurableStorage,
    private readonly volatileEpoch: boolean,
  ) {}

  /** How many transactions the snapshot covers (the absolute index of history[0]). */
  get base(): number {
    return this.snapshot === undefined ? 0 : this.snapshot.count;
  }

  /** The snapshot's last zxid (NO_ZXID without one). */
  get baseZxid(): number {
    return this.snapshot === undefined ? NO_ZXID : this.snapshot.zxid;
  }

  /** The history's length, snapshot included. */
  get length(): number {
    return this.base + this.history.length;
  }

  load(): void {
    const st = this.storage;
    const snap = st.get<ZabSnapshot>(SNAPSHOT_KEY);
    let from = st.logStart;
    if (snap !== undefined) {
      if (from > snap.count) throw new AssertionError(`zab: the log starts at ${from}, above the snapshot's ${snap.count}`);
      this.snapshot = snap;
      if (from < snap.count) {
        // The compaction after this snapshot did not reach the disk: the log above it is ours
        // only if it holds the snapshot's last transaction.
        this.compactTo(snap);
        st.sync();
        from = snap.count;
      }
    }
    const len = st.logLength;
    for (let i = from; i < len; i++) this.history.push(st.logAt<Txn>(i) as Txn);
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
    return h.length === 0 ? this.baseZxid : h[h.length - 1].zxid;
  }

  /** The transaction at absolute index i (undefined: in the snapshot, or past the end). */
  at(i: number): Txn | undefined {
    return i < this.base ? undefined : this.history[i - this.base];
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

  /** Keep only the entries with zxid <= z (not synced: call save). The snapshot holds only committed transactions: never cut. */
  truncate(z: number): void {
    const h = this.history;
    let n = h.length;
    while (n > 0 && h[n - 1].zxid > z) n--;
    if (n < h.length) this.cuts.push(this.base + n);
    h.length = n;
    if (n < this.stored) this.stored = n;
  }

  /**
   * Replace the whole history by `snap` (optional) and the transactions `txns` above it (not
   * synced: call save). The newer of our snapshot and `snap` stays (both hold committed
   * transactions only, so one is a prefix of the other); `txns` are kept above it. A newer
   * snapshot is written at once, and the log is cut to it (see the class comment and load).
   */
  replace(snap: ZabSnapshot | undefined, txns: readonly Txn[]): void {
    this.history.length = 0;
    this.cuts.push(0);
    if (snap !== undefined && snap.count > this.base) this.install(snap);
    const floor = this.baseZxid;
    for (const t of txns) if (t.zxid > floor) this.history.push(t);
    this.stored = 0;
  }

  append(t: Txn): void {
    this.history.push(t);
  }

  /**
   * Snapshot `snap` (the data tree after the history's first snap.count transactions,
   * delivered) and compact the log below it, durably. Entries above it stay.
   */
  compact(snap: ZabSnapshot): void {
    const drop = snap.count - this.base;
    if (!(drop > 0 && drop <= this.stored)) throw new AssertionError(`zab: a snapshot at ${snap.count} of a history from ${this.base} with ${this.stored} stored`);
    if (this.history[drop - 1].zxid !== snap.zxid) throw new AssertionError(`zab: a snapshot at ${snap.count} whose zxid is not the history's there`);
    const st = this.storage;
    st.put(SNAPSHOT_KEY, snap);
    st.logCompact(snap.count);
    st.sync();
    this.history.splice(0, drop);
    this.stored -= drop;
    this.snapshot = snap;
  }

  /** Write what changed since the last save, and sync. */
  save(): void {
    const h = this.history;
    const st = this.storage;
    const base = this.base;
    if (this.stored === h.length && st.logLength === base + h.length && !this.dirty) return;
    // One batch: entries stored.. written at `stored`, whatever storage held from there on dropped.
    st.logAppend(h, this.stored, base + this.stored);
    st.sync();
    this.stored = h.length;
    this.dirty = false;
  }

  /** A newer snapshot than ours, from the leader or a peer: the log it does not continue goes (the history is empty here). */
  private install(snap: ZabSnapshot): void {
    this.storage.put(SNAPSHOT_KEY, snap);
    this.compactTo(snap);
    this.snapshot = snap;
    this.dirty = true;
  }

  /** The stored log up to the snapshot goes; what lies above it stays only if it holds the snapshot's last transaction (else it is not ours to keep). */
  private compactTo(snap: ZabSnapshot): void {
    const st = this.storage;
    if (st.logLength < snap.count || st.logAt<Txn>(snap.count - 1)?.zxid !== snap.zxid) st.logTruncate(st.logStart);
    st.logCompact(snap.count);
  }
}
