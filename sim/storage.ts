// A node's durable storage. Writes are visible to the node at once; they survive a crash
// only once synced, when the scenario models unsynced-write loss. Values are kept by
// reference: protocols store values they never mutate again.
import type { Prng } from './prng.js';
import type { DurableStorage } from './types.js';

export class SimStorage implements DurableStorage {
  private readonly synced = new Map<string, unknown>();
  /** Unsynced writes in order (only when loss is modelled), as parallel arrays reused across syncs. */
  private readonly pendingKeys: string[] = [];
  private readonly pendingValues: unknown[] = [];

  constructor(private readonly loseUnsynced: boolean) {}

  get<T>(key: string): T | undefined {
    // The latest unsynced write wins. A backwards scan: pending writes are few between syncs, and reads are rare.
    for (let i = this.pendingKeys.length - 1; i >= 0; i--) if (this.pendingKeys[i] === key) return this.pendingValues[i] as T;
    return this.synced.get(key) as T | undefined;
  }

  put(key: string, value: unknown): void {
    if (!this.loseUnsynced) {
      this.synced.set(key, value);
      return;
    }
    this.pendingKeys.push(key);
    this.pendingValues.push(value);
  }

  sync(): void {
    const n = this.pendingKeys.length;
    if (n === 0) return;
    for (let i = 0; i < n; i++) this.synced.set(this.pendingKeys[i], this.pendingValues[i]);
    this.clearPending();
  }

  private clearPending(): void {
    this.pendingKeys.length = 0;
    this.pendingValues.length = 0;
  }

  get unsyncedWrites(): number {
    return this.pendingKeys.length;
  }

  /** A crash: a seeded prefix of the unsynced writes reaches the disk, the rest is lost. Returns how many were lost. */
  crash(disk: Prng): number {
    const n = this.pendingKeys.length;
    if (n === 0) return 0;
    const kept = disk.int(0, n);
    for (let i = 0; i < kept; i++) this.synced.set(this.pendingKeys[i], this.pendingValues[i]);
    this.clearPending();
    return n - kept;
  }

  /** Synced keys, sorted (for summaries and tests). */
  keys(): string[] {
    return [...new Set([...this.synced.keys(), ...this.pendingKeys])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  }
}
