// Zab's ghost notes, as builders: the kernel calls one only when something reads notes of
// its kind (the invariants, the liveness check or the trace), so a note nobody reads
// allocates nothing, texts included. `ctx.note('deliver', deliverNote, index, zxid, id)`.
import type { NodeId } from '../../sim/types.js';
import type { SyncPlan } from './sync.js';
import { zxidText, type SyncMode, type ZabSnapshot } from './types.js';

export const syncedNote = (mode: SyncMode, leader: NodeId, epoch: number, length: number) => ({ mode, leader, epoch, length });
export const newEpochNote = (epoch: number) => ({ epoch });
export const adoptNote = (epoch: number, from: NodeId, last: number, length: number) => ({ epoch, from, last: zxidText(last), length });
export const syncNote = (plan: SyncPlan, follower: NodeId, from: number, to: number) => ({ mode: plan.mode, follower, from: zxidText(from), to: zxidText(to), txns: plan.txns.length });
export const leaderNote = (epoch: number, last: number) => ({ epoch, last: zxidText(last) });
export const proposeNote = (zxid: number, id: string) => ({ zxid, id });
export const sessionNote = (session: unknown) => ({ session });
export const epochsNote = (acceptedEpoch: number, currentEpoch: number, last: number) => ({ acceptedEpoch, currentEpoch, last: zxidText(last) });
export const lookingNote = (epoch: number, why: string) => ({ role: 'looking', epoch, why });
export const leadingNote = (epoch: number) => ({ role: 'leading', epoch });
export const followingNote = (epoch: number, leader: NodeId) => ({ role: 'following', epoch, leader });
export const broadcastNote = (role: string, epoch: number) => ({ role, epoch });
export const deliverNote = (index: number, zxid: number, id: string) => ({ index, zxid, id });
export const snapshotNote = (snap: ZabSnapshot, delivered: number) => ({ count: snap.count, zxid: snap.zxid, id: snap.id, delivered });
