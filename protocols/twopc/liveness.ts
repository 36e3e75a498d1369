// Liveness once faults stop: every transaction finishes and every operation is answered.
//   - A participant that voted yes learns the outcome within `livenessBoundUs` of its vote
//     or of faults stopping, whichever is later (blocked transactions finish once the
//     coordinator is back); none is still prepared at the end.
//   - No client operation is still open at the end after more than the bound.
//   - An operation invoked once the bound has passed after faults stopped ends ok or fail,
//     within the bound (not info): the network of the liveness phase must not lose
//     messages (scenarios set `network.afterFaults.loss: 0`), since a BEGIN is sent once.
//   - Some operation completes ok within the bound after faults stop (not vacuous).
import type { ClusterView, HistoryEvent, LivenessCheck, Micros, Note } from '../../sim/types.js';
import type { TwoPcNode } from './node.js';

export const fmtUs = (us: Micros): string => (us >= 1_000_000 ? `${(us / 1_000_000).toFixed(2)}s` : us >= 1000 ? `${(us / 1000).toFixed(us % 1000 === 0 ? 0 : 1)}ms` : `${us}us`);

export class TwoPcLiveness implements LivenessCheck<TwoPcNode> {
  readonly name = 'liveness';
  /** `${txn}|${node}` -> when it voted yes, and when it learned the outcome (undefined: not yet). */
  private readonly uncertain = new Map<string, { txn: string; node: number; votedUs: Micros; doneUs: Micros | undefined }>();

  constructor(private readonly boundUs: Micros) {}

  onNote(note: Note): void {
    if (note.kind === 'txn-vote' && note.data.vote === 'yes') {
      const key = `${note.data.txn as string}|${note.node}`;
      const prev = this.uncertain.get(key);
      if (prev === undefined || prev.doneUs !== undefined) this.uncertain.set(key, { txn: note.data.txn as string, node: note.node, votedUs: note.timeUs, doneUs: undefined });
    } else if (note.kind === 'txn-outcome') {
      const entry = this.uncertain.get(`${note.data.txn as string}|${note.node}`);
      if (entry !== undefined && entry.doneUs === undefined) entry.doneUs = note.timeUs;
    }
  }

  atEnd(_view: ClusterView<TwoPcNode>, info: { livenessStartUs: Micros; endUs: Micros; history: readonly HistoryEvent[] }): string | undefined {
    return this.finished(info.livenessStartUs, info.endUs) ?? this.served(info.livenessStartUs, info.endUs, info.history);
  }

  private finished(startUs: Micros, endUs: Micros): string | undefined {
    for (const e of this.uncertain.values()) {
      const by = Math.max(e.votedUs, startUs) + this.boundUs;
      const at = e.doneUs ?? endUs;
      if (at > by && (e.doneUs !== undefined || endUs > by)) {
        const how = e.doneUs === undefined ? `still uncertain at the end (${fmtUs(endUs)})` : `learned the outcome only at ${fmtUs(e.doneUs)}`;
        return `${e.txn} at n${e.node + 1}: prepared at ${fmtUs(e.votedUs)}, ${how}, over the ${fmtUs(this.boundUs)} bound after faults stopped (${fmtUs(startUs)})`;
      }
    }
    return undefined;
  }

  private served(startUs: Micros, endUs: Micros, history: readonly HistoryEvent[]): string | undefined {
    const bound = this.boundUs;
    const firstDeadline = Math.min(startUs + bound, endUs);
    const open = new Map<number, HistoryEvent>();
    let active = false;
    let okInTime = false;
    for (const e of history) {
      if (e.type === 'invoke') {
        open.set(e.process, e);
        if (e.timeUs >= startUs) active = true;
        continue;
      }
      const invoked = open.get(e.process);
      open.delete(e.process);
      if (e.type === 'ok' && e.timeUs >= startUs && e.timeUs <= firstDeadline) okInTime = true;
      if (invoked === undefined || invoked.timeUs < startUs + bound) continue;
      if (e.type === 'info' || e.timeUs - invoked.timeUs > bound) {
        return `${e.f} invoked at ${fmtUs(invoked.timeUs)} by process ${e.process} ended ${e.type}${e.error ? ` (${e.error})` : ''} at ${fmtUs(e.timeUs)}: after faults stopped (${fmtUs(startUs)}) every operation must be answered ok or fail within ${fmtUs(bound)}`;
      }
    }
    for (const [process, invoked] of open) {
      if (endUs - invoked.timeUs > bound && endUs - startUs > bound) {
        return `${invoked.f} invoked at ${fmtUs(invoked.timeUs)} by process ${process} was still open at the end (${fmtUs(endUs)}), over the ${fmtUs(bound)} bound`;
      }
    }
    if (active && endUs - startUs >= bound && !okInTime) return `no operation completed ok between faults stopping (${fmtUs(startUs)}) and ${fmtUs(firstDeadline)}`;
    return undefined;
  }
}

export function twoPcLiveness(boundUs: Micros): LivenessCheck<TwoPcNode>[] {
  return [new TwoPcLiveness(boundUs)];
}
