// A node's durable storage: key/value puts and a log, with one pending order. Writes are
// visible to the node at once; they survive a crash only once synced, when the scenario
// models unsynced-write loss. Values and log entries are kept by reference: protocols store
// values they never mutate again.
//
// Unsynced writes form one list in write order: a put, a log truncation (one header write),
// a log append of k entries (k entry writes, then one header write). A crash keeps a seeded
// prefix of that list; an append whose header write was cut off is lost whole. This is the
// shape of a key-per-entry log with a last-index key raised after the entries, write for
// write, so the crash draws and what survives are those of that layout.
import type { Prng } from './prng.js';
import { kernelAssert } from './errors.js';
import { AssertionError, type DurableStorage } from './types.js';

/** Kinds of pending writes. */
const PUT = 0;
const LOG_TRUNCATE = 1;
const LOG_ENTRY = 2;
const LOG_HEADER = 3;

export class SimStorage implements DurableStorage {
  private readonly synced = new Map<string, unknown>();
  /** The log as the process sees it (synced or not). */
  private log: unknown[] = [];
  /** The log as the disk holds it: the same array as `log` unless loss is modelled. */
  private durableLog: unknown[];
  private syncedLength = 0;
  /**
   * Unsynced writes in order (only when loss is modelled): the first `pendingCount` slots of
   * parallel arrays, kept across syncs. Never truncated with `length = 0`, which would hand
   * the backing store back and make the next writes grow it again (once per sync).
   * Values: a put's value, a truncation's length, an entry, a header's entry count.
   */
  private readonly pendingKinds: number[] = [];
  private readonly pendingKeys: string[] = [];
  private readonly pendingValues: unknown[] = [];
  /** A header's log index: where its entries go (what follows is dropped). */
  private readonly pendingAt: number[] = [];
  private pendingCount = 0;

  constructor(private readonly loseUnsynced: boolean) {
    this.durableLog = loseUnsynced ? [] : this.log;
  }

  get<T>(key: string): T | undefined {
    // The latest unsynced write wins. A backwards scan: pending writes are few between syncs, and reads are rare.
    for (let i = this.pendingCount - 1; i >= 0; i--) {
      if (this.pendingKinds[i] === PUT && this.pendingKeys[i] === key) return this.pendingValues[i] as T;
    }
    return this.synced.get(key) as T | undefined;
  }

  put(key: string, value: unknown): void {
    if (!this.loseUnsynced) {
      this.synced.set(key, value);
      return;
    }
    this.pending(PUT, value, key);
  }

  get logLength(): number {
    return this.log.length;
  }

  logAt<T>(index: number): T | undefined {
    return this.log[index] as T | undefined;
  }

  logAppend(entries: readonly unknown[], from = 0, at = this.log.length): void {
    const log = this.log;
    if (!(Number.isInteger(from) && from >= 0 && from <= entries.length)) throw new AssertionError(`log append from ${from} of ${entries.length} entries`);
    if (!(Number.isInteger(at) && at >= 0 && at <= log.length)) throw new AssertionError(`log append at ${at} of a log of ${log.length}`);
    if (at < log.length) {
      log.length = at;
      if (this.syncedLength > at) this.syncedLength = at;
    }
    for (let i = from; i < entries.length; i++) log.push(entries[i]);
    if (!this.loseUnsynced) {
      this.syncedLength = log.length;
      return;
    }
    for (let i = from; i < entries.length; i++) this.pending(LOG_ENTRY, entries[i], '');
    this.pendingAt[this.pendingCount] = at;
    this.pending(LOG_HEADER, entries.length - from, '');
  }

  logTruncate(length: number): void {
    if (!(Number.isInteger(length) && length >= 0 && length <= this.log.length)) throw new AssertionError(`log truncation to ${length} of ${this.log.length}`);
    this.log.length = length;
    if (this.syncedLength > length) this.syncedLength = length;
    if (this.loseUnsynced) this.pending(LOG_TRUNCATE, length, '');
  }

  get logSynced(): number {
    return this.syncedLength;
  }

  sync(): void {
    const n = this.pendingCount;
    if (n === 0) return;
    this.keep(n);
    this.syncedLength = this.log.length;
  }

  get unsyncedWrites(): number {
    return this.pendingCount;
  }

  /** A crash: a seeded prefix of the unsynced writes reaches the disk, the rest is lost. Returns how many were lost. */
  crash(disk: Prng): number {
    const n = this.pendingCount;
    if (n === 0) return 0;
    const kept = disk.int(0, n);
    this.keep(kept);
    // What the next incarnation sees is what the disk holds.
    this.log = this.durableLog.slice();
    this.syncedLength = this.log.length;
    return n - kept;
  }

  /** Keys written (synced or not), sorted (for summaries and tests). */
  keys(): string[] {
    const all = new Set(this.synced.keys());
    for (let i = 0; i < this.pendingCount; i++) if (this.pendingKinds[i] === PUT) all.add(this.pendingKeys[i]);
    return [...all].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  }

  private pending(kind: number, value: unknown, key: string): void {
    const i = this.pendingCount++;
    this.pendingKinds[i] = kind;
    this.pendingKeys[i] = key;
    this.pendingValues[i] = value;
  }

  /** The first `kept` pending writes reach the disk, in order; the pending list is emptied. */
  private keep(kept: number): void {
    const kinds = this.pendingKinds;
    const keys = this.pendingKeys;
    const values = this.pendingValues;
    const disk = this.durableLog;
    for (let i = 0; i < kept; i++) {
      switch (kinds[i]) {
        case PUT:
          this.synced.set(keys[i], values[i]);
          break;
        case LOG_TRUNCATE: {
          const length = values[i] as number;
          kernelAssert(length <= disk.length, 'a log truncation replays onto the log it was written against');
          disk.length = length;
          break;
        }
        case LOG_ENTRY:
          break; // durable with its header
        case LOG_HEADER: {
          const count = values[i] as number;
          const at = this.pendingAt[i];
          kernelAssert(at <= disk.length, 'a log append replays onto the log it was written against');
          disk.length = at;
          for (let j = i - count; j < i; j++) disk.push(values[j]);
          break;
        }
      }
    }
    // Drop the references (values stay reachable from the synced map, the logs or nowhere), keep the slots.
    values.fill(undefined, 0, this.pendingCount);
    this.pendingCount = 0;
  }
}
