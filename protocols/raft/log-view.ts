// How Raft's invariants read a node's (possibly compacted) log. Logs are compacted (§7): a
// node holds entries snapIndex..lastIndex, log[0] standing for the entry at snapIndex (its
// term only). Hand-built states in tests may lack snapIndex (0).
import type { NodeId } from '../../sim/types.js';
import type { RaftNode } from './node.js';
import type { Entry } from './types.js';

export const nodeName = (n: NodeId): string => `n${n + 1}`;

export const startOf = (a: RaftNode): number => (a.snapIndex as number | undefined) ?? 0;
export const lastOf = (a: RaftNode): number => startOf(a) + a.log.length - 1;
/** The entry at absolute `index`: undefined when compacted or past the end. */
export const entryOf = (a: RaftNode, index: number): Entry | undefined => {
  const start = startOf(a);
  return index < start ? undefined : a.log[index - start];
};
