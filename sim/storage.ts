// A node's durable storage. Writes are visible to the node at once; they survive a crash
// only once synced, when the scenario models unsynced-write loss. Values are kept by
// reference: protocols store values they never mutate again.
import type { Prng } from './prng.js';
import type { DurableStorage } from './types.js';

export class SimStorage implements DurableStorage {
  private readonly synced = new Map<string, unknown>();
  /**
   * Unsynced writes in order (only when loss is modelled): the first `pendingCount` slots of
   * two parallel arrays, kept across syncs. Never truncated with `length = 0`, which would
   * hand the backing store back and make the next writes grow it again (once per sync).
   */
  private readonly pendingKeys: string[] = [];
  private readonly pendingValues: unknown[] = [];
  private pendingCount = 0;

  constructor(private readonly loseUnsynced: boolean) {}

  get<T>(key: string): T | undefined {
    // The latest unsynced write wins. A backwards scan: pending writes are few between syncs, and reads are rare.
    for (let i = this.pendingCount - 1; i >= 0; i--) if (this.pendingKeys[i] === key) return this.pendingValues[i] as T;
    return this.synced.get(key) as T | undefined;
  }

  put(key: string, value: unknown): void {
    if (!this.loseUnsynced) {
      this.synced.set(key, value);
      return;
    }
    const i = this.pendingCount++;
    this.pendingKeys[i] = key;
    this.pendingValues[i] = value;
  }

  sync(): void {
    const n = this.pendingCount;
    if (n === 0) return;
    this.keep(n);
  }

  /** The first `kept` pending writes reach the disk, in order; the pending list is emptied. */
  private keep(kept: number): void {
    const keys = this.pendingKeys;
    const values = this.pendingValues;
    for (let i = 0; i < kept; i++) this.synced.set(keys[i], values[i]);
    // Drop the references (values stay reachable from the synced map or nowhere), keep the slots.
    values.fill(undefined, 0, this.pendingCount);
    this.pendingCount = 0;
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
    return n - kept;
  }

  /** Synced keys, sorted (for summaries and tests). */
  keys(): string[] {
    return [...new Set([...this.synced.keys(), ...this.pendingKeys.slice(0, this.pendingCount)])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  }
}
