// A participant's lock table: shared and exclusive locks per key, held by transactions.
// No-wait: a transaction asks for all the locks of its part at once, at PREPARE, and gets
// all of them or none (it then votes no). Nobody ever waits for a lock, so there are no
// deadlocks; the price is aborts under contention, which the clients retry. Locks live in
// memory only: a restarted participant takes them again from its prepared records.
import type { LockMode } from './txn.js';

interface KeyLock {
  mode: LockMode;
  /** Holders in the order they got the lock. */
  holders: string[];
}

export class LockTable {
  private readonly keys = new Map<string, KeyLock>();
  /** Each holder's keys, to release them. */
  private readonly held = new Map<string, string[]>();

  /** Would `txn` get every one of these locks now? (A transaction never conflicts with itself.) */
  grantable(txn: string, locks: ReadonlyArray<readonly [string, LockMode]>): boolean {
    for (const [key, mode] of locks) {
      const lock = this.keys.get(key);
      if (lock === undefined) continue;
      const others = lock.holders.filter((h) => h !== txn);
      if (others.length === 0) continue;
      if (mode === 'exclusive' || lock.mode === 'exclusive') return false;
    }
    return true;
  }

  /** Take every lock, or none: true when granted. */
  acquire(txn: string, locks: ReadonlyArray<readonly [string, LockMode]>): boolean {
    if (!this.grantable(txn, locks)) return false;
    const mine = this.held.get(txn) ?? [];
    for (const [key, mode] of locks) {
      const lock = this.keys.get(key);
      if (lock === undefined) {
        this.keys.set(key, { mode, holders: [txn] });
        mine.push(key);
        continue;
      }
      if (!lock.holders.includes(txn)) {
        lock.holders.push(txn);
        mine.push(key);
      }
      // The only holder, or all shared: the strongest mode asked for wins.
      if (mode === 'exclusive') lock.mode = 'exclusive';
    }
    this.held.set(txn, mine);
    return true;
  }

  release(txn: string): void {
    for (const key of this.held.get(txn) ?? []) {
      const lock = this.keys.get(key)!;
      lock.holders = lock.holders.filter((h) => h !== txn);
      if (lock.holders.length === 0) this.keys.delete(key);
    }
    this.held.delete(txn);
  }

  /** The transactions holding locks, in the order they got them. */
  holders(): string[] {
    return [...this.held.keys()];
  }

  /** Who holds the lock on a key, and how (for invariants and summaries). */
  lockOn(key: string): { mode: LockMode; holders: readonly string[] } | undefined {
    return this.keys.get(key);
  }

  get size(): number {
    return this.held.size;
  }
}
