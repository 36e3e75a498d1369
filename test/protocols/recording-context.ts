// A hand-built NodeContext for driving a protocol's handlers directly, with no scheduler
// (as etcd's raft_paper_test.go does): every effect is recorded for assertions, each send
// with the syncs done before it (durable before reply). Shared by the protocols' tests.
import type { ClientRequest, ClientResponse, DurableStorage, Micros, NodeContext, NodeId, NoteBuilder, NoteData, Random } from '../../sim/types.js';

/** Storage that tracks what was synced, and can crash (dropping unsynced writes). */
export class FakeStorage implements DurableStorage {
  readonly synced = new Map<string, unknown>();
  readonly unsynced = new Map<string, unknown>();
  /** The log as the process sees it, and as the disk holds it (a copy made at each sync). */
  log: unknown[] = [];
  syncedLog: readonly unknown[] = [];
  logSynced = 0;
  /** Entries below logStart were discarded (their slots hold undefined): as the process sees it, and as synced. */
  logStart = 0;
  syncedStart = 0;
  syncs = 0;
  get<T>(key: string): T | undefined {
    return (this.unsynced.has(key) ? this.unsynced.get(key) : this.synced.get(key)) as T | undefined;
  }
  put(key: string, value: unknown): void {
    this.unsynced.set(key, value);
  }
  get logLength(): number {
    return this.log.length;
  }
  logAt<T>(index: number): T | undefined {
    return this.log[index] as T | undefined;
  }
  logAppend(entries: readonly unknown[], from = 0, at = this.log.length): void {
    if (at > this.log.length || at < this.logStart) throw new Error(`append at ${at} of ${this.log.length} from ${this.logStart}`);
    this.log.length = at;
    this.logSynced = Math.min(this.logSynced, at);
    this.log.push(...entries.slice(from));
  }
  logCompact(upto: number): void {
    if (upto < this.logStart) throw new Error(`compaction to ${upto} below ${this.logStart}`);
    if (upto > this.log.length) this.log.length = upto;
    this.log.fill(undefined, this.logStart, upto);
    this.logStart = upto;
  }
  logTruncate(length: number): void {
    if (length > this.log.length || length < this.logStart) throw new Error(`truncation to ${length} of ${this.log.length} from ${this.logStart}`);
    this.log.length = length;
    this.logSynced = Math.min(this.logSynced, length);
  }
  /** Unsynced log changes: does the process's log differ from the disk's? */
  get logDirty(): boolean {
    return this.log.length !== this.syncedLog.length || this.log.some((e, i) => e !== this.syncedLog[i]);
  }
  /** Unsynced writes: the puts, plus one for any unsynced log change. */
  get unsyncedCount(): number {
    return this.unsynced.size + (this.logDirty ? 1 : 0);
  }
  sync(): void {
    for (const [k, v] of this.unsynced) this.synced.set(k, v);
    this.unsynced.clear();
    this.syncedLog = this.log.slice();
    this.syncedStart = this.logStart;
    this.logSynced = this.log.length;
    this.syncs++;
  }
  /** Lose every unsynced write (the worst case of the kernel's seeded prefix). */
  crash(): void {
    this.unsynced.clear();
    this.log = this.syncedLog.slice();
    this.logStart = this.syncedStart;
    this.logSynced = this.log.length;
  }
}

/** A random stream that always draws the lowest value (deterministic tests). */
export const lowRandom: Random = {
  int: (min: number) => min,
  chance: () => false,
  pick: <T>(items: readonly T[]) => items[0],
  shuffle: <T>(items: readonly T[]) => [...items],
};

export interface Sent<M> {
  to: NodeId;
  msg: M;
  /** Storage syncs done before this send, and writes still unsynced then. */
  syncsBefore: number;
  unsyncedBefore: number;
}

export class RecordingContext<M> implements NodeContext<M> {
  readonly nodes: readonly NodeId[];
  readonly peers: readonly NodeId[];
  readonly roles: readonly string[];
  readonly role: string;
  readonly clients: readonly number[] = [];
  readonly workload = { keyCount: 3, mix: {} };
  readonly bugs: Set<string>;
  nowUs: Micros = 0;
  sent: Array<Sent<M>> = [];
  timers = new Map<string, Micros>();
  replies: Array<{ req: ClientRequest; response: ClientResponse }> = [];
  notes: Array<{ kind: string; data: Record<string, unknown> }> = [];
  /** Named fault points that fire in this test (all others never do). */
  buggified = new Set<string>();

  constructor(
    readonly id: NodeId,
    /** Each node's roles, by node id. */
    readonly layout: ReadonlyArray<readonly string[]>,
    bugs: readonly string[] = [],
    readonly storage: FakeStorage = new FakeStorage(),
    readonly random: Random = lowRandom,
  ) {
    this.nodes = layout.map((_, i) => i);
    this.peers = this.nodes.filter((n) => n !== id);
    this.roles = layout[id];
    this.role = this.roles[0];
    this.bugs = new Set(bugs);
  }
  buggify(name: string): boolean {
    return this.buggified.has(name);
  }
  nodesWith(role: string): readonly NodeId[] {
    return this.nodes.filter((n) => this.layout[n].includes(role));
  }
  rolesOf(node: NodeId): readonly string[] {
    return this.layout[node] ?? [];
  }
  now(): Micros {
    return this.nowUs;
  }
  send(to: NodeId, msg: M): void {
    this.sent.push({ to, msg, syncsBefore: this.storage.syncs, unsyncedBefore: this.storage.unsyncedCount });
  }
  setTimer(name: string, afterUs: Micros): void {
    this.timers.set(name, afterUs);
  }
  cancelTimer(name: string): void {
    this.timers.delete(name);
  }
  reply(req: ClientRequest, response: ClientResponse): void {
    this.replies.push({ req, response });
  }
  note<A, B, C, D>(kind: string, data?: NoteData | NoteBuilder<A, B, C, D>, a?: A, b?: B, c?: C, d?: D): void {
    this.notes.push({ kind, data: typeof data === 'function' ? data(a!, b!, c!, d!) : (data ?? {}) });
  }
  bug(name: string): boolean {
    return this.bugs.has(name);
  }
  /** Take and clear what was sent. */
  drain(): Array<Sent<M>> {
    const out = this.sent;
    this.sent = [];
    return out;
  }
}

/** `nodes` nodes that all play `role`. */
export function sameRole(nodes: number, role: string): ReadonlyArray<readonly string[]> {
  return Array.from({ length: nodes }, () => [role]);
}

/** The sends of one message type, typed. */
export function sentOfType<M extends { type: string }, T extends M['type']>(sent: ReadonlyArray<Sent<M>>, type: T): Array<Sent<M> & { msg: Extract<M, { type: T }> }> {
  return sent.filter((s) => s.msg.type === type) as Array<Sent<M> & { msg: Extract<M, { type: T }> }>;
}
