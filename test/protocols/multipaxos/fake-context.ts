// A hand-built NodeContext for driving Multi-Paxos handlers directly (no scheduler): every
// effect is recorded for assertions (test/protocols/recording-context.ts).
import type { NodeId } from '../../../sim/types.js';
import { multipaxos } from '../../../protocols/paxos/multi/index.js';
import type { MultiPaxosReplica } from '../../../protocols/paxos/multi/node.js';
import type { MpMsg } from '../../../protocols/paxos/multi/types.js';
import { FakeStorage, lowRandom, RecordingContext, sameRole, sentOfType as sentOf, type Sent as RecordedSend } from '../recording-context.js';

export { FakeStorage };

export type Sent = RecordedSend<MpMsg>;

/** Multi-Paxos's context: every node a `replica`. */
export class FakeContext extends RecordingContext<MpMsg> {
  constructor(id: NodeId, nodeCount: number, bugs: readonly string[] = [], storage: FakeStorage = new FakeStorage()) {
    super(id, sameRole(nodeCount, 'replica'), bugs, storage, lowRandom);
  }
}

export function makeReplica(setup: { id?: NodeId; nodes?: number; bugs?: readonly string[]; storage?: FakeStorage; options?: Record<string, unknown> } = {}): { node: MultiPaxosReplica; ctx: FakeContext } {
  const ctx = new FakeContext(setup.id ?? 0, setup.nodes ?? 3, setup.bugs ?? [], setup.storage ?? new FakeStorage());
  const node = multipaxos.createActor(ctx, setup.options ?? {});
  node.onStart();
  ctx.drain();
  ctx.notes = [];
  return { node, ctx };
}

export function sentOfType<T extends MpMsg['type']>(sent: readonly Sent[], type: T): Array<Sent & { msg: Extract<MpMsg, { type: T }> }> {
  return sentOf(sent, type);
}
