// The lock service's ghost notes (./types.ts NOTE names them; ./checkers.ts reads them), as
// builders: the kernel calls one only when something reads notes of its kind, so a note
// nobody reads allocates nothing.
import { clientLabel, type WriteMsg } from './types.js';

export const grantNote = (grant: string) => ({ grant });
export const heldNote = (grant: string, token: number | null, validUs: number, basis: number) => ({ grant, token, validUs, basis });
export const renewedNote = (grant: string, validUs: number, basis: number) => ({ grant, validUs, basis });
export const releasedNote = (grant: string, why: string) => ({ grant, why });
export const writeNote = (msg: WriteMsg, from: number, nodeCount: number, accepted: boolean) => ({ grant: msg.grant, client: clientLabel(from, nodeCount), token: msg.token, step: msg.step, accepted });
