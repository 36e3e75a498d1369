// A hand-built NodeContext for driving Zab handlers directly (no scheduler): every effect is
// recorded for assertions (test/protocols/recording-context.ts).
import type { NodeId } from '../../../sim/types.js';
import { zab } from '../../../protocols/zab/index.js';
import type { ZabNode } from '../../../protocols/zab/node.js';
import { type Txn, type ZabMsg, zxid } from '../../../protocols/zab/types.js';
import { FakeStorage, lowRandom, RecordingContext, sameRole, sentOfType as sentOf, type Sent as RecordedSend } from '../recording-context.js';

export { FakeStorage };

export type Sent = RecordedSend<ZabMsg>;

export class FakeContext extends RecordingContext<ZabMsg> {
  constructor(id: NodeId, nodeCount: number, bugs: readonly string[] = [], storage: FakeStorage = new FakeStorage()) {
    super(id, sameRole(nodeCount, 'server'), bugs, storage, lowRandom);
  }
}

export function makeNode(setup: { id?: NodeId; nodes?: number; bugs?: readonly string[]; storage?: FakeStorage; options?: Record<string, unknown> } = {}): { node: ZabNode; ctx: FakeContext } {
  const ctx = new FakeContext(setup.id ?? 0, setup.nodes ?? 3, setup.bugs ?? [], setup.storage ?? new FakeStorage());
  const node = zab.createActor(ctx, setup.options ?? {});
  node.onStart();
  ctx.drain();
  ctx.notes = [];
  return { node, ctx };
}

export function sentOfType<T extends ZabMsg['type']>(sent: readonly Sent[], type: T): Array<Sent & { msg: Extract<ZabMsg, { type: T }> }> {
  return sentOf(sent, type);
}

/** A put transaction with zxid (epoch, counter). */
export function txn(epoch: number, counter: number, id = `t${epoch}.${counter}`): Txn {
  return Object.freeze({ zxid: zxid(epoch, counter), id, clientId: 100 + epoch, seq: counter, op: { f: 'create', key: `/${id}`, value: id } });
}

/** Storage holding a synced durable state, as a node left it. */
export function storageWith(state: { acceptedEpoch?: number; acceptedFrom?: number; currentEpoch?: number; history?: readonly Txn[] }): FakeStorage {
  const s = new FakeStorage();
  if (state.acceptedEpoch !== undefined) s.put('zab:acceptedEpoch', state.acceptedEpoch);
  if (state.acceptedFrom !== undefined) s.put('zab:acceptedFrom', state.acceptedFrom);
  if (state.currentEpoch !== undefined) s.put('zab:currentEpoch', state.currentEpoch);
  const h = state.history ?? [];
  s.logAppend(h);
  s.sync();
  return s;
}
