// A hand-built NodeContext for driving Raft handlers directly (no scheduler), as etcd's
// raft_paper_test.go does: every effect is recorded for assertions.
import type { ClusterView, DurableStorage, NodeId } from '../../../sim/types.js';
import { FakeStorage, lowRandom, RecordingContext, sameRole, sentOfType as sentOf, type Sent as RecordedSend } from '../recording-context.js';
import { raft } from '../../../protocols/raft/index.js';
import type { RaftNode } from '../../../protocols/raft/node.js';
import type { Entry, RaftMsg } from '../../../protocols/raft/types.js';
import { noopEntry } from '../../../protocols/raft/types.js';

export { FakeStorage, lowRandom };

export type Sent = RecordedSend<RaftMsg>;

/** Raft's context: every node a `server`. */
export class FakeContext extends RecordingContext<RaftMsg> {
  constructor(id: NodeId, nodeCount: number, bugs: readonly string[] = [], storage: FakeStorage = new FakeStorage()) {
    super(id, sameRole(nodeCount, 'server'), bugs, storage, lowRandom);
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
    storage.logAppend(terms.map((t, i) => entry(t, i + 1)));
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
  return sentOf(sent, type);
}

/**
 * A hand-built cluster view of Raft servers for feeding invariants directly: `actors` are
 * fakes with the fields the checks read (role, term, commitIndex, log...), each node has a
 * FakeStorage, and `changedNode` is whatever the test sets (undefined: any node).
 */
export class FakeRaftView<A extends object = object> implements ClusterView<RaftNode> {
  nowUs = 0;
  inLivenessPhase = false;
  changedNode: NodeId | -1 | undefined = undefined;
  readonly clientCount = 0;
  readonly storages: FakeStorage[];
  constructor(public actors: Array<A | undefined>) {
    this.storages = actors.map(() => new FakeStorage());
  }
  get nodeCount(): number {
    return this.actors.length;
  }
  actor(node: number): RaftNode | undefined {
    return this.actors[node] as RaftNode | undefined;
  }
  storage(node: number): DurableStorage {
    return this.storages[node];
  }
  rolesOf(): readonly string[] {
    return ['server'];
  }
  nodesWith(role: string): readonly number[] {
    return role === 'server' ? this.actors.map((_, i) => i) : [];
  }
  clientActor(): undefined {
    return undefined;
  }
}
