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
// point (chosen-unique at once, executed-prefix in batches: protocols/common AgreedSequence),
// and what they hold stays bounded on a long run. The point is protocols/common's
// SnapshotFloor, one per run for both.
import type { Invariant, Note, NodeId } from '../../../sim/types.js';
import { AgreedSequence, isSnapshotNote, neverDecreases, SnapshotFloor } from '../../common/index.js';
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
  /**
   * slot -> who accepted what there: per (ballot, value id), the bitmask of the acceptors that
   * accepted it (the chosen value's own votes are dropped once chosen). A list, searched:
   * a slot sees few ballots, and no key text is built per note.
   */
  private readonly votes = new Map<number, Vote[]>();
  /** slot -> the value chosen there, and how we know. */
  private readonly chosen = new Map<number, Choice>();
  private majority = 0;
  /** Records are held above this slot: the forgotten point as last pruned at. */
  private pruned = 0;

  /** `forgotten`: the run's forgotten point, shared with executed-prefix (multiPaxosInvariants). */
  constructor(private readonly forgotten: SnapshotFloor<ForgottenView> = forgottenPoint()) {}

  onNote(note: Note, view: ForgottenView): string | undefined {
    if (note.kind === 'accepted') {
      const slot = note.data.slot as number;
      const id = note.data.id as string;
      if (this.chosen.get(slot)?.id === id) return undefined; // more votes for the chosen value change nothing
      const ballot = note.data.ballot as number;
      let slotVotes = this.votes.get(slot);
      if (slotVotes === undefined) this.votes.set(slot, (slotVotes = []));
      let vote: Vote | undefined;
      for (let i = 0; i < slotVotes.length; i++) {
        const v = slotVotes[i];
        if (v.ballot === ballot && v.id === id) {
          vote = v;
          break;
        }
      }
      if (vote === undefined) slotVotes.push((vote = { ballot, id, mask: 0 }));
      const mask = (vote.mask |= 1 << note.node);
      if (this.majority === 0) this.majority = Math.floor(view.nodeCount / 2) + 1;
      if (popcount(mask) < this.majority) return undefined;
      return this.choose(slot, id, BY_MAJORITY, ballot);
    }
    if (note.kind === 'chose') return this.choose(note.data.slot as number, note.data.id as string, BY_LEADER, note.node);
    if (isSnapshotNote(note.kind) && this.forgotten.at(note, view) > this.pruned) {
      const w = (this.pruned = this.forgotten.point);
      for (const slot of this.votes.keys()) if (slot <= w) this.votes.delete(slot);
      for (const slot of this.chosen.keys()) if (slot <= w) this.chosen.delete(slot);
    }
    return undefined;
  }

  /** Slots held (votes and chosen records), for tests of boundedness. */
  get held(): number {
    return this.votes.size + this.chosen.size;
  }

  /** `by` and `which` say how the choice is known (BY_MAJORITY at ballot `which`, BY_LEADER node `which`): text only in a violation. */
  private choose(slot: number, id: string, by: number, which: number): string | undefined {
    const prev = this.chosen.get(slot);
    if (prev === undefined) {
      this.chosen.set(slot, { id, by, which });
      // The chosen value's votes are no longer needed; others' still count towards a second choice.
      const slotVotes = this.votes.get(slot);
      if (slotVotes !== undefined) {
        const others = slotVotes.filter((v) => v.id !== id);
        if (others.length === 0) this.votes.delete(slot);
        else this.votes.set(slot, others);
      }
      return undefined;
    }
    if (prev.id === id) return undefined;
    return `slot ${slot}: ${prev.id} was chosen (${howShow(prev.by, prev.which)}), then ${id} (${howShow(by, which)})`;
  }
}

/** A choice is known from a majority's accepts at a ballot, or from a leader's `chose` note. */
const BY_MAJORITY = 0;
const BY_LEADER = 1;

/** The value chosen in a slot, and how it is known (ChosenUnique.choose). */
interface Choice {
  readonly id: string;
  readonly by: number;
  readonly which: number;
}

function howShow(by: number, which: number): string {
  return by === BY_MAJORITY ? `accepted by a majority at ballot ${ballotShow(which)}` : `counted chosen by ${nodeName(which)}`;
}

/** Acceptors that accepted value `id` at `ballot` in one slot, as a bitmask. */
interface Vote {
  readonly ballot: number;
  readonly id: string;
  mask: number;
}

type ForgottenView = { nodeCount: number; actor(node: NodeId): MultiPaxosReplica | undefined };

/**
 * The least slot every acceptor has forgotten up to, each as last seen (forgotten never goes
 * down, across restarts too); one per run, shared. Hand-built states in tests may lack
 * `forgotten`.
 */
export const forgottenPoint = (): SnapshotFloor<ForgottenView> =>
  new SnapshotFloor<ForgottenView>((view, n) => view.actor(n)?.acceptor.forgotten as number | undefined);

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
  /** Per node its incarnation and last executed slot (a loaded or installed snapshot sets it); the first command and node at each slot. */
  private readonly sequence = new AgreedSequence<MultiPaxosReplica>();

  /** `forgotten`: the run's forgotten point, shared with chosen-unique (multiPaxosInvariants). */
  constructor(private readonly forgotten: SnapshotFloor<ForgottenView> = forgottenPoint()) {}

  onNote(note: Note, view: ForgottenView): string | undefined {
    const n = note.node;
    if (isSnapshotNote(note.kind)) {
      const slot = note.data.slot as number;
      if (note.kind !== 'snapshot-taken') this.sequence.restartAt(n, view.actor(n), slot);
      const top = this.sequence.top;
      const problem = slot > top ? `${nodeName(n)} has a snapshot through slot ${slot}, above every slot executed (${top}): a snapshot holds only executed slots` : undefined;
      // Replicas execute only above their snapshots, acceptors forget only what those cover.
      this.sequence.forgetBelow(this.forgotten.at(note, view) + 1);
      return problem;
    }
    if (note.kind !== 'execute') return undefined;
    const slot = note.data.slot as number;
    const id = note.data.id as string;
    const problem = this.sequence.add(n, view.actor(n), slot, id);
    if (problem === undefined) return undefined;
    if (problem.kind === 'out-of-order') return `${nodeName(n)} executed slot ${slot} after slot ${problem.after}: not in order`;
    return `slot ${slot} executed as ${problem.first} on ${nodeName(problem.by)} and as ${id} on ${nodeName(n)}`;
  }

  /** Slots held, for tests of boundedness. */
  get held(): number {
    return this.sequence.held;
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
  // One forgotten point per run: computed once per snapshot note, for the two that drop records by it.
  const forgotten = forgottenPoint();
  return [new ChosenUnique(forgotten), new ExecutedPrefix(forgotten), monotonicBallots()];
}
