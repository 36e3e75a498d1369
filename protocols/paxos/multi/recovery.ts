// What a new leader proposes once phase 1 is done (PMMC §3, "pmax" and the leader's
// adoption step; PMS §3, the leader that "learns the commands chosen in instances 1–134,
// 138 and 139" and fills 135–137 with no-ops):
//   - in every slot above `from` that some promise reports, the value with the highest
//     ballot among the reports (P2c: it may have been chosen);
//   - in every hole below the highest reported slot, a no-op (so later slots can execute);
//   - new commands go above the highest reported slot.
// A pure function, so the handler tests can drive it directly.
import { ballotText, compareBallots, type Ballot } from '../ballot.js';
import { noop, type Accepted, type Cmd, type Proposal } from './types.js';

export interface RecoveryInput {
  readonly ballot: Ballot;
  /** Slots 1..from are known chosen (the leader executed them); promises report above it. */
  readonly from: number;
  /** The accepted values reported by a quorum of promises (the leader's own included). */
  readonly reports: ReadonlyArray<readonly Accepted[]>;
  /** A value the leader already knows chosen in a slot (learned), if any. */
  readonly known: (slot: number) => Cmd | undefined;
  /** The end of the leader's own log (its highest learned or accepted slot). */
  readonly ownEnd: number;
  /** Bug `ignore-accepted`: propose own values (its own accepted value, else a no-op) instead of the reported ones. */
  readonly ignoreAccepted: boolean;
  readonly ownAccepted: (slot: number) => Cmd | undefined;
  /** Bug `new-leader-at-own-end`: recover only up to its own log end and put new commands right after it. */
  readonly atOwnEnd: boolean;
}

export interface RecoveryPlan {
  readonly proposals: Proposal[];
  /** The first slot for new commands. */
  readonly nextSlot: number;
}

export function recoveryPlan(input: RecoveryInput): RecoveryPlan {
  const best = new Map<number, Accepted>();
  let top = input.from;
  for (const report of input.reports) {
    for (const a of report) {
      if (a.slot <= input.from) continue;
      if (a.slot > top) top = a.slot;
      const b = best.get(a.slot);
      if (b === undefined || compareBallots(a.ballot, b.ballot) > 0) best.set(a.slot, a);
    }
  }
  // Bug `new-leader-at-own-end`: slots reported above our own end are neither recovered nor
  // skipped: new commands land there, over values that may be chosen.
  const end = input.atOwnEnd ? Math.max(input.from, Math.min(top, input.ownEnd)) : top;
  const text = ballotText(input.ballot);
  const proposals: Proposal[] = [];
  for (let s = input.from + 1; s <= end; s++) {
    const cmd = input.ignoreAccepted ? (input.ownAccepted(s) ?? noop(text, s)) : (input.known(s) ?? best.get(s)?.cmd ?? noop(text, s));
    proposals.push({ slot: s, cmd });
  }
  return { proposals, nextSlot: end + 1 };
}
