// A hand-built NodeContext for driving single-decree Paxos handlers directly (no
// scheduler): every effect is recorded, with the syncs done before each send.
import type { ClientRequest, ClientResponse, Micros, NodeContext, NodeId, Random } from '../../../sim/types.js';
import { paxos } from '../../../protocols/paxos/single/index.js';
import type { PaxosNode } from '../../../protocols/paxos/single/node.js';
import type { PaxosMsg } from '../../../protocols/paxos/single/types.js';
import { FakeStorage } from '../raft/fake-context.js';

export { FakeStorage };

/** A random stream that answers `int` from a list (cycling), and records what it was asked. */
export class ScriptedRandom implements Random {
  readonly asked: Array<[number, number]> = [];
  private i = 0;
  constructor(private readonly picks: readonly number[] = []) {}
  int(min: number, max: number): number {
    this.asked.push([min, max]);
    if (this.picks.length === 0) return min;
    const p = this.picks[this.i++ % this.picks.length];
    return Math.min(max, Math.max(min, p));
  }
  chance(): boolean {
    return false;
  }
  pick<T>(items: readonly T[]): T {
    return items[0];
  }
  shuffle<T>(items: readonly T[]): T[] {
    return [...items];
  }
}

export interface Sent {
  to: NodeId;
  msg: PaxosMsg;
  syncsBefore: number;
  unsyncedBefore: number;
}

export class PaxosFakeContext implements NodeContext<PaxosMsg> {
  readonly nodes: readonly NodeId[];
  readonly peers: readonly NodeId[];
  readonly roles: readonly string[];
  readonly role: string;
  readonly clients: readonly number[] = [];
  nowUs: Micros = 0;
  sent: Sent[] = [];
  timers = new Map<string, Micros>();
  notes: Array<{ kind: string; data: Record<string, unknown> }> = [];
  replies: Array<{ req: ClientRequest; response: ClientResponse }> = [];
  readonly bugs: Set<string>;

  constructor(
    readonly id: NodeId,
    /** Each node's roles, by node id. */
    readonly layout: ReadonlyArray<readonly string[]>,
    bugs: readonly string[] = [],
    readonly storage: FakeStorage = new FakeStorage(),
    readonly random: Random = new ScriptedRandom(),
  ) {
    this.nodes = layout.map((_, i) => i);
    this.peers = this.nodes.filter((n) => n !== id);
    this.roles = layout[id];
    this.role = this.roles[0];
    this.bugs = new Set(bugs);
  }
  nodesWith(role: string): readonly NodeId[] {
    return this.nodes.filter((n) => this.layout[n].includes(role));
  }
  rolesOf(node: NodeId): readonly string[] {
    return this.layout[node];
  }
  now(): Micros {
    return this.nowUs;
  }
  send(to: NodeId, msg: PaxosMsg): void {
    this.sent.push({ to, msg, syncsBefore: this.storage.syncs, unsyncedBefore: this.storage.unsynced.size });
  }
  setTimer(name: string, afterUs: Micros): void {
    this.timers.set(name, afterUs);
  }
  cancelTimer(name: string): void {
    this.timers.delete(name);
  }
  note(kind: string, data: Record<string, unknown>): void {
    this.notes.push({ kind, data });
  }
  reply(req: ClientRequest, response: ClientResponse): void {
    this.replies.push({ req, response });
  }
  bug(name: string): boolean {
    return this.bugs.has(name);
  }
  buggify(): boolean {
    return false;
  }
  drain(): Sent[] {
    const out = this.sent;
    this.sent = [];
    return out;
  }
}

/** n1, n2 proposers; n3, n4, n5 acceptors; n6 learner (0-based ids 0..5). */
export const SPLIT: ReadonlyArray<readonly string[]> = [['proposer'], ['proposer'], ['acceptor'], ['acceptor'], ['acceptor'], ['learner']];
/** Three nodes, each proposer, acceptor and learner. */
export const SHARED: ReadonlyArray<readonly string[]> = [0, 1, 2].map(() => ['proposer', 'acceptor', 'learner']);
export const ACCEPTORS = [2, 3, 4];

export interface Setup {
  id: NodeId;
  layout?: ReadonlyArray<readonly string[]>;
  bugs?: readonly string[];
  options?: Record<string, unknown>;
  storage?: FakeStorage;
  random?: Random;
  /** Far in the future by default, so that a test starts a ballot itself. */
  proposeAtUs?: number;
}

/** A started node (onStart run, effects cleared). */
export function makeNode(setup: Setup): { node: PaxosNode; ctx: PaxosFakeContext } {
  const ctx = new PaxosFakeContext(setup.id, setup.layout ?? SPLIT, setup.bugs ?? [], setup.storage ?? new FakeStorage(), setup.random ?? new ScriptedRandom());
  const node = paxos.createActor(ctx, { proposeAtUs: [setup.proposeAtUs ?? 1_000_000], ...(setup.options ?? {}) });
  node.onStart();
  ctx.drain();
  ctx.notes = [];
  return { node, ctx };
}

export const b = (round: number, node: number) => ({ round, node });

export function sentOfType<T extends PaxosMsg['type']>(sent: readonly Sent[], type: T): Array<Sent & { msg: Extract<PaxosMsg, { type: T }> }> {
  return sent.filter((s) => s.msg.type === type) as Array<Sent & { msg: Extract<PaxosMsg, { type: T }> }>;
}
