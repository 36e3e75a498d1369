// The `blocked-transactions` observer: a finding, never a failure. Two-phase commit blocks
// (Gray & Lamport §3: it is not non-blocking): a participant that voted yes cannot decide
// alone, and when the coordinator is down and every peer is uncertain too, it waits for the
// coordinator to come back. This counts the transactions that did: a participant was still
// uncertain after a whole inquiry round of cooperative termination while the coordinator was
// down (two txn-blocked notes, sent every inquireUs while uncertain, with the coordinator
// down at both: the peers' answers to the first did not settle it). A transaction that its
// peers settled is not blocked. Each is shown with its blocked participants and how long
// they stayed uncertain (from the yes vote to the outcome, or to the end of the run).
import type { ClusterView, Micros, Note, Observer } from '../../sim/types.js';
import { fmtUs } from './liveness.js';
import type { TwoPcNode } from './node.js';

export type TwoPcObserver = Observer<TwoPcNode>;

interface Blocked {
  txn: string;
  coordinator: number;
  /** node -> [voted yes at, outcome at (undefined: never)] */
  nodes: Map<number, [Micros, Micros | undefined]>;
}

export class BlockedTransactions implements TwoPcObserver {
  readonly name = 'blocked-transactions';
  /** `${txn}|${node}` -> when it voted yes. */
  private readonly votedAt = new Map<string, Micros>();
  private readonly blocked = new Map<string, Blocked>();
  /** `${txn}|${node}` -> inquiry rounds sent while the coordinator was down. */
  private readonly downRounds = new Map<string, number>();

  onNote(note: Note, view: ClusterView<TwoPcNode>): void {
    const txn = note.data.txn as string;
    if (note.kind === 'txn-vote' && note.data.vote === 'yes') {
      this.votedAt.set(`${txn}|${note.node}`, note.timeUs);
    } else if (note.kind === 'txn-blocked') {
      const coordinator = note.data.coordinator as number;
      if (view.actor(coordinator) !== undefined) return;
      const key = `${txn}|${note.node}`;
      const rounds = (this.downRounds.get(key) ?? 0) + 1;
      this.downRounds.set(key, rounds);
      if (rounds < 2) return;
      let b = this.blocked.get(txn);
      if (b === undefined) this.blocked.set(txn, (b = { txn, coordinator, nodes: new Map() }));
      if (!b.nodes.has(note.node)) b.nodes.set(note.node, [this.votedAt.get(key) ?? note.timeUs, undefined]);
    } else if (note.kind === 'txn-outcome') {
      const entry = this.blocked.get(txn)?.nodes.get(note.node);
      if (entry !== undefined && entry[1] === undefined) entry[1] = note.timeUs;
    }
  }

  atEnd(_view: ClusterView<TwoPcNode>, info: { endUs: Micros }): string | undefined {
    if (this.blocked.size === 0) return undefined;
    const shown = [...this.blocked.values()].slice(0, 3).map((b) => {
      const nodes = [...b.nodes.keys()].sort((x, y) => x - y);
      let longest = 0;
      let open = false;
      for (const [voted, done] of b.nodes.values()) {
        longest = Math.max(longest, (done ?? info.endUs) - voted);
        if (done === undefined) open = true;
      }
      const names = nodes.map((n) => `n${n + 1}`).join(', ');
      return `${b.txn} on ${names} blocked ${fmtUs(longest)}${open ? ' (still at the end)' : ''} while the coordinator n${b.coordinator + 1} was down`;
    });
    return `blocked transactions: ${this.blocked.size} (${shown.join('; ')}${this.blocked.size > 3 ? '; ...' : ''})`;
  }
}

export function twoPcObservers(): TwoPcObserver[] {
  return [new BlockedTransactions()];
}
