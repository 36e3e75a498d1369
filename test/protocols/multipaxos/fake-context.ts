// A hand-built NodeContext for driving Multi-Paxos handlers directly (no scheduler): every
// effect is recorded for assertions. Storage is Raft's FakeStorage (tracks syncs and can crash).
import type { ClientRequest, ClientResponse, Micros, NodeContext, NodeId, Random } from '../../../sim/types.js';
import { multipaxos } from '../../../protocols/paxos/multi/index.js';
import type { MultiPaxosReplica } from '../../../protocols/paxos/multi/node.js';
import type { MpMsg } from '../../../protocols/paxos/multi/types.js';
import { FakeStorage, lowRandom } from '../raft/fake-context.js';

export { FakeStorage };

export interface Sent {
  to: NodeId;
  msg: MpMsg;
  syncsBefore: number;
  unsyncedBefore: number;
}

export class FakeContext implements NodeContext<MpMsg> {
  readonly nodes: readonly NodeId[];
  readonly peers: readonly NodeId[];
  readonly random: Random = lowRandom;
  nowUs: Micros = 0;
  sent: Sent[] = [];
  timers = new Map<string, Micros>();
  replies: Array<{ req: ClientRequest; response: ClientResponse }> = [];
  notes: Array<{ kind: string; data: Record<string, unknown> }> = [];
  readonly bugs: Set<string>;
  readonly role = 'replica';
  readonly roles = ['replica'];
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
  buggify(): boolean {
    return false;
  }
  nodesWith(role: string): readonly NodeId[] {
    return role === 'replica' ? this.nodes : [];
  }
  rolesOf(): readonly string[] {
    return this.roles;
  }
  now(): Micros {
    return this.nowUs;
  }
  send(to: NodeId, msg: MpMsg): void {
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
  drain(): Sent[] {
    const out = this.sent;
    this.sent = [];
    return out;
  }
}

export function makeReplica(setup: { id?: NodeId; nodes?: number; bugs?: readonly string[]; storage?: FakeStorage } = {}): { node: MultiPaxosReplica; ctx: FakeContext } {
  const ctx = new FakeContext(setup.id ?? 0, setup.nodes ?? 3, setup.bugs ?? [], setup.storage ?? new FakeStorage());
  const node = multipaxos.createActor(ctx, {});
  node.onStart();
  ctx.drain();
  ctx.notes = [];
  return { node, ctx };
}

export function sentOfType<T extends MpMsg['type']>(sent: readonly Sent[], type: T): Array<Sent & { msg: Extract<MpMsg, { type: T }> }> {
  return sent.filter((s) => s.msg.type === type) as Array<Sent & { msg: Extract<MpMsg, { type: T }> }>;
}
