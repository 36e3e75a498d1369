// Multi-Paxos's safety properties, as stateful invariants fed by ghost notes:
//   accepted {slot, ballot, id}   chosen-unique: an acceptor accepted value id in slot at ballot
//   chose {slot, id}              chosen-unique: a leader counted a quorum for id in slot
//   execute {slot, id}            executed-prefix
// monotonic-ballots reads every live acceptor after every event (protocols/common).
import { AgreedSequence } from '../../common/sequence.js';
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
  /** `${slot}|${ballot}|${id}` -> bitmask of acceptors that accepted it. */
  private readonly votes = new Map<string, number>();
  /** slot -> the value chosen there, and how we know. */
  private readonly chosen = new Map<number, { id: string; how: string }>();
  private majority = 0;

  onNote(note: Note, view: { nodeCount: number }): string | undefined {
    if (note.kind === 'accepted') {
      const slot = note.data.slot as number;
      const id = note.data.id as string;
      const ballot = note.data.ballot as number;
      const key = `${slot}|${ballot}|${id}`;
      const mask = (this.votes.get(key) ?? 0) | (1 << note.node);
      this.votes.set(key, mask);
      if (this.majority === 0) this.majority = Math.floor(view.nodeCount / 2) + 1;
      if (popcount(mask) < this.majority) return undefined;
      return this.choose(slot, id, `accepted by a majority at ballot ${ballotShow(ballot)}`);
    }
    if (note.kind === 'chose') return this.choose(note.data.slot as number, note.data.id as string, `counted chosen by ${nodeName(note.node)}`);
    return undefined;
  }

  private choose(slot: number, id: string, how: string): string | undefined {
    const prev = this.chosen.get(slot);
    if (prev === undefined) {
      this.chosen.set(slot, { id, how });
      return undefined;
    }
    if (prev.id === id) return undefined;
    return `slot ${slot}: ${prev.id} was chosen (${prev.how}), then ${id} (${how})`;
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
  private readonly sequence = new AgreedSequence<MultiPaxosReplica>();

  onNote(note: Note, view: { actor(node: NodeId): MultiPaxosReplica | undefined }): string | undefined {
    if (note.kind !== 'execute') return undefined;
    const n = note.node;
    const slot = note.data.slot as number;
    const id = note.data.id as string;
    const problem = this.sequence.add(n, view.actor(n), slot, id);
    if (problem === undefined) return undefined;
    if (problem.kind === 'out-of-order') return `${nodeName(n)} executed slot ${slot} after slot ${problem.after}: not in order`;
    return `slot ${slot} executed as ${problem.first} on ${nodeName(problem.by)} and as ${id} on ${nodeName(n)}`;
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
