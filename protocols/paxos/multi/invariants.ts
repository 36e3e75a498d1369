// Multi-Paxos's safety properties, as stateful invariants fed by ghost notes:
//   accepted {slot, ballot, id}   chosen-unique: an acceptor accepted value id in slot at ballot
//   chose {slot, id}              chosen-unique: a leader counted a quorum for id in slot
//   execute {slot, id}            executed-prefix
//   snapshot-taken / -loaded / -installed {slot}
//                                 executed-prefix (a loaded or installed snapshot moves the
//                                 node's executed point), both (records are dropped below
//                                 every acceptor's forgotten point)
// monotonic-ballots reads every live acceptor after every event (protocols/common).
//
// Compaction: an acceptor forgets the slots its replica's snapshot covers and ignores
// accepts there; a replica executes only above its snapshot. So once every acceptor has
// forgotten slot s (the least `forgotten` over the nodes, as last seen), no accepted, chose
// or execute note can come for it: both invariants drop what they hold at or below that
// point, and what they hold stays bounded on a long run.
import type { Invariant, Note, NodeId } from '../../../sim/types.js';
import { neverDecreases } from '../../common/index.js';
import type { MultiPaxosReplica } from './node.js';
import { ballotNumber } from './types.js';

const nodeName = (n: NodeId): string => `n${n + 1}`;

/**
 * PMS §2.1 safety: at most one value is chosen per slot. A value is chosen in a slot when a
 * majority of acceptors have accepted it at one ballot (counted from each acceptor's accept,
 * and remembered for the whole run: an acceptance later overwritten still chose it); a
 * leader's own claim that a quorum accepted it (the `chose` note) counts as chosen too, so
 * a leader that counts a wrong quorum is caught when the real majority chooses otherwise.
 */
export class ChosenUnique implements Invariant<MultiPaxosReplica> {
  readonly name = 'chosen-unique';
  /** slot -> `${ballot}|${id}` -> bitmask of acceptors that accepted it (the chosen value's own votes are dropped once chosen). */
  private readonly votes = new Map<number, Map<string, number>>();
  /** slot -> the value chosen there, and how we know. */
  private readonly chosen = new Map<number, { id: string; how: string }>();
  private majority = 0;
  private readonly forgotten = new ForgottenPoint();

  onNote(note: Note, view: ForgottenView): string | undefined {
    if (note.kind === 'accepted') {
      const slot = note.data.slot as number;
      const id = note.data.id as string;
      if (this.chosen.get(slot)?.id === id) return undefined; // more votes for the chosen value change nothing
      const ballot = note.data.ballot as number;
      const key = `${ballot}|${id}`;
      let slotVotes = this.votes.get(slot);
      if (slotVotes === undefined) this.votes.set(slot, (slotVotes = new Map()));
      const mask = (slotVotes.get(key) ?? 0) | (1 << note.node);
      slotVotes.set(key, mask);
      if (this.majority === 0) this.majority = Math.floor(view.nodeCount / 2) + 1;
      if (popcount(mask) < this.majority) return undefined;
      return this.choose(slot, id, `accepted by a majority at ballot ${ballotShow(ballot)}`);
    }
    if (note.kind === 'chose') return this.choose(note.data.slot as number, note.data.id as string, `counted chosen by ${nodeName(note.node)}`);
    if (isSnapshotNote(note.kind) && this.forgotten.update(view)) {
      const w = this.forgotten.point;
      for (const slot of this.votes.keys()) if (slot <= w) this.votes.delete(slot);
      for (const slot of this.chosen.keys()) if (slot <= w) this.chosen.delete(slot);
    }
    return undefined;
  }

  /** Slots held (votes and chosen records), for tests of boundedness. */
  get held(): number {
    return this.votes.size + this.chosen.size;
  }

  private choose(slot: number, id: string, how: string): string | undefined {
    const prev = this.chosen.get(slot);
    if (prev === undefined) {
      this.chosen.set(slot, { id, how });
      // The chosen value's votes are no longer needed; others' still count towards a second choice.
      const slotVotes = this.votes.get(slot);
      if (slotVotes !== undefined) {
        for (const key of slotVotes.keys()) if (key.substring(key.indexOf('|') + 1) === id) slotVotes.delete(key);
        if (slotVotes.size === 0) this.votes.delete(slot);
      }
      return undefined;
    }
    if (prev.id === id) return undefined;
    return `slot ${slot}: ${prev.id} was chosen (${prev.how}), then ${id} (${how})`;
  }
}

type ForgottenView = { nodeCount: number; actor(node: NodeId): MultiPaxosReplica | undefined };

const isSnapshotNote = (kind: string): boolean => kind === 'snapshot-taken' || kind === 'snapshot-loaded' || kind === 'snapshot-installed';

