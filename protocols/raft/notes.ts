// Raft's ghost notes, as builders: the kernel calls one only when something reads notes of
// its kind (invariants.ts and liveness.ts list what each reads), so a note nobody reads
// allocates nothing. `ctx.note('commit', commitNote, index, term)`.
import type { NodeId } from '../../sim/types.js';

export const roleNote = (role: string, term: number) => ({ role, term });
export const voteNote = (term: number, candidate: NodeId) => ({ term, candidate });
export const leaderNote = (term: number) => ({ term });
export const commitNote = (index: number, term: number) => ({ index, term });
export const applyNote = (index: number, term: number, id: string) => ({ index, term, 'command-id': id });
export const snapshotNote = (index: number, term: number, commitIndex: number) => ({ index, term, 'commit-index': commitIndex });
