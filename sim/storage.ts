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
//
// A log compaction (logCompact: discard the entries below an index, after a snapshot that
// covers them was synced) is one more header write (the log's first-index key raised).
// Indexes stay absolute: logLength counts the discarded entries, logAt is undefined below
// logStart.
import type { Prng } from './prng.js';
import { kernelAssert } from './errors.js';
import { AssertionError, type DurableStorage } from './types.js';

/** Kinds of pending writes. */
const PUT = 0;
const LOG_TRUNCATE = 1;
const LOG_ENTRY = 2;
const LOG_HEADER = 3;
const LOG_COMPACT = 4;

export class SimStorage implements DurableStorage {
  private readonly synced = new Map<string, unknown>();
  /** The log as the process sees it (synced or not): entries logStart.. at 0.. */
  private log: unknown[] = [];
  /** The absolute index of log[0] (entries below were discarded by logCompact). */
  private start = 0;
  /** The durable log's start (the same as `start` unless loss is modelled). */
  private durableStart = 0;
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
    return this.start + this.log.length;
  }

  get logStart(): number {
    return this.start;
  }

  logAt<T>(index: number): T | undefined {
    return (index < this.start ? undefined : this.log[index - this.start]) as T | undefined;
  }

  logAppend(entries: readonly unknown[], from = 0, at = this.logLength): void {
    const log = this.log;
    const length = this.logLength;
    if (!(Number.isInteger(from) && from >= 0 && from <= entries.length)) throw new AssertionError(`log append from ${from} of ${entries.length} entries`);
    if (!(Number.isInteger(at) && at >= this.start && at <= length)) throw new AssertionError(`log append at ${at} of a log of ${length} from ${this.start}`);
    if (at < length) {
      log.length = at - this.start;
      if (this.syncedLength > at) this.syncedLength = at;
    }
    for (let i = from; i < entries.length; i++) log.push(entries[i]);
    if (!this.loseUnsynced) {
      this.syncedLength = this.logLength;
      return;
    }
    for (let i = from; i < entries.length; i++) this.pending(LOG_ENTRY, entries[i], '');
    this.pendingAt[this.pendingCount] = at;
    this.pending(LOG_HEADER, entries.length - from, '');
  }

  logTruncate(length: number): void {
    if (!(Number.isInteger(length) && length >= this.start && length <= this.logLength)) {
      throw new AssertionError(`log truncation to ${length} of ${this.logLength} from ${this.start}`);
    }
    if (this.log.length !== length - this.start) this.log.length = length - this.start;
    if (this.syncedLength > length) this.syncedLength = length;
    if (this.loseUnsynced) this.pending(LOG_TRUNCATE, length, '');
  }

  logCompact(upto: number): void {
    if (!(Number.isInteger(upto) && upto >= this.start)) throw new AssertionError(`log compaction to ${upto} of a log from ${this.start}`);
    if (upto === this.start) return;
    const length = this.logLength;
    if (upto >= length) {
      this.log.length = 0;
      if (this.syncedLength < upto) this.syncedLength = upto;
    } else this.log.splice(0, upto - this.start);
    this.start = upto;
    if (!this.loseUnsynced) this.durableStart = upto;
    else this.pending(LOG_COMPACT, upto, '');
  }

  get logSynced(): number {
    return this.syncedLength;
  }

  sync(): void {
    const n = this.pendingCount;
    if (n === 0) return;
    this.keep(n);
    this.syncedLength = this.logLength;
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
    this.start = this.durableStart;
    this.syncedLength = this.logLength;
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
          kernelAssert(length >= this.durableStart && length <= this.durableStart + disk.length, 'a log truncation replays onto the log it was written against');
          if (disk.length !== length - this.durableStart) disk.length = length - this.durableStart;
          break;
        }
        case LOG_ENTRY:
          break; // durable with its header
        case LOG_HEADER: {
          const count = values[i] as number;
          const at = this.pendingAt[i];
          kernelAssert(at >= this.durableStart && at <= this.durableStart + disk.length, 'a log append replays onto the log it was written against');
          // Setting an array's length is a runtime call even when it changes nothing: most appends are at the end.
          if (disk.length !== at - this.durableStart) disk.length = at - this.durableStart;
          for (let j = i - count; j < i; j++) disk.push(values[j]);
          break;
        }
        case LOG_COMPACT: {
          const upto = values[i] as number;
          kernelAssert(upto >= this.durableStart, 'a log compaction only raises the start');
          if (upto >= this.durableStart + disk.length) disk.length = 0;
          else disk.splice(0, upto - this.durableStart);
          this.durableStart = upto;
          break;
        }
      }
    }
    // Drop the references (values stay reachable from the synced map, the logs or nowhere), keep the slots.
    // A loop, not fill(): fill is a builtin call, and between two syncs there are only a few writes.
    for (let i = 0, n = this.pendingCount; i < n; i++) values[i] = undefined;
    this.pendingCount = 0;
  }
}
