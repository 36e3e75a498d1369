// Transactions: where a key lives, how a client operation becomes a transaction, how a
// participant evaluates its part, and which lock each operation needs.
import type { NodeId, Op } from '../../sim/types.js';
import type { BankTransfer } from '../../workloads/bank.js';
import type { ListAppendMicroOp } from '../../workloads/list-append.js';
import type { OpResult, TxnOp } from './messages.js';

/** Key `a7` or `k7` lives on participant index (7 - 1) % P. Other keys hash by their characters. */
export function shardOf(key: string, participantCount: number): number {
  const n = Number.parseInt(key.slice(1), 10);
  if (Number.isSafeInteger(n) && n >= 1) return (n - 1) % participantCount;
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return h % participantCount;
}

/** The bank's account names a1..aN. */
export function accountNames(accounts: number): string[] {
  return Array.from({ length: accounts }, (_, i) => `a${i + 1}`);
}

/**
 * A client operation as a transaction: a bank transfer debits `from` and credits `to`; a
 * bank read gets every account; a list-append txn maps micro-op by micro-op. Undefined
 * for an operation this protocol does not run.
 */
export function txnOfOp(op: Op, accounts: number): TxnOp[] | undefined {
  if (op.f === 'transfer') {
    const t = op.value as BankTransfer;
    return [
      { f: 'add', key: t.from, delta: -t.amount },
      { f: 'add', key: t.to, delta: t.amount },
    ];
  }
  if (op.f === 'read') return accountNames(accounts).map((key) => ({ f: 'get', key }));
  if (op.f === 'txn') {
    return (op.value as ListAppendMicroOp[]).map((m): TxnOp => (m[0] === 'append' ? { f: 'append', key: m[1], value: m[2] } : { f: 'r', key: m[1] }));
  }
  return undefined;
}

/** The ok completion's value: the transfer itself, every balance, or the micro-ops with the lists read. */
export function completionValue(op: Op, results: readonly OpResult[]): unknown {
  if (op.f === 'transfer') return op.value;
  if (op.f === 'read') {
    const balances: Record<string, number> = {};
    results.forEach((r, i) => (balances[`a${i + 1}`] = r as number));
    return balances;
  }
  const micro = op.value as ListAppendMicroOp[];
  return micro.map((m, i) => (m[0] === 'r' ? ['r', m[1], [...((results[i] as readonly number[] | null) ?? [])]] : m));
}

/** Each participant's part of a transaction: its operations and their positions in the whole. */
export interface TxnPart {
  readonly node: NodeId;
  readonly ops: TxnOp[];
  readonly positions: number[];
}

/** Split by shard; parts in participant order, each part's operations in the transaction's order. */
export function splitTxn(ops: readonly TxnOp[], participants: readonly NodeId[]): TxnPart[] {
  const parts = new Map<number, TxnPart>();
  ops.forEach((op, i) => {
    const p = shardOf(op.key, participants.length);
    let part = parts.get(p);
    if (part === undefined) parts.set(p, (part = { node: participants[p], ops: [], positions: [] }));
    part.ops.push(op);
    part.positions.push(i);
  });
  return [...parts.keys()].sort((a, b) => a - b).map((p) => parts.get(p)!);
}

export type LockMode = 'shared' | 'exclusive';

export function lockModeOf(op: TxnOp): LockMode {
  return op.f === 'get' || op.f === 'r' ? 'shared' : 'exclusive';
}

/** The locks a part needs: one per key, exclusive when any of its operations writes the key. Sorted by key. */
export function locksOf(ops: readonly TxnOp[]): Array<[string, LockMode]> {
  const modes = new Map<string, LockMode>();
  for (const op of ops) if (modes.get(op.key) !== 'exclusive') modes.set(op.key, lockModeOf(op));
  return [...modes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A key's value: a balance (accounts) or a list. */
export type Value = number | readonly number[];

/**
 * Evaluate a part over the current values (read through `read`): each operation's result,
 * the keys' new values, and whether it may commit (no balance below 0).
 */
export function evaluate(ops: readonly TxnOp[], read: (key: string) => Value): { results: OpResult[]; writes: Map<string, Value>; insufficient: boolean } {
  const writes = new Map<string, Value>();
  const current = (key: string): Value => (writes.has(key) ? writes.get(key)! : read(key));
  const results: OpResult[] = [];
  let insufficient = false;
  for (const op of ops) {
    switch (op.f) {
      case 'get':
        results.push(current(op.key) as number);
        break;
      case 'r':
        results.push([...(current(op.key) as readonly number[])]);
        break;
      case 'add': {
        const next = (current(op.key) as number) + op.delta;
        if (next < 0) insufficient = true;
        writes.set(op.key, next);
        results.push(null);
        break;
      }
      case 'append':
        writes.set(op.key, Object.freeze([...(current(op.key) as readonly number[]), op.value]));
        results.push(null);
        break;
    }
  }
  return { results, writes, insufficient };
}
