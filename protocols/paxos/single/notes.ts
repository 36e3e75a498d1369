// Single-decree Paxos's ghost notes, as builders: the kernel calls one only when something
// reads notes of its kind (the invariants, the liveness check or the trace), so a note
// nobody reads allocates nothing, ballot texts included.
import { ballotText, type Ballot } from '../ballot.js';

export const acceptNote = (b: Ballot, value: unknown) => ({ ballot: ballotText(b), round: b.round, by: b.node, value });
export const ballotNote = (b: Ballot) => ({ ballot: ballotText(b) });
export const proposeNote = (b: Ballot, value: unknown, adopted: boolean) => ({ ballot: ballotText(b), value, adopted });
/** `decide` and `learn`. */
export const valueNote = (b: Ballot, value: unknown) => ({ ballot: ballotText(b), value });
export const preemptedNote = (b: Ballot, why: string) => ({ ballot: ballotText(b), why });
