// A hand-built NodeContext for driving Raft handlers directly (no scheduler), as etcd's
// raft_paper_test.go does: every effect is recorded for assertions.
import type { ClientRequest, ClientResponse, DurableStorage, Micros, NodeContext, NodeId, Random } from '../../../sim/types.js';
import { raft } from '../../../protocols/raft/index.js';
import type { RaftNode } from '../../../protocols/raft/node.js';
import type { Entry, RaftMsg } from '../../../protocols/raft/types.js';
import { noopEntry } from '../../../protocols/raft/types.js';

/** Storage that tracks what was synced, and can crash (dropping unsynced writes). */
export class FakeStorage implements DurableStorage {
  readonly synced = new Map<string, unknown>();
  readonly unsynced = new Map<string, unknown>();
  syncs = 0;
  get<T>(key: string): T | undefined {
    return (this.unsynced.has(key) ? this.unsynced.get(key) : this.synced.get(key)) as T | undefined;
  }
  put(key: string, value: unknown): void {
    this.unsynced.set(key, value);
  }
  sync(): void {
    for (const [k, v] of this.unsynced) this.synced.set(k, v);
    this.unsynced.clear();
    this.syncs++;
  }
  /** Lose every unsynced write (the worst case of the kernel's seeded prefix). */
  crash(): void {
    this.unsynced.clear();
  }
}

/** Deterministic, and picks the low end of ranges: election timeouts are their minimum. */
export const lowRandom: Random = {
  int: (min) => min,
  chance: () => false,
  pick: (items) => items[0],
  shuffle: (items) => [...items],
};

export interface Sent {
  to: NodeId;
  msg: RaftMsg;
  /** Syncs done before this send (to check "durable before answering"). */
  syncsBefore: number;
  /** Unsynced writes pending when it was sent. */
  unsyncedBefore: number;
}

export class FakeContext implements NodeContext<RaftMsg> {
  readonly nodes: readonly NodeId[];
  readonly peers: readonly NodeId[];
  readonly random: Random = lowRandom;
  nowUs: Micros = 0;
  sent: Sent[] = [];
  timers = new Map<string, Micros>();
  replies: Array<{ req: ClientRequest; response: ClientResponse }> = [];
  notes: Array<{ kind: string; data: Record<string, unknown> }> = [];
  readonly bugs: Set<string>;
  readonly role = 'server';
  readonly roles = ['server'];
  readonly clients: readonly number[] = [];

  constructor(
    readonly id: NodeId,
    nodeCount: number,
    bugs: readonly string[] = [],
    readonly storage: FakeStorage = new FakeStorage(),
  ) {
    this.nodes = Array.from({ length: nodeCount }, (_, i) => i);
    this.peers = this.nodes.filter((n) => n !== id);
    this.bugs = new Set(bugs);
  }
  /** Named fault points that fire in this test (all others never do). */
  buggified = new Set<string>();
  buggify(name: string): boolean {
    return this.buggified.has(name);
  }
  nodesWith(role: string): readonly NodeId[] {
    return role === 'server' ? this.nodes : [];
  }
  rolesOf(): readonly string[] {
    return this.roles;
  }
  now(): Micros {
    return this.nowUs;
  }
  send(to: NodeId, msg: RaftMsg): void {
    this.sent.push({ to, msg, syncsBefore: this.storage.syncs, unsyncedBefore: this.storage.unsynced.size });
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
  note(kind: string, data: Record<string, unknown>): void {
    this.notes.push({ kind, data });
  }
  bug(name: string): boolean {
    return this.bugs.has(name);
  }
  /** Take and clear what was sent. */
  drain(): Sent[] {
    const out = this.sent;
    this.sent = [];
    return out;
  }
}

export interface NodeSetup {
  id?: NodeId;
  nodes?: number;
  bugs?: readonly string[];
  options?: Record<string, unknown>;
  /** Durable state to start from. */
  term?: number;
  votedFor?: NodeId;
  /** Terms of log entries 1..n (client entries with ids e<index>@<term>). */
  logTerms?: readonly number[];
  storage?: FakeStorage;
}

/** An entry for tests: a put of k=v<index>, or a no-op. */
export function entry(term: number, index: number, clientId = 100, seq = index): Entry {
  return Object.freeze({ term, id: `e${index}@${term}`, clientId, seq, op: { f: 'put', key: 'k', value: `v${index}` } });
}

export { noopEntry };

/** A started node with the given durable state (written to storage, then onStart). */
export function makeNode(setup: NodeSetup = {}): { node: RaftNode; ctx: FakeContext } {
  const storage = setup.storage ?? new FakeStorage();
  if (!setup.storage) {
    const terms = setup.logTerms ?? [];
    terms.forEach((t, i) => storage.put(`raft:log:${i + 1}`, entry(t, i + 1)));
    storage.put('raft:last', terms.length);
    if (setup.term !== undefined || setup.votedFor !== undefined) {
      storage.put('raft:hs', { term: setup.term ?? 0, votedFor: setup.votedFor ?? -1 });
    }
    storage.sync();
  }
  const ctx = new FakeContext(setup.id ?? 0, setup.nodes ?? 5, setup.bugs ?? [], storage);
  const node = raft.createActor(ctx, setup.options ?? {});
  node.onStart();
  ctx.drain();
  ctx.notes = [];
  return { node, ctx };
}

/** Make the node leader of term+1 by winning an election (pre-vote, then votes from a majority). */
export function electLeader(node: RaftNode, ctx: FakeContext): void {
  node.onTimer('election');
  const majority = Math.floor(ctx.nodes.length / 2) + 1;
  const voters = ctx.peers.slice(0, majority - 1);
  if (node.role === 'pre-candidate') {
    for (const p of voters) node.onMessage(p, { type: 'vote-reply', term: node.term + 1, pre: true, granted: true });
  }
  for (const p of voters) node.onMessage(p, { type: 'vote-reply', term: node.term, pre: false, granted: true });
  if (node.role !== 'leader') throw new Error(`electLeader: node is ${node.role}`);
}

export function sentOfType<T extends RaftMsg['type']>(sent: readonly Sent[], type: T): Array<Sent & { msg: Extract<RaftMsg, { type: T }> }> {
  return sent.filter((s) => s.msg.type === type) as Array<Sent & { msg: Extract<RaftMsg, { type: T }> }>;
}