/** The least slot every acceptor has forgotten up to (each as last seen: forgotten never goes down, across restarts too). */
class ForgottenPoint {
  point = 0;
  private readonly seen: number[] = [];

  /** Re-read the live acceptors; true when the point rose. */
  update(view: ForgottenView): boolean {
    let min = Number.MAX_SAFE_INTEGER;
    for (let n = 0; n < view.nodeCount; n++) {
      // Hand-built states in tests may lack `forgotten` (0).
      const f = (view.actor(n)?.acceptor.forgotten as number | undefined) ?? this.seen[n] ?? 0;
      if (f > (this.seen[n] ?? 0)) this.seen[n] = f;
      const s = this.seen[n] ?? 0;
      if (s < min) min = s;
    }
    if (min <= this.point) return false;
    this.point = min;
    return true;
  }
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v !== 0; v &= v - 1) c++;
  return c;
}

/** A ballot number (types.ts ballotNumber) as `round.nN`. */
export function ballotShow(n: number): string {
  const round = Math.floor((n - 1) / 1024);
  const node = n - round * 1024;
  return round < 0 ? '-' : `${round}.n${node}`;
}

/**
 * PMMC §2.2 (replicas): every replica executes the same command in each slot, slots in order
 * with no gaps. Per node, each execute is the slot after its previous one (a restart starts
 * again from slot 1: the learner is volatile); across nodes, the first command executed in a
 * slot is the only one any node may execute there.
 */
export class ExecutedPrefix implements Invariant<MultiPaxosReplica> {
  readonly name = 'executed-prefix';
  /** slot -> the first command executed there and by whom (slots in increasing order: a node executes s only after s - 1). */
  private readonly first = new Map<number, { id: string; by: NodeId }>();
  /** Per node, the incarnation and the last slot it executed (a loaded or installed snapshot sets it). */
  private readonly last: number[] = [];
  private readonly actors: Array<MultiPaxosReplica | undefined> = [];
  /** The highest slot any node executed. */
  private top = 0;
  private readonly forgotten = new ForgottenPoint();

  onNote(note: Note, view: ForgottenView): string | undefined {
    const n = note.node;
    if (isSnapshotNote(note.kind)) {
      const slot = note.data.slot as number;
      if (note.kind !== 'snapshot-taken') {
        this.actors[n] = view.actor(n);
        this.last[n] = slot;
      }
      const problem = slot > this.top ? `${nodeName(n)} has a snapshot through slot ${slot}, above every slot executed (${this.top}): a snapshot holds only executed slots` : undefined;
      if (this.forgotten.update(view)) {
        for (const s of this.first.keys()) {
          if (s > this.forgotten.point) break;
          this.first.delete(s);
        }
      }
      return problem;
    }
    if (note.kind !== 'execute') return undefined;
    const slot = note.data.slot as number;
    const id = note.data.id as string;
    const actor = view.actor(n);
    if (actor !== this.actors[n]) {
      this.actors[n] = actor;
      this.last[n] = 0;
    }
    const after = this.last[n] ?? 0;
    if (slot !== after + 1) return `${nodeName(n)} executed slot ${slot} after slot ${after}: not in order`;
    this.last[n] = slot;
    if (slot > this.top) this.top = slot;
    const seen = this.first.get(slot);
    if (seen === undefined) {
      if (slot > this.forgotten.point) this.first.set(slot, { id, by: n });
      return undefined;
    }
    if (seen.id === id) return undefined;
    return `slot ${slot} executed as ${seen.id} on ${nodeName(seen.by)} and as ${id} on ${nodeName(n)}`;
  }

  /** Slots held, for tests of boundedness. */
  get held(): number {
    return this.first.size;
  }
}

const ballotReaders = {
  promised: (a: MultiPaxosReplica) => promisedNumber(a),
  'highest accepted ballot': (a: MultiPaxosReplica) => a.acceptor.maxAcceptedNumber,
};

function promisedNumber(a: MultiPaxosReplica): number {
  return ballotNumber(a.acceptor.promised);
}

/**
 * PMMC Fig. 4 / PMS §2.2: an acceptor's promised ballot and the ballots it accepted never
 * decrease, across restarts too (both are durable: a restarted acceptor must come back with
 * at least what its previous incarnation showed). volatile-acceptor fails here at the restart.
 */
export function monotonicBallots(): Invariant<MultiPaxosReplica> {
  return neverDecreases<MultiPaxosReplica>('monotonic-ballots', ballotReaders, { acrossRestarts: true, show: ballotShow });
}

export function multiPaxosInvariants(): Invariant<MultiPaxosReplica>[] {
  return [new ChosenUnique(), new ExecutedPrefix(), monotonicBallots()];
}
