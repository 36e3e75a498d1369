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

/**
 * The Raft peers' view of a lock cluster, adapted once per run: the invariants of one run
 * (raftPeerInvariants) share one of these, and every check asks after every event, all about
 * the run's one view. Nothing outlives the run.
 */
class PeersView {
  private view: ClusterView<unknown> | undefined;
  private adapted: ClusterView<RaftNode> | undefined;

  of(view: ClusterView<unknown>): ClusterView<RaftNode> {
    if (view !== this.view) {
      this.view = view;
      this.adapted = adapt(view);
    }
    return this.adapted!;
  }
}

function adapt(view: ClusterView<unknown>): ClusterView<RaftNode> {
  // Roles are fixed for a run: the lock servers are nodes 0..servers-1.
  const servers = view.nodesWith(LOCK_SERVER).length;
  return {
    get nowUs() {
      return view.nowUs;
    },
    nodeCount: servers,
    // The kernel's changedNode among the peers: an event of a node that is not a lock server
    // (the resource) changed no Raft peer.
    get changedNode() {
      const changed = view.changedNode;
      return changed === undefined ? undefined : changed < servers ? changed : -1;
    },
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
}

class OnRaftPeers implements Invariant<unknown> {
  readonly name: string;
  readonly notes?: readonly string[];
  readonly onNote?: (note: Note, view: ClusterView<unknown>) => string | undefined;
  readonly afterEvent?: (view: ClusterView<unknown>) => string | undefined;
  readonly atEnd?: (view: ClusterView<unknown>) => string | undefined;

  constructor(inner: Invariant<RaftNode>, peers: PeersView) {
    const raftView = (view: ClusterView<unknown>) => peers.of(view);
    this.name = inner.name;
    // The kinds the Raft invariant reads: without them, it would be handed every note kind
    // of the run, and the kernel would build the data of every note for it.
    if (inner.notes !== undefined) this.notes = inner.notes;
    if (inner.onNote) {
      const onNote = inner.onNote.bind(inner);
      this.onNote = (note, view) => {
        const peers = raftView(view);
        return note.node < peers.nodeCount ? onNote(note, peers) : undefined;
      };
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
  const peers = new PeersView();
  return raftInvariants(opts).map((inv) => new OnRaftPeers(inv, peers));
}
