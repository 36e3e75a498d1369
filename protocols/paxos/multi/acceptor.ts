// The acceptor half of a replica (Lamport, "Paxos Made Simple" §2.2 and §3; van Renesse &
// Altinbuken, "Paxos Made Moderately Complex" §2.3, Fig. 4): the highest ballot promised,
// and per slot the highest-ballot value accepted. Both are durable: written and synced
// before any promise or accepted leaves (P1a, P2a rely on an acceptor never forgetting).
import type { DurableStorage } from '../../../sim/types.js';
import { ballotLess, compareBallots, NO_BALLOT, type Ballot } from '../ballot.js';
import { acceptedKey, ballotNumber, PROMISED_KEY, TOP_KEY, type Accepted, type Proposal } from './types.js';

export class Acceptor {
  promised: Ballot = NO_BALLOT;
  /** slot -> what was accepted there (the highest ballot). */
  readonly accepted = new Map<number, Accepted>();
  /** The highest slot with an accepted value (0: none). */
  top = 0;
  /** The highest ballot accepted in any slot, as a number (monotonic-ballots reads it). */
  maxAcceptedNumber = ballotNumber(NO_BALLOT);

  /** `volatile`: the volatile-acceptor bug, nothing is written to storage. */
  constructor(
    private readonly storage: DurableStorage,
    private readonly volatile: boolean,
  ) {}

  /** Rebuild from storage (a restart). */
  load(): void {
    const st = this.storage;
    this.promised = st.get<Ballot>(PROMISED_KEY) ?? NO_BALLOT;
    const top = st.get<number>(TOP_KEY) ?? 0;
    for (let s = 1; s <= top; s++) {
      const a = st.get<Accepted>(acceptedKey(s));
      if (a !== undefined) this.remember(a);
    }
  }

  /**
   * Phase 1b ("Paxos Made Simple" §2.2, P1a): promise `b` only when it is above every ballot
   * promised so far (the same ballot again: a retried prepare, promised again). Durable
   * before the caller replies. Returns false when refused.
   */
  promise(b: Ballot): boolean {
    const c = compareBallots(b, this.promised);
    if (c < 0) return false;
    if (c > 0) {
      this.promised = b;
      this.persist(PROMISED_KEY, b);
      this.sync();
    }
    return true;
  }

  /** Raise the promise without a prepare (a leader's own, or one learned from a nack): durable at once. */
  raise(b: Ballot): void {
    if (!ballotLess(this.promised, b)) return;
    this.promised = b;
    this.persist(PROMISED_KEY, b);
    this.sync();
  }

  /** The accepted values above slot `from`, slot order (what a promise reports). */
  acceptedAbove(from: number): Accepted[] {
    const out: Accepted[] = [];
    for (let s = from + 1; s <= this.top; s++) {
      const a = this.accepted.get(s);
      if (a !== undefined) out.push(a);
    }
    return out;
  }

  /**
   * Phase 2b (P2a; PMMC Fig. 4): accept at `b` when b is at least the promised ballot; the
   * promise rises to b. Every value is durable before the caller acknowledges. Returns the
   * accepted slots, or undefined when refused.
   */
  accept(b: Ballot, proposals: readonly Proposal[]): number[] | undefined {
    if (ballotLess(b, this.promised)) return undefined;
    if (ballotLess(this.promised, b)) {
      this.promised = b;
      this.persist(PROMISED_KEY, b);
    }
    const slots: number[] = [];
    for (const p of proposals) {
      const a: Accepted = Object.freeze({ slot: p.slot, ballot: b, cmd: p.cmd });
      const oldTop = this.top;
      this.remember(a);
      this.persist(acceptedKey(p.slot), a);
      if (this.top > oldTop) this.persist(TOP_KEY, this.top);
      slots.push(p.slot);
    }
    this.sync();
    return slots;
  }

  private remember(a: Accepted): void {
    this.accepted.set(a.slot, a);
    if (a.slot > this.top) this.top = a.slot;
    const n = ballotNumber(a.ballot);
    if (n > this.maxAcceptedNumber) this.maxAcceptedNumber = n;
  }

  private persist(key: string, value: unknown): void {
    // Bug `volatile-acceptor`: promised and accepted live in memory only; a restart forgets them.
    if (!this.volatile) this.storage.put(key, value);
  }

  private sync(): void {
    if (!this.volatile) this.storage.sync();
  }
}
