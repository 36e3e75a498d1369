// Multi-Paxos's ghost notes, as builders: the kernel calls one only when something reads
// notes of its kind (the invariants, the liveness check or the trace), so a note nobody
// reads allocates nothing. `ctx.note('chose', slotNote, slot, id)`.
import { ballotText, type Ballot } from '../ballot.js';
import { ballotNumber } from './types.js';

export const promisedNote = (b: Ballot) => ({ ballot: ballotNumber(b) });
export const roleNote = (role: string, b: Ballot) => ({ role, ballot: ballotNumber(b) });
export const leaderNote = (b: Ballot) => ({ ballot: ballotNumber(b), text: ballotText(b) });
export const acceptedNote = (slot: number, ballot: number, id: string) => ({ slot, ballot, id });
/** `chose` and `execute`. */
export const slotNote = (slot: number, id: string) => ({ slot, id });
/** `snapshot-taken`, `snapshot-loaded`, `snapshot-installed`: the replica's snapshot covers slots 1..slot. */
export const snapshotNote = (slot: number) => ({ slot });
