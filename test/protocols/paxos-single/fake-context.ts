// A hand-built NodeContext for driving single-decree Paxos handlers directly (no
// scheduler): every effect is recorded, with the syncs done before each send.
import type { NodeId, Random } from '../../../sim/types.js';
import { paxos } from '../../../protocols/paxos/single/index.js';
import type { PaxosNode } from '../../../protocols/paxos/single/node.js';
import type { PaxosMsg } from '../../../protocols/paxos/single/types.js';
import { FakeStorage, RecordingContext, sentOfType as sentOf, type Sent as RecordedSend } from '../recording-context.js';

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

export type Sent = RecordedSend<PaxosMsg>;

/** Paxos's context: roles per node from a layout; a scripted random stream by default. */
export class PaxosFakeContext extends RecordingContext<PaxosMsg> {
  constructor(id: NodeId, layout: ReadonlyArray<readonly string[]>, bugs: readonly string[] = [], storage: FakeStorage = new FakeStorage(), random: Random = new ScriptedRandom()) {
    super(id, layout, bugs, storage, random);
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
  return sentOf(sent, type);
}
