// Raft's own invariants (protocols/raft/invariants.ts: election-safety, log-matching,
// state-machine-safety, committed-never-lost, ...) for the lock services replicated on Raft.
// They see a view of the Raft peers only: the lock servers (nodes 0..k-1), each as its
// RaftNode; notes of clients and the resource never reach them.
import type { ClusterView, Invariant, Note } from '../../sim/types.js';
import { raftInvariants } from '../raft/invariants.js';
import type { RaftNode } from '../raft/node.js';
import type { RaftOptions } from '../raft/options.js';
import type { RaftLockServer } from './raft-host.js';
import { LOCK_SERVER } from './types.js';

/** The Raft peers' view of a lock cluster (one per underlying view: the kernel keeps one). */
const views = new WeakMap<ClusterView<unknown>, ClusterView<RaftNode>>();

function raftView(view: ClusterView<unknown>): ClusterView<RaftNode> {
  const hit = views.get(view);
  if (hit !== undefined) return hit;
  const servers = view.nodesWith(LOCK_SERVER).length;
  const adapted: ClusterView<RaftNode> = {
    get nowUs() {
      return view.nowUs;
    },
    nodeCount: servers,
    actor: (node) => (node < servers ? (view.actor(node) as RaftLockServer<never> | undefined)?.raft : undefined),
    rolesOf: (node) => view.rolesOf(node),
    nodesWith: (role) => view.nodesWith(role),
    get clientCount() {
      return view.clientCount;
    },
    clientActor: (index) => view.clientActor(index),
    storage: (node) => view.storage(node),
    get inLivenessPhase() {
      return view.inLivenessPhase;
    },
  };
  views.set(view, adapted);
  return adapted;
}

class OnRaftPeers implements Invariant<unknown> {
  readonly name: string;
  readonly onNote?: (note: Note, view: ClusterView<unknown>) => string | undefined;
  readonly afterEvent?: (view: ClusterView<unknown>) => string | undefined;
  readonly atEnd?: (view: ClusterView<unknown>) => string | undefined;

  constructor(inner: Invariant<RaftNode>) {
    this.name = inner.name;
    if (inner.onNote) {
      const onNote = inner.onNote.bind(inner);
      this.onNote = (note, view) => (note.node < view.nodesWith(LOCK_SERVER).length ? onNote(note, raftView(view)) : undefined);
    }
    if (inner.afterEvent) {
      const afterEvent = inner.afterEvent.bind(inner);
      this.afterEvent = (view) => afterEvent(raftView(view));
    }
    if (inner.atEnd) {
      const atEnd = inner.atEnd.bind(inner);
      this.atEnd = (view) => atEnd(raftView(view));
    }
  }
}

export function raftPeerInvariants(opts: RaftOptions): Invariant<unknown>[] {
  return raftInvariants(opts).map((inv) => new OnRaftPeers(inv));
}
